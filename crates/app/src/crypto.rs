//! Secrets at rest: AES-256-GCM with the operator's `GRIDPRICE_ENCRYPTION_KEY`.
//!
//! Each ciphertext is bound to its owner (e.g. the shop domain) as associated data, so a token
//! copied into another store's row does not decrypt.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

const VERSION_PREFIX: &str = "v1:";
const NONCE_BYTES: usize = 12;

/// 32 bytes, given as standard base64 (`openssl rand -base64 32`). Never printed.
#[derive(Clone)]
pub struct EncryptionKey([u8; 32]);

impl EncryptionKey {
    pub fn generate() -> Self {
        Self(Aes256Gcm::generate_key(OsRng).into())
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptionKey(<redacted>)")
    }
}

impl std::str::FromStr for EncryptionKey {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = STANDARD.decode(text.trim()).map_err(|_| {
            "must be 32 bytes in standard base64 (openssl rand -base64 32)".to_owned()
        })?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| format!("must be 32 bytes, got {}", b.len()))?;
        Ok(Self(key))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("a stored secret cannot be decrypted: wrong GRIDPRICE_ENCRYPTION_KEY, or tampered data")]
pub struct DecryptError;

#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl SecretBox {
    pub fn new(key: &EncryptionKey) -> Self {
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key.0)),
        }
    }

    /// `v1:` + base64(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, plaintext: &str, owner: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: owner.as_bytes(),
        };
        let sealed = self
            .cipher
            .encrypt(&nonce, payload)
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{VERSION_PREFIX}{}", STANDARD.encode(bytes))
    }

    pub fn open(&self, sealed: &str, owner: &str) -> Result<String, DecryptError> {
        let encoded = sealed.strip_prefix(VERSION_PREFIX).ok_or(DecryptError)?;
        let bytes = STANDARD.decode(encoded).map_err(|_| DecryptError)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(DecryptError);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let payload = Payload {
            msg: ciphertext,
            aad: owner.as_bytes(),
        };
        let plaintext = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| DecryptError)?;
        String::from_utf8(plaintext).map_err(|_| DecryptError)
    }
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_only_for_the_same_owner_and_key() {
        let key = EncryptionKey::generate();
        let secrets = SecretBox::new(&key);
        let sealed = secrets.seal("shpat_123", "a.myshopify.com");
        assert!(sealed.starts_with("v1:") && !sealed.contains("shpat_123"));
        assert_eq!(
            secrets.open(&sealed, "a.myshopify.com").unwrap(),
            "shpat_123"
        );
        assert!(
            secrets.open(&sealed, "b.myshopify.com").is_err(),
            "bound to its owner"
        );
        let other = SecretBox::new(&EncryptionKey::generate());
        assert!(
            other.open(&sealed, "a.myshopify.com").is_err(),
            "bound to its key"
        );
        let mut tampered = sealed.clone();
        tampered.replace_range(10..11, if &sealed[10..11] == "A" { "B" } else { "A" });
        assert!(secrets.open(&tampered, "a.myshopify.com").is_err());
        assert!(secrets.open("v1:AAAA", "a.myshopify.com").is_err());
        assert!(secrets.open("plain", "a.myshopify.com").is_err());
        assert_ne!(
            secrets.seal("x", "o"),
            secrets.seal("x", "o"),
            "fresh nonce each time"
        );
    }

    #[test]
    fn keys_parse_from_base64_and_never_print() {
        let key = EncryptionKey::generate();
        let parsed: EncryptionKey = key.to_base64().parse().unwrap();
        assert_eq!(parsed.0, key.0);
        assert_eq!(format!("{parsed:?}"), "EncryptionKey(<redacted>)");
        assert!("c2hvcnQ="
            .parse::<EncryptionKey>()
            .unwrap_err()
            .contains("32 bytes"));
        assert!("not base64!".parse::<EncryptionKey>().is_err());
    }
}
