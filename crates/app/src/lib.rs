//! Gridprice: made-to-measure pricing for Shopify.
//!
//! The app's layers (DESIGN §2; `tests/layers.rs` fails on an upward import):
//! - shared, edge-free: [`config`], [`crypto`], [`error`] (the error of each layer), [`metrics`]
//!   (the registry), [`names`], [`telemetry`] — on top of the domain crates (`pricing`,
//!   `shopify`), the v1 wire types (`gridprice-wire`) and storage (`gridprice-storage`);
//! - features: [`stores`], [`api_keys`], [`catalog`], [`matrices`], [`products`], [`options`],
//!   [`draft_orders`], [`jobs`], [`webhooks`], [`auth`], [`billing`] — their `service`
//!   modules (billing's plans are configuration, shared);
//! - the HTTP edge: [`http`] (state, request reading, problem+json, middleware), then each
//!   feature's `routes`/`api`, [`storefront`] (the v1 API and the calculator's script),
//!   [`proxy`] (the same answers through Shopify's app proxy), [`home`], [`audit`];
//! - [`app`]: `App::build`, the one way every entry point starts the app;
//! - [`cli`] and [`dev`] (the local Shopify and the demo store; the only users of the
//!   simulator).

pub mod api_keys;
pub mod app;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod crypto;
#[cfg(feature = "dev")]
pub mod dev;
pub mod draft_orders;
pub mod error;
pub mod home;
pub mod http;
pub mod jobs;
pub mod matrices;
pub mod metrics;
pub mod names;
pub mod options;
pub mod pages;
pub mod products;
pub mod proxy;
pub mod storefront;
pub mod stores;
pub mod telemetry;
pub mod webhooks;
