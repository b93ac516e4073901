//! Changes to storefront keys, each a unit of work with its audit entry. The full key exists
//! only in the value returned here; storage keeps its hash.

use chrono::{Duration, Utc};
use gridprice_storage::api_keys::{self as storage, ApiKey, KeyKind};
use gridprice_storage::audit::{Action, AuditEntry};
use gridprice_storage::{ApiKeyId, Database, Editor, UnitOfWork};

use super::NewKey;
use crate::crypto::SecretBox;
use crate::error::ServiceError;

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
    db: &Database,
    editor: &Editor,
    kind: KeyKind,
    allowed_origins: &[String],
) -> Result<IssuedKey, ServiceError> {
    let new = NewKey::generate(kind);
    let work = UnitOfWork::begin(db, editor).await?;
    let key = storage::create(&work, &new.fingerprint(), allowed_origins, None).await?;
    let entry = AuditEntry::new(Action::StorefrontKeyCreate, key.id.get()).after(&snapshot(&key));
    work.commit(entry).await?;
    Ok(IssuedKey {
        full: new.full,
        key,
    })
}

/// The first publishable key of a store, kept sealed until the merchant has seen it once.
pub async fn create_first(
    db: &Database,
    editor: &Editor,
    secrets: &SecretBox,
) -> Result<(), ServiceError> {
    let new = NewKey::generate(KeyKind::Publishable);
    let reveal = secrets.seal(&new.full, &new.display_prefix);
    let work = UnitOfWork::begin(db, editor).await?;
    let key = storage::create(&work, &new.fingerprint(), &[], Some(reveal)).await?;
    let entry = AuditEntry::new(Action::StorefrontKeyCreate, key.id.get()).after(&snapshot(&key));
    work.commit(entry).await?;
    Ok(())
}

/// Stops a key working now.
pub async fn revoke(db: &Database, editor: &Editor, id: ApiKeyId) -> Result<ApiKey, ServiceError> {
    let work = UnitOfWork::begin(db, editor).await?;
    let before = storage::get(&work, id).await?;
    let revoked = storage::revoke(&work, id, Utc::now()).await?;
    let entry = AuditEntry::new(Action::StorefrontKeyRevoke, id.get())
        .before(&snapshot(&before))
        .after(&snapshot(&revoked));
    work.commit(entry).await?;
    Ok(revoked)
}

/// Replaces the origins a usable key allows.
pub async fn set_allowed_origins(
    db: &Database,
    editor: &Editor,
    id: ApiKeyId,
    origins: &[String],
) -> Result<ApiKey, ServiceError> {
    let work = UnitOfWork::begin(db, editor).await?;
    let before = storage::get(&work, id).await?;
    if !before.is_usable(Utc::now()) {
        return Err(ServiceError::Conflict(
            "The key is revoked or expired; its origins can no longer change.".into(),
        ));
    }
    let after = storage::set_allowed_origins(&work, id, origins).await?;
    let entry = AuditEntry::new(Action::StorefrontKeyUpdateOrigins, id.get())
        .before(&snapshot(&before))
        .after(&snapshot(&after));
    work.commit(entry).await?;
    Ok(after)
}

/// Issues a key like `id` (same kind and origins); `id` keeps working for [`ROTATION_GRACE`].
/// Returns the new key and the old one as it is now.
pub async fn rotate(
    db: &Database,
    editor: &Editor,
    id: ApiKeyId,
) -> Result<(IssuedKey, ApiKey), ServiceError> {
    let now = Utc::now();
    let work = UnitOfWork::begin(db, editor).await?;
    let old = storage::get(&work, id).await?;
    if !old.is_usable(now) {
        return Err(ServiceError::Conflict(
            "The key is revoked or expired; create a new key instead.".into(),
        ));
    }
    let new = NewKey::generate(old.kind);
    let replacement =
        storage::create(&work, &new.fingerprint(), &old.allowed_origins, None).await?;
    let retiring = storage::expire(&work, id, now + ROTATION_GRACE).await?;
    let entry = AuditEntry::new(Action::StorefrontKeyRotate, id.get())
        .before(&snapshot(&old))
        .after(&serde_json::json!({
            "old": snapshot(&retiring),
            "new": { "id": replacement.id, "key": snapshot(&replacement) },
        }));
    work.commit(entry).await?;
    let issued = IssuedKey {
        full: new.full,
        key: replacement,
    };
    Ok((issued, retiring))
}
