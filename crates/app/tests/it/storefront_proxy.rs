//! The storefront on a theme (DESIGN §13): the app proxy under `/proxy`, reached directly with
//! requests signed as Shopify signs them and through the simulator's real proxy
//! (`/store/{shop}/apps/gridprice/…`); the v1 product endpoint the calculator starts from; and
//! the calculator's script as the app serves it.

use std::num::NonZeroU32;
use std::path::Path;

use gridprice::config::{Rate, RateLimits};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shopify::app_proxy;
use shopify::ApiSecret;

use crate::storefront_support::{call, get, serve, Answer, DEMO_PRODUCT};
use crate::support::TestStack;

const DEMO: &str = "demo-shop.myshopify.com";

/// `query` plus the parameters Shopify's proxy adds for `shop`, signed with `secret` at
/// `timestamp` (seconds since the epoch).
fn signed_query(secret: &str, shop: &str, query: &str, timestamp: i64) -> String {
    let mut params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    params.extend([
        ("shop".to_owned(), shop.to_owned()),
        ("logged_in_customer_id".to_owned(), String::new()),
        ("path_prefix".to_owned(), "/apps/gridprice".to_owned()),
        ("timestamp".to_owned(), timestamp.to_string()),
    ]);
    let signature = app_proxy::sign(
        &ApiSecret::new(secret),
        params.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    );
    params.push(("signature".to_owned(), signature));
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `/proxy{path}?{query}` signed for `shop` now, with the stack's app secret.
fn proxy_url(stack: &TestStack, shop: &str, path: &str, query: &str) -> String {
    let secret = &stack.stack.ready.app_api_secret;
    stack.app(&format!(
        "/proxy{path}?{}",
        signed_query(secret, shop, query, now())
    ))
}

async fn proxy_get(stack: &TestStack, url: &str) -> Answer {
    call(&stack.http, Method::GET, url, None, None).await
}

/// The same path through the simulator's app proxy, as the shopper's browser calls it.
fn via_shopify(stack: &TestStack, shop: &str, path: &str) -> String {
    stack.sim(&format!("/store/{shop}/apps/gridprice{path}"))
}

async fn post_json(
    stack: &TestStack,
    url: &str,
    body: &Value,
    idempotency_key: Option<&str>,
) -> Answer {
    let mut request = stack.http.post(url).json(body);
    if let Some(key) = idempotency_key {
        request = request.header("idempotency-key", key);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    Answer {
        status,
        headers,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

async fn counter(stack: &TestStack) -> i64 {
    crate::storefront_support::demo_store(stack)
        .await
        .total_draft_orders_created
}

async fn sim_draft_orders(stack: &TestStack) -> usize {
    let listing = stack
        .sim_get(&format!("/_sim/draft-orders?shop={DEMO}"))
        .await;
    listing["draftOrders"].as_array().map_or(0, Vec::len)
}

fn assert_unauthorized(answer: &Answer, context: &str) {
    assert_eq!(
        answer.status,
        StatusCode::UNAUTHORIZED,
        "{context}: {}",
        answer.text
    );
    assert_eq!(
        answer.header("content-type"),
        Some("application/problem+json"),
        "{context}"
    );
    assert_eq!(answer.json["status"], 401, "{context}");
}

stack_test!(proxy_answers_signed_requests_as_the_v1_api_does, |stack| {
    let query = "width=450&height=250&quantity=2";
    let v1 = get(
        stack,
        &format!("/api/v1/products/{DEMO_PRODUCT}/price?{query}"),
    )
    .await;
    assert_eq!(v1.status, StatusCode::OK, "{}", v1.text);

    // Signed as Shopify signs, straight to the app: the v1 answer, byte for byte.
    let path = format!("/products/{DEMO_PRODUCT}/price");
    let direct = proxy_get(stack, &proxy_url(stack, DEMO, &path, query)).await;
    assert_eq!(direct.status, StatusCode::OK, "{}", direct.text);
    assert_eq!(direct.text, v1.text);
    assert!(direct.header("ratelimit-remaining").is_some());

    // Through the simulator's proxy, as the theme's calculator calls it.
    let shopper = proxy_get(
        stack,
        &format!("{}?{query}", via_shopify(stack, DEMO, &path)),
    )
    .await;
    assert_eq!(shopper.status, StatusCode::OK, "{}", shopper.text);
    assert_eq!(shopper.text, v1.text);
    assert_eq!(shopper.json["matrix"], "Demo glass");
    assert_eq!(shopper.json["totalMinor"], 6000);

    // Options and the product, through the proxy and on v1.
    for path in [
        format!("/products/{DEMO_PRODUCT}/options"),
        format!("/products/{DEMO_PRODUCT}"),
    ] {
        let v1 = get(stack, &format!("/api/v1{path}")).await;
        assert_eq!(v1.status, StatusCode::OK, "{path}: {}", v1.text);
        let proxied = proxy_get(stack, &via_shopify(stack, DEMO, &path)).await;
        assert_eq!(proxied.status, StatusCode::OK, "{path}: {}", proxied.text);
        assert_eq!(proxied.text, v1.text, "{path}");
    }
    let product = get(stack, &format!("/api/v1/products/{DEMO_PRODUCT}")).await;
    assert_eq!(
        product.json,
        json!({
            "productId": "gid://shopify/Product/8000000000001",
            "title": "Glass panel",
            "matrix": "Demo glass",
            "currency": "USD",
            "currencyDigits": 2,
            "unit": "mm",
            "outOfRange": "reject",
            "dimensionRange": {"minWidth": 300, "maxWidth": 900, "minHeight": 200, "maxHeight": 600, "unit": "mm"},
            "optionGroups": product.json["optionGroups"].clone(),
        })
    );
    let options = get(stack, &format!("/api/v1/products/{DEMO_PRODUCT}/options")).await;
    assert_eq!(product.json["optionGroups"], options.json["optionGroups"]);
    let unknown = get(stack, "/api/v1/products/1").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text);

    // A draft order through the shop's proxy: one order for two identical requests.
    let before = (counter(stack).await, sim_draft_orders(stack).await);
    let body = json!({ "productId": DEMO_PRODUCT, "width": "450", "height": "250", "quantity": 2 });
    let url = via_shopify(stack, DEMO, "/draft-orders");
    let first = post_json(stack, &url, &body, Some("proxy-intent-1")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!(first.json["totalMinor"], 6000);
    let checkout = first.json["checkoutUrl"].as_str().expect("a checkout URL");
    assert!(
        checkout.starts_with(&stack.sim(&format!("/store/{DEMO}/"))),
        "the invoice is the simulator's: {checkout}"
    );
    let again = post_json(stack, &url, &body, Some("proxy-intent-1")).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.json["draftOrderId"], first.json["draftOrderId"]);
    assert_eq!(
        (counter(stack).await, sim_draft_orders(stack).await),
        (before.0 + 1, before.1 + 1)
    );
});

stack_test!(
    proxy_refuses_unsigned_tampered_and_stale_requests_reading_nothing,
    |stack| {
        let secret = stack.stack.ready.app_api_secret.clone();
        let path = format!("/proxy/products/{DEMO_PRODUCT}/price");
        let query = "width=450&height=250";
        let url = |q: &str| stack.app(&format!("{path}?{q}"));
        let good = signed_query(&secret, DEMO, query, now());
        // A fresh app state has nothing cached: any read would show as a load.
        let loads = |scrape: &crate::support::Scrape| {
            scrape.value(r#"gridprice_catalog_loads_total{kind="shop"}"#)
                + scrape.value(r#"gridprice_catalog_loads_total{kind="product"}"#)
        };
        let before = loads(&stack.metrics().await);

        let cases = [
            ("missing", query.to_owned()),
            ("tampered size", good.replace("width=450", "width=900")),
            (
                "tampered shop",
                good.replace(DEMO, "other-shop.myshopify.com"),
            ),
            ("added parameter", format!("{good}&quantity=5")),
            (
                "two signatures",
                format!("{good}&signature={}", "0".repeat(64)),
            ),
            (
                "another secret",
                signed_query("not-the-secret", DEMO, query, now()),
            ),
            (
                "expired (91 s old)",
                signed_query(&secret, DEMO, query, now() - 91),
            ),
            (
                "from the future (91 s ahead)",
                signed_query(&secret, DEMO, query, now() + 91),
            ),
            ("empty signature", format!("{query}&shop={DEMO}&signature=")),
        ];
        for (case, q) in &cases {
            let answer = proxy_get(stack, &url(q)).await;
            assert_unauthorized(&answer, case);
            assert!(
                answer.text.contains("app proxy"),
                "{case}: says what to do: {}",
                answer.text
            );
        }
        // Unknown paths and the draft orders route are behind the same check.
        let unknown = proxy_get(stack, &stack.app("/proxy/anything?x=1")).await;
        assert_unauthorized(&unknown, "unknown path");
        let orders_before = sim_draft_orders(stack).await;
        let body = json!({ "productId": DEMO_PRODUCT, "width": 450, "height": 250 });
        let stale = signed_query(&secret, DEMO, "", now() - 3600);
        let refused = post_json(
            stack,
            &stack.app(&format!("/proxy/draft-orders?{stale}")),
            &body,
            Some("k"),
        )
        .await;
        assert_unauthorized(&refused, "stale draft order");
        let unsigned = post_json(stack, &stack.app("/proxy/draft-orders"), &body, None).await;
        assert_unauthorized(&unsigned, "unsigned draft order");
        assert_eq!(sim_draft_orders(stack).await, orders_before);
        assert_eq!(
            loads(&stack.metrics().await),
            before,
            "a refused request reads nothing"
        );

        // Within 90 s either way is accepted; the signed unknown path is a plain 404.
        for skew in [-85, 85] {
            let answer = proxy_get(
                stack,
                &url(&signed_query(&secret, DEMO, query, now() + skew)),
            )
            .await;
            assert_eq!(answer.status, StatusCode::OK, "{skew} s: {}", answer.text);
        }
        let signed_unknown = stack.app(&format!(
            "/proxy/anything?{}",
            signed_query(&secret, DEMO, "", now())
        ));
        assert_eq!(
            proxy_get(stack, &signed_unknown).await.status,
            StatusCode::NOT_FOUND
        );
    }
);

stack_test!(proxy_sees_only_the_shop_it_names_and_limits_each, |stack| {
    let other = "other-shop.myshopify.com";
    stack.install_new_shop(other).await;
    let path = format!("/products/{DEMO_PRODUCT}/price");
    let query = "width=450&height=250";

    // Signed for the other shop: the demo shop's product does not exist there.
    let answer = proxy_get(stack, &proxy_url(stack, other, &path, query)).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.text);
    let through = proxy_get(
        stack,
        &format!("{}?{query}", via_shopify(stack, other, &path)),
    )
    .await;
    assert_eq!(through.status, StatusCode::NOT_FOUND, "{}", through.text);
    // A correctly signed shop that never installed Gridprice, and one that uninstalled it.
    let stranger = proxy_get(
        stack,
        &proxy_url(stack, "stranger.myshopify.com", &path, query),
    )
    .await;
    assert_unauthorized(&stranger, "not installed");
    stack.uninstall(other).await;
    let gone = async {
        for _ in 0..100 {
            let answer = proxy_get(stack, &proxy_url(stack, other, &path, query)).await;
            if answer.status == StatusCode::UNAUTHORIZED {
                return answer;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the uninstall was not heard");
    };
    assert_unauthorized(&gone.await, "uninstalled");
    // The demo shop is unaffected.
    let demo = proxy_get(stack, &proxy_url(stack, DEMO, &path, query)).await;
    assert_eq!(demo.status, StatusCode::OK, "{}", demo.text);

    // Limits: per client (the shopper's address Shopify forwards) and per shop.
    let one = |burst| Rate::new(NonZeroU32::new(1).unwrap(), NonZeroU32::new(burst).unwrap());
    let limits = RateLimits {
        per_ip: one(2),
        per_key: one(3),
        ..RateLimits::default()
    };
    let (base, stop) = serve(stack.state().clone().with_rate_limits(limits)).await;
    let secret = stack.stack.ready.app_api_secret.clone();
    let shopper = |ip: &'static str| {
        let url = format!(
            "{base}/proxy{path}?{}",
            signed_query(&secret, DEMO, query, now())
        );
        let http = stack.http.clone();
        async move {
            http.get(url)
                .header("x-forwarded-for", ip)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(shopper("203.0.113.1").await.status(), StatusCode::OK);
    assert_eq!(shopper("203.0.113.1").await.status(), StatusCode::OK);
    let limited = shopper("203.0.113.1").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));
    // Another shopper has their own allowance, until the shop's is spent.
    assert_eq!(shopper("203.0.113.2").await.status(), StatusCode::OK);
    let shop_limited = shopper("203.0.113.3").await;
    assert_eq!(shop_limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let text = shop_limited.text().await.unwrap();
    assert!(text.contains("shop"), "{text}");
    stop.cancel();
});

/// The script the app serves is the theme extension's file (compiled in); no other copy of it
/// exists in the repository, or, if one is ever added, it is the same bytes.
#[test]
fn the_calculator_has_one_source() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let source = std::fs::read(root.join(gridprice::storefront::script::SOURCE_PATH)).unwrap();
    assert_eq!(source, gridprice::storefront::script::SOURCE);
    let mut copies = Vec::new();
    find_named(&root, "gridprice-calculator.js", &mut copies);
    assert!(!copies.is_empty(), "the source itself is found");
    for copy in copies {
        assert_eq!(
            std::fs::read(&copy).unwrap(),
            source,
            "{} differs from {}",
            copy.display(),
            gridprice::storefront::script::SOURCE_PATH
        );
    }
}

fn find_named(dir: &Path, name: &str, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if path.is_dir() {
            if !matches!(&*file, ".git" | "target" | "node_modules") && !file.starts_with('.') {
                find_named(&path, name, out);
            }
        } else if file == name {
            out.push(path);
        }
    }
}

stack_test!(calculator_script_is_served_versioned_and_cached, |stack| {
    let ready = &stack.stack.ready;
    let versioned = gridprice::storefront::script::versioned_path();
    assert_eq!(ready.calculator_script_url, stack.app(&versioned));
    let response = stack
        .http
        .get(&ready.calculator_script_url)
        .header("origin", "https://headless.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(
        header("content-type").as_deref(),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(
        header("cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(header("access-control-allow-origin").as_deref(), Some("*"));
    assert_eq!(
        header("cross-origin-resource-policy").as_deref(),
        Some("cross-origin")
    );
    let etag = header("etag").expect("an ETag");
    // reqwest asks for no compression here: the bytes are the source's.
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        gridprice::storefront::script::SOURCE
    );
    let gzipped = stack
        .http
        .get(&ready.calculator_script_url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.headers().get("content-encoding").unwrap(), "gzip");
    let size = gzipped.bytes().await.unwrap().len();
    assert!(size <= 10 * 1024, "{size} bytes gzipped (budget 10 KB)");
    let revalidated = stack
        .http
        .get(&ready.calculator_script_url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);

    // The unversioned name and stale hashes lead to the current version, uncached.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for name in [
        "gridprice-calculator.js",
        "gridprice-calculator.0000000000000000.js",
    ] {
        let response = no_redirects
            .get(stack.app(&format!("/storefront/{name}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND, "{name}");
        assert_eq!(response.headers()["location"], versioned.as_str());
        assert_eq!(response.headers()["cache-control"], "no-cache");
    }
    let missing = no_redirects
        .get(stack.app("/storefront/other.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // The ready line names the pages a merchant and a shopper use.
    assert_eq!(
        ready.admin_url,
        stack.sim(&format!("/store/{DEMO}/admin/apps/{}", ready.app_api_key))
    );
    assert_eq!(
        ready.demo_product_url,
        stack.sim(&format!("/store/{DEMO}/products/glass-panel"))
    );
    let page = stack
        .http
        .get(&ready.demo_product_url)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<gridprice-calculator"), "{html}");
    assert!(
        html.contains(&format!("product-id=\"{DEMO_PRODUCT}\"")),
        "{html}"
    );
});
