//! Issue 3 end to end: install, token exchange, session tokens, webhooks, re-authentication —
//! the app and the simulator over real sockets, on SQLite and PostgreSQL.

use gridprice_storage::testing::connection;

use gridprice_storage::entities::{api_keys, gdpr_requests, stores as store_rows, webhook_events};
use gridprice_storage::stores;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::support::{eventually, shop, TestStack};
use gridprice_storage::testing::row_counts;

const DEMO: &str = "demo-shop.myshopify.com";

async fn session_request(stack: &TestStack, token: &str) -> reqwest::Response {
    stack
        .http
        .get(stack.app("/app/api/session"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn mint_token(stack: &TestStack, body: Value) -> String {
    let minted: Value = stack
        .http
        .post(stack.sim("/_sim/session-token"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    minted["idToken"].as_str().unwrap().to_owned()
}

/// Opens the app as the Shopify admin does for `shop`: the document load with an `id_token`.
async fn embedded_load(stack: &TestStack, shop: &str) -> reqwest::Response {
    let token = mint_token(stack, json!({ "shop": shop })).await;
    let url = format!("/?embedded=1&shop={shop}&host=aG9zdA&id_token={token}");
    stack.http.get(stack.app(&url)).send().await.unwrap()
}

stack_test!(
    the_demo_shop_is_installed_through_oauth_with_its_token_sealed,
    |stack| {
        let response = session_request(stack, &stack.admin_token().await).await;
        assert_eq!(response.status(), 200);
        let session: Value = response.json().await.unwrap();
        assert_eq!(
            (session["shop"].as_str(), session["currency"].as_str()),
            (Some(DEMO), Some("USD"))
        );
        assert!(stack.storefront_key().starts_with("gp_pk_"));

        let row = store_rows::Entity::find()
            .one(connection(stack.db()))
            .await
            .unwrap()
            .unwrap();
        let sealed = row.access_token_ciphertext.unwrap();
        assert!(
            sealed.starts_with("v1:"),
            "the offline token is encrypted at rest"
        );
        let refresh = row.refresh_token_ciphertext.expect("an expiring token");
        assert!(refresh.starts_with("v1:"), "so is its refresh token");
        assert!(row.access_token_refresh_at < row.access_token_expires_at);
        assert_eq!(
            row.scopes.as_deref(),
            Some("write_draft_orders,read_products")
        );
    }
);

stack_test!(
    a_reinstall_refreshes_the_token_and_keeps_the_data,
    |stack| {
        let before = row_counts(stack.db()).await;
        let store = stores::find_by_shop(stack.db(), &shop(DEMO))
            .await
            .unwrap()
            .unwrap();
        stack.stack.install(&shop(DEMO)).await.unwrap();
        let after = stores::find_by_shop(stack.db(), &shop(DEMO))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(after.id, store.id);
        assert!(after.installed_at > store.installed_at);
        assert_eq!(
            row_counts(stack.db()).await,
            before,
            "no data lost, no second key made"
        );
    }
);

stack_test!(
    an_embedded_load_installs_a_new_shop_by_token_exchange,
    |stack| {
        stack.add_shop("euro-glass.myshopify.com", "EUR").await;
        let page = embedded_load(stack, "euro-glass.myshopify.com").await;
        assert_eq!(page.status(), 200);
        let policy = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            policy.contains("frame-ancestors https://euro-glass.myshopify.com"),
            "{policy}"
        );
        assert!(page
            .text()
            .await
            .unwrap()
            .contains("euro-glass.myshopify.com"));

        let store = stores::find_by_shop(stack.db(), &shop("euro-glass.myshopify.com"))
            .await
            .unwrap();
        let store = store.expect("token exchange created the store");
        assert_eq!(
            store.currency.code(),
            "EUR",
            "the currency comes from Shopify"
        );
        let keys = api_keys::Entity::find()
            .filter(api_keys::Column::StoreId.eq(store.id.get()))
            .count(connection(stack.db()))
            .await
            .unwrap();
        assert_eq!(keys, 1, "a first storefront key waits to be revealed");
        let token = mint_token(stack, json!({ "shop": "euro-glass.myshopify.com" })).await;
        assert_eq!(session_request(stack, &token).await.status(), 200);
    }
);

stack_test!(
    forged_tampered_and_replayed_install_callbacks_are_refused,
    |stack| {
        let no_redirects = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let location = |response: &reqwest::Response| {
            response.headers()["location"].to_str().unwrap().to_owned()
        };
        for bad in [
            "/auth",
            "/auth?shop=evil.com",
            "/auth?shop=demo-shop.myshopify.com.evil.com",
        ] {
            let response = no_redirects.get(stack.app(bad)).send().await.unwrap();
            assert_eq!(response.status(), 400, "{bad}");
        }
        let to_shopify = no_redirects
            .get(stack.app(&format!("/auth?shop={DEMO}")))
            .send()
            .await
            .unwrap();
        assert_eq!(to_shopify.status(), 303);
        let grant = no_redirects
            .get(location(&to_shopify))
            .send()
            .await
            .unwrap();
        let callback = location(&grant);
        assert!(callback.contains("/auth/callback?"), "{callback}");

        let tampered = callback.replace("state=", "state=x");
        assert_eq!(
            no_redirects.get(&tampered).send().await.unwrap().status(),
            403
        );
        let forged = stack.app(&format!(
            "/auth/callback?code=c&hmac=00&host=aA&shop={DEMO}&state=s&timestamp=1"
        ));
        assert_eq!(
            no_redirects.get(&forged).send().await.unwrap().status(),
            403
        );

        assert_eq!(
            no_redirects.get(&callback).send().await.unwrap().status(),
            303,
            "the real one"
        );
        let replay = no_redirects.get(&callback).send().await.unwrap();
        assert_eq!(replay.status(), 403, "a callback works once");
    }
);

stack_test!(
    session_tokens_that_are_missing_tampered_expired_or_foreign_are_refused,
    |stack| {
        let retry = "x-shopify-retry-invalid-session-request";
        let missing = stack
            .http
            .get(stack.app("/app/api/session"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            (missing.status(), missing.headers()[retry].to_str().unwrap()),
            (StatusCode::UNAUTHORIZED, "1")
        );
        assert_eq!(
            missing.headers()["content-type"],
            "application/problem+json"
        );

        let token = stack.admin_token().await;
        let mut tampered = token.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        let expired = mint_token(stack, json!({ "shop": DEMO, "expiresIn": -120 })).await;
        for bad in [tampered.as_str(), expired.as_str(), "not-a-jwt"] {
            let response = session_request(stack, bad).await;
            assert_eq!(response.status(), 401);
            assert!(response.headers().contains_key(retry));
        }

        stack.add_shop("never-installed.myshopify.com", "USD").await;
        let stranger = mint_token(stack, json!({ "shop": "never-installed.myshopify.com" })).await;
        let response = session_request(stack, &stranger).await;
        assert_eq!(response.status(), 401);
        assert_eq!(
            response.headers()["x-shopify-api-request-failure-reauthorize"],
            "1"
        );
        assert_eq!(session_request(stack, &token).await.status(), 200);
    }
);

stack_test!(tampered_webhooks_are_refused_and_store_nothing, |stack| {
    let body = r#"{"shop_domain":"demo-shop.myshopify.com"}"#;
    let response = stack
        .http
        .post(stack.app("/webhooks"))
        .header("x-shopify-topic", "shop/redact")
        .header("content-type", "application/json")
        .header(
            "x-shopify-hmac-sha256",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )
        .header("x-shopify-shop-domain", DEMO)
        .header("x-shopify-webhook-id", "forged-1")
        .header("x-shopify-event-id", "forged-1")
        .header("x-shopify-api-version", "2026-10")
        .header("x-shopify-triggered-at", "2026-11-25T00:00:00Z")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let events = webhook_events::Entity::find()
        .count(connection(stack.db()))
        .await
        .unwrap();
    assert_eq!(events, 0);
    assert!(stores::find_by_shop(stack.db(), &shop(DEMO))
        .await
        .unwrap()
        .is_some());
});

stack_test!(a_duplicated_privacy_webhook_is_processed_once, |stack| {
    let payload = json!({ "shop_domain": DEMO, "customer": { "id": 1 }, "orders_to_redact": [] });
    stack
        .deliver_webhook(DEMO, "customers/redact", payload, true)
        .await;
    let db = connection(stack.db());
    eventually("the privacy request is recorded", || async {
        gdpr_requests::Entity::find().count(db).await.unwrap() >= 1
    })
    .await;
    eventually("the webhook is marked processed", || async {
        let event = webhook_events::Entity::find().one(db).await.unwrap();
        event.is_some_and(|e| e.processed_at.is_some())
    })
    .await;
    assert_eq!(
        gdpr_requests::Entity::find().count(db).await.unwrap(),
        1,
        "processed once"
    );
    assert_eq!(webhook_events::Entity::find().count(db).await.unwrap(), 1);
    let request = gdpr_requests::Entity::find()
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (request.shop.as_str(), request.kind.as_str()),
        (DEMO, "customers/redact")
    );
});

stack_test!(
    shop_redact_deletes_every_row_of_that_store_and_nothing_else,
    |stack| {
        let before = row_counts(stack.db()).await;
        stack.install_new_shop("leaving.myshopify.com").await;
        gridprice_storage::testing::seed_store_data(stack.db(), &shop("leaving.myshopify.com"))
            .await;
        assert_ne!(row_counts(stack.db()).await, before);

        stack
            .deliver_webhook("leaving.myshopify.com", "shop/redact", Value::Null, false)
            .await;
        eventually("the store is deleted", || async {
            stores::find_by_shop(stack.db(), &shop("leaving.myshopify.com"))
                .await
                .unwrap()
                .is_none()
        })
        .await;
        assert_eq!(
            row_counts(stack.db()).await,
            before,
            "no row of the redacted store is left"
        );
        let requests = gdpr_requests::Entity::find()
            .all(connection(stack.db()))
            .await
            .unwrap();
        assert_eq!(
            requests.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>(),
            ["shop/redact"]
        );
    }
);

stack_test!(
    uninstall_drops_the_token_and_an_embedded_load_reinstalls,
    |stack| {
        stack.uninstall(DEMO).await;
        eventually("the store is marked uninstalled", || async {
            let store = stores::find_by_shop(stack.db(), &shop(DEMO))
                .await
                .unwrap()
                .unwrap();
            store.uninstalled_at.is_some()
        })
        .await;
        let store = stores::find_by_shop(stack.db(), &shop(DEMO))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            stores::stored_token(stack.db(), store.id).await.unwrap(),
            None,
            "access and refresh token dropped"
        );
        let refused = session_request(stack, &stack.admin_token().await).await;
        assert_eq!(refused.status(), 401);
        assert_eq!(
            refused.headers()["x-shopify-api-request-failure-reauthorize"],
            "1"
        );

        assert_eq!(embedded_load(stack, DEMO).await.status(), 200);
        let again = stores::find_by_shop(stack.db(), &shop(DEMO))
            .await
            .unwrap()
            .unwrap();
        assert!(again.is_active() && again.id == store.id);
        assert_eq!(
            session_request(stack, &stack.admin_token().await)
                .await
                .status(),
            200
        );
    }
);

stack_test!(shop_update_changes_the_store_currency, |stack| {
    stack
        .deliver_webhook(
            DEMO,
            "shop/update",
            json!({ "domain": DEMO, "currency": "CAD" }),
            false,
        )
        .await;
    eventually("the currency is updated", || async {
        let store = stores::find_by_shop(stack.db(), &shop(DEMO))
            .await
            .unwrap()
            .unwrap();
        store.currency.code() == "CAD"
    })
    .await;
});

stack_test!(
    a_token_refused_by_shopify_marks_the_store_for_reauthentication,
    |stack| {
        let token = stack.admin_token().await;
        let sync = || {
            stack
                .http
                .post(stack.app("/app/api/shop/sync"))
                .bearer_auth(&token)
                .send()
        };
        assert_eq!(sync().await.unwrap().status(), 200);

        let revoke = stack
            .http
            .post(stack.sim(&format!("/_sim/shops/{DEMO}/revoke-tokens")))
            .send()
            .await
            .unwrap();
        assert_eq!(revoke.status(), 200);
        let refused = sync().await.unwrap();
        assert_eq!(refused.status(), 401);
        assert_eq!(
            refused.headers()["x-shopify-api-request-failure-reauthorize"],
            "1"
        );
        let store = stores::find_by_shop(stack.db(), &shop(DEMO))
            .await
            .unwrap()
            .unwrap();
        assert!(store.reauth_required_at.is_some(), "the store is marked");
        assert_eq!(session_request(stack, &token).await.status(), 401);

        assert_eq!(
            embedded_load(stack, DEMO).await.status(),
            200,
            "token exchange re-authorises"
        );
        assert_eq!(sync().await.unwrap().status(), 200);
    }
);

stack_test!(
    a_burst_beyond_the_bucket_is_paced_without_errors_reaching_callers,
    |stack| {
        let config = json!({ "bucketSize": 10, "restoreRate": 10 });
        let response = stack
            .http
            .put(stack.sim("/_sim/config"))
            .json(&config)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let token = stack.admin_token().await;
        let calls = (0..40).map(|_| {
            let (http, url, token) = (
                stack.http.clone(),
                stack.app("/app/api/shop/sync"),
                token.clone(),
            );
            tokio::spawn(async move {
                http.post(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        });
        for call in calls.collect::<Vec<_>>() {
            assert_eq!(
                call.await.unwrap(),
                200,
                "no throttling error reaches the caller"
            );
        }
        let requests = stack.sim_get("/_sim/requests").await;
        let served = requests["shops"][DEMO]["graphql"].as_u64().unwrap();
        assert!(served >= 40, "every call reached Shopify: {requests}");
    }
);

stack_test!(
    a_token_for_a_shop_shopify_does_not_know_or_too_long_lived_is_refused,
    |stack| {
        // Signed with the app's secret, as a token from a closed store would be.
        let now = chrono::Utc::now().timestamp();
        let ghost = "closed-store.myshopify.com";
        let claims = json!({
            "iss": format!("https://{ghost}/admin"), "dest": format!("https://{ghost}"),
            "aud": stack.stack.ready.app_api_key, "sub": "1",
            "exp": now + 60, "nbf": now, "iat": now, "jti": "x", "sid": "s",
        });
        let token = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(stack.stack.ready.app_api_secret.as_bytes()),
        )
        .unwrap();
        let url = format!("/?embedded=1&shop={ghost}&host=aG9zdA&id_token={token}");
        let page = stack.http.get(stack.app(&url)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::NOT_FOUND);
        assert_eq!(page.headers()["content-type"], "application/problem+json");
        assert!(stores::find_by_shop(stack.db(), &shop(ghost))
            .await
            .unwrap()
            .is_none());

        let long_lived = mint_token(stack, json!({ "shop": DEMO, "expiresIn": 3600 })).await;
        let response = session_request(stack, &long_lived).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let minute = mint_token(stack, json!({ "shop": DEMO })).await;
        assert_eq!(
            session_request(stack, &minute).await.status(),
            StatusCode::OK
        );
    }
);

stack_test!(a_webhook_over_its_size_limit_gets_a_problem, |stack| {
    let response = stack
        .http
        .post(stack.app("/webhooks"))
        .header("content-type", "application/json")
        .header("x-shopify-topic", "shop/redact")
        .header("x-shopify-shop-domain", DEMO)
        .body(vec![b' '; 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["status"], 413);
});
