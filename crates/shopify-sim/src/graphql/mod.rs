//! `POST /store/{shop}/admin/api/{version}/graphql.json`: authentication, transport faults,
//! schema-validated execution behind the cost gate, and Shopify's response envelope.

pub(crate) mod billing;
pub mod cost;
mod draft_orders;
pub mod gate;
mod pagination;
pub mod scalars;
pub mod schema;
pub(crate) mod search;
pub mod throttle;
mod webhook_subscriptions;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::ErrorExtensions;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value as Json_};
use tokio::time::Instant;

use crate::faults::TransportFault;
use crate::server::ConnectionKill;
use crate::state::SimState;
use gate::{CostReport, Outcome, SharedReport};
use throttle::{Bucket, Limits, ThrottleStatus};

/// Request-scoped data the resolvers and the cost gate read.
pub struct RequestCtx {
    pub state: Arc<SimState>,
    pub shop: String,
    pub api_key: String,
    /// Scopes granted to the access token.
    pub scopes: Vec<String>,
    pub operation_name: Option<String>,
    /// Answer THROTTLED whatever the bucket holds (the `throttleNext` fault).
    pub force_throttle: bool,
    pub report: SharedReport,
    /// Whether the app is approved for protected customer data (`/_sim/config`).
    pub protected_customer_data: bool,
}

/// The Partner Dashboard ids in the protected customer data error's link (Shopify links the
/// app's own page, `https://partners.shopify.com/{partner}/apps/{app}/customer_data`).
pub const SIM_PARTNER_ID: u64 = 1_000_001;
pub const SIM_APP_ID: u64 = 2_000_001;
const ACCESS_SCOPES_DOCS: &str = "https://shopify.dev/api/usage/access-scopes";

impl RequestCtx {
    /// Shopify refuses a field whose scope the token lacks; `write_x` implies `read_x`. The
    /// error carries `code`, `documentation` and `requiredAccess` (shopify.dev changelog "New
    /// error messages for GraphQL operations without necessary access scopes").
    pub fn require_scope(&self, scope: &str, field: &str) -> async_graphql::Result<()> {
        let implied = scope.replacen("read_", "write_", 1);
        if self.scopes.iter().any(|s| s == scope || *s == implied) {
            return Ok(());
        }
        Err(async_graphql::Error::new(format!(
            "Access denied for {field} field. Required access: `{scope}` access scope."
        ))
        .extend_with(|_, e| {
            e.set("code", "ACCESS_DENIED");
            e.set("documentation", ACCESS_SCOPES_DOCS);
            e.set("requiredAccess", format!("`{scope}` access scope."));
        }))
    }

    /// Until the app is approved for protected customer data, Shopify answers any field that
    /// reads or writes a protected object (draft orders among them) with a top-level error,
    /// HTTP 200, nothing executed ("Protected customer data",
    /// https://shopify.dev/docs/apps/launch/protected-customer-data: "GraphQL requests to
    /// unapproved types will return an HTTP 200 Ok response with an error message in the errors
    /// hash"). The wording and extensions are those of Shopify's live answers: "This app is not
    /// approved to access the {Object} object. See {link} for more details." with
    /// `extensions { code: "ACCESS_DENIED", documentation: link }`.
    pub fn require_protected_customer_data(&self, object: &str) -> async_graphql::Result<()> {
        if self.protected_customer_data {
            return Ok(());
        }
        let link = format!(
            "https://partners.shopify.com/{SIM_PARTNER_ID}/apps/{SIM_APP_ID}/customer_data"
        );
        Err(async_graphql::Error::new(format!(
            "This app is not approved to access the {object} object. See {link} for more details."
        ))
        .extend_with(|_, e| {
            e.set("code", "ACCESS_DENIED");
            e.set("documentation", link.as_str());
        }))
    }
}

impl SimState {
    pub(crate) async fn limits(&self) -> Limits {
        let config = self.config.read().await;
        Limits {
            size: config.bucket_size,
            restore_rate: config.restore_rate,
        }
    }

    async fn throttle_status(&self, shop: &str, api_key: &str) -> ThrottleStatus {
        let limits = self.limits().await;
        let now = Instant::now();
        let mut world = self.world.lock().await;
        world
            .buckets
            .entry((shop.to_owned(), api_key.to_owned()))
            .or_insert_with(|| Bucket::full(limits, now))
            .status(limits, now)
    }
}

#[derive(Debug, Deserialize)]
struct GraphQlBody {
    query: Option<String>,
    variables: Option<Json_>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
}

fn json_error(status: StatusCode, errors: Json_) -> Response {
    (status, Json(json!({ "errors": errors }))).into_response()
}

pub(crate) fn not_found() -> Response {
    json_error(StatusCode::NOT_FOUND, json!("Not Found"))
}

fn unauthorized() -> Response {
    json_error(
        StatusCode::UNAUTHORIZED,
        json!("[API] Invalid API key or access token (unrecognized login or wrong password)"),
    )
}

fn missing_query() -> Response {
    json_error(
        StatusCode::BAD_REQUEST,
        json!({ "query": "Required parameter missing or invalid" }),
    )
}

/// Why a GraphQL request body was refused.
enum BodyError {
    MissingQuery,
    VariablesNotAnObject,
}

impl IntoResponse for BodyError {
    fn into_response(self) -> Response {
        match self {
            Self::MissingQuery => missing_query(),
            Self::VariablesNotAnObject => json_error(
                StatusCode::BAD_REQUEST,
                json!({ "variables": "must be an object" }),
            ),
        }
    }
}

