//! Helpers: a simulator on an ephemeral port, a client that does not follow redirects,
//! and an independent HMAC implementation to check the simulator's signatures.

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use shopify_sim::{SimConfig, SimHandle, Simulator, DEFAULT_API_VERSION};

pub const SECRET: &str = "test-secret";
pub const API_KEY: &str = "test-key";

pub fn config(app_url: &str) -> SimConfig {
    SimConfig {
        api_key: API_KEY.to_owned(),
        api_secret: SECRET.to_owned(),
        app_url: app_url.to_owned(),
        ..SimConfig::default()
    }
}

pub async fn start_with(config: SimConfig) -> SimHandle {
    Simulator::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("simulator starts")
}

pub async fn start() -> SimHandle {
    start_with(config("http://127.0.0.1:9/app")).await
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn hmac_hex(message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub fn hmac_base64(body: &[u8]) -> String {
    use base64::Engine as _;
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

pub async fn post_json(url: &str, body: Value) -> (u16, Value) {
    let response = client().post(url).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// An offline token through the `/_sim` shortcut (the OAuth tests use the real flow).
pub async fn token(sim: &SimHandle, shop: &str) -> String {
    let url = format!("{}/_sim/shops/{shop}/access-token", sim.base_url());
    let (status, body) = post_json(&url, json!({})).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

pub fn graphql_url(sim: &SimHandle, shop: &str) -> String {
    format!(
        "{}/admin/api/{DEFAULT_API_VERSION}/graphql.json",
        sim.shop_url(shop)
    )
}

/// Sends a GraphQL document; returns the HTTP status and the JSON body.
pub async fn gql(
    sim: &SimHandle,
    shop: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> (u16, Value) {
    let response = client()
        .post(graphql_url(sim, shop))
        .header("X-Shopify-Access-Token", token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn set_faults(sim: &SimHandle, faults: Value) {
    let (status, body) = post_json(&format!("{}/_sim/faults", sim.base_url()), faults).await;
    assert_eq!(status, 200, "{body}");
}

pub async fn get(url: &str) -> Value {
    client()
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub const CREATE_DRAFT: &str = r#"
mutation Create($input: DraftOrderInput!) {
  draftOrderCreate(input: $input) {
    draftOrder {
      id name invoiceUrl status tags note2 createdAt
      totalPriceSet { shopMoney { amount currencyCode } }
      subtotalPriceSet { shopMoney { amount currencyCode } }
      lineItems(first: 10) {
        nodes {
          title quantity sku custom
          variant { id }
          originalUnitPriceSet { shopMoney { amount currencyCode } }
          customAttributes { key value }
        }
      }
    }
    userErrors { field message }
  }
}"#;

pub fn custom_line(title: &str, amount: &str, quantity: i64) -> Value {
    json!({
        "title": title,
        "quantity": quantity,
        "originalUnitPriceWithCurrency": { "amount": amount, "currencyCode": "USD" },
    })
}

/// The repository's theme app extension (`extensions/gridprice-calculator`).
pub fn extension_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../extensions/gridprice-calculator")
}

/// A simulator that knows the theme app extension.
pub async fn start_store() -> SimHandle {
    start_with(SimConfig {
        theme_extension_dir: Some(extension_dir()),
        ..config("http://127.0.0.1:9/app")
    })
    .await
}

/// GET returning status, headers and text.
pub async fn get_text(url: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let response = client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}
