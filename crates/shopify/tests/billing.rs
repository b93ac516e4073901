//! The Billing API client against the local Shopify (`shopify-sim`) over real HTTP: create a
//! subscription, answer the confirmation page's form as a browser does, confirm with
//! `active_subscriptions`, cancel; decline; user errors; another shop's charge; and the signed
//! `app_subscriptions/update` webhook verified and parsed with this crate.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use shopify::admin::{
    AdminClient, AdminError, AppPricingInterval, AppSubscriptionInput, AppSubscriptionStatus,
    ClientOptions, Money, RecurringPrice, ReplacementBehavior,
};
use shopify::webhook::{self, AppSubscriptionsUpdate, WebhookTopic};
use shopify::{
    AccessToken, ApiSecret, ApiVersion, AppSubscriptionGid, ShopDomain, ShopUrlTemplate,
};
use shopify_sim::{SimConfig, SimHandle, Simulator, DEMO_SHOP};
use url::Url;

const SECRET: &str = "billing-test-secret";
const API_KEY: &str = "billing-test-key";
const OTHER_SHOP: &str = "second-shop.myshopify.com";

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// The app's side: records what arrives at `/webhooks`.
async fn app() -> (String, Received) {
    let received = Received::default();
    async fn record(
        State(received): State<Received>,
        headers: HeaderMap,
        body: Bytes,
    ) -> &'static str {
        received.lock().unwrap().push((headers, body));
        "ok"
    }
    let router = Router::new()
        .route("/webhooks", post(record))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, received)
}

struct Setup {
    sim: SimHandle,
    app_url: String,
    received: Received,
    client: AdminClient,
    http: reqwest::Client,
}

