//! The storefront's credential: an `X-API-Key` checked by the `/api/v1` gate, handed to
//! handlers as [`StorefrontKey`].

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};

use crate::api_keys::KeyKind;
use crate::catalog::AuthenticatedKey;
use crate::http::error::ApiError;
use crate::state::AppState;

pub const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// The authenticated key of a storefront request: `key.store` is the store every query of the
/// request is scoped to. Only routes under [`super::with_api_v1_layers`] can extract it.
#[derive(Debug, Clone)]
pub struct StorefrontKey(pub Arc<AuthenticatedKey>);

impl Deref for StorefrontKey {
    type Target = AuthenticatedKey;

    fn deref(&self) -> &AuthenticatedKey {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for StorefrontKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<StorefrontKey>()
            .cloned()
            .ok_or_else(|| {
                ApiError::Unauthenticated(
                    "Send the store's publishable key in the X-API-Key header.".into(),
                )
            })
    }
}

/// Authenticates the request's key, if it sent one, and checks where it is used from.
pub(super) async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    origin: Option<&HeaderValue>,
) -> Result<Option<StorefrontKey>, ApiError> {
    let Some(raw) = headers.get(&API_KEY_HEADER) else {
        return Ok(None);
    };
    let raw = raw.to_str().map_err(|_| {
        ApiError::Unauthenticated("The X-API-Key header is not a Gridprice key.".into())
    })?;
    let key = state
        .catalog
        .authenticate_key(&state.db, raw.trim())
        .await?;
    if let Some(origin) = origin {
        admit_origin(&key, origin)?;
    }
    Ok(Some(StorefrontKey(key)))
}

/// Browsers send `Origin`; servers (the only place for a secret key) do not.
fn admit_origin(key: &AuthenticatedKey, origin: &HeaderValue) -> Result<(), ApiError> {
    if key.kind == KeyKind::Secret {
        return Err(ApiError::Forbidden(
            "Secret keys are for servers and are refused from browsers; \
             use the store's publishable key (gp_pk_…) in web pages."
                .into(),
        ));
    }
    let origin = origin.to_str().unwrap_or_default();
    if key.allows_origin(origin) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "The origin {origin:?} is not allowed to use this key; the merchant can add it to \
             the key's allowed origins."
        )))
    }
}
