//! Verification of webhook deliveries: base64 HMAC-SHA256 of the raw body in
//! `X-Shopify-Hmac-Sha256`, then the delivery's metadata from the other `X-Shopify-*` headers
//! (shopify.dev, "Webhooks delivery structure"). Nothing is read from the headers or body before
//! the signature has been checked.
//!
//! Required, as in Shopify's own library (shopify-app-js `lib/webhooks/validate.ts`): HMAC,
//! topic, shop domain, API version and webhook id. `X-Shopify-Event-Id` and
//! `X-Shopify-Triggered-At` are optional: header sets differ by topic, and the mandatory
//! compliance topics (`customers/data_request`, `customers/redact`, `shop/redact`) arrive
//! without an event id. A header that is present must still be well-formed.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

mod app_subscriptions;
mod products;

pub use app_subscriptions::{AppSubscriptionsUpdate, PayloadError};
pub use products::{ProductDelete, ProductPayloadError, ProductUpdate};

use crate::credentials::ApiSecret;
use crate::crypto::{constant_time_eq, hmac_sha256};
use crate::domain::{ShopDomain, ShopDomainError};

/// Largest body accepted. Gridprice's topics carry small payloads; Shopify's own cap is larger,
/// so an app subscribing to bulky topics would raise this.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest header value read.
const MAX_HEADER_LEN: usize = 256;

pub const HMAC_HEADER: &str = "x-shopify-hmac-sha256";
pub const TOPIC_HEADER: &str = "x-shopify-topic";
pub const SHOP_DOMAIN_HEADER: &str = "x-shopify-shop-domain";
pub const WEBHOOK_ID_HEADER: &str = "x-shopify-webhook-id";
pub const EVENT_ID_HEADER: &str = "x-shopify-event-id";
pub const API_VERSION_HEADER: &str = "x-shopify-api-version";
pub const TRIGGERED_AT_HEADER: &str = "x-shopify-triggered-at";

/// A verified delivery's metadata. `webhook_id` identifies one delivery; `event_id`, when
/// Shopify sends one, is shared by every delivery caused by the same event. Deduplicate on
/// [`WebhookDelivery::dedupe_key`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub topic: WebhookTopic,
    pub shop: ShopDomain,
    pub webhook_id: String,
    /// `X-Shopify-Event-Id`; `None` for topics delivered without it (the compliance topics).
    pub event_id: Option<String>,
    /// As sent; not parsed as `ApiVersion` because Shopify may also send e.g. `unstable`.
    pub api_version: String,
    /// `X-Shopify-Triggered-At`, when sent.
    pub triggered_at: Option<DateTime<Utc>>,
}

impl WebhookDelivery {
    /// What identifies the event for deduplication: the event id when the delivery has one (it
    /// also catches the same event delivered to two subscriptions), else the webhook id (the
    /// same for every retry or duplicate of one delivery).
    pub fn dedupe_key(&self) -> &str {
        self.event_id.as_deref().unwrap_or(&self.webhook_id)
    }
}

/// The topics Gridprice handles, plus any other by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WebhookTopic {
    AppUninstalled,
    /// A subscription's status changed (Billing API); payload [`AppSubscriptionsUpdate`].
    AppSubscriptionsUpdate,
    ShopUpdate,
    /// A product changed; payload [`ProductUpdate`].
    ProductsUpdate,
    /// A product was deleted; payload [`ProductDelete`].
    ProductsDelete,
    CustomersDataRequest,
    CustomersRedact,
    ShopRedact,
    Other(String),
}

impl WebhookTopic {
    /// The header / TOML spelling, e.g. `app/uninstalled`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::AppUninstalled => "app/uninstalled",
            Self::AppSubscriptionsUpdate => "app_subscriptions/update",
            Self::ShopUpdate => "shop/update",
            Self::ProductsUpdate => "products/update",
            Self::ProductsDelete => "products/delete",
            Self::CustomersDataRequest => "customers/data_request",
            Self::CustomersRedact => "customers/redact",
            Self::ShopRedact => "shop/redact",
            Self::Other(name) => name,
        }
    }

    /// The GraphQL `WebhookSubscriptionTopic` spelling, e.g. `APP_UNINSTALLED`.
    pub fn graphql_enum(&self) -> String {
        self.as_str().to_ascii_uppercase().replace('/', "_")
    }
}

impl FromStr for WebhookTopic {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "app/uninstalled" => Self::AppUninstalled,
            "app_subscriptions/update" => Self::AppSubscriptionsUpdate,
            "shop/update" => Self::ShopUpdate,
            "products/update" => Self::ProductsUpdate,
            "products/delete" => Self::ProductsDelete,
            "customers/data_request" => Self::CustomersDataRequest,
            "customers/redact" => Self::CustomersRedact,
            "shop/redact" => Self::ShopRedact,
            other => Self::Other(other.to_owned()),
        })
    }
}

