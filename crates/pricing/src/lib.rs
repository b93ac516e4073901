//! Gridprice pricing domain: exact money, dimensions and units, price matrices, option
//! modifiers, quotes and CSV import/export. Pure and synchronous: no I/O, no floats.
//!
//! The rules are DESIGN.md §3; `README.md` beside this crate summarises them.
//!
//! ```
//! use pricing::{quote, BasisPoints, Currency, Dimension, Modifier, OutOfRangePolicy, Quantity, Unit};
//!
//! let demo_glass = "width,height,price\n300,200,10.00\n600,200,15.00\n300,400,25.00\n600,400,30.00\n";
//! let matrix = pricing::csv::import_matrix(
//!     demo_glass.as_bytes(),
//!     Unit::Millimetre,
//!     OutOfRangePolicy::Reject,
//!     Currency::USD,
//! )?;
//! let tempered = Modifier::Fixed(1500);
//! let laminated = Modifier::Percentage(BasisPoints::new(2000)?);
//! let quote = quote(
//!     &matrix,
//!     Currency::USD,
//!     Dimension::parse("450", Unit::Millimetre)?, // between 300 and 600: priced as 600
//!     Dimension::parse("10", Unit::Inch)?,        // 254 mm: priced as 400
//!     Quantity::new(2)?,
//!     &[tempered, laminated],
//! )?;
//! assert_eq!(quote.base().to_string(), "30.00");
//! assert_eq!(quote.unit_price().to_string(), "51.00"); // 30.00 + 15.00 + 20% of 30.00
//! assert_eq!(quote.total().to_string(), "102.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

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
pub use modifier::{BasisPoints, Modifier, ModifierError, ModifierTextError};
pub use money::{Money, MoneyError};
pub use quantity::{Quantity, QuantityError};
pub use quote::{quote, Quote, QuoteError};
pub use rust_decimal::Decimal;
