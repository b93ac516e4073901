//! The client against the local Shopify (`shopify-sim`) over real HTTP: the platform behaviours
//! the simulator models from shopify.dev, seen from the client's side.

mod access;
mod common;
mod draft_orders;
mod oauth;
mod tokens;
mod webhooks;
