//! The install callback and session tokens the simulator produces, verified by the client.

use chrono::Utc;
use serde_json::json;
use shopify::oauth::{self, CALLBACK_MAX_AGE};
use shopify::session_token::{self, SessionTokenError};
use shopify::ApiSecret;
use url::Url;

use crate::common::*;

/// Sends the merchant's browser to the install URL and returns where Shopify redirects it.
async fn callback_for(sim: &shopify_sim::SimHandle, redirect: &Url, state: &str) -> Url {
    let install = oauth::install_url(
        &template(sim),
        &shop(),
        API_KEY,
        &["write_draft_orders", "read_products"],
        redirect,
        state,
    );
    let response = http().get(install).send().await.unwrap();
    assert_eq!(response.status(), 302, "{}", response.text().await.unwrap());
    Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
}

#[tokio::test]
async fn the_callback_verifies_even_when_state_needs_escaping() {
    let sim = start().await;
    let redirect = Url::parse("http://127.0.0.1:9/app/auth/callback").unwrap();
    // Shopify escapes `%`, `&` (and `=` in names) before signing; an app's own state may
    // contain them.
    let state = "n%1&x=y";
    let callback = callback_for(&sim, &redirect, state).await;
    let verified = oauth::verify_callback(
        callback.query().unwrap(),
        &ApiSecret::new(SECRET),
        Utc::now(),
        CALLBACK_MAX_AGE,
    )
    .expect("the simulator signs as Shopify does");
    assert_eq!(verified.state, state);
    assert_eq!(verified.shop, shop());
    sim.shutdown().await;
}

#[tokio::test]
async fn only_allowed_redirection_urls_get_a_callback() {
    let sim = start().await;
    let elsewhere = Url::parse("http://127.0.0.1:9/app/somewhere-else").unwrap();
    let install = oauth::install_url(&template(&sim), &shop(), API_KEY, &[], &elsewhere, "s");
    let response = http().get(install).send().await.unwrap();
    assert_eq!(response.status(), 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn the_session_token_leeway_is_a_parameter() {
    let sim = start().await;
    let stale = id_token(&sim, json!({ "expiresIn": -20 })).await;
    let now = Utc::now();
    assert_eq!(
        session_token::verify(&stale, &credentials(), now),
        Err(SessionTokenError::Expired)
    );
    let wide = std::time::Duration::from_secs(60);
    let verified = session_token::verify_with_leeway(&stale, &credentials(), now, wide).unwrap();
    assert_eq!(verified.shop, shop());
    sim.shutdown().await;
}
