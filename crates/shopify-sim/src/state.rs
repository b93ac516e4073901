//! In-memory Shopify: shops, catalogue, draft orders, tokens, buckets, faults and counters.
//! One `World` behind one async mutex: every handler locks it briefly and never across I/O.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::Serialize;
use tokio::sync::{watch, Mutex, RwLock};
use tokio::time::Instant;

use crate::config::{RuntimeConfig, SimConfig};
use crate::faults::Faults;
use crate::graphql::schema::{build_schema, AdminSchema, DraftOrderStatus, ProductStatus};
use crate::graphql::throttle::Bucket;
use crate::money::CurrencyCode;
use crate::seed;

/// Everything the handlers share.
pub struct SimState {
    pub(crate) api_secret: String,
    pub(crate) initial: SimConfig,
    pub(crate) config: RwLock<RuntimeConfig>,
    pub(crate) world: Mutex<World>,
    pub(crate) schema: AdminSchema,
    pub(crate) http: reqwest::Client,
    pub(crate) shutdown: watch::Receiver<bool>,
    /// `http://127.0.0.1:PORT`: the simulator's own address, for URLs it hands out (invoices).
    pub(crate) base_url: String,
}

impl SimState {
    pub(crate) fn new(
        config: SimConfig,
        base_url: String,
        shutdown: watch::Receiver<bool>,
    ) -> Arc<Self> {
        Arc::new(Self {
            base_url,
            api_secret: config.api_secret.clone(),
            config: RwLock::new(RuntimeConfig::from_config(&config)),
            world: Mutex::new(World::new(config.rng_seed)),
            schema: build_schema(),
            // Shopify gives a webhook endpoint five seconds to answer.
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(5))
                .build()
                .expect("a default reqwest client builds"),
            initial: config,
            shutdown,
        })
    }
}

/// Global id sequences. Shopify ids are unique across shops, so these are too.
#[derive(Debug)]
pub struct IdSeq {
    next_shop: u64,
    next_product: u64,
    next_variant: u64,
    next_draft_order: u64,
    next_line_item: u64,
    next_webhook_subscription: u64,
    next_order: u64,
}

impl IdSeq {
    fn new() -> Self {
        Self {
            next_shop: 60_000_000_001,
            next_product: seed::FIRST_PRODUCT_ID,
            next_variant: seed::FIRST_VARIANT_ID,
            next_draft_order: 1_100_000_000_001,
            next_line_item: 58_000_000_000_001,
            next_webhook_subscription: 1_500_000_000_001,
            next_order: 5_600_000_000_001,
        }
    }

    fn take(counter: &mut u64) -> u64 {
        let id = *counter;
        *counter += 1;
        id
    }

    pub fn shop(&mut self) -> u64 {
        Self::take(&mut self.next_shop)
    }
    pub fn product(&mut self) -> u64 {
        Self::take(&mut self.next_product)
    }
    pub fn variant(&mut self) -> u64 {
        Self::take(&mut self.next_variant)
    }
    pub fn draft_order(&mut self) -> u64 {
        Self::take(&mut self.next_draft_order)
    }
    pub fn line_item(&mut self) -> u64 {
        Self::take(&mut self.next_line_item)
    }
    pub fn webhook_subscription(&mut self) -> u64 {
        Self::take(&mut self.next_webhook_subscription)
    }
    pub fn order(&mut self) -> u64 {
        Self::take(&mut self.next_order)
    }
}

