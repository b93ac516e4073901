//! Lengths: exact decimal dimensions in one of five units, compared exactly across units.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::decimal_text::PlainDecimal;

/// A unit of length. Conversions are exact: 1 in = 25.4 mm, 1 ft = 304.8 mm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Unit {
    #[serde(rename = "mm")]
    Millimetre,
    #[serde(rename = "cm")]
    Centimetre,
    #[serde(rename = "m")]
    Metre,
    #[serde(rename = "in")]
    Inch,
    #[serde(rename = "ft")]
    Foot,
}

/// The unit symbol is not one of mm, cm, m, in, ft.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown unit '{input}': use one of mm, cm, m, in, ft")]
pub struct UnitError {
    pub input: String,
}

impl Unit {
    pub const ALL: [Unit; 5] = [
        Unit::Millimetre,
        Unit::Centimetre,
        Unit::Metre,
        Unit::Inch,
        Unit::Foot,
    ];

    /// The symbol used in APIs, CSV files and messages: "mm", "cm", "m", "in", "ft".
    pub const fn as_str(&self) -> &'static str {
        match self {
            Unit::Millimetre => "mm",
            Unit::Centimetre => "cm",
            Unit::Metre => "m",
            Unit::Inch => "in",
            Unit::Foot => "ft",
        }
    }

    /// Base units (ångströms, 1e-10 m) in one ten-thousandth of this unit. Dimensions have at
    /// most 4 decimals, so a dimension is a whole number of ten-thousandths and every unit's
    /// ten-thousandth is a whole number of ångströms: conversion never rounds.
    const fn base_units_per_ten_thousandth(&self) -> i64 {
        match self {
            Unit::Millimetre => 1_000,
            Unit::Centimetre => 10_000,
            Unit::Metre => 1_000_000,
            Unit::Inch => 25_400,
            Unit::Foot => 304_800,
        }
    }

    /// Base units (ångströms) in one whole unit.
    const fn base_units_per_unit(&self) -> i64 {
        self.base_units_per_ten_thousandth() * TEN_THOUSAND
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Unit {
    type Err = UnitError;

    fn from_str(symbol: &str) -> Result<Self, Self::Err> {
        Unit::ALL
            .into_iter()
            .find(|unit| unit.as_str() == symbol)
            .ok_or_else(|| UnitError {
                input: symbol.to_owned(),
            })
    }
}

const TEN_THOUSAND: i64 = 10_000;
/// Dimensions carry at most this many decimal places.
pub const MAX_DIMENSION_DECIMALS: u32 = 4;
/// Dimensions are at most this large, in their own unit.
pub const MAX_DIMENSION: i64 = 1_000_000;

/// A length > 0 with at most 4 decimals and at most 1,000,000 in its unit.
///
/// Equality is structural (same value and unit: 10 mm ≠ 1 cm); compare lengths across units
/// with [`Dimension::cmp_length`] or [`Dimension::base_units`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dimension {
    /// Normalised: no trailing zeros, so "1.50000" and "1.5" are the same dimension.
    value: Decimal,
    unit: Unit,
    /// The exact length in ångströms, computed once so comparisons are integer compares.
    base_units: i64,
}

/// Why a number is not a usable dimension.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DimensionError {
    #[error("'{input}' is not a plain decimal number such as 120.5")]
    NotADecimal { input: String },
    #[error("{value} {unit} is not a usable size: it must be greater than 0")]
    NotPositive { value: String, unit: Unit },
    #[error("{value} {unit} has more than {MAX_DIMENSION_DECIMALS} decimal places")]
    TooManyDecimals { value: String, unit: Unit },
    #[error("{value} {unit} is larger than the maximum of {MAX_DIMENSION} {unit}")]
    TooLarge { value: String, unit: Unit },
}

impl Dimension {
    /// Validates an exact decimal as a dimension in `unit`.
    pub fn new(value: Decimal, unit: Unit) -> Result<Dimension, DimensionError> {
        let value = value.normalize();
        let shown = || value.to_string();
        if value <= Decimal::ZERO {
            return Err(DimensionError::NotPositive {
                value: shown(),
                unit,
            });
        }
        if value.scale() > MAX_DIMENSION_DECIMALS {
            return Err(DimensionError::TooManyDecimals {
                value: shown(),
                unit,
            });
        }
        if value > Decimal::from(MAX_DIMENSION) {
            return Err(DimensionError::TooLarge {
                value: shown(),
                unit,
            });
        }
        let ten_thousandths =
            value.mantissa() * 10_i128.pow(MAX_DIMENSION_DECIMALS - value.scale());
        // At most 1e10 ten-thousandths after the checks above, so this always fits.
        let ten_thousandths =
            i64::try_from(ten_thousandths).map_err(|_| DimensionError::TooLarge {
                value: shown(),
                unit,
            })?;
        Ok(Dimension::from_ten_thousandths(ten_thousandths, unit))
    }

