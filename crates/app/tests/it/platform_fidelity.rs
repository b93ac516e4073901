//! Issue 15, "Platform fidelity": what the real Shopify does — protected customer data, the
//! bounce page, webhook header sets, draft order totals, the OAuth callback window — handled by
//! the app, against the simulator over real HTTP, on SQLite and PostgreSQL. (Token revocation
//! and the lost migration answer are in `offline_tokens`.)

use std::str::FromStr;
use std::time::Duration;

use chrono::Utc;
use gridprice_storage::draft_orders::{self as records, Inserted};
use gridprice_storage::entities::{draft_order_records, webhook_events};
use gridprice_storage::testing::{connection, new_record};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::admin_support::Admin;
use crate::storefront_support::demo_store;
use crate::support::{eventually, TestStack};

const DEMO: &str = "demo-shop.myshopify.com";

// --- helpers -----------------------------------------------------------------------------------

async fn sim_send(stack: &TestStack, method: reqwest::Method, path: &str, body: Value) -> Value {
    let response = stack
        .http
        .request(method, stack.sim(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn approve_protected_customer_data(stack: &TestStack, approved: bool) {
    let body = json!({ "protectedCustomerDataApproved": approved });
    sim_send(stack, reqwest::Method::PUT, "/_sim/config", body).await;
}

async fn sim_stat(stack: &TestStack, name: &str) -> u64 {
    let stats = stack.sim_get("/_sim/requests").await;
    stats["shops"][DEMO][name].as_u64().unwrap_or_default()
}

async fn post_order(stack: &TestStack, key: &str) -> reqwest::Response {
    stack
        .http
        .post(stack.app("/api/v1/draft-orders"))
        .header("x-api-key", stack.storefront_key())
        .header("idempotency-key", key)
        .json(&json!({ "productId": "8000000000001", "width": 450, "height": 250, "quantity": 2 }))
        .send()
        .await
        .unwrap()
}

async fn record_by_key(stack: &TestStack, key: &str) -> draft_order_records::Model {
    draft_order_records::Entity::find()
        .filter(draft_order_records::Column::IdempotencyKey.eq(key))
        .one(connection(stack.db()))
        .await
        .unwrap()
        .expect("a record with this key")
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// HMAC-SHA256 (RFC 2104), computed here rather than with the app's or the simulator's code.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<_>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

fn api_secret(stack: &TestStack) -> String {
    let credentials = &stack.state().shopify.config().credentials;
    credentials.api_secret.expose_secret().to_owned()
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

// --- 2. protected customer data ----------------------------------------------------------------

stack_test!(
    an_app_not_approved_for_protected_customer_data_fails_the_order_once_with_what_to_request,
    |stack| {
        approve_protected_customer_data(stack, false).await;
        let graphql_before = sim_stat(stack, "graphql").await;

        let response = post_order(stack, "pcd-1").await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(
            !response.headers().contains_key("retry-after"),
            "not to be retried"
        );
        let problem: Value = response.json().await.unwrap();
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("protected customer data"), "{detail}");
        assert!(detail.contains("Partner Dashboard"), "{detail}");

        let record = record_by_key(stack, "pcd-1").await;
        assert_eq!(record.status, "failed");
        assert_eq!(record.attempts, 1, "sent once, never retried");
        let reason = record.error.unwrap();
        assert!(
            reason.contains("request access to protected customer data"),
            "{reason}"
        );
        assert_eq!(
            sim_stat(stack, "graphql").await,
            graphql_before + 1,
            "no retry and no lookup: every call would be denied the same way"
        );

        // The merchant sees the failure and what to do in the admin.
        let admin = Admin::demo(stack).await;
        let listing = admin.get("/app/api/draft-orders?status=failed").await;
        assert_eq!(listing.status, StatusCode::OK);
        let shown = listing.body["records"][0]["error"].as_str().unwrap();
        assert!(shown.contains("Partner Dashboard"), "{shown}");

        // A retry with the key gets the recorded outcome; nothing is sent again.
        let replay = post_order(stack, "pcd-1").await;
        assert_eq!(replay.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(sim_stat(stack, "graphql").await, graphql_before + 1);

        // Once Shopify approves the app, orders go through.
        approve_protected_customer_data(stack, true).await;
        assert_eq!(
            post_order(stack, "pcd-2").await.status(),
            StatusCode::CREATED
        );
    }
);

stack_test!(
    reconciliation_fails_a_pending_record_that_shopify_denies_protected_customer_data,
    |stack| {
        let store = demo_store(stack).await;
        let lease_gone = Utc::now() - chrono::Duration::seconds(1);
        let new = new_record(None, Some("pcd-pending"));
        let Inserted::New(record) = records::insert_pending(stack.db(), store.id, new, lease_gone)
            .await
            .unwrap()
        else {
            panic!("a new record");
        };
        approve_protected_customer_data(stack, false).await;

        let report = stack
            .state()
            .orders
            .reconcile_pending(Utc::now() + chrono::Duration::minutes(1))
            .await;
        assert_eq!(report.failed, 1, "{report:?}");
        let record = records::get(stack.db(), store.id, record.id).await.unwrap();
        assert_eq!(record.status, records::RecordStatus::Failed);
        let reason = record.error.unwrap();
        assert!(reason.contains("protected customer data"), "{reason}");
        let again = stack
            .state()
            .orders
            .reconcile_pending(Utc::now() + chrono::Duration::minutes(1))
            .await;
        assert_eq!(again, Default::default(), "settled for good");
    }
);

// --- 3. the bounce page ------------------------------------------------------------------------

stack_test!(
    an_expired_id_token_bounces_keeping_the_query_with_the_pages_csp_and_recovers,
    |stack| {
        let minted = sim_send(
            stack,
            reqwest::Method::POST,
            "/_sim/session-token",
            json!({ "shop": DEMO, "expiresIn": -120 }),
        )
        .await;
        let expired = minted["idToken"].as_str().unwrap();
        let client = no_redirects();
        let load = format!("/?embedded=1&shop={DEMO}&host=aG9zdA&locale=de&id_token={expired}");
        let response = client.get(stack.app(&load)).send().await.unwrap();
        assert!(response.status().is_redirection(), "{}", response.status());
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let bounce = url::Url::parse(&stack.app(&location)).unwrap();
        assert_eq!(bounce.path(), "/bounce");
        let params: Vec<(String, String)> = bounce.query_pairs().into_owned().collect();
        let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["embedded", "shop", "host", "locale", "shopify-reload"],
            "the query kept without id_token: {location}"
        );
        let reload = &params[4].1;
        assert_eq!(
            reload,
            &stack.app(&format!("/?embedded=1&shop={DEMO}&host=aG9zdA&locale=de")),
            "shopify-reload is the page with the same query"
        );

        let page = client.get(bounce.as_str()).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let policy = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let sim_origin = stack.sim("");
        let sim_origin = sim_origin.trim_end_matches('/');
        for ancestor in [
            format!("https://{DEMO}"),
            "https://admin.shopify.com".to_owned(),
            sim_origin.to_owned(),
        ] {
            assert!(policy.contains(&ancestor), "{ancestor} in {policy}");
        }
        assert!(policy.starts_with("frame-ancestors "), "{policy}");
        let html = page.text().await.unwrap();
        assert!(html.contains("app-bridge.js") && html.contains("shopify-api-key"));

        // What App Bridge does there: a fresh session token, and `shopify-reload` loaded with it.
        let fresh = stack.admin_token().await;
        let again = client
            .get(format!("{reload}&id_token={fresh}"))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::OK, "the page loads again");
        let same_policy = again.headers()["content-security-policy"].to_str().unwrap();
        assert_eq!(same_policy, policy, "the bounce page sends the pages' CSP");
    }
);

// --- 4. webhook header sets --------------------------------------------------------------------

stack_test!(
    a_delivery_without_event_id_or_triggered_at_is_accepted_and_its_duplicate_is_harmless,
    |stack| {
        let report = sim_send(
            stack,
            reqwest::Method::POST,
            "/_sim/webhooks",
            json!({
                "shop": DEMO, "topic": "shop/update", "payload": { "currency": "USD" },
                "duplicate": true,
                "omitHeaders": ["X-Shopify-Event-Id", "X-Shopify-Triggered-At"],
            }),
        )
        .await;
        let headers = report["headers"].to_string();
        assert!(
            !headers.contains("Event-Id") && !headers.contains("Triggered-At"),
            "{headers}"
        );
        let deliveries = report["deliveries"].as_array().unwrap();
        assert_eq!(deliveries.len(), 2, "{report}");
        for delivery in deliveries {
            assert_eq!(delivery["status"], 200, "acknowledged: {report}");
        }
        let db = connection(stack.db());
        eventually("the delivery is processed", || async {
            let event = webhook_events::Entity::find().one(db).await.unwrap();
            event.is_some_and(|e| e.processed_at.is_some())
        })
        .await;
        let events = webhook_events::Entity::find().all(db).await.unwrap();
        assert_eq!(events.len(), 1, "taken once");
        let webhook_id = report["webhookId"].as_str().unwrap();
        assert_eq!(
            events[0].dedupe_key.as_deref(),
            Some(webhook_id),
            "deduplicated by webhook id without an event id"
        );
    }
);

/// A delivery signed as Shopify signs it, with the headers given.
async fn deliver_signed(stack: &TestStack, headers: &[(&str, &str)], body: &str) -> StatusCode {
    let hmac = hmac_sha256(api_secret(stack).as_bytes(), body.as_bytes());
    let mut request = stack
        .http
        .post(stack.app("/webhooks"))
        .header("content-type", "application/json")
        .header(
            "x-shopify-hmac-sha256",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, hmac),
        );
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(body.to_owned()).send().await.unwrap().status()
}

stack_test!(
    the_same_event_delivered_under_two_webhook_ids_is_taken_once,
    |stack| {
        let body = r#"{"currency":"USD"}"#;
        let common = [
            ("x-shopify-topic", "shop/update"),
            ("x-shopify-shop-domain", DEMO),
            ("x-shopify-api-version", "2026-10"),
            ("x-shopify-event-id", "4f3c1a52-7a4e-4a8e-9d61-0f6e1c1f5e11"),
        ];
        for webhook_id in ["b1c8e0a2-first", "b1c8e0a2-second"] {
            let mut headers = common.to_vec();
            headers.push(("x-shopify-webhook-id", webhook_id));
            assert_eq!(deliver_signed(stack, &headers, body).await, StatusCode::OK);
        }
        let db = connection(stack.db());
        let events = webhook_events::Entity::find().count(db).await.unwrap();
        assert_eq!(events, 1, "one event, deduplicated by its event id");
    }
);

// --- 6. totals and locked prices ---------------------------------------------------------------

stack_test!(
    shopifys_totals_are_recorded_and_a_discounted_line_is_flagged,
    |stack| {
        let pricing = json!({
            "taxRate": "0.2",
            "automaticDiscount": { "title": "Summer", "percentage": "10" },
        });
        let path = format!("/_sim/shops/{DEMO}/pricing");
        sim_send(stack, reqwest::Method::PUT, &path, pricing).await;
        let admin = Admin::demo(stack).await;
        let settings = admin.get("/app/api/settings").await;
        assert_eq!(
            settings.body["acceptAutomaticDiscounts"], false,
            "off by default"
        );

        // Off: the locked price is Shopify's line price; tax is added on top.
        assert_eq!(
            post_order(stack, "locked").await.status(),
            StatusCode::CREATED
        );
        let locked = record_by_key(stack, "locked").await;
        let unit = Decimal::new(locked.unit_price_minor, 2);
        let total = Decimal::new(locked.total_minor, 2);
        assert_eq!(locked.shopify_price_differs, Some(false));
        assert_eq!(decimal(locked.shopify_unit_price.as_deref().unwrap()), unit);
        let tax = (total * decimal("0.2")).round_dp(2);
        assert_eq!(decimal(locked.shopify_total_tax.as_deref().unwrap()), tax);
        assert_eq!(
            decimal(locked.shopify_total_discounts.as_deref().unwrap()),
            Decimal::ZERO
        );
        assert_eq!(
            decimal(locked.shopify_total.as_deref().unwrap()),
            total + tax
        );
        let sim_orders = stack
            .sim_get(&format!("/_sim/draft-orders?shop={DEMO}"))
            .await;
        assert_eq!(
            sim_orders["draftOrders"][0]["acceptAutomaticDiscounts"],
            false
        );

        // The merchant accepts automatic discounts: Shopify takes 10 % off, which is flagged.
        let patched = admin
            .patch(
                "/app/api/settings",
                json!({ "acceptAutomaticDiscounts": true }),
            )
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{patched:?}");
        assert_eq!(patched.body["acceptAutomaticDiscounts"], true);
        assert_eq!(
            admin.get("/app/api/settings").await.body["acceptAutomaticDiscounts"],
            true
        );
        assert_eq!(
            post_order(stack, "discounted").await.status(),
            StatusCode::CREATED
        );
        let discounted = record_by_key(stack, "discounted").await;
        assert_eq!(discounted.shopify_price_differs, Some(true));
        let discount = (total * decimal("0.1")).round_dp(2);
        assert_eq!(
            decimal(discounted.shopify_total_discounts.as_deref().unwrap()),
            discount
        );
        let shown = admin
            .get(&format!("/app/api/draft-orders/{}", discounted.id))
            .await;
        assert_eq!(shown.status, StatusCode::OK);
        assert_eq!(shown.body["shopifyPriceDiffers"], true, "{:?}", shown.body);
        assert_eq!(
            decimal(shown.body["shopifyUnitPrice"].as_str().unwrap()),
            unit
        );
        assert!(shown.body["shopifyTotalTax"].is_string());
        let unflagged = admin
            .get(&format!("/app/api/draft-orders/{}", locked.id))
            .await;
        assert_eq!(unflagged.body["shopifyPriceDiffers"], false);
    }
);

// --- 7. the OAuth callback window --------------------------------------------------------------

/// Starts an install and answers it as Shopify would have `age_secs` ago (a correct HMAC).
async fn callback_aged(stack: &TestStack, age_secs: i64) -> (StatusCode, String) {
    let client = no_redirects();
    let begun = client
        .get(stack.app(&format!("/auth?shop={DEMO}")))
        .send()
        .await
        .unwrap();
    let location = url::Url::parse(begun.headers()["location"].to_str().unwrap()).unwrap();
    let state = location
        .query_pairs()
        .find(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned())
        .expect("a state nonce");
    let timestamp = (Utc::now().timestamp() - age_secs).to_string();
    let params = [
        ("code", "not-a-real-code"),
        ("host", "aG9zdA"),
        ("shop", DEMO),
        ("state", state.as_str()),
        ("timestamp", timestamp.as_str()),
    ];
    // Sorted by name, `name=value` joined by `&` (no value here needs escaping).
    let message = params
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&");
    let hmac = hex::encode(hmac_sha256(
        api_secret(stack).as_bytes(),
        message.as_bytes(),
    ));
    let response = client
        .get(stack.app(&format!("/auth/callback?{message}&hmac={hmac}")))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let problem: Value = response.json().await.unwrap_or(Value::Null);
    (
        status,
        problem["detail"].as_str().unwrap_or_default().to_owned(),
    )
}

stack_test!(
    an_install_callback_older_than_shopifys_90_seconds_is_refused,
    |stack| {
        assert_eq!(gridprice::auth::CALLBACK_MAX_AGE, Duration::from_secs(90));
        let (status, detail) = callback_aged(stack, 120).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(detail.contains("callback is not valid"), "{detail}");

        // Within the window the callback passes verification (and then fails on its made-up
        // code, at Shopify).
        let (_, detail) = callback_aged(stack, 60).await;
        assert!(!detail.contains("callback is not valid"), "{detail}");
    }
);
