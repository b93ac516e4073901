//! The Admin GraphQL transport: one POST per attempt to `{shop}/admin/api/{version}/graphql.json`,
//! pacing from the cost bucket, and a retry policy that never repeats a mutation whose effect is
//! unknown.
//!
//! Retried (jittered exponential backoff, inside `ClientOptions::retry_budget`):
//! - THROTTLED / HTTP 429, for queries and mutations: Shopify executed nothing.
//! - connection failures before the request was sent, for queries and mutations.
//! - timeouts, resets and 5xx for queries only. For a mutation these become `OutcomeUnknown`.
//!
//! Never retried: top-level `ACCESS_DENIED` (`AccessDenied`, or `ProtectedCustomerDataDenied`
//! when the app is not approved for protected customer data), other GraphQL errors, 4xx.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use tokio::time::Instant;

use super::error::AdminError;
use super::operations::{Operation, OperationKind};
use super::throttle::{Reservation, Throttle, ThrottleStatus};
use crate::credentials::{AccessToken, ApiVersion};
use crate::domain::ShopDomain;
use crate::http_body::{read_limited, BodyError};
use crate::shop_url::ShopUrlTemplate;

const ACCESS_TOKEN_HEADER: &str = "X-Shopify-Access-Token";

/// Timeouts, retry budget and limits for Admin API calls.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Bound on one HTTP attempt, from sending to the last byte of the response.
    pub request_timeout: Duration,
    /// No new attempt (or pacing wait) starts once this much time has passed since the call
    /// began; an attempt under way still gets its full `request_timeout`.
    pub retry_budget: Duration,
    /// First backoff; doubles per retry up to `max_backoff`, each drawn from [½, 1] of that.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Largest response body read.
    pub max_response_bytes: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(8),
            retry_budget: Duration::from_secs(10),
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
            max_response_bytes: 2 * 1024 * 1024,
        }
    }
}

/// The Admin API client shared by the whole app; clones share connections and bucket state.
#[derive(Clone)]
pub struct AdminClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    template: ShopUrlTemplate,
    version: ApiVersion,
    options: ClientOptions,
    throttle: Throttle,
}

impl AdminClient {
    pub fn new(
        http: reqwest::Client,
        template: ShopUrlTemplate,
        version: ApiVersion,
        options: ClientOptions,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                http,
                template,
                version,
                options,
                throttle: Throttle::default(),
            }),
        }
    }

    /// Operations on one shop with its access token.
    pub fn shop<'a>(&'a self, shop: &'a ShopDomain, token: &'a AccessToken) -> ShopClient<'a> {
        ShopClient {
            client: self,
            shop,
            token,
        }
    }
}

/// An `AdminClient` bound to one shop; the typed operations live in `operations.rs`.
pub struct ShopClient<'a> {
    client: &'a AdminClient,
    shop: &'a ShopDomain,
    token: &'a AccessToken,
}

/// One failed attempt: worth another try, or final.
enum Failure {
    Retry(AdminError),
    Fatal(AdminError),
}

#[derive(Deserialize)]
struct Envelope {
    data: Option<Value>,
    #[serde(default)]
    errors: Vec<GraphQlError>,
    extensions: Option<Extensions>,
}

