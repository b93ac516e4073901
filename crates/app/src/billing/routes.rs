//! The admin API of billing: `GET /app/api/billing` (plan, trial, usage, limits, what Pro
//! costs), `POST /app/api/billing/subscribe` (Shopify's confirmation URL, to open at the top
//! level), `POST /app/api/billing/cancel`.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use gridprice_storage::billing::{self as storage, Subscription, Usage};
use serde::Serialize;

use super::{service, Limits, Plans, Standing};
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/api/billing", get(show))
        .route("/app/api/billing/subscribe", post(subscribe))
        .route("/app/api/billing/cancel", post(cancel))
}

/// Where the store stands, as the Plan page and API clients read it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingView {
    /// `free` or `pro`.
    plan: &'static str,
    /// The Pro charge is on hold (the shop's Shopify bill is unpaid): Free's limits apply.
    frozen: bool,
    /// Subscribing now would start with the trial (one per shop, ever).
    trial_available: bool,
    trial_days_left: Option<i64>,
    subscription: Option<SubscriptionView>,
    usage: UsageView,
    /// What the current plan allows (`null`: no limit).
    limits: LimitsView,
    pro: ProView,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionView {
    id: String,
    name: String,
    status: &'static str,
    test: bool,
    trial_days: u32,
    activated_at: Option<DateTime<Utc>>,
    trial_ends_at: Option<DateTime<Utc>>,
    current_period_end: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UsageView {
    matrices: u64,
    option_groups: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LimitsView {
    matrices: Option<u64>,
    option_groups: Option<u64>,
    csv_import: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ProView {
    name: String,
    /// Exact, in major units with the currency's decimals (`"19.00"`).
    price: String,
    currency: &'static str,
    interval: shopify::admin::billing::AppPricingInterval,
    trial_days: u32,
    limits: LimitsView,
}

impl From<Limits> for LimitsView {
    fn from(limits: Limits) -> Self {
        Self {
            matrices: limits.matrices.number(),
            option_groups: limits.option_groups.number(),
            csv_import: limits.csv_import,
        }
    }
}

impl From<&Subscription> for SubscriptionView {
    fn from(s: &Subscription) -> Self {
        Self {
            id: s.shopify_id.to_string(),
            name: s.name.clone(),
            status: s.status.as_str(),
            test: s.test,
            trial_days: s.trial_days,
            activated_at: s.activated_at,
            trial_ends_at: s.trial_ends_at(),
            current_period_end: s.current_period_end,
        }
    }
}

impl BillingView {
    pub fn new(plans: &Plans, standing: &Standing, usage: Usage, now: DateTime<Utc>) -> Self {
        Self {
            plan: standing.plan.as_str(),
            frozen: standing.frozen(),
            trial_available: !standing.trial_used && plans.pro.trial_days > 0,
            trial_days_left: standing.trial_days_left(now),
            subscription: standing.subscription.as_ref().map(SubscriptionView::from),
            usage: UsageView {
                matrices: usage.matrices,
                option_groups: usage.option_groups,
            },
            limits: plans.limits(standing.plan).into(),
            pro: ProView {
                name: plans.pro.name.clone(),
                price: plans.pro.price.to_string(),
                currency: plans.pro.price.currency().code(),
                interval: plans.pro.interval,
                trial_days: plans.pro.trial_days,
                limits: plans.pro.limits.into(),
            },
        }
    }

    pub async fn load(state: &AppState, session: &AdminSession) -> Result<Self, ApiError> {
        let store = session.store.id;
        let standing = Standing::load(&state.db, store).await?;
        let usage = storage::usage(&state.db, store).await?;
        Ok(Self::new(&state.plans, &standing, usage, Utc::now()))
    }
}

async fn show(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<BillingView>, ApiError> {
    Ok(Json(BillingView::load(&state, &session).await?))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Subscribed {
    /// Shopify's page where the merchant approves the charge: open it in the whole window.
    confirmation_url: String,
}

async fn subscribe(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<Subscribed>, ApiError> {
    let url = service::subscribe(&state.db, &state.shopify, &state.plans, &session).await?;
    Ok(Json(Subscribed {
        confirmation_url: url.to_string(),
    }))
}

async fn cancel(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<BillingView>, ApiError> {
    service::cancel(&state.db, &state.shopify, &session).await?;
    Ok(Json(BillingView::load(&state, &session).await?))
}
