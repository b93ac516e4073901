//! Who may call the storefront API, from where, how often, and with what input: keys, tenants,
//! CORS, rate limits and every class of bad input.

use std::num::NonZeroU32;

use gridprice::config::{Rate, RateLimits};
use gridprice_storage::api_keys::{self, KeyKind};
use gridprice_storage::audit::Action;
use gridprice_storage::options::{self, NewChoice, NewOptionGroup, Requirement};
use gridprice_storage::testing::write;
use gridprice_storage::ApiKeyId;
use pricing::Modifier;
use reqwest::{Method, StatusCode};
use tokio_util::sync::CancellationToken;

use crate::storefront_support::*;

stack_test!(
    storefront_rejects_every_bad_input_and_writes_nothing,
    |stack| {
        let before = fingerprint(stack).await;
        let ((glass, glass_choices), (edge, edge_choices)) = demo_option_ids(stack).await;
        let deep = encode(r#"{"selections":[{"optionGroupId":[[[1]]],"choiceId":1}]}"#);
        let many: Vec<(i64, i64)> = (0..21).map(|_| (glass, glass_choices[0])).collect();
        let cases: Vec<(String, &[&str])> = vec![
            ("height=400".into(), &["width"]),
            ("width=&height=400".into(), &["width"]),
            ("width=abc&height=400".into(), &["width"]),
            ("width=1e3&height=400".into(), &["width"]),
            ("width=0&height=400".into(), &["width"]),
            ("width=-5&height=400".into(), &["width"]),
            ("width=600&height=0.00001".into(), &["height"]),
            ("width=1000000.0001&height=400".into(), &["width"]),
            ("width=1000001&height=400&unit=m".into(), &["width"]),
            ("width=600&height=400&unit=yd".into(), &["unit"]),
            ("width=600&height=400&unit=MM".into(), &["unit"]),
            ("width=600&height=400&quantity=0".into(), &["quantity"]),
            ("width=600&height=400&quantity=10001".into(), &["quantity"]),
            ("width=600&height=400&quantity=2.5".into(), &["quantity"]),
            ("width=600&height=400&quantity=-1".into(), &["quantity"]),
            ("width=600&height=400&quantity=abc".into(), &["quantity"]),
            ("width=600&width=700&height=400".into(), &["width"]),
            ("width=600&height=400&options=notjson".into(), &["options"]),
            ("width=600&height=400&options=%5B%5D".into(), &["options"]),
            (format!("width=600&height=400&options={deep}"), &["options"]),
            (
                format!("width=600&height=400&{}", options_param(&many)),
                &["options"],
            ),
            // Not assigned to the product, not a choice of the group, twice the same group.
            (
                format!("width=600&height=400&{}", options_param(&[(999_999, 1)])),
                &["options.selections[0]"],
            ),
            (
                format!(
                    "width=600&height=400&{}",
                    options_param(&[(glass, edge_choices[1])])
                ),
                &["options.selections[0]"],
            ),
            (
                format!(
                    "width=600&height=400&{}",
                    options_param(&[(edge, edge_choices[0]), (edge, edge_choices[1])])
                ),
                &["options.selections[1]"],
            ),
            (
                "width=x&height=y&quantity=z&unit=q".into(),
                &["height", "quantity", "unit", "width"],
            ),
        ];
        for (query, fields) in &cases {
            let answer = get(stack, &price_path(query)).await;
            assert_eq!(
                answer.status,
                StatusCode::BAD_REQUEST,
                "{query}: {}",
                answer.text
            );
            assert_eq!(
                answer.header("content-type"),
                Some("application/problem+json"),
                "{query}"
            );
            assert_eq!(answer.json["status"], 400);
            assert!(answer.json["detail"]
                .as_str()
                .is_some_and(|d| !d.is_empty()));
            assert_eq!(answer.error_fields(), *fields, "{query}: {}", answer.text);
        }

        // A query string over 2 KiB, a malformed product id.
        let long = get(
            stack,
            &price_path(&format!("width=600&height=400&pad={}", "1".repeat(2100))),
        )
        .await;
        assert_eq!(long.status, StatusCode::BAD_REQUEST);
        assert_eq!(long.error_fields(), ["query"]);
        let bad_id = get(
            stack,
            "/api/v1/products/gid%3A%2F%2Fshopify%2FOrder%2F1/price?width=1&height=1",
        )
        .await;
        assert_eq!(bad_id.status, StatusCode::BAD_REQUEST, "{}", bad_id.text);
        assert_eq!(bad_id.error_fields(), ["productId"]);

        // Unknown products are 404 problems; other methods 405 problems.
        let unknown = get(stack, "/api/v1/products/123/price?width=600&height=400").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert_eq!(
            unknown.header("content-type"),
            Some("application/problem+json")
        );
        for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
            let url = stack.app(&price_path("width=600&height=400"));
            let answer = call(
                &stack.http,
                method.clone(),
                &url,
                Some(stack.storefront_key()),
                None,
            )
            .await;
            assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
            assert_eq!(
                answer.header("content-type"),
                Some("application/problem+json")
            );
            assert_eq!(answer.header("allow"), Some("GET, HEAD, OPTIONS"));
        }

        assert_eq!(
            fingerprint(stack).await,
            before,
            "bad input changed the database"
        );

        // A REQUIRED group without a default needs a selection.
        let store = demo_store(stack).await;
        let size = write(stack.db(), store.id, Action::OptionGroupCreate, async |w| {
            options::create_group(
                w,
                &NewOptionGroup {
                    name: "Frame".into(),
                    requirement: Requirement::Required,
                    choices: vec![NewChoice {
                        label: "Oak".into(),
                        modifier: Modifier::Fixed(700),
                        is_default: false,
                    }],
                },
            )
            .await
        })
        .await
        .expect("group");
        write(
            stack.db(),
            store.id,
            Action::ProductSetOptionGroups,
            async |w| {
                options::set_product_groups(
                    w,
                    "gid://shopify/Product/8000000000001",
                    &[gridprice_storage::OptionGroupId::new(glass), size.id],
                )
                .await
            },
        )
        .await
        .expect("assign");
        let missing = get(stack, &price_path("width=600&height=400")).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.text);
        assert_eq!(missing.error_fields(), ["options"]);
        let detail = missing.json["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("\"Frame\"") && detail.contains("required"),
            "{detail}"
        );
        let chosen = options_param(&[(size.id.get(), size.choices[0].id.get())]);
        let priced = get(
            stack,
            &price_path(&format!("width=600&height=400&{chosen}")),
        )
        .await;
        assert_eq!(priced.json["unitPriceMinor"], 3700, "{}", priced.text);
        // The edge group is no longer the product's.
        let gone = get(
            stack,
            &price_path(&format!(
                "width=600&height=400&{chosen}&{}",
                options_param(&[(edge, edge_choices[0])])
            )),
        )
        .await;
        assert_eq!(gone.status, StatusCode::BAD_REQUEST, "{}", gone.text);
    }
);

