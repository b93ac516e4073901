//! Storefront keys in the admin API: list, create, revoke, rotate, and the one-time reveal of
//! the key made at install.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use gridprice_storage::api_keys::{self as storage, ApiKey, KeyKind};
use gridprice_storage::ApiKeyId;

use super::service::{self, IssuedKey};
use super::{parse_origins, KeyState};
use crate::auth::AdminSession;
use crate::error::FieldErrors;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, PathParam, MAX_JSON_BODY_BYTES};
use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/api/onboarding/storefront-key", post(reveal_first_key))
        .route("/app/api/storefront-keys", get(list).post(create))
        .route("/app/api/storefront-keys/{id}", patch(update_origins))
        .route("/app/api/storefront-keys/{id}/revoke", post(revoke))
        .route("/app/api/storefront-keys/{id}/rotate", post(rotate))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
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
        .shopify
        .secrets()
        .open(&pending.sealed_key, &pending.display_prefix)
        .map_err(ApiError::internal)?;
    Ok(Json(RevealedKey {
        key,
        kind: KeyKind::Publishable.as_str(),
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateKey {
    /// publishable (default) or secret.
    kind: Option<String>,
    /// The store's default origins when left out; `[]` allows any origin.
    allowed_origins: Option<Vec<String>>,
}

/// A key as listings show it: its prefix, never the key or its hash.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyView {
    id: ApiKeyId,
    kind: &'static str,
    prefix: String,
    allowed_origins: Vec<String>,
    /// active, expiring (a rotated key in its grace period), expired or revoked.
    status: &'static str,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
}

impl KeyView {
    fn new(key: ApiKey, now: DateTime<Utc>) -> Self {
        let status = KeyState::of(&key, now).as_str();
        Self {
            id: key.id,
            kind: key.kind.as_str(),
            prefix: key.display_prefix,
            allowed_origins: key.allowed_origins,
            status,
            created_at: key.created_at,
            last_used_at: key.last_used_at,
            revoked_at: key.revoked_at,
            expires_at: key.expires_at,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyList {
    keys: Vec<KeyView>,
}

/// A new key with its full value, shown this once.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct IssuedKeyView {
    key: String,
    #[serde(flatten)]
    view: KeyView,
}

impl IssuedKeyView {
    fn new(issued: IssuedKey, now: DateTime<Utc>) -> Self {
        Self {
            key: issued.full,
            view: KeyView::new(issued.key, now),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Rotated {
    /// The replacement, with its full value shown this once.
    new_key: IssuedKeyView,
    /// The rotated key, working until its `expiresAt`.
    previous_key: KeyView,
}

impl CreateKey {
    fn parse(&self, default_origins: &[String]) -> Result<(KeyKind, Vec<String>), FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = match &self.kind {
            Some(text) => errors.check("kind", text.parse()),
            None => Some(KeyKind::Publishable),
        };
        let origins = match &self.allowed_origins {
            Some(texts) => parse_origins(&mut errors, "allowedOrigins", texts),
            None => default_origins.to_vec(),
        };
        Ok((errors.finish(kind)?, origins))
    }
}

async fn list(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<KeyList>, ApiError> {
    let now = Utc::now();
    let keys = storage::list(&state.db, session.store.id).await?;
    Ok(Json(KeyList {
        keys: keys.into_iter().map(|key| KeyView::new(key, now)).collect(),
    }))
}

async fn create(
    State(state): State<AppState>,
    session: AdminSession,
    JsonBody(body): JsonBody<CreateKey>,
) -> Result<(StatusCode, Json<IssuedKeyView>), ApiError> {
    let (kind, origins) = body.parse(&session.store.default_allowed_origins)?;
    let issued = service::create(&state.db, &session, kind, &origins).await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedKeyView::new(issued, Utc::now())),
    ))
}

/// The origins a key allows, replaced; `[]` allows any origin.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OriginsPatch {
    allowed_origins: Vec<String>,
}

async fn update_origins(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
    JsonBody(body): JsonBody<OriginsPatch>,
) -> Result<Json<KeyView>, ApiError> {
    let mut errors = FieldErrors::default();
    let origins = parse_origins(&mut errors, "allowedOrigins", &body.allowed_origins);
    errors.into_result()?;
    let key =
        service::set_allowed_origins(&state.db, &session, ApiKeyId::new(id), &origins).await?;
    Ok(Json(KeyView::new(key, Utc::now())))
}

async fn revoke(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
) -> Result<Json<KeyView>, ApiError> {
    let revoked = service::revoke(&state.db, &session, ApiKeyId::new(id)).await?;
    Ok(Json(KeyView::new(revoked, Utc::now())))
}

async fn rotate(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
) -> Result<(StatusCode, Json<Rotated>), ApiError> {
    let (issued, previous) = service::rotate(&state.db, &session, ApiKeyId::new(id)).await?;
    let now = Utc::now();
    Ok((
        StatusCode::CREATED,
        Json(Rotated {
            new_key: IssuedKeyView::new(issued, now),
            previous_key: KeyView::new(previous, now),
        }),
    ))
}