impl fmt::Display for WebhookTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("webhook body is larger than {MAX_BODY_BYTES} bytes")]
    BodyTooLarge,
    #[error("webhook header {0} is missing or empty")]
    MissingHeader(&'static str),
    #[error("webhook header {0} is malformed")]
    MalformedHeader(&'static str),
    #[error("webhook HMAC does not match the body")]
    InvalidHmac,
    #[error("webhook shop domain is invalid: {0}")]
    InvalidShop(#[from] ShopDomainError),
}

/// Verifies a delivery from its headers and the exact bytes of its body.
pub fn verify(
    headers: &HeaderMap,
    raw_body: &[u8],
    secret: &ApiSecret,
) -> Result<WebhookDelivery, WebhookError> {
    if raw_body.len() > MAX_BODY_BYTES {
        return Err(WebhookError::BodyTooLarge);
    }
    verify_hmac(header(headers, HMAC_HEADER)?, raw_body, secret)?;
    Ok(WebhookDelivery {
        topic: header(headers, TOPIC_HEADER)?
            .parse()
            .unwrap_or_else(|e| match e {}),
        shop: ShopDomain::parse(header(headers, SHOP_DOMAIN_HEADER)?)?,
        webhook_id: header(headers, WEBHOOK_ID_HEADER)?.to_owned(),
        event_id: optional_header(headers, EVENT_ID_HEADER)?.map(str::to_owned),
        api_version: header(headers, API_VERSION_HEADER)?.to_owned(),
        triggered_at: optional_header(headers, TRIGGERED_AT_HEADER)?
            .map(|raw| {
                DateTime::parse_from_rfc3339(raw)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| WebhookError::MalformedHeader(TRIGGERED_AT_HEADER))
            })
            .transpose()?,
    })
}

/// Like `header`, but a missing or empty header is `None`.
fn optional_header<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
) -> Result<Option<&'a str>, WebhookError> {
    match header(headers, name) {
        Ok(value) => Ok(Some(value)),
        Err(WebhookError::MissingHeader(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

fn verify_hmac(encoded: &str, body: &[u8], secret: &ApiSecret) -> Result<(), WebhookError> {
    let received = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| WebhookError::MalformedHeader(HMAC_HEADER))?;
    if received.len() != 32 {
        return Err(WebhookError::MalformedHeader(HMAC_HEADER));
    }
    if !constant_time_eq(&hmac_sha256(secret, body), &received) {
        return Err(WebhookError::InvalidHmac);
    }
    Ok(())
}

/// Exactly one non-empty, visible-ASCII value of bounded length.
fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, WebhookError> {
    let mut values = headers.get_all(name).iter();
    let value = values.next().ok_or(WebhookError::MissingHeader(name))?;
    if values.next().is_some() || value.len() > MAX_HEADER_LEN {
        return Err(WebhookError::MalformedHeader(name));
    }
    let value = value
        .to_str()
        .map_err(|_| WebhookError::MalformedHeader(name))?
        .trim();
    if value.is_empty() {
        return Err(WebhookError::MissingHeader(name));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const BODY: &[u8] = br#"{"id":1,"domain":"demo-shop.myshopify.com"}"#;

    fn secret() -> ApiSecret {
        ApiSecret::new("app-secret")
    }

    fn sign(body: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(hmac_sha256(&secret(), body))
    }

    fn headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        let mut set = |k: &'static str, v: &str| {
            h.insert(k, HeaderValue::from_str(v).unwrap());
        };
        // Mixed case on purpose: header names are case-insensitive.
        set("X-Shopify-Hmac-Sha256", &sign(BODY));
        set("X-Shopify-Topic", "app/uninstalled");
        set("X-Shopify-Shop-Domain", "demo-shop.myshopify.com");
        set(
            "X-Shopify-Webhook-Id",
            "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        );
        set("X-Shopify-Event-Id", "98880550-7158-44d4-b7cd-2c97c8a091b5");
        set("X-Shopify-API-Version", "2026-10");
        set("X-Shopify-Triggered-At", "2026-10-01T18:00:27.877041743Z");
        h
    }

    #[test]
    fn hmac_is_base64_sha256_of_the_raw_body() {
        // Independent reference value (computed with `openssl dgst -sha256 -hmac app-secret
        // -binary | base64`) so a wrong encoding or algorithm fails here.
        assert_eq!(
            sign(b"hello"),
            "rVxqpStL9NGVXM0HsTkxY/papGHgHO2r9YpRIDUGPEk="
        );
    }

    #[test]
    fn accepts_a_valid_delivery() {
        let d = verify(&headers(), BODY, &secret()).unwrap();
        assert_eq!(d.topic, WebhookTopic::AppUninstalled);
        assert_eq!(d.shop.as_str(), "demo-shop.myshopify.com");
        assert_eq!(d.webhook_id, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
        assert_eq!(
            d.event_id.as_deref(),
            Some("98880550-7158-44d4-b7cd-2c97c8a091b5")
        );
        assert_eq!(d.dedupe_key(), "98880550-7158-44d4-b7cd-2c97c8a091b5");
        assert_eq!(d.api_version, "2026-10");
        assert_eq!(d.triggered_at.unwrap().timestamp(), 1_790_877_627);
    }

    #[test]
    fn event_id_and_triggered_at_are_optional() {
        let mut h = headers();
        h.remove(EVENT_ID_HEADER);
        h.insert(TRIGGERED_AT_HEADER, HeaderValue::from_static(" "));
        let d = verify(&h, BODY, &secret()).unwrap();
        assert_eq!(d.event_id, None);
        assert_eq!(d.triggered_at, None);
        assert_eq!(d.dedupe_key(), "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
    }

    #[test]
    fn rejects_tampered_body_wrong_secret_and_bad_hmac() {
        let mut tampered = BODY.to_vec();
        tampered[5] = b'2';
        assert_eq!(
            verify(&headers(), &tampered, &secret()),
            Err(WebhookError::InvalidHmac)
        );
        assert_eq!(
            verify(&headers(), BODY, &ApiSecret::new("other")),
            Err(WebhookError::InvalidHmac)
        );
        let mut h = headers();
        h.insert(HMAC_HEADER, HeaderValue::from_static("not base64!"));
        assert_eq!(
            verify(&h, BODY, &secret()),
            Err(WebhookError::MalformedHeader(HMAC_HEADER))
        );
        h.insert(HMAC_HEADER, HeaderValue::from_static("aGVsbG8="));
        assert_eq!(
            verify(&h, BODY, &secret()),
            Err(WebhookError::MalformedHeader(HMAC_HEADER))
        );
    }

    #[test]
    fn the_headers_shopifys_library_requires_are_required() {
        for name in [
            HMAC_HEADER,
            TOPIC_HEADER,
            SHOP_DOMAIN_HEADER,
            WEBHOOK_ID_HEADER,
            API_VERSION_HEADER,
        ] {
            let mut h = headers();
            h.remove(name);
            assert_eq!(
                verify(&h, BODY, &secret()),
                Err(WebhookError::MissingHeader(name))
            );
            h.insert(name, HeaderValue::from_static(" "));
            assert_eq!(
                verify(&h, BODY, &secret()),
                Err(WebhookError::MissingHeader(name))
            );
        }
    }

    #[test]
    fn rejects_malformed_headers() {
        let mut h = headers();
        h.insert(
            SHOP_DOMAIN_HEADER,
            HeaderValue::from_static("evil.example.com"),
        );
        assert_eq!(
            verify(&h, BODY, &secret()),
            Err(WebhookError::InvalidShop(ShopDomainError::WrongSuffix))
        );
        let mut h = headers();
        h.insert(TRIGGERED_AT_HEADER, HeaderValue::from_static("yesterday"));
        assert_eq!(
            verify(&h, BODY, &secret()),
            Err(WebhookError::MalformedHeader(TRIGGERED_AT_HEADER))
        );
        let mut h = headers();
        h.append(TOPIC_HEADER, HeaderValue::from_static("shop/redact"));
        assert_eq!(
            verify(&h, BODY, &secret()),
            Err(WebhookError::MalformedHeader(TOPIC_HEADER))
        );
        let mut h = headers();
        let long = "x".repeat(MAX_HEADER_LEN + 1);
        h.insert(WEBHOOK_ID_HEADER, HeaderValue::from_str(&long).unwrap());
        assert_eq!(
            verify(&h, BODY, &secret()),
            Err(WebhookError::MalformedHeader(WEBHOOK_ID_HEADER))
        );
    }

    #[test]
    fn rejects_oversized_bodies() {
        let body = vec![b'x'; MAX_BODY_BYTES + 1];
        let mut h = headers();
        h.insert(HMAC_HEADER, HeaderValue::from_str(&sign(&body)).unwrap());
        assert_eq!(
            verify(&h, &body, &secret()),
            Err(WebhookError::BodyTooLarge)
        );
    }

    #[test]
    fn topics_round_trip() {
        for (name, topic, gql) in [
            (
                "app/uninstalled",
                WebhookTopic::AppUninstalled,
                "APP_UNINSTALLED",
            ),
            ("shop/update", WebhookTopic::ShopUpdate, "SHOP_UPDATE"),
            (
                "products/update",
                WebhookTopic::ProductsUpdate,
                "PRODUCTS_UPDATE",
            ),
            (
                "products/delete",
                WebhookTopic::ProductsDelete,
                "PRODUCTS_DELETE",
            ),
            (
                "app_subscriptions/update",
                WebhookTopic::AppSubscriptionsUpdate,
                "APP_SUBSCRIPTIONS_UPDATE",
            ),
            (
                "customers/data_request",
                WebhookTopic::CustomersDataRequest,
                "CUSTOMERS_DATA_REQUEST",
            ),
            (
                "customers/redact",
                WebhookTopic::CustomersRedact,
                "CUSTOMERS_REDACT",
            ),
            ("shop/redact", WebhookTopic::ShopRedact, "SHOP_REDACT"),
            (
                "orders/create",
                WebhookTopic::Other("orders/create".into()),
                "ORDERS_CREATE",
            ),
        ] {
            assert_eq!(name.parse::<WebhookTopic>().unwrap(), topic);
            assert_eq!(topic.as_str(), name);
            assert_eq!(topic.graphql_enum(), gql);
        }
    }
}
