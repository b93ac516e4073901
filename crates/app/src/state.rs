//! What every handler, job and command can reach. Built once from configuration; one atomic
//! increment to clone, which every request does.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use shopify::admin::AdminClient;

use crate::catalog::CatalogCache;
use crate::config::ShopifyConfig;
use crate::crypto::{EncryptionKey, SecretBox};
use crate::db::Database;
use crate::jobs::JobSignal;
use crate::metrics::routes::MetricsToken;
use crate::metrics::Metrics;
use crate::storefront::RateLimits;
use crate::stores::service::TokenRenewals;

#[derive(Clone)]
pub struct AppState(Arc<Services>);

#[derive(Clone)]
pub struct Services {
    pub db: Database,
    pub shopify: Arc<ShopifyConfig>,
    pub secrets: SecretBox,
    /// Token endpoints (OAuth, token exchange); never follows redirects.
    pub http: reqwest::Client,
    pub admin: AdminClient,
    pub jobs: JobSignal,
    pub catalog: CatalogCache,
    /// The storefront API's rate limits (configuration; each router builds its own limiters).
    pub rate_limits: RateLimits,
    pub metrics: Metrics,
    /// One offline token renewal at a time per store.
    pub token_renewals: Arc<TokenRenewals>,
    /// What a scrape of `/metrics` must present, if anything.
    pub metrics_token: Option<MetricsToken>,
}

impl AppState {
    pub fn new(
        db: Database,
        shopify: ShopifyConfig,
        key: &EncryptionKey,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()?;
        let admin = AdminClient::new(
            http.clone(),
            shopify.shop_url_template.clone(),
            shopify.api_version,
            shopify.client.clone(),
        );
        let metrics = Metrics::new();
        let catalog = CatalogCache::new(&db, metrics.clone());
        Ok(Self(Arc::new(Services {
            db,
            shopify: Arc::new(shopify),
            secrets: SecretBox::new(key),
            http,
            admin,
            jobs: JobSignal::default(),
            catalog,
            rate_limits: RateLimits::default(),
            metrics,
            metrics_token: None,
            token_renewals: Arc::default(),
        })))
    }

    /// The same services with other storefront rate limits (configuration, tests).
    pub fn with_rate_limits(mut self, rate_limits: RateLimits) -> Self {
        Arc::make_mut(&mut self.0).rate_limits = rate_limits;
        self
    }

    /// The same services with `/metrics` behind a bearer token.
    pub fn with_metrics_token(mut self, token: Option<MetricsToken>) -> Self {
        Arc::make_mut(&mut self.0).metrics_token = token;
        self
    }

    /// The same services on another database connection, with their own catalogue cache and
    /// metrics: what a second instance sharing the database runs.
    pub fn on_database(mut self, db: Database) -> Self {
        let services = Arc::make_mut(&mut self.0);
        services.metrics = Metrics::new();
        services.token_renewals = Arc::default();
        services.catalog = CatalogCache::new(&db, services.metrics.clone());
        services.db = db;
        self
    }
}

impl Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}
