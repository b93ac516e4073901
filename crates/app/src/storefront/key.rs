//! The storefront's credential: an `X-API-Key` checked by the `/api/v1` gate, handed to
//! handlers as [`StorefrontKey`].

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};

use gridprice_storage::api_keys::KeyKind;

use crate::catalog::AuthenticatedKey;
use crate::http::error::ApiError;

pub const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// The authenticated key of a storefront request: `key.store` is the store every query of the
/// request is scoped to. Only routes under the `/api/v1` gate can extract it.
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

/// The key the request presents, if it sent one.
pub(super) fn presented(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    headers
        .get(&API_KEY_HEADER)
        .map(|raw| {
            raw.to_str().map(str::trim).map_err(|_| {
                ApiError::Unauthenticated("The X-API-Key header is not a Gridprice key.".into())
            })
        })
        .transpose()
}

/// Browsers send `Origin`; servers (the only place for a secret key) do not.
pub(super) fn admit_origin(key: &AuthenticatedKey, origin: &HeaderValue) -> Result<(), ApiError> {
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
