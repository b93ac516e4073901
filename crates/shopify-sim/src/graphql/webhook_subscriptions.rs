//! `webhookSubscriptionCreate`: stores the subscription after Shopify-like address checks.

use chrono::Utc;

use super::schema::{
    gid, UserError, WebhookSubscriptionFormat, WebhookSubscriptionInput, WebhookSubscriptionObject,
    WebhookSubscriptionTopic,
};
use crate::state::{WebhookSubscriptionRecord, World};

/// HTTPS anywhere, Pub/Sub and EventBridge as Shopify accepts; plain HTTP only on loopback,
/// because a local app is not served over TLS.
fn check_uri(uri: &str) -> Result<(), String> {
    if uri.starts_with("pubsub://") || uri.starts_with("arn:aws:events:") {
        return Ok(());
    }
    let parsed = url::Url::parse(uri).map_err(|_| "Address is invalid".to_owned())?;
    let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        scheme => Err(format!("Address protocol {scheme}:// is not supported")),
    }
}

pub fn create(
    world: &mut World,
    shop_domain: &str,
    topic: WebhookSubscriptionTopic,
    input: &WebhookSubscriptionInput,
) -> Result<WebhookSubscriptionObject, Vec<UserError>> {
    let World { shops, ids, .. } = world;
    let shop = shops
        .get_mut(shop_domain)
        .expect("the HTTP layer checked the shop");
    let field = ["webhookSubscription", "uri"];
    let uri = input.uri.as_deref().map(str::trim).unwrap_or_default();
    if uri.is_empty() {
        return Err(vec![UserError::new(&field, "Address can't be blank")]);
    }
    check_uri(uri).map_err(|m| vec![UserError::new(&field, m)])?;
    if shop
        .webhook_subscriptions
        .iter()
        .any(|s| s.topic == topic && s.uri == uri)
    {
        return Err(vec![UserError::new(
            &field,
            "Address for this topic has already been taken",
        )]);
    }
    let include_fields = input.include_fields.clone().unwrap_or_default();
    if include_fields.len() > 250 {
        return Err(vec![UserError::new(
            &["webhookSubscription", "includeFields"],
            "Too many fields",
        )]);
    }
    let record = WebhookSubscriptionRecord {
        id: ids.webhook_subscription(),
        topic,
        uri: uri.to_owned(),
        format: input.format.unwrap_or(WebhookSubscriptionFormat::Json),
        include_fields,
        filter: input.filter.clone(),
        created_at: Utc::now(),
    };
    shop.webhook_subscriptions.push(record.clone());
    Ok(WebhookSubscriptionObject {
        id: gid("WebhookSubscription", record.id),
        topic: record.topic,
        uri: record.uri,
        format: record.format,
        include_fields: record.include_fields,
        filter: record.filter,
        created_at: record.created_at.into(),
    })
}
