//! End-to-end tests of the simulator over real sockets.

mod common;
mod faults;
mod graphql;
mod oauth;
mod webhooks;
