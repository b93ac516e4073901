//! Exact money: integer minor units in one currency.

use std::fmt;

use rust_decimal::Decimal;
use thiserror::Error;

use crate::currency::Currency;
use crate::decimal_text::PlainDecimal;

/// An amount of money as an integer number of minor units (cents for USD, yen for JPY, fils for
/// KWD) in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// Why an amount could not be parsed or computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("the amount is empty: give a decimal number such as 12.30")]
    Empty,
    #[error("'{input}' is not a plain decimal amount: use digits with an optional '-' and '.', such as 12.30")]
    NotADecimal { input: String },
    #[error("'{input}' has more decimals than {currency} allows (at most {max_decimals})")]
    TooManyDecimals {
        input: String,
        currency: Currency,
        max_decimals: u32,
    },
    #[error("'{input}' is too large to be an amount of {currency}")]
    TooLarge { input: String, currency: Currency },
    #[error("cannot combine amounts in {left} and {right}")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error("the amount is too large to compute in {currency}")]
    Overflow { currency: Currency },
}

impl Money {
    /// `minor` minor units of `currency`: `Money::from_minor(1230, Currency::USD)` is 12.30 USD.
    pub const fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Money {
        Money::from_minor(0, currency)
    }

    /// Parses a strict decimal string in major units ("12", "12.3", "-0.50"). At most the
    /// currency's exponent of decimals; trailing zeros beyond it are allowed ("12.3000" is 12.30)
    /// because they change nothing.
    pub fn parse(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        let decimal = PlainDecimal::split(text).ok_or_else(|| MoneyError::NotADecimal {
            input: text.to_owned(),
        })?;
        if decimal.significant_fraction().len() > currency.exponent() as usize {
            return Err(MoneyError::TooManyDecimals {
                input: text.to_owned(),
                currency,
                max_decimals: currency.exponent(),
            });
        }
        let too_large = || MoneyError::TooLarge {
            input: text.to_owned(),
            currency,
        };
        let magnitude = i128::from(
            decimal
                .scaled_magnitude(currency.exponent())
                .ok_or_else(too_large)?,
        );
        let signed = if decimal.negative {
            -magnitude
        } else {
            magnitude
        };
        let minor = i64::try_from(signed).map_err(|_| too_large())?;
        Ok(Money::from_minor(minor, currency))
    }

    /// The amount in minor units.
    pub const fn minor(&self) -> i64 {
        self.minor
    }

    pub const fn currency(&self) -> Currency {
        self.currency
    }

    pub const fn is_negative(&self) -> bool {
        self.minor < 0
    }

    /// The amount in major units with exactly `exponent` decimals (12.30, 1500, 1.250).
    pub fn to_decimal(&self) -> Decimal {
        // Exponents come from the ISO table and are at most 4, far below Decimal's limit of 28.
        Decimal::new(self.minor, self.currency.exponent())
    }

    /// `self + other`, refusing different currencies and overflow.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            });
        }
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money::from_minor(minor, self.currency))
            .ok_or(MoneyError::Overflow {
                currency: self.currency,
            })
    }

    /// `self × factor`, refusing overflow.
    pub fn checked_mul(self, factor: u32) -> Result<Money, MoneyError> {
        self.minor
            .checked_mul(i64::from(factor))
            .map(|minor| Money::from_minor(minor, self.currency))
            .ok_or(MoneyError::Overflow {
                currency: self.currency,
            })
    }
}

