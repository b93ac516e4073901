//! `GET /metrics`: the instance's metrics for Prometheus. With `GRIDPRICE_METRICS_TOKEN` set, a
//! scrape must send it as a bearer token (`authorization.credentials` in Prometheus's scrape
//! config); without it the endpoint is open, for deployments that keep it off the public
//! network.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gridprice_storage::draft_orders;

use crate::http::error::ApiError;
use crate::http::AppState;

pub const PATH: &str = "/metrics";
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(scrape))
}

async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = &state.metrics_token {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        if !presented.is_some_and(|presented| token.matches(presented)) {
            return Err(ApiError::Unauthenticated(
                "Send the metrics token as `Authorization: Bearer <token>`.".into(),
            ));
        }
    }
    let pending = match draft_orders::count_pending(&state.db).await {
        Ok(count) => Some(count),
        Err(error) => {
            tracing::warn!(%error, "metrics: cannot count pending draft order records");
            None
        }
    };
    let text = state.metrics.render(pending);
    let content_type = HeaderValue::from_static(CONTENT_TYPE);
    Ok(([(header::CONTENT_TYPE, content_type)], text).into_response())
}
