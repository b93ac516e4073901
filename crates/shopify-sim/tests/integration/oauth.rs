use serde_json::{json, Value};
use shopify_sim::{DEFAULT_API_VERSION, DEMO_SHOP};

use crate::common::*;

pub(crate) const OFFLINE: &str = "urn:shopify:params:oauth:token-type:offline-access-token";

fn query_pairs(location: &str) -> Vec<(String, String)> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn pair<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap()
}

/// Recomputes Shopify's callback HMAC from the redirect's query, independently of the sim.
fn assert_signed(pairs: &[(String, String)]) {
    let mut rest: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k != "hmac")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    rest.sort();
    assert_eq!(pair(pairs, "hmac"), hmac_hex(&rest.join("&")));
}

async fn authorize(sim: &shopify_sim::SimHandle, redirect: &str) -> reqwest::Response {
    let url = format!(
        "{}/admin/oauth/authorize?client_id={API_KEY}&scope=write_draft_orders,read_products&redirect_uri={}&state=nonce-1",
        sim.shop_url(DEMO_SHOP),
        urlencode(redirect)
    );
    client().get(url).send().await.unwrap()
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub(crate) async fn exchange(sim: &shopify_sim::SimHandle, body: Value) -> (u16, Value) {
    post_json(
        &format!("{}/admin/oauth/access_token", sim.shop_url(DEMO_SHOP)),
        body,
    )
    .await
}

pub(crate) async fn code_from_authorize(sim: &shopify_sim::SimHandle) -> String {
    let response = authorize(sim, "http://127.0.0.1:9/app/auth/callback").await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    pair(&query_pairs(&location), "code").to_owned()
}

#[tokio::test]
async fn authorize_redirects_with_a_correct_hmac() {
    let sim = start().await;
    let response = authorize(&sim, "http://127.0.0.1:9/app/auth/callback").await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("http://127.0.0.1:9/app/auth/callback?"),
        "{location}"
    );
    let pairs = query_pairs(&location);
    for name in ["code", "hmac", "host", "shop", "state", "timestamp"] {
        assert!(pairs.iter().any(|(k, _)| k == name), "missing {name}");
    }
    assert_eq!(pair(&pairs, "shop"), DEMO_SHOP);
    assert_eq!(pair(&pairs, "state"), "nonce-1");
    assert_signed(&pairs);
    sim.shutdown().await;
}

