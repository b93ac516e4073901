//! The v1 price response, wire-compatible with QuoteFlow v1: prices as numbers in major units and
//! `matrix` as the matrix's name, plus Gridprice's exact additions (`matrixDetails`,
//! `basePriceMinor`, `appliedAmountMinor`, `unitPriceMinor`, `totalMinor`, `money`).

use std::borrow::Cow;

use pricing::{Currency, Decimal, Dimension, MatrixRange, Modifier, Money, Quote, Unit};
use serde::Serialize;
use utoipa::ToSchema;

use crate::decimal::{DecimalNumber, DecimalString};

/// Borrows its names from what was priced: a price answer allocates only its option list.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PriceResponse<'a> {
    pub price: DecimalNumber,
    pub currency: &'static str,
    pub dimensions: Dimensions,
    pub quantity: u32,
    pub total: DecimalNumber,
    /// The matrix's name (QuoteFlow's field: a string).
    pub matrix: &'a str,
    pub dimension_range: DimensionRange,
    pub base_price: DecimalNumber,
    pub option_modifiers: Vec<AppliedModifier<'a>>,
    /// Which matrix priced the size, and the breakpoints it was priced at (an addition).
    pub matrix_details: MatrixSummary<'a>,
    pub base_price_minor: i64,
    pub unit_price_minor: i64,
    pub total_minor: i64,
    pub money: ExactMoney,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Dimensions {
    pub width: DecimalNumber,
    pub height: DecimalNumber,
    #[schema(value_type = String, example = "mm")]
    pub unit: Unit,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MatrixSummary<'a> {
    pub id: Option<i64>,
    pub name: &'a str,
    #[schema(value_type = String, example = "mm")]
    pub unit: Unit,
    /// The breakpoints the size was priced at, in the matrix unit.
    pub width_breakpoint: DecimalNumber,
    pub height_breakpoint: DecimalNumber,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DimensionRange {
    pub min_width: DecimalNumber,
    pub max_width: DecimalNumber,
    pub min_height: DecimalNumber,
    pub max_height: DecimalNumber,
    #[schema(value_type = String, example = "mm")]
    pub unit: Unit,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppliedModifier<'a> {
    #[schema(value_type = String)]
    pub option_group: Cow<'a, str>,
    #[schema(value_type = String)]
    pub choice: Cow<'a, str>,
    pub modifier_type: &'static str,
    /// Major units for `FIXED`, percent for `PERCENTAGE`.
    pub modifier_value: DecimalNumber,
    pub applied_amount: DecimalNumber,
    /// `appliedAmount` in the currency's minor units (an exact addition).
    pub applied_amount_minor: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExactMoney {
    pub unit_price: DecimalString,
    pub total: DecimalString,
    pub currency_code: &'static str,
}

impl ExactMoney {
    pub fn new(unit_price: Money, total: Money) -> Self {
        Self {
            unit_price: DecimalString(unit_price.to_decimal()),
            total: DecimalString(total.to_decimal()),
            currency_code: total.currency().code(),
        }
    }
}

/// One option as priced: its names and its modifier, in the order given to the quote.
#[derive(Debug, Clone, Copy)]
pub struct PricedOption<'a> {
    pub group: &'a str,
    pub choice: &'a str,
    pub modifier: Modifier,
}

/// What was asked and of which matrix, beside the quote that answered it.
#[derive(Debug, Clone)]
pub struct PricedRequest<'a> {
    pub matrix_id: Option<i64>,
    pub matrix_name: &'a str,
    pub range: DimensionRange,
    pub width: Dimension,
    pub height: Dimension,
    pub options: Vec<PricedOption<'a>>,
}

impl<'a> PriceResponse<'a> {
    pub fn new(request: &PricedRequest<'a>, quote: &Quote) -> Self {
        let currency = quote.currency();
        let option_modifiers = request
            .options
            .iter()
            .zip(quote.modifier_amounts())
            .map(|(option, amount)| applied_modifier(option, *amount))
            .collect();
        Self {
            price: major(quote.unit_price()),
            currency: currency.code(),
            dimensions: Dimensions {
                width: DecimalNumber(request.width.value()),
                height: DecimalNumber(request.height.value()),
                unit: request.width.unit(),
            },
            quantity: quote.quantity().get(),
            total: major(quote.total()),
            matrix: request.matrix_name,
            matrix_details: MatrixSummary {
                id: request.matrix_id,
                name: request.matrix_name,
                unit: quote.unit(),
                width_breakpoint: DecimalNumber(quote.width_breakpoint().value()),
                height_breakpoint: DecimalNumber(quote.height_breakpoint().value()),
            },
            dimension_range: request.range,
            base_price: major(quote.base()),
            option_modifiers,
            base_price_minor: quote.base().minor(),
            unit_price_minor: quote.unit_price().minor(),
            total_minor: quote.total().minor(),
            money: ExactMoney::new(quote.unit_price(), quote.total()),
        }
    }
}

impl DimensionRange {
    /// The range of a matrix as answers write it.
    pub fn new(range: MatrixRange, unit: Unit) -> Self {
        Self {
            min_width: DecimalNumber(range.min_width.value()),
            max_width: DecimalNumber(range.max_width.value()),
            min_height: DecimalNumber(range.min_height.value()),
            max_height: DecimalNumber(range.max_height.value()),
            unit,
        }
    }
}

fn major(money: Money) -> DecimalNumber {
    DecimalNumber(money.to_decimal())
}

/// A modifier as the v1 API writes it (price breakdowns and the options endpoint alike): its
/// type, and its value in major units (FIXED) or percent (PERCENTAGE).
pub fn modifier_wire(modifier: Modifier, currency: Currency) -> (&'static str, Decimal) {
    match modifier {
        Modifier::Fixed(minor) => ("FIXED", Money::from_minor(minor, currency).to_decimal()),
        Modifier::Percentage(points) => (
            "PERCENTAGE",
            Decimal::new(i64::from(points.get()), 2).normalize(),
        ),
    }
}

fn applied_modifier<'a>(option: &PricedOption<'a>, amount: Money) -> AppliedModifier<'a> {
    let (modifier_type, modifier_value) = modifier_wire(option.modifier, amount.currency());
    AppliedModifier {
        option_group: Cow::Borrowed(option.group),
        choice: Cow::Borrowed(option.choice),
        modifier_type,
        modifier_value: DecimalNumber(modifier_value),
        applied_amount: major(amount),
        applied_amount_minor: amount.minor(),
    }
}
