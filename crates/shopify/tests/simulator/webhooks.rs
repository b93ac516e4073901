//! Webhook deliveries from the simulator, whose header sets differ by topic, verified by the
//! client.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use serde_json::json;
use shopify::webhook::{self, WebhookDelivery, WebhookTopic};
use shopify::ApiSecret;
use shopify_sim::DEMO_SHOP;

use crate::common::*;

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// The app's webhook endpoint: records what arrives and answers 200.
async fn receiver() -> (String, Received) {
    let received = Received::default();
    async fn record(State(received): State<Received>, headers: HeaderMap, body: Bytes) {
        received.lock().unwrap().push((headers, body));
    }
    let app = Router::new()
        .route("/webhooks", post(record))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

async fn deliver(sim: &shopify_sim::SimHandle, request: serde_json::Value) -> serde_json::Value {
    let report = control(sim, "/_sim/webhooks", request).await;
    assert_eq!(report["deliveries"][0]["status"], 200, "{report}");
    report
}

fn verify_all(received: &Received) -> Vec<WebhookDelivery> {
    let secret = ApiSecret::new(SECRET);
    received
        .lock()
        .unwrap()
        .iter()
        .map(|(headers, body)| webhook::verify(headers, body, &secret).expect("a valid delivery"))
        .collect()
}

#[tokio::test]
async fn compliance_deliveries_without_an_event_id_are_accepted_and_deduplicated_by_webhook_id() {
    let (app_url, received) = receiver().await;
    let sim = start_with(shopify_sim::SimConfig {
        app_url,
        ..config()
    })
    .await;
    let report = deliver(
        &sim,
        json!({ "shop": DEMO_SHOP, "topic": "shop/redact", "duplicate": true }),
    )
    .await;
    let deliveries = verify_all(&received);
    assert_eq!(deliveries.len(), 2);
    for delivery in &deliveries {
        assert_eq!(delivery.topic, WebhookTopic::ShopRedact);
        assert_eq!(delivery.event_id, None);
        assert_eq!(delivery.dedupe_key(), report["webhookId"].as_str().unwrap());
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn event_deliveries_are_deduplicated_by_event_id_and_triggered_at_is_optional() {
    let (app_url, received) = receiver().await;
    let sim = start_with(shopify_sim::SimConfig {
        app_url,
        ..config()
    })
    .await;
    let report = deliver(
        &sim,
        json!({ "shop": DEMO_SHOP, "topic": "app/uninstalled", "duplicate": true }),
    )
    .await;
    deliver(
        &sim,
        json!({ "shop": DEMO_SHOP, "topic": "shop/update", "omitHeaders": ["X-Shopify-Triggered-At"] }),
    )
    .await;
    let deliveries = verify_all(&received);
    assert_eq!(deliveries.len(), 3);
    let event_id = report["eventId"].as_str().unwrap();
    for delivery in &deliveries[..2] {
        assert_eq!(delivery.topic, WebhookTopic::AppUninstalled);
        assert_eq!(delivery.dedupe_key(), event_id);
        assert!(delivery.triggered_at.is_some());
    }
    assert_eq!(deliveries[2].topic, WebhookTopic::ShopUpdate);
    assert_eq!(deliveries[2].triggered_at, None);
    assert!(deliveries[2].event_id.is_some());
    sim.shutdown().await;
}
