//! Shopify global IDs (`gid://shopify/Product/123`), typed by the resource they name so a
//! variant ID can never be passed where a product ID is expected.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const PREFIX: &str = "gid://shopify/";
/// Longest input we look at; real IDs are well under this.
const MAX_LEN: usize = 128;

/// A kind of Shopify resource that has global IDs.
pub trait GidKind {
    /// The type name inside the GID, e.g. `Product`.
    const NAME: &'static str;
    /// Whether a bare numeric ID (as the storefront and REST-era data use) is accepted.
    const ACCEPTS_BARE_NUMERIC: bool;
}

/// Marker for `gid://shopify/Product/…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Product {}
/// Marker for `gid://shopify/ProductVariant/…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductVariant {}
/// Marker for `gid://shopify/DraftOrder/…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DraftOrder {}
/// Marker for `gid://shopify/AppSubscription/…` (a recurring app charge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSubscription {}

impl GidKind for Product {
    const NAME: &'static str = "Product";
    const ACCEPTS_BARE_NUMERIC: bool = true;
}
impl GidKind for ProductVariant {
    const NAME: &'static str = "ProductVariant";
    const ACCEPTS_BARE_NUMERIC: bool = true;
}
impl GidKind for DraftOrder {
    const NAME: &'static str = "DraftOrder";
    // Draft order IDs only ever come from Shopify responses, always as GIDs.
    const ACCEPTS_BARE_NUMERIC: bool = false;
}
impl GidKind for AppSubscription {
    const NAME: &'static str = "AppSubscription";
    // The `charge_id` Shopify appends to the return URL is the bare number.
    const ACCEPTS_BARE_NUMERIC: bool = true;
}

pub type ProductGid = Gid<Product>;
pub type VariantGid = Gid<ProductVariant>;
pub type DraftOrderGid = Gid<DraftOrder>;
pub type AppSubscriptionGid = Gid<AppSubscription>;

/// A global ID of resource kind `K`.
pub struct Gid<K> {
    id: u64,
    kind: PhantomData<K>,
}

/// Why a string is not a GID of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GidError {
    #[error("ID is longer than {MAX_LEN} characters")]
    TooLong,
    #[error("expected gid://shopify/{expected}/<number>")]
    WrongFormat { expected: &'static str },
    #[error("ID must be a positive integer")]
    BadNumber,
}

impl<K: GidKind> Gid<K> {
    /// Builds a GID from a numeric ID; zero is not a Shopify ID.
    pub fn from_numeric(id: u64) -> Result<Self, GidError> {
        if id == 0 {
            return Err(GidError::BadNumber);
        }
        Ok(Self {
            id,
            kind: PhantomData,
        })
    }

    /// Parses `gid://shopify/<Kind>/<n>` or, where the kind allows it, a bare `<n>`.
    pub fn parse(input: &str) -> Result<Self, GidError> {
        if input.len() > MAX_LEN {
            return Err(GidError::TooLong);
        }
        let numeric = match input.strip_prefix(PREFIX) {
            Some(rest) => rest
                .strip_prefix(K::NAME)
                .and_then(|r| r.strip_prefix('/'))
                .ok_or(GidError::WrongFormat { expected: K::NAME })?,
            None if K::ACCEPTS_BARE_NUMERIC => input,
            None => return Err(GidError::WrongFormat { expected: K::NAME }),
        };
        Self::from_numeric(parse_positive(numeric)?)
    }

    pub fn numeric_id(&self) -> u64 {
        self.id
    }
}

/// Digits only: `u64::from_str` would also accept a leading `+`.
fn parse_positive(digits: &str) -> Result<u64, GidError> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(GidError::BadNumber);
    }
    digits.parse().map_err(|_| GidError::BadNumber)
}

// Manual impls: derives would needlessly require `K: Clone` etc. on the marker.
impl<K> Clone for Gid<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Gid<K> {}
impl<K> PartialEq for Gid<K> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl<K> Eq for Gid<K> {}
impl<K> Hash for Gid<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl<K: GidKind> FromStr for Gid<K> {
    type Err = GidError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<K: GidKind> fmt::Display for Gid<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}/{}", K::NAME, self.id)
    }
}

impl<K: GidKind> fmt::Debug for Gid<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<K: GidKind> Serialize for Gid<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, K: GidKind> Deserialize<'de> for Gid<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_gids_and_bare_ids() {
        let p = ProductGid::parse("gid://shopify/Product/123").unwrap();
        assert_eq!(p.numeric_id(), 123);
        assert_eq!(p.to_string(), "gid://shopify/Product/123");
        assert_eq!(ProductGid::parse("123").unwrap(), p);
        let v = VariantGid::parse("gid://shopify/ProductVariant/9").unwrap();
        assert_eq!(v.to_string(), "gid://shopify/ProductVariant/9");
        assert_eq!(VariantGid::parse("9").unwrap(), v);
        let d = DraftOrderGid::parse("gid://shopify/DraftOrder/77").unwrap();
        assert_eq!(d.numeric_id(), 77);
        let s = AppSubscriptionGid::parse("gid://shopify/AppSubscription/27300000001").unwrap();
        assert_eq!(AppSubscriptionGid::parse("27300000001").unwrap(), s);
        assert_eq!(s.to_string(), "gid://shopify/AppSubscription/27300000001");
    }

    #[test]
    fn rejects_wrong_kind_and_malformed_ids() {
        let wrong = |e: &'static str| GidError::WrongFormat { expected: e };
        assert_eq!(
            ProductGid::parse("gid://shopify/ProductVariant/1"),
            Err(wrong("Product"))
        );
        assert_eq!(
            VariantGid::parse("gid://shopify/Product/1"),
            Err(wrong("ProductVariant"))
        );
        assert_eq!(DraftOrderGid::parse("77"), Err(wrong("DraftOrder")));
        assert_eq!(
            ProductGid::parse("gid://shopify/Product1"),
            Err(wrong("Product"))
        );
        for bad in [
            "",
            "0",
            "+5",
            "-5",
            "12a",
            "gid://shopify/Product/",
            "gid://shopify/Product/1/2",
            "gid://shopify/Product/99999999999999999999999",
        ] {
            assert_eq!(ProductGid::parse(bad), Err(GidError::BadNumber), "{bad:?}");
        }
        assert_eq!(ProductGid::parse(&"1".repeat(200)), Err(GidError::TooLong));
    }

    #[test]
    fn serde_round_trip() {
        let v = VariantGid::from_numeric(5).unwrap();
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, "\"gid://shopify/ProductVariant/5\"");
        assert_eq!(serde_json::from_str::<VariantGid>(&json).unwrap(), v);
        assert!(serde_json::from_str::<VariantGid>("\"gid://shopify/Product/5\"").is_err());
    }
}
