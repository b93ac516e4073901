//! End-to-end tests of the simulator over real sockets.

mod admin;
mod common;
mod faults;
mod graphql;
mod manifest;
mod oauth;
mod webhooks;
