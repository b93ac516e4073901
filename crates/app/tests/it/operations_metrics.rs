//! `/metrics` as an operator reads it: what the storefront and the draft order flow count, on a
//! real stack over HTTP (the bearer token and the `serve` wiring are in `server.rs`).

use reqwest::StatusCode;
use serde_json::json;

use crate::storefront_support::{get, get_with, price_path};
use crate::support::{Scrape, TestStack};

const PRICE_200: &str = "gridprice_http_requests_total{route=\"storefront_price\",code=\"200\"}";
const PRICE_401: &str = "gridprice_http_requests_total{route=\"storefront_price\",code=\"401\"}";
const PRICE_TIMED: &str =
    "gridprice_http_request_duration_seconds_count{route=\"storefront_price\"}";
const ORDER_201: &str =
    "gridprice_http_requests_total{route=\"storefront_draft_order\",code=\"201\"}";
const ORDER_200: &str =
    "gridprice_http_requests_total{route=\"storefront_draft_order\",code=\"200\"}";
const CREATED: &str = "gridprice_draft_order_requests_total{outcome=\"created\"}";
const REPLAYED: &str = "gridprice_draft_order_requests_total{outcome=\"replayed\"}";
const SENDS: &str = "gridprice_shopify_draft_order_sends_total";
const PRODUCT_LOADS: &str = "gridprice_catalog_loads_total{kind=\"product\"}";
const KEY_LOADS: &str = "gridprice_catalog_loads_total{kind=\"key\"}";

fn grew(before: &Scrape, after: &Scrape, series: &str) -> f64 {
    after.value(series) - before.value(series)
}

async fn price(stack: &TestStack) {
    let answer = get(stack, &price_path("width=450&height=250")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
}

stack_test!(storefront_requests_and_draft_orders_are_counted, |stack| {
    let before = stack.metrics().await;
    price(stack).await;
    price(stack).await;
    let unknown = get_with(
        stack,
        &price_path("width=450&height=250"),
        Some("gp_pk_nope"),
        None,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let order = json!({ "productId": "8000000000001", "width": 450, "height": 250 });
    for expected in [StatusCode::CREATED, StatusCode::OK] {
        let response = stack
            .http
            .post(stack.app("/api/v1/draft-orders"))
            .header("x-api-key", stack.storefront_key())
            .header("idempotency-key", "metrics-1")
            .json(&order)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected);
    }
    let after = stack.metrics().await;

    assert_eq!(grew(&before, &after, PRICE_200), 2.0, "{}", after.0);
    assert_eq!(grew(&before, &after, PRICE_401), 1.0);
    assert_eq!(grew(&before, &after, PRICE_TIMED), 3.0);
    assert_eq!(grew(&before, &after, ORDER_201), 1.0);
    assert_eq!(grew(&before, &after, ORDER_200), 1.0, "the replay");
    assert_eq!(grew(&before, &after, CREATED), 1.0);
    assert_eq!(grew(&before, &after, REPLAYED), 1.0);
    assert_eq!(grew(&before, &after, SENDS), 1.0, "one send, no retry");
    assert_eq!(after.value("gridprice_draft_orders_pending"), 0.0);
    assert_eq!(after.value("gridprice_database_up"), 1.0);
});

stack_test!(
    warm_price_requests_load_nothing_from_the_database,
    |stack| {
        // Until the cache is warm (on PostgreSQL the seeding's own notifications may still arrive
        // and drop what the first requests loaded), a request may load; a warm cache never does.
        let mut warm = false;
        for _ in 0..100 {
            let before = stack.metrics().await;
            price(stack).await;
            let after = stack.metrics().await;
            if grew(&before, &after, PRODUCT_LOADS) == 0.0
                && grew(&before, &after, KEY_LOADS) == 0.0
            {
                warm = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(warm, "the catalogue never got warm");
        let before = stack.metrics().await;
        for series in [PRODUCT_LOADS, KEY_LOADS] {
            let cold = before.sample(series);
            assert!(
                cold.is_some_and(|n| n >= 1.0),
                "the cold load was counted: {series}"
            );
        }
        for _ in 0..5 {
            price(stack).await;
        }
        let after = stack.metrics().await;
        assert_eq!(grew(&before, &after, PRICE_200), 5.0);
        assert_eq!(grew(&before, &after, PRODUCT_LOADS), 0.0, "{}", after.0);
        assert_eq!(grew(&before, &after, KEY_LOADS), 0.0);
    }
);
