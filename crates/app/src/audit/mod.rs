//! The audit log: every merchant change to a store, who made it and what it changed, written in
//! the same transaction as the change so the log never claims a change that did not happen.

pub mod routes;
pub mod storage;

use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::Serialize;
use serde_json::Value;

use crate::auth::AdminSession;
use crate::catalog::CatalogCache;
use crate::db::{Database, StorageError, StorageResult};
use crate::stores::StoreId;

/// What a merchant did; the name is what the log shows (`matrix.create`).
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
    OptionGroupCreate,
    OptionGroupReplace,
    OptionGroupDelete,
    SettingsUpdate,
    StorefrontKeyCreate,
    StorefrontKeyRevoke,
    StorefrontKeyRotate,
    DraftOrderTest,
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
            Self::OptionGroupCreate => "option_group.create",
            Self::OptionGroupReplace => "option_group.replace",
            Self::OptionGroupDelete => "option_group.delete",
            Self::SettingsUpdate => "settings.update",
            Self::StorefrontKeyCreate => "storefront_key.create",
            Self::StorefrontKeyRevoke => "storefront_key.revoke",
            Self::StorefrontKeyRotate => "storefront_key.rotate",
            Self::DraftOrderTest => "draft_order.test",
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
            | Self::ProductSetOptionGroups => "product",
            Self::OptionGroupCreate | Self::OptionGroupReplace | Self::OptionGroupDelete => {
                "option_group"
            }
            Self::SettingsUpdate => "settings",
            Self::StorefrontKeyCreate | Self::StorefrontKeyRevoke | Self::StorefrontKeyRotate => {
                "storefront_key"
            }
            Self::DraftOrderTest => "draft_order",
        }
    }
}

/// One change: which thing, and its state before and after where that is cheap to show.
#[derive(Debug, Clone)]
pub struct Entry {
    pub action: Action,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Entry {
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

/// A merchant's write in progress: a transaction that commits together with its log entry.
pub struct AuditedWrite {
    txn: DatabaseTransaction,
    store: StoreId,
    actor: String,
}

impl AuditedWrite {
    pub async fn begin(db: &Database, session: &AdminSession) -> StorageResult<Self> {
        Ok(Self {
            txn: db.connection().begin().await?,
            store: session.store.id,
            actor: session.user.clone(),
        })
    }

    /// Where the change's own statements run.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Logs the change and commits both; dropping the write instead rolls everything back.
    pub async fn commit(self, entry: Entry) -> StorageResult<()> {
        storage::record(&self.txn, self.store, &self.actor, &entry).await?;
        self.txn.commit().await.map_err(StorageError::from)
    }

    /// As [`Self::commit`], for a change the storefront prices from: every instance's
    /// catalogue forgets the store ([`CatalogCache::commit_change`]).
    pub async fn commit_and_invalidate(
        self,
        entry: Entry,
        catalog: &CatalogCache,
    ) -> StorageResult<()> {
        storage::record(&self.txn, self.store, &self.actor, &entry).await?;
        catalog.commit_change(self.txn, self.store).await
    }
}
