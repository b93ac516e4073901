//! The database: one SeaORM connection over SQLite or PostgreSQL, migrations, readiness.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::SqlxSqliteConnector;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, SqlxPostgresConnector};
use sea_orm_migration::MigratorTrait;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;

use crate::changes::ChangeHub;
use crate::migrations::Migrator;
use crate::url::DatabaseUrl;

/// Serialises migrations across app instances sharing one PostgreSQL database.
const MIGRATION_LOCK_KEY: i64 = 0x6772_6964_7072_6963; // "gridpric"

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("DATABASE_URL: cannot open the SQLite database {path}: {source}")]
    SqliteUnavailable { path: String, source: sqlx::Error },
    #[error("DATABASE_URL: cannot connect to PostgreSQL at {endpoint}: {source}")]
    PostgresUnavailable {
        endpoint: String,
        source: sqlx::Error,
    },
    #[error("DATABASE_URL: cannot create the directory {path}: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
    #[error("database migration failed: {0}")]
    Migration(DbErr),
    #[error("database error: {0}")]
    Query(#[from] DbErr),
}

/// One line of `gridprice migrate --status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    pub name: String,
    pub applied: bool,
}

/// The connection pool every repository takes, and who hears of its changes. Cheap to clone;
/// clones share both.
#[derive(Debug, Clone)]
pub struct Database {
    connection: DatabaseConnection,
    pub(crate) changes: Arc<ChangeHub>,
}

impl Database {
    /// Opens the database named by `url` (creating a SQLite file and its directory if missing).
    /// Nothing is migrated here; see [`Database::migrate`].
    pub async fn connect(url: &DatabaseUrl) -> Result<Self, DatabaseError> {
        let connection = match url {
            DatabaseUrl::Sqlite(options) => connect_sqlite(options).await?,
            DatabaseUrl::Postgres(options) => connect_postgres(options).await?,
        };
        Ok(Self {
            connection,
            changes: Arc::default(),
        })
    }

    pub(crate) fn connection(&self) -> &DatabaseConnection {
        &self.connection
    }

    /// Closes the pool's connections (tests drop their databases afterwards).
    pub async fn close(&self) {
        let _ = self.connection.clone().close().await;
    }

    /// Applies every pending migration; safe to run from several instances at once.
    pub async fn migrate(&self) -> Result<(), DatabaseError> {
        let lock = MigrationLock::acquire(&self.connection).await?;
        let migrated = Migrator::up(&self.connection, None).await;
        if let Some(lock) = lock {
            lock.release().await?;
        }
        migrated.map_err(DatabaseError::Migration)
    }

    pub async fn migration_status(&self) -> Result<Vec<MigrationState>, DatabaseError> {
        let migrations = Migrator::get_migration_with_status(&self.connection)
            .await
            .map_err(DatabaseError::Migration)?;
        Ok(migrations
            .iter()
            .map(|migration| MigrationState {
                name: migration.name().to_owned(),
                applied: matches!(
                    migration.status(),
                    sea_orm_migration::MigrationStatus::Applied
                ),
            })
            .collect())
    }

    /// Ready = reachable and every migration applied.
    pub async fn is_ready(&self) -> Result<bool, DatabaseError> {
        self.connection.execute_unprepared("SELECT 1").await?;
        let pending = Migrator::get_pending_migrations(&self.connection)
            .await
            .map_err(DatabaseError::Migration)?;
        Ok(pending.is_empty())
    }
}

/// A PostgreSQL session-level advisory lock held on one pooled connection. SQLite needs none:
/// it serialises writers itself and serves a single instance.
struct MigrationLock {
    connection: sqlx::pool::PoolConnection<sqlx::Postgres>,
}

impl MigrationLock {
    async fn acquire(connection: &DatabaseConnection) -> Result<Option<Self>, DatabaseError> {
        let DatabaseConnection::SqlxPostgresPoolConnection(_) = connection else {
            return Ok(None);
        };
        let mut held = connection
            .get_postgres_connection_pool()
            .acquire()
            .await
            .map_err(conn_err)?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK_KEY)
            .execute(&mut *held)
            .await
            .map_err(exec_err)?;
        Ok(Some(Self { connection: held }))
    }

    async fn release(mut self) -> Result<(), DatabaseError> {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK_KEY)
            .execute(&mut *self.connection)
            .await
            .map_err(exec_err)?;
        Ok(())
    }
}

fn conn_err(error: sqlx::Error) -> DatabaseError {
    DatabaseError::Query(DbErr::Conn(sea_orm::RuntimeErr::SqlxError(error)))
}

fn exec_err(error: sqlx::Error) -> DatabaseError {
    DatabaseError::Query(DbErr::Exec(sea_orm::RuntimeErr::SqlxError(error)))
}

async fn connect_sqlite(
    options: &sqlx::sqlite::SqliteConnectOptions,
) -> Result<DatabaseConnection, DatabaseError> {
    let path = options.get_filename().to_path_buf();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| DatabaseError::Directory {
            path: parent.display().to_string(),
            source,
        })?;
    }
    let options = options
        .clone()
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10));
    // One connection: SQLite has one writer anyway, and a single connection rules out
    // SQLITE_BUSY upgrades between concurrent transactions. Hot reads are served from memory.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
        .map_err(|source| DatabaseError::SqliteUnavailable {
            path: path.display().to_string(),
            source,
        })?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

async fn connect_postgres(
    options: &sqlx::postgres::PgConnectOptions,
) -> Result<DatabaseConnection, DatabaseError> {
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options.clone())
        .await
        .map_err(|source| DatabaseError::PostgresUnavailable {
            endpoint: format!("{}:{}", options.get_host(), options.get_port()),
            source,
        })?;
    Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
}
