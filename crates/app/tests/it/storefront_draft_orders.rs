//! The draft order flow over real HTTP against the simulator (DESIGN §5, §6): exact prices on
//! Shopify's line item, idempotency, and faults that must leave nothing lost and nothing doubled.

use chrono::{Duration, Utc};
use gridprice::draft_orders::duplicates;
use gridprice_storage::audit::Action;
use gridprice_storage::entities::{draft_order_records, jobs};
use gridprice_storage::stores::{self, LineItemMode, Settings};
use gridprice_storage::testing::connection;
use gridprice_storage::testing::write;
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{json, Value};

use gridprice::config::RateLimits;
use gridprice_storage::api_keys::KeyKind;

use crate::storefront_support::{demo_store, new_key, serve};
use crate::support::{shop, TestStack};

const DEMO: &str = "demo-shop.myshopify.com";
const PRODUCT: &str = "8000000000001";

fn order_body() -> Value {
    json!({ "productId": PRODUCT, "width": 450, "height": 250, "quantity": 2 })
}

async fn post_order(stack: &TestStack, body: &Value, key: Option<&str>) -> reqwest::Response {
    let mut request = stack
        .http
        .post(stack.app("/api/v1/draft-orders"))
        .header("x-api-key", stack.storefront_key())
        .json(body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.send().await.unwrap()
}

async fn sim_orders(stack: &TestStack) -> Vec<Value> {
    let listing = stack
        .sim_get(&format!("/_sim/draft-orders?shop={DEMO}"))
        .await;
    listing["draftOrders"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn faults(stack: &TestStack, faults: Value) {
    let response = stack
        .http
        .post(stack.sim("/_sim/faults"))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
}

async fn clear_faults(stack: &TestStack) {
    stack
        .http
        .delete(stack.sim("/_sim/faults"))
        .send()
        .await
        .unwrap();
}

async fn counter(stack: &TestStack) -> i64 {
    let store = stores::find_by_shop(stack.db(), &shop(DEMO))
        .await
        .unwrap()
        .unwrap();
    store.total_draft_orders_created
}

async fn records_with_status(stack: &TestStack, status: &str) -> u64 {
    draft_order_records::Entity::find()
        .filter(draft_order_records::Column::Status.eq(status))
        .count(connection(stack.db()))
        .await
        .unwrap()
}

/// The invariant of DESIGN §4/§6: Shopify's orders = created records = the counter.
async fn assert_books_balance(stack: &TestStack, expected: usize) {
    let orders = sim_orders(stack).await;
    assert_eq!(
        orders.len(),
        expected,
        "draft orders in Shopify: {orders:#?}"
    );
    assert_eq!(
        records_with_status(stack, "created").await,
        expected as u64,
        "created records"
    );
    assert_eq!(counter(stack).await, expected as i64, "the store counter");
    let mut references: Vec<String> = orders
        .iter()
        .flat_map(|o| o["tags"].as_array().cloned().unwrap_or_default())
        .filter_map(|t| t.as_str().map(str::to_owned))
        .filter(|t| t.starts_with("gridprice-ref-"))
        .collect();
    references.sort();
    references.dedup();
    assert_eq!(
        references.len(),
        expected,
        "one Shopify order per record reference"
    );
}

stack_test!(
    an_order_is_created_at_the_server_price_with_its_size_and_options,
    |stack| {
        let body = json!({
            "productId": format!("gid://shopify/Product/{PRODUCT}"),
            "width": "450", "height": 250, "quantity": 3,
            // A client price is never read.
            "price": 0.01,
            "options": [{ "optionGroupId": glass_group(stack).await, "choiceId": tempered(stack).await }]
        });
        let response = post_order(stack, &body, None).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{}",
            response.text().await.unwrap()
        );
        let created: Value = response.json().await.unwrap();
        // 450 × 250 → the 600 × 400 cell, 30.00; Tempered +15.00; Standard edge by default.
        assert_eq!(created["money"]["unitPrice"], "45.00");
        assert_eq!(created["unitPriceMinor"], 4500);
        assert_eq!(created["totalMinor"], 13500);
        assert_eq!(created["price"], 45.0);
        assert_eq!(created["basePrice"], 30.0);
        assert_eq!(created["quantity"], 3);
        assert_eq!(created["name"], "#D1");
        assert!(created["draftOrderId"]
            .as_str()
            .unwrap()
            .starts_with("gid://shopify/DraftOrder/"));
        assert!(created["checkoutUrl"].as_str().unwrap().starts_with("http"));
        assert_eq!(
            created["total"].as_str().unwrap().parse::<f64>().unwrap(),
            135.0
        );

        let orders = sim_orders(stack).await;
        let line = &orders[0]["lineItems"][0];
        assert_eq!(line["quantity"], 3);
        assert_eq!(
            line["variantId"]
                .as_str()
                .or(line["variant"]["id"].as_str()),
            Some("gid://shopify/ProductVariant/45000000000001"),
            "{line:#}"
        );
        let attributes = line["customAttributes"].to_string();
        for expected in [
            "Width",
            "450 mm",
            "Height",
            "250 mm",
            "Glass type",
            "Tempered",
            "Edge finish",
            "Standard",
        ] {
            assert!(attributes.contains(expected), "{expected} in {attributes}");
        }
        let tags = orders[0]["tags"].to_string();
        assert!(
            tags.contains("\"gridprice\"") && tags.contains("gridprice-ref-"),
            "{tags}"
        );
        assert_books_balance(stack, 1).await;
    }
);

stack_test!(custom_line_item_mode_prices_a_custom_item, |stack| {
    let store = demo_store(stack).await;
    let custom = Settings {
        line_item_mode: LineItemMode::Custom,
        ..store.settings()
    };
    write(stack.db(), store.id, Action::SettingsUpdate, async |work| {
        stores::update_settings(work, &custom).await
    })
    .await
    .unwrap();

    let response = post_order(stack, &order_body(), None).await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{}",
        response.text().await.unwrap()
    );
    let line = sim_orders(stack).await[0]["lineItems"][0].clone();
    assert_eq!(line["title"], "Glass panel", "{line:#}");
    assert!(
        line["variantId"].is_null() && line["variant"].is_null(),
        "{line:#}"
    );
    assert_books_balance(stack, 1).await;
});

stack_test!(
    twenty_concurrent_requests_with_one_key_make_one_order,
    |stack| {
        let requests = (0..20).map(|_| {
            let (http, url, key) = (
                stack.http.clone(),
                stack.app("/api/v1/draft-orders"),
                stack.storefront_key().to_owned(),
            );
            tokio::spawn(async move {
                let response = http
                    .post(url)
                    .header("x-api-key", key)
                    .header("idempotency-key", "checkout-42")
                    .json(&order_body())
                    .send()
                    .await
                    .unwrap();
                (response.status(), response.json::<Value>().await.unwrap())
            })
        });
        let mut answers = Vec::new();
        for request in requests.collect::<Vec<_>>() {
            answers.push(request.await.unwrap());
        }
        let created = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count();
        let replayed = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
        assert_eq!((created, replayed), (1, 19), "{answers:#?}");
        let first = &answers[0].1;
        assert!(
            answers.iter().all(|(_, body)| body == first),
            "every answer is the first one"
        );
        assert_books_balance(stack, 1).await;
        assert_eq!(
            draft_order_records::Entity::find()
                .count(connection(stack.db()))
                .await
                .unwrap(),
            1
        );

        let mut other = order_body();
        other["quantity"] = json!(5);
        let reused = post_order(stack, &other, Some("checkout-42")).await;
        assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_books_balance(stack, 1).await;
    }
);

stack_test!(
    shopify_5xx_and_throttling_are_retried_into_one_order,
    |stack| {
        faults(stack, json!({ "failNext": { "count": 2, "status": 503 } })).await;
        let response = post_order(stack, &order_body(), Some("k-5xx")).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{}",
            response.text().await.unwrap()
        );
        faults(stack, json!({ "throttleNext": 3 })).await;
        let response = post_order(stack, &order_body(), Some("k-throttled")).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{}",
            response.text().await.unwrap()
        );
        assert_books_balance(stack, 2).await;
    }
);

