//! The storefront API v1 (DESIGN §5): what storefronts and the `quote` command answer.
//!
//! Every `/api/v1` route sits behind one gate ([`with_api_v1_layers`]): CORS preflights are
//! answered first, then the per-IP rate limit and the query-string limit, then the `X-API-Key`
//! (if sent) is authenticated from the in-memory catalogue, checked against the request's
//! origin and its own rate limit, and handed to the handler as [`StorefrontKey`]. Every answer
//! carries the CORS and `RateLimit-*` headers.

mod cors;
mod key;
pub mod openapi;
pub mod price;
pub mod query;
mod rate_limit;
mod routes;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

pub use self::key::{StorefrontKey, API_KEY_HEADER};
use self::rate_limit::{Allowance, Limited, Limiters};
pub use self::rate_limit::{Rate, RateLimits};
use crate::http::error::ApiError;
use crate::state::AppState;

/// Whether a request is a storefront read (a price or a product's options): the hot path.
pub fn is_read(method: &Method, path: &str) -> bool {
    *method == Method::GET
        && path
            .strip_prefix("/api/v1/products/")
            .is_some_and(|rest| rest.ends_with("/price") || rest.ends_with("/options"))
}

/// The storefront's own routes behind the `/api/v1` gate.
pub fn api_v1(state: &AppState) -> Router<AppState> {
    with_api_v1_layers(state, routes::routes())
}

/// Puts `routes` (all under `/api/v1`) behind the gate: CORS, rate limits, key authentication.
/// Each call has its own limiters, so routes wrapped separately are limited separately.
pub fn with_api_v1_layers(state: &AppState, routes: Router<AppState>) -> Router<AppState> {
    let gate = Arc::new(Gate {
        state: state.clone(),
        limiters: Limiters::new(state.rate_limits.clone()),
    });
    routes.layer(middleware::from_fn_with_state(gate, guard))
}

struct Gate {
    state: AppState,
    limiters: Limiters,
}

async fn guard(State(gate): State<Arc<Gate>>, mut request: Request, next: Next) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    if request.method() == Method::OPTIONS {
        return cors::preflight(origin.as_ref());
    }
    let mut response = match gate.admit(&mut request, origin.as_ref()).await {
        Ok(allowance) => {
            let mut response = next.run(request).await;
            allowance.write(response.headers_mut());
            response
        }
        Err(refusal) => refusal,
    };
    cors::allow(response.headers_mut(), origin);
    response
}

impl Gate {
    /// Admits the request, putting its key (if any) into its extensions, or answers it.
    async fn admit(
        &self,
        request: &mut Request,
        origin: Option<&HeaderValue>,
    ) -> Result<Allowance, Response> {
        let by_ip = self.limiters.check_ip(request).map_err(limited)?;
        if request
            .uri()
            .query()
            .is_some_and(|query| query.len() > query::MAX_QUERY_BYTES)
        {
            return Err(ApiError::invalid_field(
                "query",
                format!(
                    "the query string is longer than {} bytes",
                    query::MAX_QUERY_BYTES
                ),
            )
            .into_response());
        }
        let key = key::authenticate(&self.state, request.headers(), origin)
            .await
            .map_err(IntoResponse::into_response)?;
        let Some(key) = key else {
            return Ok(by_ip);
        };
        let by_key = self.limiters.check_key(key.id).map_err(limited)?;
        request.extensions_mut().insert(key);
        Ok(by_ip.tighter(by_key))
    }
}

fn limited(limited: Limited) -> Response {
    let mut response = limited.error.into_response();
    limited.allowance.write(response.headers_mut());
    response
}
