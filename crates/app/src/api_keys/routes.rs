//! Storefront keys in the admin API.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;

use super::storage;
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/app/api/onboarding/storefront-key", post(reveal_first_key))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RevealedKey {
    key: String,
    kind: &'static str,
}

/// The key made at install, shown exactly once.
async fn reveal_first_key(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<RevealedKey>, ApiError> {
    let pending = storage::take_reveal(&state.db, session.store.id)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(
                "The first storefront key was already shown; create a new key instead.".into(),
            )
        })?;
    let key = state
        .secrets
        .open(&pending.sealed_key, &pending.display_prefix)
        .map_err(ApiError::internal)?;
    Ok(Json(RevealedKey {
        key,
        kind: super::KeyKind::Publishable.as_str(),
    }))
}
