//! `state` nonces of installs in progress: saved at `/auth`, consumed once at the callback.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use shopify::ShopDomain;

use crate::entities::oauth_states;
use crate::{Database, StorageResult};

/// How long a merchant has to approve the install.
const STATE_LIFETIME_MINUTES: i64 = 10;

pub async fn save_state(db: &Database, nonce: &str, shop: &ShopDomain) -> StorageResult<()> {
    let now = Utc::now();
    oauth_states::Entity::delete_many()
        .filter(oauth_states::Column::CreatedAt.lt(now - Duration::minutes(STATE_LIFETIME_MINUTES)))
        .exec(db.connection())
        .await?;
    oauth_states::ActiveModel {
        nonce: Set(nonce.to_owned()),
        shop: Set(shop.as_str().to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db.connection())
    .await?;
    Ok(())
}

/// True once for a fresh nonce issued for this shop; it cannot be used again.
pub async fn consume_state(db: &Database, nonce: &str, shop: &ShopDomain) -> StorageResult<bool> {
    let fresh_since = Utc::now() - Duration::minutes(STATE_LIFETIME_MINUTES);
    let deleted = oauth_states::Entity::delete_many()
        .filter(oauth_states::Column::Nonce.eq(nonce))
        .filter(oauth_states::Column::Shop.eq(shop.as_str()))
        .filter(oauth_states::Column::CreatedAt.gte(fresh_since))
        .exec(db.connection())
        .await?;
    Ok(deleted.rows_affected == 1)
}
