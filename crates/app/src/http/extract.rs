//! Reading requests at the edge: extractors that answer bad input with problem+json, size
//! limits, pagination, and ids from paths.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, HeaderMap};
use gridprice_storage::Page;
use serde::Deserialize;
use shopify::ProductGid;

use super::error::ApiError;

/// Largest JSON body an admin endpoint accepts: a 100 × 100 matrix of prices is ~120 KiB.
pub const MAX_JSON_BODY_BYTES: usize = 256 * 1024;
/// Records per page when the client does not say.
const DEFAULT_PAGE_SIZE: u64 = 50;
const MAX_PAGE_SIZE: u64 = 100;

/// A JSON body; malformed JSON or the wrong shape is a 400, an oversized body a 413.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct JsonBody<T>(pub T);

/// A JSON body read as it came, for handlers that verify or parse it themselves: anything but
/// `application/json` is a 415, an oversized body a 413.
#[derive(Debug)]
pub struct JsonBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBytes {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(request.headers()) {
            return Err(ApiError::UnsupportedMediaType(
                "Send the body as JSON, with Content-Type: application/json.".into(),
            ));
        }
        Ok(Self(Bytes::from_request(request, state).await?))
    }
}

/// `application/json`, or a `+json` type, as axum's `Json` accepts.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(essence) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
    else {
        return false;
    };
    let essence = essence.trim().to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Query parameters; unparsable ones are a 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct QueryParams<T>(pub T);

/// Path parameters; an id that is not a number is a 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct PathParam<T>(pub T);

/// A product named in a path or body: a numeric id or `gid://shopify/Product/<n>`.
pub fn product_id(text: &str) -> Result<ProductGid, ApiError> {
    ProductGid::parse(text).map_err(|e| ApiError::invalid_field("productId", e.to_string()))
}

/// `?before=<id>&limit=<n>`: keyset pagination, newest first.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub before: Option<i64>,
    pub limit: Option<u64>,
}

/// The page asked for; a limit outside 1–100 is a 400.
pub fn page(query: &PageQuery) -> Result<Page, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        return Err(ApiError::invalid_field(
            "limit",
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        ));
    }
    Ok(Page {
        before: query.before,
        limit,
    })
}

/// The cursor of the page after `items` (the last id), when the page was full.
pub fn next_before<T>(items: &[T], page: Page, id: impl Fn(&T) -> i64) -> Option<i64> {
    let full = u64::try_from(items.len()).is_ok_and(|len| len == page.limit);
    items.last().filter(|_| full).map(id)
}
