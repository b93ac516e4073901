//! The embedded app's entry: Shopify's admin loads the app URL (`/?shop=…&host=…&id_token=…`). The session
//! token proves who is asking; a store without a usable offline token gets one by token exchange.
//!
//! A page load whose `id_token` does not verify (expired, most often: the admin keeps a loaded
//! URL) goes to the bounce page as Shopify's libraries send it (shopify-app-js
//! `redirectToBouncePage`): `/bounce` with the original query minus `id_token`, plus
//! `shopify-reload` = the page's URL with that same query. App Bridge on the bounce page fetches a
//! fresh session token and loads `shopify-reload` with it. Every page, the bounce page included,
//! may be framed only by the shop's admin ([`frame_ancestors`]).

use axum::extract::{Query, RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use shopify::{session_token, token, ShopDomain};
use url::form_urlencoded;

use gridprice_storage::stores::{self, Store};

use super::install::parse_shop;
use super::service::complete_install;
use crate::config::ShopifyConfig;
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
    RawQuery(raw_query): RawQuery,
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
        Err(_) => {
            return Ok(to_bounce(
                config,
                "/",
                raw_query.as_deref().unwrap_or_default(),
            ))
        }
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

/// The bounce page for a load of `path` with `query`: the query kept without `id_token` (and
/// any earlier `shopify-reload`), and `shopify-reload` = the app URL of `path` with that query.
fn to_bounce(config: &ShopifyConfig, path: &str, query: &str) -> Response {
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name != "id_token" && name != RELOAD_PARAM)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let kept_query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&kept)
        .finish();
    let mut reload = config.app_url(path);
    reload.set_query(
        Some(&kept_query)
            .filter(|q| !q.is_empty())
            .map(String::as_str),
    );
    let bounce_query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&kept)
        .append_pair(RELOAD_PARAM, reload.as_str())
        .finish();
    Redirect::to(&format!("/bounce?{bounce_query}")).into_response()
}

/// The parameter naming the page App Bridge loads again with a fresh session token.
const RELOAD_PARAM: &str = "shopify-reload";

#[derive(Debug, Deserialize)]
struct BounceQuery {
    shop: Option<String>,
}

/// App Bridge (loaded by the shell) sees `shopify-reload`, fetches a fresh session token and
/// loads that URL with it. Framed like every page: by the shop's admin only.
async fn bounce(State(state): State<AppState>, Query(query): Query<BounceQuery>) -> Response {
    let shop = query
        .shop
        .as_deref()
        .and_then(|s| ShopDomain::parse(s).ok());
    framed(
        state.shopify.config(),
        shop.as_ref(),
        Html(page_shell(&state, "<p>Loading Gridprice…</p>")).into_response(),
    )
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
    let page = Html(page_shell(state, body)).into_response();
    framed(state.shopify.config(), Some(shop), page)
}

/// `response` with the pages' `Content-Security-Policy`.
fn framed(config: &ShopifyConfig, shop: Option<&ShopDomain>, mut response: Response) -> Response {
    let policy = format!(
        "frame-ancestors {};",
        frame_ancestors(config, shop).join(" ")
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// Who may frame the app's pages (shopify.dev, "Set up iframe protection"): the shop's own
/// admin (`https://{shop}`) and `https://admin.shopify.com` — and, where shops live elsewhere
/// (the simulator in development and tests), that origin, which serves their admin. Without a
/// valid shop only the unified admin (and that origin) may.
pub fn frame_ancestors(config: &ShopifyConfig, shop: Option<&ShopDomain>) -> Vec<String> {
    let mut ancestors = Vec::new();
    if let Some(shop) = shop {
        ancestors.push(format!("https://{shop}"));
        let served_at = config.shop_url_template.url(shop, "/").origin();
        let served_at = served_at.ascii_serialization();
        if served_at != ancestors[0] && served_at != "null" {
            ancestors.push(served_at);
        }
    }
    ancestors.push("https://admin.shopify.com".to_owned());
    ancestors
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
