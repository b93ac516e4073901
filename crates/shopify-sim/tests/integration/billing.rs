//! The Billing API over real HTTP: appSubscriptionCreate → the confirmation page's forms →
//! returnUrl with charge_id → activeSubscriptions; decline, replacement, cancel, freeze, trial
//! end, expiry, uninstall, user errors, other shops' charges, and the signed
//! `app_subscriptions/update` webhook.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use shopify_sim::{SimConfig, SimHandle, DEMO_SHOP};

use crate::common::*;

const OTHER_SHOP: &str = "other-shop.myshopify.com";

const CREATE: &str = r#"
mutation Create($name: String!, $lineItems: [AppSubscriptionLineItemInput!]!, $returnUrl: URL!,
                $trialDays: Int, $test: Boolean, $replacementBehavior: AppSubscriptionReplacementBehavior) {
  appSubscriptionCreate(name: $name, lineItems: $lineItems, returnUrl: $returnUrl, trialDays: $trialDays,
                        test: $test, replacementBehavior: $replacementBehavior) {
    appSubscription {
      id name status test trialDays createdAt currentPeriodEnd returnUrl
      lineItems {
        id
        plan { pricingDetails { __typename ... on AppRecurringPricing { price { amount currencyCode } interval planHandle } } }
      }
    }
    confirmationUrl
    userErrors { field message }
  }
}"#;

const INSTALLATION: &str = r#"
{ currentAppInstallation {
    id launchUrl
    activeSubscriptions { id name status test trialDays currentPeriodEnd createdAt
      lineItems { plan { pricingDetails { ... on AppRecurringPricing { price { amount currencyCode } interval } } } } }
    allSubscriptions(first: 20) { nodes { id status } }
} }"#;

const CANCEL: &str = r#"
mutation Cancel($id: ID!, $prorate: Boolean) {
  appSubscriptionCancel(id: $id, prorate: $prorate) {
    appSubscription { id status currentPeriodEnd }
    userErrors { field message }
  }
}"#;

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A tiny app recording the webhooks it receives at `/webhooks`.
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

