use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use shopify_sim::DEMO_SHOP;

use crate::common::*;

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A tiny app that records every webhook it receives.
async fn receiver() -> (String, Received) {
    let received = Received::default();
    async fn record(
        State(received): State<Received>,
        headers: HeaderMap,
        body: Bytes,
    ) -> &'static str {
        received.lock().unwrap().push((headers, body));
        "ok"
    }
    let app = Router::new()
        .route("/webhooks", post(record))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("missing {name}"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn webhooks_are_signed_and_duplicates_share_ids() {
    let (app_url, received) = receiver().await;
    let sim = start().await;
    let config = client()
        .put(format!("{}/_sim/config", sim.base_url()))
        .json(&json!({ "appUrl": app_url }))
        .send()
        .await
        .unwrap();
    assert_eq!(config.status(), 200);
    let request = json!({ "shop": DEMO_SHOP, "topic": "customers/redact", "duplicate": true });
    let (status, report) = post_json(&format!("{}/_sim/webhooks", sim.base_url()), request).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report["deliveries"],
        json!([{ "status": 200, "error": null }, { "status": 200, "error": null }])
    );

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    let (headers, body) = &received[0];
    assert_eq!(header(headers, "x-shopify-topic"), "customers/redact");
    assert_eq!(header(headers, "x-shopify-shop-domain"), DEMO_SHOP);
    assert_eq!(
        header(headers, "x-shopify-api-version"),
        shopify_sim::DEFAULT_API_VERSION
    );
    assert_eq!(header(headers, "x-shopify-hmac-sha256"), hmac_base64(body));
    assert!(!header(headers, "x-shopify-triggered-at").is_empty());
    assert_eq!(header(headers, "x-shopify-test"), "false");
    let id = "x-shopify-webhook-id";
    assert_eq!(header(headers, id), header(&received[1].0, id));
    assert_eq!(header(headers, id), report["webhookId"]);
    // A compliance request is not a store event: no event id.
    assert!(headers.get("x-shopify-event-id").is_none());
    assert_eq!(report["eventId"], Value::Null);
    let payload: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(payload["shop_domain"], DEMO_SHOP);
    assert!(payload["customer"]["id"].is_u64());
    sim.shutdown().await;
}

#[tokio::test]
async fn uninstall_revokes_tokens_and_notifies_the_app() {
    let (app_url, received) = receiver().await;
    let sim = start_with(config(&app_url)).await;
    let token = token(&sim, DEMO_SHOP).await;
    let (status, report) = post_json(
        &format!("{}/_sim/shops/{DEMO_SHOP}/uninstall", sim.base_url()),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["revoked"], 1);
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(header(&received[0].0, "x-shopify-topic"), "app/uninstalled");
    let payload: Value = serde_json::from_slice(&received[0].1).unwrap();
    assert_eq!(payload["myshopify_domain"], DEMO_SHOP);
    let (status, _) = gql(&sim, DEMO_SHOP, &token, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 401);
    sim.shutdown().await;
}

#[tokio::test]
async fn unreachable_apps_are_reported_not_fatal() {
    let sim = start_with(config("http://127.0.0.1:9")).await;
    let request =
        json!({ "shop": DEMO_SHOP, "topic": "shop/redact", "payload": { "custom": true } });
    let (status, report) = post_json(&format!("{}/_sim/webhooks", sim.base_url()), request).await;
    assert_eq!(status, 200);
    assert!(report["deliveries"][0]["error"].is_string(), "{report}");
    let bad = json!({ "shop": DEMO_SHOP, "topic": "not a topic" });
    let (status, _) = post_json(&format!("{}/_sim/webhooks", sim.base_url()), bad).await;
    assert_eq!(status, 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn event_topics_carry_an_event_id_and_headers_can_be_left_out() {
    let (app_url, received) = receiver().await;
    let sim = start_with(config(&app_url)).await;
    let url = format!("{}/_sim/webhooks", sim.base_url());
    let (status, report) = post_json(
        &url,
        json!({ "shop": DEMO_SHOP, "topic": "app/uninstalled", "duplicate": true }),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    let event_id = report["eventId"].as_str().unwrap().to_owned();
    let (status, report) = post_json(
        &url,
        json!({ "shop": DEMO_SHOP, "topic": "orders/create", "payload": { "id": 820982911946154508u64 },
                "omitHeaders": ["x-shopify-triggered-at"] }),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert!(!report["headers"]
        .as_array()
        .unwrap()
        .contains(&json!("X-Shopify-Triggered-At")));
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 3);
    for (headers, _) in &received[..2] {
        assert_eq!(
            header(headers, "x-shopify-event-id"),
            event_id,
            "duplicates share it"
        );
    }
    let (orders, body) = &received[2];
    assert_eq!(header(orders, "x-shopify-order-id"), "820982911946154508");
    assert!(orders.get("x-shopify-triggered-at").is_none());
    assert_eq!(header(orders, "x-shopify-hmac-sha256"), hmac_base64(body));
    sim.shutdown().await;
}
