//! Shopify's custom scalars used by the subset: `Decimal`, `Money`, `URL`, `DateTime`.
//! All are strings on the wire.

use async_graphql::{InputType, InputValueError, InputValueResult, Scalar, ScalarType, Value};

fn parse_text<T>(value: Value, wrap: impl FnOnce(String) -> T) -> InputValueResult<T>
where
    T: InputType,
{
    match value {
        Value::String(s) => Ok(wrap(s)),
        other => Err(InputValueError::expected_type(other)),
    }
}

/// Arbitrary-precision signed decimal, serialised as a string (`"10.0"`). Inputs may also be
/// JSON numbers, which Shopify accepts too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal(pub String);

#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::Number(n) => Ok(Self(n.to_string())),
            other => parse_text(other, Self),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// A monetary value in the shop's currency with its full precision (`"10.00"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Money(pub String);

#[Scalar(name = "Money")]
impl ScalarType for Money {
    fn parse(value: Value) -> InputValueResult<Self> {
        parse_text(value, Self)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// An RFC 3986 URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url(pub String);

#[Scalar(name = "URL")]
impl ScalarType for Url {
    fn parse(value: Value) -> InputValueResult<Self> {
        parse_text(value, Self)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// An ISO 8601 date-time in UTC (`"2026-10-01T12:00:00Z"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateTime(pub String);

impl From<chrono::DateTime<chrono::Utc>> for DateTime {
    fn from(at: chrono::DateTime<chrono::Utc>) -> Self {
        Self(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }
}

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        parse_text(value, Self)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}
