//! A draft order request as storefronts send it (and the merchant's test order too): the JSON
//! body and the `Idempotency-Key`, read into an order, placed, and answered.

use std::borrow::Cow;

use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use gridprice_storage::stores::Store;
use gridprice_wire::DraftOrderResponse;
use serde::Deserialize;
use serde_json::value::RawValue;
use shopify::{ProductGid, VariantGid};
use utoipa::ToSchema;

use super::service::{IdempotencyKey, OrderRequest, Outcome};
use super::snapshot::response;
use crate::catalog::request::{PriceFields, SelectionJson, MAX_SELECTIONS};
use crate::catalog::PriceRequest;
use crate::http::error::ApiError;
use crate::http::extract::product_id;
use crate::http::AppState;

/// A draft order request is a few hundred bytes; this leaves room and no more.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The body as storefronts send it; numbers may come as JSON numbers or strings, and are read
/// from their text, never through a float. Unknown fields (a client's price) are ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderBody {
    /// Numeric product id or gid://shopify/Product/<n>.
    #[schema(value_type = String, example = "8000000000001")]
    product_id: Option<Box<RawValue>>,
    /// A variant of that product; defaults to the product's default variant.
    #[schema(value_type = Option<String>, example = "gid://shopify/ProductVariant/45000000000001")]
    variant_id: Option<Box<RawValue>>,
    /// A decimal > 0 with at most 4 decimals (number or string), in `unit`.
    #[schema(value_type = String, example = "450")]
    width: Option<Box<RawValue>>,
    #[schema(value_type = String, example = "250")]
    height: Option<Box<RawValue>>,
    /// 1–10000; defaults to 1.
    #[schema(value_type = Option<u32>, example = 2)]
    quantity: Option<Box<RawValue>>,
    /// mm, cm, m, in or ft; defaults to the matrix unit.
    #[schema(example = "mm")]
    unit: Option<String>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    options: Vec<SelectionJson>,
}

/// A repeat of an earlier request is answered from its record, its sizes read in the unit the
/// first one was read in; a new request must pass `admit_new` (the storefront's order limits),
/// then is priced from the catalogue and sent to Shopify.
pub async fn place_order(
    state: &AppState,
    store: &Store,
    product: ProductGid,
    body: &OrderBody,
    key: Option<IdempotencyKey>,
    admit_new: impl FnOnce() -> Result<(), ApiError>,
) -> Result<Outcome, ApiError> {
    let orders = &state.orders;
    if let Some(earlier) = match &key {
        Some(key) => orders.earlier(store, key).await?,
        None => None,
    } {
        let unit = earlier.unit.parse().map_err(ApiError::internal)?;
        let request = order_request(product, body, unit, key)?;
        return Ok(orders.replay(store, earlier, &request).await?);
    }
    admit_new()?;
    let unit = orders.unit_of(store, product).await?;
    Ok(orders
        .create(store, &order_request(product, body, unit, key)?)
        .await?)
}

pub fn order_body(bytes: &[u8]) -> Result<OrderBody, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(format!("The body is not a valid draft order request: {e}."))
    })
}

fn order_request(
    product: ProductGid,
    body: &OrderBody,
    default_unit: pricing::Unit,
    idempotency_key: Option<IdempotencyKey>,
) -> Result<OrderRequest, ApiError> {
    Ok(OrderRequest {
        product,
        variant: variant_id(body.variant_id.as_deref())?,
        price: price_request(body, default_unit)?,
        idempotency_key,
    })
}

/// 201 for a new order, 200 for the answer to an earlier request with the same key.
pub fn answer(outcome: Outcome) -> Result<(StatusCode, Json<DraftOrderResponse>), ApiError> {
    let status = if outcome.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(response(&outcome.record)?)))
}

fn price_request(body: &OrderBody, default_unit: pricing::Unit) -> Result<PriceRequest, ApiError> {
    if body.options.len() > MAX_SELECTIONS {
        return Err(ApiError::invalid_field(
            "options",
            format!("at most {MAX_SELECTIONS} selections"),
        ));
    }
    let fields = PriceFields::from_fields(
        optional_text("width", body.width.as_deref())?,
        optional_text("height", body.height.as_deref())?,
        optional_text("quantity", body.quantity.as_deref())?,
        body.unit.as_deref().map(Cow::Borrowed),
    );
    let mut request = fields.parse(default_unit).map_err(ApiError::invalid)?;
    request.selections = body.options.iter().map(|s| s.into_selection()).collect();
    Ok(request)
}

impl OrderBody {
    /// The product named in the body, if any.
    pub fn product_id(&self) -> Result<Option<ProductGid>, ApiError> {
        self.product_id
            .as_deref()
            .map(|raw| product_id(&scalar_text("productId", raw)?))
            .transpose()
    }
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

pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<IdempotencyKey>, ApiError> {
    headers
        .get(IDEMPOTENCY_KEY)
        .map(|value| {
            let text = value.to_str().map_err(|_| {
                ApiError::invalid_field("Idempotency-Key", "must be visible ASCII characters")
            })?;
            IdempotencyKey::parse(text).map_err(ApiError::invalid)
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
