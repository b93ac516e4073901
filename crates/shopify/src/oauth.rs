//! Authorization-code grant: the install redirect and verification of Shopify's callback.
//!
//! Callback HMAC (shopify.dev, "Implement authorization code grant manually"): drop `hmac` (and
//! the legacy `signature`), sort the remaining decoded parameters by key, write each as
//! `key=value` with `%`→`%25` and `&`→`%26` escaped in keys and values and `=`→`%3D` in keys,
//! join with `&`, and compare the lowercase hex HMAC-SHA256 (key: app secret) in constant time.
//! For the values Shopify sends (`code`, `host`, `shop`, `state`, `timestamp`) the escaping is a
//! no-op unless our own `state` contained such characters; `new_state_nonce` never does.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use rand::RngCore;
use url::Url;

use crate::credentials::ApiSecret;
use crate::crypto::{constant_time_eq, hmac_sha256};
use crate::domain::{ShopDomain, ShopDomainError};
use crate::shop_url::ShopUrlTemplate;

/// Longest callback query string accepted (Shopify's is a few hundred bytes).
pub const MAX_CALLBACK_QUERY_LEN: usize = 4096;
/// The `max_age` Shopify's own library allows a callback's `timestamp` in either direction
/// (shopify-app-js `HMAC_TIMESTAMP_PERMITTED_CLOCK_TOLERANCE_SEC`, 90 seconds).
pub const CALLBACK_MAX_AGE: Duration = Duration::from_secs(90);
/// Most parameters accepted in a callback.
const MAX_CALLBACK_PARAMS: usize = 32;
/// Bytes of entropy in a state nonce.
const NONCE_BYTES: usize = 32;

/// The URL to send the merchant to so Shopify asks them to install the app.
///
/// No `grant_options[]` is sent: that requests an offline token, the only kind Gridprice uses.
pub fn install_url(
    template: &ShopUrlTemplate,
    shop: &ShopDomain,
    api_key: &str,
    scopes: &[&str],
    redirect_uri: &Url,
    state: &str,
) -> Url {
    let mut url = template.url(shop, "/admin/oauth/authorize");
    url.query_pairs_mut()
        .append_pair("client_id", api_key)
        .append_pair("scope", &scopes.join(","))
        .append_pair("redirect_uri", redirect_uri.as_str())
        .append_pair("state", state);
    url
}

