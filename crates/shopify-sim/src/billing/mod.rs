//! Shopify's Billing API for recurring app charges: app subscriptions per (shop, app), the
//! merchant's confirmation page, status changes and the `app_subscriptions/update` webhook.
//!
//! Followed from shopify.dev (GraphQL Admin 2026-10): `appSubscriptionCreate`,
//! `appSubscriptionCancel`, `AppSubscription`, `AppSubscriptionStatus`,
//! `AppSubscriptionReplacementBehavior`, `AppRecurringPricingInput`, `AppInstallation`, and the
//! `app_subscriptions/update` webhook payload. The GraphQL types are in `graphql::billing`, the
//! page in [`page`], the `/_sim` controls in [`control`].

pub mod control;
pub mod page;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Weak};

use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::{mpsc, oneshot};

use crate::money::{format_decimal, format_money, CurrencyCode};
use crate::state::SimState;
use crate::webhooks::{self, WebhookRequest};

/// The webhook topic of every status change (`APP_SUBSCRIPTIONS_UPDATE`).
pub const WEBHOOK_TOPIC: &str = "app_subscriptions/update";
/// Where the app's configured subscription (as `shopify.app.toml` declares it) receives it.
pub const DEFAULT_WEBHOOK_PATH: &str = "/webhooks";
/// "The app subscription wasn't approved by the merchant within two days of being created."
pub const PENDING_LIFETIME: Duration = Duration::days(2);
/// Longest subscription name accepted.
pub const MAX_NAME_CHARS: usize = 255;
/// Largest `trialDays` the simulator accepts (Shopify documents no bound; this keeps dates sane).
pub const MAX_TRIAL_DAYS: i32 = 1000;
/// Webhook delivery reports kept for `/_sim` inspection.
const MAX_DELIVERY_LOG: usize = 200;

/// `AppSubscriptionStatus`.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AppSubscriptionStatus {
    /// Approved by the merchant; billed.
    Active,
    /// Cancelled by the app, by an uninstall, or replaced by a newer subscription. Terminal.
    Cancelled,
    /// Declined by the merchant. Terminal.
    Declined,
    /// Not approved within two days of its creation. Terminal.
    Expired,
    /// On hold because the shop does not pay its Shopify bill; re-activates when it does.
    Frozen,
    /// Waiting for the merchant's approval.
    Pending,
    /// Never returned since 2021-01: approval goes straight from PENDING to ACTIVE.
    #[graphql(deprecation = "As of API version 2021-01, approval makes a subscription ACTIVE.")]
    Accepted,
}

/// `AppPricingInterval`.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AppPricingInterval {
    Annual,
    Every30Days,
}

impl AppPricingInterval {
    pub fn duration(self) -> Duration {
        match self {
            Self::Annual => Duration::days(365),
            Self::Every30Days => Duration::days(30),
        }
    }

    /// The spelling of the REST resource and the webhook payload (`every_30_days`).
    pub fn rest_name(self) -> &'static str {
        match self {
            Self::Annual => "annual",
            Self::Every30Days => "every_30_days",
        }
    }

    /// As the confirmation page says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Annual => "per year",
            Self::Every30Days => "every 30 days",
        }
    }
}

/// `AppSubscriptionReplacementBehavior`. The simulator applies every replacement immediately
/// (the deferred cases of `APPLY_ON_NEXT_BILLING_CYCLE` and `STANDARD` are not simulated).
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AppSubscriptionReplacementBehavior {
    ApplyImmediately,
    ApplyOnNextBillingCycle,
    #[default]
    Standard,
}

/// One app subscription of one shop for one app.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionRecord {
    pub id: u64,
    pub shop: String,
    pub shop_id: u64,
    pub api_key: String,
    pub name: String,
    pub status: AppSubscriptionStatus,
    pub test: bool,
    pub trial_days: i32,
    pub return_url: String,
    pub price_minor: i64,
    pub currency: CurrencyCode,
    pub interval: AppPricingInterval,
    pub replacement: AppSubscriptionReplacementBehavior,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the merchant approved it.
    pub activated_at: Option<DateTime<Utc>>,
    /// `activated_at + trial_days`; `None` without a trial or before approval.
    pub trial_ends_at: Option<DateTime<Utc>>,
    /// End of a billing period (or of the trial); later periods follow every interval.
    pub period_end: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// `appSubscriptionCancel(prorate: true)`: recorded, no credit is simulated.
    pub prorated: bool,
    /// The subscription whose approval cancelled this one.
    pub replaced_by: Option<u64>,
}

