//! Gridprice's storage (DESIGN §4): the one place SQL runs. One SeaORM code path serves SQLite
//! and PostgreSQL; migrations are written once in Rust. A repository module per feature; every
//! query is scoped by store; every change to a store goes through a [`UnitOfWork`], which
//! writes its audit entry and announces the change in the same transaction.
//!
//! Nothing here knows about HTTP, Shopify's API or the in-memory catalogue: the catalogue hears
//! of changes as a [`ChangeListener`].

pub mod api_keys;
pub mod audit;
pub mod billing;
mod changes;
mod database;
pub mod draft_orders;
pub mod entities;
mod error;
mod ids;
pub mod jobs;
pub mod matrices;
mod migrations;
pub mod oauth_states;
pub mod options;
pub mod products;
pub mod stores;
#[cfg(feature = "testing")]
pub mod testing;
mod url;
pub mod webhooks;
mod work;

pub use changes::{ChangeListener, CHANNEL};
pub use database::{Database, DatabaseError, MigrationState};
pub use error::{StorageError, StorageResult};
pub use ids::{ApiKeyId, ChoiceId, DraftOrderRecordId, MatrixId, OptionGroupId, StoreId};
pub use url::{DatabaseUrl, DatabaseUrlError};
pub use work::{Actor, Editor, UnitOfWork};

/// Keyset pagination, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Only entries with a smaller id.
    pub before: Option<i64>,
    pub limit: u64,
}
