//! The app proxy, against a tiny axum app that checks Shopify's signature on its own.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::{json, Value};
use shopify_sim::{SimConfig, SimHandle, DEMO_SHOP};

use crate::common::*;

/// Shopify's documented check: drop `signature`, join repeated values with commas, sort the
/// `name=value` strings, concatenate, hex HMAC-SHA256 with the app secret.
fn verify(raw_query: &str) -> Result<Vec<(String, String)>, String> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw_query.as_bytes())
        .into_owned()
        .collect();
    let given = pairs
        .iter()
        .find(|(k, _)| k == "signature")
        .map(|(_, v)| v.clone())
        .ok_or("no signature")?;
    let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in pairs.iter().filter(|(k, _)| k != "signature") {
        grouped.entry(k.clone()).or_default().push(v.clone());
    }
    let mut parts: Vec<String> = grouped
        .iter()
        .map(|(k, vs)| format!("{k}={}", vs.join(",")))
        .collect();
    parts.sort();
    if hmac_hex(&parts.concat()) != given {
        return Err("bad signature".into());
    }
    Ok(pairs)
}

async fn app(
    uri: axum::http::Uri,
    method: Method,
    path: Option<Path<String>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw = raw.unwrap_or_default();
    let pairs = match verify(&raw) {
        Ok(pairs) => pairs,
        Err(e) => return (StatusCode::UNAUTHORIZED, e).into_response(),
    };
    let path = path.map(|Path(p)| p).unwrap_or_default();
    if path == "busy" {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                ("retry-after", "2"),
                ("content-type", "application/problem+json"),
            ],
            r#"{"status":503,"detail":"busy"}"#,
        )
            .into_response();
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let answer = json!({
        "method": method.as_str(),
        "path": path,
        "rawPath": uri.path(),
        "params": pairs,
        "contentType": header("content-type"),
        "idempotencyKey": header("idempotency-key"),
        "cookie": header("cookie"),
        "body": String::from_utf8_lossy(&body),
    });
    (StatusCode::CREATED, axum::Json(answer)).into_response()
}

async fn start_app() -> (String, tokio::task::JoinHandle<()>) {
    let router = Router::new()
        .route("/proxy", any(app))
        .route("/proxy/{*path}", any(app));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/proxy", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    (url, task)
}

async fn start_with_proxy(proxy_url: &str) -> SimHandle {
    start_with(SimConfig {
        app_proxy_url: Some(proxy_url.to_owned()),
        ..config("http://127.0.0.1:9/app")
    })
    .await
}

fn param<'a>(answer: &'a Value, name: &str) -> Vec<&'a str> {
    answer["params"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p[0] == name)
        .map(|p| p[1].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn get_is_forwarded_signed() {
    let (app_url, app_task) = start_app().await;
    let sim = start_with_proxy(&app_url).await;
    let options = r#"{"selections":[{"optionGroupId":1,"choiceId":2}]}"#;
    let url = format!(
        "{}/apps/gridprice/products/8000000000001/price?width=600&height=400&extra=1&extra=2&options={}&signature=forged&shop=evil.myshopify.com",
        sim.shop_url(DEMO_SHOP),
        url::form_urlencoded::byte_serialize(options.as_bytes()).collect::<String>()
    );
    let response = client()
        .get(&url)
        .header("cookie", "_secure_session_id=secret")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "the app's status is relayed");
    assert_eq!(response.headers()["content-type"], "application/json");
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["method"], "GET");
    assert_eq!(answer["path"], "products/8000000000001/price");
    assert_eq!(param(&answer, "width"), ["600"]);
    assert_eq!(param(&answer, "extra"), ["1", "2"]);
    assert_eq!(param(&answer, "options"), [options]);
    assert_eq!(
        param(&answer, "shop"),
        [DEMO_SHOP],
        "a storefront cannot name another shop"
    );
    assert_eq!(param(&answer, "signature").len(), 1);
    assert_eq!(param(&answer, "logged_in_customer_id"), [""]);
    assert_eq!(param(&answer, "path_prefix"), ["/apps/gridprice"]);
    let timestamp: i64 = param(&answer, "timestamp")[0].parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 60);
    assert_eq!(answer["cookie"], Value::Null, "cookies are not forwarded");

    // A percent-encoded product id stays one path segment.
    let (status, answer) = get_json(&format!(
        "{}/apps/gridprice/products/gid%3A%2F%2Fshopify%2FProduct%2F8000000000001/price",
        sim.shop_url(DEMO_SHOP)
    ))
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        answer["path"],
        "products/gid://shopify/Product/8000000000001/price"
    );
    assert_eq!(
        answer["rawPath"],
        "/proxy/products/gid%3A%2F%2Fshopify%2FProduct%2F8000000000001/price"
    );
    // Dot segments cannot climb out of the proxy URL (sent raw: HTTP clients normalise them).
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(sim.local_addr())
            .await
            .unwrap();
        let request = format!(
            "GET /store/{DEMO_SHOP}/apps/gridprice/x/%2e%2e/y HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    }

    // The proxy root, without a path.
    let (status, answer) = get_json(&format!("{}/apps/gridprice", sim.shop_url(DEMO_SHOP))).await;
    assert_eq!(status, 201);
    assert_eq!(answer["path"], "");
    sim.shutdown().await;
    app_task.abort();
}

