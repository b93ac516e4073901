//! SeaORM models of the tables created by `db::migrations`; repositories in the feature
//! modules are their only users.

pub mod stores;
pub mod api_keys;
pub mod price_matrices;
pub mod breakpoints;
pub mod matrix_cells;
pub mod product_matrices;
pub mod option_groups;
pub mod option_choices;
pub mod product_option_groups;
pub mod draft_order_records;
pub mod webhook_events;
pub mod gdpr_requests;
pub mod jobs;
pub mod audit_log;