/// Reads the body as Shopify does: JSON `{query, variables, operationName}` or a raw
/// `application/graphql` document.
fn read_body(headers: &HeaderMap, body: &Bytes) -> Result<GraphQlBody, BodyError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("application/graphql") {
        let query = std::str::from_utf8(body).map_err(|_| BodyError::MissingQuery)?;
        return Ok(GraphQlBody {
            query: Some(query.to_owned()),
            variables: None,
            operation_name: None,
        });
    }
    let parsed: GraphQlBody = serde_json::from_slice(body).map_err(|_| BodyError::MissingQuery)?;
    match (&parsed.query, &parsed.variables) {
        (None, _) => Err(BodyError::MissingQuery),
        (Some(_), Some(v)) if !(v.is_object() || v.is_null()) => {
            Err(BodyError::VariablesNotAnObject)
        }
        _ => Ok(parsed),
    }
}

/// Finds the app and scopes behind the access token, if it is valid for this shop.
async fn authenticate(
    state: &SimState,
    shop: &str,
    headers: &HeaderMap,
) -> Option<(String, String)> {
    let token = headers.get("x-shopify-access-token")?.to_str().ok()?;
    let world = state.world.lock().await;
    let record = world.tokens.get(token)?;
    let live = record.expires_at.is_none_or(|at| Instant::now() < at);
    (record.shop == shop && live).then(|| (record.api_key.clone(), record.scope.clone()))
}

/// Holds the request, then closes the connection without answering, unless the simulator
/// shuts down first.
async fn hold_then_close(state: &SimState, kill: &ConnectionKill, hold: Duration) -> Response {
    let mut shutdown = state.shutdown.clone();
    tokio::select! {
        _ = tokio::time::sleep(hold) => {}
        _ = crate::server::stopped(&mut shutdown) => {}
    }
    kill.close_without_answer().await
}

fn injected_error(status: StatusCode) -> Response {
    let message = status.canonical_reason().unwrap_or("Server Error");
    json_error(status, json!(message))
}

/// Applies latency and the transport faults; `Some` carries the answer to give instead.
async fn transport_faults(state: &SimState, shop: &str, kill: &ConnectionKill) -> Option<Response> {
    let (latency, fault) = {
        let mut world = state.world.lock().await;
        world.stats_mut(shop).graphql += 1;
        let world = &mut *world;
        (
            world.faults.latency(),
            world.faults.next_transport_fault(&mut world.rng),
        )
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        TransportFault::None => None,
        TransportFault::Fail(status) => {
            state.world.lock().await.stats_mut(shop).injected_errors += 1;
            Some(injected_error(status))
        }
        TransportFault::Timeout(hold) => {
            state.world.lock().await.stats_mut(shop).timed_out += 1;
            Some(hold_then_close(state, kill, hold).await)
        }
    }
}

fn cost_extension(report: &CostReport, status: ThrottleStatus) -> Json_ {
    json!({
        "requestedQueryCost": report.requested.unwrap_or(0),
        "actualQueryCost": report.actual,
        "throttleStatus": status,
    })
}

pub async fn handle(
    State(state): State<Arc<SimState>>,
    Path((shop, version)): Path<(String, String)>,
    Extension(kill): Extension<ConnectionKill>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let version_known = state.config.read().await.api_versions.contains(&version);
    let shop_known = state.world.lock().await.shops.contains_key(&shop);
    if !version_known || !shop_known {
        return not_found();
    }
    if let Some(answer) = transport_faults(&state, &shop, &kill).await {
        return answer;
    }
    let Some((api_key, scope)) = authenticate(&state, &shop, &headers).await else {
        state.world.lock().await.stats_mut(&shop).unauthorized += 1;
        return unauthorized();
    };
    let body = match read_body(&headers, &body) {
        Ok(body) => body,
        Err(refused) => return refused.into_response(),
    };
    let force_throttle = state.world.lock().await.faults.take_throttle();
    let protected_customer_data = state.config.read().await.protected_customer_data_approved;
    let report = SharedReport::default();
    let mut request = async_graphql::Request::new(body.query.unwrap_or_default()).variables(
        async_graphql::Variables::from_json(body.variables.unwrap_or(Json_::Null)),
    );
    if let Some(name) = &body.operation_name {
        request = request.operation_name(name);
    }
    let ctx = RequestCtx {
        state: state.clone(),
        shop: shop.clone(),
        api_key: api_key.clone(),
        scopes: scope.split(',').map(|s| s.trim().to_owned()).collect(),
        operation_name: body.operation_name,
        force_throttle,
        report: report.clone(),
        protected_customer_data,
    };
    let response = state.schema.execute(request.data(ctx)).await;
    let report = report.lock().map(|r| r.clone()).unwrap_or_default();
    if report.outcome == Outcome::Executed && report.draft_order_create {
        let mut world = state.world.lock().await;
        if world.faults.take_drop() {
            world.stats_mut(&shop).dropped += 1;
            drop(world);
            return kill.close_without_answer().await;
        }
    }
    if report.outcome == Outcome::Throttled {
        state.world.lock().await.stats_mut(&shop).throttled += 1;
    }
    let status = state.throttle_status(&shop, &api_key).await;
    let mut envelope = serde_json::to_value(&response).unwrap_or_else(|_| json!({}));
    if report.outcome != Outcome::Executed {
        // Nothing ran, so there is no `data`, only `errors`.
        if let Some(map) = envelope.as_object_mut() {
            map.remove("data");
        }
    }
    envelope["extensions"]["cost"] = cost_extension(&report, status);
    Json(envelope).into_response()
}
