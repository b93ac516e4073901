//! Test databases: a fresh SQLite file, or a fresh PostgreSQL database per test.
//!
//! PostgreSQL tests run when `GRIDPRICE_TEST_POSTGRES_URL` names a server (any database on it;
//! each test creates its own). Without it they are skipped with a message — except under
//! `CI=true`, where a missing server fails the run.

use gridprice::db::{Database, DatabaseUrl};
use sqlx::Connection;

pub const POSTGRES_URL_VAR: &str = "GRIDPRICE_TEST_POSTGRES_URL";

/// A migrated database that cleans up after itself when [`TestDb::finish`] is called.
pub struct TestDb {
    pub db: Database,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = DatabaseUrl::sqlite_file(&dir.path().join("test.db"));
        let db = Database::connect(&url).await.expect("open SQLite");
        db.migrate().await.expect("migrate SQLite");
        TestDb {
            db,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// `None` when no PostgreSQL server is configured (and this is not CI).
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = postgres_admin_url()?;
        let name = format!("gridprice_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("reach PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create db");
        admin.close().await.ok();
        let url: DatabaseUrl = with_database(&admin_url, &name).parse().expect("test URL");
        let db = Database::connect(&url).await.expect("open PostgreSQL");
        db.migrate().await.expect("migrate PostgreSQL");
        Some(TestDb {
            db,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    pub async fn finish(self) {
        self.db.connection().clone().close().await.ok();
        if let Cleanup::Postgres { admin_url, name } = self.cleanup {
            if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::query(&drop).execute(&mut admin).await.ok();
            }
        }
    }
}

/// The configured PostgreSQL server, if any. Under CI its absence is a failure.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(url) => Some(url),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but {POSTGRES_URL_VAR} is not set: the PostgreSQL suite must run in CI")
        }
        None => {
            eprintln!("SKIPPED PostgreSQL test: set {POSTGRES_URL_VAR} to run it");
            None
        }
    }
}

/// The same server URL pointing at another database.
pub fn with_database(server_url: &str, database: &str) -> String {
    let mut url = url::Url::parse(server_url).expect("PostgreSQL URL");
    url.set_path(&format!("/{database}"));
    url.to_string()
}

/// Runs the body once on SQLite and once on PostgreSQL, as two tests named `sqlite` and
/// `postgres` inside a module named after the case.
#[macro_export]
macro_rules! storage_test {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn case($db: &gridprice::db::Database) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let test = $crate::support::TestDb::sqlite().await;
                case(&test.db).await;
                test.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test) = $crate::support::TestDb::postgres().await else { return };
                case(&test.db).await;
                test.finish().await;
            }
        }
    };
}

/// The demo matrix of DESIGN §3 (mm, USD).
pub fn demo_matrix() -> pricing::PriceMatrix {
    let csv = include_bytes!("../../../../../shared/fixtures/demo-glass.csv");
    pricing::csv::import_matrix(
        csv,
        pricing::Unit::Millimetre,
        pricing::OutOfRangePolicy::Reject,
        usd(),
    )
    .expect("demo matrix")
}

pub fn usd() -> pricing::Currency {
    pricing::Currency::from_code("USD").expect("USD")
}

pub fn shop(domain: &str) -> shopify::ShopDomain {
    shopify::ShopDomain::parse(domain).expect("a valid shop domain")
}
