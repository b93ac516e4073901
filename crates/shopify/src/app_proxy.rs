//! Verification of app proxy requests (shopify.dev, "Authenticate app proxies"). A storefront
//! request to `https://{shop}/apps/{subpath}/{path}` reaches the app as `{proxy url}/{path}`
//! with the shopper's query plus `shop`, `logged_in_customer_id`, `path_prefix`, `timestamp` and
//! `signature`: the hex HMAC-SHA256, keyed with the app's secret, of every other parameter
//! written `name=value` (the values of a name given several times joined by commas), sorted,
//! and concatenated with no separator.
//!
//! Nothing of the query is trusted — not even which shop it names — before [`verify`] has
//! checked the signature and the timestamp.

use std::borrow::Cow;
use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::credentials::ApiSecret;
use crate::crypto::constant_time_eq;
use crate::domain::ShopDomain;

/// How far a request's `timestamp` may be from the app's clock, either way. Shopify's proxy
/// signs each request as it forwards it, so a signed URL older than this is a replay.
pub const MAX_SKEW_SECONDS: i64 = 90;

/// The query parameters Shopify adds to every proxied request.
pub const SIGNATURE: &str = "signature";
pub const SHOP: &str = "shop";
pub const TIMESTAMP: &str = "timestamp";
pub const LOGGED_IN_CUSTOMER_ID: &str = "logged_in_customer_id";
pub const PATH_PREFIX: &str = "path_prefix";

/// What a verified proxy request says about where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRequest {
    /// The shop whose storefront the shopper is on.
    pub shop: ShopDomain,
    /// The logged-in customer's id; `None` when nobody is logged in.
    pub logged_in_customer_id: Option<String>,
    /// `/apps/{subpath}` as the shopper's browser requested it.
    pub path_prefix: Option<String>,
    /// When Shopify signed it, in seconds since the epoch.
    pub timestamp: i64,
}

/// Why a proxy request was refused. Every case means the request did not come from Shopify's
/// proxy (or came too late); the messages say which check failed, never what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyError {
    #[error(
        "the request has no `signature` parameter: it did not come through the shop's app proxy"
    )]
    MissingSignature,
    #[error("the `signature` parameter is given more than once")]
    DuplicateSignature,
    #[error("the `signature` does not match the request's parameters")]
    BadSignature,
    #[error("the signed request has no valid `timestamp`")]
    BadTimestamp,
    #[error("the signed request is {seconds} s away from the app's clock (at most {MAX_SKEW_SECONDS} s): a replay or a wrong clock")]
    Expired { seconds: i64 },
    #[error("the signed request does not name exactly one valid `shop`")]
    BadShop,
}

/// The message Shopify signs: each `name=value` (several values of a name joined by `,`, in
/// the order given), sorted as whole strings, concatenated. `signature` itself is left out.
pub fn signature_message<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut grouped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in params {
        if name != SIGNATURE {
            grouped.entry(name).or_default().push(value);
        }
    }
    let mut parts: Vec<String> = grouped
        .into_iter()
        .map(|(name, values)| format!("{name}={}", values.join(",")))
        .collect();
    // As Shopify's libraries do: "a1=…" sorts before "a=…".
    parts.sort_unstable();
    parts.concat()
}

/// The hex signature of `params` with `secret`: what Shopify's proxy appends as `signature`.
pub fn sign<'a>(
    secret: &ApiSecret,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    hex::encode(crate::crypto::hmac_sha256(
        secret,
        signature_message(params).as_bytes(),
    ))
}

/// Checks a proxied request's raw query string (as received, percent-encoded) against `secret`
/// at `now` (seconds since the epoch): the signature first (constant time), then the
/// timestamp, then the shop. Nothing is read from an unverified query.
///
/// On the storefront's hot path: the parameters are parsed once (borrowed unless
/// percent-encoded), grouped and ordered in place, and fed to the HMAC without building the
/// message.
pub fn verify(secret: &ApiSecret, query: &str, now: i64) -> Result<ProxyRequest, ProxyError> {
    ProxyVerifier::new(secret).verify(query, now)
}

/// [`verify`] with the secret's HMAC key schedule computed once, for a server that checks
/// many requests.
#[derive(Clone)]
pub struct ProxyVerifier {
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for ProxyVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProxyVerifier(<secret>)")
    }
}

impl ProxyVerifier {
    pub fn new(secret: &ApiSecret) -> Self {
        Self {
            keyed: Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes())
                .expect("HMAC accepts keys of any length"),
        }
    }

    /// See [`verify`].
    pub fn verify(&self, query: &str, now: i64) -> Result<ProxyRequest, ProxyError> {
        verify_with(self.keyed.clone(), query, now)
    }
}

