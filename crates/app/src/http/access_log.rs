//! One log line per request. A request's other lines sit in a span carrying its request id, so
//! everything a request caused can be found by its `X-Request-Id`.
//!
//! Successful storefront reads (price, options) are the bulk of the traffic — a widget re-prices
//! as the shopper types — so they get no span and their line is logged at DEBUG; a failed read
//! is logged at INFO with its request id. `RUST_LOG=info,gridprice::http::access_log=debug`
//! shows every read. On this path a span and a line per request cost more than the pricing
//! (docs/PERFORMANCE.md).

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::REQUEST_ID;

pub async fn record(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let request_id = request.headers().get(REQUEST_ID).cloned();
    let request_id = request_id
        .as_ref()
        .and_then(|id| id.to_str().ok())
        .unwrap_or_default();
    let path = uri.path();
    if crate::storefront::is_read(&method, path) {
        let response = next.run(request).await;
        let (status, latency_us) = (response.status(), micros_since(started));
        if status.is_success() {
            tracing::debug!(%method, path, request_id, status = status.as_u16(), latency_us, "request");
        } else {
            tracing::info!(%method, path, request_id, status = status.as_u16(), latency_us, "request");
        }
        return response;
    }
    let span = tracing::info_span!("request", %method, path, request_id);
    let response = next.run(request).instrument(span.clone()).await;
    let (status, latency_us) = (response.status().as_u16(), micros_since(started));
    span.in_scope(|| tracing::info!(status, latency_us, "finished processing request"));
    response
}

fn micros_since(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX)
}
