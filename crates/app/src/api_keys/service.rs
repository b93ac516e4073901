//! Merchant changes to storefront keys, each written with its audit entry. The full key exists
//! only in the value returned here; storage keeps its hash.

use chrono::{Duration, Utc};

use super::storage::{self, ApiKey};
use super::{KeyKind, NewKey};
use crate::audit::{Action, AuditedWrite, Entry};
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::state::AppState;

/// How long a rotated key keeps working, so storefronts can switch without an outage.
pub const ROTATION_GRACE: Duration = Duration::hours(24);

/// A key just made: `full` is shown to the merchant once and never again.
pub struct IssuedKey {
    pub full: String,
    pub key: ApiKey,
}

/// What the audit log keeps of a key: never the key itself.
fn snapshot(key: &ApiKey) -> serde_json::Value {
    serde_json::json!({
        "prefix": key.display_prefix,
        "kind": key.kind.as_str(),
        "allowedOrigins": key.allowed_origins,
        "revokedAt": key.revoked_at,
        "expiresAt": key.expires_at,
    })
}

pub async fn create(
    state: &AppState,
    session: &AdminSession,
    kind: KeyKind,
    allowed_origins: &[String],
) -> Result<IssuedKey, ApiError> {
    let new = NewKey::generate(kind);
    let write = AuditedWrite::begin(&state.db, session).await?;
    let key = storage::create(write.txn(), session.store.id, &new, allowed_origins, None).await?;
    write
        .commit(Entry::new(Action::StorefrontKeyCreate, key.id).after(&snapshot(&key)))
        .await?;
    Ok(IssuedKey {
        full: new.full,
        key,
    })
}

/// Stops a key working now.
pub async fn revoke(state: &AppState, session: &AdminSession, id: i64) -> Result<ApiKey, ApiError> {
    let store = session.store.id;
    let write = AuditedWrite::begin(&state.db, session).await?;
    let before = storage::get(write.txn(), store, id).await?;
    let revoked = storage::revoke_in(write.txn(), store, id, Utc::now()).await?;
    let entry = Entry::new(Action::StorefrontKeyRevoke, id)
        .before(&snapshot(&before))
        .after(&snapshot(&revoked));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(revoked)
}

/// Issues a key like `id` (same kind and origins); `id` keeps working for [`ROTATION_GRACE`].
/// Returns the new key and the old one as it is now.
pub async fn rotate(
    state: &AppState,
    session: &AdminSession,
    id: i64,
) -> Result<(IssuedKey, ApiKey), ApiError> {
    let store = session.store.id;
    let now = Utc::now();
    let write = AuditedWrite::begin(&state.db, session).await?;
    let old = storage::get(write.txn(), store, id).await?;
    if !old.is_usable(now) {
        return Err(ApiError::Conflict(
            "The key is revoked or expired; create a new key instead.".into(),
        ));
    }
    let new = NewKey::generate(old.kind);
    let replacement = storage::create(write.txn(), store, &new, &old.allowed_origins, None).await?;
    let retiring = storage::expire_in(write.txn(), store, id, now + ROTATION_GRACE).await?;
    let entry = Entry::new(Action::StorefrontKeyRotate, id)
        .before(&snapshot(&old))
        .after(&serde_json::json!({
            "old": snapshot(&retiring),
            "new": { "id": replacement.id, "key": snapshot(&replacement) },
        }));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    let issued = IssuedKey {
        full: new.full,
        key: replacement,
    };
    Ok((issued, retiring))
}