fn verify_with(mut mac: Hmac<Sha256>, query: &str, now: i64) -> Result<ProxyRequest, ProxyError> {
    let mut params: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::with_capacity(12);
    params.extend(url::form_urlencoded::parse(query.as_bytes()));
    // Stable: the values of a repeated name keep their order.
    params.sort_by(|a, b| a.0.cmp(&b.0));
    let signatures = params.iter().filter(|(name, _)| name == SIGNATURE).count();
    let presented = match signatures {
        0 => return Err(ProxyError::MissingSignature),
        1 => params
            .iter()
            .find(|(name, _)| name == SIGNATURE)
            .map(|(_, value)| value.as_ref())
            .unwrap_or_default(),
        _ => return Err(ProxyError::DuplicateSignature),
    };
    let mut presented_digest = [0u8; 32];
    if hex::decode_to_slice(presented, &mut presented_digest).is_err() {
        return Err(ProxyError::BadSignature);
    }
    // Runs of one name, in the order of their `name=v1,v2` strings.
    let mut groups: Vec<&[(Cow<'_, str>, Cow<'_, str>)]> = Vec::with_capacity(params.len());
    groups.extend(
        params
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|group| group[0].0 != SIGNATURE),
    );
    groups.sort_by(|a, b| group_bytes(a).cmp(group_bytes(b)));
    for group in &groups {
        mac.update(group[0].0.as_bytes());
        mac.update(b"=");
        for (index, (_, value)) in group.iter().enumerate() {
            if index > 0 {
                mac.update(b",");
            }
            mac.update(value.as_bytes());
        }
    }
    let digest: [u8; 32] = mac.finalize().into_bytes().into();
    if !constant_time_eq(&presented_digest, &digest) {
        return Err(ProxyError::BadSignature);
    }
    let only = |name: &str| match groups.iter().find(|group| group[0].0 == name) {
        Some([(_, value)]) => Some(value.as_ref()),
        _ => None,
    };
    let timestamp: i64 = only(TIMESTAMP)
        .filter(|t| !t.is_empty() && t.len() <= 12 && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse().ok())
        .ok_or(ProxyError::BadTimestamp)?;
    let skew = now.saturating_sub(timestamp).saturating_abs();
    if skew > MAX_SKEW_SECONDS {
        return Err(ProxyError::Expired { seconds: skew });
    }
    let shop = only(SHOP)
        .and_then(|shop| ShopDomain::parse(shop).ok())
        .ok_or(ProxyError::BadShop)?;
    Ok(ProxyRequest {
        shop,
        logged_in_customer_id: only(LOGGED_IN_CUSTOMER_ID)
            .filter(|id| !id.is_empty())
            .map(str::to_owned),
        path_prefix: only(PATH_PREFIX).map(str::to_owned),
        timestamp,
    })
}