#[derive(Deserialize)]
struct GraphQlError {
    message: String,
    extensions: Option<GraphQlErrorExtensions>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphQlErrorExtensions {
    code: Option<String>,
    documentation: Option<String>,
    required_access: Option<String>,
}

impl GraphQlError {
    fn code(&self) -> Option<&str> {
        self.extensions.as_ref().and_then(|x| x.code.as_deref())
    }
}

#[derive(Deserialize)]
struct Extensions {
    cost: Option<Cost>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cost {
    requested_query_cost: Option<f64>,
    throttle_status: Option<ThrottleStatus>,
}

impl ShopClient<'_> {
    /// Runs `operation` with retries and pacing and decodes its `data` into `T`.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        operation: &Operation,
        variables: Value,
    ) -> Result<T, AdminError> {
        let inner = &self.client.inner;
        let body = serde_json::json!({ "query": operation.document, "variables": variables });
        let deadline = Instant::now() + inner.options.retry_budget;
        let mut retries = 0u32;
        loop {
            // Held until this attempt's response has been recorded, released before any backoff.
            let reservation = self.pace(operation, deadline).await?;
            let outcome = self.attempt(operation, &body).await;
            drop(reservation);
            let error = match outcome {
                Ok(data) => return self.decode(operation, data),
                Err(Failure::Fatal(error)) => return Err(error),
                Err(Failure::Retry(error)) => error,
            };
            retries += 1;
            // After THROTTLED the bucket state is fresh, so the next `pace` adds the refill time;
            // the backoff keeps concurrent callers from retrying in lockstep.
            let delay = self.backoff(retries);
            if Instant::now() + delay >= deadline {
                return Err(error);
            }
            tracing::warn!(
                operation = operation.name,
                shop = %self.shop,
                %error,
                ?delay,
                "retrying Shopify Admin API call"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// Waits until the bucket should hold the call's cost, or fails with `Throttled` if that is
    /// past the deadline (nothing was sent, so this is safe for mutations too).
    async fn pace(
        &self,
        operation: &Operation,
        deadline: Instant,
    ) -> Result<Reservation, AdminError> {
        let throttle = &self.client.inner.throttle;
        let cost = throttle.expected_cost(operation.name, operation.estimated_cost);
        let now = Instant::now();
        let (wait, reservation) = throttle
            .reserve(
                self.shop,
                cost,
                now,
                deadline.saturating_duration_since(now),
            )
            .map_err(|_| AdminError::Throttled)?;
        if !wait.is_zero() {
            tracing::debug!(operation = operation.name, shop = %self.shop, ?wait, "pacing");
            tokio::time::sleep(wait).await;
        }
        Ok(reservation)
    }

    async fn attempt(&self, operation: &Operation, body: &Value) -> Result<Value, Failure> {
        let inner = &self.client.inner;
        let path = format!("/admin/api/{}/graphql.json", inner.version);
        let sent = inner
            .http
            .post(inner.template.url(self.shop, &path))
            .header(ACCESS_TOKEN_HEADER, self.token.expose_secret())
            .timeout(inner.options.request_timeout)
            .json(body)
            .send()
            .await;
        let response = sent.map_err(|e| send_failure(operation.kind, e))?;
        let status = response.status().as_u16();
        match status {
            401 | 403 => return Err(Failure::Fatal(AdminError::Unauthorized(status))),
            404 => return Err(Failure::Fatal(AdminError::NotFound)),
            _ => {}
        }
        let bytes = read_limited(response, inner.options.max_response_bytes)
            .await
            .map_err(|e| body_failure(operation.kind, e))?;
        let envelope = serde_json::from_slice::<Envelope>(&bytes).ok();
        if let Some(envelope) = &envelope {
            self.record_cost(operation, envelope);
        }
        match status {
            429 => Err(Failure::Retry(AdminError::Throttled)),
            500..=599 => Err(server_failure(operation.kind, status)),
            200..=299 => interpret(operation.kind, envelope),
            _ => Err(Failure::Fatal(AdminError::Rejected(status))),
        }
    }

    /// Feeds the reported cost and bucket state to the throttle.
    fn record_cost(&self, operation: &Operation, envelope: &Envelope) {
        let cost = envelope.extensions.as_ref().and_then(|e| e.cost.as_ref());
        self.client.inner.throttle.record(
            self.shop,
            operation.name,
            cost.and_then(|c| c.requested_query_cost),
            cost.and_then(|c| c.throttle_status),
            Instant::now(),
        );
    }

    fn decode<T: DeserializeOwned>(
        &self,
        operation: &Operation,
        data: Value,
    ) -> Result<T, AdminError> {
        serde_json::from_value(data).map_err(|e| match operation.kind {
            OperationKind::Query => AdminError::InvalidResponse(e.to_string()),
            OperationKind::Mutation => {
                AdminError::OutcomeUnknown(format!("unexpected response shape: {e}"))
            }
        })
    }

    fn backoff(&self, retry: u32) -> Duration {
        let options = &self.client.inner.options;
        let exponential = options
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(options.max_backoff);
        exponential.mul_f64(rand::thread_rng().gen_range(0.5..=1.0))
    }
}

/// Reads a 2xx GraphQL response: THROTTLED is retried, other errors are final.
fn interpret(kind: OperationKind, envelope: Option<Envelope>) -> Result<Value, Failure> {
    let envelope = envelope.ok_or_else(|| unreadable(kind, "body is not a GraphQL response"))?;
    if envelope
        .errors
        .iter()
        .any(|e| e.code() == Some("THROTTLED"))
    {
        return Err(Failure::Retry(AdminError::Throttled));
    }
    let mut errors = envelope.errors;
    if let Some(at) = errors
        .iter()
        .position(|e| e.code() == Some("ACCESS_DENIED"))
    {
        return Err(Failure::Fatal(access_denied(errors.swap_remove(at))));
    }
    if !errors.is_empty() {
        let messages = errors.into_iter().map(|e| e.message).collect();
        return Err(Failure::Fatal(AdminError::GraphQl(messages)));
    }
    envelope
        .data
        .filter(|d| !d.is_null())
        .ok_or_else(|| unreadable(kind, "response has no data"))
}

/// An `ACCESS_DENIED` error: protected customer data when Shopify says the app "is not
/// approved" or links its customer data page, else a missing access scope.
fn access_denied(error: GraphQlError) -> AdminError {
    let extensions = error.extensions.unwrap_or(GraphQlErrorExtensions {
        code: None,
        documentation: None,
        required_access: None,
    });
    let documentation = extensions.documentation;
    let protected = error.message.contains("is not approved to")
        || documentation
            .as_deref()
            .is_some_and(|d| d.contains("customer_data") || d.contains("protected-customer-data"));
    if protected {
        AdminError::ProtectedCustomerDataDenied {
            message: error.message,
            documentation,
        }
    } else {
        AdminError::AccessDenied {
            message: error.message,
            required_access: extensions.required_access,
        }
    }
}

fn send_failure(kind: OperationKind, e: reqwest::Error) -> Failure {
    // A connect error means the request never left: safe to retry even a mutation.
    if e.is_connect() {
        return Failure::Retry(AdminError::Transport(e.without_url().to_string()));
    }
    let error = match e.is_timeout() {
        true => AdminError::Timeout,
        false => AdminError::Transport(e.without_url().to_string()),
    };
    match kind {
        OperationKind::Query => Failure::Retry(error),
        OperationKind::Mutation => Failure::Fatal(AdminError::OutcomeUnknown(error.to_string())),
    }
}

fn body_failure(kind: OperationKind, e: BodyError) -> Failure {
    match e {
        BodyError::TooLarge => unreadable(kind, "response too large"),
        BodyError::Transport(e) => send_failure(kind, e),
    }
}

fn server_failure(kind: OperationKind, status: u16) -> Failure {
    match kind {
        OperationKind::Query => Failure::Retry(AdminError::ServerError(status)),
        OperationKind::Mutation => {
            Failure::Fatal(AdminError::OutcomeUnknown(format!("HTTP {status}")))
        }
    }
}

/// A response we cannot use: for a mutation we cannot tell whether it was applied.
fn unreadable(kind: OperationKind, reason: &str) -> Failure {
    Failure::Fatal(match kind {
        OperationKind::Query => AdminError::InvalidResponse(reason.to_owned()),
        OperationKind::Mutation => AdminError::OutcomeUnknown(reason.to_owned()),
    })
}