/// A fresh random `state` value: 256 bits, base64url without padding (URL-safe, no escaping).
pub fn new_state_nonce() -> String {
    let mut bytes = [0u8; NONCE_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Constant-time comparison of the stored nonce with the callback's `state`.
pub fn states_match(expected: &str, received: &str) -> bool {
    constant_time_eq(expected.as_bytes(), received.as_bytes())
}

/// A callback whose signature, freshness and fields were checked. The caller must still
/// compare `state` with the nonce it issued (`states_match`) before exchanging `code`.
#[derive(Clone)]
pub struct VerifiedCallback {
    pub shop: ShopDomain,
    pub code: String,
    pub state: String,
    pub host: String,
    pub timestamp: DateTime<Utc>,
}

impl fmt::Debug for VerifiedCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedCallback")
            .field("shop", &self.shop)
            .field("code", &"<redacted>")
            .field("state", &self.state)
            .field("host", &self.host)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error("callback query is too large")]
    TooLarge,
    #[error("callback parameter {0:?} appears more than once")]
    DuplicateParameter(String),
    #[error("callback parameter {0:?} is missing or empty")]
    MissingParameter(&'static str),
    #[error("callback hmac is not 64 hex characters")]
    MalformedHmac,
    #[error("callback hmac does not match")]
    InvalidHmac,
    #[error("callback timestamp is not a Unix time")]
    MalformedTimestamp,
    #[error("callback timestamp is outside the accepted window")]
    StaleTimestamp,
    #[error("callback shop is not a valid shop domain: {0}")]
    InvalidShop(#[from] ShopDomainError),
}

/// Verifies the raw query string of an OAuth callback.
///
/// Takes the raw query rather than a map so duplicate parameters cannot be hidden by an
/// extractor that keeps only the first or last value. `max_age` bounds |now − timestamp| in both
/// directions ([`CALLBACK_MAX_AGE`] is what Shopify's own library allows).
pub fn verify_callback(
    raw_query: &str,
    secret: &ApiSecret,
    now: DateTime<Utc>,
    max_age: Duration,
) -> Result<VerifiedCallback, OAuthError> {
    let mut params = parse_unique_params(raw_query)?;
    let hmac = params
        .remove("hmac")
        .ok_or(OAuthError::MissingParameter("hmac"))?;
    params.remove("signature");
    let received = decode_hex_hmac(&hmac)?;
    let expected = hmac_sha256(secret, canonical_message(&params).as_bytes());
    if !constant_time_eq(&expected, &received) {
        return Err(OAuthError::InvalidHmac);
    }
    let mut take = |name: &'static str| match params.remove(name) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(OAuthError::MissingParameter(name)),
    };
    let callback = VerifiedCallback {
        shop: ShopDomain::parse(&take("shop")?)?,
        code: take("code")?,
        state: take("state")?,
        host: take("host")?,
        timestamp: parse_timestamp(&take("timestamp")?)?,
    };
    check_freshness(callback.timestamp, now, max_age)?;
    Ok(callback)
}

fn parse_unique_params(raw_query: &str) -> Result<BTreeMap<String, String>, OAuthError> {
    if raw_query.len() > MAX_CALLBACK_QUERY_LEN {
        return Err(OAuthError::TooLarge);
    }
    let mut params = BTreeMap::new();
    for (key, value) in url::form_urlencoded::parse(raw_query.as_bytes()) {
        if params.len() == MAX_CALLBACK_PARAMS {
            return Err(OAuthError::TooLarge);
        }
        let key = key.into_owned();
        if params.contains_key(&key) {
            return Err(OAuthError::DuplicateParameter(key));
        }
        params.insert(key, value.into_owned());
    }
    Ok(params)
}

/// The string Shopify signs; `params` is already sorted by key (BTreeMap, byte order).
fn canonical_message(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k, true), escape(v, false)))
        .collect::<Vec<_>>()
        .join("&")
}

fn escape(s: &str, is_key: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '&' => out.push_str("%26"),
            '=' if is_key => out.push_str("%3D"),
            _ => out.push(c),
        }
    }
    out
}

fn decode_hex_hmac(hmac: &str) -> Result<Vec<u8>, OAuthError> {
    if hmac.len() != 64 {
        return Err(OAuthError::MalformedHmac);
    }
    hex::decode(hmac).map_err(|_| OAuthError::MalformedHmac)
}

fn parse_timestamp(raw: &str) -> Result<DateTime<Utc>, OAuthError> {
    if raw.len() > 12 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OAuthError::MalformedTimestamp);
    }
    let secs: i64 = raw.parse().map_err(|_| OAuthError::MalformedTimestamp)?;
    DateTime::from_timestamp(secs, 0).ok_or(OAuthError::MalformedTimestamp)
}

