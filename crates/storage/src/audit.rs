//! The audit log: every change to a store, who made it and what it changed. Entries are written
//! only by [`crate::UnitOfWork::commit`], in the change's own transaction, so the log never
//! claims a change that did not happen and no change happens without its entry.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use serde_json::Value;

use crate::entities::audit_log;
use crate::{Actor, Database, Page, StorageError, StorageResult, StoreId};

/// What was done; the name is what the log shows (`matrix.create`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    MatrixCreate,
    MatrixImport,
    MatrixReplace,
    MatrixRename,
    MatrixDuplicate,
    MatrixDelete,
    ProductAssignMatrix,
    ProductUnassignMatrix,
    ProductSetOptionGroups,
    /// Shopify's `products/update` changed the product's title or image.
    ProductUpdate,
    /// Shopify's `products/delete`: its matrix and option groups are gone.
    ProductDelete,
    OptionGroupCreate,
    OptionGroupReplace,
    OptionGroupDelete,
    OptionGroupSetProducts,
    SettingsUpdate,
    StorefrontKeyCreate,
    StorefrontKeyRevoke,
    StorefrontKeyRotate,
    StorefrontKeyUpdateOrigins,
    DraftOrderTest,
    /// Shopify's `app/uninstalled`.
    StoreUninstall,
    /// The shop's currency as Shopify reports it (`shop/update`, or a sync by the merchant).
    StoreCurrencyUpdate,
    /// The merchant marked the calculator as added to their theme.
    StoreCalculatorPlaced,
    /// The merchant asked Shopify for a paid plan (a subscription waiting for approval).
    SubscriptionRequest,
    /// The merchant cancelled the paid plan.
    SubscriptionCancel,
    /// Shopify reported a subscription's new status.
    SubscriptionStatus,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MatrixCreate => "matrix.create",
            Self::MatrixImport => "matrix.import",
            Self::MatrixReplace => "matrix.replace",
            Self::MatrixRename => "matrix.rename",
            Self::MatrixDuplicate => "matrix.duplicate",
            Self::MatrixDelete => "matrix.delete",
            Self::ProductAssignMatrix => "product.assign_matrix",
            Self::ProductUnassignMatrix => "product.unassign_matrix",
            Self::ProductSetOptionGroups => "product.set_option_groups",
            Self::ProductUpdate => "product.update",
            Self::ProductDelete => "product.delete",
            Self::OptionGroupCreate => "option_group.create",
            Self::OptionGroupReplace => "option_group.replace",
            Self::OptionGroupDelete => "option_group.delete",
            Self::OptionGroupSetProducts => "option_group.set_products",
            Self::SettingsUpdate => "settings.update",
            Self::StorefrontKeyCreate => "storefront_key.create",
            Self::StorefrontKeyRevoke => "storefront_key.revoke",
            Self::StorefrontKeyRotate => "storefront_key.rotate",
            Self::StorefrontKeyUpdateOrigins => "storefront_key.update_origins",
            Self::DraftOrderTest => "draft_order.test",
            Self::StoreUninstall => "store.uninstall",
            Self::StoreCurrencyUpdate => "store.currency_update",
            Self::StoreCalculatorPlaced => "store.calculator_placed",
            Self::SubscriptionRequest => "subscription.request",
            Self::SubscriptionCancel => "subscription.cancel",
            Self::SubscriptionStatus => "subscription.status",
        }
    }

    /// The kind of thing the action changes.
    pub fn entity(self) -> &'static str {
        match self {
            Self::MatrixCreate
            | Self::MatrixImport
            | Self::MatrixReplace
            | Self::MatrixRename
            | Self::MatrixDuplicate
            | Self::MatrixDelete => "matrix",
            Self::ProductAssignMatrix
            | Self::ProductUnassignMatrix
            | Self::ProductSetOptionGroups
            | Self::ProductUpdate
            | Self::ProductDelete => "product",
            Self::OptionGroupCreate
            | Self::OptionGroupReplace
            | Self::OptionGroupDelete
            | Self::OptionGroupSetProducts => "option_group",
            Self::SettingsUpdate => "settings",
            Self::StorefrontKeyCreate
            | Self::StorefrontKeyRevoke
            | Self::StorefrontKeyRotate
            | Self::StorefrontKeyUpdateOrigins => "storefront_key",
            Self::DraftOrderTest => "draft_order",
            Self::StoreUninstall | Self::StoreCurrencyUpdate | Self::StoreCalculatorPlaced => {
                "store"
            }
            Self::SubscriptionRequest | Self::SubscriptionCancel | Self::SubscriptionStatus => {
                "subscription"
            }
        }
    }
}

/// One change: which thing, and its state before and after where that is cheap to show.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub action: Action,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl AuditEntry {
    pub fn new(action: Action, entity_id: impl ToString) -> Self {
        Self {
            action,
            entity_id: Some(entity_id.to_string()),
            before: None,
            after: None,
        }
    }

    pub fn before(mut self, state: &impl Serialize) -> Self {
        self.before = serde_json::to_value(state).ok();
        self
    }

    pub fn after(mut self, state: &impl Serialize) -> Self {
        self.after = serde_json::to_value(state).ok();
        self
    }
}

/// A change as merchants read it in the log.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

pub(crate) async fn record(
    connection: &impl ConnectionTrait,
    store: StoreId,
    actor: &Actor,
    entry: &AuditEntry,
) -> StorageResult<()> {
    let text = |value: &Option<Value>| value.as_ref().map(Value::to_string);
    audit_log::ActiveModel {
        store_id: Set(store.get()),
        actor: Set(actor.to_string()),
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
