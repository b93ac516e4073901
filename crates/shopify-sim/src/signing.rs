//! Shopify's signatures, implemented independently of `crates/shopify` so that each checks the other.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, message: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The message Shopify signs for OAuth callbacks and admin loads: every query parameter except
/// `hmac` (and the legacy `signature`), sorted by name, as `name=value` joined by `&`.
pub fn query_message(params: &[(String, String)]) -> String {
    let mut pairs: Vec<&(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "hmac" && k != "signature")
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Hex HMAC-SHA256 of [`query_message`], the `hmac` query parameter.
pub fn query_hmac(secret: &str, params: &[(String, String)]) -> String {
    hex::encode(mac(secret, query_message(params).as_bytes()))
}

/// Base64 HMAC-SHA256 of a webhook's raw body, the `X-Shopify-Hmac-Sha256` header.
pub fn webhook_hmac(secret: &str, body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(mac(secret, body))
}

/// A random lowercase hex string of `bytes` random bytes.
pub fn random_hex(bytes: usize) -> String {
    use rand::RngCore as _;
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_message_sorts_and_drops_hmac() {
        let params = vec![
            ("shop".to_owned(), "a.myshopify.com".to_owned()),
            ("hmac".to_owned(), "x".to_owned()),
            ("code".to_owned(), "c".to_owned()),
            ("timestamp".to_owned(), "1".to_owned()),
        ];
        assert_eq!(
            query_message(&params),
            "code=c&shop=a.myshopify.com&timestamp=1"
        );
    }

    #[test]
    fn hmac_matches_the_rfc_4231_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            hex::encode(mac("Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
