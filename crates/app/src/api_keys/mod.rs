//! Storefront API keys. A key is shown once; only its SHA-256 hash is stored.

pub mod routes;
pub mod service;

use chrono::{DateTime, Utc};
use gridprice_storage::api_keys::{ApiKey, KeyFingerprint, KeyKind};
use rand::distributions::{Alphanumeric, DistString};
use sha2::{Digest, Sha256};

use crate::error::FieldErrors;

const PUBLISHABLE_PREFIX: &str = "gp_pk_";
const SECRET_PREFIX: &str = "gp_sk_";
/// 32 alphanumerics ≈ 190 bits: guessing is hopeless, so hashing without salt is safe.
const RANDOM_CHARS: usize = 32;
/// Characters of the key kept in clear to tell keys apart in listings.
const DISPLAY_PREFIX_CHARS: usize = 12;
/// Longest key the app ever issues; longer input is refused before hashing.
pub const MAX_KEY_LENGTH: usize = 64;

/// The prefix a key of `kind` starts with.
fn prefix(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Publishable => PUBLISHABLE_PREFIX,
        KeyKind::Secret => SECRET_PREFIX,
    }
}

/// A freshly generated key: `full` is shown once and then only `hash` remains.
pub struct NewKey {
    pub kind: KeyKind,
    pub full: String,
    pub display_prefix: String,
    pub hash: String,
}

impl NewKey {
    pub fn generate(kind: KeyKind) -> Self {
        let random = Alphanumeric.sample_string(&mut rand::rngs::OsRng, RANDOM_CHARS);
        let full = format!("{}{random}", prefix(kind));
        Self {
            kind,
            display_prefix: full[..DISPLAY_PREFIX_CHARS].to_owned(),
            hash: hash_key(&full),
            full,
        }
    }
}

impl NewKey {
    /// What is kept of the key.
    pub fn fingerprint(&self) -> KeyFingerprint {
        KeyFingerprint {
            kind: self.kind,
            display_prefix: self.display_prefix.clone(),
            hash: self.hash.clone(),
        }
    }
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NewKey({}…)", self.display_prefix)
    }
}

/// Where a key stands: what listings show and which actions it still allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    Active,
    /// Rotated: works until this time, then stops.
    Expiring(DateTime<Utc>),
    Expired,
    Revoked,
}

impl KeyState {
    pub fn of(key: &ApiKey, now: DateTime<Utc>) -> Self {
        match (key.revoked_at, key.expires_at) {
            (Some(_), _) => Self::Revoked,
            (None, Some(expiry)) if expiry <= now => Self::Expired,
            (None, Some(expiry)) => Self::Expiring(expiry),
            (None, None) => Self::Active,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expiring(_) => "expiring",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }
}

/// Most origins one key (or the store's default) may list.
pub const MAX_ALLOWED_ORIGINS: usize = 20;
const MAX_ORIGIN_CHARS: usize = 255;

/// A browser origin, `scheme://host[:port]`, as the `Origin` header carries it: http or https,
/// no path, query, fragment or credentials. Returned normalised (lowercase host, default port
/// dropped) so it compares equal to the header.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let invalid = || format!("{text:?} is not an origin such as https://shop.example.com");
    if text.chars().count() > MAX_ORIGIN_CHARS {
        return Err(format!("is longer than {MAX_ORIGIN_CHARS} characters"));
    }
    let url = url::Url::parse(text).map_err(|_| invalid())?;
    let bare = url.username().is_empty()
        && url.password().is_none()
        && matches!(url.path(), "" | "/")
        && url.query().is_none()
        && url.fragment().is_none()
        && !text.ends_with('/');
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || !bare {
        return Err(invalid());
    }
    Ok(url.origin().ascii_serialization())
}

/// A list of origins, each checked and normalised; problems are noted under `field[i]`.
pub fn parse_origins(errors: &mut FieldErrors, field: &str, texts: &[String]) -> Vec<String> {
    if texts.len() > MAX_ALLOWED_ORIGINS {
        errors.add(
            field,
            format!("at most {MAX_ALLOWED_ORIGINS} origins, not {}", texts.len()),
        );
    }
    texts
        .iter()
        .enumerate()
        .filter_map(|(index, text)| errors.check(format!("{field}[{index}]"), parse_origin(text)))
        .collect()
}

/// The stored form of a key: lowercase hex SHA-256.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_distinct_prefixed_and_stored_as_hashes() {
        let one = NewKey::generate(KeyKind::Publishable);
        let two = NewKey::generate(KeyKind::Publishable);
        assert_ne!(one.full, two.full);
        assert!(one.full.starts_with("gp_pk_") && one.full.len() == 38);
        assert!(NewKey::generate(KeyKind::Secret).full.starts_with("gp_sk_"));
        assert_eq!(one.hash, hash_key(&one.full));
        assert_eq!(one.hash.len(), 64);
        assert!(one.full.starts_with(&one.display_prefix));
        assert!(!format!("{one:?}").contains(&one.full));
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(
            parse_origin("https://Shop.Example.com").unwrap(),
            "https://shop.example.com"
        );
        assert_eq!(
            parse_origin("http://localhost:3000").unwrap(),
            "http://localhost:3000"
        );
        assert_eq!(
            parse_origin("https://a.example:443").unwrap(),
            "https://a.example"
        );
        for bad in [
            "shop.example.com",
            "https://shop.example.com/",
            "https://shop.example.com/path",
            "https://shop.example.com?q=1",
            "https://user@shop.example.com",
            "ftp://shop.example.com",
            "*",
            "",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad} should be refused");
        }
    }
}
