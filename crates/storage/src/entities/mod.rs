//! SeaORM models of the tables created by the migrations. The repositories of this crate are
//! their only users in the app; they are public for tests that inspect rows as stored (the app
//! crate has no SeaORM dependency to use them with).

pub mod api_keys;
pub mod app_subscriptions;
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