stack_test!(
    storefront_keys_are_checked_and_scoped_to_their_store,
    |stack| {
        let path = price_path("width=600&height=400");
        let missing = get_with(stack, &path, None, None).await;
        assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            missing.header("content-type"),
            Some("application/problem+json")
        );
        let unknown = get_with(
            stack,
            &path,
            Some("gp_pk_notakeynotakeynotakeynotakey12"),
            None,
        )
        .await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        let oversized = get_with(stack, &path, Some(&"k".repeat(500)), None).await;
        assert_eq!(oversized.status, StatusCode::UNAUTHORIZED);

        // A revoked key stops working at once, even though it was cached.
        let store = demo_store(stack).await;
        let (id, key) = new_key(stack, &store, KeyKind::Publishable, &[]).await;
        assert_eq!(
            get_with(stack, &path, Some(&key), None).await.status,
            StatusCode::OK
        );
        write(
            stack.db(),
            store.id,
            Action::StorefrontKeyRevoke,
            async |work| api_keys::revoke(work, ApiKeyId::new(id), chrono::Utc::now()).await,
        )
        .await
        .expect("revoke");
        let revoked = get_with(stack, &path, Some(&key), None).await;
        assert_eq!(revoked.status, StatusCode::UNAUTHORIZED, "{}", revoked.text);
        // An expired key (a rotation's grace period over) too.
        let (id, key) = new_key(stack, &store, KeyKind::Publishable, &[]).await;
        let past = chrono::Utc::now() - chrono::Duration::seconds(1);
        write(
            stack.db(),
            store.id,
            Action::StorefrontKeyRotate,
            async |work| api_keys::expire(work, ApiKeyId::new(id), past).await,
        )
        .await
        .expect("expire");
        assert_eq!(
            get_with(stack, &path, Some(&key), None).await.status,
            StatusCode::UNAUTHORIZED
        );

        // Secret keys: fine from a server, refused from a browser.
        let (_, secret) = new_key(stack, &store, KeyKind::Secret, &[]).await;
        assert_eq!(
            get_with(stack, &path, Some(&secret), None).await.status,
            StatusCode::OK
        );
        let browser = get_with(stack, &path, Some(&secret), Some("https://shop.example")).await;
        assert_eq!(browser.status, StatusCode::FORBIDDEN, "{}", browser.text);

        // A second shop's key can neither price nor list the first shop's product: a plain 404.
        let other = crate::support::shop("other-glass.myshopify.com");
        stack.install_new_shop(other.as_str()).await;
        let other_store = gridprice_storage::stores::find_by_shop(stack.db(), &other)
            .await
            .expect("read")
            .expect("the second store");
        let (_, other_key) = new_key(stack, &other_store, KeyKind::Publishable, &[]).await;
        let theirs = get_with(stack, &path, Some(&other_key), None).await;
        let nobody = get_with(
            stack,
            "/api/v1/products/123/price?width=600&height=400",
            Some(&other_key),
            None,
        )
        .await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.text);
        assert_eq!(
            theirs.json["detail"], nobody.json["detail"],
            "no hint that the product exists"
        );
        let options_path = format!("/api/v1/products/{DEMO_PRODUCT}/options");
        let listed = get_with(stack, &options_path, Some(&other_key), None).await;
        assert_eq!(listed.status, StatusCode::NOT_FOUND);
    }
);