/// Billing webhooks arrive in the background: wait until `count` of them are in.
async fn webhooks(received: &Received, count: usize) -> Vec<(HeaderMap, Value)> {
    for _ in 0..100 {
        let got = received.lock().unwrap().clone();
        if got.len() >= count {
            return got
                .into_iter()
                .map(|(h, b)| {
                    assert_eq!(
                        h["x-shopify-hmac-sha256"].to_str().unwrap(),
                        hmac_base64(&b)
                    );
                    (h, serde_json::from_slice(&b).unwrap())
                })
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "expected {count} webhooks, got {}",
        received.lock().unwrap().len()
    );
}

struct Setup {
    sim: SimHandle,
    app_url: String,
    received: Received,
    token: String,
}

/// A simulator whose app only has `read_products`: billing needs no scope.
async fn setup() -> Setup {
    let (app_url, received) = receiver().await;
    let sim = start_with(SimConfig {
        scopes: "read_products".into(),
        ..config(&app_url)
    })
    .await;
    let token = token(&sim, DEMO_SHOP).await;
    Setup {
        sim,
        app_url,
        received,
        token,
    }
}

fn pro(app_url: &str, trial_days: i64) -> Value {
    json!({
        "name": "Pro",
        "returnUrl": format!("{app_url}/app/billing?plan=pro"),
        "trialDays": trial_days,
        "test": true,
        "lineItems": [{ "plan": { "appRecurringPricingDetails": {
            "price": { "amount": "19.00", "currencyCode": "USD" }, "interval": "EVERY_30_DAYS" } } }],
    })
}

async fn create(s: &Setup, variables: Value) -> Value {
    let (status, body) = gql(&s.sim, DEMO_SHOP, &s.token, CREATE, variables).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["appSubscriptionCreate"].clone()
}

async fn installation(sim: &SimHandle, shop: &str, token: &str) -> Value {
    let (status, body) = gql(sim, shop, token, INSTALLATION, Value::Null).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["currentAppInstallation"].clone()
}

fn numeric(gid: &Value) -> String {
    gid.as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn unescape(html: &str) -> String {
    html.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The value of `attr="…"` on the first tag containing `marker`.
fn attribute(html: &str, marker: &str, attr: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in page"));
    let tag_start = html[..at].rfind('<').unwrap();
    let tag = &html[tag_start..at + html[at..].find('>').unwrap()];
    let needle = format!("{attr}=\"");
    let start = tag.find(&needle).unwrap() + needle.len();
    unescape(&tag[start..start + tag[start..].find('"').unwrap()])
}

/// Opens the confirmation page and submits its form with the button `decision`, as a browser
/// does; returns the answer.
async fn answer(sim: &SimHandle, confirmation_url: &str, decision: &str) -> reqwest::Response {
    let (status, _, page) = get_text(confirmation_url).await;
    assert_eq!(status, 200, "{page}");
    let action = attribute(&page, "method=\"post\"", "action");
    let signature = attribute(&page, "name=\"signature\"", "value");
    assert!(page.contains(&format!("name=\"decision\" value=\"{decision}\"")));
    client()
        .post(format!("{}{action}", sim.base_url()))
        .form(&[("decision", decision), ("signature", &signature)])
        .send()
        .await
        .unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn sim_post(sim: &SimHandle, path: &str) -> (u16, Value) {
    post_json(&format!("{}{path}", sim.base_url()), json!({})).await
}

#[tokio::test]
async fn create_confirm_active_cancel() {
    let s = setup().await;
    let created = create(&s, pro(&s.app_url, 14)).await;
    assert_eq!(created["userErrors"], json!([]));
    let sub = &created["appSubscription"];
    let id = sub["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("gid://shopify/AppSubscription/"));
    assert_eq!(sub["status"], "PENDING");
    assert_eq!(sub["name"], "Pro");
    assert_eq!(sub["test"], true);
    assert_eq!(sub["trialDays"], 14);
    assert_eq!(sub["currentPeriodEnd"], Value::Null);
    let item = &sub["lineItems"][0];
    assert_eq!(
        item["id"],
        format!(
            "gid://shopify/AppSubscriptionLineItem/{}?v=1&index=0",
            numeric(&sub["id"])
        )
    );
    assert_eq!(
        item["plan"]["pricingDetails"],
        json!({ "__typename": "AppRecurringPricing", "price": { "amount": "19.0", "currencyCode": "USD" },
                "interval": "EVERY_30_DAYS", "planHandle": null })
    );
    let confirmation = created["confirmationUrl"].as_str().unwrap();
    assert!(
        confirmation.starts_with(&format!(
            "{}/admin/charges/{API_KEY}/{}/RecurringApplicationCharge/confirm_recurring_application_charge?signature=",
            s.sim.shop_url(DEMO_SHOP),
            numeric(&sub["id"])
        )),
        "{confirmation}"
    );

    // Pending is not active, but is in allSubscriptions.
    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    assert_eq!(install["activeSubscriptions"], json!([]));
    assert_eq!(
        install["allSubscriptions"]["nodes"],
        json!([{ "id": id, "status": "PENDING" }])
    );
    assert!(install["id"]
        .as_str()
        .unwrap()
        .starts_with("gid://shopify/AppInstallation/"));

    // The page says what the merchant approves.
    let (status, headers, page) = get_text(confirmation).await;
    assert_eq!(status, 200);
    assert_eq!(headers["cache-control"], "no-store");
    for text in [
        "<h1 class=\"sa-page-title\">Approve subscription</h1>",
        "<strong>Pro</strong>",
        "19.00 USD every 30 days",
        "14-day free trial",
        "Test charge",
        ">Approve</button>",
        ">Decline</button>",
    ] {
        assert!(page.contains(text), "{text} missing");
    }

    let approved = answer(&s.sim, confirmation, "approve").await;
    assert_eq!(approved.status(), 303);
    assert_eq!(
        location(&approved),
        format!(
            "{}/app/billing?plan=pro&charge_id={}",
            s.app_url,
            numeric(&sub["id"])
        )
    );

    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    let active = &install["activeSubscriptions"];
    assert_eq!(active.as_array().unwrap().len(), 1);
    assert_eq!(active[0]["id"], id);
    assert_eq!(active[0]["status"], "ACTIVE");
    assert_eq!(
        active[0]["lineItems"][0]["plan"]["pricingDetails"]["price"],
        json!({ "amount": "19.0", "currencyCode": "USD" })
    );
    let trial_end = time(&active[0]["currentPeriodEnd"]);
    let expected = Utc::now() + chrono::Duration::days(14);
    assert!(
        (trial_end - expected).num_seconds().abs() < 30,
        "{trial_end}"
    );

    // The page cannot be answered twice.
    let (status, _, _) = get_text(confirmation).await;
    assert_eq!(status, 409);

    let hooks = webhooks(&s.received, 1).await;
    let (headers, payload) = &hooks[0];
    assert_eq!(headers["x-shopify-topic"], "app_subscriptions/update");
    assert_eq!(headers["x-shopify-shop-domain"], DEMO_SHOP);
    let body = &payload["app_subscription"];
    assert_eq!(body["admin_graphql_api_id"], id);
    assert_eq!(body["status"], "ACTIVE");
    assert_eq!(body["name"], "Pro");
    assert_eq!(body["currency"], "USD");
    assert_eq!(body["price"], "19.00");
    assert_eq!(body["interval"], "every_30_days");
    assert!(body["admin_graphql_api_shop_id"]
        .as_str()
        .unwrap()
        .starts_with("gid://shopify/Shop/"));
    assert!(body["created_at"].is_string() && body["updated_at"].is_string());
    assert!(body["capped_amount"].is_null());

    // Cancel: no longer active, told to the app; a second cancel is refused.
    let (_, cancelled) = gql(
        &s.sim,
        DEMO_SHOP,
        &s.token,
        CANCEL,
        json!({ "id": id, "prorate": true }),
    )
    .await;
    let payload = &cancelled["data"]["appSubscriptionCancel"];
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["appSubscription"]["status"], "CANCELLED");
    assert_eq!(payload["appSubscription"]["currentPeriodEnd"], Value::Null);
    assert_eq!(cancelled["extensions"]["cost"]["requestedQueryCost"], 10);
    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    assert_eq!(install["activeSubscriptions"], json!([]));
    let hooks = webhooks(&s.received, 2).await;
    assert_eq!(hooks[1].1["app_subscription"]["status"], "CANCELLED");
    let (_, again) = gql(&s.sim, DEMO_SHOP, &s.token, CANCEL, json!({ "id": id })).await;
    assert_eq!(
        again["data"]["appSubscriptionCancel"]["userErrors"][0]["field"],
        json!(["id"])
    );

    let (_, listed) = sim_get(&s.sim, &format!("/_sim/shops/{DEMO_SHOP}/subscriptions")).await;
    assert_eq!(listed["subscriptions"][0]["status"], "CANCELLED");
    assert_eq!(listed["subscriptions"][0]["prorated"], true);
    s.sim.shutdown().await;
}

async fn sim_get(sim: &SimHandle, path: &str) -> (u16, Value) {
    let response = client()
        .get(format!("{}{path}", sim.base_url()))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn decline_goes_back_to_the_app_not_the_return_url() {
    let s = setup().await;
    let created = create(&s, pro(&s.app_url, 0)).await;
    let confirmation = created["confirmationUrl"].as_str().unwrap().to_owned();
    let declined = answer(&s.sim, &confirmation, "decline").await;
    assert_eq!(declined.status(), 303);
    assert_eq!(
        location(&declined),
        format!("/store/{DEMO_SHOP}/admin/apps/{API_KEY}")
    );
    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    assert_eq!(install["activeSubscriptions"], json!([]));
    assert_eq!(
        install["allSubscriptions"]["nodes"][0]["status"],
        "DECLINED"
    );
    let hooks = webhooks(&s.received, 1).await;
    assert_eq!(hooks[0].1["app_subscription"]["status"], "DECLINED");
    let (status, _, page) = get_text(&confirmation).await;
    assert_eq!(status, 409);
    assert!(page.contains("already been declined"));
    s.sim.shutdown().await;
}

#[tokio::test]
async fn a_second_approved_subscription_replaces_the_first() {
    let s = setup().await;
    let first = create(&s, pro(&s.app_url, 0)).await;
    let first_id = first["appSubscription"]["id"].clone();
    answer(
        &s.sim,
        first["confirmationUrl"].as_str().unwrap(),
        "approve",
    )
    .await;
    let mut annual = pro(&s.app_url, 0);
    annual["name"] = json!("Pro annual");
    annual["lineItems"][0]["plan"]["appRecurringPricingDetails"] =
        json!({ "price": { "amount": 190, "currencyCode": "USD" }, "interval": "ANNUAL" });
    let second = create(&s, annual).await;
    let second_id = second["appSubscription"]["id"].clone();
    // Still the first until the merchant approves the second.
    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    assert_eq!(install["activeSubscriptions"][0]["id"], first_id);
    answer(
        &s.sim,
        second["confirmationUrl"].as_str().unwrap(),
        "approve",
    )
    .await;

    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    let active = install["activeSubscriptions"].as_array().unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["id"], second_id);
    assert_eq!(
        active[0]["lineItems"][0]["plan"]["pricingDetails"],
        json!({ "price": { "amount": "190.0", "currencyCode": "USD" }, "interval": "ANNUAL" })
    );
    let end = time(&active[0]["currentPeriodEnd"]);
    assert!(
        (end - (Utc::now() + chrono::Duration::days(365)))
            .num_seconds()
            .abs()
            < 30
    );
    assert_eq!(
        install["allSubscriptions"]["nodes"],
        json!([{ "id": first_id, "status": "CANCELLED" }, { "id": second_id, "status": "ACTIVE" }])
    );
    let hooks = webhooks(&s.received, 3).await;
    let statuses: Vec<(Value, Value)> = hooks
        .iter()
        .map(|(_, p)| {
            (
                p["app_subscription"]["admin_graphql_api_id"].clone(),
                p["app_subscription"]["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            (first_id.clone(), json!("ACTIVE")),
            (first_id, json!("CANCELLED")),
            (second_id, json!("ACTIVE")),
        ]
    );
    s.sim.shutdown().await;
}

#[tokio::test]
async fn freeze_unfreeze_and_end_trial() {
    let s = setup().await;
    let created = create(&s, pro(&s.app_url, 14)).await;
    let id = created["appSubscription"]["id"].clone();
    let n = numeric(&id);
    let base = format!("/_sim/shops/{DEMO_SHOP}/subscriptions/{n}");
    let (status, approved) = sim_post(&s.sim, &format!("{base}/approve")).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["subscription"]["status"], "ACTIVE");
    assert_eq!(
        approved["returnUrl"],
        format!("{}/app/billing?plan=pro&charge_id={n}", s.app_url)
    );
    assert_eq!(
        approved["webhooks"][0]["delivery"]["deliveries"][0]["status"],
        200
    );

    let (status, frozen) = sim_post(&s.sim, &format!("{base}/freeze")).await;
    assert_eq!(status, 200, "{frozen}");
    assert_eq!(frozen["subscription"]["status"], "FROZEN");
    assert_eq!(frozen["webhooks"][0]["status"], "FROZEN");
    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    assert_eq!(install["activeSubscriptions"], json!([]));
    assert_eq!(install["allSubscriptions"]["nodes"][0]["status"], "FROZEN");
    let (status, _) = sim_post(&s.sim, &format!("{base}/freeze")).await;
    assert_eq!(status, 409);

    let (status, unfrozen) = sim_post(&s.sim, &format!("{base}/unfreeze")).await;
    assert_eq!(status, 200);
    assert_eq!(unfrozen["subscription"]["status"], "ACTIVE");
    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    let trial_end = time(&install["activeSubscriptions"][0]["currentPeriodEnd"]);
    assert!((trial_end - (Utc::now() + chrono::Duration::days(14))).num_seconds() < 30);

    let (status, ended) = sim_post(&s.sim, &format!("{base}/end-trial")).await;
    assert_eq!(status, 200, "{ended}");
    assert!(time(&ended["subscription"]["trialEndsAt"]) <= Utc::now());
    assert_eq!(ended["webhooks"], json!([]));
    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    let period_end = time(&install["activeSubscriptions"][0]["currentPeriodEnd"]);
    assert!(
        (period_end - (Utc::now() + chrono::Duration::days(30)))
            .num_seconds()
            .abs()
            < 30
    );
    let (status, _) = sim_post(&s.sim, &format!("{base}/end-trial")).await;
    assert_eq!(status, 409);

    let hooks = webhooks(&s.received, 3).await;
    let statuses: Vec<&Value> = hooks
        .iter()
        .map(|(_, p)| &p["app_subscription"]["status"])
        .collect();
    assert_eq!(statuses, ["ACTIVE", "FROZEN", "ACTIVE"]);
    s.sim.shutdown().await;
}

#[tokio::test]
async fn expired_and_pending_charges() {
    let s = setup().await;
    let created = create(&s, pro(&s.app_url, 0)).await;
    let n = numeric(&created["appSubscription"]["id"]);
    let confirmation = created["confirmationUrl"].as_str().unwrap();
    let (status, listed) = sim_get(&s.sim, &format!("/_sim/shops/{DEMO_SHOP}/subscriptions")).await;
    assert_eq!(status, 200);
    assert_eq!(listed["subscriptions"][0]["confirmationUrl"], confirmation);
    assert_eq!(listed["subscriptions"][0]["currentPeriodEnd"], Value::Null);

    let (status, expired) = sim_post(
        &s.sim,
        &format!("/_sim/shops/{DEMO_SHOP}/subscriptions/{n}/expire"),
    )
    .await;
    assert_eq!(status, 200, "{expired}");
    assert_eq!(expired["subscription"]["status"], "EXPIRED");
    let (status, _, page) = get_text(confirmation).await;
    assert_eq!(status, 410);
    assert!(page.contains("expired"));
    let (status, _) = sim_post(
        &s.sim,
        &format!("/_sim/shops/{DEMO_SHOP}/subscriptions/{n}/approve"),
    )
    .await;
    assert_eq!(status, 409);
    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    assert_eq!(install["activeSubscriptions"], json!([]));
    let hooks = webhooks(&s.received, 1).await;
    assert_eq!(hooks[0].1["app_subscription"]["status"], "EXPIRED");
    let (_, listed) = sim_get(&s.sim, &format!("/_sim/shops/{DEMO_SHOP}/subscriptions")).await;
    assert_eq!(listed["webhooks"][0]["status"], "EXPIRED");
    assert_eq!(
        listed["webhooks"][0]["delivery"]["topic"],
        "app_subscriptions/update"
    );
    s.sim.shutdown().await;
}

#[tokio::test]
async fn other_shops_charges_are_invisible_and_refused() {
    let s = setup().await;
    let (status, _) = post_json(
        &format!("{}/_sim/shops", s.sim.base_url()),
        json!({ "domain": OTHER_SHOP, "currency": "EUR" }),
    )
    .await;
    assert_eq!(status, 201);
    let other_token = token(&s.sim, OTHER_SHOP).await;
    let created = create(&s, pro(&s.app_url, 0)).await;
    let id = created["appSubscription"]["id"].clone();
    let confirmation = created["confirmationUrl"].as_str().unwrap().to_owned();

    let other = installation(&s.sim, OTHER_SHOP, &other_token).await;
    assert_eq!(other["allSubscriptions"]["nodes"], json!([]));
    let (_, cancel) = gql(
        &s.sim,
        OTHER_SHOP,
        &other_token,
        CANCEL,
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        cancel["data"]["appSubscriptionCancel"]["userErrors"],
        json!([{ "field": ["id"], "message": "The app subscription does not exist" }])
    );

    // The same charge under the other shop's admin, with a forged or missing signature,
    // or for another app: no page.
    let foreign = confirmation.replace(DEMO_SHOP, OTHER_SHOP);
    let (unsigned, _) = confirmation.split_once("?signature=").unwrap();
    let forged = format!("{unsigned}?signature={}", "0".repeat(64));
    let other_app = confirmation.replace(API_KEY, "another-app");
    for url in [&foreign, &forged, &unsigned.to_owned(), &other_app] {
        let (status, _, _) = get_text(url).await;
        assert_eq!(status, 404, "{url}");
    }
    let response = client()
        .post(&foreign)
        .form(&[("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let (status, _) = sim_post(
        &s.sim,
        &format!(
            "/_sim/shops/{OTHER_SHOP}/subscriptions/{}/approve",
            numeric(&id)
        ),
    )
    .await;
    assert_eq!(status, 404);
    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    assert_eq!(install["allSubscriptions"]["nodes"][0]["status"], "PENDING");

    // A EUR shop may be charged in EUR or USD, not in GBP.
    let mut eur = pro(&s.app_url, 0);
    eur["lineItems"][0]["plan"]["appRecurringPricingDetails"]["price"] =
        json!({ "amount": "17.5", "currencyCode": "EUR" });
    let (_, body) = gql(&s.sim, OTHER_SHOP, &other_token, CREATE, eur.clone()).await;
    assert_eq!(
        body["data"]["appSubscriptionCreate"]["appSubscription"]["lineItems"][0]["plan"]
            ["pricingDetails"]["price"],
        json!({ "amount": "17.5", "currencyCode": "EUR" })
    );
    eur["lineItems"][0]["plan"]["appRecurringPricingDetails"]["price"]["currencyCode"] =
        json!("GBP");
    let (_, body) = gql(&s.sim, OTHER_SHOP, &other_token, CREATE, eur).await;
    assert_eq!(
        body["data"]["appSubscriptionCreate"]["userErrors"][0]["field"],
        json!([
            "lineItems",
            "0",
            "plan",
            "appRecurringPricingDetails",
            "price",
            "currencyCode"
        ])
    );
    s.sim.shutdown().await;
}

#[tokio::test]
async fn user_errors_store_nothing() {
    let s = setup().await;
    let line = |amount: Value| {
        json!([{ "plan": { "appRecurringPricingDetails": {
            "price": { "amount": amount, "currencyCode": "USD" } } } }])
    };
    let price = [
        "lineItems",
        "0",
        "plan",
        "appRecurringPricingDetails",
        "price",
        "amount",
    ];
    let cases = [
        (
            json!({ "name": " ", "returnUrl": "https://a.example/", "lineItems": line(json!("1")) }),
            vec!["name"],
        ),
        (
            json!({ "name": "x".repeat(256), "returnUrl": "https://a.example/", "lineItems": line(json!("1")) }),
            vec!["name"],
        ),
        (
            json!({ "name": "Pro", "returnUrl": "/relative", "lineItems": line(json!("1")) }),
            vec!["returnUrl"],
        ),
        (
            json!({ "name": "Pro", "returnUrl": "ftp://a.example/", "lineItems": line(json!("1")) }),
            vec!["returnUrl"],
        ),
        (
            json!({ "name": "Pro", "returnUrl": "https://a.example/", "lineItems": line(json!("0")) }),
            price.to_vec(),
        ),
        (
            json!({ "name": "Pro", "returnUrl": "https://a.example/", "lineItems": line(json!("-5")) }),
            price.to_vec(),
        ),
        (
            json!({ "name": "Pro", "returnUrl": "https://a.example/", "lineItems": line(json!("ten")) }),
            price.to_vec(),
        ),
        (
            json!({ "name": "Pro", "returnUrl": "https://a.example/", "lineItems": [] }),
            vec!["lineItems"],
        ),
        (
            json!({ "name": "Pro", "returnUrl": "https://a.example/",
                    "lineItems": [line(json!("1"))[0].clone(), line(json!("2"))[0].clone()] }),
            vec!["lineItems"],
        ),
        (
            json!({ "name": "Pro", "returnUrl": "https://a.example/", "lineItems": [{ "plan": {} }] }),
            vec!["lineItems", "0", "plan"],
        ),
        (
            json!({ "name": "Pro", "returnUrl": "https://a.example/", "lineItems": line(json!("1")), "trialDays": -1 }),
            vec!["trialDays"],
        ),
    ];
    for (variables, field) in cases {
        let body = create(&s, variables.clone()).await;
        assert_eq!(body["appSubscription"], Value::Null, "{variables}");
        assert_eq!(body["confirmationUrl"], Value::Null);
        assert_eq!(body["userErrors"][0]["field"], json!(field), "{variables}");
        assert!(body["userErrors"][0]["message"].is_string());
    }
    // Several problems are reported together.
    let body = create(
        &s,
        json!({ "name": "", "returnUrl": "nope", "lineItems": line(json!("0")) }),
    )
    .await;
    assert_eq!(body["userErrors"].as_array().unwrap().len(), 3);
    // Usage pricing and unknown intervals are not in the schema: top-level errors.
    let (_, body) = gql(
        &s.sim,
        DEMO_SHOP,
        &s.token,
        CREATE,
        json!({ "name": "Pro", "returnUrl": "https://a.example/", "lineItems": [{ "plan": { "appRecurringPricingDetails": {
            "price": { "amount": "1", "currencyCode": "USD" }, "interval": "WEEKLY" } } }] }),
    )
    .await;
    assert!(body["errors"].is_array(), "{body}");
    let (_, body) = gql(
        &s.sim,
        DEMO_SHOP,
        &s.token,
        CANCEL,
        json!({ "id": "not-a-gid" }),
    )
    .await;
    assert!(body["errors"].is_array(), "{body}");
    let install = installation(&s.sim, DEMO_SHOP, &s.token).await;
    assert_eq!(install["allSubscriptions"]["nodes"], json!([]));
    s.sim.shutdown().await;
}

#[tokio::test]
async fn uninstall_cancels_and_the_webhook_follows_the_configured_path() {
    let s = setup().await;
    let created = create(&s, pro(&s.app_url, 0)).await;
    let n = numeric(&created["appSubscription"]["id"]);
    // The app does not subscribe: nothing is delivered, the simulator says why.
    let settings = format!("{}/_sim/billing", s.sim.base_url());
    let response = client()
        .put(&settings)
        .json(&json!({ "webhookPath": null }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (_, approved) = sim_post(
        &s.sim,
        &format!("/_sim/shops/{DEMO_SHOP}/subscriptions/{n}/approve"),
    )
    .await;
    assert!(approved["webhooks"][0]["delivery"]["skipped"].is_string());
    assert!(s.received.lock().unwrap().is_empty());
    let response = client()
        .put(&settings)
        .json(&json!({ "webhookPath": "/webhooks" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = client()
        .put(&settings)
        .json(&json!({ "webhookPath": "webhooks" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    let (status, report) = sim_post(&s.sim, &format!("/_sim/shops/{DEMO_SHOP}/uninstall")).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["subscriptionWebhooks"][0]["status"], "CANCELLED");
    let hooks = webhooks(&s.received, 2).await;
    let topics: Vec<&str> = hooks
        .iter()
        .map(|(h, _)| h["x-shopify-topic"].to_str().unwrap())
        .collect();
    assert_eq!(topics, ["app/uninstalled", "app_subscriptions/update"]);
    assert_eq!(hooks[1].1["app_subscription"]["status"], "CANCELLED");

    // Reinstalled: the old subscription stays cancelled, nothing is active.
    let token = token(&s.sim, DEMO_SHOP).await;
    let install = installation(&s.sim, DEMO_SHOP, &token).await;
    assert_eq!(install["activeSubscriptions"], json!([]));
    assert_eq!(
        install["allSubscriptions"]["nodes"][0]["status"],
        "CANCELLED"
    );
    s.sim.shutdown().await;
}

#[tokio::test]
async fn a_return_url_inside_the_admin_brings_charge_id_to_the_embedded_app() {
    let s = setup().await;
    // What an embedded app should use: its own page inside the admin.
    let return_url = format!(
        "{}/admin/apps/{API_KEY}/app/plan",
        s.sim.shop_url(DEMO_SHOP)
    );
    let mut variables = pro(&s.app_url, 14);
    variables["returnUrl"] = json!(return_url);
    let created = create(&s, variables).await;
    let n = numeric(&created["appSubscription"]["id"]);
    let approved = answer(
        &s.sim,
        created["confirmationUrl"].as_str().unwrap(),
        "approve",
    )
    .await;
    let back = location(&approved);
    assert_eq!(back, format!("{return_url}?charge_id={n}"));
    // The admin frame loads the app's /app/plan with charge_id and fresh signed parameters.
    let (status, _, page) = get_text(&back).await;
    assert_eq!(status, 200);
    let src = attribute(&page, "id=\"sa-app-frame\"", "src");
    let src = url::Url::parse(&src).unwrap();
    assert_eq!(src.path(), "/app/plan");
    let pairs: Vec<(String, String)> = src.query_pairs().into_owned().collect();
    assert!(
        pairs.contains(&("charge_id".to_owned(), n.clone())),
        "{src}"
    );
    assert!(pairs.iter().any(|(k, _)| k == "id_token"));
    assert!(pairs.iter().any(|(k, _)| k == "hmac"));
    s.sim.shutdown().await;
}
