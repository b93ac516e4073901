//! Signed webhook delivery to the app, with Shopify's headers and realistic payloads.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::config::DEFAULT_API_VERSION;
use crate::signing::webhook_hmac;
use crate::state::{Shop, SimState};

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
    pub event_id: String,
    pub deliveries: Vec<Delivery>,
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
    let event_id = uuid::Uuid::new_v4().to_string();
    let headers = [
        ("X-Shopify-Topic", request.topic.clone()),
        (
            "X-Shopify-Hmac-Sha256",
            webhook_hmac(&state.api_secret, &body),
        ),
        ("X-Shopify-Shop-Domain", request.shop.clone()),
        ("X-Shopify-API-Version", DEFAULT_API_VERSION.to_owned()),
        ("X-Shopify-Webhook-Id", webhook_id.clone()),
        ("X-Shopify-Event-Id", event_id.clone()),
        (
            "X-Shopify-Triggered-At",
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        ),
    ];
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
}
