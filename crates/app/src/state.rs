//! What every handler, job and command can reach. Cheap to clone; built once from configuration.

use std::sync::Arc;
use std::time::Duration;

use shopify::admin::AdminClient;

use crate::catalog::CatalogCache;
use crate::config::ShopifyConfig;
use crate::crypto::{EncryptionKey, SecretBox};
use crate::db::Database;
use crate::jobs::JobSignal;
use crate::storefront::RateLimits;

#[derive(Clone)]
pub struct AppState {
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
        let catalog = CatalogCache::new(&db);
        Ok(Self {
            db,
            shopify: Arc::new(shopify),
            secrets: SecretBox::new(key),
            http,
            admin,
            jobs: JobSignal::default(),
            catalog,
            rate_limits: RateLimits::default(),
        })
    }
}
