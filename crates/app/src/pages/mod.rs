//! The embedded admin's page stack (DESIGN §12): pages rendered on the server from askama
//! templates (compile-time checked, HTML auto-escaped), Polaris web components and App Bridge
//! from Shopify's CDN (`SHOPIFY_CDN_URL`), our own plain ES modules under content-hashed URLs,
//! every string from the English or German catalogue.
//!
//! A page handler takes a [`PageSession`] (the `id_token` of the document load, verified; or a
//! trip through `/bounce` for a fresh one), builds its template with the session's [`Chrome`],
//! and answers with [`render`], which adds the framing policy.

mod assets;
mod i18n;
mod session;

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use shopify::ShopDomain;

pub use self::assets::asset_url;
pub use self::i18n::{Locale, Text};
pub use self::session::{bounce_location, query_pairs, Chrome, PageSession};
use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/bounce", get(session::bounce))
        .route("/assets/{file}", get(assets::serve))
}

/// `value` as JSON to embed in `<script type="application/json">`: `<` escaped, so no value
/// can close the element (templates write it unescaped, as HTML escaping would break it).
pub fn script_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".to_owned())
        .replace('<', "\\u003c")
}

/// A rendered page with the headers every page needs: only this shop's admin may frame it,
/// and a page carrying a session is never cached.
pub fn render(state: &AppState, shop: Option<&ShopDomain>, page: &impl Template) -> Response {
    let body = match page.render() {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "a page did not render");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut response = Html(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(policy) = HeaderValue::from_str(&frame_policy(state, shop)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// Who may frame the app's pages (shopify.dev, "Set up iframe protection"): the shop's own
/// admin (`https://{shop}`) and `https://admin.shopify.com` — and, where shops live elsewhere
/// (the simulator in development and tests), that origin, which serves their admin. Without a
/// valid shop only the unified admin (and that origin) may.
fn frame_policy(state: &AppState, shop: Option<&ShopDomain>) -> String {
    let mut ancestors = Vec::new();
    if let Some(shop) = shop {
        let own = format!("https://{shop}");
        let template = &state.shopify.config().shop_url_template;
        let served_at = template.url(shop, "/").origin().ascii_serialization();
        if served_at != own && served_at != "null" {
            ancestors.push(served_at);
        }
        ancestors.insert(0, own);
    }
    ancestors.push("https://admin.shopify.com".to_owned());
    format!("frame-ancestors {};", ancestors.join(" "))
}
