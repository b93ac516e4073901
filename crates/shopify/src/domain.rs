//! `ShopDomain`: the permanent `*.myshopify.com` name of a shop.
//!
//! Decision: parsing is strict and never normalises. Shopify always sends the domain in
//! lowercase (callback `shop`, session-token `dest`, webhook `X-Shopify-Shop-Domain`), so any
//! other spelling is either a typo or an attempt to alias another tenant. Uppercase, surrounding
//! whitespace, a scheme, port, path, trailing dot or any other host are rejected; a caller that
//! accepts human input (an install form) lowercases it explicitly before parsing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const SUFFIX: &str = ".myshopify.com";
/// Longest possible DNS name.
const MAX_LEN: usize = 255;
/// Longest DNS label (the shop handle is one label).
const MAX_LABEL_LEN: usize = 63;

/// A validated shop domain matching `^[a-z0-9][a-z0-9-]*\.myshopify\.com$`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShopDomain(String);

/// Why a string is not a shop domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShopDomainError {
    #[error("shop domain is empty")]
    Empty,
    #[error("shop domain is longer than {MAX_LEN} characters")]
    TooLong,
    #[error("shop domain must end with {SUFFIX}")]
    WrongSuffix,
    #[error("shop handle must be 1 to {MAX_LABEL_LEN} characters")]
    BadHandleLength,
    #[error("shop handle must start with a lowercase letter or digit")]
    BadFirstCharacter,
    #[error("shop handle may contain only lowercase letters, digits and '-'")]
    BadCharacter,
}

impl ShopDomain {
    /// Parses and validates; see the module documentation for what is rejected.
    pub fn parse(input: &str) -> Result<Self, ShopDomainError> {
        if input.is_empty() {
            return Err(ShopDomainError::Empty);
        }
        if input.len() > MAX_LEN {
            return Err(ShopDomainError::TooLong);
        }
        let handle = input
            .strip_suffix(SUFFIX)
            .ok_or(ShopDomainError::WrongSuffix)?;
        validate_handle(handle)?;
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `.myshopify.com`.
    pub fn handle(&self) -> &str {
        &self.0[..self.0.len() - SUFFIX.len()]
    }
}

fn validate_handle(handle: &str) -> Result<(), ShopDomainError> {
    if handle.is_empty() || handle.len() > MAX_LABEL_LEN {
        return Err(ShopDomainError::BadHandleLength);
    }
    let bytes = handle.as_bytes();
    if !(bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit()) {
        return Err(ShopDomainError::BadFirstCharacter);
    }
    // A '.' would add a label (`evil.com.myshopify.com`); a shop is exactly one label.
    let allowed = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-';
    if !bytes.iter().all(allowed) {
        return Err(ShopDomainError::BadCharacter);
    }
    Ok(())
}

impl FromStr for ShopDomain {
    type Err = ShopDomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for ShopDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ShopDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ShopDomain({})", self.0)
    }
}

impl AsRef<str> for ShopDomain {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for ShopDomain {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ShopDomain {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_shop_domains() {
        for ok in [
            "demo-shop.myshopify.com",
            "a.myshopify.com",
            "0shop.myshopify.com",
            "shop-.myshopify.com",
        ] {
            let shop = ShopDomain::parse(ok).unwrap();
            assert_eq!(shop.as_str(), ok);
            assert_eq!(shop.to_string(), ok);
        }
        assert_eq!(
            ShopDomain::parse("demo-shop.myshopify.com")
                .unwrap()
                .handle(),
            "demo-shop"
        );
    }

    #[test]
    fn rejects_look_alikes_and_urls() {
        let cases = [
            ("", ShopDomainError::Empty),
            ("myshopify.com", ShopDomainError::WrongSuffix),
            (".myshopify.com", ShopDomainError::BadHandleLength),
            ("-x.myshopify.com", ShopDomainError::BadFirstCharacter),
            (
                "evil.myshopify.com.attacker.com",
                ShopDomainError::WrongSuffix,
            ),
            ("evil.com.myshopify.com", ShopDomainError::BadCharacter),
            ("https://a.myshopify.com", ShopDomainError::BadCharacter),
            ("a.myshopify.com:443", ShopDomainError::WrongSuffix),
            ("a.myshopify.com/admin", ShopDomainError::WrongSuffix),
            ("a.myshopify.com.", ShopDomainError::WrongSuffix),
            (" a.myshopify.com", ShopDomainError::BadFirstCharacter),
            ("a.myshopify.com ", ShopDomainError::WrongSuffix),
            ("Demo.myshopify.com", ShopDomainError::BadFirstCharacter),
            ("dEmo.myshopify.com", ShopDomainError::BadCharacter),
            ("demo.MYSHOPIFY.com", ShopDomainError::WrongSuffix),
            ("de_mo.myshopify.com", ShopDomainError::BadCharacter),
            ("user@a.myshopify.com", ShopDomainError::BadCharacter),
            ("dẹmo.myshopify.com", ShopDomainError::BadCharacter),
            ("a.myshopify.co", ShopDomainError::WrongSuffix),
        ];
        for (input, expected) in cases {
            assert_eq!(ShopDomain::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn rejects_overlong_input() {
        let handle_64 = "a".repeat(64);
        assert_eq!(
            ShopDomain::parse(&format!("{handle_64}.myshopify.com")),
            Err(ShopDomainError::BadHandleLength)
        );
        let handle_63 = "a".repeat(63);
        assert!(ShopDomain::parse(&format!("{handle_63}.myshopify.com")).is_ok());
        assert_eq!(
            ShopDomain::parse(&"a".repeat(300)),
            Err(ShopDomainError::TooLong)
        );
    }

    #[test]
    fn serde_validates_on_deserialize() {
        let shop: ShopDomain = serde_json::from_str("\"demo.myshopify.com\"").unwrap();
        assert_eq!(
            serde_json::to_string(&shop).unwrap(),
            "\"demo.myshopify.com\""
        );
        assert!(serde_json::from_str::<ShopDomain>("\"evil.example.com\"").is_err());
    }
}
