//! The admin frame, its endpoints, the admin pages and the CDN stand-ins, over real HTTP.

use base64::Engine as _;
use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};
use shopify_sim::{SimHandle, DEMO_SHOP};

use crate::common::*;

fn app_admin(sim: &SimHandle, rest: &str) -> String {
    format!("{}/admin/apps/{API_KEY}{rest}", sim.shop_url(DEMO_SHOP))
}

async fn page(url: &str) -> (u16, String) {
    let response = client().get(url).send().await.unwrap();
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

/// The `src` of the app iframe, HTML-unescaped.
fn iframe_src(html: &str) -> url::Url {
    let start = html.find("id=\"sa-app-frame\"").expect("the app iframe");
    let tag = &html[start..];
    let src = tag
        .split("src=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let src = src
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    url::Url::parse(&src).unwrap()
}

fn pairs(url: &url::Url) -> Vec<(String, String)> {
    url.query_pairs().into_owned().collect()
}

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {pairs:?}"))
}

/// Shopify's signature over every other parameter, recomputed independently.
fn assert_signed(pairs: &[(String, String)]) {
    let mut rest: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k != "hmac")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    rest.sort();
    assert_eq!(value(pairs, "hmac"), hmac_hex(&rest.join("&")));
}

#[derive(Debug, serde::Deserialize)]
struct Claims {
    iss: String,
    dest: String,
    aud: String,
    sub: String,
    exp: i64,
    nbf: i64,
}

/// Verifies a session token with the app secret, as the app does.
fn verify(token: &str) -> Claims {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[API_KEY]);
    decode::<Claims>(
        token,
        &DecodingKey::from_secret(SECRET.as_bytes()),
        &validation,
    )
    .expect("a valid session token")
    .claims
}

#[tokio::test]
async fn the_frame_embeds_the_app_path_with_shopifys_signed_parameters() {
    let sim = start().await;
    let (status, html) = page(&app_admin(&sim, "/app/matrices/3?x=1&locale=de&user=2")).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<title>Gridprice · Demo Shop · Shopify</title>"));
    assert!(
        html.contains("title=\"Gridprice\""),
        "the iframe has a title"
    );
    assert!(
        html.contains("role=\"status\" aria-live=\"polite\""),
        "toast area"
    );
    let src = iframe_src(&html);
    assert_eq!(src.origin().ascii_serialization(), "http://127.0.0.1:9");
    assert_eq!(
        src.path(),
        "/app/app/matrices/3",
        "the app URL's path, then the app path"
    );
    let pairs = pairs(&src);
    let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "x",
            "embedded",
            "host",
            "id_token",
            "locale",
            "session",
            "shop",
            "timestamp",
            "hmac"
        ]
    );
    assert_eq!(value(&pairs, "x"), "1");
    assert_eq!(value(&pairs, "embedded"), "1");
    assert_eq!(value(&pairs, "locale"), "de");
    assert_eq!(value(&pairs, "shop"), DEMO_SHOP);
    let host = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value(&pairs, "host"))
        .unwrap();
    assert_eq!(host, b"admin.shopify.com/store/demo-shop");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let timestamp: i64 = value(&pairs, "timestamp").parse().unwrap();
    assert!((timestamp - now).abs() < 30);
    assert_signed(&pairs);
    let claims = verify(value(&pairs, "id_token"));
    assert_eq!(claims.aud, API_KEY);
    assert_eq!(claims.sub, "2", "the user of the admin URL");
    assert_eq!(claims.iss, format!("https://{DEMO_SHOP}/admin"));
    assert_eq!(claims.dest, format!("https://{DEMO_SHOP}"));
    assert_eq!(claims.exp - claims.nbf, 60, "session tokens live a minute");
    sim.shutdown().await;
}

#[tokio::test]
async fn the_app_root_defaults_to_english_and_the_first_user() {
    let sim = start().await;
    let (status, html) = page(&app_admin(&sim, "")).await;
    assert_eq!(status, 200);
    let src = iframe_src(&html);
    assert_eq!(src.path(), "/app");
    let pairs = pairs(&src);
    assert_eq!(value(&pairs, "locale"), "en");
    assert_eq!(pairs[0].0, "embedded", "no app query");
    assert_eq!(verify(value(&pairs, "id_token")).sub, "1");
    assert_signed(&pairs);
    sim.shutdown().await;
}