impl fmt::Display for Money {
    /// The decimal amount with exactly the currency's number of decimals, without the code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        // unsigned_abs: i64::MIN has no positive i64 counterpart.
        let magnitude = self.minor.unsigned_abs();
        let exponent = self.currency.exponent();
        let per_major = 10_u64.pow(exponent);
        let (major, minor) = (magnitude / per_major, magnitude % per_major);
        if exponent == 0 {
            write!(f, "{sign}{major}")
        } else {
            write!(
                f,
                "{sign}{major}.{minor:0width$}",
                width = exponent as usize
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(text: &str) -> Result<Money, MoneyError> {
        Money::parse(text, Currency::USD)
    }

    #[test]
    fn parses_strict_decimals_into_minor_units() {
        assert_eq!(usd("12.3"), Ok(Money::from_minor(1230, Currency::USD)));
        assert_eq!(usd("12.30").unwrap().minor(), 1230);
        assert_eq!(usd("12").unwrap().minor(), 1200);
        assert_eq!(usd("-0.05").unwrap().minor(), -5);
        assert_eq!(usd("12.3000").unwrap().minor(), 1230);
        assert_eq!(Money::parse("1500", Currency::JPY).unwrap().minor(), 1500);
        assert_eq!(Money::parse("1.25", Currency::KWD).unwrap().minor(), 1250);
    }

    #[test]
    fn rejects_what_is_not_a_plain_amount() {
        assert_eq!(usd(""), Err(MoneyError::Empty));
        for text in [
            "1e3", " 12", "12 ", "+12", "12.", ".5", "abc", "1,000.00", "NaN",
        ] {
            assert!(
                matches!(usd(text), Err(MoneyError::NotADecimal { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_more_decimals_than_the_currency_has() {
        assert_eq!(
            usd("12.345").unwrap_err().to_string(),
            "'12.345' has more decimals than USD allows (at most 2)"
        );
        assert!(matches!(
            Money::parse("1500.5", Currency::JPY),
            Err(MoneyError::TooManyDecimals {
                max_decimals: 0,
                ..
            })
        ));
    }

    #[test]
    fn handles_the_edges_of_i64() {
        assert_eq!(usd("92233720368547758.07").unwrap().minor(), i64::MAX);
        assert_eq!(usd("-92233720368547758.08").unwrap().minor(), i64::MIN);
        assert!(matches!(
            usd("92233720368547758.08"),
            Err(MoneyError::TooLarge { .. })
        ));
        assert!(matches!(
            usd("99999999999999999999999999"),
            Err(MoneyError::TooLarge { .. })
        ));
    }

    #[test]
    fn displays_exactly_the_currency_decimals() {
        assert_eq!(Money::from_minor(1230, Currency::USD).to_string(), "12.30");
        assert_eq!(Money::from_minor(5, Currency::USD).to_string(), "0.05");
        assert_eq!(Money::from_minor(-5, Currency::USD).to_string(), "-0.05");
        assert_eq!(Money::from_minor(1500, Currency::JPY).to_string(), "1500");
        assert_eq!(Money::from_minor(1250, Currency::KWD).to_string(), "1.250");
        assert_eq!(
            Money::from_minor(i64::MIN, Currency::USD).to_string(),
            "-92233720368547758.08"
        );
    }

    #[test]
    fn converts_to_decimal_with_the_currency_scale() {
        let decimal = Money::from_minor(1230, Currency::USD).to_decimal();
        assert_eq!(decimal.to_string(), "12.30");
        assert_eq!(decimal.scale(), 2);
        assert_eq!(
            Money::from_minor(1250, Currency::KWD)
                .to_decimal()
                .to_string(),
            "1.250"
        );
    }

    #[test]
    fn arithmetic_is_checked() {
        let a = Money::from_minor(1000, Currency::USD);
        assert_eq!(a.checked_add(a).unwrap().minor(), 2000);
        assert_eq!(a.checked_mul(3).unwrap().minor(), 3000);
        assert_eq!(
            Money::from_minor(i64::MAX, Currency::USD)
                .checked_add(Money::from_minor(1, Currency::USD)),
            Err(MoneyError::Overflow {
                currency: Currency::USD
            })
        );
        assert!(Money::from_minor(i64::MAX / 2 + 1, Currency::USD)
            .checked_mul(2)
            .is_err());
        assert_eq!(
            a.checked_add(Money::from_minor(1, Currency::EUR))
                .unwrap_err()
                .to_string(),
            "cannot combine amounts in USD and EUR"
        );
    }
}