impl SubscriptionRecord {
    pub fn gid(&self) -> String {
        format!("gid://shopify/AppSubscription/{}", self.id)
    }

    /// `currentPeriodEnd`: only for an ACTIVE subscription ("null if the subscription isn't
    /// active"); periods roll over every interval after the trial.
    pub fn current_period_end(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.status != AppSubscriptionStatus::Active {
            return None;
        }
        let mut end = self.period_end?;
        let step = self.interval.duration();
        while end <= now {
            end += step;
        }
        Some(end)
    }

    /// Whether the trial is still running.
    pub fn in_trial(&self, now: DateTime<Utc>) -> bool {
        self.trial_ends_at.is_some_and(|end| end > now)
    }

    /// The price as Shopify's `Decimal` (`"19.0"`).
    pub fn price_decimal(&self) -> String {
        format_decimal(self.price_minor, self.currency)
    }

    /// The price with the currency's precision (`"19.00"`).
    pub fn price_money(&self) -> String {
        format_money(self.price_minor, self.currency)
    }

    fn set_status(&mut self, status: AppSubscriptionStatus, now: DateTime<Utc>) -> StatusChange {
        self.status = status;
        self.updated_at = now;
        StatusChange {
            shop: self.shop.clone(),
            subscription_id: self.id,
            status,
            payload: webhook_payload(self),
        }
    }
}

/// Shopify's timestamps in webhook payloads: seconds and a numeric offset.
fn rest_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// The `app_subscriptions/update` body, as shopify.dev's webhook reference shows it.
pub fn webhook_payload(record: &SubscriptionRecord) -> Value {
    json!({
        "app_subscription": {
            "admin_graphql_api_id": record.gid(),
            "name": record.name,
            "status": record.status,
            "admin_graphql_api_shop_id": format!("gid://shopify/Shop/{}", record.shop_id),
            "created_at": rest_time(record.created_at),
            "updated_at": rest_time(record.updated_at),
            "currency": record.currency.code(),
            "capped_amount": Value::Null,
            "price": record.price_money(),
            "interval": record.interval.rest_name(),
            "plan_handle": Value::Null,
        }
    })
}

/// One status change, to be told to the app with `app_subscriptions/update`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    pub shop: String,
    pub subscription_id: u64,
    pub status: AppSubscriptionStatus,
    pub payload: Value,
}

/// Why a billing action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BillingError {
    #[error("no such subscription for this shop and app")]
    NotFound,
    #[error("the subscription is {status:?}; {action} needs it {needs}")]
    WrongStatus {
        status: AppSubscriptionStatus,
        action: &'static str,
        needs: &'static str,
    },
    #[error("the subscription has no trial left")]
    NoTrial,
}

/// What `appSubscriptionCreate` stores, validated.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub name: String,
    pub return_url: String,
    pub price_minor: i64,
    pub currency: CurrencyCode,
    pub interval: AppPricingInterval,
    pub trial_days: i32,
    pub test: bool,
    pub replacement: AppSubscriptionReplacementBehavior,
}

/// Billing state of the whole simulator (in `World`, so `/_sim/reset` clears it).
pub struct Billing {
    subscriptions: BTreeMap<u64, SubscriptionRecord>,
    next_id: u64,
    /// `AppInstallation` ids per (shop, api key).
    installations: BTreeMap<(String, String), u64>,
    next_installation: u64,
    /// Signs confirmation URLs so that a charge id alone cannot be confirmed.
    signing_key: String,
    /// The app's configured subscription to `app_subscriptions/update` (a path on its URL),
    /// `None` when the app does not subscribe.
    pub webhook_path: Option<String>,
    /// The latest webhook deliveries, newest last.
    deliveries: VecDeque<Value>,
    /// Feeds the one task that delivers `app_subscriptions/update`, in the order of the changes.
    queue: Option<mpsc::UnboundedSender<Job>>,
}