    /// Parses a strict plain decimal ("120", "120.5"; no exponent, sign, NaN, inf or whitespace
    /// — a leading '-' is read only to say that the size must be positive).
    pub fn parse(text: &str, unit: Unit) -> Result<Dimension, DimensionError> {
        let decimal = PlainDecimal::split(text).ok_or_else(|| DimensionError::NotADecimal {
            input: text.to_owned(),
        })?;
        let shown = || text.to_owned();
        if decimal.significant_fraction().len() > MAX_DIMENSION_DECIMALS as usize {
            return Err(DimensionError::TooManyDecimals {
                value: shown(),
                unit,
            });
        }
        let ten_thousandths = decimal
            .scaled_magnitude(MAX_DIMENSION_DECIMALS)
            .and_then(|magnitude| i64::try_from(magnitude).ok())
            .ok_or_else(|| DimensionError::TooLarge {
                value: shown(),
                unit,
            })?;
        if decimal.negative || ten_thousandths == 0 {
            return Err(DimensionError::NotPositive {
                value: shown(),
                unit,
            });
        }
        if ten_thousandths > MAX_DIMENSION * TEN_THOUSAND {
            return Err(DimensionError::TooLarge {
                value: shown(),
                unit,
            });
        }
        Ok(Dimension::from_ten_thousandths(ten_thousandths, unit))
    }

    /// Callers guarantee 0 < ten_thousandths ≤ 1e10, so the product is at most 3.048e15.
    fn from_ten_thousandths(ten_thousandths: i64, unit: Unit) -> Dimension {
        Dimension {
            value: Decimal::new(ten_thousandths, MAX_DIMENSION_DECIMALS).normalize(),
            unit,
            base_units: ten_thousandths * unit.base_units_per_ten_thousandth(),
        }
    }

    /// The value in its own unit, without trailing zeros.
    pub fn value(&self) -> Decimal {
        self.value
    }

    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// The exact length in ångströms (1e-10 m). Equal lengths in any units have equal base
    /// units; this is what lookups compare.
    pub fn base_units(&self) -> i64 {
        self.base_units
    }

    /// Compares physical lengths exactly, whatever the units.
    pub fn cmp_length(&self, other: &Dimension) -> Ordering {
        self.base_units.cmp(&other.base_units)
    }

    /// This length expressed in `unit`, for display only (lookups use [`Dimension::base_units`]).
    ///
    /// Exact when the result has a terminating decimal expansion (600 mm → 0.6 m,
    /// 1 in → 2.54 cm); otherwise rounded half away from zero to 4 decimal places
    /// (1 mm → 0.0394 in).
    pub fn to_unit(&self, unit: Unit) -> Decimal {
        if unit == self.unit {
            return self.value;
        }
        let base = i128::from(self.base_units);
        let per_unit = i128::from(unit.base_units_per_unit());
        // Every unit's size in ångströms divides 10^10 times a power of two and five at most,
        // so a terminating result has at most 10 more decimals than the base-unit integer.
        let scaled = base * 10_i128.pow(10);
        if scaled % per_unit == 0 {
            return Decimal::from_i128_with_scale(scaled / per_unit, 10).normalize();
        }
        let ten_thousandths = (base * i128::from(TEN_THOUSAND) * 2 + per_unit) / (2 * per_unit);
        Decimal::from_i128_with_scale(ten_thousandths, MAX_DIMENSION_DECIMALS).normalize()
    }
}

