//! Option modifiers: fixed amounts and percentages of the base matrix price.

use std::fmt;

use rust_decimal::Decimal;
use thiserror::Error;

use crate::currency::Currency;
use crate::decimal_text::PlainDecimal;
use crate::money::{Money, MoneyError};

/// Basis points per 100%.
const BASIS_POINTS_PER_WHOLE: i128 = 10_000;

/// A percentage in basis points (10000 = 100%), from −100% (an option cannot take away more
/// than the whole base price) up to +10,000% (a hundredfold surcharge: well past any real
/// option, yet small enough that typos like 2000000 are caught).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BasisPoints(i32);

/// Why a percentage is not usable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModifierError {
    #[error("{basis_points} basis points is out of range: a percentage must be between -100% and +10000%")]
    OutOfRange { basis_points: i64 },
    #[error("'{input}' is not a plain decimal percentage such as 20 or 12.5")]
    NotADecimal { input: String },
    #[error("'{input}' is more precise than a basis point: use at most 2 decimals (12.25)")]
    TooPrecise { input: String },
}

impl BasisPoints {
    pub const MIN: i32 = -10_000;
    pub const MAX: i32 = 1_000_000;

    pub fn new(basis_points: i32) -> Result<BasisPoints, ModifierError> {
        (Self::MIN..=Self::MAX)
            .contains(&basis_points)
            .then_some(BasisPoints(basis_points))
            .ok_or(ModifierError::OutOfRange {
                basis_points: i64::from(basis_points),
            })
    }

    /// Parses a percentage written as a strict decimal with at most 2 decimals: "20" is 2000
    /// basis points, "12.5" is 1250, "-0.01" is −1.
    pub fn parse_percent(text: &str) -> Result<BasisPoints, ModifierError> {
        let decimal = PlainDecimal::split(text).ok_or_else(|| ModifierError::NotADecimal {
            input: text.to_owned(),
        })?;
        if decimal.significant_fraction().len() > 2 {
            return Err(ModifierError::TooPrecise {
                input: text.to_owned(),
            });
        }
        let out_of_range = |basis_points| ModifierError::OutOfRange { basis_points };
        let magnitude = decimal
            .scaled_magnitude(2)
            .and_then(|magnitude| i64::try_from(magnitude).ok())
            .ok_or(out_of_range(i64::MAX))?;
        let signed = if decimal.negative {
            -magnitude
        } else {
            magnitude
        };
        let basis_points = i32::try_from(signed).map_err(|_| out_of_range(signed))?;
        BasisPoints::new(basis_points)
    }

    pub const fn get(&self) -> i32 {
        self.0
    }
}

impl fmt::Display for BasisPoints {
    /// As a percentage: "20%", "12.5%", "-0.01%".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", Decimal::new(i64::from(self.0), 2).normalize())
    }
}

/// How an option choice changes the base matrix price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Modifier {
    /// A fixed amount in minor units of the store currency; may be negative (a discount).
    Fixed(i64),
    /// A percentage of the base matrix price (never of the price after other options).
    Percentage(BasisPoints),
}

impl Modifier {
    /// The amount this modifier adds to a base price of `base_minor` minor units.
    ///
    /// A percentage is rounded toward +∞ (ceil): 20% of 0.99 is 0.198 → 0.20, and −50% of 0.25
    /// is −0.125 → −0.12. `None` only when the amount does not fit in `i64`, which takes a
    /// surcharge above 100% on a base near `i64::MAX`.
    pub fn amount_for(&self, base_minor: i64) -> Option<i64> {
        match *self {
            Modifier::Fixed(amount) => Some(amount),
            Modifier::Percentage(basis_points) => {
                // i128: base × basis points cannot overflow (|i64| × 1e6 < 2^84).
                let scaled = i128::from(base_minor) * i128::from(basis_points.get());
                i64::try_from(ceil_div(scaled, BASIS_POINTS_PER_WHOLE)).ok()
            }
        }
    }
}

