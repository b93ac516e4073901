//! Exact money: integer minor units per ISO 4217 currency, and Shopify's two decimal text forms.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The subset of Shopify's `CurrencyCode` enum the simulator knows. Shopify's enum is larger;
/// shops and inputs are limited to these, and anything else is a validation error.
#[derive(
    async_graphql::Enum,
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum CurrencyCode {
    Aud,
    Bhd,
    Brl,
    Cad,
    Chf,
    Czk,
    Dkk,
    Eur,
    Gbp,
    Hkd,
    Inr,
    Jpy,
    Krw,
    Kwd,
    Mxn,
    Nok,
    Nzd,
    Pln,
    Sek,
    Sgd,
    Usd,
    Zar,
}

impl CurrencyCode {
    /// ISO 4217 minor-unit exponent.
    pub fn exponent(self) -> u32 {
        match self {
            Self::Jpy | Self::Krw => 0,
            Self::Bhd | Self::Kwd => 3,
            _ => 2,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Aud => "AUD",
            Self::Bhd => "BHD",
            Self::Brl => "BRL",
            Self::Cad => "CAD",
            Self::Chf => "CHF",
            Self::Czk => "CZK",
            Self::Dkk => "DKK",
            Self::Eur => "EUR",
            Self::Gbp => "GBP",
            Self::Hkd => "HKD",
            Self::Inr => "INR",
            Self::Jpy => "JPY",
            Self::Krw => "KRW",
            Self::Kwd => "KWD",
            Self::Mxn => "MXN",
            Self::Nok => "NOK",
            Self::Nzd => "NZD",
            Self::Pln => "PLN",
            Self::Sek => "SEK",
            Self::Sgd => "SGD",
            Self::Usd => "USD",
            Self::Zar => "ZAR",
        }
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a decimal amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("is not a valid decimal number")]
    Invalid,
    #[error("is too large")]
    TooLarge,
}

/// Largest accepted amount in minor units; keeps every total well inside `i64`.
const MAX_MINOR: i64 = 1_000_000_000_000_000;

/// Parses a decimal text (`"12"`, `"-3.5"`, `"0.125"`) into minor units of `currency`.
/// Digits beyond the currency's precision are rounded half away from zero, as a payment
/// system storing minor units must.
pub fn parse_minor(text: &str, currency: CurrencyCode) -> Result<i64, AmountError> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty() && frac_part.is_empty()
        || !all_digits(int_part)
        || !all_digits(frac_part)
        || int_part.len() > 19
    {
        return Err(AmountError::Invalid);
    }
    let exp = currency.exponent() as usize;
    let mut minor: i64 = 0;
    for b in int_part
        .bytes()
        .chain(frac_part.bytes().chain(std::iter::repeat(b'0')).take(exp))
    {
        minor = minor
            .checked_mul(10)
            .and_then(|m| m.checked_add(i64::from(b - b'0')))
            .ok_or(AmountError::TooLarge)?;
    }
    if frac_part.as_bytes().get(exp).is_some_and(|d| *d >= b'5') {
        minor = minor.checked_add(1).ok_or(AmountError::TooLarge)?;
    }
    if minor > MAX_MINOR {
        return Err(AmountError::TooLarge);
    }
    Ok(if negative { -minor } else { minor })
}

fn split(minor: i64, currency: CurrencyCode) -> (String, String, String) {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let scale = 10u64.pow(currency.exponent());
    let frac = match currency.exponent() {
        0 => String::new(),
        width => format!("{:0width$}", abs % scale, width = width as usize),
    };
    (sign.to_owned(), (abs / scale).to_string(), frac)
}

/// The `Money` scalar form (`ProductVariant.price`): always the currency's precision, `"10.00"`.
pub fn format_money(minor: i64, currency: CurrencyCode) -> String {
    let (sign, int, frac) = split(minor, currency);
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// The `Decimal` scalar form (`MoneyV2.amount`): trailing zeros dropped, one decimal kept,
/// as Shopify serialises it (`"10.0"`, `"19.99"`).
pub fn format_decimal(minor: i64, currency: CurrencyCode) -> String {
    let (sign, int, frac) = split(minor, currency);
    let trimmed = frac.trim_end_matches('0');
    let frac = if trimmed.is_empty() { "0" } else { trimmed };
    format!("{sign}{int}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use CurrencyCode::{Jpy, Kwd, Usd};

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_minor("12", Usd), Ok(1200));
        assert_eq!(parse_minor("12.5", Usd), Ok(1250));
        assert_eq!(parse_minor("0.01", Usd), Ok(1));
        assert_eq!(parse_minor("-3.50", Usd), Ok(-350));
        assert_eq!(parse_minor("1.2345", Kwd), Ok(1235));
        assert_eq!(parse_minor("1000", Jpy), Ok(1000));
        assert_eq!(parse_minor(".5", Usd), Ok(50));
        assert_eq!(parse_minor("0.005", Usd), Ok(1));
        assert_eq!(parse_minor("0.004", Usd), Ok(0));
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "-", "1e3", "1.2.3", "abc", "1,00", " . ", "NaN"] {
            assert_eq!(parse_minor(bad, Usd), Err(AmountError::Invalid), "{bad}");
        }
        assert_eq!(
            parse_minor("99999999999999999999", Usd),
            Err(AmountError::Invalid)
        );
        assert_eq!(
            parse_minor("9999999999999999", Usd),
            Err(AmountError::TooLarge)
        );
    }

    #[test]
    fn formats_like_shopify() {
        assert_eq!(format_money(1000, Usd), "10.00");
        assert_eq!(format_decimal(1000, Usd), "10.0");
        assert_eq!(format_decimal(1999, Usd), "19.99");
        assert_eq!(format_decimal(1050, Usd), "10.5");
        assert_eq!(format_money(1000, Jpy), "1000");
        assert_eq!(format_decimal(1000, Jpy), "1000.0");
        assert_eq!(format_money(1234, Kwd), "1.234");
        assert_eq!(format_decimal(-5, Usd), "-0.05");
    }
}
