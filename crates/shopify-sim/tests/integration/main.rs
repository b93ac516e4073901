//! End-to-end tests of the simulator over real sockets.

mod admin;
mod app_proxy;
mod billing;
mod common;
mod extension;
mod faults;
mod graphql;
mod invoice;
mod manifest;
mod oauth;
mod pricing;
mod protected_data;
mod storefront;
mod tokens;
mod webhooks;
