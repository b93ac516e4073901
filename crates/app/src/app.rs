//! The one way the app starts — `gridprice serve`, `gridprice dev` and the tests alike:
//! [`App::build`] connects and migrates the database, builds every feature, the router and the
//! background work (the job worker, the reconciliation of pending draft orders, the listener
//! for other instances' changes); [`App::serve`] serves until shutdown and then stops them.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::Router;
use chrono::Utc;
use gridprice_storage::Database;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::catalog::CatalogCache;
use crate::config::{AppConfig, ServerLimits};
use crate::crypto::SecretBox;
use crate::draft_orders::{duplicates, reconcile, DraftOrders};
use crate::http::problem::Problem;
use crate::http::rate_limit::OrderLimiters;
use crate::http::{self, AppState, Services};
use crate::jobs::{JobSignal, Worker};
use crate::metrics::Metrics;
use crate::stores::ShopifyAccess;
use crate::{
    api_keys, audit, auth, billing, draft_orders, home, matrices, options, products, proxy,
    storefront, stores, webhooks,
};

/// No endpoint reads more (every body is read by an axum extractor, which enforces it, answered
/// as problem+json); CSV uploads (1 MiB) are the largest legitimate body, and most routers set
/// a smaller limit of their own.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// How often `pending` draft orders are reconciled with Shopify.
const RECONCILE_INTERVAL: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Database(#[from] gridprice_storage::DatabaseError),
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[from] reqwest::Error),
}

/// A built app: its state, and its background work, already running.
pub struct App {
    state: AppState,
    limits: ServerLimits,
    stop: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl App {
    /// Connects to the database, applies pending migrations, builds the features and starts the
    /// background work.
    pub async fn build(config: AppConfig) -> Result<App, BuildError> {
        let db = Database::connect(&config.database_url).await?;
        db.migrate().await?;
        Self::on_database(db, config)
    }

    /// [`Self::build`] on a database already connected and migrated.
    pub fn on_database(db: Database, config: AppConfig) -> Result<App, BuildError> {
        let metrics = Metrics::new();
        let secrets = SecretBox::new(&config.encryption_key);
        let shopify = ShopifyAccess::new(db.clone(), config.shopify, secrets)?;
        let catalog = CatalogCache::new(&db, metrics.clone());
        let orders = DraftOrders::new(
            db.clone(),
            catalog.clone(),
            shopify.clone(),
            metrics.clone(),
        );
        let state = AppState::new(Services {
            db,
            shopify,
            catalog,
            orders,
            metrics,
            jobs: JobSignal::default(),
            order_limiters: Arc::new(OrderLimiters::new(&config.rate_limits)),
            rate_limits: config.rate_limits,
            metrics_token: config.metrics_token,
            plans: config.plans,
        });
        let limits = config.server;
        let stop = CancellationToken::new();
        let tasks = vec![
            worker(&state).spawn(stop.clone()),
            state.db.spawn_change_listener(stop.clone()),
        ];
        Ok(App {
            state,
            limits,
            stop,
            tasks,
        })
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves on `listener` until `shutdown` completes, lets in-flight requests finish, then
    /// stops the background work.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (metrics, limits) = (self.state.metrics.clone(), self.limits);
        let router = router(self.state.clone());
        let served = http::serve(listener, router, metrics, limits, shutdown).await;
        self.stop().await;
        served
    }

    /// Stops the background work and waits for it.
    pub async fn stop(self) {
        self.stop.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// What each kind of job does, and the periodic reconciliation.
fn worker(state: &AppState) -> Worker {
    let (db, orders) = (state.db.clone(), state.orders.clone());
    let reconciling = orders.clone();
    Worker::new(state.db.clone(), state.jobs.clone())
        .handle(
            webhooks::process::JOB_KIND,
            Arc::new(move |payload| {
                let db = db.clone();
                Box::pin(async move { webhooks::process::process(&db, &payload).await })
            }),
        )
        .handle(
            duplicates::JOB_KIND,
            Arc::new(move |payload| {
                let orders = orders.clone();
                Box::pin(async move { orders.remove_duplicates(&payload).await.map(drop) })
            }),
        )
        .every(
            RECONCILE_INTERVAL,
            Arc::new(move || {
                let orders = reconciling.clone();
                Box::pin(async move {
                    let cutoff = Utc::now() - reconcile::SETTLE_AFTER;
                    orders.reconcile_pending(cutoff).await;
                })
            }),
        )
}

/// Every route, without the stack [`http::serve`] puts around them.
///
/// Every route but the storefront reads has a whole-request deadline ([`http::deadline`]; the
/// storefront's draft orders inside their gate, so its 503 carries CORS) and a body limit. The
/// reads answer from memory and read no body; their one wait, a cold catalogue load, has its own
/// deadline (`catalog::LOAD_TIMEOUT`), which spares the hot path a timer per request.
pub fn router(state: AppState) -> Router {
    let timed = Router::new()
        .merge(http::health::routes())
        .merge(crate::metrics::routes::routes())
        .merge(auth::routes())
        .merge(stores::routes::routes())
        .merge(stores::pages::routes())
        .merge(api_keys::routes::routes())
        .merge(matrices::routes::routes())
        .merge(matrices::pages::routes())
        .merge(options::pages::routes())
        .merge(draft_orders::pages::routes())
        .merge(crate::pages::routes())
        .merge(products::routes::routes())
        .merge(products::pages::routes())
        .merge(options::routes::routes())
        .merge(audit::routes::routes())
        .merge(draft_orders::api::routes())
        .merge(home::routes::routes())
        .merge(billing::routes::routes())
        .merge(billing::pages::routes())
        .merge(webhooks::routes::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(http::deadline());
    Router::new()
        .merge(timed)
        .merge(storefront::orders(&state))
        .merge(storefront::reads(&state))
        .merge(storefront::script::routes())
        .merge(proxy::orders(&state))
        .merge(proxy::reads(&state))
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, "No such endpoint.") })
        .with_state(state)
}
