//! The embedded admin's authentication: a Shopify session token (App Bridge `idToken()`) in
//! `Authorization: Bearer …`, verified on every request, naming the store and the staff user.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;

use crate::http::error::ApiError;
use crate::state::AppState;
use crate::stores::{storage as stores, Store};

/// An authenticated merchant request: every query it makes is scoped to `store`.
#[derive(Debug, Clone)]
pub struct AdminSession {
    pub store: Store,
    /// The staff member acting (the token's `sub`), recorded in the audit log.
    pub user: String,
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts)?;
        let claims = shopify::session_token::verify(token, &state.shopify.credentials, Utc::now())
            .map_err(|e| {
                ApiError::InvalidSession(format!("The session token is not valid: {e}."))
            })?;
        let store = stores::find_by_shop(&state.db, &claims.shop).await?.ok_or_else(|| {
            ApiError::Reauthenticate(format!(
                "{} has not installed Gridprice; open the app from the Shopify admin to install it.",
                claims.shop
            ))
        })?;
        if !store.is_active() {
            return Err(ApiError::Reauthenticate(format!(
                "Gridprice needs to be authorised again for {}; open the app from the Shopify admin.",
                store.shop
            )));
        }
        Ok(Self {
            store,
            user: claims.user,
        })
    }
}

fn bearer_token(parts: &Parts) -> Result<&str, ApiError> {
    let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
        ApiError::InvalidSession(
            "Send the Shopify session token as `Authorization: Bearer …`.".into(),
        )
    })?;
    header
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            ApiError::InvalidSession("The Authorization header must be `Bearer <token>`.".into())
        })
}
