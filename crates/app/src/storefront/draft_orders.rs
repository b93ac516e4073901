//! `POST /api/v1/draft-orders` (DESIGN §5): a shopper's choice becomes a Shopify draft order at
//! the server's price.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use gridprice_storage::stores::Store;
use gridprice_wire::DraftOrderResponse;

use super::key::StorefrontKey;
use crate::draft_orders::request::{
    answer, idempotency_key, order_body, place_order, OrderBody, MAX_BODY_BYTES,
};
use crate::http::error::ApiError;
use crate::http::extract::JsonBytes;
use crate::http::problem::{method_not_allowed, Problem};
use crate::http::rate_limit::ClientIp;
use crate::http::AppState;

pub const DRAFT_ORDERS_PATH: &str = "/api/v1/draft-orders";

/// The storefront route; it goes behind the `/api/v1` gate.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(DRAFT_ORDERS_PATH, post(create).fallback(only_post))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

pub(crate) async fn only_post() -> axum::response::Response {
    method_not_allowed("POST, OPTIONS")
}

/// Creates a Shopify draft order at the server's price; the shopper pays at `checkoutUrl`.
#[utoipa::path(
    post,
    path = "/api/v1/draft-orders",
    tag = "storefront",
    security(("apiKey" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 visible ASCII characters; the same key with the same body answers the first response again")),
    request_body(content = OrderBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = DraftOrderResponse),
        (status = 200, description = "The answer to an earlier request with the same Idempotency-Key", body = DraftOrderResponse),
        (status = 400, description = "Invalid input or a size outside the matrix", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, unknown, revoked or expired key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The store has no matrix for this product", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The first request with this key is still in progress; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Shopify refused the order, or the key was used with another body", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Shopify did not confirm in time; the order is recorded and reconciled; retry with the same key", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    key: StorefrontKey,
    client: ClientIp,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<(StatusCode, Json<DraftOrderResponse>), ApiError> {
    let admit_new = || state.order_limiters.admit(client, Some(key.id.get()));
    order_answer(&state, &key.store, &headers, &body, admit_new).await
}

/// A draft order for `store` from a storefront's body and `Idempotency-Key`: the v1 API's and
/// the app proxy's one way to place it. A new order (not a repeat of a recorded key) must pass
/// `admit_new`, the order limits.
pub(crate) async fn order_answer(
    state: &AppState,
    store: &Store,
    headers: &HeaderMap,
    body: &[u8],
    admit_new: impl FnOnce() -> Result<(), ApiError>,
) -> Result<(StatusCode, Json<DraftOrderResponse>), ApiError> {
    let body = order_body(body)?;
    let product = body
        .product_id()?
        .ok_or_else(|| ApiError::invalid_field("productId", "is required"))?;
    let key = idempotency_key(headers)?;
    answer(place_order(state, store, product, &body, key, admit_new).await?)
}
