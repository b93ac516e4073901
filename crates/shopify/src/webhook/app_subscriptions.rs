//! The `app_subscriptions/update` payload (shopify.dev webhook reference): the subscription's
//! GID, name, status, shop GID, timestamps, currency, and (recent versions) price, interval and
//! plan handle. Parse it only after [`super::verify`] accepted the delivery.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::admin::billing::{AppPricingInterval, AppSubscriptionStatus};
use crate::gid::AppSubscriptionGid;

/// What an `app_subscriptions/update` delivery says. Deliveries can arrive late, twice or out
/// of order: compare `updated_at` with what is stored, or re-read `active_subscriptions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSubscriptionsUpdate {
    pub id: AppSubscriptionGid,
    pub name: String,
    pub status: AppSubscriptionStatus,
    /// `gid://shopify/Shop/<n>`.
    pub shop_gid: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// ISO 4217 code of the charge.
    pub currency: Option<String>,
    /// The recurring price as a decimal string (`"19.00"`), when the payload carries it.
    pub price: Option<String>,
    pub interval: Option<AppPricingInterval>,
    /// Usage pricing's cap (`"20.0"`); `None` for recurring-only subscriptions.
    pub capped_amount: Option<String>,
}

/// Why a payload is not an `app_subscriptions/update` body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid app_subscriptions/update payload: {0}")]
pub struct PayloadError(String);

#[derive(Deserialize)]
struct Envelope {
    app_subscription: Body,
}

#[derive(Deserialize)]
struct Body {
    admin_graphql_api_id: AppSubscriptionGid,
    name: String,
    status: AppSubscriptionStatus,
    admin_graphql_api_shop_id: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    price: Option<String>,
    #[serde(default, deserialize_with = "lenient_interval")]
    interval: Option<AppPricingInterval>,
    #[serde(default, deserialize_with = "decimal_text")]
    capped_amount: Option<String>,
}

/// An interval this crate does not know is `None`, not an error.
fn lenient_interval<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<AppPricingInterval>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    Ok(value.and_then(|v| serde_json::from_value(v).ok()))
}

/// Amounts arrive as strings (`"20.0"`), possibly as numbers; `null` is `None`.
fn decimal_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

impl AppSubscriptionsUpdate {
    /// Parses the raw body of a verified delivery.
    pub fn parse(body: &[u8]) -> Result<Self, PayloadError> {
        let envelope: Envelope =
            serde_json::from_slice(body).map_err(|e| PayloadError(e.to_string()))?;
        let b = envelope.app_subscription;
        Ok(Self {
            id: b.admin_graphql_api_id,
            name: b.name,
            status: b.status,
            shop_gid: b.admin_graphql_api_shop_id,
            created_at: b.created_at,
            updated_at: b.updated_at,
            currency: b.currency,
            price: b.price,
            interval: b.interval,
            capped_amount: b.capped_amount,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_shopifys_example() {
        // The shape of shopify.dev's example payload.
        let body = br#"{"app_subscription":{"admin_graphql_api_id":"gid://shopify/AppSubscription/1029266951",
            "name":"Webhook Test","status":"PENDING","admin_graphql_api_shop_id":"gid://shopify/Shop/548380009",
            "created_at":"2021-12-31T19:00:00-05:00","updated_at":"2021-12-31T19:00:00-05:00",
            "currency":"USD","capped_amount":"20.0","price":"10.00","interval":"every_30_days","plan_handle":"plan-123"}}"#;
        let update = AppSubscriptionsUpdate::parse(body).unwrap();
        assert_eq!(update.id.numeric_id(), 1029266951);
        assert_eq!(update.status, AppSubscriptionStatus::Pending);
        assert_eq!(update.shop_gid, "gid://shopify/Shop/548380009");
        assert_eq!(update.created_at.to_rfc3339(), "2022-01-01T00:00:00+00:00");
        assert_eq!(update.capped_amount.as_deref(), Some("20.0"));
        assert_eq!(update.price.as_deref(), Some("10.00"));
        assert_eq!(update.interval, Some(AppPricingInterval::Every30Days));
    }

    #[test]
    fn older_payloads_and_garbage() {
        let body =
            br#"{"app_subscription":{"admin_graphql_api_id":"gid://shopify/AppSubscription/7",
            "name":"Pro","status":"CANCELLED","admin_graphql_api_shop_id":"gid://shopify/Shop/1",
            "created_at":"2021-09-13T01:44:07+05:30","updated_at":"2021-09-13T18:21:33+05:30"}}"#;
        let update = AppSubscriptionsUpdate::parse(body).unwrap();
        assert_eq!(update.status, AppSubscriptionStatus::Cancelled);
        assert_eq!(update.currency, None);
        assert_eq!(update.interval, None);
        assert!(AppSubscriptionsUpdate::parse(b"{}").is_err());
        assert!(AppSubscriptionsUpdate::parse(
            br#"{"app_subscription":{"admin_graphql_api_id":"gid://shopify/Product/7"}}"#
        )
        .is_err());
    }
}
