//! The one way a change to a store is written: a [`UnitOfWork`] — one transaction holding the
//! change's statements, its audit entry, and the announcement that the store changed (to this
//! process's listeners at once, to other instances by a `NOTIFY` delivered with the commit).
//! Dropping a unit of work rolls everything back, announcing nothing.

use std::fmt;

use sea_orm::{DatabaseTransaction, TransactionTrait};

use crate::audit::{self, AuditEntry};
use crate::changes;
use crate::stores::Store;
use crate::{Database, StorageResult, StoreId};

/// Who makes a change, as the audit log names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A store's staff member: the session token's `sub`.
    Staff(String),
    /// Shopify, through a webhook.
    Shopify,
    /// Gridprice itself (the development seed).
    Gridprice,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Staff(user) => f.write_str(user),
            Self::Shopify => f.write_str("shopify"),
            Self::Gridprice => f.write_str("gridprice"),
        }
    }
}

/// Who changes which store: what every write starts from.
#[derive(Debug, Clone)]
pub struct Editor {
    pub store: Store,
    pub actor: Actor,
}

/// A change to one store in progress.
pub struct UnitOfWork<'a> {
    txn: DatabaseTransaction,
    db: &'a Database,
    editor: &'a Editor,
}

impl<'a> UnitOfWork<'a> {
    pub async fn begin(db: &'a Database, editor: &'a Editor) -> StorageResult<Self> {
        Ok(Self {
            txn: db.connection().begin().await?,
            db,
            editor,
        })
    }

    /// The store every statement of the change is scoped to.
    pub fn store(&self) -> StoreId {
        self.editor.store.id
    }

    pub(crate) fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Logs the change and commits it; then every copy of the store's data is dropped.
    pub async fn commit(self, entry: AuditEntry) -> StorageResult<()> {
        let store = self.store();
        audit::record(&self.txn, store, &self.editor.actor, &entry).await?;
        self.announce_and_commit().await
    }

    /// Deletes the store and, through the schema's cascades, everything it owns — its audit log
    /// included, which is what erasure (GDPR `shop/redact`) asks for, so no entry is written.
    pub async fn erase_store(self) -> StorageResult<bool> {
        let erased = crate::stores::delete(&self.txn, self.store()).await?;
        self.announce_and_commit().await?;
        Ok(erased)
    }

    async fn announce_and_commit(self) -> StorageResult<()> {
        let store = self.store();
        changes::publish(&self.txn, store).await?;
        self.txn.commit().await?;
        self.db.changes.store_changed(store);
        Ok(())
    }
}