/// Why a modifier as a merchant types it ("+15.00", "20%") is not usable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModifierTextError {
    #[error(
        "'{input}' is neither an amount such as 15.00 or -2.50 nor a percentage such as 20% or -5%"
    )]
    NotAModifier { input: String },
    #[error(transparent)]
    Amount(#[from] MoneyError),
    #[error(transparent)]
    Percentage(#[from] ModifierError),
}

impl Modifier {
    /// A modifier as a merchant types it: an amount of `currency` with an optional sign
    /// ("15.00", "+15.00", "-2.50") or a percentage ("20%", "+20%", "-5%"). The number itself
    /// follows the one strict decimal grammar (no spaces, exponents or separators).
    pub fn parse_text(text: &str, currency: Currency) -> Result<Modifier, ModifierTextError> {
        let not_a_modifier = || ModifierTextError::NotAModifier {
            input: text.to_owned(),
        };
        let (percent, number) = match text.strip_suffix('%') {
            Some(number) => (true, number),
            None => (false, text),
        };
        let (negative, unsigned) = match number.as_bytes().first() {
            Some(b'+') => (false, &number[1..]),
            Some(b'-') => (true, &number[1..]),
            _ => (false, number),
        };
        // One sign at most: the unsigned rest must be plain digits.
        match PlainDecimal::split(unsigned) {
            Some(decimal) if !decimal.negative => {}
            _ => return Err(not_a_modifier()),
        }
        let signed = if negative {
            format!("-{unsigned}")
        } else {
            unsigned.to_owned()
        };
        if percent {
            Ok(Modifier::Percentage(BasisPoints::parse_percent(&signed)?))
        } else {
            Ok(Modifier::Fixed(Money::parse(&signed, currency)?.minor()))
        }
    }

    /// The modifier as a merchant types it, a surcharge with its `+`: "+15.00", "-2.50",
    /// "0.00", "+20%", "-5%".
    pub fn to_text(&self, currency: Currency) -> String {
        let (text, positive) = match *self {
            Modifier::Fixed(minor) => (Money::from_minor(minor, currency).to_string(), minor > 0),
            Modifier::Percentage(points) => (points.to_string(), points.get() > 0),
        };
        if positive {
            format!("+{text}")
        } else {
            text
        }
    }
}

/// ⌈numerator / denominator⌉ for a positive denominator, correct for negative numerators.
fn ceil_div(numerator: i128, denominator: i128) -> i128 {
    let floor = numerator.div_euclid(denominator);
    if numerator.rem_euclid(denominator) == 0 {
        floor
    } else {
        floor + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn percent(basis_points: i32) -> Modifier {
        Modifier::Percentage(BasisPoints::new(basis_points).unwrap())
    }

    #[test]
    fn basis_points_bounds() {
        assert_eq!(BasisPoints::new(-10_000).unwrap().get(), -10_000);
        assert_eq!(BasisPoints::new(1_000_000).unwrap().get(), 1_000_000);
        assert_eq!(
            BasisPoints::new(-10_001).unwrap_err().to_string(),
            "-10001 basis points is out of range: a percentage must be between -100% and +10000%"
        );
        assert!(BasisPoints::new(1_000_001).is_err());
        assert!(BasisPoints::new(i32::MIN).is_err());
    }

    #[test]
    fn parses_percentages_down_to_a_basis_point() {
        let parse = |text| BasisPoints::parse_percent(text).map(|bp| bp.get());
        assert_eq!(parse("20"), Ok(2000));
        assert_eq!(parse("12.5"), Ok(1250));
        assert_eq!(parse("-0.01"), Ok(-1));
        assert_eq!(parse("-100"), Ok(-10_000));
        assert_eq!(parse("12.50000"), Ok(1250));
        assert!(matches!(
            parse("12.345"),
            Err(ModifierError::TooPrecise { .. })
        ));
        assert!(matches!(
            parse("-100.01"),
            Err(ModifierError::OutOfRange { .. })
        ));
        assert!(matches!(
            parse("99999999999999999999"),
            Err(ModifierError::OutOfRange { .. })
        ));
        assert!(matches!(
            parse("20%"),
            Err(ModifierError::NotADecimal { .. })
        ));
        assert!(matches!(parse(""), Err(ModifierError::NotADecimal { .. })));
    }

    #[test]
    fn displays_as_a_percentage() {
        assert_eq!(BasisPoints::new(2000).unwrap().to_string(), "20%");
        assert_eq!(BasisPoints::new(1250).unwrap().to_string(), "12.5%");
        assert_eq!(BasisPoints::new(-1).unwrap().to_string(), "-0.01%");
    }

    #[test]
    fn modifiers_are_read_as_merchants_type_them() {
        let usd = Currency::from_code("USD").unwrap();
        let parse = |text| Modifier::parse_text(text, usd);
        assert_eq!(parse("15.00"), Ok(Modifier::Fixed(1500)));
        assert_eq!(parse("+15.00"), Ok(Modifier::Fixed(1500)));
        assert_eq!(parse("-2.50"), Ok(Modifier::Fixed(-250)));
        assert_eq!(parse("0"), Ok(Modifier::Fixed(0)));
        assert_eq!(parse("20%"), Ok(percent(2000)));
        assert_eq!(parse("+12.5%"), Ok(percent(1250)));
        assert_eq!(parse("-5%"), Ok(percent(-500)));
        for bad in [
            "", "abc", "20%%", "+-5", "--5", "+", "%", "1 5", " 15", "1e3", "1,50", "15.",
        ] {
            assert!(
                matches!(parse(bad), Err(ModifierTextError::NotAModifier { .. })),
                "{bad:?}"
            );
        }
        assert!(matches!(
            parse("15.001"),
            Err(ModifierTextError::Amount(
                MoneyError::TooManyDecimals { .. }
            ))
        ));
        assert!(matches!(
            Modifier::parse_text("1.5", Currency::from_code("JPY").unwrap()),
            Err(ModifierTextError::Amount(
                MoneyError::TooManyDecimals { .. }
            ))
        ));
        assert!(matches!(
            parse("12.345%"),
            Err(ModifierTextError::Percentage(
                ModifierError::TooPrecise { .. }
            ))
        ));
        assert!(matches!(
            parse("-101%"),
            Err(ModifierTextError::Percentage(
                ModifierError::OutOfRange { .. }
            ))
        ));
    }

    #[test]
    fn modifiers_are_written_as_merchants_type_them() {
        let usd = Currency::from_code("USD").unwrap();
        assert_eq!(Modifier::Fixed(1500).to_text(usd), "+15.00");
        assert_eq!(Modifier::Fixed(-250).to_text(usd), "-2.50");
        assert_eq!(Modifier::Fixed(0).to_text(usd), "0.00");
        assert_eq!(percent(2000).to_text(usd), "+20%");
        assert_eq!(percent(-500).to_text(usd), "-5%");
        for text in ["+15.00", "-2.50", "0.00", "+20%", "-5%", "+12.5%"] {
            assert_eq!(Modifier::parse_text(text, usd).unwrap().to_text(usd), text);
        }
    }

    #[test]
    fn fixed_amounts_are_taken_as_they_are() {
        assert_eq!(Modifier::Fixed(1500).amount_for(3000), Some(1500));
        assert_eq!(Modifier::Fixed(-500).amount_for(3000), Some(-500));
    }

    #[test]
    fn percentages_round_toward_positive_infinity() {
        assert_eq!(percent(2000).amount_for(3000), Some(600));
        assert_eq!(percent(2000).amount_for(99), Some(20)); // 19.8 → 20
        assert_eq!(percent(5000).amount_for(25), Some(13)); // 12.5 → 13
        assert_eq!(percent(-5000).amount_for(25), Some(-12)); // −12.5 → −12
        assert_eq!(percent(-3333).amount_for(100), Some(-33)); // −33.33 → −33
        assert_eq!(percent(1).amount_for(1), Some(1)); // 0.0001 → 1
        assert_eq!(percent(-1).amount_for(1), Some(0)); // −0.0001 → 0
        assert_eq!(percent(-10_000).amount_for(1234), Some(-1234));
    }

    #[test]
    fn percentage_overflow_is_reported_not_wrapped() {
        assert_eq!(percent(10_000).amount_for(i64::MAX), Some(i64::MAX));
        assert_eq!(percent(20_000).amount_for(i64::MAX), None);
        assert_eq!(percent(-10_000).amount_for(i64::MAX), Some(-i64::MAX));
    }
}
