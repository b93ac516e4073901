//! Products: which matrix prices which Shopify product.

pub mod routes;
pub mod service;
pub mod storage;

use shopify::ProductGid;

use crate::http::error::ApiError;

/// A product named in an admin path: a numeric id or `gid://shopify/Product/<n>`.
pub fn parse_product_id(text: &str) -> Result<ProductGid, ApiError> {
    ProductGid::parse(text).map_err(|e| ApiError::invalid_field("productId", e.to_string()))
}
