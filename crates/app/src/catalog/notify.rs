//! Invalidation across app instances sharing one PostgreSQL database: `NOTIFY` on every write,
//! a `LISTEN`ing task per instance. SQLite serves one instance, so there it does nothing.
//!
//! A write's `NOTIFY` is sent inside the write's own transaction where there is one: PostgreSQL
//! delivers it to the listeners when, and only when, the transaction commits — a committed
//! change cannot lose its notification, and a rolled-back one sends none.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::CatalogCache;
use crate::db::Database;
use crate::stores::StoreId;

/// The channel; the payload is the store id in decimal.
pub const CHANNEL: &str = "gridprice_catalog";
const FIRST_RETRY: Duration = Duration::from_millis(100);
const LAST_RETRY: Duration = Duration::from_secs(5);

pub(super) fn postgres_pool(db: &Database) -> Option<PgPool> {
    match db.connection() {
        connection @ DatabaseConnection::SqlxPostgresPoolConnection(_) => {
            Some(connection.get_postgres_connection_pool().clone())
        }
        _ => None,
    }
}

/// Tells every instance that `store`'s catalogue changed. On a transaction the notification
/// goes out with its commit; on a plain connection at once. Nothing on SQLite.
pub(super) async fn publish(
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

/// Listens for other instances' writes until `stop`, reconnecting with backoff. On SQLite the
/// task ends at once.
pub fn spawn_listener(
    catalog: CatalogCache,
    db: &Database,
    stop: CancellationToken,
) -> JoinHandle<()> {
    let pool = postgres_pool(db);
    tokio::spawn(async move {
        if let Some(pool) = pool {
            listen(&catalog, &pool, &stop).await;
        }
    })
}

async fn listen(catalog: &CatalogCache, pool: &PgPool, stop: &CancellationToken) {
    let mut retry = FIRST_RETRY;
    while !stop.is_cancelled() {
        let subscribed = tokio::select! {
            () = stop.cancelled() => return,
            subscribed = subscribe(pool) => subscribed,
        };
        match subscribed {
            Ok(mut listener) => {
                // Writes made while nobody listened were not heard: start from nothing.
                catalog.forget_everything();
                catalog.set_coherent(true);
                retry = FIRST_RETRY;
                let ended = receive(catalog, &mut listener, stop).await;
                catalog.set_coherent(false);
                catalog.forget_everything();
                match ended {
                    Ended::Stopped => return,
                    Ended::Lost(reason) => {
                        tracing::warn!(%reason, "catalogue listener lost; reconnecting");
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "catalogue listener cannot subscribe; retrying"),
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

/// Applies notifications until `stop` or until the connection is lost.
async fn receive(
    catalog: &CatalogCache,
    listener: &mut PgListener,
    stop: &CancellationToken,
) -> Ended {
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
            Ok(id) => catalog.forget_store(StoreId::from_row(id)),
            Err(_) => {
                tracing::warn!(
                    payload = notification.payload(),
                    "unexpected catalogue notification"
                );
                catalog.forget_everything();
            }
        }
    }
}
