//! Calling Shopify on a store's behalf: its sealed token opened, and a refused token turned
//! into "re-authenticate" both for the caller and on the store row.

use shopify::admin::AdminError;
use shopify::AccessToken;

use super::{storage, Store};
use crate::http::error::ApiError;
use crate::state::AppState;

/// The store's offline access token, or a request to re-authenticate when there is none.
pub async fn access_token(state: &AppState, store: &Store) -> Result<AccessToken, ApiError> {
    let sealed = storage::token_ciphertext(&state.db, store.id)
        .await?
        .ok_or_else(|| {
            ApiError::Reauthenticate(format!(
                "{} has no access token; install the app again.",
                store.shop
            ))
        })?;
    let token = state
        .secrets
        .open(&sealed, store.shop.as_str())
        .map_err(ApiError::internal)?;
    Ok(AccessToken::new(token))
}

/// Maps a Shopify failure for `store`, marking the store when Shopify refused its token.
pub async fn shopify_failure(state: &AppState, store: &Store, error: AdminError) -> ApiError {
    if matches!(error, AdminError::Unauthorized(_)) {
        tracing::warn!(shop = %store.shop, "Shopify refused the access token; re-authentication required");
        if let Err(marking) = storage::mark_reauth_required(&state.db, store.id).await {
            return marking.into();
        }
    }
    error.into()
}
