//! Prometheus metrics (DESIGN §8), served at `GET /metrics` in the OpenMetrics text format.
//!
//! Each instance counts what it did itself; summing instances is Prometheus's job. The one value
//! read at scrape time — draft order records still `pending`, of every store — comes from the
//! shared database, so every instance reports the same number (aggregate it with `max`).
//!
//! The registry belongs to the app's state rather than to a process-wide recorder: tests run
//! many apps in one process, and each must count only its own requests. Nothing here carries a
//! store: labels are bounded sets (route classes, status codes, outcomes), never ids.

pub mod routes;

use std::fmt;
use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const MIN_TOKEN_LENGTH: usize = 16;
const MAX_TOKEN_LENGTH: usize = 256;

/// Upper bounds of the latency buckets, in seconds: a warm price is well under a millisecond, a
/// draft order waits for Shopify (up to the flow's 12 s budget), an admin write in between.
const LATENCY_BUCKETS: [f64; 15] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// What a request was for, from its method and path: the `route` label. A fixed set, so that
/// ids in paths never become label values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    StorefrontPrice,
    StorefrontOptions,
    /// A product's range and options (`GET …/products/{id}`).
    StorefrontProduct,
    StorefrontDraftOrder,
    /// The rest of `/api/v1`: the OpenAPI document, CORS preflights, unknown paths.
    StorefrontOther,
    /// `/app/api/…`: the merchant's admin API.
    AdminApi,
    /// The embedded app's pages and the OAuth install (`/`, `/bounce`, `/auth…`).
    App,
    Webhooks,
    /// `/healthz`, `/readyz`, `/metrics`.
    Operations,
    Other,
}

impl Route {
    const ALL: [Route; 10] = [
        Route::StorefrontPrice,
        Route::StorefrontOptions,
        Route::StorefrontProduct,
        Route::StorefrontDraftOrder,
        Route::StorefrontOther,
        Route::AdminApi,
        Route::App,
        Route::Webhooks,
        Route::Operations,
        Route::Other,
    ];

    /// The storefront's paths count alike whether they came to `/api/v1` (headless, with a key)
    /// or through the shop's app proxy (`/proxy`, signed by Shopify).
    pub fn of(method: &Method, path: &str) -> Route {
        if let Some(rest) = path
            .strip_prefix("/api/v1/")
            .or_else(|| path.strip_prefix("/proxy/"))
        {
            let product = rest.strip_prefix("products/");
            return match (method, product) {
                (&Method::GET, Some(p)) if p.ends_with("/price") => Route::StorefrontPrice,
                (&Method::GET, Some(p)) if p.ends_with("/options") => Route::StorefrontOptions,
                (&Method::GET, Some(p)) if !p.contains('/') => Route::StorefrontProduct,
                (&Method::POST, None) if rest == "draft-orders" => Route::StorefrontDraftOrder,
                _ => Route::StorefrontOther,
            };
        }
        match path {
            "/webhooks" => Route::Webhooks,
            "/healthz" | "/readyz" | "/metrics" => Route::Operations,
            "/" | "/bounce" => Route::App,
            _ if path.starts_with("/app/api/") => Route::AdminApi,
            _ if path == "/auth" || path.starts_with("/auth/") => Route::App,
            _ => Route::Other,
        }
    }

    /// A price or a product's options: the bulk of the traffic, the hot path.
    pub fn is_storefront_read(self) -> bool {
        matches!(
            self,
            Route::StorefrontPrice | Route::StorefrontOptions | Route::StorefrontProduct
        )
    }

    fn as_str(self) -> &'static str {
        match self {
            Route::StorefrontPrice => "storefront_price",
            Route::StorefrontOptions => "storefront_options",
            Route::StorefrontProduct => "storefront_product",
            Route::StorefrontDraftOrder => "storefront_draft_order",
            Route::StorefrontOther => "storefront_other",
            Route::AdminApi => "admin_api",
            Route::App => "app",
            Route::Webhooks => "webhooks",
            Route::Operations => "operations",
            Route::Other => "other",
        }
    }
}

/// How a draft order request that reached the flow ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DraftOrderOutcome {
    /// Created in Shopify, recorded and counted.
    Created,
    /// Shopify refused it (or the store's token); the record is `failed`.
    Refused,
    /// Not confirmed within the budget: answered 503, the record left `pending` for
    /// reconciliation.
    Pending,
    /// Answered from the record of an earlier request with the same `Idempotency-Key`.
    Replayed,
}

/// How the reconciliation job settled a `pending` record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reconciled {
    Created,
    Failed,
}

/// What the in-memory catalogue had to read from the database (its misses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CatalogLoad {
    Product,
    Key,
    /// A shop's store, for the app proxy.
    Shop,
}

