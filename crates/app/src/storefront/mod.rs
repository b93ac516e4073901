//! The storefront API v1 (DESIGN §5): what storefronts and the `quote` command answer.
//!
//! Every `/api/v1` route sits behind one gate ([`reads`], [`orders`]): CORS preflights are
//! answered first, then the per-IP rate limit and the query-string limit, then the `X-API-Key`
//! (if sent) is authenticated from the in-memory catalogue, checked against the request's
//! origin and its own rate limit, and handed to the handler as [`StorefrontKey`]. Every answer
//! carries the CORS and `RateLimit-*` headers.

mod cors;
pub mod draft_orders;
mod gate;
mod key;
pub mod openapi;
pub mod query;
pub(crate) mod routes;
pub mod script;

use axum::Router;

pub use self::key::{StorefrontKey, API_KEY_HEADER};
use crate::http::AppState;

/// The theme app extension's calculator block (`extensions/…/blocks/calculator.liquid`).
pub const CALCULATOR_BLOCK: &str = "calculator";

/// The theme editor's page (below the admin's root) that adds the calculator to the live
/// theme's product template, in the deep-link form Shopify documents: `addAppBlockId` is the
/// app's API key (client id), a slash, and the block's handle.
pub fn add_calculator_path(api_key: &str) -> String {
    format!(
        "/themes/current/editor?template=product&addAppBlockId={api_key}/{CALCULATOR_BLOCK}\
         &target=mainSection"
    )
}

/// The storefront's read routes behind the `/api/v1` gate. Answered from memory, they have no
/// whole-request deadline and read no body (see `app::router`).
pub fn reads(state: &AppState) -> Router<AppState> {
    behind_gate(state, routes::routes())
}

/// `POST /api/v1/draft-orders` behind its own gate, so draft orders are not starved by price
/// polling; its deadline inside the gate, so a request that times out still gets CORS.
pub fn orders(state: &AppState) -> Router<AppState> {
    behind_gate(state, draft_orders::routes().layer(crate::http::deadline()))
}

/// Puts `routes` (all under `/api/v1`) behind the gate: CORS, rate limits, key authentication.
/// Each call has its own limiters, so routes wrapped separately are limited separately.
fn behind_gate(state: &AppState, routes: Router<AppState>) -> Router<AppState> {
    routes.layer(gate::GateLayer::new(state))
}