async fn setup() -> Setup {
    let (app_url, received) = app().await;
    let sim = Simulator::start(
        SimConfig {
            api_key: API_KEY.into(),
            api_secret: SECRET.into(),
            app_url: app_url.clone(),
            ..SimConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let template = ShopUrlTemplate::parse(&format!("{}/store/{{shop}}", sim.base_url())).unwrap();
    let client = AdminClient::new(
        reqwest::Client::new(),
        template,
        ApiVersion::default(),
        ClientOptions::default(),
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Setup {
        sim,
        app_url,
        received,
        client,
        http,
    }
}

impl Setup {
    async fn token(&self, shop: &str) -> AccessToken {
        let body: Value = self
            .http
            .post(format!(
                "{}/_sim/shops/{shop}/access-token",
                self.sim.base_url()
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        AccessToken::new(body["access_token"].as_str().unwrap())
    }

    fn pro(&self) -> AppSubscriptionInput {
        AppSubscriptionInput {
            name: "Pro".into(),
            price: Money {
                amount: "19.00".into(),
                currency_code: "USD".into(),
            },
            interval: AppPricingInterval::Every30Days,
            return_url: Url::parse(&format!("{}/app/plan?from=billing", self.app_url)).unwrap(),
            trial_days: 14,
            test: true,
            replacement_behavior: None,
        }
    }

    /// Opens the confirmation page and presses `decision` (`approve`/`decline`) in its form;
    /// returns the redirect's `Location`.
    async fn answer(&self, confirmation_url: &Url, decision: &str) -> String {
        let page = self
            .http
            .get(confirmation_url.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        let action = attribute(&page, "method=\"post\"", "action");
        let signature = attribute(&page, "name=\"signature\"", "value");
        assert!(page.contains(&format!("value=\"{decision}\"")));
        let answered = self
            .http
            .post(format!("{}{action}", self.sim.base_url()))
            .form(&[("decision", decision), ("signature", signature.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(answered.status(), 303);
        answered.headers()["location"].to_str().unwrap().to_owned()
    }

    /// The `app_subscriptions/update` deliveries so far, verified and parsed; waits for `count`.
    async fn updates(&self, count: usize) -> Vec<AppSubscriptionsUpdate> {
        for _ in 0..100 {
            let got = self.received.lock().unwrap().clone();
            if got.len() >= count {
                return got
                    .iter()
                    .map(|(headers, body)| {
                        let delivery =
                            webhook::verify(headers, body, &ApiSecret::new(SECRET)).unwrap();
                        assert_eq!(delivery.topic, WebhookTopic::AppSubscriptionsUpdate);
                        AppSubscriptionsUpdate::parse(body).unwrap()
                    })
                    .collect();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} webhooks");
    }
}

/// The value of `attr="…"` on the first tag containing `marker`, unescaped.
fn attribute(html: &str, marker: &str, attr: &str) -> String {
    let at = html.find(marker).unwrap();
    let start = html[..at].rfind('<').unwrap();
    let tag = &html[start..at + html[at..].find('>').unwrap()];
    let needle = format!("{attr}=\"");
    let from = tag.find(&needle).unwrap() + needle.len();
    tag[from..from + tag[from..].find('"').unwrap()].replace("&amp;", "&")
}

fn shop(domain: &str) -> ShopDomain {
    ShopDomain::parse(domain).unwrap()
}

#[tokio::test]
async fn create_approve_active_cancel() {
    let s = setup().await;
    let token = s.token(DEMO_SHOP).await;
    let demo = shop(DEMO_SHOP);
    let api = s.client.shop(&demo, &token);

    let created = api.app_subscription_create(&s.pro()).await.unwrap();
    let sub = &created.subscription;
    assert_eq!(sub.status, AppSubscriptionStatus::Pending);
    assert_eq!(sub.name, "Pro");
    assert!(sub.test);
    assert_eq!(sub.trial_days, 14);
    assert_eq!(sub.current_period_end, None);
    assert_eq!(
        sub.recurring,
        Some(RecurringPrice {
            price: Money {
                amount: "19.0".into(),
                currency_code: "USD".into()
            },
            interval: AppPricingInterval::Every30Days,
        })
    );
    assert!(created
        .confirmation_url
        .path()
        .ends_with("/RecurringApplicationCharge/confirm_recurring_application_charge"));
    assert!(api.active_subscriptions().await.unwrap().is_empty());

    let location = s.answer(&created.confirmation_url, "approve").await;
    let returned = Url::parse(&location).unwrap();
    assert_eq!(returned.path(), "/app/plan");
    let charge_id = returned
        .query_pairs()
        .find(|(k, _)| k == "charge_id")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(AppSubscriptionGid::parse(&charge_id).unwrap(), sub.id);

    // The app confirms with Shopify rather than trusting the charge_id.
    let active = api.active_subscriptions().await.unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].id, sub.id);
    assert_eq!(active[0].status, AppSubscriptionStatus::Active);
    let trial_end = active[0].current_period_end.unwrap();
    let expected = chrono::Utc::now() + chrono::Duration::days(14);
    assert!((trial_end - expected).num_seconds().abs() < 30);

    let updates = s.updates(1).await;
    assert_eq!(updates[0].id, sub.id);
    assert_eq!(updates[0].status, AppSubscriptionStatus::Active);
    assert_eq!(updates[0].currency.as_deref(), Some("USD"));
    assert_eq!(updates[0].price.as_deref(), Some("19.00"));
    assert_eq!(updates[0].interval, Some(AppPricingInterval::Every30Days));

    let cancelled = api.app_subscription_cancel(&sub.id, false).await.unwrap();
    assert_eq!(cancelled.status, AppSubscriptionStatus::Cancelled);
    assert!(cancelled.status.is_terminal());
    assert!(api.active_subscriptions().await.unwrap().is_empty());
    let updates = s.updates(2).await;
    assert_eq!(updates[1].status, AppSubscriptionStatus::Cancelled);
    // Cancelling twice is a user error.
    match api.app_subscription_cancel(&sub.id, false).await {
        Err(AdminError::UserErrors(errors)) => assert_eq!(errors[0].field, ["id"]),
        other => panic!("{other:?}"),
    }
    let history = api.all_subscriptions(10, None).await.unwrap();
    assert_eq!(history.subscriptions.len(), 1);
    assert_eq!(
        history.subscriptions[0].status,
        AppSubscriptionStatus::Cancelled
    );
    assert!(!history.has_next_page);
    s.sim.shutdown().await;
}

#[tokio::test]
async fn decline_replace_and_history() {
    let s = setup().await;
    let token = s.token(DEMO_SHOP).await;
    let demo = shop(DEMO_SHOP);
    let api = s.client.shop(&demo, &token);

    let declined = api.app_subscription_create(&s.pro()).await.unwrap();
    let location = s.answer(&declined.confirmation_url, "decline").await;
    assert_eq!(location, format!("/store/{DEMO_SHOP}/admin/apps/{API_KEY}"));
    assert!(api.active_subscriptions().await.unwrap().is_empty());

    let monthly = api.app_subscription_create(&s.pro()).await.unwrap();
    s.answer(&monthly.confirmation_url, "approve").await;
    let annual = AppSubscriptionInput {
        name: "Pro (annual)".into(),
        price: Money {
            amount: "190".into(),
            currency_code: "USD".into(),
        },
        interval: AppPricingInterval::Annual,
        trial_days: 0,
        replacement_behavior: Some(ReplacementBehavior::ApplyImmediately),
        ..s.pro()
    };
    let annual = api.app_subscription_create(&annual).await.unwrap();
    s.answer(&annual.confirmation_url, "approve").await;
    let active = api.active_subscriptions().await.unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].id, annual.subscription.id);
    assert_eq!(
        active[0].recurring.as_ref().unwrap().interval,
        AppPricingInterval::Annual
    );

    let first = api.all_subscriptions(2, None).await.unwrap();
    assert!(first.has_next_page);
    let rest = api
        .all_subscriptions(2, first.end_cursor.as_deref())
        .await
        .unwrap();
    let statuses: Vec<AppSubscriptionStatus> = first
        .subscriptions
        .iter()
        .chain(&rest.subscriptions)
        .map(|s| s.status)
        .collect();
    assert_eq!(
        statuses,
        [
            AppSubscriptionStatus::Declined,
            AppSubscriptionStatus::Cancelled,
            AppSubscriptionStatus::Active
        ]
    );
    let updates = s.updates(4).await;
    let seen: Vec<(u64, AppSubscriptionStatus)> = updates
        .iter()
        .map(|u| (u.id.numeric_id(), u.status))
        .collect();
    assert_eq!(
        seen,
        [
            (
                declined.subscription.id.numeric_id(),
                AppSubscriptionStatus::Declined
            ),
            (
                monthly.subscription.id.numeric_id(),
                AppSubscriptionStatus::Active
            ),
            (
                monthly.subscription.id.numeric_id(),
                AppSubscriptionStatus::Cancelled
            ),
            (
                annual.subscription.id.numeric_id(),
                AppSubscriptionStatus::Active
            ),
        ]
    );
    s.sim.shutdown().await;
}

#[tokio::test]
async fn user_errors_and_other_shops() {
    let s = setup().await;
    let token = s.token(DEMO_SHOP).await;
    let demo = shop(DEMO_SHOP);
    let api = s.client.shop(&demo, &token);

    let free = AppSubscriptionInput {
        price: Money {
            amount: "0".into(),
            currency_code: "USD".into(),
        },
        name: " ".into(),
        ..s.pro()
    };
    match api.app_subscription_create(&free).await {
        Err(AdminError::UserErrors(errors)) => {
            let fields: Vec<Vec<String>> = errors.into_iter().map(|e| e.field).collect();
            assert_eq!(
                fields,
                [
                    vec!["name".to_owned()],
                    [
                        "lineItems",
                        "0",
                        "plan",
                        "appRecurringPricingDetails",
                        "price",
                        "amount"
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(api
        .all_subscriptions(10, None)
        .await
        .unwrap()
        .subscriptions
        .is_empty());

    let created = api.app_subscription_create(&s.pro()).await.unwrap();
    s.answer(&created.confirmation_url, "approve").await;

    let response = s
        .http
        .post(format!("{}/_sim/shops", s.sim.base_url()))
        .json(&json!({ "domain": OTHER_SHOP }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let other_token = s.token(OTHER_SHOP).await;
    let other = shop(OTHER_SHOP);
    let other_api = s.client.shop(&other, &other_token);
    assert!(other_api.active_subscriptions().await.unwrap().is_empty());
    assert!(matches!(
        other_api
            .app_subscription_cancel(&created.subscription.id, false)
            .await,
        Err(AdminError::UserErrors(_))
    ));
    // The first shop's subscription is untouched.
    assert_eq!(api.active_subscriptions().await.unwrap().len(), 1);
    s.sim.shutdown().await;
}

#[tokio::test]
async fn launch_url_and_development_stores() {
    let setup = setup().await;
    let shop = ShopDomain::parse(DEMO_SHOP).unwrap();
    let token = setup.token(DEMO_SHOP).await;
    let client = setup.client.shop(&shop, &token);
    let launch = client.launch_url().await.unwrap();
    assert_eq!(
        launch.as_str(),
        format!(
            "{}/store/{DEMO_SHOP}/admin/apps/{API_KEY}",
            setup.sim.base_url()
        )
    );
    assert!(client.shop_plan().await.unwrap().partner_development);

    let paying = "paying-shop.myshopify.com";
    let created = setup
        .http
        .post(format!("{}/_sim/shops", setup.sim.base_url()))
        .json(&json!({ "domain": paying, "partnerDevelopment": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let token = setup.token(paying).await;
    let paying = ShopDomain::parse(paying).unwrap();
    let info = setup
        .client
        .shop(&paying, &token)
        .shop_plan()
        .await
        .unwrap();
    assert!(!info.partner_development);
}