stack_test!(
    storefront_answers_cors_preflights_and_enforces_origins,
    |stack| {
        let url = stack.app(&price_path("width=600&height=400"));
        // Preflight: before authentication, 204, what may be sent.
        let preflight = stack
            .http
            .request(Method::OPTIONS, &url)
            .header("origin", "https://anyone.example")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "x-api-key")
            .send()
            .await
            .expect("preflight");
        assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
        let header = |name: &str| {
            preflight
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(
            header("access-control-allow-origin"),
            "https://anyone.example"
        );
        assert!(header("access-control-allow-methods").contains("GET"));
        assert!(header("access-control-allow-headers")
            .to_lowercase()
            .contains("x-api-key"));
        assert!(!header("access-control-max-age").is_empty());

        // The demo key allows any origin; the answer echoes it.
        let any = get_with(
            stack,
            &price_path("width=600&height=400"),
            Some(stack.storefront_key()),
            Some("https://anyone.example"),
        )
        .await;
        assert_eq!(any.status, StatusCode::OK);
        assert_eq!(
            any.header("access-control-allow-origin"),
            Some("https://anyone.example")
        );
        assert!(any
            .header("access-control-expose-headers")
            .is_some_and(|h| h.contains("RateLimit-Remaining")));

        // A key limited to one origin.
        let store = demo_store(stack).await;
        let (_, key) = new_key(
            stack,
            &store,
            KeyKind::Publishable,
            &["https://shop.example/"],
        )
        .await;
        let path = price_path("width=600&height=400");
        let allowed = get_with(stack, &path, Some(&key), Some("https://shop.example")).await;
        assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.text);
        assert_eq!(
            allowed.header("access-control-allow-origin"),
            Some("https://shop.example")
        );
        let refused = get_with(stack, &path, Some(&key), Some("https://evil.example")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
        assert_eq!(
            refused.header("content-type"),
            Some("application/problem+json")
        );
        assert_eq!(
            refused.header("access-control-allow-origin"),
            Some("https://evil.example"),
            "readable"
        );
        let server = get_with(stack, &path, Some(&key), None).await;
        assert_eq!(
            server.status,
            StatusCode::OK,
            "no Origin: a server, not a browser"
        );
        assert!(server.header("access-control-allow-origin").is_none());
    }
);

