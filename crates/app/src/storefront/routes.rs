//! The v1 read endpoints: a product's price, its options, the product as a calculator needs it,
//! and the OpenAPI document. The answers themselves (`*_answer`) take the store the request was
//! authenticated for, so the app proxy answers with the very same code.

use std::sync::LazyLock;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use gridprice_storage::options::OptionGroup;
use gridprice_storage::stores::Store;
use gridprice_wire::{
    modifier_wire, ChoiceView, DecimalNumber, OptionGroupView, OptionsResponse, PriceResponse,
    ProductResponse,
};
use shopify::ProductGid;

use super::key::StorefrontKey;
use super::query::ProductParam;
use crate::catalog::request::PriceFields;
use crate::http::error::ApiError;
use crate::http::json::Json;
use crate::http::problem::{method_not_allowed, Problem};
use crate::http::AppState;

pub const PRICE_PATH: &str = "/api/v1/products/{productId}/price";
pub const OPTIONS_PATH: &str = "/api/v1/products/{productId}/options";
pub const PRODUCT_PATH: &str = "/api/v1/products/{productId}";
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PRICE_PATH, get(price).fallback(only_get))
        .route(OPTIONS_PATH, get(options).fallback(only_get))
        .route(PRODUCT_PATH, get(product).fallback(only_get))
        .route(OPENAPI_PATH, get(openapi).fallback(only_get))
}

/// The price of a size, quantity and options for one product.
#[utoipa::path(
    get,
    path = "/api/v1/products/{productId}/price",
    tag = "storefront",
    security(("apiKey" = [])),
    params(
        ("productId" = String, Path, description = "Numeric product id or gid://shopify/Product/<n>", example = "8000000000001"),
        ("width" = String, Query, description = "Width: a decimal > 0 with at most 4 decimals, at most 1000000", example = "600"),
        ("height" = String, Query, description = "Height, as width", example = "400"),
        ("quantity" = Option<u32>, Query, description = "1–10000; defaults to 1", example = 2),
        ("unit" = Option<String>, Query, description = "mm, cm, m, in or ft; defaults to the matrix unit", example = "mm"),
        ("options" = Option<String>, Query, description = "JSON {\"selections\":[{\"optionGroupId\":1,\"choiceId\":2}]}; ids as numbers or numeric strings; at most 2 KiB and 20 selections"),
    ),
    responses(
        (status = 200, description = "The price", body = PriceResponse),
        (status = 400, description = "Invalid input or a size outside the matrix", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, unknown, revoked or expired key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Origin not allowed for the key, or a secret key from a browser", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The store has no matrix for this product", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn price(
    State(state): State<AppState>,
    key: StorefrontKey,
    product: Result<Path<ProductParam>, PathRejection>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let Path(ProductParam(product)) = product.map_err(product_id_error)?;
    price_answer(&state, &key.store, product, uri.query().unwrap_or_default()).await
}

/// The price answer for `store`'s `product` and the query's size, quantity and options (other
/// parameters are ignored).
pub(crate) async fn price_answer(
    state: &AppState,
    store: &Store,
    product: ProductGid,
    query: &str,
) -> Result<Response, ApiError> {
    let compiled = state.catalog.product(store.id, product).await?;
    let request = PriceFields::split(query)
        .parse(compiled.unit())
        .map_err(ApiError::invalid)?;
    let priced = compiled.price(store.currency, &request)?;
    Ok(Json(priced.response()).into_response())
}

/// The option groups of a product, in display order (an empty list when it has none).
#[utoipa::path(
    get,
    path = "/api/v1/products/{productId}/options",
    tag = "storefront",
    security(("apiKey" = [])),
    params(
        ("productId" = String, Path, description = "Numeric product id or gid://shopify/Product/<n>", example = "8000000000001"),
    ),
    responses(
        (status = 200, description = "The option groups", body = OptionsResponse),
        (status = 400, description = "Malformed product id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, unknown, revoked or expired key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Origin not allowed for the key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The store has no matrix for this product", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn options(
    State(state): State<AppState>,
    key: StorefrontKey,
    product: Result<Path<ProductParam>, PathRejection>,
) -> Result<Json<OptionsResponse>, ApiError> {
    let Path(ProductParam(product)) = product.map_err(product_id_error)?;
    options_answer(&state, &key.store, product).await
}

/// The option groups of `store`'s `product`.
pub(crate) async fn options_answer(
    state: &AppState,
    store: &Store,
    product: ProductGid,
) -> Result<Json<OptionsResponse>, ApiError> {
    let compiled = state.catalog.product(store.id, product).await?;
    let option_groups = compiled
        .groups
        .iter()
        .map(|group| group_view(group, store.currency))
        .collect();
    Ok(Json(OptionsResponse { option_groups }))
}

/// What a calculator shows before the first price, in one request: the matrix unit and its
/// allowed range, the option groups, the currency and its decimals. (A Gridprice addition.)
#[utoipa::path(
    get,
    path = "/api/v1/products/{productId}",
    tag = "storefront",
    security(("apiKey" = [])),
    params(
        ("productId" = String, Path, description = "Numeric product id or gid://shopify/Product/<n>", example = "8000000000001"),
    ),
    responses(
        (status = 200, description = "The product's unit, range, options and currency", body = ProductResponse),
        (status = 400, description = "Malformed product id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, unknown, revoked or expired key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Origin not allowed for the key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The store has no matrix for this product", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn product(
    State(state): State<AppState>,
    key: StorefrontKey,
    product: Result<Path<ProductParam>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(ProductParam(product)) = product.map_err(product_id_error)?;
    product_answer(&state, &key.store, product).await
}

/// `store`'s `product` as a calculator needs it.
pub(crate) async fn product_answer(
    state: &AppState,
    store: &Store,
    product: ProductGid,
) -> Result<Response, ApiError> {
    let compiled = state.catalog.product(store.id, product).await?;
    let matrix = &compiled.matrix;
    let answer = ProductResponse {
        product_id: product.to_string(),
        title: &compiled.product_title,
        matrix: &matrix.name,
        currency: store.currency.code(),
        currency_digits: store.currency.exponent(),
        unit: matrix.matrix.unit(),
        out_of_range: matrix.matrix.policy().as_str(),
        dimension_range: matrix.range,
        option_groups: compiled
            .groups
            .iter()
            .map(|group| group_view(group, store.currency))
            .collect(),
    };
    Ok(Json(answer).into_response())
}

fn group_view(group: &OptionGroup, currency: pricing::Currency) -> OptionGroupView {
    OptionGroupView {
        id: group.id.get(),
        name: group.name.clone(),
        requirement: group.requirement.as_str(),
        choices: group
            .choices
            .iter()
            .map(|choice| {
                let (modifier_type, value) = modifier_wire(choice.modifier, currency);
                ChoiceView {
                    id: choice.id.get(),
                    label: choice.label.clone(),
                    modifier_type,
                    modifier_value: DecimalNumber(value),
                    is_default: choice.is_default,
                }
            })
            .collect(),
    }
}

/// This document (OpenAPI 3.1), generated from the code. No key needed.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "storefront",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub(crate) async fn openapi() -> Response {
    // Built once: the document only changes with the code.
    static DOCUMENT: LazyLock<String> =
        LazyLock::new(|| super::openapi::document().to_json().unwrap_or_default());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        DOCUMENT.as_str(),
    )
        .into_response()
}

pub(crate) async fn only_get() -> Response {
    method_not_allowed("GET, HEAD, OPTIONS")
}

pub(crate) fn product_id_error(rejection: PathRejection) -> ApiError {
    ApiError::invalid_field("productId", rejection.body_text())
}
