//! App credentials, access tokens and the pinned Admin API version.
//!
//! Secrets have no `Display`, a redacting `Debug`, and are only readable through an explicit
//! `expose_secret()`, so they cannot end up in logs or error messages by accident.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The app's client credentials from the Partner Dashboard / Dev Dashboard.
#[derive(Clone)]
pub struct AppCredentials {
    pub api_key: String,
    pub api_secret: ApiSecret,
}

impl AppCredentials {
    pub fn new(api_key: impl Into<String>, api_secret: impl Into<String>) -> Self {
        Self {
            api_key: api_key.into(),
            api_secret: ApiSecret::new(api_secret),
        }
    }
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret)
            .finish()
    }
}

/// The app's client secret: the key for every HMAC and session-token signature.
#[derive(Clone)]
pub struct ApiSecret(String);

impl ApiSecret {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiSecret(<redacted>)")
    }
}

/// An Admin API access token for one shop (sent as `X-Shopify-Access-Token`).
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

/// What renews an expiring offline access token (`grant_type=refresh_token`). Shopify replaces it
/// on every use; it must be stored as carefully as the access token.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken(String);

impl RefreshToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(<redacted>)")
    }
}

/// An Admin API version, `YYYY-MM`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiVersion {
    year: u16,
    month: u8,
}

/// Why a string is not an API version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("API version must look like YYYY-MM (for example {DEFAULT_API_VERSION})")]
pub struct ApiVersionError;

/// The version this crate's GraphQL documents are written against. The single place it is set.
const DEFAULT_API_VERSION: &str = "2026-10";

impl ApiVersion {
    pub fn parse(input: &str) -> Result<Self, ApiVersionError> {
        let (year, month) = input.split_once('-').ok_or(ApiVersionError)?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(ApiVersionError);
        }
        let year: u16 = year.parse().map_err(|_| ApiVersionError)?;
        let month: u8 = month.parse().map_err(|_| ApiVersionError)?;
        if !(1..=12).contains(&month) || year < 2000 {
            return Err(ApiVersionError);
        }
        Ok(Self { year, month })
    }
}

impl Default for ApiVersion {
    fn default() -> Self {
        Self::parse(DEFAULT_API_VERSION).expect("the default API version is valid")
    }
}

impl FromStr for ApiVersion {
    type Err = ApiVersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Debug for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiVersion({self})")
    }
}

impl Serialize for ApiVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ApiVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_in_debug() {
        let creds = AppCredentials::new("key123", "very-secret");
        let printed = format!("{creds:?}");
        assert!(printed.contains("key123"));
        assert!(!printed.contains("very-secret"));
        let token = AccessToken::new("shpat_abc");
        assert!(!format!("{token:?}").contains("shpat_abc"));
        assert_eq!(token.expose_secret(), "shpat_abc");
    }

    #[test]
    fn api_version_parsing() {
        assert_eq!(ApiVersion::default().to_string(), "2026-10");
        assert_eq!(ApiVersion::parse("2025-01").unwrap().to_string(), "2025-01");
        for bad in [
            "",
            "2026",
            "2026-13",
            "2026-00",
            "26-10",
            "2026-1",
            "2026-10-01",
            "unstable",
        ] {
            assert_eq!(ApiVersion::parse(bad), Err(ApiVersionError), "{bad:?}");
        }
    }
}
