//! A local Shopify for development and tests (DESIGN §7): OAuth and token exchange, session
//! tokens, the Admin GraphQL subset Gridprice uses with Shopify's cost model and throttling,
//! fault injection, signed webhooks and a seeded demo shop, all over real HTTP; and the admin a
//! merchant sees around the embedded app (the app in an iframe, with offline stand-ins of App
//! Bridge and the Polaris web components served at `/shopifycloud/…`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), shopify_sim::SimError> {
//! use shopify_sim::{SimConfig, Simulator, DEMO_SHOP};
//! let sim = Simulator::start(SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("GraphQL at {}/admin/api/2026-10/graphql.json", sim.shop_url(DEMO_SHOP));
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

mod admin;
mod app_proxy;
mod billing;
mod config;
mod control;
mod embed;
mod error;
mod faults;
mod graphql;
mod html;
mod invoice;
mod money;
mod oauth;
mod online_store;
mod pricing;
mod seed;
mod server;
mod session_token;
mod signing;
mod state;
mod tokens;
mod webhooks;

pub use config::{SimConfig, DEFAULT_API_VERSION, DEFAULT_BUCKET_SIZE, DEFAULT_RESTORE_RATE};
pub use error::SimError;
pub use seed::{DEMO_PRODUCT_HANDLE, DEMO_PRODUCT_ID, DEMO_SHOP, DEMO_VARIANT_ID};
pub use server::{SimHandle, Simulator};

/// The GraphQL schema in SDL, as validated against every incoming document.
pub fn schema_sdl() -> String {
    graphql::schema::build_schema().sdl()
}
