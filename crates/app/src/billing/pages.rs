//! The Plan page (`/app/plan`): the store's plan, its trial, what it uses of its limits, and
//! the way up (Pro, through Shopify's confirmation page) or down (cancel). Shopify sends the
//! merchant back here with `charge_id` after approving; the page confirms the charge with
//! Shopify before it says anything changed.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use gridprice_storage::billing::{self as storage, Usage};
use gridprice_storage::StoreId;
use shopify::admin::billing::AppPricingInterval;

use super::service::{self, Confirmation};
use super::{over_limit, Allowance, Limits, PlanKey, Plans, Resource, Standing, PLAN_PAGE};
use crate::error::ServiceError;
use crate::http::error::ApiError;
use crate::http::AppState;
use crate::pages::{asset_url, render, Chrome, PageSession, Text};

/// Dates on the Plan page: the day is what matters to a bill.
const DATE_FORMAT: &str = "%Y-%m-%d";
/// Longest `charge_id` taken from a return (Shopify's ids are 64-bit numbers).
const MAX_CHARGE_ID_CHARS: usize = 64;

pub fn routes() -> Router<AppState> {
    Router::new().route("/app/plan", get(plan))
}

#[derive(Debug, Deserialize)]
struct PlanParams {
    /// Added by Shopify when the merchant approved a charge; proves nothing by itself.
    charge_id: Option<String>,
}

/// A message at the top of the page.
struct Notice {
    id: &'static str,
    tone: &'static str,
    text: String,
}

/// One line of a plan's card or the usage list.
struct Line {
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "billing/templates/plan.html")]
struct PlanPage {
    chrome: Chrome,
    notices: Vec<Notice>,
    heading: PlanHeading,
    test_charge: bool,
    summary: String,
    usage: Vec<Line>,
    free_lines: Vec<Line>,
    pro_name: String,
    pro_price: String,
    pro_trial: Option<String>,
    pro_lines: Vec<Line>,
    on_pro: bool,
    /// A subscription to cancel (active or frozen).
    cancellable: bool,
    text_json: String,
    script: String,
}

/// `GET /app/plan?charge_id=`
async fn plan(
    State(state): State<AppState>,
    page_session: PageSession,
    Query(params): Query<PlanParams>,
) -> Result<Response, ApiError> {
    let session = &page_session.admin;
    let t = page_session.chrome.t;
    let mut notices = Vec::new();
    if let Some(charge_id) = params.charge_id.as_deref() {
        notices.push(confirmation_notice(&state, session, t, charge_id).await);
    }
    let store = &session.store;
    let standing = Standing::load(&state.db, store.id).await?;
    let usage = storage::usage(&state.db, store.id).await?;
    let limits = state.plans.limits(standing.plan);
    if standing.frozen() {
        notices.push(Notice {
            id: "frozen",
            tone: "warning",
            text: t.get("plan.frozen").to_owned(),
        });
    }
    if over_limit(limits, usage) {
        notices.push(Notice {
            id: "over-limit",
            tone: "warning",
            text: t.get("plan.over_limit").to_owned(),
        });
    }
    let page = page(
        &state.plans,
        &standing,
        usage,
        notices,
        page_session.chrome,
        Utc::now(),
    );
    Ok(render(&state, Some(&store.shop), &page))
}

/// What came of the merchant's return from Shopify, in words.
async fn confirmation_notice(
    state: &AppState,
    session: &crate::auth::AdminSession,
    t: Text,
    charge_id: &str,
) -> Notice {
    let charge_id: String = charge_id.chars().take(MAX_CHARGE_ID_CHARS).collect();
    match service::confirm(&state.db, &state.shopify, session, &charge_id).await {
        Ok(Confirmation::Active) => Notice {
            id: "confirmed",
            tone: "success",
            text: t.format("plan.confirmed", &[("plan", &state.plans.pro.name)]),
        },
        Ok(Confirmation::NotActive) => Notice {
            id: "not-confirmed",
            tone: "warning",
            text: t.get("plan.not_confirmed").to_owned(),
        },
        Err(error) => {
            if let ServiceError::Internal(cause) | ServiceError::BadGateway(cause) = &error {
                tracing::error!(%cause, "a charge could not be confirmed");
            }
            Notice {
                id: "confirm-failed",
                tone: "critical",
                text: t.get("plan.confirm_failed").to_owned(),
            }
        }
    }
}

