//! Gridprice: made-to-measure pricing for Shopify.
//!
//! Features live in their own modules (stores, matrices, products, options, draft_orders,
//! storefront), each with its storage beside it; `db` owns the connection and migrations,
//! `http` the server, `cli` the `gridprice` command.

pub mod admin;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod dev;
pub mod draft_orders;
pub mod http;
pub mod jobs;
pub mod matrices;
pub mod metrics;
pub mod options;
pub mod products;
pub mod state;
pub mod storefront;
pub mod stores;
pub mod telemetry;
pub mod webhooks;
pub mod wire;
