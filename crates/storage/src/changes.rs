//! Telling whoever keeps copies of a store's data (the in-memory catalogue) that it changed.
//!
//! In this process a [`ChangeListener`] hears every committed change at once. Across app
//! instances sharing one PostgreSQL database a change is announced with
//! `NOTIFY gridprice_catalog, '<store id>'` sent *inside* the change's transaction — PostgreSQL
//! delivers it when, and only when, the transaction commits — and each instance's
//! [`Database::spawn_change_listener`] `LISTEN`s and tells its listeners. SQLite serves one
//! instance, so there nothing crosses processes.

use std::sync::{PoisonError, RwLock, Weak};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::{Database, StoreId};

/// The channel; the payload is the store id in decimal.
pub const CHANNEL: &str = "gridprice_catalog";
const FIRST_RETRY: Duration = Duration::from_millis(100);
const LAST_RETRY: Duration = Duration::from_secs(5);

/// Someone keeping copies of stores' data.
pub trait ChangeListener: Send + Sync {
    /// A change to `store` committed (here or, on PostgreSQL, in another instance).
    fn store_changed(&self, store: StoreId);

    /// Changes of other instances may have gone unheard: the PostgreSQL listener connected
    /// (`listening`: from now on every change is heard) or lost its connection (not listening).
    fn changes_missed(&self, listening: bool);
}

/// The listeners of one [`Database`]. Held weakly: a listener that is gone is skipped.
#[derive(Default)]
pub(crate) struct ChangeHub {
    listeners: RwLock<Vec<Weak<dyn ChangeListener>>>,
}

impl ChangeHub {
    pub(crate) fn subscribe(&self, listener: Weak<dyn ChangeListener>) {
        let mut listeners = self
            .listeners
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        listeners.retain(|l| l.strong_count() > 0);
        listeners.push(listener);
    }

    pub(crate) fn store_changed(&self, store: StoreId) {
        self.each(|listener| listener.store_changed(store));
    }

    fn changes_missed(&self, listening: bool) {
        self.each(|listener| listener.changes_missed(listening));
    }

    fn each(&self, tell: impl Fn(&dyn ChangeListener)) {
        let listeners = self
            .listeners
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        for listener in listeners.iter().filter_map(Weak::upgrade) {
            tell(listener.as_ref());
        }
    }
}

impl std::fmt::Debug for ChangeHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangeHub")
    }
}

pub(crate) fn postgres_pool(connection: &DatabaseConnection) -> Option<PgPool> {
    match connection {
        connection @ DatabaseConnection::SqlxPostgresPoolConnection(_) => {
            Some(connection.get_postgres_connection_pool().clone())
        }
        _ => None,
    }
}

/// Announces to the other instances that `store` changed: on a transaction with its commit, on
/// a plain connection at once. Nothing on SQLite.
pub(crate) async fn publish(
    connection: &impl ConnectionTrait,
    store: StoreId,
) -> Result<(), sea_orm::DbErr> {
    if connection.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let notify = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), store.get().to_string().into()],
    );
    connection.execute(notify).await.map(drop)
}

impl Database {
    /// `listener` hears every change committed through this database handle (and, once
    /// [`Self::spawn_change_listener`] runs, every other instance's).
    pub fn subscribe(&self, listener: Weak<dyn ChangeListener>) {
        self.changes.subscribe(listener);
    }

    /// Whether other instances may write to this database (PostgreSQL): a copy of its data is
    /// then only safe while changes are heard.
    pub fn is_shared(&self) -> bool {
        postgres_pool(self.connection()).is_some()
    }

    /// Listens for other instances' changes until `stop`, reconnecting with backoff, and tells
    /// this database's listeners. On SQLite the task ends at once.
    pub fn spawn_change_listener(&self, stop: CancellationToken) -> JoinHandle<()> {
        let pool = postgres_pool(self.connection());
        let hub = self.changes.clone();
        tokio::spawn(async move {
            if let Some(pool) = pool {
                listen(&hub, &pool, &stop).await;
            }
        })
    }
}

async fn listen(hub: &ChangeHub, pool: &PgPool, stop: &CancellationToken) {
    let mut retry = FIRST_RETRY;
    while !stop.is_cancelled() {
        let subscribed = tokio::select! {
            () = stop.cancelled() => return,
            subscribed = subscribe(pool) => subscribed,
        };
        match subscribed {
            Ok(mut listener) => {
                // Changes made while nobody listened were not heard.
                hub.changes_missed(true);
                retry = FIRST_RETRY;
                let ended = receive(hub, &mut listener, stop).await;
                hub.changes_missed(false);
                match ended {
                    Ended::Stopped => return,
                    Ended::Lost(reason) => {
                        tracing::warn!(%reason, "change listener lost; reconnecting");
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "change listener cannot subscribe; retrying"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(retry) => {}
        }
        retry = (retry * 2).min(LAST_RETRY);
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Why receiving ended.
enum Ended {
    Stopped,
    Lost(String),
}

/// Passes notifications on until `stop` or until the connection is lost.
async fn receive(hub: &ChangeHub, listener: &mut PgListener, stop: &CancellationToken) -> Ended {
    loop {
        let received = tokio::select! {
            () = stop.cancelled() => return Ended::Stopped,
            received = listener.try_recv() => received,
        };
        let notification = match received {
            Ok(Some(notification)) => notification,
            Ok(None) => return Ended::Lost("the connection closed".to_owned()),
            Err(error) => return Ended::Lost(error.to_string()),
        };
        match notification.payload().parse::<i64>() {
            Ok(id) => hub.store_changed(StoreId::from_row(id)),
            Err(_) => {
                tracing::warn!(
                    payload = notification.payload(),
                    "unexpected change notification"
                );
                hub.changes_missed(true);
            }
        }
    }
}
