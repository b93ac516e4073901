//! Signed webhook delivery to the app, with Shopify's headers and realistic payloads.
//!
//! Header sets differ by topic, as on Shopify (whose staff say so on the community forum; no
//! per-topic table is published). Every delivery carries what Shopify's own library requires
//! (`X-Shopify-Hmac-Sha256`, `X-Shopify-Topic`, `X-Shopify-Shop-Domain`,
//! `X-Shopify-API-Version`, `X-Shopify-Webhook-Id`: shopify-app-js
//! `packages/apps/shopify-api/lib/webhooks/validate.ts`, where `X-Shopify-Event-Id` and
//! `X-Shopify-Triggered-At` are optional) plus `X-Shopify-Triggered-At` and
//! `X-Shopify-Test: false`. `X-Shopify-Event-Id` comes with event topics only: the mandatory
//! compliance topics (`customers/data_request`, `customers/redact`, `shop/redact`) are requests,
//! not store events, and arrive without it (a live `customers/redact` delivery quoted in
//! Shopify/shopify-api-ruby#1261 has Topic, Webhook-Id and Triggered-At and no Event-Id).
//! `orders/*` deliveries also carry `X-Shopify-Order-Id` (shopify-app-js#2903 quotes one).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::config::DEFAULT_API_VERSION;
use crate::graphql::schema::ProductStatus;
use crate::money::format_money;
use crate::signing::webhook_hmac;
use crate::state::{ProductRecord, Shop, SimState};

/// Body of `POST /_sim/webhooks`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookRequest {
    pub shop: String,
    /// `resource/event`, e.g. `app/uninstalled`.
    pub topic: String,
    /// The JSON body; a realistic default is used for the app and privacy topics.
    pub payload: Option<Value>,
    /// Deliver twice with the same webhook and event ids (at-least-once delivery).
    #[serde(default)]
    pub duplicate: bool,
    /// Path on the app URL; default `/webhooks`.
    pub path: Option<String>,
    /// Header names (any case) to leave out of this delivery, to try an app against header
    /// sets other than the topic's usual one.
    #[serde(default)]
    pub omit_headers: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// The app's HTTP status, when it answered.
    pub status: Option<u16>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryReport {
    pub topic: String,
    pub shop: String,
    pub url: String,
    pub webhook_id: String,
    /// `None` when the delivery carried no `X-Shopify-Event-Id`.
    pub event_id: Option<String>,
    /// The `X-Shopify-*` headers sent, in order.
    pub headers: Vec<String>,
    pub deliveries: Vec<Delivery>,
}

/// The mandatory compliance topics: requests to the app, not store events.
const COMPLIANCE_TOPICS: [&str; 3] = ["customers/data_request", "customers/redact", "shop/redact"];

/// Whether Shopify sends `X-Shopify-Event-Id` with this topic.
pub fn has_event_id(topic: &str) -> bool {
    !COMPLIANCE_TOPICS.contains(&topic)
}

fn is_topic(topic: &str) -> bool {
    let valid =
        |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    matches!(topic.split_once('/'), Some((resource, event)) if valid(resource) && valid(event))
}

/// What Shopify sends for each topic the app handles; other topics default to `{}`.
pub fn default_payload(topic: &str, shop: &Shop) -> Value {
    let customer =
        json!({ "id": 7_000_000_000_001u64, "email": "shopper@example.com", "phone": null });
    match topic {
        "app/uninstalled" | "shop/update" => json!({
            "id": shop.id,
            "name": shop.name,
            "email": shop.email,
            "domain": shop.domain,
            "myshopify_domain": shop.domain,
            "currency": shop.currency.code(),
            "country_code": "US",
            "plan_name": "basic",
            "created_at": "2026-01-01T00:00:00Z",
        }),
        "customers/data_request" => json!({
            "shop_id": shop.id,
            "shop_domain": shop.domain,
            "orders_requested": [],
            "customer": customer,
            "data_request": { "id": 9_001 },
        }),
        "customers/redact" => json!({
            "shop_id": shop.id,
            "shop_domain": shop.domain,
            "customer": customer,
            "orders_to_redact": [],
        }),
        "shop/redact" => json!({ "shop_id": shop.id, "shop_domain": shop.domain }),
        _ => json!({}),
    }
}

