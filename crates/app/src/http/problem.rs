//! RFC 9457 problem details: the one error body every API of the app answers with.

use std::any::Any;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::BoxError;
use serde::Serialize;
use tower::{Layer, Service};

pub const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Field → messages, for validation failures.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, Vec<String>>,
    /// The plan limit a write ran into, and where to upgrade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<PlanLimit>,
    #[serde(skip)]
    pub retry_after_seconds: Option<u64>,
}

/// The `limit` member of a problem: which limit of which plan, and the page to upgrade on.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanLimit {
    /// `matrices`, `optionGroups` or `csvImport`.
    pub name: &'static str,
    /// `free` or `pro`.
    pub plan: &'static str,
    /// How many the plan allows; absent for a feature it lacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<u64>,
    pub used: u64,
    /// The admin page where the merchant changes plan.
    pub upgrade: &'static str,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: BTreeMap::new(),
            limit: None,
            retry_after_seconds: None,
        }
    }

    pub fn with_limit(mut self, reached: &crate::billing::plans::LimitReached) -> Self {
        self.limit = Some(PlanLimit {
            name: reached.resource.as_str(),
            plan: reached.plan.as_str(),
            allowed: reached.allowed,
            used: reached.used,
            upgrade: crate::billing::plans::PLAN_PAGE,
        });
        self
    }

    pub fn with_field_error(
        mut self,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        self.errors
            .entry(field.into())
            .or_default()
            .push(message.into());
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_seconds = Some(seconds);
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(seconds) = self.retry_after_seconds {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// 405, naming the methods the endpoint does answer in `Allow`.
pub fn method_not_allowed(allow: &'static str) -> Response {
    let detail = format!("This endpoint answers {allow} only.");
    let mut response = Problem::new(StatusCode::METHOD_NOT_ALLOWED, detail).into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// How long a client is asked to wait after a 503 that did not say.
const DEFAULT_RETRY_AFTER: u64 = 5;

/// Every error the app sends is problem+json: an error answer that is not — one axum or a
/// tower layer wrote (a 405 of a route, a whole-request deadline's 503, a 413 from a body
/// limit) — gets a problem body with its status, keeping its headers (CORS, `Allow`,
/// `RateLimit-*`); a 503 without `Retry-After` gets one. Successful answers pass untouched.
pub fn ensure_problem(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(CONTENT_TYPE.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let mut problem = Problem::new(status, default_detail(status));
    if status == StatusCode::SERVICE_UNAVAILABLE && !parts.headers.contains_key(header::RETRY_AFTER)
    {
        problem = problem.with_retry_after(DEFAULT_RETRY_AFTER);
    }
    let answer = problem.into_response();
    let (answer_parts, body) = answer.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.extend(answer_parts.headers);
    Response::from_parts(parts, body)
}

/// Applies [`ensure_problem`] to every answer, with one body type for the connection.
#[derive(Debug, Clone, Copy)]
pub struct ProblemLayer;

impl<S> Layer<S> for ProblemLayer {
    type Service = Problems<S>;

    fn layer(&self, inner: S) -> Problems<S> {
        Problems { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Problems<S> {
    inner: S,
}

impl<S, R, B> Service<R> for Problems<S>
where
    S: Service<R, Response = axum::http::Response<B>>,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ProblemFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        ProblemFuture {
            inner: self.inner.call(request),
        }
    }
}

pin_project_lite::pin_project! {
    pub struct ProblemFuture<F> {
        #[pin]
        inner: F,
    }
}

impl<F, B, E> Future for ProblemFuture<F>
where
    F: Future<Output = Result<axum::http::Response<B>, E>>,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let response = ready!(self.project().inner.poll(cx))?;
        Poll::Ready(Ok(ensure_problem(response.map(Body::new))))
    }
}

/// What an error nobody described means to the client.
fn default_detail(status: StatusCode) -> &'static str {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => "This endpoint does not answer this method; see Allow.",
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is larger than this endpoint accepts.",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "Send the body as application/json.",
        StatusCode::SERVICE_UNAVAILABLE => {
            "The request could not be completed in time; retry shortly."
        }
        StatusCode::REQUEST_TIMEOUT => "The request did not arrive in time.",
        _ => "The request could not be answered.",
    }
}

/// A panic in a handler is a bug; the caller still gets a well-formed problem, never a reset.
pub fn internal_error_from_panic(_payload: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "An unexpected error occurred.",
    )
    .into_response()
}
