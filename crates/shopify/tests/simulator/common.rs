//! A simulator on an ephemeral port and the client pointed at it.

use std::time::Duration;

use serde_json::{json, Value};
use shopify::admin::{AdminClient, ClientOptions};
use shopify::{AccessToken, ApiVersion, AppCredentials, ShopDomain, ShopUrlTemplate};
use shopify_sim::{SimConfig, SimHandle, Simulator, DEMO_SHOP};

pub const API_KEY: &str = "client-test-key";
pub const SECRET: &str = "client-test-secret";

pub fn config() -> SimConfig {
    SimConfig {
        api_key: API_KEY.to_owned(),
        api_secret: SECRET.to_owned(),
        app_url: "http://127.0.0.1:9/app".to_owned(),
        ..SimConfig::default()
    }
}

pub async fn start_with(config: SimConfig) -> SimHandle {
    Simulator::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("simulator starts")
}

pub async fn start() -> SimHandle {
    start_with(config()).await
}

pub fn credentials() -> AppCredentials {
    AppCredentials::new(API_KEY, SECRET)
}

pub fn shop() -> ShopDomain {
    ShopDomain::parse(DEMO_SHOP).unwrap()
}

/// Where the simulator plays `https://{shop}`.
pub fn template(sim: &SimHandle) -> ShopUrlTemplate {
    ShopUrlTemplate::parse(&format!("{}/store/{{shop}}", sim.base_url())).unwrap()
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

pub fn admin(sim: &SimHandle) -> AdminClient {
    let options = ClientOptions {
        request_timeout: Duration::from_secs(3),
        retry_budget: Duration::from_secs(3),
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..ClientOptions::default()
    };
    AdminClient::new(http(), template(sim), ApiVersion::default(), options)
}

/// POSTs JSON to a `/_sim` control endpoint and returns the answer, which must be 2xx.
pub async fn control(sim: &SimHandle, path: &str, body: Value) -> Value {
    let response = http()
        .post(format!("{}{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

/// PUTs JSON to a `/_sim` control endpoint.
pub async fn control_put(sim: &SimHandle, path: &str, body: Value) -> Value {
    let response = http()
        .put(format!("{}{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

/// A non-expiring offline token through the simulator's shortcut.
pub async fn legacy_token(sim: &SimHandle) -> AccessToken {
    let body = control(
        sim,
        &format!("/_sim/shops/{DEMO_SHOP}/access-token"),
        json!({}),
    )
    .await;
    AccessToken::new(body["access_token"].as_str().unwrap())
}

/// A session token (`id_token`) as App Bridge would hand it to the app.
pub async fn id_token(sim: &SimHandle, extra: Value) -> String {
    let mut body = json!({ "shop": DEMO_SHOP });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let minted = control(sim, "/_sim/session-token", body).await;
    minted["idToken"].as_str().unwrap().to_owned()
}
