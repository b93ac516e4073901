//! The app proxy (DESIGN §13): on a theme, the calculator talks to Gridprice through Shopify's
//! app proxy — `https://{shop}/apps/gridprice/…` is forwarded, signed, to `{app}/proxy/…` — so
//! the page carries no key. Under `/proxy` the app answers the storefront API's paths
//! (`products/{id}`, `products/{id}/price`, `products/{id}/options`, `draft-orders`) for the
//! shop the request names, once [`gate`] has verified Shopify's signature (401 otherwise,
//! before anything is read). The answers are the v1 API's, made by the same functions
//! (`storefront::routes::*_answer`, `storefront::draft_orders::order_answer`); only the
//! credential differs: a signature naming the shop instead of a publishable key.
//!
//! Shopify's proxy serves the answer from the shop's own domain, so no CORS is involved.

mod gate;

use axum::extract::rejection::PathRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{any, get, post};
use axum::Router;
use gridprice_wire::{DraftOrderResponse, OptionsResponse};

pub use self::gate::{ProxyShop, MAX_PROXY_QUERY_BYTES};
use crate::draft_orders::request::MAX_BODY_BYTES;
use crate::http::error::ApiError;
use crate::http::extract::JsonBytes;
use crate::http::json::Json;
use crate::http::problem::Problem;
use crate::http::rate_limit::ClientIp;
use crate::http::AppState;
use crate::storefront::draft_orders::{only_post, order_answer};
use crate::storefront::query::ProductParam;
use crate::storefront::routes::{
    only_get, options_answer, price_answer, product_answer, product_id_error,
};

pub const PRODUCT_PATH: &str = "/proxy/products/{productId}";
pub const PRICE_PATH: &str = "/proxy/products/{productId}/price";
pub const OPTIONS_PATH: &str = "/proxy/products/{productId}/options";
pub const DRAFT_ORDERS_PATH: &str = "/proxy/draft-orders";

/// The proxy's reads behind their gate; like the v1 reads, answered from memory with no
/// whole-request deadline (see `app::router`). Any other path under `/proxy` is verified too,
/// then answered 404.
pub fn reads(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(PRODUCT_PATH, get(product).fallback(only_get))
        .route(PRICE_PATH, get(price).fallback(only_get))
        .route(OPTIONS_PATH, get(options).fallback(only_get))
        .route("/proxy", any(unknown))
        .route("/proxy/{*rest}", any(unknown))
        .layer(gate::ProxyGateLayer::new(state))
}

/// `POST /proxy/draft-orders` behind its own gate (draft orders are not starved by price
/// polling), with the whole-request deadline inside it.
pub fn orders(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(DRAFT_ORDERS_PATH, post(create).fallback(only_post))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(crate::http::deadline())
        .layer(gate::ProxyGateLayer::new(state))
}

async fn product(
    State(state): State<AppState>,
    ProxyShop(store): ProxyShop,
    product: Result<Path<ProductParam>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(ProductParam(product)) = product.map_err(product_id_error)?;
    product_answer(&state, &store, product).await
}

async fn price(
    State(state): State<AppState>,
    ProxyShop(store): ProxyShop,
    product: Result<Path<ProductParam>, PathRejection>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let Path(ProductParam(product)) = product.map_err(product_id_error)?;
    // Shopify's own parameters (shop, timestamp, signature…) are ignored by the price query.
    price_answer(&state, &store, product, uri.query().unwrap_or_default()).await
}

async fn options(
    State(state): State<AppState>,
    ProxyShop(store): ProxyShop,
    product: Result<Path<ProductParam>, PathRejection>,
) -> Result<Json<OptionsResponse>, ApiError> {
    let Path(ProductParam(product)) = product.map_err(product_id_error)?;
    options_answer(&state, &store, product).await
}

async fn create(
    State(state): State<AppState>,
    ProxyShop(store): ProxyShop,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<(StatusCode, axum::Json<DraftOrderResponse>), ApiError> {
    // Shopify's proxy is the peer; the shopper is its X-Forwarded-For. Per shop, the proxy
    // gate's request limit applies; there is no key to count new orders against.
    let client = ClientIp::forwarded(&headers, &gate::FORWARDED_FOR);
    let admit_new = || state.order_limiters.admit(client, None);
    order_answer(&state, &store, &headers, &body, admit_new).await
}

/// A verified request for a path the proxy does not serve.
async fn unknown(_shop: ProxyShop) -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "No such endpoint.")
}
