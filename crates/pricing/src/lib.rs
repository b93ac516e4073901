//! Gridprice pricing domain: exact money, dimensions and units, price matrices, option
//! modifiers, quotes and CSV import/export. Pure and synchronous: no I/O, no floats.
//!
//! The rules are DESIGN.md §3; `README.md` beside this crate summarises them.

pub mod csv;
mod currency;
mod decimal_text;
mod dimension;
mod matrix;
mod modifier;
mod money;
mod quantity;
mod quote;

pub use currency::{Currency, CurrencyError};
pub use dimension::{
    Dimension, DimensionError, Unit, UnitError, MAX_DIMENSION, MAX_DIMENSION_DECIMALS,
};
pub use matrix::{
    Axis, AxisExceeded, CellHit, MatrixCell, MatrixError, MatrixProblem, MatrixRange, OutOfRange,
    OutOfRangePolicy, PolicyError, PriceMatrix, MAX_BREAKPOINTS,
};
pub use modifier::{BasisPoints, Modifier, ModifierError};
pub use money::{Money, MoneyError};
pub use quantity::{Quantity, QuantityError};
pub use quote::{quote, Quote, QuoteError};
pub use rust_decimal::Decimal;
