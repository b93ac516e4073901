//! The embedded app's entry: Shopify's admin loads the app URL (`/?shop=…&host=…&id_token=…`).
//! The session token proves who is asking; a store without a usable offline token gets one by
//! token exchange, and the merchant sees Home (`home::pages`). A load whose `id_token` does not verify (expired,
//! most often: the admin keeps a loaded URL) goes through `/bounce` (`pages::bounce_location`).

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use shopify::{session_token, token};

use gridprice_storage::stores;

use super::install::parse_shop;
use super::service::complete_install;
use crate::home::pages::home;
use crate::http::error::ApiError;
use crate::http::AppState;
use crate::pages::{bounce_location, query_pairs, Chrome};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(entry))
}

async fn entry(
    State(state): State<AppState>,
    RawQuery(raw_query): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(raw_query.as_deref())?;
    let parameter = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let Some(id_token) = parameter("id_token") else {
        if parameter("embedded") == Some("1") {
            // Inside the admin but without a token (the app reloading Home): App Bridge gets one.
            return Ok(Redirect::to(&bounce_location(&state, "/", &pairs)).into_response());
        }
        // Opened outside the Shopify admin: install (or reinstall) through OAuth.
        let shop = parse_shop(parameter("shop"))?;
        return Ok(Redirect::to(&format!("/auth?shop={shop}")).into_response());
    };
    let config = state.shopify.config();
    let Ok(claims) = session_token::verify(id_token, &config.credentials, Utc::now()) else {
        return Ok(Redirect::to(&bounce_location(&state, "/", &pairs)).into_response());
    };
    let store = match stores::find_by_shop(&state.db, &claims.shop).await? {
        Some(store) if store.is_active() => store,
        _ => {
            let grant = token::token_exchange(
                state.shopify.http(),
                &config.shop_url_template,
                &claims.shop,
                &config.credentials,
                id_token,
            )
            .await?;
            complete_install(&state.db, &state.shopify, &claims.shop, grant)
                .await?
                .store
        }
    };
    home(&state, Chrome::new(&state, &pairs), &store).await
}
