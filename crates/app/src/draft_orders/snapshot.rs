//! What a draft order was priced with, kept on its record so the answer can be given again —
//! identically — however the catalogue changes afterwards.

use pricing::Money;
use serde::{Deserialize, Serialize};

use super::storage::DraftOrderRecord;
use crate::storefront::price::{AppliedModifier, Dimensions, ExactMoney, PricedOption};
use crate::wire::DecimalNumber;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricedSnapshot {
    pub base_price_minor: i64,
    pub options: Vec<SnapshotOption>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotOption {
    pub option_group: String,
    pub choice: String,
    pub modifier_type: String,
    /// Major units for FIXED, percent for PERCENTAGE, as a decimal string.
    pub modifier_value: String,
    pub applied_amount_minor: i64,
}

impl PricedSnapshot {
    pub fn new(base: Money, options: &[PricedOption], amounts: &[Money]) -> Self {
        let options = options
            .iter()
            .zip(amounts)
            .map(|(option, amount)| {
                let (modifier_type, modifier_value) = option.modifier_wire(amount.currency());
                SnapshotOption {
                    option_group: option.group.to_owned(),
                    choice: option.choice.to_owned(),
                    modifier_type: modifier_type.to_owned(),
                    modifier_value: modifier_value.to_string(),
                    applied_amount_minor: amount.minor(),
                }
            })
            .collect();
        Self {
            base_price_minor: base.minor(),
            options,
        }
    }
}

/// The v1 draft order answer (DESIGN §5), wire-compatible, plus the exact money fields.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    pub unit_price_minor: i64,
    pub total_minor: i64,
    pub money: ExactMoney,
    pub status: &'static str,
    pub record_id: i64,
}

impl DraftOrderResponse {
    /// Built from the record alone, so a replay answers exactly what the first request did.
    pub fn from_record(record: &DraftOrderRecord) -> Result<Self, String> {
        let snapshot: PricedSnapshot =
            serde_json::from_str(&record.option_selections).map_err(|e| {
                format!(
                    "record {} has an unreadable price snapshot: {e}",
                    record.id.get()
                )
            })?;
        let currency = record.unit_price.currency();
        let decimal = |text: &str| {
            text.parse()
                .map(DecimalNumber)
                .map_err(|e| format!("bad decimal {text:?}: {e}"))
        };
        let major = |minor: i64| DecimalNumber(Money::from_minor(minor, currency).to_decimal());
        let option_modifiers = snapshot
            .options
            .iter()
            .map(|option| {
                Ok(AppliedModifier {
                    option_group: option.option_group.clone().into(),
                    choice: option.choice.clone().into(),
                    modifier_type: modifier_type(&option.modifier_type)?,
                    modifier_value: decimal(&option.modifier_value)?,
                    applied_amount: major(option.applied_amount_minor),
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Self {
            draft_order_id: record.shopify_draft_order_gid.clone(),
            name: record.shopify_name.clone(),
            checkout_url: record.invoice_url.clone(),
            total: record.shopify_total.clone(),
            price: DecimalNumber(record.unit_price.to_decimal()),
            dimensions: Dimensions {
                width: decimal(&record.width)?,
                height: decimal(&record.height)?,
                unit: record.unit.parse().map_err(|e| format!("bad unit: {e}"))?,
            },
            quantity: record.quantity,
            base_price: major(snapshot.base_price_minor),
            option_modifiers,
            unit_price_minor: record.unit_price.minor(),
            total_minor: record.total.minor(),
            money: ExactMoney::new(record.unit_price, record.total),
            status: record.status.as_str(),
            record_id: record.id.get(),
        })
    }
}

/// The stored type name as the one the wire types use.
fn modifier_type(stored: &str) -> Result<&'static str, String> {
    match stored {
        "FIXED" => Ok("FIXED"),
        "PERCENTAGE" => Ok("PERCENTAGE"),
        other => Err(format!("unknown modifier type {other:?}")),
    }
}
