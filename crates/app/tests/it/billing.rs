//! Billing over HTTP with the operator's default plans (Free: 1 matrix, 2 option groups, no CSV
//! import; Pro with a 14-day trial), against the simulator's Billing API: the Free store's
//! limits refuse writes and write nothing; subscribing, approving and the return confirmed with
//! Shopify; forged returns; decline; cancel (nothing deleted, shoppers unaffected);
//! `app_subscriptions/update` (frozen, active again, out of order); a trial only once, also
//! after a reinstall.

use gridprice::billing::Plans;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::admin_pages::{assert_manifest_names, load};
use crate::admin_support::{small_matrix, Admin, Reply};
use crate::support::{eventually, shop, TestStack};

const DEMO: &str = "demo-shop.myshopify.com";
const OTHER: &str = "other-billing.myshopify.com";
const PRODUCT: &str = "8000000000001";

fn group(name: &str) -> Value {
    json!({ "name": name, "requirement": "OPTIONAL", "choices": [{ "label": "Frame", "modifier": "+5.00" }] })
}

/// Asserts a refusal naming `limit`, with the way to upgrade.
fn assert_limit(reply: &Reply, limit: &str) {
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{reply:?}");
    assert_eq!(reply.content_type, "application/problem+json");
    assert_eq!(reply.body["limit"]["name"], limit, "{reply:?}");
    assert_eq!(reply.body["limit"]["plan"], "free");
    assert_eq!(reply.body["limit"]["upgrade"], "/app/plan");
    assert!(
        reply.body["detail"].as_str().unwrap().contains("/app/plan"),
        "{reply:?}"
    );
}

async fn billing(admin: &Admin<'_>) -> Value {
    let view = admin.get("/app/api/billing").await;
    assert_eq!(view.status, StatusCode::OK, "{view:?}");
    view.body
}

/// Subscribes; answers the subscription's numeric id, as Shopify's `charge_id`.
async fn subscribe(admin: &Admin<'_>) -> u64 {
    let started = admin.post("/app/api/billing/subscribe", json!({})).await;
    assert_eq!(started.status, StatusCode::OK, "{started:?}");
    let url = started.body["confirmationUrl"].as_str().unwrap().to_owned();
    assert!(url.contains("/admin/charges/"), "{url}");
    let id = url.split("/RecurringApplicationCharge").next().unwrap();
    id.rsplit('/').next().unwrap().parse().unwrap()
}

async fn subscriptions(stack: &TestStack, shop: &str) -> Vec<Value> {
    let listing = stack
        .sim_get(&format!("/_sim/shops/{shop}/subscriptions"))
        .await;
    listing["subscriptions"].as_array().unwrap().clone()
}

/// The merchant answers Shopify's confirmation page (`approve` or `decline`).
async fn answer(stack: &TestStack, shop: &str, charge: u64, action: &str) -> Value {
    stack
        .sim_post(&format!(
            "/_sim/shops/{shop}/subscriptions/{charge}/{action}"
        ))
        .await
}

/// The Plan page as the admin loads it after Shopify's redirect.
async fn plan_page(stack: &TestStack, query: &str) -> String {
    let (status, _, html) = load(stack, &format!("/app/plan{query}"), "en").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    html
}

