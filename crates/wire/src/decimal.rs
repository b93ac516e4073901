//! Exact decimals on the wire: as JSON numbers written from their digits, or as strings.

use arrayvec::{ArrayString, CapacityError};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// An exact decimal written as a JSON number ("30.00", not 30.000000000000004). The v1 API
/// answers prices as numbers for compatibility; they are written from the decimal's digits,
/// never through a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecimalNumber(pub Decimal);

impl Serialize for DecimalNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A whole number (most sizes and breakpoints) is written as the integer it is, sparing
        // the validation a raw JSON number goes through.
        if self.0.scale() == 0 {
            if let Ok(whole) = i64::try_from(self.0.mantissa()) {
                return serializer.serialize_i64(whole);
            }
        }
        let text = decimal_text(self.0).map_err(serde::ser::Error::custom)?;
        let number: &serde_json::value::RawValue =
            serde_json::from_str(&text).map_err(serde::ser::Error::custom)?;
        number.serialize(serializer)
    }
}

/// An exact decimal written as a JSON string of its digits (`"30.00"`), without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecimalString(pub Decimal);

impl Serialize for DecimalString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = decimal_text(self.0).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

/// A sign, "0.", up to 28 zeros and the digits never take more.
type DecimalText = ArrayString<32>;

/// A decimal's digits as `Decimal`'s `Display` writes them — the mantissa with the point
/// `scale` digits from the right — but on the stack: a price response holds a dozen numbers.
fn decimal_text(value: Decimal) -> Result<DecimalText, CapacityError<()>> {
    let mut integer = itoa::Buffer::new();
    let digits = integer.format(value.mantissa().unsigned_abs());
    let scale = value.scale() as usize;
    let mut text = DecimalText::new();
    let mut push = |part: &str| text.try_push_str(part).map_err(CapacityError::simplify);
    if value.mantissa() < 0 {
        push("-")?;
    }
    match digits.len().checked_sub(scale) {
        Some(0) | None => {
            push("0.")?;
            for _ in digits.len()..scale {
                push("0")?;
            }
            push(digits)?;
        }
        Some(whole) => {
            push(&digits[..whole])?;
            if scale > 0 {
                push(".")?;
                push(&digits[whole..])?;
            }
        }
    }
    Ok(text)
}

/// In the OpenAPI document: a JSON number whose digits are exact.
impl utoipa::PartialSchema for DecimalNumber {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some(
                "An exact decimal written with its digits (30.00 stays 30.00).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for DecimalNumber {}

/// In the OpenAPI document: a string holding an exact decimal.
impl utoipa::PartialSchema for DecimalString {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("An exact decimal as a string (\"30.00\")."))
            .into()
    }
}

impl utoipa::ToSchema for DecimalString {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_decimal_digits_as_a_json_number() {
        let cases = [
            ("30.00", "30.00"),
            ("0.1", "0.1"),
            ("-12.345", "-12.345"),
            ("1500", "1500"),
            ("-7", "-7"),
            ("123456789012345678901234567", "123456789012345678901234567"),
            ("0", "0"),
            ("0.00", "0.00"),
            ("0.0005", "0.0005"),
            ("-0.5", "-0.5"),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            (
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
        ];
        for (input, expected) in cases {
            let number = DecimalNumber(input.parse().unwrap());
            assert_eq!(serde_json::to_string(&number).unwrap(), expected);
        }
        let parsed: serde_json::Value =
            serde_json::to_value(DecimalNumber(Decimal::new(3000, 2))).unwrap();
        assert_eq!(parsed, serde_json::json!(30.0));
    }

    #[test]
    fn writes_the_decimal_digits_as_a_json_string() {
        for (input, expected) in [("30.00", "\"30.00\""), ("-0.5", "\"-0.5\""), ("7", "\"7\"")] {
            let text = DecimalString(input.parse().unwrap());
            assert_eq!(serde_json::to_string(&text).unwrap(), expected);
        }
    }

    proptest::proptest! {
        #[test]
        fn writes_what_display_writes(mantissa in -1_000_000i64..1_000_000, extra in 0i64..1 << 40, scale in 0u32..=28) {
            let value = Decimal::from_i128_with_scale(i128::from(mantissa) * i128::from(extra + 1), scale);
            proptest::prop_assume!(!value.is_zero() || !value.is_sign_negative());
            let text = decimal_text(value).unwrap();
            proptest::prop_assert_eq!(text.as_str(), value.to_string());
        }
    }
}
