//! What a draft order was priced with, kept on its record, and the v1 answer built from the
//! record alone — so a replay answers exactly what the first request did, however the catalogue
//! changed since.

use gridprice_storage::draft_orders::{DraftOrderRecord, PricedSnapshot, SnapshotOption};
use gridprice_wire::{
    modifier_wire, AppliedModifier, DecimalNumber, Dimensions, DraftOrderResponse, ExactMoney,
};
use pricing::Money;

use crate::catalog::PricedProduct;
use crate::error::ServiceError;

/// The base price and each option's names, modifier and amount, as `priced` quoted them.
pub fn priced_snapshot(priced: &PricedProduct) -> PricedSnapshot {
    let quote = &priced.quote;
    let options = priced
        .options()
        .iter()
        .zip(quote.modifier_amounts())
        .map(|(option, amount)| {
            let (modifier_type, modifier_value) = modifier_wire(option.modifier, amount.currency());
            SnapshotOption {
                option_group: option.group.to_owned(),
                choice: option.choice.to_owned(),
                modifier_type: modifier_type.to_owned(),
                modifier_value: modifier_value.to_string(),
                applied_amount_minor: amount.minor(),
            }
        })
        .collect();
    PricedSnapshot {
        base_price_minor: quote.base().minor(),
        options,
        product_title: Some(priced.product_title().to_owned()),
        breakpoints: Some((
            quote.width_breakpoint().value().to_string(),
            quote.height_breakpoint().value().to_string(),
        )),
    }
}

/// The v1 draft order answer (DESIGN §5), from the record alone.
pub fn response(record: &DraftOrderRecord) -> Result<DraftOrderResponse, ServiceError> {
    let corrupt =
        |what: String| ServiceError::internal(format!("record {}: {what}", record.id.get()));
    let currency = record.unit_price.currency();
    let decimal = |text: &str| {
        text.parse()
            .map(DecimalNumber)
            .map_err(|e| corrupt(format!("bad decimal {text:?}: {e}")))
    };
    let major = |minor: i64| DecimalNumber(Money::from_minor(minor, currency).to_decimal());
    let snapshot = &record.snapshot;
    let option_modifiers = snapshot
        .options
        .iter()
        .map(|option| {
            Ok(AppliedModifier {
                option_group: option.option_group.clone().into(),
                choice: option.choice.clone().into(),
                modifier_type: modifier_type(&option.modifier_type).map_err(corrupt)?,
                modifier_value: decimal(&option.modifier_value)?,
                applied_amount: major(option.applied_amount_minor),
                applied_amount_minor: option.applied_amount_minor,
            })
        })
        .collect::<Result<_, ServiceError>>()?;
    Ok(DraftOrderResponse {
        draft_order_id: record.shopify_draft_order_gid.clone(),
        name: record.shopify_name.clone(),
        checkout_url: record.invoice_url.clone(),
        total: record.shopify_total.clone(),
        price: DecimalNumber(record.unit_price.to_decimal()),
        dimensions: Dimensions {
            width: decimal(&record.width)?,
            height: decimal(&record.height)?,
            unit: record
                .unit
                .parse()
                .map_err(|e| corrupt(format!("bad unit: {e}")))?,
        },
        quantity: record.quantity,
        base_price: major(snapshot.base_price_minor),
        option_modifiers,
        base_price_minor: snapshot.base_price_minor,
        unit_price_minor: record.unit_price.minor(),
        total_minor: record.total.minor(),
        money: ExactMoney::new(record.unit_price, record.total),
        status: record.status.as_str(),
        record_id: record.id.get(),
    })
}

/// The stored type name as the one the wire types use.
fn modifier_type(stored: &str) -> Result<&'static str, String> {
    match stored {
        "FIXED" => Ok("FIXED"),
        "PERCENTAGE" => Ok("PERCENTAGE"),
        other => Err(format!("unknown modifier type {other:?}")),
    }
}
