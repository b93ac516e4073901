//! Wire formats shared by the HTTP APIs and the CLI.

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// An exact decimal written as a JSON number ("30.00", not 30.000000000000004). The v1 API
/// answers prices as numbers for compatibility; they are written from the decimal's digits,
/// never through a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecimalNumber(pub Decimal);

impl Serialize for DecimalNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let digits = serde_json::value::RawValue::from_string(self.0.to_string())
            .map_err(serde::ser::Error::custom)?;
        digits.serialize(serializer)
    }
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
        ];
        for (input, expected) in cases {
            let number = DecimalNumber(input.parse().unwrap());
            assert_eq!(serde_json::to_string(&number).unwrap(), expected);
        }
        let parsed: serde_json::Value =
            serde_json::to_value(DecimalNumber(Decimal::new(3000, 2))).unwrap();
        assert_eq!(parsed, serde_json::json!(30.0));
    }
}