/// The `products/update` body: the product as the REST Admin API writes it (shopify.dev's
/// example payload), its featured image in `image` and `images`, and `media` (2024-07 on).
pub fn product_payload(base_url: &str, shop: &Shop, product: &ProductRecord) -> Value {
    let gid = format!("gid://shopify/Product/{}", product.id);
    let src = product.image_url(base_url);
    let image = json!({
        "id": product.id,
        "admin_graphql_api_id": format!("gid://shopify/ProductImage/{}", product.id),
        "product_id": product.id,
        "position": 1,
        "alt": product.title,
        "width": 160,
        "height": 160,
        "src": src,
        "variant_ids": [],
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    });
    let variants: Vec<Value> = product
        .variants
        .iter()
        .enumerate()
        .map(|(index, v)| {
            json!({
                "id": v.id,
                "admin_graphql_api_id": format!("gid://shopify/ProductVariant/{}", v.id),
                "product_id": product.id,
                "title": v.title,
                "price": format_money(v.price_minor, shop.currency),
                "sku": v.sku,
                "position": index + 1,
                "option1": v.title,
                "created_at": product.created_at,
                "updated_at": product.updated_at,
            })
        })
        .collect();
    json!({
        "admin_graphql_api_id": gid,
        "id": product.id,
        "title": product.title,
        "handle": product.handle,
        "body_html": "",
        "vendor": shop.name,
        "product_type": "",
        "status": match product.status {
            ProductStatus::Active => "active",
            ProductStatus::Archived => "archived",
            ProductStatus::Draft => "draft",
        },
        "published_scope": "web",
        "tags": "",
        "created_at": product.created_at,
        "updated_at": product.updated_at,
        "variants": variants,
        "options": [],
        "images": [image.clone()],
        "image": image,
        "media": [{
            "id": product.id,
            "admin_graphql_api_id": format!("gid://shopify/MediaImage/{}", product.id),
            "product_id": product.id,
            "position": 1,
            "alt": product.title,
            "media_content_type": "IMAGE",
            "status": "READY",
            "preview_image": { "width": 160, "height": 160, "src": src, "status": "READY" },
            "created_at": product.created_at,
            "updated_at": product.updated_at,
        }],
    })
}

/// The `products/delete` body: only the product's id.
pub fn product_deleted_payload(product_id: u64) -> Value {
    json!({ "id": product_id })
}

async fn post_once(
    state: &SimState,
    url: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Delivery {
    let mut request = state
        .http
        .post(url)
        .header("Content-Type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    match request.body(body.to_vec()).send().await {
        Ok(response) => Delivery {
            status: Some(response.status().as_u16()),
            error: None,
        },
        Err(e) => Delivery {
            status: None,
            error: Some(e.to_string()),
        },
    }
}

/// Delivers one event (twice when `duplicate`) and reports what the app answered.
pub async fn deliver(state: &SimState, request: WebhookRequest) -> Result<DeliveryReport, String> {
    if !is_topic(&request.topic) {
        return Err("topic: must look like resource/event, e.g. app/uninstalled".to_owned());
    }
    let path = request.path.unwrap_or_else(|| "/webhooks".to_owned());
    if !path.starts_with('/') {
        return Err("path: must start with /".to_owned());
    }
    let payload = {
        let world = state.world.lock().await;
        let shop = world.shops.get(&request.shop).ok_or("shop: unknown shop")?;
        request
            .payload
            .unwrap_or_else(|| default_payload(&request.topic, shop))
    };
    let body = serde_json::to_vec(&payload).map_err(|e| e.to_string())?;
    let url = format!("{}{path}", state.config.read().await.app_url);
    let webhook_id = uuid::Uuid::new_v4().to_string();
    let event_id = has_event_id(&request.topic).then(|| uuid::Uuid::new_v4().to_string());
    let mut headers = vec![
        ("X-Shopify-Topic", request.topic.clone()),
        (
            "X-Shopify-Hmac-Sha256",
            webhook_hmac(&state.api_secret, &body),
        ),
        ("X-Shopify-Shop-Domain", request.shop.clone()),
        ("X-Shopify-API-Version", DEFAULT_API_VERSION.to_owned()),
        ("X-Shopify-Webhook-Id", webhook_id.clone()),
    ];
    if let Some(event_id) = &event_id {
        headers.push(("X-Shopify-Event-Id", event_id.clone()));
    }
    headers.push((
        "X-Shopify-Triggered-At",
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
    ));
    headers.push(("X-Shopify-Test", "false".to_owned()));
    if request.topic.starts_with("orders/") {
        if let Some(id) = payload.get("id").and_then(Value::as_u64) {
            headers.push(("X-Shopify-Order-Id", id.to_string()));
        }
    }
    headers.retain(|(name, _)| {
        !request
            .omit_headers
            .iter()
            .any(|omit| omit.eq_ignore_ascii_case(name))
    });
    let event_id = event_id.filter(|_| headers.iter().any(|(n, _)| *n == "X-Shopify-Event-Id"));
    let attempts = if request.duplicate { 2 } else { 1 };
    let mut deliveries = Vec::with_capacity(attempts);
    for _ in 0..attempts {
        deliveries.push(post_once(state, &url, &headers, &body).await);
    }
    Ok(DeliveryReport {
        topic: request.topic,
        shop: request.shop,
        url,
        webhook_id,
        event_id,
        headers: headers.iter().map(|(name, _)| (*name).to_owned()).collect(),
        deliveries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics() {
        assert!(is_topic("app/uninstalled"));
        assert!(is_topic("customers/data_request"));
        assert!(!is_topic("app"));
        assert!(!is_topic("App/Uninstalled"));
        assert!(!is_topic("a/b/c"));
    }

    #[test]
    fn compliance_topics_have_no_event_id() {
        assert!(has_event_id("app/uninstalled"));
        assert!(has_event_id("shop/update"));
        for topic in COMPLIANCE_TOPICS {
            assert!(!has_event_id(topic));
        }
    }
}
