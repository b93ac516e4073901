//! The embedded admin's authentication: a Shopify session token (App Bridge `idToken()`) in
//! `Authorization: Bearer …`, verified on every request, naming the store and the staff user.

use std::ops::Deref;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;
use gridprice_storage::stores;
use gridprice_storage::{Actor, Editor};

use crate::http::error::ApiError;
use crate::http::AppState;

/// An authenticated merchant request: the store every query it makes is scoped to, and the
/// staff member acting (the token's `sub`), who the audit log names.
#[derive(Debug, Clone)]
pub struct AdminSession {
    pub editor: Editor,
}

impl Deref for AdminSession {
    type Target = Editor;

    fn deref(&self) -> &Editor {
        &self.editor
    }
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Self::from_token(state, bearer_token(parts)?).await
    }
}

impl AdminSession {
    /// The session a session token proves: a page load's `id_token` or a fetch's bearer token.
    pub async fn from_token(state: &AppState, token: &str) -> Result<Self, ApiError> {
        let credentials = &state.shopify.config().credentials;
        let claims =
            shopify::session_token::verify(token, credentials, Utc::now()).map_err(|e| {
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
            editor: Editor {
                store,
                actor: Actor::Staff(claims.user),
            },
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
