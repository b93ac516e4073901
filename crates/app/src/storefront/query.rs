//! The storefront's path and query limits; the query's fields are read by
//! `catalog::request::PriceFields`.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use shopify::ProductGid;

/// Longest query string accepted on `/api/v1`.
pub const MAX_QUERY_BYTES: usize = 2048;

/// `{productId}`: a numeric id or `gid://shopify/Product/<n>`.
#[derive(Debug, Clone, Copy)]
pub struct ProductParam(pub ProductGid);

impl<'de> Deserialize<'de> for ProductParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ProductVisitor;
        impl Visitor<'_> for ProductVisitor {
            type Value = ProductParam;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a numeric product id or gid://shopify/Product/<n>")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<ProductParam, E> {
                ProductGid::parse(text).map(ProductParam).map_err(|e| {
                    E::custom(format_args!(
                        "productId {text:?} is not a numeric product id or gid://shopify/Product/<n>: {e}"
                    ))
                })
            }
        }
        deserializer.deserialize_str(ProductVisitor)
    }
}
