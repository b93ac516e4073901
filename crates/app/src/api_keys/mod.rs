//! Storefront API keys. A key is shown once; only its SHA-256 hash is stored.

pub mod routes;
pub mod storage;

use rand::distributions::{Alphanumeric, DistString};
use sha2::{Digest, Sha256};

const PUBLISHABLE_PREFIX: &str = "gp_pk_";
const SECRET_PREFIX: &str = "gp_sk_";
/// 32 alphanumerics ≈ 190 bits: guessing is hopeless, so hashing without salt is safe.
const RANDOM_CHARS: usize = 32;
/// Characters of the key kept in clear to tell keys apart in listings.
const DISPLAY_PREFIX_CHARS: usize = 12;
/// Longest key the app ever issues; longer input is refused before hashing.
pub const MAX_KEY_LENGTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// For browsers: prices and draft orders at server-side prices, for its own store.
    Publishable,
    /// For servers; never accepted from browsers.
    Secret,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publishable => "publishable",
            Self::Secret => "secret",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Self::Publishable => PUBLISHABLE_PREFIX,
            Self::Secret => SECRET_PREFIX,
        }
    }
}

impl std::str::FromStr for KeyKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "publishable" => Ok(Self::Publishable),
            "secret" => Ok(Self::Secret),
            other => Err(format!("unknown key kind {other:?}")),
        }
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
        let full = format!("{}{random}", kind.prefix());
        Self {
            kind,
            display_prefix: full[..DISPLAY_PREFIX_CHARS].to_owned(),
            hash: hash_key(&full),
            full,
        }
    }
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NewKey({}…)", self.display_prefix)
    }
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
}