stack_test!(
    a_response_lost_after_shopify_committed_is_found_not_duplicated,
    |stack| {
        faults(stack, json!({ "dropNextDraftOrderCreate": 1 })).await;
        let response = post_order(stack, &order_body(), Some("k-dropped")).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{}",
            response.text().await.unwrap()
        );
        assert_books_balance(stack, 1).await;

        faults(
            stack,
            json!({ "timeoutNext": { "count": 1, "holdMs": 5000 } }),
        )
        .await;
        let response = post_order(stack, &order_body(), Some("k-timeout")).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{}",
            response.text().await.unwrap()
        );
        assert_books_balance(stack, 2).await;
    }
);

/// The duplicate checks scheduled so far.
async fn duplicate_checks(stack: &TestStack) -> Vec<jobs::Model> {
    jobs::Entity::find()
        .filter(jobs::Column::Kind.eq(duplicates::JOB_KIND))
        .all(connection(stack.db()))
        .await
        .unwrap()
}

stack_test!(
    a_resend_behind_a_lagging_search_index_leaves_no_duplicate,
    |stack| {
        // The first send commits but its answer is lost; the lookup before resending misses the
        // order because Shopify's search index has not seen it yet: the resend makes a second.
        faults(
            stack,
            json!({ "dropNextDraftOrderCreate": 1, "searchLagMs": 1500 }),
        )
        .await;
        let response = post_order(stack, &order_body(), Some("k-lagging")).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let answer: Value = response.json().await.unwrap();
        let orders = sim_orders(stack).await;
        assert_eq!(
            orders.len(),
            2,
            "the resend made a second order: {orders:#?}"
        );
        assert_eq!(
            orders[0]["tags"], orders[1]["tags"],
            "both carry the reference"
        );

        // The record is created once and counted once, and its check waits for the index.
        assert_eq!(records_with_status(stack, "created").await, 1);
        assert_eq!(counter(stack).await, 1);
        let checks = duplicate_checks(stack).await;
        assert_eq!(
            checks.len(),
            1,
            "one check for the record that took two sends"
        );
        assert!(checks[0].run_at > Utc::now() + Duration::seconds(60));

        // Once the index has caught up the check deletes the order nobody holds the link to.
        tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
        let state = &stack.stack.state;
        assert_eq!(
            state
                .orders
                .remove_duplicates(&checks[0].payload)
                .await
                .unwrap(),
            1
        );
        let left = sim_orders(stack).await;
        assert_eq!(left.len(), 1);
        let kept_id = left[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(
            answer["draftOrderId"],
            json!(kept_id),
            "the shopper's order is kept"
        );
        assert_books_balance(stack, 1).await;
        // Running it again (a retried job) changes nothing.
        assert_eq!(
            state
                .orders
                .remove_duplicates(&checks[0].payload)
                .await
                .unwrap(),
            0
        );
        assert_books_balance(stack, 1).await;

        // A request that needed one send schedules no check.
        clear_faults(stack).await;
        let response = post_order(stack, &order_body(), Some("k-once")).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(duplicate_checks(stack).await.len(), 1);
    }
);

stack_test!(
    an_outage_leaves_the_record_pending_until_reconciliation_completes_it,
    |stack| {
        faults(
            stack,
            json!({ "failNext": { "count": 1000, "status": 503 } }),
        )
        .await;
        let response = post_order(stack, &order_body(), Some("k-outage")).await;
        assert_eq!(
            response.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            response.text().await.unwrap()
        );
        assert!(response.headers().contains_key("retry-after"));
        assert_eq!(
            records_with_status(stack, "pending").await,
            1,
            "recorded, not lost"
        );
        assert_eq!(counter(stack).await, 0);
        let metrics = stack.metrics().await;
        assert_eq!(metrics.value("gridprice_draft_orders_pending"), 1.0);
        let pending = "gridprice_draft_order_requests_total{outcome=\"pending\"}";
        assert_eq!(metrics.value(pending), 1.0);
        assert!(metrics.value("gridprice_shopify_draft_order_sends_total") >= 1.0);

        // One of those attempts did reach Shopify: its order exists with the record's reference.
        clear_faults(stack).await;
        let record = draft_order_records::Entity::find()
            .one(connection(stack.db()))
            .await
            .unwrap()
            .unwrap();
        create_in_shopify(stack, &format!("gridprice-ref-{}", record.reference)).await;

        let report = stack
            .state()
            .orders
            .reconcile_pending(Utc::now() + Duration::minutes(1))
            .await;
        assert_eq!(report.created, 1, "{report:?}");
        assert_books_balance(stack, 1).await;
        let metrics = stack.metrics().await;
        assert_eq!(metrics.value("gridprice_draft_orders_pending"), 0.0);
        let reconciled = "gridprice_draft_orders_reconciled_total{outcome=\"created\"}";
        assert_eq!(metrics.value(reconciled), 1.0);
        let replay = post_order(stack, &order_body(), Some("k-outage")).await;
        assert_eq!(
            replay.status(),
            StatusCode::OK,
            "the key now answers with the created order"
        );
        assert!(replay.json::<Value>().await.unwrap()["name"]
            .as_str()
            .unwrap()
            .starts_with("#D"));
        let second = stack
            .state()
            .orders
            .reconcile_pending(Utc::now() + Duration::minutes(1))
            .await;
        assert_eq!(
            second,
            Default::default(),
            "nothing left to settle, nothing counted twice"
        );
        assert_books_balance(stack, 1).await;
    }
);

/// Creates a draft order in the simulator directly, as if an unanswered attempt had landed.
async fn create_in_shopify(stack: &TestStack, tag: &str) {
    let grant: Value = stack
        .http
        .post(stack.sim(&format!("/_sim/shops/{DEMO}/access-token")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mutation = "mutation($input: DraftOrderInput!) { draftOrderCreate(input: $input) { \
        draftOrder { id } userErrors { message } } }";
    let input = json!({
        "lineItems": [{ "title": "Glass panel", "quantity": 2,
            "originalUnitPriceWithCurrency": { "amount": "30.00", "currencyCode": "USD" } }],
        "tags": ["gridprice", tag],
    });
    let answer: Value = stack
        .http
        .post(stack.sim(&format!("/store/{DEMO}/admin/api/2026-10/graphql.json")))
        .header(
            "x-shopify-access-token",
            grant["access_token"].as_str().unwrap(),
        )
        .json(&json!({ "query": mutation, "variables": { "input": input } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        answer["data"]["draftOrderCreate"]["draftOrder"]["id"].is_string(),
        "{answer}"
    );
}

stack_test!(
    an_order_shopify_never_received_is_placed_by_a_retry_with_its_key,
    |stack| {
        // Every call to Shopify fails: the order cannot reach it.
        faults(stack, json!({ "errorRate": 1.0 })).await;
        let first = post_order(stack, &order_body(), Some("k-retry")).await;
        assert_eq!(first.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(first.headers().contains_key("retry-after"));
        assert_eq!(records_with_status(stack, "pending").await, 1);
        assert_books_balance(stack, 0).await;

        // Shopify is back; the storefront retries with the same key, as docs/API.md says.
        clear_faults(stack).await;
        let retry = post_order(stack, &order_body(), Some("k-retry")).await;
        assert_eq!(retry.status(), StatusCode::CREATED);
        let placed: Value = retry.json().await.unwrap();
        assert!(placed["checkoutUrl"].is_string(), "{placed}");
        assert_books_balance(stack, 1).await;

        // Retrying again answers the same order; the job finds nothing left to do.
        let again = post_order(stack, &order_body(), Some("k-retry")).await;
        assert_eq!(again.status(), StatusCode::OK);
        let again: Value = again.json().await.unwrap();
        assert_eq!(again["draftOrderId"], placed["draftOrderId"]);
        let report = stack
            .state()
            .orders
            .reconcile_pending(Utc::now() + Duration::minutes(1))
            .await;
        assert_eq!(report, Default::default());
        assert_books_balance(stack, 1).await;
    }
);

stack_test!(
    reconciliation_places_an_order_shopify_never_received_and_gives_up_after_the_window,
    |stack| {
        faults(stack, json!({ "errorRate": 1.0 })).await;
        for key in ["k-job", "k-late"] {
            let response = post_order(stack, &order_body(), Some(key)).await;
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        }
        // The second record is older than the retry window.
        let late = draft_order_records::Entity::find()
            .filter(draft_order_records::Column::IdempotencyKey.eq("k-late"))
            .one(connection(stack.db()))
            .await
            .unwrap()
            .unwrap();
        let mut row = late.into_active_model();
        row.created_at = Set(Utc::now() - Duration::hours(25));
        row.update(connection(stack.db())).await.unwrap();

        // While Shopify is still down nothing can be settled.
        let down = stack
            .state()
            .orders
            .reconcile_pending(Utc::now() + Duration::minutes(1))
            .await;
        assert_eq!((down.created, down.failed, down.still_pending), (0, 0, 2));

        clear_faults(stack).await;
        let back = stack
            .state()
            .orders
            .reconcile_pending(Utc::now() + Duration::minutes(1))
            .await;
        assert_eq!((back.created, back.failed, back.still_pending), (1, 1, 0));
        assert_books_balance(stack, 1).await;
        assert_eq!(records_with_status(stack, "failed").await, 1);
        let refused = post_order(stack, &order_body(), Some("k-late")).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
);

stack_test!(
    shopify_refusing_the_order_fails_the_record_with_a_clear_4xx,
    |stack| {
        // The store believes it sells in EUR; Shopify's shop is in USD and refuses the price.
        let id = demo_store(stack).await.id;
        let eur = pricing::Currency::from_code("EUR").unwrap();
        write(stack.db(), id, Action::StoreCurrencyUpdate, async |work| {
            stores::update_currency(work, eur).await
        })
        .await
        .unwrap();
        let response = post_order(stack, &order_body(), None).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            response.text().await.unwrap()
        );
        assert_eq!(records_with_status(stack, "failed").await, 1);
        assert_books_balance(stack, 0).await;
    }
);

stack_test!(bad_orders_are_refused_and_write_nothing, |stack| {
    let cases = [
        json!({ "width": 450, "height": 250 }),
        json!({ "productId": PRODUCT, "width": "abc", "height": 250 }),
        json!({ "productId": PRODUCT, "width": 0, "height": 250 }),
        json!({ "productId": PRODUCT, "width": 450.00001, "height": 250 }),
        json!({ "productId": PRODUCT, "width": 450, "height": 250, "quantity": 0 }),
        json!({ "productId": PRODUCT, "width": 450, "height": 250, "quantity": 10001 }),
        json!({ "productId": PRODUCT, "width": 450, "height": 250, "unit": "yd" }),
        json!({ "productId": PRODUCT, "width": 5000, "height": 250 }),
        json!({ "productId": PRODUCT, "width": 450, "height": 250, "options": [{ "optionGroupId": 999999, "choiceId": 1 }] }),
        json!({ "productId": PRODUCT, "width": 450, "height": 250, "variantId": "gid://shopify/ProductVariant/1" }),
    ];
    for body in cases {
        let response = post_order(stack, &body, None).await;
        let status = response.status();
        let problem: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {problem}");
        assert_eq!(problem["status"], 400);
    }
    let unknown = post_order(
        stack,
        &json!({ "productId": "123", "width": 450, "height": 250 }),
        None,
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let not_json = stack
        .http
        .post(stack.app("/api/v1/draft-orders"))
        .header("x-api-key", stack.storefront_key())
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    let refusals = [
        // Over the 16 KiB body limit.
        (
            "application/json",
            format!("{{\"pad\":\"{}\"}}", "x".repeat(20 * 1024)),
            413,
        ),
        // JSON without saying so.
        ("text/plain", order_body().to_string(), 415),
    ];
    for (content_type, body, status) in refusals {
        let response = stack
            .http
            .post(stack.app("/api/v1/draft-orders"))
            .header("x-api-key", stack.storefront_key())
            .header("content-type", content_type)
            .header("origin", "https://shop.example")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            "https://shop.example"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], status);
    }
    let long_key = "k".repeat(300);
    assert_eq!(
        post_order(stack, &order_body(), Some(&long_key))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        draft_order_records::Entity::find()
            .count(connection(stack.db()))
            .await
            .unwrap(),
        0
    );
    assert_books_balance(stack, 0).await;
});

async fn glass_group(stack: &TestStack) -> i64 {
    option_ids(stack, "Glass type", None).await
}

async fn tempered(stack: &TestStack) -> i64 {
    option_ids(stack, "Glass type", Some("Tempered")).await
}

/// Ids of the demo option groups, read through the storefront options endpoint.
async fn option_ids(stack: &TestStack, group: &str, choice: Option<&str>) -> i64 {
    let options: Value = stack
        .http
        .get(stack.app(&format!("/api/v1/products/{PRODUCT}/options")))
        .header("x-api-key", stack.storefront_key())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let group = options["optionGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == group)
        .unwrap();
    match choice {
        None => group["id"].as_i64().unwrap(),
        Some(label) => group["choices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["label"] == label)
            .unwrap()["id"]
            .as_i64()
            .unwrap(),
    }
}

stack_test!(
    the_openapi_document_describes_the_real_draft_order_answer,
    |stack| {
        let doc: Value = stack
            .http
            .get(stack.app("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let operation = &doc["paths"]["/api/v1/draft-orders"]["post"];
        assert!(
            operation.is_object(),
            "the draft order endpoint is documented"
        );
        let created: Value = post_order(stack, &order_body(), None)
            .await
            .json()
            .await
            .unwrap();
        let schema = crate::storefront_cache::response_schema(operation, "201", "application/json");
        crate::storefront_cache::conforms(&doc, &schema, &created, "draft order");

        let get = stack
            .http
            .get(stack.app("/api/v1/draft-orders"))
            .header("x-api-key", stack.storefront_key())
            .send()
            .await
            .unwrap();
        assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(get.headers()["allow"], "POST, OPTIONS");
    }
);

stack_test!(
    a_merchant_test_order_goes_through_shopify_and_is_audited,
    |stack| {
        let token = stack.admin_token().await;
        let matrices: Value = stack
            .http
            .get(stack.app("/app/api/matrices"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let matrix = matrices
            .as_array()
            .or(matrices["matrices"].as_array())
            .unwrap()[0]["id"]
            .as_i64()
            .unwrap();
        let url = stack.app(&format!("/app/api/matrices/{matrix}/test-draft-order"));
        let response = stack
            .http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({ "width": 600, "height": 400 }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{}",
            response.text().await.unwrap()
        );
        let created: Value = response.json().await.unwrap();
        assert_eq!(created["money"]["unitPrice"], "30.00");
        assert_books_balance(stack, 1).await;

        let foreign = json!({ "productId": "123", "width": 600, "height": 400 });
        let refused = stack
            .http
            .post(&url)
            .bearer_auth(&token)
            .json(&foreign)
            .send()
            .await
            .unwrap();
        assert_eq!(
            refused.status(),
            StatusCode::BAD_REQUEST,
            "only products this matrix prices"
        );
        let no_session = stack
            .http
            .post(&url)
            .json(&json!({ "width": 600, "height": 400 }))
            .send()
            .await
            .unwrap();
        assert_eq!(no_session.status(), StatusCode::UNAUTHORIZED);
        let audit: Value = stack
            .http
            .get(stack.app("/app/api/audit-log"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(audit.to_string().contains("draft_order.test"), "{audit}");
        assert_books_balance(stack, 1).await;
    }
);

stack_test!(an_uninstalled_store_stops_taking_orders_at_once, |stack| {
    assert_eq!(
        post_order(stack, &order_body(), None).await.status(),
        StatusCode::CREATED
    );
    stack.uninstall(DEMO).await;
    let mut status = StatusCode::CREATED;
    for _ in 0..100 {
        status = post_order(stack, &order_body(), None).await.status();
        if status == StatusCode::UNAUTHORIZED {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the webhook reached the in-memory catalogue"
    );
    assert_books_balance(stack, 1).await;
});

stack_test!(
    a_replay_is_answered_from_its_record_after_the_catalogue_changed,
    |stack| {
        let first = post_order(stack, &order_body(), Some("k-replay")).await;
        assert_eq!(first.status(), StatusCode::CREATED);
        let first: Value = first.json().await.unwrap();
        let unassign = stack
            .http
            .delete(stack.app(&format!("/app/api/products/{PRODUCT}/matrix")))
            .bearer_auth(stack.admin_token().await)
            .send()
            .await
            .unwrap();
        assert_eq!(unassign.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            post_order(stack, &order_body(), None).await.status(),
            StatusCode::NOT_FOUND
        );

        let replay = post_order(stack, &order_body(), Some("k-replay")).await;
        assert_eq!(replay.status(), StatusCode::OK);
        assert_eq!(replay.json::<Value>().await.unwrap(), first);
        assert_books_balance(stack, 1).await;
    }
);

stack_test!(
    new_orders_have_their_own_limits_and_repeats_of_a_key_do_not_count,
    |stack| {
        let limits = |per_ip: &str, per_key: &str| RateLimits {
            orders_per_ip: per_ip.parse().unwrap(),
            orders_per_key: per_key.parse().unwrap(),
            ..stack.state().rate_limits.clone()
        };
        // Per client: bursts of 2, then one every 100 s.
        let (base, stop) = serve(
            stack
                .state()
                .clone()
                .with_rate_limits(limits("0.01,2", "1000,1000")),
        )
        .await;
        let post = |key: &'static str, api_key: String| {
            let http = stack.http.clone();
            let url = format!("{base}/api/v1/draft-orders");
            async move {
                http.post(url)
                    .header("x-api-key", api_key)
                    .header("idempotency-key", key)
                    .json(&order_body())
                    .send()
                    .await
                    .unwrap()
            }
        };
        let key = stack.storefront_key().to_owned();
        assert_eq!(
            post("limit-1", key.clone()).await.status(),
            StatusCode::CREATED
        );
        assert_eq!(
            post("limit-2", key.clone()).await.status(),
            StatusCode::CREATED
        );
        let limited = post("limit-3", key.clone()).await;
        assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            limited.headers()["content-type"],
            "application/problem+json"
        );
        let retry: u64 = limited.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((90..=100).contains(&retry), "{retry}");
        let problem: Value = limited.json().await.unwrap();
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("new draft orders"),
            "{problem}"
        );
        // A repeat is answered from its record, however often.
        for _ in 0..3 {
            assert_eq!(post("limit-1", key.clone()).await.status(), StatusCode::OK);
        }
        // Prices are not orders: their own limits still let them through.
        let price = stack
            .http
            .get(format!(
                "{base}/api/v1/products/{PRODUCT}/price?width=450&height=250"
            ))
            .header("x-api-key", &key)
            .send()
            .await
            .unwrap();
        assert_eq!(price.status(), StatusCode::OK);
        stop.cancel();
        assert_books_balance(stack, 2).await;

        // Per key: one new order, then the key waits; another key of the store does not.
        let (base, stop) = serve(
            stack
                .state()
                .clone()
                .with_rate_limits(limits("1000,1000", "0.01,1")),
        )
        .await;
        let post = |key: String, api_key: String| {
            let http = stack.http.clone();
            let url = format!("{base}/api/v1/draft-orders");
            async move {
                http.post(url)
                    .header("x-api-key", api_key)
                    .header("idempotency-key", key)
                    .json(&order_body())
                    .send()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            post("by-key-1".into(), key.clone()).await.status(),
            StatusCode::CREATED
        );
        assert_eq!(
            post("by-key-2".into(), key.clone()).await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        let store = demo_store(stack).await;
        let (_, other) = new_key(stack, &store, KeyKind::Publishable, &[]).await;
        assert_eq!(
            post("by-key-3".into(), other).await.status(),
            StatusCode::CREATED
        );
        stop.cancel();
        assert_books_balance(stack, 4).await;
    }
);
