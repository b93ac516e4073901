//! Expiring offline access tokens over real HTTP against the simulator: renewed before Shopify
//! stops accepting them, once however many requests meet the expired token, a refused renewal
//! turned into "reconnect", and a non-expiring token exchanged for an expiring one — also by two
//! instances at once.

use gridprice_storage::testing::connection;
use std::time::Duration;

use gridprice_storage::entities::stores as store_rows;
use gridprice_storage::stores::{self, StoredToken};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;
use shopify::token::OfflineToken;
use shopify::AccessToken;

use crate::storefront_support::demo_store;
use crate::support::{shop, TestStack};

const DEMO: &str = "demo-shop.myshopify.com";

async fn set_token_ttl(stack: &TestStack, secs: u64) {
    let response = stack
        .http
        .put(stack.sim("/_sim/config"))
        .json(&json!({ "offlineTokenTtlSecs": secs }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn sim_stat(stack: &TestStack, name: &str) -> u64 {
    let stats = stack.sim_get("/_sim/requests").await;
    stats["shops"][DEMO][name].as_u64().unwrap_or_default()
}

async fn stored_token(stack: &TestStack) -> StoredToken {
    let store = demo_store(stack).await;
    stores::stored_token(stack.db(), store.id)
        .await
        .unwrap()
        .expect("a token")
}

async fn order(stack: &TestStack, key: &str) -> reqwest::Response {
    stack
        .http
        .post(stack.app("/api/v1/draft-orders"))
        .header("x-api-key", stack.storefront_key())
        .header("idempotency-key", key)
        .json(&json!({ "productId": "8000000000001", "width": 450, "height": 250 }))
        .send()
        .await
        .unwrap()
}

/// Reinstalls the demo shop so that it holds a token of `ttl` seconds, then lets it expire.
async fn hold_an_expired_token(stack: &TestStack, ttl: u64) {
    set_token_ttl(stack, ttl).await;
    stack.stack.install(&shop(DEMO)).await.unwrap();
    let token = stored_token(stack).await;
    assert!(token.expiry.is_some(), "installs ask for expiring tokens");
    // Renewals get the usual hour, so nothing else falls due during the test.
    set_token_ttl(stack, 3600).await;
    tokio::time::sleep(Duration::from_secs(ttl) + Duration::from_millis(300)).await;
}

stack_test!(
    an_expired_token_is_renewed_once_for_a_burst_of_orders,
    |stack| {
        hold_an_expired_token(stack, 3).await;
        let before = stored_token(stack).await;
        let refreshes = sim_stat(stack, "tokenRefreshes").await;
        let keys: Vec<String> = (0..6).map(|n| format!("burst-{n}")).collect();
        let orders = keys.iter().map(|key| order(stack, key));
        for response in futures::future::join_all(orders).await {
            assert_eq!(response.status(), StatusCode::CREATED);
        }
        assert_eq!(
            sim_stat(stack, "tokenRefreshes").await,
            refreshes + 1,
            "one renewal"
        );
        assert_eq!(
            sim_stat(stack, "unauthorized").await,
            0,
            "no expired token was sent"
        );
        let after = stored_token(stack).await;
        assert_ne!(after.access_ciphertext, before.access_ciphertext);
        let (old, new) = (before.expiry.unwrap(), after.expiry.unwrap());
        assert_ne!(
            new.refresh_ciphertext, old.refresh_ciphertext,
            "the refresh token rotated"
        );
        assert!(new.expires_at > old.expires_at + chrono::Duration::minutes(30));
        assert!(new.refresh_at < new.expires_at);
    }
);

stack_test!(
    a_refused_renewal_asks_the_merchant_to_reconnect_and_the_admin_load_does,
    |stack| {
        hold_an_expired_token(stack, 3).await;
        // Shopify forgets the app's tokens for the shop (as after a revoked grant).
        stack
            .sim_post(&format!("/_sim/shops/{DEMO}/revoke-tokens"))
            .await;

        let refused = order(stack, "needs-reconnect").await;
        assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(refused.headers().contains_key("retry-after"));
        let records = gridprice_storage::entities::draft_order_records::Entity::find()
            .all(connection(stack.db()))
            .await
            .unwrap();
        assert!(records.is_empty(), "nothing recorded: the key stays free");
        let row = store_rows::Entity::find()
            .one(connection(stack.db()))
            .await
            .unwrap()
            .unwrap();
        assert!(row.reauth_required_at.is_some(), "the store is marked");

        // The merchant opens the app: token exchange gives a new expiring token.
        let id_token = stack.admin_token().await;
        let url = format!("/?embedded=1&shop={DEMO}&host=aG9zdA&id_token={id_token}");
        let page = stack.http.get(stack.app(&url)).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let retried = order(stack, "needs-reconnect").await;
        assert_eq!(
            retried.status(),
            StatusCode::CREATED,
            "the same key now works"
        );
    }
);

/// Gives the demo store a non-expiring token, as if installed before expiring tokens.
async fn hold_a_non_expiring_token(stack: &TestStack) -> String {
    let issued = stack
        .sim_post(&format!("/_sim/shops/{DEMO}/access-token"))
        .await;
    let legacy = issued["access_token"].as_str().unwrap().to_owned();
    let grant = OfflineToken {
        access_token: AccessToken::new(legacy.clone()),
        scope: issued["scope"].as_str().unwrap().to_owned(),
        expiry: None,
    };
    let store = demo_store(stack).await;
    let current = stored_token(stack).await;
    let non_expiring = stack
        .state()
        .shopify
        .seal(&store.shop, &grant, chrono::Utc::now());
    let replaced = stores::replace_token(stack.db(), store.id, &current, &non_expiring).await;
    assert!(replaced.unwrap());
    legacy
}

async fn shop_query(stack: &TestStack, token: &str) -> StatusCode {
    stack
        .http
        .post(stack.sim(&format!("/store/{DEMO}/admin/api/2026-10/graphql.json")))
        .header("x-shopify-access-token", token)
        .json(&json!({ "query": "{ shop { id } }" }))
        .send()
        .await
        .unwrap()
        .status()
}

stack_test!(
    a_non_expiring_token_is_exchanged_for_an_expiring_one,
    |stack| {
        let legacy = hold_a_non_expiring_token(stack).await;
        assert_eq!(order(stack, "legacy-1").await.status(), StatusCode::CREATED);
        let migrated = stored_token(stack).await;
        assert!(migrated.expiry.is_some(), "now an expiring token");
        assert_eq!(
            shop_query(stack, &legacy).await,
            StatusCode::UNAUTHORIZED,
            "the non-expiring token was cycled out"
        );
        assert_eq!(order(stack, "legacy-2").await.status(), StatusCode::CREATED);
    }
);

/// Two instances on one PostgreSQL database meet the same non-expiring token at once: Shopify
/// exchanges it for one of them and refuses the other, which then uses the first one's token;
/// neither marks the store for reconnection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_exchanging_one_token_agree_on_postgres() {
    let Some(stack) = TestStack::postgres().await else {
        return;
    };
    let second = stack.second_instance().await;
    hold_a_non_expiring_token(&stack).await;
    let store = demo_store(&stack).await;
    let (first, other) = tokio::join!(
        stack.state().shopify.access_token(&store),
        second.state().shopify.access_token(&store)
    );
    for token in [
        first.expect("the first instance"),
        other.expect("the second"),
    ] {
        assert_eq!(
            shop_query(&stack, token.expose_secret()).await,
            StatusCode::OK
        );
    }
    assert!(stored_token(&stack).await.expiry.is_some());
    let row = store_rows::Entity::find()
        .one(connection(stack.db()))
        .await
        .unwrap()
        .unwrap();
    assert!(
        row.reauth_required_at.is_none(),
        "not marked for reconnection"
    );
    second.stop().await;
    stack.finish().await;
}

async fn faults(stack: &TestStack, faults: serde_json::Value) {
    let response = stack
        .http
        .post(stack.sim("/_sim/faults"))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

fn reauth_required(row: &store_rows::Model) -> bool {
    row.reauth_required_at.is_some()
}

async fn store_row(stack: &TestStack) -> store_rows::Model {
    store_rows::Entity::find()
        .one(connection(stack.db()))
        .await
        .unwrap()
        .unwrap()
}

/// The stored token, opened.
async fn current_access_token(stack: &TestStack) -> String {
    let sealed = stored_token(stack).await.access_ciphertext;
    stack.state().shopify.secrets().open(&sealed, DEMO).unwrap()
}

stack_test!(
    a_token_revoked_by_a_renewal_elsewhere_is_renewed_and_the_order_goes_through,
    |stack| {
        // Another instance renews the token and its answer never reaches the row: Shopify keeps
        // one expiring offline token per shop and app, so the stored one is revoked, while its
        // refresh token still works (its replacement was never used).
        let stored = stored_token(stack).await;
        let sealed_refresh = stored.expiry.as_ref().unwrap().refresh_ciphertext.clone();
        let secrets = stack.state().shopify.secrets();
        let refresh = secrets
            .open(&sealed_refresh, &format!("{DEMO}#refresh"))
            .unwrap();
        let config = stack.state().shopify.config();
        shopify::token::refresh(
            &reqwest::Client::new(),
            &config.shop_url_template,
            &shop(DEMO),
            &config.credentials,
            &shopify::RefreshToken::new(refresh),
        )
        .await
        .expect("renewed elsewhere");
        let revoked = current_access_token(stack).await;
        assert_eq!(shop_query(stack, &revoked).await, StatusCode::UNAUTHORIZED);
        let refused_before = sim_stat(stack, "unauthorized").await;

        let response = order(stack, "after-revocation").await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{}",
            response.text().await.unwrap()
        );
        assert_eq!(
            sim_stat(stack, "unauthorized").await,
            refused_before + 1,
            "one refused send, then the renewed token"
        );
        assert!(
            !reauth_required(&store_row(stack).await),
            "no reconnection needed"
        );
        let renewed = current_access_token(stack).await;
        assert_ne!(renewed, revoked);
        assert_eq!(shop_query(stack, &renewed).await, StatusCode::OK);
    }
);

/// Two instances on one PostgreSQL database: while the second instance's call is on its way
/// with the stored token, the first renews it, which revokes it at Shopify. The second instance's
/// call is refused (401), re-reads the row and succeeds with the first instance's token — no
/// second renewal, no reconnection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_renewed_by_another_instance_mid_call_is_retried_with_on_postgres() {
    let Some(stack) = TestStack::postgres().await else {
        return;
    };
    let second = stack.second_instance().await;
    let store = demo_store(&stack).await;
    // The call waits this long at Shopify before its token is checked.
    faults(&stack, json!({ "latencyMs": 1500 })).await;
    let refreshes = sim_stat(&stack, "tokenRefreshes").await;
    let refused = sim_stat(&stack, "unauthorized").await;

    let second_access = &second.state().shopify;
    let on_second = second_access.call(&store, |token| {
        let shop = &store.shop;
        async move { second_access.shop(shop, &token).shop_info().await }
    });
    let renewal_on_first = async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        // The token falls due on the first instance, which renews it.
        let mut row = store_row(&stack).await.into_active_model();
        row.access_token_refresh_at = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1)));
        row.update(connection(stack.db())).await.unwrap();
        stack.state().shopify.access_token(&store).await
    };
    let (info, renewed) = tokio::join!(on_second, renewal_on_first);
    faults(&stack, json!({ "latencyMs": 0 })).await;

    let renewed = renewed.expect("the first instance renewed");
    assert_eq!(
        info.expect("the second instance's call succeeded")
            .myshopify_domain
            .as_str(),
        DEMO
    );
    assert_eq!(
        sim_stat(&stack, "tokenRefreshes").await,
        refreshes + 1,
        "one renewal"
    );
    assert_eq!(
        sim_stat(&stack, "unauthorized").await,
        refused + 1,
        "the call was refused once, then retried with the renewed token"
    );
    assert_eq!(current_access_token(&stack).await, renewed.expose_secret());
    assert!(
        !reauth_required(&store_row(&stack).await),
        "no reconnection needed"
    );
    second.stop().await;
    stack.finish().await;
}

