//! The storefront API v1 (DESIGN §5): what storefronts and the `quote` command answer.
//!
//! Every `/api/v1` route sits behind one gate ([`with_api_v1_layers`]): CORS preflights are
//! answered first, then the per-IP rate limit and the query-string limit, then the `X-API-Key`
//! (if sent) is authenticated from the in-memory catalogue, checked against the request's
//! origin and its own rate limit, and handed to the handler as [`StorefrontKey`]. Every answer
//! carries the CORS and `RateLimit-*` headers.

mod cors;
mod gate;
mod key;
pub mod openapi;
pub mod price;
pub mod query;
mod rate_limit;
mod routes;

use axum::Router;

pub use self::key::{StorefrontKey, API_KEY_HEADER};
pub use self::rate_limit::{Rate, RateLimits};
use crate::state::AppState;

/// The storefront's own routes behind the `/api/v1` gate.
pub fn api_v1(state: &AppState) -> Router<AppState> {
    with_api_v1_layers(state, routes::routes())
}

/// Puts `routes` (all under `/api/v1`) behind the gate: CORS, rate limits, key authentication.
/// Each call has its own limiters, so routes wrapped separately are limited separately.
pub fn with_api_v1_layers(state: &AppState, routes: Router<AppState>) -> Router<AppState> {
    routes.layer(gate::GateLayer::new(state))
}
