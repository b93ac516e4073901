//! One log line and one metrics sample per request, and request ids. A request's other lines sit
//! in a span carrying its request id, so everything a request caused can be found by its
//! `X-Request-Id`.
//!
//! Successful storefront reads (price, options) are the bulk of the traffic — a widget re-prices
//! as the shopper types — so they get no span and their line is logged at DEBUG; a failed read
//! is logged at INFO with its request id. `RUST_LOG=info,gridprice::http::access_log=debug`
//! shows every read. On this path a span and a line per request cost more than the pricing
//! (docs/PERFORMANCE.md), and so did `axum::middleware::from_fn`'s two allocations per request:
//! this is a plain `tower` layer.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::http::Response;
use axum::http::{HeaderValue, Method, Uri};
use tower::{Layer, Service};
use tower_http::request_id::{MakeRequestId, RequestId};
use tracing::instrument::Instrumented;
use tracing::{Instrument, Span};

use super::REQUEST_ID;
use crate::metrics::{Metrics, Route};

/// Request ids as UUID v4 strings, formatted on the stack (`MakeRequestUuid` goes through a
/// `String` first).
#[derive(Debug, Clone, Copy, Default)]
pub struct MakeUuid;

impl MakeRequestId for MakeUuid {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
        let text = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut text);
        HeaderValue::from_str(text).ok().map(RequestId::new)
    }
}

/// The longest client-sent request id kept; a UUID is 36 characters, a trace id 32 to 55.
const MAX_REQUEST_ID_LEN: usize = 128;

/// Drops a client-sent request id that is too long or has characters beyond letters, digits
/// and `-_.:/+=`, so a fresh one is made: what is echoed and logged cannot forge log lines or
/// carry a payload.
pub fn drop_unsafe_request_id<B>(mut request: axum::http::Request<B>) -> axum::http::Request<B> {
    let safe = |value: &HeaderValue| {
        let bytes = value.as_bytes();
        !bytes.is_empty()
            && bytes.len() <= MAX_REQUEST_ID_LEN
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(b))
    };
    if request
        .headers()
        .get(REQUEST_ID)
        .is_some_and(|id| !safe(id))
    {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

/// Logs each request and counts it in `metrics`.
#[derive(Debug, Clone)]
pub struct AccessLogLayer {
    pub metrics: Metrics,
}

impl<S> Layer<S> for AccessLogLayer {
    type Service = AccessLog<S>;

    fn layer(&self, inner: S) -> AccessLog<S> {
        AccessLog {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AccessLog<S> {
    inner: S,
    metrics: Metrics,
}

/// What the line says of the request.
struct Line {
    method: Method,
    uri: Uri,
    request_id: Option<HeaderValue>,
    /// A storefront read gets no span and is logged at DEBUG on success.
    route: Route,
    started: Instant,
}

impl<S, B> Service<Request> for AccessLog<S>
where
    S: Service<Request, Response = Response<B>>,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = AccessLogFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let line = Line {
            route: Route::of(request.method(), request.uri().path()),
            method: request.method().clone(),
            uri: request.uri().clone(),
            request_id: request.headers().get(REQUEST_ID).cloned(),
            started: Instant::now(),
        };
        let span = if line.route.is_storefront_read() {
            Span::none()
        } else {
            tracing::info_span!(
                "request",
                method = %line.method,
                path = line.uri.path(),
                request_id = line.id(),
            )
        };
        AccessLogFuture {
            inner: self.inner.call(request).instrument(span),
            line: Some(line),
            metrics: self.metrics.clone(),
        }
    }
}

pin_project_lite::pin_project! {
    pub struct AccessLogFuture<F> {
        #[pin]
        inner: Instrumented<F>,
        line: Option<Line>,
        metrics: Metrics,
    }
}

impl<F, B, E> Future for AccessLogFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let result = ready!(this.inner.as_mut().poll(cx));
        if let (Some(line), Ok(response)) = (this.line.take(), &result) {
            line.write(response, this.inner.span(), this.metrics);
        }
        Poll::Ready(result)
    }
}

impl Line {
    fn id(&self) -> &str {
        self.request_id
            .as_ref()
            .and_then(|id| id.to_str().ok())
            .unwrap_or_default()
    }

    fn write<B>(&self, response: &Response<B>, span: &Span, metrics: &Metrics) {
        let elapsed = self.started.elapsed();
        metrics.request(self.route, response.status(), elapsed);
        let status = response.status().as_u16();
        let latency_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        let (method, path, request_id) = (&self.method, self.uri.path(), self.id());
        if !self.route.is_storefront_read() {
            span.in_scope(|| tracing::info!(status, latency_us, "finished processing request"));
        } else if response.status().is_success() {
            tracing::debug!(%method, path, request_id, status, latency_us, "request");
        } else {
            tracing::info!(%method, path, request_id, status, latency_us, "request");
        }
    }
}