async fn without_webhooks(stack: &TestStack) {
    let response = stack
        .http
        .put(stack.sim("/_sim/billing"))
        .json(&json!({ "webhookPath": null }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn matrix_count(admin: &Admin<'_>) -> usize {
    admin.get("/app/api/matrices").await.body["matrices"]
        .as_array()
        .map_or(0, Vec::len)
}

async fn shopper_price(stack: &TestStack) -> StatusCode {
    stack
        .http
        .get(stack.app(&format!(
            "/api/v1/products/{PRODUCT}/price?width=450&height=250"
        )))
        .header("x-api-key", stack.storefront_key())
        .send()
        .await
        .unwrap()
        .status()
}

async fn shopper_order(stack: &TestStack, key: &str) -> StatusCode {
    stack
        .http
        .post(stack.app("/api/v1/draft-orders"))
        .header("x-api-key", stack.storefront_key())
        .header("idempotency-key", key)
        .json(&json!({ "productId": PRODUCT, "width": 450, "height": 250, "quantity": 1 }))
        .send()
        .await
        .unwrap()
        .status()
}

stack_test!(
    a_free_store_upgrades_through_shopify_and_cancels_without_losing_anything,
    plans = Plans::default(),
    |stack| {
        // Only the merchant's return can confirm the charge here.
        without_webhooks(stack).await;
        let admin = Admin::demo(stack).await;
        let start = billing(&admin).await;
        assert_eq!(start["plan"], "free");
        assert_eq!(start["trialAvailable"], true);
        assert_eq!(start["usage"], json!({ "matrices": 1, "optionGroups": 2 }));
        assert_eq!(start["limits"]["matrices"], 1);
        assert_eq!(start["pro"]["price"], "19.00");
        assert_eq!(start["pro"]["currency"], "USD");
        assert_eq!(start["pro"]["interval"], "EVERY_30_DAYS");

        // The seeded demo store is at Free's limits: every write past them is refused, and
        // nothing is written.
        let audit_before = admin.audit_actions().await.len();
        assert_limit(
            &admin
                .post("/app/api/matrices", small_matrix("Second"))
                .await,
            "matrices",
        );
        let demo = admin.matrix_id("Demo glass").await;
        assert_limit(
            &admin
                .post(&format!("/app/api/matrices/{demo}/duplicate"), json!({}))
                .await,
            "matrices",
        );
        assert_limit(
            &admin.post("/app/api/option-groups", group("Frame")).await,
            "optionGroups",
        );
        let csv = admin
            .send_raw(
                reqwest::Method::POST,
                "/app/api/matrices/import?name=Imported&unit=mm",
                "text/csv",
                "width,300,600\n200,10.00,12.00\n".into(),
            )
            .await;
        assert_limit(&csv, "csvImport");
        assert_eq!(matrix_count(&admin).await, 1);
        assert_eq!(admin.audit_actions().await.len(), audit_before);
        // The index pages say so before the merchant tries.
        for (page, text) in [
            (
                "/app/matrices",
                "Price matrices in use: 1 of the 1 your Free plan includes.",
            ),
            (
                "/app/option-groups",
                "Option groups in use: 2 of the 2 your Free plan includes.",
            ),
        ] {
            let (_, _, html) = load(stack, page, "en").await;
            assert!(html.contains("id=\"limit-note\""), "{page}: {html}");
            assert!(html.contains(text), "{page}: {html}");
        }

        // Upgrade: a pending test charge (the simulator's shops are development stores) with
        // the trial.
        let charge = subscribe(&admin).await;
        let pending = subscriptions(stack, DEMO).await;
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0]["status"], "PENDING");
        assert_eq!(pending[0]["trialDays"], 14);
        assert_eq!(pending[0]["test"], true);
        assert_eq!(pending[0]["price"], "19.00");
        assert_eq!(pending[0]["currencyCode"], "USD");
        assert!(pending[0]["returnUrl"]
            .as_str()
            .unwrap()
            .ends_with(&format!(
                "/store/{DEMO}/admin/apps/{}/app/plan",
                stack.stack.ready.app_api_key
            )));

        // Returns that prove nothing activate nothing: a made-up charge, and this one before
        // the merchant approved it.
        for forged in [
            "?charge_id=999999",
            &format!("?charge_id={charge}"),
            "?charge_id=%3Cscript%3E",
        ] {
            let html = plan_page(stack, forged).await;
            assert!(html.contains("id=\"not-confirmed\""), "{forged}: {html}");
            assert_eq!(billing(&admin).await["plan"], "free");
        }

        // Approved at Shopify, then back: confirmed with Shopify, Pro with its trial.
        let approved = answer(stack, DEMO, charge, "approve").await;
        assert!(approved["returnUrl"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/app/plan?charge_id={charge}")));
        let html = plan_page(stack, &format!("?charge_id={charge}")).await;
        assert!(html.contains("id=\"confirmed\""), "{html}");
        assert_manifest_names(&html, "/app/plan");
        let pro = billing(&admin).await;
        assert_eq!(pro["plan"], "pro");
        assert_eq!(pro["trialDaysLeft"], 14);
        assert_eq!(pro["trialAvailable"], false);
        assert_eq!(pro["subscription"]["status"], "ACTIVE");
        assert_eq!(pro["subscription"]["test"], true);
        assert!(pro["subscription"]["currentPeriodEnd"].is_string(), "{pro}");
        // Coming back twice changes nothing.
        plan_page(stack, &format!("?charge_id={charge}")).await;
        assert!(admin
            .audit_actions()
            .await
            .contains(&"subscription.status".to_owned()));

        // Pro: the limits are gone.
        let second = admin
            .post("/app/api/matrices", small_matrix("Second"))
            .await;
        assert_eq!(second.status, StatusCode::CREATED, "{second:?}");
        let third = admin
            .post(&format!("/app/api/matrices/{demo}/duplicate"), json!({}))
            .await;
        assert_eq!(third.status, StatusCode::CREATED, "{third:?}");
        let frame = admin.post("/app/api/option-groups", group("Frame")).await;
        assert_eq!(frame.status, StatusCode::CREATED, "{frame:?}");
        let (_, _, matrices) = load(stack, "/app/matrices", "en").await;
        assert!(!matrices.contains("id=\"limit-note\""), "no limit on Pro");

        // Cancel: back to Free at once, nothing deleted, new writes past the limit refused,
        // and shoppers still price and order on the store that is now over its limits.
        let cancelled = admin.post("/app/api/billing/cancel", json!({})).await;
        assert_eq!(cancelled.status, StatusCode::OK, "{cancelled:?}");
        assert_eq!(cancelled.body["plan"], "free");
        assert_eq!(
            cancelled.body["usage"],
            json!({ "matrices": 3, "optionGroups": 3 })
        );
        assert_eq!(subscriptions(stack, DEMO).await[0]["status"], "CANCELLED");
        assert_limit(
            &admin
                .post("/app/api/matrices", small_matrix("Fourth"))
                .await,
            "matrices",
        );
        assert_limit(
            &admin.post("/app/api/option-groups", group("Glass")).await,
            "optionGroups",
        );
        assert_eq!(matrix_count(&admin).await, 3);
        let html = plan_page(stack, "").await;
        assert!(html.contains("id=\"over-limit\""), "{html}");
        // Editing what exists is not a new item: a merchant can still fix a price.
        let renamed = admin
            .patch(
                &format!("/app/api/matrices/{demo}"),
                json!({ "name": "Demo glass renamed" }),
            )
            .await;
        assert_eq!(renamed.status, StatusCode::OK, "{renamed:?}");
        assert_eq!(shopper_price(stack).await, StatusCode::OK);
        assert_eq!(
            shopper_order(stack, "billing-downgraded-1").await,
            StatusCode::CREATED
        );
        assert_eq!(
            admin
                .post("/app/api/billing/cancel", json!({}))
                .await
                .status,
            StatusCode::CONFLICT
        );

        // The trial was this shop's once: a new subscription has none.
        subscribe(&admin).await;
        let again = subscriptions(stack, DEMO).await;
        assert_eq!(again.last().unwrap()["trialDays"], 0);
    }
);

stack_test!(
    a_return_with_another_shops_charge_or_a_declined_one_changes_nothing,
    plans = Plans::default(),
    |stack| {
        stack.install_new_shop(OTHER).await;
        let other = Admin::of_shop(stack, OTHER).await;
        let theirs = subscribe(&other).await;
        answer(stack, OTHER, theirs, "approve").await;
        stack.webhooks_processed().await;
        assert_eq!(
            billing(&other).await["plan"],
            "pro",
            "approved there (webhook)"
        );

        let admin = Admin::demo(stack).await;
        let html = plan_page(stack, &format!("?charge_id={theirs}")).await;
        assert!(html.contains("id=\"not-confirmed\""), "{html}");
        assert_eq!(billing(&admin).await["plan"], "free");

        let declined = subscribe(&admin).await;
        let answered = answer(stack, DEMO, declined, "decline").await;
        assert!(answered["redirect"]
            .as_str()
            .unwrap()
            .contains("/admin/apps/"));
        stack.webhooks_processed().await;
        let html = plan_page(stack, &format!("?charge_id={declined}")).await;
        assert!(html.contains("id=\"not-confirmed\""), "{html}");
        let view = billing(&admin).await;
        assert_eq!(view["plan"], "free");
        // Declining used no trial.
        assert_eq!(view["trialAvailable"], true);
        assert_limit(
            &admin
                .post("/app/api/matrices", small_matrix("Second"))
                .await,
            "matrices",
        );
    }
);

stack_test!(
    shopifys_status_reports_keep_the_plan_current,
    plans = Plans::default(),
    |stack| {
        let admin = Admin::demo(stack).await;
        let charge = subscribe(&admin).await;
        answer(stack, DEMO, charge, "approve").await;
        stack.webhooks_processed().await;
        assert_eq!(
            billing(&admin).await["plan"],
            "pro",
            "the webhook alone activates"
        );
        let second = admin
            .post("/app/api/matrices", small_matrix("Second"))
            .await;
        assert_eq!(second.status, StatusCode::CREATED);

        // The shop does not pay its Shopify bill: frozen, Free's limits, the admin says so.
        answer(stack, DEMO, charge, "freeze").await;
        stack.webhooks_processed().await;
        let frozen = billing(&admin).await;
        assert_eq!(frozen["plan"], "free");
        assert_eq!(frozen["frozen"], true);
        assert_eq!(frozen["subscription"]["status"], "FROZEN");
        let html = plan_page(stack, "").await;
        assert!(html.contains("id=\"frozen\""), "{html}");
        assert!(html.contains("Frozen"), "{html}");
        assert_limit(
            &admin.post("/app/api/matrices", small_matrix("Third")).await,
            "matrices",
        );
        assert_eq!(shopper_price(stack).await, StatusCode::OK);

        // Paid: active again. The period end Shopify told at the return outlives webhooks, whose
        // payload has none.
        answer(stack, DEMO, charge, "unfreeze").await;
        stack.webhooks_processed().await;
        assert_eq!(billing(&admin).await["plan"], "pro");
        plan_page(stack, &format!("?charge_id={charge}")).await;
        answer(stack, DEMO, charge, "freeze").await;
        answer(stack, DEMO, charge, "unfreeze").await;
        stack.webhooks_processed().await;
        let active = billing(&admin).await;
        assert!(
            active["subscription"]["currentPeriodEnd"].is_string(),
            "{active}"
        );

        // A late delivery of an older status changes nothing; a duplicate is harmless.
        let stale = json!({ "app_subscription": {
            "admin_graphql_api_id": format!("gid://shopify/AppSubscription/{charge}"),
            "name": "Gridprice Pro", "status": "FROZEN",
            "admin_graphql_api_shop_id": "gid://shopify/Shop/1",
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        }});
        stack
            .deliver_webhook(DEMO, "app_subscriptions/update", stale, true)
            .await;
        stack.webhooks_processed().await;
        assert_eq!(billing(&admin).await["plan"], "pro");

        // The trial ends: still Pro, billed now.
        answer(stack, DEMO, charge, "end-trial").await;
        assert_eq!(billing(&admin).await["plan"], "pro");
    }
);

stack_test!(
    a_reinstalled_shop_gets_no_second_trial,
    plans = Plans::default(),
    |stack| {
        let admin = Admin::demo(stack).await;
        let charge = subscribe(&admin).await;
        answer(stack, DEMO, charge, "approve").await;
        plan_page(stack, &format!("?charge_id={charge}")).await;
        assert_eq!(billing(&admin).await["plan"], "pro");

        stack.uninstall(DEMO).await;
        stack.webhooks_processed().await;
        stack.stack.install(&shop(DEMO)).await.expect("reinstall");
        let admin = Admin::demo(stack).await;
        eventually("the reinstalled store is on Free", || async {
            billing(&admin).await["plan"] == "free"
        })
        .await;
        let view = billing(&admin).await;
        assert_eq!(view["trialAvailable"], false);
        subscribe(&admin).await;
        let offered = subscriptions(stack, DEMO).await;
        assert_eq!(offered.last().unwrap()["trialDays"], 0);
        let html = plan_page(stack, "").await;
        assert!(!html.contains("id=\"pro-trial\""), "{html}");
    }
);

#[tokio::test]
async fn a_bad_plan_setting_stops_the_start_naming_it() {
    let source = gridprice::config::ConfigSource::from_pairs([
        ("SHOPIFY_API_KEY", "key"),
        ("SHOPIFY_API_SECRET", "secret"),
        ("SHOPIFY_APP_URL", "https://gridprice.example.com"),
        (
            "GRIDPRICE_ENCRYPTION_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        ),
        ("GRIDPRICE_PRO_PRICE", "19.999 USD"),
    ]);
    let error = gridprice::config::ServeConfig::from_source(&source).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("GRIDPRICE_PRO_PRICE is invalid"),
        "{error}"
    );
}