macro_rules! label_values {
    ($($label:ty => { $($variant:ident: $text:literal),+ $(,)? })+) => {$(
        impl EncodeLabelValue for $label {
            fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
                encoder.write_str(match self { $(Self::$variant => $text),+ })
            }
        }
    )+};
}

label_values! {
    DraftOrderOutcome => { Created: "created", Refused: "refused", Pending: "pending", Replayed: "replayed" }
    Reconciled => { Created: "created", Failed: "failed" }
    CatalogLoad => { Product: "product", Key: "key", Shop: "shop" }
}

impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
        encoder.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct HttpLabels {
    route: Route,
    code: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    route: Route,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct DraftOrderLabels {
    outcome: DraftOrderOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReconciledLabels {
    outcome: Reconciled,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct LoadLabels {
    kind: CatalogLoad,
}

/// This instance's metrics. Cheap to clone; every clone counts into the same registry.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    /// One histogram per route, indexed like [`Route::ALL`]: recording is an index, not a
    /// family lookup (the storefront's hot path records every request).
    http_latency: Vec<Histogram>,
    draft_order_requests: Family<DraftOrderLabels, Counter>,
    draft_order_sends: Counter,
    reconciled: Family<ReconciledLabels, Counter>,
    catalog_loads: Family<LoadLabels, Counter>,
    pending_records: Gauge,
    database_up: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(latency_histogram);
        let mut inner = Inner {
            registry: Registry::with_prefix("gridprice"),
            http_requests: Family::default(),
            http_latency: Route::ALL
                .iter()
                .map(|&route| latency.get_or_create_owned(&RouteLabels { route }))
                .collect(),
            draft_order_requests: Family::default(),
            draft_order_sends: Counter::default(),
            reconciled: Family::default(),
            catalog_loads: Family::default(),
            pending_records: Gauge::default(),
            database_up: Gauge::default(),
        };
        let registry = &mut inner.registry;
        registry.register(
            "build",
            "The running version",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        registry.register(
            "http_requests",
            "HTTP requests answered, by route class and status code",
            inner.http_requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival to its answer's headers, by route class",
            Unit::Seconds,
            latency,
        );
        registry.register(
            "draft_order_requests",
            "Draft order requests that reached the flow, by how they ended",
            inner.draft_order_requests.clone(),
        );
        registry.register(
            "shopify_draft_order_sends",
            "draftOrderCreate calls sent to Shopify (more than requests when retried)",
            inner.draft_order_sends.clone(),
        );
        registry.register(
            "draft_orders_reconciled",
            "Pending draft order records settled by the reconciliation job",
            inner.reconciled.clone(),
        );
        registry.register(
            "catalog_loads",
            "Products, API keys and shops the in-memory catalogue read from the database (its misses)",
            inner.catalog_loads.clone(),
        );
        registry.register(
            "draft_orders_pending",
            "Draft order records of every store still pending (read at scrape time)",
            inner.pending_records.clone(),
        );
        registry.register(
            "database_up",
            "Whether the last scrape could read the database (1) or not (0)",
            inner.database_up.clone(),
        );
        Self {
            inner: Arc::new(inner),
        }
    }

    /// One answered request.
    pub fn request(&self, route: Route, status: StatusCode, elapsed: Duration) {
        let labels = HttpLabels {
            route,
            code: status.as_u16(),
        };
        self.inner.http_requests.get_or_create(&labels).inc();
        self.inner.http_latency[route as usize].observe(elapsed.as_secs_f64());
    }

    pub fn draft_order(&self, outcome: DraftOrderOutcome) {
        let labels = DraftOrderLabels { outcome };
        self.inner.draft_order_requests.get_or_create(&labels).inc();
    }

    pub fn draft_order_sent(&self) {
        self.inner.draft_order_sends.inc();
    }

    pub fn reconciled(&self, outcome: Reconciled) {
        let labels = ReconciledLabels { outcome };
        self.inner.reconciled.get_or_create(&labels).inc();
    }

    pub fn catalog_loaded(&self, kind: CatalogLoad) {
        self.inner
            .catalog_loads
            .get_or_create(&LoadLabels { kind })
            .inc();
    }

    /// The OpenMetrics text, with the scrape-time values set from `pending` (`None` when the
    /// database could not be read).
    pub fn render(&self, pending: Option<u64>) -> String {
        match pending {
            Some(count) => {
                self.inner
                    .pending_records
                    .set(i64::try_from(count).unwrap_or(i64::MAX));
                self.inner.database_up.set(1);
            }
            None => {
                self.inner.database_up.set(0);
            }
        }
        let mut text = String::with_capacity(8 * 1024);
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.inner.registry);
        text
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// The bearer token a scrape must present (`GRIDPRICE_METRICS_TOKEN`): 16–256 visible ASCII
/// characters. Only its SHA-256 is kept, compared in constant time.
#[derive(Clone)]
pub struct MetricsToken {
    digest: [u8; 32],
}

impl MetricsToken {
    pub fn matches(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        digest.ct_eq(&self.digest).into()
    }
}

impl FromStr for MetricsToken {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let visible = text.bytes().all(|b| b.is_ascii_graphic());
        if !(MIN_TOKEN_LENGTH..=MAX_TOKEN_LENGTH).contains(&text.len()) || !visible {
            return Err(format!(
                "must be {MIN_TOKEN_LENGTH}–{MAX_TOKEN_LENGTH} visible ASCII characters"
            ));
        }
        Ok(Self {
            digest: Sha256::digest(text.as_bytes()).into(),
        })
    }
}

impl fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsToken(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_classified_without_their_ids() {
        let cases = [
            (
                Method::GET,
                "/api/v1/products/123/price",
                Route::StorefrontPrice,
            ),
            (
                Method::GET,
                "/api/v1/products/123/options",
                Route::StorefrontOptions,
            ),
            (
                Method::OPTIONS,
                "/api/v1/products/123/price",
                Route::StorefrontOther,
            ),
            (
                Method::POST,
                "/api/v1/draft-orders",
                Route::StorefrontDraftOrder,
            ),
            (Method::GET, "/api/v1/draft-orders", Route::StorefrontOther),
            (Method::GET, "/api/v1/openapi.json", Route::StorefrontOther),
            (
                Method::GET,
                "/api/v1/products/123",
                Route::StorefrontProduct,
            ),
            (Method::GET, "/proxy/products/123", Route::StorefrontProduct),
            (
                Method::GET,
                "/proxy/products/123/price",
                Route::StorefrontPrice,
            ),
            (
                Method::POST,
                "/proxy/draft-orders",
                Route::StorefrontDraftOrder,
            ),
            (Method::GET, "/proxy", Route::Other),
            (Method::GET, "/app/api/matrices/7", Route::AdminApi),
            (Method::GET, "/auth/callback", Route::App),
            (Method::GET, "/authority", Route::Other),
            (Method::GET, "/", Route::App),
            (Method::POST, "/webhooks", Route::Webhooks),
            (Method::GET, "/metrics", Route::Operations),
            (Method::GET, "/wp-login.php", Route::Other),
        ];
        for (method, path, route) in cases {
            assert_eq!(Route::of(&method, path), route, "{method} {path}");
        }
        for (index, route) in Route::ALL.iter().enumerate() {
            assert_eq!(*route as usize, index, "Route::ALL is in declaration order");
        }
    }

    #[test]
    fn requests_are_counted_by_route_and_code() {
        let metrics = Metrics::new();
        let price = Route::StorefrontPrice;
        metrics.request(price, StatusCode::OK, Duration::from_micros(300));
        metrics.request(price, StatusCode::OK, Duration::from_millis(3));
        metrics.request(price, StatusCode::TOO_MANY_REQUESTS, Duration::ZERO);
        let text = metrics.render(Some(2));
        let expected = [
            "gridprice_http_requests_total{route=\"storefront_price\",code=\"200\"} 2",
            "gridprice_http_requests_total{route=\"storefront_price\",code=\"429\"} 1",
            "gridprice_http_request_duration_seconds_count{route=\"storefront_price\"} 3",
            "gridprice_http_request_duration_seconds_bucket{le=\"0.0005\",route=\"storefront_price\"} 2",
            "gridprice_http_request_duration_seconds_bucket{le=\"0.005\",route=\"storefront_price\"} 3",
            "gridprice_draft_orders_pending 2",
            "gridprice_database_up 1",
            "gridprice_build_info{version=\"",
        ];
        for line in expected {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
        assert!(text.ends_with("# EOF\n"));
        assert!(metrics.render(None).contains("gridprice_database_up 0"));
    }

    #[test]
    fn tokens_are_checked_when_parsed_and_never_shown() {
        for bad in ["short", "has a space in it!", &"x".repeat(257)] {
            assert!(bad.parse::<MetricsToken>().is_err(), "{bad}");
        }
        let token: MetricsToken = "a-scrape-token-0123".parse().unwrap();
        assert!(token.matches("a-scrape-token-0123"));
        assert!(!token.matches("a-scrape-token-0124"));
        assert!(!token.matches(""));
        assert_eq!(format!("{token:?}"), "MetricsToken(..)");
    }
}
