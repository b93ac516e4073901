//! The whole stack for tests: simulator, app on a real port, demo shop installed through OAuth
//! and seeded, on SQLite or a fresh PostgreSQL database; and helpers over it.

use gridprice::app::App;
use gridprice::billing::{Limits, Plans};
use gridprice::http::AppState;
use gridprice_storage::testing::PgDatabase;
use gridprice_storage::{Database, DatabaseUrl};

pub use gridprice_storage::testing::demo_matrix;

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

/// The plans of every test but billing's: Free limits nothing, so a test's own matrices and
/// option groups are never a plan's business. Billing's tests run with the operator defaults.
pub fn unlimited_plans() -> Plans {
    Plans {
        free: Limits::UNLIMITED,
        ..Plans::default()
    }
}

impl TestStack {
    pub async fn sqlite() -> TestStack {
        Self::sqlite_with(unlimited_plans()).await
    }

    pub async fn postgres() -> Option<TestStack> {
        Self::postgres_with(unlimited_plans()).await
    }

    pub async fn sqlite_with(plans: Plans) -> TestStack {
        Self::start(None, plans).await
    }

    pub async fn postgres_with(plans: Plans) -> Option<TestStack> {
        Some(Self::start(Some(PgDatabase::create().await?), plans).await)
    }

    async fn start(database: Option<PgDatabase>, plans: Plans) -> TestStack {
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
            // The suite places many orders from 127.0.0.1; the order limits have their own test.
            rate_limits: gridprice::config::RateLimits {
                orders_per_ip: "1000,1000".parse().expect("a rate"),
                orders_per_key: "1000,1000".parse().expect("a rate"),
                ..Default::default()
            },
            server: Default::default(),
            plans,
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

    /// A second app instance on this stack's PostgreSQL database (its own connection, catalogue,
    /// metrics and background work), not yet serving; panics on SQLite. Stop it when done.
    pub async fn second_instance(&self) -> App {
        let url = self.postgres_url().expect("a PostgreSQL stack");
        let db = Database::connect(url)
            .await
            .expect("connect the second instance");
        App::on_database(db, self.stack.config.clone()).expect("build the second instance")
    }

    /// The PostgreSQL database of this stack; `None` on SQLite.
    pub fn postgres_url(&self) -> Option<&DatabaseUrl> {
        self.database.as_ref().map(|d| &d.url)
    }

    pub fn state(&self) -> &AppState {
        &self.stack.state
    }

    pub fn db(&self) -> &Database {
        &self.stack.state.db
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

    /// The simulator delivers `topic` (with `payload`, or Shopify's example when it is null),
    /// twice with the same ids when `duplicate`; every delivery must be acknowledged. Answers
    /// the simulator's report; the webhook's job may still be running.
    pub async fn deliver_webhook(
        &self,
        shop: &str,
        topic: &str,
        payload: serde_json::Value,
        duplicate: bool,
    ) -> serde_json::Value {
        let mut body = serde_json::json!({ "shop": shop, "topic": topic, "duplicate": duplicate });
        if !payload.is_null() {
            body["payload"] = payload;
        }
        let report: serde_json::Value = self
            .http
            .post(self.sim("/_sim/webhooks"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for delivery in report["deliveries"].as_array().unwrap() {
            assert_eq!(
                delivery["status"], 200,
                "every delivery is acknowledged: {report}"
            );
        }
        report
    }

    /// Waits until every webhook delivered so far has been processed.
    pub async fn webhooks_processed(&self) {
        eventually("webhook jobs finished", || async {
            gridprice_storage::jobs::count_unfinished(
                self.db(),
                gridprice::webhooks::process::JOB_KIND,
            )
            .await
            .expect("count jobs")
                == 0
        })
        .await;
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

/// Polls `condition` until it holds (a few seconds at most): for what happens in the
/// background, such as a webhook's job.
pub async fn eventually<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if condition().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

/// Runs the body once against a SQLite stack and once against a PostgreSQL stack, as tests
/// named `sqlite` and `postgres` inside a module named after the case; `plans = …` runs them
/// with those plans instead of [`unlimited_plans`].
#[macro_export]
macro_rules! stack_test {
    ($name:ident, plans = $plans:expr, |$stack:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn case($stack: &$crate::support::TestStack) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let stack = $crate::support::TestStack::sqlite_with($plans).await;
                case(&stack).await;
                stack.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(stack) = $crate::support::TestStack::postgres_with($plans).await else { return };
                case(&stack).await;
                stack.finish().await;
            }
        }
    };
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
