//! The authorization-code install: `/auth?shop=` sends the merchant to Shopify's grant screen,
//! `/auth/callback` verifies Shopify's answer and trades the code for an offline token.

use axum::extract::{Query, RawQuery, State};
use axum::response::Redirect;
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use shopify::{oauth, token, ShopDomain};

use gridprice_storage::oauth_states as storage;

use super::service::complete_install;
use crate::http::error::ApiError;
use crate::http::AppState;

/// Shopify redirects back at once; older callbacks are replays. Shopify's own library allows
/// 90 s of clock difference either way (shopify-app-js `lib/utils/hmac-validator.ts`,
/// `HMAC_TIMESTAMP_PERMITTED_CLOCK_TOLERANCE_SEC`), and so does Gridprice.
pub const CALLBACK_MAX_AGE: std::time::Duration = oauth::CALLBACK_MAX_AGE;
/// Query strings are small; anything larger is not Shopify's.
const MAX_QUERY_BYTES: usize = 4096;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth", get(begin))
        .route("/auth/callback", get(callback))
}

#[derive(Debug, Deserialize)]
struct BeginQuery {
    shop: Option<String>,
}

async fn begin(
    State(state): State<AppState>,
    Query(query): Query<BeginQuery>,
) -> Result<Redirect, ApiError> {
    let shop = parse_shop(query.shop.as_deref())?;
    let nonce = oauth::new_state_nonce();
    storage::save_state(&state.db, &nonce, &shop).await?;
    let config = state.shopify.config();
    let scopes: Vec<&str> = config.scopes.iter().map(String::as_str).collect();
    let url = oauth::install_url(
        &config.shop_url_template,
        &shop,
        &config.credentials.api_key,
        &scopes,
        &config.app_url("/auth/callback"),
        &nonce,
    );
    Ok(Redirect::to(url.as_str()))
}

async fn callback(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Redirect, ApiError> {
    let query = query.unwrap_or_default();
    if query.len() > MAX_QUERY_BYTES {
        return Err(ApiError::bad_request("The callback query is too large."));
    }
    let config = state.shopify.config();
    let verified = oauth::verify_callback(
        &query,
        &config.credentials.api_secret,
        Utc::now(),
        CALLBACK_MAX_AGE,
    )
    .map_err(|e| ApiError::Forbidden(format!("The install callback is not valid: {e}.")))?;
    if !storage::consume_state(&state.db, &verified.state, &verified.shop).await? {
        return Err(ApiError::Forbidden(
            "This install link has expired or was already used; start the install again.".into(),
        ));
    }
    let grant = token::exchange_code(
        state.shopify.http(),
        &config.shop_url_template,
        &verified.shop,
        &config.credentials,
        &verified.code,
    )
    .await?;
    complete_install(&state.db, &state.shopify, &verified.shop, grant).await?;
    let admin_path = format!("/admin/apps/{}", config.credentials.api_key);
    Ok(Redirect::to(
        config
            .shop_url_template
            .url(&verified.shop, &admin_path)
            .as_str(),
    ))
}

pub(super) fn parse_shop(shop: Option<&str>) -> Result<ShopDomain, ApiError> {
    let shop = shop.ok_or_else(|| ApiError::invalid_field("shop", "is required"))?;
    ShopDomain::parse(shop).map_err(|e| ApiError::invalid_field("shop", e.to_string()))
}