#[tokio::test]
async fn forged_shopify_parameters_in_the_admin_url_never_reach_the_app() {
    let sim = start().await;
    let (_, html) = page(&app_admin(
        &sim,
        "/app?hmac=forged&id_token=forged&shop=evil.myshopify.com&keep=yes",
    ))
    .await;
    let pairs = pairs(&iframe_src(&html));
    assert_eq!(pairs.iter().filter(|(k, _)| k == "hmac").count(), 1);
    assert_eq!(value(&pairs, "shop"), DEMO_SHOP);
    assert_eq!(value(&pairs, "keep"), "yes");
    assert_signed(&pairs);
    sim.shutdown().await;
}

#[tokio::test]
async fn unknown_shops_wrong_api_keys_and_bad_parameters_are_refused() {
    let sim = start().await;
    let other_shop = format!(
        "{}/admin/apps/{API_KEY}",
        sim.shop_url("nope.myshopify.com")
    );
    assert_eq!(page(&other_shop).await.0, 404);
    let wrong_key = format!("{}/admin/apps/other-key/app", sim.shop_url(DEMO_SHOP));
    assert_eq!(page(&wrong_key).await.0, 404);
    for bad in ["?locale=%3Cscript%3E", "?user=abc", "?user=0"] {
        let (status, html) = page(&app_admin(&sim, bad)).await;
        assert_eq!(status, 400, "{bad}");
        assert!(!html.contains("<script"), "{bad}");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn redirect_1_keeps_the_old_straight_redirect_to_the_app() {
    let sim = start().await;
    let response = client()
        .get(app_admin(&sim, "/app/settings?redirect=1&locale=de"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(location.path(), "/app/app/settings");
    let pairs = pairs(&location);
    assert_eq!(value(&pairs, "locale"), "de");
    assert!(!pairs.iter().any(|(k, _)| k == "redirect"));
    assert_signed(&pairs);
    sim.shutdown().await;
}

fn bridge(sim: &SimHandle, endpoint: &str) -> String {
    format!(
        "{}/admin/app-bridge/{API_KEY}/{endpoint}",
        sim.shop_url(DEMO_SHOP)
    )
}

#[tokio::test]
async fn the_frame_gets_fresh_session_tokens_for_its_user() {
    let sim = start().await;
    let (status, body) = post_json(&bridge(&sim, "session-token"), json!({ "user": 3 })).await;
    assert_eq!(status, 200, "{body}");
    let claims = verify(body["idToken"].as_str().unwrap());
    assert_eq!(claims.sub, "3");
    assert_eq!(body["expiresAt"].as_i64(), Some(claims.exp));
    let wrong_key = format!(
        "{}/admin/app-bridge/other/session-token",
        sim.shop_url(DEMO_SHOP)
    );
    assert_eq!(post_json(&wrong_key, json!({})).await.0, 404);
    sim.shutdown().await;
}

#[tokio::test]
async fn the_frame_gets_signed_urls_for_admin_navigation() {
    let sim = start().await;
    let (status, body) = post_json(
        &bridge(&sim, "app-url"),
        json!({ "path": "/app/products?page=2#top", "locale": "de", "user": 1 }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let src = url::Url::parse(body["src"].as_str().unwrap()).unwrap();
    assert_eq!(src.path(), "/app/app/products");
    assert_eq!(src.fragment(), None);
    let pairs = pairs(&src);
    assert_eq!(value(&pairs, "page"), "2");
    assert_eq!(value(&pairs, "locale"), "de");
    assert_signed(&pairs);
    for bad in ["//evil.example/x", "/\\evil.example", "no-slash"] {
        let (status, _) = post_json(&bridge(&sim, "app-url"), json!({ "path": bad })).await;
        assert_eq!(status, 400, "{bad}");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn the_picker_lists_products_in_shopifys_shape() {
    let sim = start().await;
    let all = get(&bridge(&sim, "products")).await;
    assert_eq!(all["products"].as_array().unwrap().len(), 4);
    let glass = get(&format!("{}?query=title:glass", bridge(&sim, "products"))).await;
    let products = glass["products"].as_array().unwrap();
    assert_eq!(products.len(), 1);
    let product = &products[0];
    assert_eq!(product["id"], shopify_sim::DEMO_PRODUCT_ID);
    assert_eq!(product["title"], "Glass panel");
    assert_eq!(product["handle"], "glass-panel");
    assert_eq!(product["variants"][0]["id"], shopify_sim::DEMO_VARIANT_ID);
    assert_eq!(product["variants"][0]["price"], "10.00");
    let image = product["images"][0]["originalSrc"].as_str().unwrap();
    assert_eq!(product["images"][0]["altText"], "Glass panel");
    let response = client().get(image).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    assert!(response.text().await.unwrap().contains(">GP</text>"));
    sim.shutdown().await;
}

#[tokio::test]
async fn the_cdn_scripts_are_javascript_open_to_every_origin_and_cacheable() {
    let sim = start().await;
    for (name, marker) in [
        ("app-bridge.js", "window.shopify"),
        ("polaris-1.js", "define('s-page'"),
    ] {
        let url = format!("{}/shopifycloud/{name}", sim.base_url());
        let response = client().get(&url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "text/javascript; charset=utf-8");
        assert_eq!(headers["access-control-allow-origin"], "*");
        assert!(headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age"));
        assert!(response.text().await.unwrap().contains(marker), "{name}");
        let etag = headers["etag"].to_str().unwrap();
        let again = client()
            .get(&url)
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{name} revalidates");
    }
    let css = client()
        .get(format!("{}/_sim/assets/admin.css", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    sim.shutdown().await;
}

#[tokio::test]
async fn the_admin_home_and_the_draft_order_page_show_the_shops_state() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let input = json!({ "input": {
        "lineItems": [custom_line("Glass panel 120 × 80 cm", "42.50", 2)],
        "tags": ["gridprice"],
    }});
    let (_, body) = gql(&sim, DEMO_SHOP, &token, CREATE_DRAFT, input).await;
    let id = body["data"]["draftOrderCreate"]["draftOrder"]["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();

    let (status, home) = page(&format!("{}/admin", sim.shop_url(DEMO_SHOP))).await;
    assert_eq!(status, 200);
    assert!(home.contains("#D1"));
    assert!(
        home.contains(&format!("/admin/apps/{API_KEY}")),
        "links to the app"
    );

    let (status, order) = page(&format!(
        "{}/admin/draft_orders/{id}",
        sim.shop_url(DEMO_SHOP)
    ))
    .await;
    assert_eq!(status, 200);
    for expected in [
        "#D1",
        "Open",
        "Glass panel 120 × 80 cm",
        "42.50 × 2",
        "85.00 USD",
        "gridprice",
    ] {
        assert!(order.contains(expected), "{expected} in {order}");
    }
    for missing in ["1", "abc"] {
        let (status, _) = page(&format!(
            "{}/admin/draft_orders/{missing}",
            sim.shop_url(DEMO_SHOP)
        ))
        .await;
        assert_eq!(status, 404, "{missing}");
    }
    let (status, _) = page(&format!("{}/admin", sim.shop_url("nope.myshopify.com"))).await;
    assert_eq!(status, 404);
    sim.shutdown().await;
}

#[tokio::test]
async fn shop_and_app_names_are_escaped_in_the_frame() {
    let sim = start().await;
    let (status, _) = post_json(
        &format!("{}/_sim/shops", sim.base_url()),
        json!({ "domain": "tricky.myshopify.com", "name": "<b>Tricky</b> & \"Co\"" }),
    )
    .await;
    assert_eq!(status, 201);
    let (status, html) = page(&format!(
        "{}/admin/apps/{API_KEY}",
        sim.shop_url("tricky.myshopify.com")
    ))
    .await;
    assert_eq!(status, 200);
    assert!(!html.contains("<b>Tricky</b>"));
    assert!(html.contains("&lt;b&gt;Tricky&lt;/b&gt; &amp; &quot;Co&quot;"));
    let config = html
        .split("<script type=\"application/json\" id=\"sa-config\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let config: Value = serde_json::from_str(config).unwrap();
    assert_eq!(config["shopName"], "<b>Tricky</b> & \"Co\"");
    sim.shutdown().await;
}