/// The bytes of one name's `name=v1,v2` string, for ordering without building it.
fn group_bytes<'a>(group: &'a [(Cow<'_, str>, Cow<'_, str>)]) -> impl Iterator<Item = u8> + 'a {
    let name = group[0].0.as_bytes().iter().copied();
    let values = group.iter().enumerate().flat_map(|(index, (_, value))| {
        let comma = (index > 0).then_some(b',');
        comma.into_iter().chain(value.as_bytes().iter().copied())
    });
    name.chain(std::iter::once(b'=')).chain(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> ApiSecret {
        ApiSecret::new(text)
    }

    /// Shopify's documented example: secret `hush`, `extra=1&extra=2`, and the signature it
    /// shows for them.
    #[test]
    fn shopifys_documented_example() {
        let params = [
            ("extra", "1"),
            ("extra", "2"),
            ("shop", "shop-name.myshopify.com"),
            ("logged_in_customer_id", "1"),
            ("path_prefix", "/apps/awesome_reviews"),
            ("timestamp", "1317327555"),
        ];
        assert_eq!(
            signature_message(params),
            "extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviewsshop=shop-name.myshopify.comtimestamp=1317327555"
        );
        assert_eq!(
            sign(&secret("hush"), params),
            "4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb"
        );
        let query = "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1\
                     &path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555\
                     &signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb";
        let verified = verify(&secret("hush"), query, 1317327555 + 30).expect("valid");
        assert_eq!(verified.shop.as_str(), "shop-name.myshopify.com");
        assert_eq!(verified.logged_in_customer_id.as_deref(), Some("1"));
        assert_eq!(
            verified.path_prefix.as_deref(),
            Some("/apps/awesome_reviews")
        );
    }

    fn signed(secret_text: &str, params: &[(&str, &str)]) -> String {
        let signature = sign(&secret(secret_text), params.iter().copied());
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .append_pair(SIGNATURE, &signature)
            .finish()
    }

    #[test]
    fn refusals() {
        let now = 1_800_000_000_i64;
        let ts = now.to_string();
        let base = [
            ("width", "600"),
            ("shop", "a-shop.myshopify.com"),
            ("logged_in_customer_id", ""),
            ("path_prefix", "/apps/gridprice"),
            ("timestamp", ts.as_str()),
        ];
        let good = signed("s", &base);
        assert!(verify(&secret("s"), &good, now).is_ok());
        assert_eq!(
            verify(&secret("s"), &good, now)
                .unwrap()
                .logged_in_customer_id,
            None
        );
        // Another secret, a changed value, an added parameter, no signature, two signatures.
        assert_eq!(
            verify(&secret("t"), &good, now),
            Err(ProxyError::BadSignature)
        );
        let tampered = good.replace("width=600", "width=601");
        assert_eq!(
            verify(&secret("s"), &tampered, now),
            Err(ProxyError::BadSignature)
        );
        let other_shop = good.replace("a-shop", "b-shop");
        assert_eq!(
            verify(&secret("s"), &other_shop, now),
            Err(ProxyError::BadSignature)
        );
        assert_eq!(
            verify(&secret("s"), &format!("{good}&x=1"), now),
            Err(ProxyError::BadSignature)
        );
        let unsigned: String = good.split("&signature=").next().unwrap().to_owned();
        assert_eq!(
            verify(&secret("s"), &unsigned, now),
            Err(ProxyError::MissingSignature)
        );
        assert_eq!(
            verify(&secret("s"), &format!("{good}&signature=00"), now),
            Err(ProxyError::DuplicateSignature)
        );
        // Upper-case hex is the same signature.
        let sig = good.rsplit("signature=").next().unwrap();
        let upper = good.replace(sig, &sig.to_ascii_uppercase());
        assert!(verify(&secret("s"), &upper, now).is_ok());
        // 90 s either way, not 91.
        assert!(verify(&secret("s"), &good, now + 90).is_ok());
        assert!(verify(&secret("s"), &good, now - 90).is_ok());
        assert_eq!(
            verify(&secret("s"), &good, now + 91),
            Err(ProxyError::Expired { seconds: 91 })
        );
        assert_eq!(
            verify(&secret("s"), &good, now - 3600),
            Err(ProxyError::Expired { seconds: 3600 })
        );
        // Signed, but without a usable timestamp or shop.
        let no_time = signed("s", &[("shop", "a-shop.myshopify.com")]);
        assert_eq!(
            verify(&secret("s"), &no_time, now),
            Err(ProxyError::BadTimestamp)
        );
        let bad_shop = signed("s", &[("shop", "evil.example.com"), ("timestamp", &ts)]);
        assert_eq!(
            verify(&secret("s"), &bad_shop, now),
            Err(ProxyError::BadShop)
        );
        let two_shops = signed(
            "s",
            &[
                ("shop", "a-shop.myshopify.com"),
                ("shop", "b-shop.myshopify.com"),
                ("timestamp", &ts),
            ],
        );
        assert_eq!(
            verify(&secret("s"), &two_shops, now),
            Err(ProxyError::BadShop)
        );
    }

    #[test]
    fn sorted_as_whole_strings() {
        assert_eq!(signature_message([("a", "x"), ("a1", "y")]), "a1=ya=x");
        // `verify` orders the same way without building the message.
        let ts = "1800000000";
        for params in [
            vec![
                ("a", "x"),
                ("a1", "y"),
                ("shop", "s.myshopify.com"),
                ("timestamp", ts),
            ],
            vec![
                ("a1", "y"),
                ("a", "x"),
                ("a", "w"),
                ("shop", "s.myshopify.com"),
                ("timestamp", ts),
            ],
            vec![
                ("b", "1"),
                ("b=", "2"),
                ("b", "0"),
                ("shop", "s.myshopify.com"),
                ("timestamp", ts),
            ],
            vec![
                ("x", "a b/c%"),
                ("shop", "s.myshopify.com"),
                ("timestamp", ts),
                ("é", "ü"),
            ],
        ] {
            let query = signed("k", &params);
            assert!(
                verify(&secret("k"), &query, 1_800_000_000).is_ok(),
                "{query}"
            );
        }
    }
}
