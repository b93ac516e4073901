//! `POST /api/v1/draft-orders`: the answer, wire-compatible, plus the exact money fields.

use serde::Serialize;
use utoipa::ToSchema;

use crate::decimal::DecimalNumber;
use crate::price::{AppliedModifier, Dimensions, ExactMoney};

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftOrderResponse {
    pub draft_order_id: Option<String>,
    pub name: Option<String>,
    pub checkout_url: Option<String>,
    /// Shopify's total, as Shopify wrote it.
    pub total: Option<String>,
    pub price: DecimalNumber,
    pub dimensions: Dimensions,
    pub quantity: u32,
    pub base_price: DecimalNumber,
    pub option_modifiers: Vec<AppliedModifier<'static>>,
    pub base_price_minor: i64,
    pub unit_price_minor: i64,
    pub total_minor: i64,
    pub money: ExactMoney,
    pub status: &'static str,
    pub record_id: i64,
}