fn check_freshness(
    timestamp: DateTime<Utc>,
    now: DateTime<Utc>,
    max_age: Duration,
) -> Result<(), OAuthError> {
    let skew = (now - timestamp).abs().to_std().unwrap_or(Duration::MAX);
    if skew > max_age {
        return Err(OAuthError::StaleTimestamp);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX_AGE: Duration = CALLBACK_MAX_AGE;

    fn secret() -> ApiSecret {
        ApiSecret::new("hush")
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    /// Signs `pairs` the way Shopify does, for building valid callbacks in tests.
    fn sign(pairs: &[(&str, &str)], secret: &ApiSecret) -> String {
        let map = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        hex::encode(hmac_sha256(secret, canonical_message(&map).as_bytes()))
    }

    fn query(pairs: &[(&str, &str)]) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    const NOW: i64 = 1_700_000_000;

    fn valid_pairs() -> Vec<(&'static str, &'static str)> {
        vec![
            ("code", "0907a61c0c8d55e99db179b68161bc00"),
            ("host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGVtby1zaG9w"),
            ("shop", "demo-shop.myshopify.com"),
            ("state", "nonce-123"),
            ("timestamp", "1700000000"),
        ]
    }

    fn valid_query() -> String {
        let mut pairs: Vec<(&str, &str)> = valid_pairs();
        let hmac = sign(&pairs, &secret());
        pairs.push(("hmac", &hmac));
        query(&pairs)
    }

    #[test]
    fn shopify_documented_example_message_and_digest() {
        // The example from shopify.dev's authorization-code-grant guide (secret "hush").
        let params: BTreeMap<String, String> = [
            ("code", "0907a61c0c8d55e99db179b68161bc00"),
            ("shop", "some-shop.myshopify.com"),
            ("state", "0.6784241404160823"),
            ("timestamp", "1337178173"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let message = canonical_message(&params);
        assert_eq!(
            message,
            "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com\
             &state=0.6784241404160823&timestamp=1337178173"
        );
        assert_eq!(
            hex::encode(hmac_sha256(&secret(), message.as_bytes())),
            "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"
        );
    }

    #[test]
    fn accepts_a_valid_callback_in_any_parameter_order() {
        let cb = verify_callback(&valid_query(), &secret(), at(NOW + 30), MAX_AGE).unwrap();
        assert_eq!(cb.shop.as_str(), "demo-shop.myshopify.com");
        assert_eq!(cb.code, "0907a61c0c8d55e99db179b68161bc00");
        assert_eq!(cb.state, "nonce-123");
        assert_eq!(cb.timestamp, at(NOW));
        let query = valid_query();
        let reordered: Vec<&str> = query.split('&').rev().collect();
        assert!(verify_callback(&reordered.join("&"), &secret(), at(NOW), MAX_AGE).is_ok());
    }

    #[test]
    fn escaping_rules_apply_to_signed_values() {
        let mut pairs: Vec<(&str, &str)> = valid_pairs();
        pairs[3] = ("state", "a&b%c=d");
        let hmac = sign(&pairs, &secret());
        pairs.push(("hmac", &hmac));
        let cb = verify_callback(&query(&pairs), &secret(), at(NOW), MAX_AGE).unwrap();
        assert_eq!(cb.state, "a&b%c=d");
        let mut map = BTreeMap::new();
        map.insert("a=b".to_string(), "c&d%".to_string());
        assert_eq!(canonical_message(&map), "a%3Db=c%26d%25");
    }

    #[test]
    fn legacy_signature_parameter_is_not_signed() {
        let q = format!("{}&signature=whatever", valid_query());
        assert!(verify_callback(&q, &secret(), at(NOW), MAX_AGE).is_ok());
    }

    #[test]
    fn rejects_tampered_values_and_hmacs() {
        let tampered = valid_query().replace("nonce-123", "nonce-124");
        assert_eq!(
            verify_callback(&tampered, &secret(), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::InvalidHmac
        );
        let q = valid_query();
        let (head, hmac) = q.rsplit_once("hmac=").unwrap();
        let flipped = format!(
            "{head}hmac={}{}",
            &hmac[..63],
            if hmac.ends_with('0') { '1' } else { '0' }
        );
        assert_eq!(
            verify_callback(&flipped, &secret(), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::InvalidHmac
        );
        assert_eq!(
            verify_callback(&q, &ApiSecret::new("other"), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::InvalidHmac
        );
        let extra = format!("{q}&injected=1");
        assert_eq!(
            verify_callback(&extra, &secret(), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::InvalidHmac
        );
    }

    #[test]
    fn rejects_malformed_or_missing_hmac() {
        let q = valid_query();
        let (head, _) = q.rsplit_once("&hmac=").unwrap();
        assert_eq!(
            verify_callback(head, &secret(), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::MissingParameter("hmac")
        );
        let short = format!("{head}&hmac=abcd");
        assert_eq!(
            verify_callback(&short, &secret(), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::MalformedHmac
        );
        let not_hex = format!("{head}&hmac={}", "z".repeat(64));
        assert_eq!(
            verify_callback(&not_hex, &secret(), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::MalformedHmac
        );
    }

    #[test]
    fn rejects_duplicate_parameters() {
        let dup_shop = format!("shop=evil.myshopify.com&{}", valid_query());
        assert_eq!(
            verify_callback(&dup_shop, &secret(), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::DuplicateParameter("shop".into())
        );
        let q = valid_query();
        let dup_hmac = format!("{q}&hmac={}", "0".repeat(64));
        assert_eq!(
            verify_callback(&dup_hmac, &secret(), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::DuplicateParameter("hmac".into())
        );
    }

    #[test]
    fn rejects_stale_and_future_timestamps() {
        let q = valid_query();
        assert!(verify_callback(&q, &secret(), at(NOW + 90), MAX_AGE).is_ok());
        assert_eq!(
            verify_callback(&q, &secret(), at(NOW + 91), MAX_AGE).unwrap_err(),
            OAuthError::StaleTimestamp
        );
        assert_eq!(
            verify_callback(&q, &secret(), at(NOW - 91), MAX_AGE).unwrap_err(),
            OAuthError::StaleTimestamp
        );
    }

    #[test]
    fn rejects_bad_timestamp_format() {
        let mut pairs: Vec<(&str, &str)> = valid_pairs();
        pairs[4] = ("timestamp", "17e8");
        let hmac = sign(&pairs, &secret());
        pairs.push(("hmac", &hmac));
        assert_eq!(
            verify_callback(&query(&pairs), &secret(), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::MalformedTimestamp
        );
    }

    #[test]
    fn rejects_signed_but_invalid_shop() {
        let mut pairs: Vec<(&str, &str)> = valid_pairs();
        pairs[2] = ("shop", "evil.myshopify.com.attacker.com");
        let hmac = sign(&pairs, &secret());
        pairs.push(("hmac", &hmac));
        assert_eq!(
            verify_callback(&query(&pairs), &secret(), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::InvalidShop(ShopDomainError::WrongSuffix)
        );
    }

    #[test]
    fn every_field_is_required() {
        for missing in ["shop", "code", "state", "host", "timestamp"] {
            let mut pairs: Vec<(&str, &str)> = valid_pairs()
                .into_iter()
                .filter(|(k, _)| *k != missing)
                .collect();
            let hmac = sign(&pairs, &secret());
            pairs.push(("hmac", &hmac));
            assert_eq!(
                verify_callback(&query(&pairs), &secret(), at(NOW), MAX_AGE).unwrap_err(),
                OAuthError::MissingParameter(missing),
            );
        }
    }

    #[test]
    fn rejects_oversized_queries() {
        let long = format!(
            "{}&pad={}",
            valid_query(),
            "x".repeat(MAX_CALLBACK_QUERY_LEN)
        );
        assert_eq!(
            verify_callback(&long, &secret(), at(NOW), MAX_AGE).unwrap_err(),
            OAuthError::TooLarge
        );
        let many: String = (0..40).map(|i| format!("p{i}=1&")).collect();
        assert_eq!(
            verify_callback(
                &format!("{many}{}", valid_query()),
                &secret(),
                at(NOW),
                MAX_AGE
            )
            .unwrap_err(),
            OAuthError::TooLarge
        );
    }

    #[test]
    fn install_url_requests_an_offline_token() {
        let shop = ShopDomain::parse("demo-shop.myshopify.com").unwrap();
        let redirect = Url::parse("https://app.example.com/auth/callback").unwrap();
        let url = install_url(
            &ShopUrlTemplate::default(),
            &shop,
            "key123",
            &["write_draft_orders", "read_products"],
            &redirect,
            "st@te",
        );
        assert_eq!(
            url.as_str(),
            "https://demo-shop.myshopify.com/admin/oauth/authorize?client_id=key123\
             &scope=write_draft_orders%2Cread_products\
             &redirect_uri=https%3A%2F%2Fapp.example.com%2Fauth%2Fcallback&state=st%40te"
        );
        assert!(!url.as_str().contains("grant_options"));
    }

    #[test]
    fn nonces_are_random_and_url_safe() {
        let a = new_state_nonce();
        assert_eq!(a.len(), 43);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(a, new_state_nonce());
        assert!(states_match(&a, &a.clone()));
        assert!(!states_match(&a, &new_state_nonce()));
        assert!(!states_match(&a, ""));
    }
}
