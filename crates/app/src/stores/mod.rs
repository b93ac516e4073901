//! Stores: one row per Shopify shop that installed the app; everything else belongs to one.

pub mod routes;
pub mod service;
pub mod settings;
pub mod storage;

use chrono::{DateTime, Utc};
use pricing::{Currency, OutOfRangePolicy, Unit};
use shopify::ShopDomain;

/// A store's key. Only the storage layer makes one, so holding one means the store existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoreId(i64);

impl StoreId {
    pub(crate) fn from_row(id: i64) -> Self {
        Self(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// How a draft order's line item refers to the product (DESIGN §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineItemMode {
    /// The product's variant with a `priceOverride`: keeps inventory, images and reporting.
    #[default]
    Variant,
    /// A custom line item priced with `originalUnitPriceWithCurrency`.
    Custom,
}

impl LineItemMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Variant => "variant",
            Self::Custom => "custom",
        }
    }
}

impl std::str::FromStr for LineItemMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "variant" => Ok(Self::Variant),
            "custom" => Ok(Self::Custom),
            other => Err(format!(
                "unknown line item mode {other:?} (variant or custom)"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    pub id: StoreId,
    pub shop: ShopDomain,
    pub currency: Currency,
    pub unit_preference: Unit,
    pub out_of_range_default: OutOfRangePolicy,
    pub line_item_mode: LineItemMode,
    /// Origins a new storefront key allows unless the merchant names others; empty = any.
    pub default_allowed_origins: Vec<String>,
    pub total_draft_orders_created: i64,
    pub installed_at: Option<DateTime<Utc>>,
    pub uninstalled_at: Option<DateTime<Utc>>,
    pub reauth_required_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Installed, not uninstalled since, and its token still accepted by Shopify.
    pub fn is_active(&self) -> bool {
        self.installed_at.is_some()
            && self.uninstalled_at.is_none()
            && self.reauth_required_at.is_none()
    }
}