async fn get_json(url: &str) -> (u16, Value) {
    let response = client().get(url).send().await.unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn post_forwards_body_and_headers_and_relays_retry_after() {
    let (app_url, app_task) = start_app().await;
    let sim = start_with_proxy(&app_url).await;
    let body = r#"{"productId":"8000000000001","width":"600","height":"400","quantity":1}"#;
    let response = client()
        .post(format!(
            "{}/apps/gridprice/draft-orders",
            sim.shop_url(DEMO_SHOP)
        ))
        .header("content-type", "application/json")
        .header("idempotency-key", "k-123")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["method"], "POST");
    assert_eq!(answer["body"], body);
    assert_eq!(answer["contentType"], "application/json");
    assert_eq!(answer["idempotencyKey"], "k-123");

    let response = client()
        .post(format!("{}/apps/gridprice/busy", sim.shop_url(DEMO_SHOP)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "2");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(
        response.text().await.unwrap(),
        r#"{"status":503,"detail":"busy"}"#
    );
    sim.shutdown().await;
    app_task.abort();
}

#[tokio::test]
async fn logged_in_customer() {
    let (app_url, app_task) = start_app().await;
    let sim = start_with_proxy(&app_url).await;
    let base = format!("{}/apps/gridprice/x", sim.shop_url(DEMO_SHOP));
    let (_, answer) = get_json(&format!("{base}?customer=42")).await;
    assert_eq!(param(&answer, "logged_in_customer_id"), ["42"]);
    assert!(
        param(&answer, "customer").is_empty(),
        "the test parameter is not forwarded"
    );
    // The storefront session cookie set by `?customer=` on a store page.
    let response = client()
        .get(&base)
        .header("cookie", "_sim_customer=7")
        .send()
        .await
        .unwrap();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(param(&answer, "logged_in_customer_id"), ["7"]);
    // The control sets it for every request of the shop.
    let response = client()
        .put(format!(
            "{}/_sim/shops/{DEMO_SHOP}/customer",
            sim.base_url()
        ))
        .json(&json!({"customerId": 99}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (_, answer) = get_json(&base).await;
    assert_eq!(param(&answer, "logged_in_customer_id"), ["99"]);
    sim.shutdown().await;
    app_task.abort();
}

#[tokio::test]
async fn unknown_shop_subpath_and_unreachable_app() {
    let (app_url, app_task) = start_app().await;
    let sim = start_with_proxy(&app_url).await;
    let (status, _) = get_json(&format!("{}/apps/other/x", sim.shop_url(DEMO_SHOP))).await;
    assert_eq!(status, 404);
    let (status, _) = get_json(&format!(
        "{}/apps/gridprice/x",
        sim.shop_url("nope.myshopify.com")
    ))
    .await;
    assert_eq!(status, 404);
    let long = "a".repeat(9000);
    let (status, _) = get_json(&format!(
        "{}/apps/gridprice/x?q={long}",
        sim.shop_url(DEMO_SHOP)
    ))
    .await;
    assert_eq!(status, 414);
    sim.shutdown().await;
    app_task.abort();

    // Default target {app_url}/proxy, nothing listening there: 502.
    let sim = start().await;
    let (status, _) = get_json(&format!("{}/apps/gridprice/x", sim.shop_url(DEMO_SHOP))).await;
    assert_eq!(status, 502);
    // appProxyUrl can be changed at run time.
    let response = client()
        .put(format!("{}/_sim/config", sim.base_url()))
        .json(&json!({"appProxyUrl": app_url}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (app_url2, app_task2) = start_app().await;
    let response = client()
        .put(format!("{}/_sim/config", sim.base_url()))
        .json(&json!({"appProxyUrl": app_url2}))
        .send()
        .await
        .unwrap();
    let config: Value = response.json().await.unwrap();
    assert_eq!(config["appProxyUrl"], app_url2.as_str());
    let (status, _) = get_json(&format!("{}/apps/gridprice/x", sim.shop_url(DEMO_SHOP))).await;
    assert_eq!(status, 201);
    sim.shutdown().await;
    app_task2.abort();
}