#[derive(Debug, Clone)]
pub struct VariantRecord {
    pub id: u64,
    pub product_id: u64,
    pub title: String,
    pub price_minor: i64,
    pub sku: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ProductRecord {
    pub id: u64,
    pub title: String,
    pub handle: String,
    pub status: ProductStatus,
    pub variants: Vec<VariantRecord>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Moves on with every change that redraws the image (its title's initials), so the image
    /// URL changes as Shopify's CDN URLs do (`?v=…`).
    pub image_version: u32,
}

impl ProductRecord {
    /// The featured image every simulated product has: an SVG of its initials, served by the
    /// simulator at `base_url`.
    pub fn image_url(&self, base_url: &str) -> String {
        format!(
            "{base_url}/_sim/images/products/{}.svg?v={}",
            self.id, self.image_version
        )
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeRecord {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct LineItemRecord {
    pub id: u64,
    pub title: String,
    pub quantity: i64,
    pub variant_id: Option<u64>,
    pub product_id: Option<u64>,
    pub sku: Option<String>,
    /// In the draft order's currency (converted when the price was given in another one).
    pub unit_price_minor: i64,
    /// The unit price as given (`originalUnitPriceWithCurrency`), in its own currency.
    pub given_unit_price: (i64, CurrencyCode),
    pub custom: bool,
    pub custom_attributes: Vec<AttributeRecord>,
    pub requires_shipping: bool,
    pub taxable: bool,
    /// The line's share of the automatic discount.
    pub discount_minor: i64,
    /// Tax on the line after discounts (contained in it when taxes are included).
    pub tax_minor: i64,
}

impl LineItemRecord {
    /// Unit price × quantity, before discounts; the values were bounded when the line was
    /// created.
    pub fn total_minor(&self) -> i64 {
        self.unit_price_minor * self.quantity
    }

    /// The line total after its discounts.
    pub fn discounted_total_minor(&self) -> i64 {
        self.total_minor() - self.discount_minor
    }
}

/// How a draft order's totals came about (`pricing.rs`).
#[derive(Debug, Clone, Default)]
pub struct DraftOrderCalculation {
    pub total_tax_minor: i64,
    pub total_discounts_minor: i64,
    pub taxes_included: bool,
    /// `acceptAutomaticDiscounts` as given.
    pub accept_automatic_discounts: Option<bool>,
    /// The automatic discount applied, if any.
    pub automatic_discount: Option<crate::pricing::AutomaticDiscount>,
}

#[derive(Debug, Clone)]
pub struct DraftOrderRecord {
    pub id: u64,
    pub name: String,
    pub status: DraftOrderStatus,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub email: Option<String>,
    pub currency: CurrencyCode,
    pub line_items: Vec<LineItemRecord>,
    /// Line totals after discounts (taxes included when prices include them).
    pub subtotal_minor: i64,
    /// Subtotal plus tax (unless included), shipping being free.
    pub total_minor: i64,
    pub calculation: DraftOrderCalculation,
    pub invoice_url: String,
    pub created_at: DateTime<Utc>,
    /// Set when the draft order was completed into an order (`draftOrderComplete`, invoice paid).
    pub completion: Option<crate::invoice::Completion>,
}

#[derive(Debug, Clone)]
pub struct WebhookSubscriptionRecord {
    pub id: u64,
    pub topic: crate::graphql::schema::WebhookSubscriptionTopic,
    pub uri: String,
    pub format: crate::graphql::schema::WebhookSubscriptionFormat,
    pub include_fields: Vec<String>,
    pub filter: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Shop {
    pub id: u64,
    pub domain: String,
    pub name: String,
    pub email: String,
    pub currency: CurrencyCode,
    /// A Partner development store (`shop.plan.partnerDevelopment`): apps charge it only test
    /// charges. Shops are development stores unless created otherwise.
    pub partner_development: bool,
    pub products: Vec<ProductRecord>,
    pub draft_orders: Vec<DraftOrderRecord>,
    pub webhook_subscriptions: Vec<WebhookSubscriptionRecord>,
    pub next_draft_number: u64,
    /// Orders made by completing draft orders.
    pub orders: Vec<crate::invoice::OrderRecord>,
    pub next_order_number: u64,
    /// The online store's theme (app blocks placed) and storefront session.
    pub storefront: crate::online_store::Storefront,
    /// Tax, automatic discount and conversion rates for draft orders (`/_sim/shops/{shop}/pricing`).
    pub pricing: crate::pricing::ShopPricing,
}

impl Shop {
    pub fn new(id: u64, domain: &str, name: &str, currency: CurrencyCode) -> Self {
        Self {
            id,
            domain: domain.to_owned(),
            name: name.to_owned(),
            email: format!("owner@{domain}"),
            currency,
            partner_development: true,
            products: Vec::new(),
            draft_orders: Vec::new(),
            webhook_subscriptions: Vec::new(),
            next_draft_number: 1,
            orders: Vec::new(),
            next_order_number: 1001,
            storefront: Default::default(),
            pricing: Default::default(),
        }
    }

    pub fn product(&self, id: u64) -> Option<&ProductRecord> {
        self.products.iter().find(|p| p.id == id)
    }

    pub fn variant(&self, id: u64) -> Option<&VariantRecord> {
        self.products
            .iter()
            .flat_map(|p| &p.variants)
            .find(|v| v.id == id)
    }
}

/// An issued Admin API access token.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub shop: String,
    pub api_key: String,
    pub scope: String,
    /// Online and expiring offline tokens expire; non-expiring offline tokens live until
    /// revoked.
    pub expires_at: Option<Instant>,
    /// An online (per-user) token rather than an offline one.
    pub online: bool,
}

impl AccessToken {
    /// An expiring offline token: at most one is active per shop and app (`tokens.rs`).
    pub fn is_expiring_offline(&self) -> bool {
        !self.online && self.expires_at.is_some()
    }
}

/// A refresh token of an expiring offline token. Shopify replaces it on every use and keeps
/// honouring the used one until one of its replacements is used in turn.
#[derive(Debug, Clone)]
pub struct RefreshRecord {
    pub shop: String,
    pub api_key: String,
    pub scope: String,
    pub expires_at: Instant,
    /// The refresh token this one replaced, retired once this one is used.
    pub replaces: Option<String>,
    /// When it was first used; it may be used again (a lost answer) for 30 days after that.
    pub first_used_at: Option<Instant>,
}

/// An authorization code waiting to be exchanged (single use).
#[derive(Debug, Clone)]
pub struct AuthCode {
    pub shop: String,
    pub scope: String,
    pub online: bool,
    pub expires_at: Instant,
}

/// Admin API traffic per shop (GraphQL, token refreshes), for tests and the operator.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestStats {
    /// GraphQL requests received (any outcome).
    pub graphql: u64,
    /// Answered with THROTTLED (bucket empty or injected).
    pub throttled: u64,
    /// Answered 401.
    pub unauthorized: u64,
    /// Failed by an injected 5xx (fail-next or error rate).
    pub injected_errors: u64,
    /// Held and closed without an answer.
    pub timed_out: u64,
    /// Executed, then the connection was closed without an answer.
    pub dropped: u64,
    /// Refresh grants honoured (`grant_type=refresh_token`).
    pub token_refreshes: u64,
}

pub struct World {
    pub shops: BTreeMap<String, Shop>,
    pub tokens: HashMap<String, AccessToken>,
    pub refresh_tokens: HashMap<String, RefreshRecord>,
    /// Non-expiring tokens exchanged for expiring ones, by the old token (`tokens.rs`).
    pub migrations: HashMap<String, crate::tokens::Migration>,
    pub codes: HashMap<String, AuthCode>,
    pub buckets: HashMap<(String, String), Bucket>,
    pub faults: Faults,
    pub rng: StdRng,
    pub stats: BTreeMap<String, RequestStats>,
    pub ids: IdSeq,
    /// App subscriptions (Billing API), per (shop, app).
    pub billing: crate::billing::Billing,
}

impl World {
    pub fn new(rng_seed: u64) -> Self {
        let mut world = Self {
            shops: BTreeMap::new(),
            tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            migrations: HashMap::new(),
            codes: HashMap::new(),
            buckets: HashMap::new(),
            faults: Faults::default(),
            rng: StdRng::seed_from_u64(rng_seed),
            stats: BTreeMap::new(),
            ids: IdSeq::new(),
            billing: Default::default(),
        };
        seed::seed_demo_shop(&mut world);
        world
    }

    pub fn stats_mut(&mut self, shop: &str) -> &mut RequestStats {
        self.stats.entry(shop.to_owned()).or_default()
    }
}
