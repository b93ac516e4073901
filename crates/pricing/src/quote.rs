//! Quotes: the price of a size, options and quantity, with its breakdown.

use thiserror::Error;

use crate::currency::Currency;
use crate::dimension::{Dimension, Unit};
use crate::matrix::{CellHit, OutOfRange, PriceMatrix};
use crate::modifier::Modifier;
use crate::money::Money;
use crate::quantity::Quantity;

/// A computed price and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    hit: CellHit,
    unit: Unit,
    currency: Currency,
    base: Money,
    modifier_amounts: Vec<Money>,
    unit_price: Money,
    quantity: Quantity,
    total: Money,
}

/// Why a quote could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QuoteError {
    #[error(transparent)]
    OutOfRange(#[from] OutOfRange),
    #[error("option {position}'s amount is too large to compute: check that option's modifier")]
    ModifierOverflow { position: usize },
    #[error(
        "the unit price is too large to compute: check the matrix prices and option modifiers"
    )]
    UnitPriceOverflow,
    #[error("the total for quantity {quantity} is too large to compute: order fewer pieces")]
    TotalOverflow { quantity: u32 },
}

/// Prices `width × height` (any units) on `matrix` in `currency`, with `modifiers` applied to
/// the base price and the unit price multiplied by `quantity`.
///
/// Unit price = max(0, base + Σ modifier amounts); every percentage is of the base price, so
/// the order of `modifiers` does not change the result (only the order of the breakdown).
pub fn quote(
    matrix: &PriceMatrix,
    currency: Currency,
    width: Dimension,
    height: Dimension,
    quantity: Quantity,
    modifiers: &[Modifier],
) -> Result<Quote, QuoteError> {
    let hit = matrix.lookup(width, height)?;
    let modifier_amounts = modifier_amounts(hit.price_minor, currency, modifiers)?;
    let unit_price = unit_price(hit.price_minor, &modifier_amounts, currency)?;
    let total = unit_price
        .checked_mul(quantity.get())
        .map_err(|_| QuoteError::TotalOverflow {
            quantity: quantity.get(),
        })?;
    Ok(Quote {
        hit,
        unit: matrix.unit(),
        currency,
        base: Money::from_minor(hit.price_minor, currency),
        modifier_amounts,
        unit_price,
        quantity,
        total,
    })
}

fn modifier_amounts(
    base_minor: i64,
    currency: Currency,
    modifiers: &[Modifier],
) -> Result<Vec<Money>, QuoteError> {
    modifiers
        .iter()
        .enumerate()
        .map(|(index, modifier)| {
            modifier
                .amount_for(base_minor)
                .map(|amount| Money::from_minor(amount, currency))
                .ok_or(QuoteError::ModifierOverflow {
                    position: index + 1,
                })
        })
        .collect()
}

/// max(0, base + Σ amounts), summed in i128 so that intermediate sums cannot overflow.
fn unit_price(base_minor: i64, amounts: &[Money], currency: Currency) -> Result<Money, QuoteError> {
    let sum = amounts.iter().fold(i128::from(base_minor), |sum, amount| {
        sum + i128::from(amount.minor())
    });
    let floored = sum.max(0);
    i64::try_from(floored)
        .map(|minor| Money::from_minor(minor, currency))
        .map_err(|_| QuoteError::UnitPriceOverflow)
}

impl Quote {
    /// The matrix cell used, with the breakpoints hit and the base price.
    pub fn hit(&self) -> &CellHit {
        &self.hit
    }

    /// The width breakpoint used, in the matrix unit.
    pub fn width_breakpoint(&self) -> Dimension {
        self.hit.width
    }

    /// The height breakpoint used, in the matrix unit.
    pub fn height_breakpoint(&self) -> Dimension {
        self.hit.height
    }

    /// The matrix unit.
    pub fn unit(&self) -> Unit {
        self.unit
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The matrix price of the cell.
    pub fn base(&self) -> Money {
        self.base
    }

    /// Each modifier's amount, in the order the modifiers were given.
    pub fn modifier_amounts(&self) -> &[Money] {
        &self.modifier_amounts
    }

    /// max(0, base + Σ modifier amounts).
    pub fn unit_price(&self) -> Money {
        self.unit_price
    }

    pub fn quantity(&self) -> Quantity {
        self.quantity
    }

    /// unit price × quantity.
    pub fn total(&self) -> Money {
        self.total
    }
}