stack_test!(
    a_lost_migration_answer_is_asked_again_and_the_retired_token_never_sent,
    |stack| {
        let legacy = hold_a_non_expiring_token(stack).await;
        // Every answer of the client's attempts is lost; each time Shopify did migrate.
        let attempts = shopify::token::MIGRATION_ATTEMPTS;
        faults(stack, json!({ "dropNextTokenResponse": attempts })).await;
        let refused_before = sim_stat(stack, "unauthorized").await;

        let first = order(stack, "lost-migration").await;
        assert_eq!(first.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(first.headers().contains_key("retry-after"));
        assert_eq!(
            sim_stat(stack, "unauthorized").await,
            refused_before,
            "the non-expiring token, retired by the migration, was not used"
        );
        assert!(
            stored_token(stack).await.expiry.is_none(),
            "nothing stored yet"
        );
        assert!(!reauth_required(&store_row(stack).await));

        // The retry asks again and Shopify answers with the same pair.
        let second = order(stack, "lost-migration").await;
        assert_eq!(second.status(), StatusCode::CREATED);
        assert!(
            stored_token(stack).await.expiry.is_some(),
            "now an expiring token"
        );
        assert_eq!(sim_stat(stack, "unauthorized").await, refused_before);
        assert!(!reauth_required(&store_row(stack).await));
        assert_eq!(shop_query(stack, &legacy).await, StatusCode::UNAUTHORIZED);
    }
);