impl Default for Billing {
    fn default() -> Self {
        Self {
            subscriptions: BTreeMap::new(),
            next_id: 27_300_000_001,
            installations: BTreeMap::new(),
            next_installation: 640_000_000_001,
            signing_key: crate::signing::random_hex(32),
            webhook_path: Some(DEFAULT_WEBHOOK_PATH.to_owned()),
            deliveries: VecDeque::new(),
            queue: None,
        }
    }
}

impl Billing {
    /// The `AppInstallation` id of `api_key` on `shop` (stable for the simulator's life).
    pub fn installation_id(&mut self, shop: &str, api_key: &str) -> u64 {
        let next = &mut self.next_installation;
        *self
            .installations
            .entry((shop.to_owned(), api_key.to_owned()))
            .or_insert_with(|| {
                let id = *next;
                *next += 1;
                id
            })
    }

    /// Every subscription of `shop` (all apps), oldest first.
    pub fn of_shop<'a>(&'a self, shop: &'a str) -> impl Iterator<Item = &'a SubscriptionRecord> {
        self.subscriptions.values().filter(move |s| s.shop == shop)
    }

    /// The subscriptions of one app on one shop, oldest first.
    pub fn of_app<'a>(
        &'a self,
        shop: &'a str,
        api_key: &'a str,
    ) -> impl Iterator<Item = &'a SubscriptionRecord> {
        self.of_shop(shop).filter(move |s| s.api_key == api_key)
    }

    /// `id` if it belongs to that shop (and app, when given).
    pub fn get(&self, shop: &str, api_key: Option<&str>, id: u64) -> Option<&SubscriptionRecord> {
        self.subscriptions
            .get(&id)
            .filter(|s| s.shop == shop && api_key.is_none_or(|k| k == s.api_key))
    }

    fn get_mut(
        &mut self,
        shop: &str,
        api_key: Option<&str>,
        id: u64,
    ) -> Result<&mut SubscriptionRecord, BillingError> {
        self.subscriptions
            .get_mut(&id)
            .filter(|s| s.shop == shop && api_key.is_none_or(|k| k == s.api_key))
            .ok_or(BillingError::NotFound)
    }

    /// Stores a PENDING subscription.
    pub fn create(
        &mut self,
        shop: &str,
        shop_id: u64,
        api_key: &str,
        new: NewSubscription,
        now: DateTime<Utc>,
    ) -> SubscriptionRecord {
        let id = self.next_id;
        self.next_id += 1;
        let record = SubscriptionRecord {
            id,
            shop: shop.to_owned(),
            shop_id,
            api_key: api_key.to_owned(),
            name: new.name,
            status: AppSubscriptionStatus::Pending,
            test: new.test,
            trial_days: new.trial_days,
            return_url: new.return_url,
            price_minor: new.price_minor,
            currency: new.currency,
            interval: new.interval,
            replacement: new.replacement,
            created_at: now,
            updated_at: now,
            activated_at: None,
            trial_ends_at: None,
            period_end: None,
            cancelled_at: None,
            prorated: false,
            replaced_by: None,
        };
        self.subscriptions.insert(id, record.clone());
        record
    }

    /// `signature` of a confirmation URL: hex HMAC-SHA256 of `shop:api_key:id`.
    pub fn signature(&self, shop: &str, api_key: &str, id: u64) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.signing_key.as_bytes())
            .expect("HMAC takes any key length");
        mac.update(format!("{shop}:{api_key}:{id}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Constant-time check of a confirmation URL's `signature`.
    pub fn signature_matches(&self, shop: &str, api_key: &str, id: u64, signature: &str) -> bool {
        let expected = self.signature(shop, api_key, id);
        expected.len() == signature.len()
            && expected
                .bytes()
                .zip(signature.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// Expires PENDING subscriptions older than two days.
    pub fn expire_stale(&mut self, now: DateTime<Utc>) -> Vec<StatusChange> {
        self.subscriptions
            .values_mut()
            .filter(|s| {
                s.status == AppSubscriptionStatus::Pending && s.created_at + PENDING_LIFETIME <= now
            })
            .map(|s| s.set_status(AppSubscriptionStatus::Expired, now))
            .collect()
    }

    /// The merchant approves: ACTIVE, and the app's other ACTIVE or FROZEN subscription on the
    /// shop is CANCELLED (replaced).
    pub fn approve(
        &mut self,
        shop: &str,
        api_key: &str,
        id: u64,
        now: DateTime<Utc>,
    ) -> Result<Vec<StatusChange>, BillingError> {
        let mut changes = self.expire_stale(now);
        let record = self.get_mut(shop, Some(api_key), id)?;
        if record.status != AppSubscriptionStatus::Pending {
            return Err(BillingError::WrongStatus {
                status: record.status,
                action: "approval",
                needs: "PENDING",
            });
        }
        record.activated_at = Some(now);
        let trial = Duration::days(i64::from(record.trial_days));
        if record.trial_days > 0 {
            record.trial_ends_at = Some(now + trial);
            record.period_end = Some(now + trial);
        } else {
            record.period_end = Some(now + record.interval.duration());
        }
        let mut replaced = Vec::new();
        for other in self.subscriptions.values_mut() {
            let live = matches!(
                other.status,
                AppSubscriptionStatus::Active | AppSubscriptionStatus::Frozen
            );
            if other.id != id && other.shop == shop && other.api_key == api_key && live {
                other.cancelled_at = Some(now);
                other.replaced_by = Some(id);
                replaced.push(other.set_status(AppSubscriptionStatus::Cancelled, now));
            }
        }
        changes.extend(replaced);
        let record = self.get_mut(shop, Some(api_key), id)?;
        changes.push(record.set_status(AppSubscriptionStatus::Active, now));
        Ok(changes)
    }

    /// The merchant declines: DECLINED.
    pub fn decline(
        &mut self,
        shop: &str,
        api_key: &str,
        id: u64,
        now: DateTime<Utc>,
    ) -> Result<Vec<StatusChange>, BillingError> {
        self.transition(
            shop,
            Some(api_key),
            id,
            now,
            "declining",
            "PENDING",
            &[AppSubscriptionStatus::Pending],
            AppSubscriptionStatus::Declined,
        )
    }

    /// `appSubscriptionCancel` (and an uninstall): CANCELLED.
    pub fn cancel(
        &mut self,
        shop: &str,
        api_key: &str,
        id: u64,
        prorate: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<StatusChange>, BillingError> {
        let changes = self.transition(
            shop,
            Some(api_key),
            id,
            now,
            "cancelling",
            "ACTIVE or FROZEN",
            &[AppSubscriptionStatus::Active, AppSubscriptionStatus::Frozen],
            AppSubscriptionStatus::Cancelled,
        )?;
        if let Ok(record) = self.get_mut(shop, Some(api_key), id) {
            record.cancelled_at = Some(now);
            record.prorated = prorate;
        }
        Ok(changes)
    }

    /// The shop stopped paying its Shopify bill: FROZEN.
    pub fn freeze(
        &mut self,
        shop: &str,
        id: u64,
        now: DateTime<Utc>,
    ) -> Result<Vec<StatusChange>, BillingError> {
        self.transition(
            shop,
            None,
            id,
            now,
            "freezing",
            "ACTIVE",
            &[AppSubscriptionStatus::Active],
            AppSubscriptionStatus::Frozen,
        )
    }

    /// Payments resumed: ACTIVE again, billing periods continuing where they were.
    pub fn unfreeze(
        &mut self,
        shop: &str,
        id: u64,
        now: DateTime<Utc>,
    ) -> Result<Vec<StatusChange>, BillingError> {
        self.transition(
            shop,
            None,
            id,
            now,
            "unfreezing",
            "FROZEN",
            &[AppSubscriptionStatus::Frozen],
            AppSubscriptionStatus::Active,
        )
    }

    /// Two days passed without an answer: EXPIRED.
    pub fn expire(
        &mut self,
        shop: &str,
        id: u64,
        now: DateTime<Utc>,
    ) -> Result<Vec<StatusChange>, BillingError> {
        let record = self.get_mut(shop, None, id)?;
        if record.status != AppSubscriptionStatus::Pending {
            return Err(BillingError::WrongStatus {
                status: record.status,
                action: "expiring",
                needs: "PENDING",
            });
        }
        // As if it had been created two days ago; the sweep does the rest.
        record.created_at = now - PENDING_LIFETIME;
        Ok(self.expire_stale(now))
    }

    /// The trial days have elapsed: the trial ended now and the first paid period started.
    /// No status changes, so no webhook.
    pub fn end_trial(
        &mut self,
        shop: &str,
        id: u64,
        now: DateTime<Utc>,
    ) -> Result<SubscriptionRecord, BillingError> {
        let record = self.get_mut(shop, None, id)?;
        if !matches!(
            record.status,
            AppSubscriptionStatus::Active | AppSubscriptionStatus::Frozen
        ) {
            return Err(BillingError::WrongStatus {
                status: record.status,
                action: "ending the trial",
                needs: "ACTIVE or FROZEN",
            });
        }
        if !record.in_trial(now) {
            return Err(BillingError::NoTrial);
        }
        let trial = Duration::days(i64::from(record.trial_days));
        record.activated_at = Some(now - trial);
        record.trial_ends_at = Some(now);
        record.period_end = Some(now + record.interval.duration());
        record.updated_at = now;
        Ok(record.clone())
    }

    /// The app was uninstalled: its ACTIVE and FROZEN subscriptions on the shop are CANCELLED.
    pub fn uninstall(
        &mut self,
        shop: &str,
        api_key: &str,
        now: DateTime<Utc>,
    ) -> Vec<StatusChange> {
        let mut changes = self.expire_stale(now);
        for record in self.subscriptions.values_mut() {
            let live = matches!(
                record.status,
                AppSubscriptionStatus::Active | AppSubscriptionStatus::Frozen
            );
            if record.shop == shop && record.api_key == api_key && live {
                record.cancelled_at = Some(now);
                changes.push(record.set_status(AppSubscriptionStatus::Cancelled, now));
            }
        }
        changes
    }

    #[allow(clippy::too_many_arguments)] // one shared shape for the simple transitions
    fn transition(
        &mut self,
        shop: &str,
        api_key: Option<&str>,
        id: u64,
        now: DateTime<Utc>,
        action: &'static str,
        needs: &'static str,
        from: &[AppSubscriptionStatus],
        to: AppSubscriptionStatus,
    ) -> Result<Vec<StatusChange>, BillingError> {
        let mut changes = self.expire_stale(now);
        let record = self.get_mut(shop, api_key, id)?;
        if !from.contains(&record.status) {
            return Err(BillingError::WrongStatus {
                status: record.status,
                action,
                needs,
            });
        }
        changes.push(record.set_status(to, now));
        Ok(changes)
    }

    fn log_delivery(&mut self, entry: Value) {
        if self.deliveries.len() == MAX_DELIVERY_LOG {
            self.deliveries.pop_front();
        }
        self.deliveries.push_back(entry);
    }

    /// The webhook deliveries for `shop`, oldest first.
    pub fn deliveries_of<'a>(&'a self, shop: &'a str) -> impl Iterator<Item = &'a Value> {
        self.deliveries
            .iter()
            .filter(move |d| d["shop"].as_str() == Some(shop))
    }
}

/// Delivers `app_subscriptions/update` for each change, in order, to the app's configured
/// subscription; returns one report per change (also kept for `/_sim` inspection).
async fn deliver(state: &SimState, changes: Vec<StatusChange>) -> Vec<Value> {
    let mut reports = Vec::with_capacity(changes.len());
    for change in changes {
        let path = state.world.lock().await.billing.webhook_path.clone();
        let delivery = match path {
            None => json!({ "skipped": "the app does not subscribe to app_subscriptions/update" }),
            Some(path) => {
                let request = WebhookRequest {
                    shop: change.shop.clone(),
                    topic: WEBHOOK_TOPIC.to_owned(),
                    payload: Some(change.payload.clone()),
                    duplicate: false,
                    path: Some(path),
                    omit_headers: Vec::new(),
                };
                match webhooks::deliver(state, request).await {
                    Ok(report) => json!(report),
                    Err(error) => json!({ "error": error }),
                }
            }
        };
        let entry = json!({
            "shop": change.shop,
            "subscriptionId": format!("gid://shopify/AppSubscription/{}", change.subscription_id),
            "status": change.status,
            "delivery": delivery,
        });
        state.world.lock().await.billing.log_delivery(entry.clone());
        reports.push(entry);
    }
    reports
}

/// Deliveries waiting for the delivery task, and who waits for their reports.
struct Job {
    changes: Vec<StatusChange>,
    done: Option<oneshot::Sender<Vec<Value>>>,
}

/// Starts the task that delivers queued changes one after the other. It holds the simulator
/// weakly, so it ends with it.
fn start_delivery_task(state: Weak<SimState>) -> mpsc::UnboundedSender<Job> {
    let (sender, mut jobs) = mpsc::unbounded_channel::<Job>();
    tokio::spawn(async move {
        while let Some(job) = jobs.recv().await {
            let Some(state) = state.upgrade() else { break };
            let reports = deliver(&state, job.changes).await;
            drop(state);
            if let Some(done) = job.done {
                let _ = done.send(reports);
            }
        }
    });
    sender
}

impl Billing {
    /// Queues `changes` for delivery, behind every change queued before (call it with the world
    /// still locked, right after making the changes, so the order is the order they happened).
    fn enqueue(
        &mut self,
        state: &Arc<SimState>,
        changes: Vec<StatusChange>,
        done: Option<oneshot::Sender<Vec<Value>>>,
    ) {
        let mut job = Job { changes, done };
        if let Some(queue) = &self.queue {
            match queue.send(job) {
                Ok(()) => return,
                Err(mpsc::error::SendError(back)) => job = back,
            }
        }
        let queue = start_delivery_task(Arc::downgrade(state));
        let _ = queue.send(job);
        self.queue = Some(queue);
    }
}

/// Delivers in the background, as Shopify does: the caller does not wait for the app.
pub fn deliver_later(state: &Arc<SimState>, billing: &mut Billing, changes: Vec<StatusChange>) {
    if !changes.is_empty() {
        billing.enqueue(state, changes, None);
    }
}

/// Queues the deliveries; await the receiver (after unlocking the world) for their reports.
pub fn deliver_and_wait(
    state: &Arc<SimState>,
    billing: &mut Billing,
    changes: Vec<StatusChange>,
) -> oneshot::Receiver<Vec<Value>> {
    let (done, reports) = oneshot::channel();
    billing.enqueue(state, changes, Some(done));
    reports
}

/// The app (the configured API key) was uninstalled from `shop`: its ACTIVE and FROZEN
/// subscriptions there are CANCELLED, and the app is told. Returns the delivery reports.
pub async fn uninstall(state: &Arc<SimState>, shop: &str) -> Vec<Value> {
    let api_key = state.config.read().await.api_key.clone();
    let reports = {
        let mut world = state.world.lock().await;
        let changes = world.billing.uninstall(shop, &api_key, Utc::now());
        deliver_and_wait(state, &mut world.billing, changes)
    };
    reports.await.unwrap_or_default()
}

/// The confirmation page and the `/_sim` billing controls.
pub fn routes() -> Router<Arc<SimState>> {
    Router::new()
        .route(
            "/store/{shop}/admin/charges/{api_key}/{id}/RecurringApplicationCharge/confirm_recurring_application_charge",
            get(page::show).post(page::answer),
        )
        .route("/_sim/billing", get(control::get_settings).put(control::put_settings))
        .route(
            "/_sim/shops/{shop}/subscriptions",
            get(control::list),
        )
        .route(
            "/_sim/shops/{shop}/subscriptions/{id}/{action}",
            post(control::act),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_sub(trial_days: i32) -> NewSubscription {
        NewSubscription {
            name: "Pro".into(),
            return_url: "https://app.example/billing".into(),
            price_minor: 1900,
            currency: CurrencyCode::Usd,
            interval: AppPricingInterval::Every30Days,
            trial_days,
            test: true,
            replacement: AppSubscriptionReplacementBehavior::Standard,
        }
    }

    #[test]
    fn approval_replaces_the_previous_subscription() {
        let mut billing = Billing::default();
        let now = Utc::now();
        let first = billing.create("a.myshopify.com", 1, "key", new_sub(0), now);
        billing
            .approve("a.myshopify.com", "key", first.id, now)
            .unwrap();
        let second = billing.create("a.myshopify.com", 1, "key", new_sub(14), now);
        let other_app = billing.create("a.myshopify.com", 1, "other", new_sub(0), now);
        billing
            .approve("a.myshopify.com", "other", other_app.id, now)
            .unwrap();
        let changes = billing
            .approve("a.myshopify.com", "key", second.id, now)
            .unwrap();
        let statuses: Vec<_> = changes
            .iter()
            .map(|c| (c.subscription_id, c.status))
            .collect();
        assert_eq!(
            statuses,
            vec![
                (first.id, AppSubscriptionStatus::Cancelled),
                (second.id, AppSubscriptionStatus::Active)
            ]
        );
        let second = billing.get("a.myshopify.com", None, second.id).unwrap();
        assert_eq!(
            second.current_period_end(now),
            Some(now + Duration::days(14))
        );
        let other = billing.get("a.myshopify.com", None, other_app.id).unwrap();
        assert_eq!(other.status, AppSubscriptionStatus::Active);
        assert_eq!(
            billing.approve("a.myshopify.com", "key", first.id, now),
            Err(BillingError::WrongStatus {
                status: AppSubscriptionStatus::Cancelled,
                action: "approval",
                needs: "PENDING"
            })
        );
    }

    #[test]
    fn periods_roll_over_and_trials_end() {
        let mut billing = Billing::default();
        let now = Utc::now();
        let sub = billing.create("a.myshopify.com", 1, "key", new_sub(14), now);
        billing
            .approve("a.myshopify.com", "key", sub.id, now)
            .unwrap();
        let later = now + Duration::days(15);
        let record = billing.get("a.myshopify.com", None, sub.id).unwrap();
        assert_eq!(
            record.current_period_end(later),
            Some(now + Duration::days(44))
        );
        let ended = billing.end_trial("a.myshopify.com", sub.id, now).unwrap();
        assert_eq!(ended.trial_ends_at, Some(now));
        assert_eq!(
            ended.current_period_end(now),
            Some(now + Duration::days(30))
        );
        assert_eq!(
            billing.end_trial("a.myshopify.com", sub.id, now),
            Err(BillingError::NoTrial)
        );
    }

    #[test]
    fn stale_pending_subscriptions_expire_and_foreign_ones_are_not_found() {
        let mut billing = Billing::default();
        let now = Utc::now();
        let sub = billing.create("a.myshopify.com", 1, "key", new_sub(0), now);
        assert!(billing.expire_stale(now + Duration::hours(47)).is_empty());
        let changes = billing.expire_stale(now + PENDING_LIFETIME);
        assert_eq!(changes[0].status, AppSubscriptionStatus::Expired);
        assert_eq!(
            billing.decline("b.myshopify.com", "key", sub.id, now),
            Err(BillingError::NotFound)
        );
        assert_eq!(
            billing.cancel("a.myshopify.com", "other", sub.id, false, now),
            Err(BillingError::NotFound)
        );
    }

    #[test]
    fn signatures_bind_shop_app_and_id() {
        let billing = Billing::default();
        let sig = billing.signature("a.myshopify.com", "key", 7);
        assert!(billing.signature_matches("a.myshopify.com", "key", 7, &sig));
        assert!(!billing.signature_matches("b.myshopify.com", "key", 7, &sig));
        assert!(!billing.signature_matches("a.myshopify.com", "key", 8, &sig));
        assert!(!billing.signature_matches("a.myshopify.com", "key", 7, "00"));
    }

    #[test]
    fn webhook_payload_has_shopifys_fields() {
        let mut billing = Billing::default();
        let now = Utc::now();
        let sub = billing.create("a.myshopify.com", 42, "key", new_sub(0), now);
        let payload = webhook_payload(&sub);
        let body = &payload["app_subscription"];
        assert_eq!(body["admin_graphql_api_id"], sub.gid());
        assert_eq!(body["admin_graphql_api_shop_id"], "gid://shopify/Shop/42");
        assert_eq!(body["status"], "PENDING");
        assert_eq!(body["currency"], "USD");
        assert_eq!(body["price"], "19.00");
        assert_eq!(body["interval"], "every_30_days");
        assert!(body["capped_amount"].is_null());
        assert!(body["created_at"].as_str().unwrap().ends_with("+00:00"));
    }
}
