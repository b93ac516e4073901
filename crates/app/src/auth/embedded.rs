//! The embedded app's entry: Shopify's admin loads the app URL (`/?shop=…&host=…&id_token=…`). The session
//! token proves who is asking; a store without a usable offline token gets one by token exchange.

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use shopify::{session_token, token, ShopDomain};

use gridprice_storage::stores::{self, Store};

use super::install::parse_shop;
use super::service::complete_install;
use crate::http::error::ApiError;
use crate::http::AppState;

const APP_BRIDGE: &str = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(entry))
        .route("/bounce", get(bounce))
}

#[derive(Debug, Deserialize)]
struct EntryQuery {
    shop: Option<String>,
    id_token: Option<String>,
}

async fn entry(
    State(state): State<AppState>,
    Query(query): Query<EntryQuery>,
) -> Result<Response, ApiError> {
    let Some(id_token) = query.id_token else {
        // Opened outside the Shopify admin: install (or reinstall) through OAuth.
        let shop = parse_shop(query.shop.as_deref())?;
        return Ok(Redirect::to(&format!("/auth?shop={shop}")).into_response());
    };
    let config = state.shopify.config();
    let claims = match session_token::verify(&id_token, &config.credentials, Utc::now()) {
        Ok(claims) => claims,
        // A stale token on a page load: App Bridge fetches a fresh one and reloads.
        Err(_) => return Ok(Redirect::to("/bounce?shopify-reload=/").into_response()),
    };
    let store = match stores::find_by_shop(&state.db, &claims.shop).await? {
        Some(store) if store.is_active() => store,
        _ => {
            let grant = token::token_exchange(
                state.shopify.http(),
                &config.shop_url_template,
                &claims.shop,
                &config.credentials,
                &id_token,
            )
            .await?;
            complete_install(&state.db, &state.shopify, &claims.shop, grant)
                .await?
                .store
        }
    };
    Ok(embedded_page(&state, &claims.shop, &home(&store)))
}

async fn bounce(State(state): State<AppState>) -> Html<String> {
    Html(page_shell(&state, "<p>Loading Gridprice…</p>"))
}

fn home(store: &Store) -> String {
    format!(
        "<h1>Gridprice</h1>\
         <p>Installed on <strong>{shop}</strong>. Prices are in {currency}.</p>\
         <p>Draft orders created so far: <strong>{orders}</strong>.</p>",
        shop = store.shop,
        currency = store.currency.code(),
        orders = store.total_draft_orders_created,
    )
}

/// The page inside the admin's iframe; only Shopify's admin for this shop may frame it.
fn embedded_page(state: &AppState, shop: &ShopDomain, body: &str) -> Response {
    let mut response = Html(page_shell(state, body)).into_response();
    let policy = format!("frame-ancestors https://{shop} https://admin.shopify.com;");
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

fn page_shell(state: &AppState, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"shopify-api-key\" content=\"{key}\"><script src=\"{APP_BRIDGE}\"></script>\
         <title>Gridprice</title></head><body>{body}</body></html>",
        key = escape_attribute(&state.shopify.config().credentials.api_key),
    )
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
