//! Integration tests of the `gridprice` binary and library: storage on SQLite and PostgreSQL,
//! the CLI, and the HTTP server, all over real files, connections and sockets.

#[macro_use]
mod support;

mod admin_browser;
mod admin_catalog;
mod admin_first_run_browser;
mod admin_home;
mod admin_home_browser;
mod admin_matrices;
mod admin_option_groups_page;
mod admin_options_browser;
mod admin_pages;
mod admin_products;
mod admin_products_browser;
mod admin_products_page;
mod admin_security;
mod admin_settings_browser;
mod admin_settings_page;
mod admin_store;
mod admin_support;
mod billing;
mod billing_browser;
pub mod browser;
mod cli_migrate;
mod cli_quote;
mod connections;
mod install;
mod offline_tokens;
mod operations_metrics;
mod platform_fidelity;
mod server;
mod storefront_access;
mod storefront_browser;
mod storefront_cache;
mod storefront_draft_orders;
mod storefront_price;
mod storefront_proxy;
mod storefront_support;