impl fmt::Display for Dimension {
    /// "600 mm", "23.5 in".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dim(text: &str, unit: Unit) -> Dimension {
        Dimension::parse(text, unit).unwrap()
    }

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn units_read_and_write_their_symbols() {
        for unit in Unit::ALL {
            assert_eq!(unit.as_str().parse::<Unit>(), Ok(unit));
            assert_eq!(unit.to_string(), unit.as_str());
            let json = serde_json::to_string(&unit).unwrap();
            assert_eq!(json, format!("\"{}\"", unit.as_str()));
            assert_eq!(serde_json::from_str::<Unit>(&json).unwrap(), unit);
        }
        assert_eq!(
            "MM".parse::<Unit>().unwrap_err().to_string(),
            "unknown unit 'MM': use one of mm, cm, m, in, ft"
        );
    }

    #[test]
    fn parses_plain_positive_decimals() {
        assert_eq!(dim("600", Unit::Millimetre).value(), dec("600"));
        assert_eq!(dim("1.50000", Unit::Metre).value(), dec("1.5"));
        assert_eq!(dim("0.0001", Unit::Inch).value(), dec("0.0001"));
        assert_eq!(dim("1000000", Unit::Foot).value(), dec("1000000"));
        assert_eq!(dim("007.5", Unit::Centimetre).value(), dec("7.5"));
    }

    #[test]
    fn parse_rejects_bad_text_with_the_reason() {
        let unit = Unit::Millimetre;
        for text in ["", "abc", "1e3", "NaN", "inf", " 5", "5 ", "+5", "5.", ".5"] {
            assert!(
                matches!(
                    Dimension::parse(text, unit),
                    Err(DimensionError::NotADecimal { .. })
                ),
                "{text:?}"
            );
        }
        for text in ["0", "0.0000", "-5", "-0"] {
            assert!(
                matches!(
                    Dimension::parse(text, unit),
                    Err(DimensionError::NotPositive { .. })
                ),
                "{text:?}"
            );
        }
        assert_eq!(
            Dimension::parse("1.00001", unit).unwrap_err().to_string(),
            "1.00001 mm has more than 4 decimal places"
        );
        assert_eq!(
            Dimension::parse("1000000.0001", unit)
                .unwrap_err()
                .to_string(),
            "1000000.0001 mm is larger than the maximum of 1000000 mm"
        );
        assert!(matches!(
            Dimension::parse("99999999999999999999999999999", unit),
            Err(DimensionError::TooLarge { .. })
        ));
        assert_eq!(
            Dimension::parse("-5", unit).unwrap_err().to_string(),
            "-5 mm is not a usable size: it must be greater than 0"
        );
    }

    #[test]
    fn new_applies_the_same_rules_to_decimals() {
        let unit = Unit::Centimetre;
        assert_eq!(Dimension::new(dec("1.50000"), unit), Ok(dim("1.5", unit)));
        assert!(matches!(
            Dimension::new(dec("0"), unit),
            Err(DimensionError::NotPositive { .. })
        ));
        assert!(matches!(
            Dimension::new(dec("-1"), unit),
            Err(DimensionError::NotPositive { .. })
        ));
        assert!(matches!(
            Dimension::new(dec("0.00001"), unit),
            Err(DimensionError::TooManyDecimals { .. })
        ));
        assert!(matches!(
            Dimension::new(dec("1000000.5"), unit),
            Err(DimensionError::TooLarge { .. })
        ));
        assert!(matches!(
            Dimension::new(Decimal::MAX, unit),
            Err(DimensionError::TooLarge { .. })
        ));
    }

    #[test]
    fn base_units_are_exact_angstroms() {
        assert_eq!(dim("1", Unit::Millimetre).base_units(), 10_000_000);
        assert_eq!(dim("1", Unit::Inch).base_units(), 254_000_000);
        assert_eq!(dim("1", Unit::Foot).base_units(), 3_048_000_000);
        assert_eq!(dim("0.0001", Unit::Millimetre).base_units(), 1_000);
        assert_eq!(
            dim("1000000", Unit::Foot).base_units(),
            3_048_000_000_000_000
        );
    }

    #[test]
    fn compares_lengths_across_units() {
        assert_eq!(
            dim("25.4", Unit::Millimetre).cmp_length(&dim("1", Unit::Inch)),
            Ordering::Equal
        );
        assert_eq!(
            dim("12", Unit::Inch).cmp_length(&dim("1", Unit::Foot)),
            Ordering::Equal
        );
        assert_eq!(
            dim("100", Unit::Centimetre).cmp_length(&dim("1", Unit::Metre)),
            Ordering::Equal
        );
        assert_eq!(
            dim("1", Unit::Foot).cmp_length(&dim("30.48", Unit::Centimetre)),
            Ordering::Equal
        );
        assert_eq!(
            dim("1", Unit::Foot).cmp_length(&dim("30.4799", Unit::Centimetre)),
            Ordering::Greater
        );
        assert_ne!(dim("10", Unit::Millimetre), dim("1", Unit::Centimetre));
    }

    #[test]
    fn converts_for_display() {
        assert_eq!(
            dim("600", Unit::Millimetre).to_unit(Unit::Metre),
            dec("0.6")
        );
        assert_eq!(dim("1", Unit::Inch).to_unit(Unit::Centimetre), dec("2.54"));
        assert_eq!(
            dim("0.0001", Unit::Millimetre).to_unit(Unit::Metre),
            dec("0.0000001")
        );
        assert_eq!(dim("3", Unit::Foot).to_unit(Unit::Inch), dec("36"));
        assert_eq!(
            dim("1", Unit::Millimetre).to_unit(Unit::Inch),
            dec("0.0394")
        );
        assert_eq!(dim("1", Unit::Inch).to_unit(Unit::Foot), dec("0.0833"));
        assert_eq!(dim("2", Unit::Inch).to_unit(Unit::Foot), dec("0.1667"));
        assert_eq!(
            dim("12.5", Unit::Centimetre).to_unit(Unit::Centimetre),
            dec("12.5")
        );
        assert_eq!(dim("2.5", Unit::Metre).to_string(), "2.5 m");
    }
}
