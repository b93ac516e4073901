//! Store rows.

use chrono::Utc;
use pricing::Currency;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{Store, StoreId};
use crate::db::entities::stores;
use crate::db::{Database, StorageError, StorageResult};

pub async fn create(db: &Database, shop: &str, currency: Currency) -> StorageResult<Store> {
    let now = Utc::now();
    let row = stores::ActiveModel {
        shop: Set(shop.to_owned()),
        currency: Set(currency.code().to_owned()),
        unit_preference: Set(pricing::Unit::Millimetre.as_str().to_owned()),
        out_of_range_default: Set(pricing::OutOfRangePolicy::default().to_string()),
        line_item_mode: Set(super::LineItemMode::default().as_str().to_owned()),
        total_draft_orders_created: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db.connection())
    .await
    .map_err(|e| StorageError::conflict_on_duplicate(e, || format!("{shop} already exists")))?;
    store_from_row(row)
}

pub async fn get(db: &Database, id: StoreId) -> StorageResult<Store> {
    stores::Entity::find_by_id(id.get())
        .one(db.connection())
        .await?
        .ok_or(StorageError::NotFound("store"))
        .and_then(store_from_row)
}

pub async fn find_by_shop(db: &Database, shop: &str) -> StorageResult<Option<Store>> {
    stores::Entity::find()
        .filter(stores::Column::Shop.eq(shop))
        .one(db.connection())
        .await?
        .map(store_from_row)
        .transpose()
}

/// Deletes the store and, through the schema's cascades, everything it owns.
pub async fn delete(db: &Database, id: StoreId) -> StorageResult<bool> {
    let result = stores::Entity::delete_by_id(id.get())
        .exec(db.connection())
        .await?;
    Ok(result.rows_affected == 1)
}

pub(crate) fn store_from_row(row: stores::Model) -> StorageResult<Store> {
    Ok(Store {
        id: StoreId::from_row(row.id),
        currency: row.currency.parse().map_err(StorageError::corrupt)?,
        unit_preference: row.unit_preference.parse().map_err(StorageError::corrupt)?,
        out_of_range_default: row
            .out_of_range_default
            .parse()
            .map_err(StorageError::corrupt)?,
        line_item_mode: row.line_item_mode.parse().map_err(StorageError::corrupt)?,
        total_draft_orders_created: row.total_draft_orders_created,
        installed_at: row.installed_at,
        uninstalled_at: row.uninstalled_at,
        reauth_required_at: row.reauth_required_at,
        shop: row.shop,
    })
}