fn page(
    plans: &Plans,
    standing: &Standing,
    usage: Usage,
    notices: Vec<Notice>,
    chrome: Chrome,
    now: DateTime<Utc>,
) -> PlanPage {
    let t = chrome.t;
    let subscription = standing.subscription.as_ref();
    let heading = PlanHeading::new(t, plans, standing, now);
    let summary = match (standing.plan, standing.trial_days_left(now), subscription) {
        (PlanKey::Pro, Some(days), Some(s)) => t.format(
            "plan.summary.trial",
            &[
                ("days", &days.to_string()),
                ("date", &date(s.trial_ends_at())),
            ],
        ),
        (PlanKey::Pro, None, Some(s)) if s.current_period_end.is_some() => t.format(
            "plan.summary.renews",
            &[("date", &date(s.current_period_end))],
        ),
        (PlanKey::Pro, _, _) => t.get("plan.summary.pro").to_owned(),
        (PlanKey::Free, _, _) if standing.frozen() => t.get("plan.summary.frozen").to_owned(),
        (PlanKey::Free, _, _) => t.get("plan.summary.free").to_owned(),
    };
    let limits = plans.limits(standing.plan);
    let pro_price = t.format(
        match plans.pro.interval {
            AppPricingInterval::Every30Days => "plan.pro.price.30days",
            AppPricingInterval::Annual => "plan.pro.price.annual",
        },
        &[
            ("price", &plans.pro.price.to_string()),
            ("currency", plans.pro.price.currency().code()),
        ],
    );
    PlanPage {
        notices,
        heading,
        test_charge: subscription.is_some_and(|s| s.test),
        summary,
        usage: vec![
            Line {
                label: t.get("plan.limit.matrices"),
                value: used_of(t, usage.matrices, limits.matrices),
            },
            Line {
                label: t.get("plan.limit.option_groups"),
                value: used_of(t, usage.option_groups, limits.option_groups),
            },
            Line {
                label: t.get("plan.limit.csv_import"),
                value: included(t, limits.csv_import),
            },
        ],
        free_lines: limit_lines(t, plans.free),
        pro_name: plans.pro.name.clone(),
        pro_price,
        pro_trial: (!standing.trial_used && plans.pro.trial_days > 0).then(|| {
            t.format(
                "plan.pro.trial",
                &[("days", &plans.pro.trial_days.to_string())],
            )
        }),
        pro_lines: limit_lines(t, plans.pro.limits),
        on_pro: standing.plan == PlanKey::Pro,
        cancellable: subscription.is_some(),
        text_json: t.section_json("plan.script."),
        script: asset_url("plan.js"),
        chrome,
    }
}

fn limit_lines(t: Text, limits: Limits) -> Vec<Line> {
    vec![
        Line {
            label: t.get("plan.limit.matrices"),
            value: allowance(t, limits.matrices),
        },
        Line {
            label: t.get("plan.limit.option_groups"),
            value: allowance(t, limits.option_groups),
        },
        Line {
            label: t.get("plan.limit.csv_import"),
            value: included(t, limits.csv_import),
        },
    ]
}

fn allowance(t: Text, allowance: Allowance) -> String {
    match allowance {
        Allowance::UpTo(max) => max.to_string(),
        Allowance::Unlimited => t.get("plan.unlimited").to_owned(),
    }
}

/// A page's note that the store's plan has no room for one more item, with the way to the Plan
/// page: shown before the merchant tries (the server refuses anyway).
pub struct LimitNote {
    pub text: String,
    pub href: String,
}

impl LimitNote {
    pub async fn load(
        state: &AppState,
        chrome: &Chrome,
        store: StoreId,
        resource: Resource,
    ) -> Result<Option<Self>, ApiError> {
        let standing = Standing::load(&state.db, store).await?;
        let usage = storage::usage(&state.db, store).await?;
        let limits = state.plans.limits(standing.plan);
        let (allowance, used, key) = match resource {
            Resource::Matrices => (limits.matrices, usage.matrices, "plan.note.matrices"),
            Resource::OptionGroups => (
                limits.option_groups,
                usage.option_groups,
                "plan.note.option_groups",
            ),
            Resource::CsvImport => return Ok(None),
        };
        let Allowance::UpTo(allowed) = allowance else {
            return Ok(None);
        };
        if allowance.has_room(used) {
            return Ok(None);
        }
        let t = chrome.t;
        Ok(Some(Self {
            text: t.format(
                key,
                &[
                    ("used", &used.to_string()),
                    ("allowed", &allowed.to_string()),
                    ("plan", t.get(standing.plan.label_key())),
                ],
            ),
            href: chrome.link(PLAN_PAGE),
        }))
    }
}

/// The plan's name and, for a subscription, its state — on the Plan page and Home.
pub struct PlanHeading {
    pub name: String,
    /// `(label, tone)`: active, in its trial, frozen; `None` on Free.
    pub badge: Option<(&'static str, &'static str)>,
}

impl PlanHeading {
    pub fn new(t: Text, plans: &Plans, standing: &Standing, now: DateTime<Utc>) -> Self {
        let badge = if standing.frozen() {
            Some((t.get("plan.status.frozen"), "warning"))
        } else if standing.plan == PlanKey::Free {
            None
        } else if standing.trial_days_left(now).is_some() {
            Some((t.get("plan.status.trial"), "info"))
        } else {
            Some((t.get("plan.status.active"), "success"))
        };
        let name = match standing.subscription {
            Some(_) => plans.pro.name.clone(),
            None => t.get(PlanKey::Free.label_key()).to_owned(),
        };
        Self { name, badge }
    }
}

/// "1 of 1", "3 of 1", "4 (no limit)".
pub fn used_of(t: Text, used: u64, allowance: Allowance) -> String {
    match allowance {
        Allowance::UpTo(max) => t.format(
            "plan.usage.of",
            &[("used", &used.to_string()), ("max", &max.to_string())],
        ),
        Allowance::Unlimited => t.format("plan.usage.unlimited", &[("used", &used.to_string())]),
    }
}

fn included(t: Text, included: bool) -> String {
    t.get(if included {
        "plan.included"
    } else {
        "plan.not_included"
    })
    .to_owned()
}

fn date(at: Option<DateTime<Utc>>) -> String {
    at.map(|at| at.format(DATE_FORMAT).to_string())
        .unwrap_or_default()
}
