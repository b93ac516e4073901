//! Storefront API keys: only a key's SHA-256 hash is kept (and, until the merchant has seen it
//! once, the key made at install, sealed). Lookup by hash is the one query not scoped by store:
//! the key *is* the credential that names its store.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

use crate::entities::api_keys;
use crate::{ApiKeyId, Database, StorageError, StorageResult, StoreId, UnitOfWork};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// For browsers: prices and draft orders at server-side prices, for its own store.
    Publishable,
    /// For servers; never accepted from browsers.
    Secret,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publishable => "publishable",
            Self::Secret => "secret",
        }
    }
}

impl std::str::FromStr for KeyKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "publishable" => Ok(Self::Publishable),
            "secret" => Ok(Self::Secret),
            other => Err(format!("unknown key kind {other:?}")),
        }
    }
}

/// What is kept of a key just generated: never the key itself.
#[derive(Debug, Clone)]
pub struct KeyFingerprint {
    pub kind: KeyKind,
    /// The first characters, to tell keys apart in listings.
    pub display_prefix: String,
    /// Lowercase hex SHA-256 of the whole key.
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub store_id: StoreId,
    pub kind: KeyKind,
    pub display_prefix: String,
    /// Origins allowed to use the key from a browser; empty means any.
    pub allowed_origins: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|expiry| expiry > now)
    }
}

/// Keeps a new key; `reveal_ciphertext` is the sealed key to show the merchant once, if any.
pub async fn create(
    work: &UnitOfWork<'_>,
    key: &KeyFingerprint,
    allowed_origins: &[String],
    reveal_ciphertext: Option<String>,
) -> StorageResult<ApiKey> {
    let origins = serde_json::to_string(allowed_origins).map_err(StorageError::corrupt)?;
    let row = api_keys::ActiveModel {
        store_id: Set(work.store().get()),
        kind: Set(key.kind.as_str().to_owned()),
        prefix: Set(key.display_prefix.clone()),
        key_hash: Set(key.hash.clone()),
        allowed_origins: Set(origins),
        created_at: Set(Utc::now()),
        reveal_ciphertext: Set(reveal_ciphertext),
        ..Default::default()
    }
    .insert(work.txn())
    .await?;
    key_from_row(row)
}

pub async fn find_by_hash(db: &Database, hash: &str) -> StorageResult<Option<ApiKey>> {
    api_keys::Entity::find()
        .filter(api_keys::Column::KeyHash.eq(hash))
        .one(db.connection())
        .await?
        .map(key_from_row)
        .transpose()
}

pub async fn list(db: &Database, store: StoreId) -> StorageResult<Vec<ApiKey>> {
    api_keys::Entity::find()
        .filter(api_keys::Column::StoreId.eq(store.get()))
        .order_by_asc(api_keys::Column::Id)
        .all(db.connection())
        .await?
        .into_iter()
        .map(key_from_row)
        .collect()
}

/// One of the store's keys, as the change in progress sees it.
pub async fn get(work: &UnitOfWork<'_>, id: ApiKeyId) -> StorageResult<ApiKey> {
    find(work.txn(), work.store(), id).await
}

async fn find(
    connection: &impl ConnectionTrait,
    store: StoreId,
    id: ApiKeyId,
) -> StorageResult<ApiKey> {
    api_keys::Entity::find()
        .filter(api_keys::Column::Id.eq(id.get()))
        .filter(api_keys::Column::StoreId.eq(store.get()))
        .one(connection)
        .await?
        .ok_or(StorageError::NotFound("storefront key"))
        .and_then(key_from_row)
}

/// Revokes a key at once; a key already revoked keeps its first revocation time.
pub async fn revoke(
    work: &UnitOfWork<'_>,
    id: ApiKeyId,
    at: DateTime<Utc>,
) -> StorageResult<ApiKey> {
    api_keys::Entity::update_many()
        .col_expr(api_keys::Column::RevokedAt, Expr::value(at))
        .filter(api_keys::Column::Id.eq(id.get()))
        .filter(api_keys::Column::StoreId.eq(work.store().get()))
        .filter(api_keys::Column::RevokedAt.is_null())
        .exec(work.txn())
        .await?;
    get(work, id).await
}

