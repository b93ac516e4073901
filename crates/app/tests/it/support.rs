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
    Postgres(Box<PgDatabase>),
}

/// A fresh, empty PostgreSQL database on the configured server, dropped by [`PgDatabase::remove`].
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: DatabaseUrl,
}

impl PgDatabase {
    /// `None` when no PostgreSQL server is configured (and this is not CI).
    pub async fn create() -> Option<PgDatabase> {
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
        let url = with_database(&admin_url, &name).parse().expect("test URL");
        Some(PgDatabase {
            admin_url,
            name,
            url,
        })
    }

    pub async fn remove(self) {
        if let Ok(mut admin) = sqlx::PgConnection::connect(&self.admin_url).await {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            sqlx::query(&drop).execute(&mut admin).await.ok();
        }
    }
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
        let database = PgDatabase::create().await?;
        let db = Database::connect(&database.url)
            .await
            .expect("open PostgreSQL");
        db.migrate().await.expect("migrate PostgreSQL");
        Some(TestDb {
            db,
            cleanup: Cleanup::Postgres(Box::new(database)),
        })
    }

    pub async fn finish(self) {
        self.db.connection().clone().close().await.ok();
        if let Cleanup::Postgres(database) = self.cleanup {
            database.remove().await;
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

/// A whole running Gridprice — simulator, app on a real port, demo shop installed through
/// OAuth and seeded — on SQLite or on a fresh PostgreSQL database.
pub struct TestStack {
    pub stack: gridprice::dev::DevStack,
    pub http: reqwest::Client,
    _data: tempfile::TempDir,
    database: Option<PgDatabase>,
}

impl TestStack {
    pub async fn sqlite() -> TestStack {
        Self::start(None).await
    }

    pub async fn postgres() -> Option<TestStack> {
        Some(Self::start(Some(PgDatabase::create().await?)).await)
    }

    async fn start(database: Option<PgDatabase>) -> TestStack {
        let data = tempfile::tempdir().expect("temp dir");
        let options = gridprice::dev::DevOptions {
            port: 0,
            shopify_port: 0,
            data_dir: data.path().to_path_buf(),
            database_url: database.as_ref().map(|d| d.url.clone()),
            // Short enough that timeout faults do not slow the suite; long enough for 2 cores.
            shopify_client: shopify::admin::ClientOptions {
                request_timeout: std::time::Duration::from_secs(2),
                retry_budget: std::time::Duration::from_secs(6),
                ..Default::default()
            },
            rate_limits: Default::default(),
        };
        let stack = gridprice::dev::DevStack::start(options)
            .await
            .expect("start the dev stack");
        TestStack {
            stack,
            http: reqwest::Client::new(),
            _data: data,
            database,
        }
    }

    /// `path` on the app.
    pub fn app(&self, path: &str) -> String {
        format!("{}{path}", self.stack.ready.app_url)
    }

    /// `path` on the simulator.
    pub fn sim(&self, path: &str) -> String {
        format!("{}{path}", self.stack.ready.shopify_url)
    }

    /// A second app instance on this stack's PostgreSQL database (its own connection, catalogue
    /// and metrics), not yet serving; panics on SQLite.
    pub async fn second_instance(&self) -> gridprice::state::AppState {
        let url = self.postgres_url().expect("a PostgreSQL stack");
        let db = Database::connect(url)
            .await
            .expect("connect the second instance");
        self.stack.state.clone().on_database(db)
    }

    /// The PostgreSQL database of this stack; `None` on SQLite.
    pub fn postgres_url(&self) -> Option<&DatabaseUrl> {
        self.database.as_ref().map(|d| &d.url)
    }

    pub fn db(&self) -> &Database {
        &self.stack.state.db
    }

    /// Tells the app's catalogue (and, on PostgreSQL, every instance) that `store` changed
    /// behind its back: what a test does after writing through the storage layer directly.
    pub async fn invalidate_catalog(&self, store: gridprice::stores::StoreId) {
        self.stack
            .state
            .catalog
            .invalidate_store(self.db(), store)
            .await
            .expect("invalidate the catalogue");
    }

    pub fn storefront_key(&self) -> &str {
        &self.stack.ready.storefront_api_key
    }

    /// Adds a shop to the simulator (not installed), with its demo catalogue.
    pub async fn add_shop(&self, domain: &str, currency: &str) {
        let body = serde_json::json!({ "domain": domain, "currency": currency });
        let response = self
            .http
            .post(self.sim("/_sim/shops"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_eq!(status, 201, "{}", response.text().await.unwrap());
    }

    /// Adds a shop to the simulator and installs the app on it through OAuth.
    pub async fn install_new_shop(&self, domain: &str) {
        self.add_shop(domain, "USD").await;
        self.stack
            .install(&shop(domain))
            .await
            .expect("install the shop");
    }

    /// The merchant uninstalls the app: Shopify revokes its tokens and sends `app/uninstalled`.
    pub async fn uninstall(&self, domain: &str) {
        let url = self.sim(&format!("/_sim/shops/{domain}/uninstall"));
        let response = self.http.post(url).send().await.unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }

    /// A fresh session token for the demo shop's staff user.
    pub async fn admin_token(&self) -> String {
        self.stack
            .session_token(&self.stack.ready.shop)
            .await
            .expect("session token")
    }

    /// `GET path` on the simulator, as JSON.
    pub async fn sim_get(&self, path: &str) -> serde_json::Value {
        let response = self.http.get(self.sim(path)).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    /// `POST path` on the simulator, as JSON.
    pub async fn sim_post(&self, path: &str) -> serde_json::Value {
        let response = self.http.post(self.sim(path)).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "POST {path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    /// The app's `/metrics`, as Prometheus scrapes it.
    pub async fn metrics(&self) -> Scrape {
        let response = self.http.get(self.app("/metrics")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        Scrape(response.text().await.unwrap())
    }

    pub async fn finish(self) {
        self.stack.shutdown().await;
        if let Some(database) = self.database {
            database.remove().await;
        }
    }
}

/// Runs the body once against a SQLite stack and once against a PostgreSQL stack, as tests
/// named `sqlite` and `postgres` inside a module named after the case.
#[macro_export]
macro_rules! stack_test {
    ($name:ident, |$stack:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn case($stack: &$crate::support::TestStack) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let stack = $crate::support::TestStack::sqlite().await;
                case(&stack).await;
                stack.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(stack) = $crate::support::TestStack::postgres().await else { return };
                case(&stack).await;
                stack.finish().await;
            }
        }
    };
}

/// One scrape of `/metrics` (OpenMetrics text).
#[derive(Debug)]
pub struct Scrape(pub String);

impl Scrape {
    /// The value of `series` (a name with its labels, as written), 0 when it has no sample yet
    /// (a labelled series appears with its first count).
    pub fn value(&self, series: &str) -> f64 {
        self.sample(series).unwrap_or(0.0)
    }

    pub fn sample(&self, series: &str) -> Option<f64> {
        self.0
            .lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .map(|value| value.parse().expect("a sample value"))
    }
}
