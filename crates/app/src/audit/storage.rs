//! Rows of `audit_log`, newest first.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::Value;

use super::Entry;
use crate::admin::Page;
use crate::db::entities::audit_log;
use crate::db::{Database, StorageError, StorageResult};
use crate::stores::StoreId;

/// A change as merchants read it in the log.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedChange {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub at: DateTime<Utc>,
}

pub async fn record(
    connection: &impl ConnectionTrait,
    store: StoreId,
    actor: &str,
    entry: &Entry,
) -> StorageResult<()> {
    let text = |value: &Option<Value>| value.as_ref().map(Value::to_string);
    audit_log::ActiveModel {
        store_id: Set(store.get()),
        actor: Set(actor.to_owned()),
        action: Set(entry.action.as_str().to_owned()),
        entity: Set(entry.action.entity().to_owned()),
        entity_id: Set(entry.entity_id.clone()),
        before: Set(text(&entry.before)),
        after: Set(text(&entry.after)),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(connection)
    .await?;
    Ok(())
}

/// The store's log, newest first.
pub async fn list(db: &Database, store: StoreId, page: Page) -> StorageResult<Vec<LoggedChange>> {
    let mut query = audit_log::Entity::find().filter(audit_log::Column::StoreId.eq(store.get()));
    if let Some(before) = page.before {
        query = query.filter(audit_log::Column::Id.lt(before));
    }
    query
        .order_by_desc(audit_log::Column::Id)
        .limit(page.limit)
        .all(db.connection())
        .await?
        .into_iter()
        .map(change_from_row)
        .collect()
}

fn change_from_row(row: audit_log::Model) -> StorageResult<LoggedChange> {
    let json = |text: Option<String>| {
        text.map(|text| serde_json::from_str(&text).map_err(StorageError::corrupt))
            .transpose()
    };
    Ok(LoggedChange {
        id: row.id,
        before: json(row.before)?,
        after: json(row.after)?,
        actor: row.actor,
        action: row.action,
        entity: row.entity,
        entity_id: row.entity_id,
        at: row.at,
    })
}
