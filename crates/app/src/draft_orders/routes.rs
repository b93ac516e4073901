//! `POST /api/v1/draft-orders` (DESIGN §5): a shopper's choice becomes a Shopify draft order at
//! the server's price.

use std::borrow::Cow;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::value::RawValue;
use shopify::{ProductGid, VariantGid};

use super::service::{self, IdempotencyKey, OrderRequest};
use super::DraftOrderResponse;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::storefront::query::{PriceQuery, SelectionJson, MAX_SELECTIONS};
use crate::storefront::StorefrontKey;

/// A draft order request is a few hundred bytes; this leaves room and no more.
const MAX_BODY_BYTES: usize = 16 * 1024;
const IDEMPOTENCY_KEY: &str = "idempotency-key";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/draft-orders", post(create))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// The body as storefronts send it; numbers may come as JSON numbers or strings, and are read
/// from their text, never through a float. Unknown fields (a client's price) are ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderBody {
    product_id: Option<Box<RawValue>>,
    variant_id: Option<Box<RawValue>>,
    width: Option<Box<RawValue>>,
    height: Option<Box<RawValue>>,
    quantity: Option<Box<RawValue>>,
    unit: Option<String>,
    #[serde(default)]
    options: Vec<SelectionJson>,
}

async fn create(
    State(state): State<AppState>,
    key: StorefrontKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<DraftOrderResponse>), ApiError> {
    let body: OrderBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!("The body is not a valid draft order request: {e}."))
    })?;
    let product = product_id(body.product_id.as_deref())?;
    let compiled = state
        .catalog
        .product(&state.db, key.store.id, product)
        .await?;
    let request = OrderRequest {
        product,
        variant: variant_id(body.variant_id.as_deref())?,
        price: price_request(&body, compiled.unit())?,
        idempotency_key: idempotency_key(&headers)?,
    };
    let outcome = service::create(&state, &key.store, &request).await?;
    let status = if outcome.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let answer = DraftOrderResponse::from_record(&outcome.record).map_err(ApiError::internal)?;
    Ok((status, Json(answer)))
}

fn price_request(
    body: &OrderBody,
    matrix_unit: pricing::Unit,
) -> Result<crate::catalog::PriceRequest, ApiError> {
    if body.options.len() > MAX_SELECTIONS {
        return Err(ApiError::invalid_field(
            "options",
            format!("at most {MAX_SELECTIONS} selections"),
        ));
    }
    let query = PriceQuery::from_fields(
        optional_text("width", body.width.as_deref())?,
        optional_text("height", body.height.as_deref())?,
        optional_text("quantity", body.quantity.as_deref())?,
        body.unit.as_deref().map(Cow::Borrowed),
    );
    let mut request = query.parse(matrix_unit)?;
    request.selections = body.options.iter().map(|s| s.into_selection()).collect();
    Ok(request)
}

fn product_id(raw: Option<&RawValue>) -> Result<ProductGid, ApiError> {
    let raw = raw.ok_or_else(|| ApiError::invalid_field("productId", "is required"))?;
    let text = scalar_text("productId", raw)?;
    ProductGid::parse(&text).map_err(|e| ApiError::invalid_field("productId", e.to_string()))
}

fn variant_id(raw: Option<&RawValue>) -> Result<Option<VariantGid>, ApiError> {
    raw.filter(|raw| raw.get() != "null")
        .map(|raw| {
            let text = scalar_text("variantId", raw)?;
            VariantGid::parse(&text)
                .map_err(|e| ApiError::invalid_field("variantId", e.to_string()))
        })
        .transpose()
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<IdempotencyKey>, ApiError> {
    headers
        .get(IDEMPOTENCY_KEY)
        .map(|value| {
            let text = value.to_str().map_err(|_| {
                ApiError::invalid_field("Idempotency-Key", "must be visible ASCII characters")
            })?;
            IdempotencyKey::parse(text)
        })
        .transpose()
}

fn optional_text<'a>(
    field: &str,
    raw: Option<&'a RawValue>,
) -> Result<Option<Cow<'a, str>>, ApiError> {
    raw.map(|raw| scalar_text(field, raw)).transpose()
}

/// A JSON number's digits, or a JSON string's content.
fn scalar_text<'a>(field: &str, raw: &'a RawValue) -> Result<Cow<'a, str>, ApiError> {
    let text = raw.get();
    if text.starts_with('"') {
        let unquoted: String = serde_json::from_str(text)
            .map_err(|_| ApiError::invalid_field(field, "is not a valid string"))?;
        return Ok(Cow::Owned(unquoted));
    }
    if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Ok(Cow::Borrowed(text));
    }
    Err(ApiError::invalid_field(
        field,
        "must be a number or a string",
    ))
}