#[tokio::test]
async fn authorize_refuses_foreign_redirects_and_unknown_apps() {
    let sim = start().await;
    assert_eq!(
        authorize(&sim, "http://evil.example/app/cb").await.status(),
        400
    );
    assert_eq!(
        authorize(&sim, "http://127.0.0.1:9/application")
            .await
            .status(),
        400
    );
    let url = format!(
        "{}/admin/oauth/authorize?client_id=other&redirect_uri={}",
        sim.shop_url(DEMO_SHOP),
        urlencode("http://127.0.0.1:9/app/cb")
    );
    assert_eq!(client().get(url).send().await.unwrap().status(), 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_code_is_exchanged_once_only() {
    let sim = start().await;
    let code = code_from_authorize(&sim).await;
    let body = json!({ "client_id": API_KEY, "client_secret": SECRET, "code": code });
    let (status, first) = exchange(&sim, body.clone()).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["scope"], "write_draft_orders,read_products");
    let token = first["access_token"].as_str().unwrap();
    assert!(token.starts_with("shpat_"));
    let (status, again) = exchange(&sim, body).await;
    assert_eq!(status, 400);
    assert_eq!(again["error"], "invalid_request");
    let (status, _) = gql(&sim, DEMO_SHOP, token, "{ shop { name } }", Value::Null).await;
    assert_eq!(status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn code_exchange_accepts_a_form_body_and_checks_the_secret() {
    let sim = start().await;
    let code = code_from_authorize(&sim).await;
    let url = format!("{}/admin/oauth/access_token", sim.shop_url(DEMO_SHOP));
    let wrong = [
        ("client_id", API_KEY),
        ("client_secret", "nope"),
        ("code", code.as_str()),
    ];
    let response = client().post(&url).form(&wrong).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let code = code_from_authorize(&sim).await;
    let right = [
        ("client_id", API_KEY),
        ("client_secret", SECRET),
        ("code", code.as_str()),
    ];
    let response = client().post(&url).form(&right).send().await.unwrap();
    assert_eq!(response.status(), 200);
    sim.shutdown().await;
}

pub(crate) async fn session_token(sim: &shopify_sim::SimHandle, extra: Value) -> String {
    let mut body = json!({ "shop": DEMO_SHOP, "user": 42 });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, minted) = post_json(&format!("{}/_sim/session-token", sim.base_url()), body).await;
    assert_eq!(status, 200, "{minted}");
    assert_eq!(
        minted["claims"]["iss"],
        format!("https://{DEMO_SHOP}/admin")
    );
    assert_eq!(minted["claims"]["dest"], format!("https://{DEMO_SHOP}"));
    assert_eq!(minted["claims"]["aud"], API_KEY);
    assert_eq!(minted["claims"]["sub"], "42");
    minted["idToken"].as_str().unwrap().to_owned()
}

pub(crate) fn token_exchange_body(subject: &str, requested: &str) -> Value {
    json!({
        "client_id": API_KEY,
        "client_secret": SECRET,
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": subject,
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
        "requested_token_type": requested,
    })
}

#[tokio::test]
async fn token_exchange_accepts_a_minted_session_token() {
    let sim = start().await;
    let id_token = session_token(&sim, json!({})).await;
    let (status, body) = exchange(&sim, token_exchange_body(&id_token, OFFLINE)).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap();
    let (status, _) = gql(&sim, DEMO_SHOP, token, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 200);

    let online = "urn:shopify:params:oauth:token-type:online-access-token";
    let (status, body) = exchange(&sim, token_exchange_body(&id_token, online)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["associated_user"]["id"], 42);
    assert!(body["expires_in"].as_u64().unwrap() > 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn token_exchange_rejects_tampered_expired_and_foreign_tokens() {
    let sim = start().await;
    let id_token = session_token(&sim, json!({})).await;
    // Flip one character of the signature.
    let mut tampered = id_token.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let (status, body) = exchange(&sim, token_exchange_body(&tampered, OFFLINE)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_subject_token"))
    );

    let expired = session_token(&sim, json!({ "expiresIn": -120 })).await;
    let (status, _) = exchange(&sim, token_exchange_body(&expired, OFFLINE)).await;
    assert_eq!(status, 400);

    // A valid token for the demo shop presented at another shop.
    let shops = format!("{}/_sim/shops", sim.base_url());
    let (status, _) = post_json(&shops, json!({ "domain": "other.myshopify.com" })).await;
    assert_eq!(status, 201);
    let url = format!(
        "{}/admin/oauth/access_token",
        sim.shop_url("other.myshopify.com")
    );
    let (status, _) = post_json(&url, token_exchange_body(&id_token, OFFLINE)).await;
    assert_eq!(status, 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn embedded_load_with_redirect_1_goes_straight_to_the_app_with_a_signed_id_token() {
    let sim = start().await;
    let url = format!(
        "{}/admin/apps/{API_KEY}?redirect=1",
        sim.shop_url(DEMO_SHOP)
    );
    let response = client().get(url).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("http://127.0.0.1:9/app?"),
        "{location}"
    );
    let pairs = query_pairs(&location);
    assert_eq!(pair(&pairs, "embedded"), "1");
    assert_signed(&pairs);
    let id_token = pair(&pairs, "id_token");
    let (status, _) = exchange(&sim, token_exchange_body(id_token, OFFLINE)).await;
    assert_eq!(status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn revoked_and_unknown_tokens_get_401() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let (status, _) = gql(&sim, DEMO_SHOP, &token, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 200);
    let url = format!("{}/_sim/shops/{DEMO_SHOP}/revoke-tokens", sim.base_url());
    let (status, body) = post_json(&url, json!({})).await;
    assert_eq!((status, body["revoked"].as_u64()), (200, Some(1)));
    let (status, body) = gql(&sim, DEMO_SHOP, &token, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 401);
    assert_eq!(
        body["errors"],
        "[API] Invalid API key or access token (unrecognized login or wrong password)"
    );
    let (status, _) = gql(
        &sim,
        DEMO_SHOP,
        "shpat_nope",
        "{ shop { id } }",
        Value::Null,
    )
    .await;
    assert_eq!(status, 401);
    let other_version = format!("{}/admin/api/2019-04/graphql.json", sim.shop_url(DEMO_SHOP));
    let response = client()
        .post(other_version)
        .json(&json!({"query": "{shop{id}}"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_ne!(DEFAULT_API_VERSION, "2019-04");
    sim.shutdown().await;
}

async fn set_offline_token_ttl(sim: &shopify_sim::SimHandle, secs: u64) {
    let response = client()
        .put(format!("{}/_sim/config", sim.base_url()))
        .json(&json!({ "offlineTokenTtlSecs": secs }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

pub(crate) fn refresh_body(refresh_token: &str) -> Value {
    json!({
        "client_id": API_KEY,
        "client_secret": SECRET,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    })
}

#[tokio::test]
async fn expiring_offline_tokens_expire_and_refresh_tokens_rotate() {
    let sim = start().await;
    set_offline_token_ttl(&sim, 2).await;
    let code = code_from_authorize(&sim).await;
    let body =
        json!({ "client_id": API_KEY, "client_secret": SECRET, "code": code, "expiring": "1" });
    let (status, first) = exchange(&sim, body).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["expires_in"], 2);
    assert_eq!(first["refresh_token_expires_in"], 90 * 24 * 3600);
    let access = first["access_token"].as_str().unwrap().to_owned();
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    assert!(refresh.starts_with("shprt_"));
    let (status, _) = gql(&sim, DEMO_SHOP, &access, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (status, _) = gql(&sim, DEMO_SHOP, &access, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 401, "an expired access token is refused");

    set_offline_token_ttl(&sim, 3600).await;
    let (status, second) = exchange(&sim, refresh_body(&refresh)).await;
    assert_eq!(status, 200, "{second}");
    let renewed = second["access_token"].as_str().unwrap();
    let (status, _) = gql(&sim, DEMO_SHOP, renewed, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 200);
    // The used refresh token still works while its replacement is unused (a lost response)…
    let (status, again) = exchange(&sim, refresh_body(&refresh)).await;
    assert_eq!(status, 200, "{again}");
    // …and retires once a replacement is used.
    let replacement = again["refresh_token"].as_str().unwrap();
    let (status, _) = exchange(&sim, refresh_body(replacement)).await;
    assert_eq!(status, 200);
    for retired in [refresh.as_str(), second["refresh_token"].as_str().unwrap()] {
        let (status, refused) = exchange(&sim, refresh_body(retired)).await;
        assert_eq!(
            (status, refused["error"].as_str()),
            (400, Some("invalid_grant"))
        );
    }
    let stats = get(&format!("{}/_sim/requests", sim.base_url())).await;
    assert_eq!(stats["shops"][DEMO_SHOP]["tokenRefreshes"], 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_non_expiring_token_is_exchanged_for_an_expiring_one_and_stops_working() {
    let sim = start().await;
    let legacy = token(&sim, DEMO_SHOP).await;
    let body = json!({
        "client_id": API_KEY,
        "client_secret": SECRET,
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": legacy,
        "subject_token_type": OFFLINE,
        "requested_token_type": OFFLINE,
        "expiring": "1",
    });
    let (status, migrated) = exchange(&sim, body.clone()).await;
    assert_eq!(status, 200, "{migrated}");
    assert_eq!(migrated["expires_in"], 3600);
    let access = migrated["access_token"].as_str().unwrap();
    let (status, _) = gql(&sim, DEMO_SHOP, access, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 200);
    let (status, _) = gql(&sim, DEMO_SHOP, &legacy, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 401, "the non-expiring token is cycled out");
    // A repeat (the first answer was lost) gets the same pair (tokens.rs has the rest).
    let (status, again) = exchange(&sim, body).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["access_token"], migrated["access_token"]);
    assert_eq!(again["refresh_token"], migrated["refresh_token"]);
    let uninstall = format!("{}/_sim/shops/{DEMO_SHOP}/revoke-tokens", sim.base_url());
    post_json(&uninstall, json!({})).await;
    let refresh = migrated["refresh_token"].as_str().unwrap();
    let (status, _) = exchange(&sim, refresh_body(refresh)).await;
    assert_eq!(
        status, 400,
        "revoking a shop's tokens revokes its refresh tokens"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn redirect_uri_must_be_an_allowed_redirection_url_exactly() {
    let sim = start().await;
    for refused in [
        "http://127.0.0.1:9/app/other",
        "http://127.0.0.1:9/app/auth/callback/",
        "http://127.0.0.1:9/app/auth/callback?x=1",
        "http://127.0.0.1:9/app",
    ] {
        let response = authorize(&sim, refused).await;
        assert_eq!(response.status(), 400, "{refused}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request");
        assert_eq!(
            body["error_description"],
            "The redirect_uri is not whitelisted"
        );
    }
    assert_eq!(
        authorize(&sim, "http://127.0.0.1:9/app/auth/callback")
            .await
            .status(),
        302
    );
    let response = client()
        .put(format!("{}/_sim/config", sim.base_url()))
        .json(&json!({ "redirectUrls": ["https://other.example/oauth/done"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let config: Value = response.json().await.unwrap();
    assert_eq!(
        config["redirectUrls"],
        json!(["https://other.example/oauth/done"])
    );
    assert_eq!(
        authorize(&sim, "https://other.example/oauth/done")
            .await
            .status(),
        302
    );
    assert_eq!(
        authorize(&sim, "http://127.0.0.1:9/app/auth/callback")
            .await
            .status(),
        400
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn callbacks_are_signed_with_shopifys_escaping() {
    let sim = start().await;
    let url = format!(
        "{}/admin/oauth/authorize?client_id={API_KEY}&scope=read_products&redirect_uri={}&state={}",
        sim.shop_url(DEMO_SHOP),
        urlencode("http://127.0.0.1:9/app/auth/callback"),
        urlencode("a&b=c%d")
    );
    let response = client().get(url).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let pairs = query_pairs(&location);
    assert_eq!(pair(&pairs, "state"), "a&b=c%d");
    // `%` → `%25` and `&` → `%26` in values (and `=` → `%3D` in names), then sorted.
    let mut rest: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k != "hmac")
        .map(|(k, v)| format!("{k}={}", v.replace('%', "%25").replace('&', "%26")))
        .collect();
    rest.sort();
    assert_eq!(pair(&pairs, "hmac"), hmac_hex(&rest.join("&")));
    sim.shutdown().await;
}
