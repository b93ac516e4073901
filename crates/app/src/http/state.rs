//! What every handler can reach: the features the app was built with and the edge's own
//! settings. One atomic increment to clone, which every request does.

use std::ops::Deref;
use std::sync::Arc;

use gridprice_storage::Database;

use super::rate_limit::OrderLimiters;
use crate::billing::Plans;
use crate::catalog::CatalogCache;
use crate::config::RateLimits;
use crate::draft_orders::DraftOrders;
use crate::jobs::JobSignal;
use crate::metrics::{Metrics, MetricsToken};
use crate::stores::ShopifyAccess;

#[derive(Clone)]
pub struct AppState(Arc<Services>);

#[derive(Clone)]
pub struct Services {
    pub db: Database,
    pub shopify: ShopifyAccess,
    pub catalog: CatalogCache,
    pub orders: DraftOrders,
    pub metrics: Metrics,
    pub jobs: JobSignal,
    /// The storefront API's rate limits (each gated router builds its own limiters).
    pub rate_limits: RateLimits,
    /// New draft orders' own limits, shared by every route that places them.
    pub order_limiters: Arc<OrderLimiters>,
    /// What a scrape of `/metrics` must present, if anything.
    pub metrics_token: Option<MetricsToken>,
    /// The operator's plans: what each allows, what Pro costs.
    pub plans: Plans,
}

impl AppState {
    pub fn new(services: Services) -> Self {
        Self(Arc::new(services))
    }

    /// The same services with other storefront rate limits (tests serving a second router).
    pub fn with_rate_limits(mut self, rate_limits: RateLimits) -> Self {
        let services = Arc::make_mut(&mut self.0);
        services.order_limiters = Arc::new(OrderLimiters::new(&rate_limits));
        services.rate_limits = rate_limits;
        self
    }
}

impl Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}
