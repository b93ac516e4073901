//! SeaORM models of the tables created by `db::migrations`; repositories in the feature
//! modules are their only users.

pub mod api_keys;
pub mod audit_log;
pub mod breakpoints;
pub mod draft_order_records;
pub mod gdpr_requests;
pub mod jobs;
pub mod matrix_cells;
pub mod oauth_states;
pub mod option_choices;
pub mod option_groups;
pub mod price_matrices;
pub mod product_matrices;
pub mod product_option_groups;
pub mod stores;
pub mod webhook_events;