stack_test!(storefront_rate_limits_per_key_and_per_ip, |stack| {
    let tiny = |per_second, burst| Rate::new(nonzero(per_second), nonzero(burst));
    // Per key: 1 a second, bursts of 2; per IP: roomy.
    let by_key = serve_with_limits(
        stack,
        RateLimits {
            per_key: tiny(1, 2),
            per_ip: tiny(1000, 1000),
            ..RateLimits::default()
        },
    )
    .await;
    let url = format!("{}{}", by_key.0, price_path("width=600&height=400"));
    let key = stack.storefront_key();
    let first = call(&stack.http, Method::GET, &url, Some(key), None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("ratelimit-limit"), Some("2"));
    assert_eq!(first.header("ratelimit-remaining"), Some("1"));
    assert!(first.header("ratelimit-reset").is_some());
    assert_eq!(
        call(&stack.http, Method::GET, &url, Some(key), None)
            .await
            .status,
        StatusCode::OK
    );
    let limited = call(
        &stack.http,
        Method::GET,
        &url,
        Some(key),
        Some("https://shop.example"),
    )
    .await;
    assert_eq!(
        limited.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        limited.text
    );
    assert_eq!(
        limited.header("content-type"),
        Some("application/problem+json")
    );
    let retry: u64 = limited
        .header("retry-after")
        .and_then(|s| s.parse().ok())
        .expect("Retry-After");
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(limited.header("ratelimit-remaining"), Some("0"));
    assert_eq!(
        limited.header("access-control-allow-origin"),
        Some("https://shop.example")
    );
    // Another key of the same store has its own allowance.
    let store = demo_store(stack).await;
    let (_, other) = new_key(stack, &store, KeyKind::Publishable, &[]).await;
    assert_eq!(
        call(&stack.http, Method::GET, &url, Some(&other), None)
            .await
            .status,
        StatusCode::OK
    );
    by_key.1.cancel();

    // Per IP: limited before the key is even looked at.
    let by_ip = serve_with_limits(
        stack,
        RateLimits {
            per_key: tiny(1000, 1000),
            per_ip: tiny(1, 1),
            ..RateLimits::default()
        },
    )
    .await;
    let url = format!("{}{}", by_ip.0, price_path("width=600&height=400"));
    assert_eq!(
        call(&stack.http, Method::GET, &url, Some(key), None)
            .await
            .status,
        StatusCode::OK
    );
    let limited = call(&stack.http, Method::GET, &url, None, None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.header("retry-after").is_some());
    // Preflights are never limited.
    let preflight = call(
        &stack.http,
        Method::OPTIONS,
        &url,
        None,
        Some("https://shop.example"),
    )
    .await;
    assert_eq!(preflight.status, StatusCode::NO_CONTENT);
    by_ip.1.cancel();
});

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).expect("positive")
}

/// The stack's app state served again on another port with other rate limits.
async fn serve_with_limits(
    stack: &crate::support::TestStack,
    limits: RateLimits,
) -> (String, CancellationToken) {
    serve(stack.state().clone().with_rate_limits(limits)).await
}