/// Replaces the origins allowed to use a key from a browser.
pub async fn set_allowed_origins(
    work: &UnitOfWork<'_>,
    id: ApiKeyId,
    origins: &[String],
) -> StorageResult<ApiKey> {
    let origins = serde_json::to_string(origins).map_err(StorageError::corrupt)?;
    api_keys::Entity::update_many()
        .col_expr(api_keys::Column::AllowedOrigins, Expr::value(origins))
        .filter(api_keys::Column::Id.eq(id.get()))
        .filter(api_keys::Column::StoreId.eq(work.store().get()))
        .exec(work.txn())
        .await?;
    get(work, id).await
}

/// Lets a key work only until `at` (the grace period of a rotation); an earlier expiry stays.
pub async fn expire(
    work: &UnitOfWork<'_>,
    id: ApiKeyId,
    at: DateTime<Utc>,
) -> StorageResult<ApiKey> {
    let sooner = sea_orm::Condition::any()
        .add(api_keys::Column::ExpiresAt.is_null())
        .add(api_keys::Column::ExpiresAt.gt(at));
    api_keys::Entity::update_many()
        .col_expr(api_keys::Column::ExpiresAt, Expr::value(at))
        .filter(api_keys::Column::Id.eq(id.get()))
        .filter(api_keys::Column::StoreId.eq(work.store().get()))
        .filter(sooner)
        .exec(work.txn())
        .await?;
    get(work, id).await
}

/// Whether the key made at install is still waiting to be shown to the merchant.
pub async fn has_pending_reveal(db: &Database, store: StoreId) -> StorageResult<bool> {
    Ok(api_keys::Entity::find()
        .filter(api_keys::Column::StoreId.eq(store.get()))
        .filter(api_keys::Column::RevealCiphertext.is_not_null())
        .one(db.connection())
        .await?
        .is_some())
}

/// A full key waiting to be shown once, sealed with its display prefix as owner.
#[derive(Debug, Clone)]
pub struct PendingReveal {
    pub display_prefix: String,
    pub sealed_key: String,
}

/// Takes the key waiting to be shown to the merchant, if any; it is gone after.
pub async fn take_reveal(db: &Database, store: StoreId) -> StorageResult<Option<PendingReveal>> {
    let txn = db.connection().begin().await?;
    let pending = api_keys::Entity::find()
        .filter(api_keys::Column::StoreId.eq(store.get()))
        .filter(api_keys::Column::RevealCiphertext.is_not_null())
        .order_by_desc(api_keys::Column::Id)
        .one(&txn)
        .await?;
    let Some(row) = pending else { return Ok(None) };
    let cleared = api_keys::Entity::update_many()
        .col_expr(
            api_keys::Column::RevealCiphertext,
            Expr::value(Option::<String>::None),
        )
        .filter(api_keys::Column::Id.eq(row.id))
        .filter(api_keys::Column::RevealCiphertext.is_not_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    let display_prefix = row.prefix;
    Ok(row
        .reveal_ciphertext
        .filter(|_| cleared.rows_affected == 1)
        .map(|sealed_key| PendingReveal {
            display_prefix,
            sealed_key,
        }))
}

fn key_from_row(row: api_keys::Model) -> StorageResult<ApiKey> {
    Ok(ApiKey {
        id: ApiKeyId::new(row.id),
        store_id: StoreId::from_row(row.store_id),
        kind: row.kind.parse().map_err(StorageError::corrupt)?,
        display_prefix: row.prefix,
        allowed_origins: serde_json::from_str(&row.allowed_origins)
            .map_err(StorageError::corrupt)?,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        revoked_at: row.revoked_at,
        expires_at: row.expires_at,
    })
}
