//! The Home page (DESIGN §12), shown by the app's entry (`auth::embedded`): the setup guide
//! until a shopper can order (1 a matrix, 2 assigned to a product, 3 the calculator in the
//! theme), the draft order counters and the latest records.

use askama::Template;
use axum::response::Response;
use chrono::Utc;

use gridprice_storage::stores::Store;

use super::Overview;
use crate::billing::pages::{used_of, PlanHeading};
use crate::billing::{Standing, PLAN_PAGE};
use crate::draft_orders::pages::{row, RecordRow};
use crate::http::error::ApiError;
use crate::http::AppState;
use crate::pages::{asset_url, render, Chrome};
use crate::storefront::add_calculator_path;

/// One step of the setup guide.
struct Step {
    number: usize,
    done: bool,
    /// The step the guide leads to: open, with its action.
    current: bool,
    title: &'static str,
    body: &'static str,
    action: &'static str,
    href: String,
}

/// A figure on Home: what it counts, its element id, its value.
struct Counter {
    label: &'static str,
    id: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "home/templates/home.html")]
struct HomePage {
    chrome: Chrome,
    installed: String,
    /// No step done yet: the first-run state, which leads to step 1.
    first_run: bool,
    /// `None` once every step is done.
    steps: Option<Vec<Step>>,
    progress: String,
    steps_done: usize,
    step_count: usize,
    counters: [Counter; 2],
    rows: Vec<RecordRow>,
    orders_href: String,
    plan: PlanHeading,
    plan_usage: String,
    plan_href: String,
    script: String,
    text_json: String,
}

/// Renders Home for `store`.
pub async fn home(state: &AppState, chrome: Chrome, store: &Store) -> Result<Response, ApiError> {
    let now = Utc::now();
    let overview = Overview::load(&state.db, store, now).await?;
    let standing = Standing::load(&state.db, store.id).await?;
    let t = chrome.t;
    let limits = state.plans.limits(standing.plan);
    let setup = overview.setup;
    let steps = guide(
        &chrome,
        &state.shopify.config().credentials.api_key,
        &overview,
    );
    let step_count = steps.len();
    let steps_done = setup.steps_done();
    let page = HomePage {
        installed: t.format(
            "home.installed",
            &[
                ("shop", store.shop.as_str()),
                ("currency", store.currency.code()),
            ],
        ),
        first_run: steps_done == 0,
        progress: t.format(
            "home.setup.progress",
            &[
                ("done", &steps_done.to_string()),
                ("total", &step_count.to_string()),
            ],
        ),
        steps: setup.next_step().map(|_| steps),
        steps_done,
        step_count,
        counters: [
            Counter {
                label: t.get("home.orders.total"),
                id: "orders-total",
                value: overview.total_draft_orders_created.to_string(),
            },
            Counter {
                label: t.get("home.orders.month"),
                id: "orders-month",
                value: overview.draft_orders_created_this_month.to_string(),
            },
        ],
        rows: overview
            .latest_draft_orders
            .into_iter()
            .map(|record| row(t, &store.shop, record))
            .collect(),
        orders_href: chrome.link("/app/draft-orders"),
        plan: PlanHeading::new(t, &state.plans, &standing, now),
        plan_usage: t.format(
            "home.plan.summary",
            &[
                (
                    "matrices",
                    &used_of(t, overview.matrix_count, limits.matrices),
                ),
                (
                    "groups",
                    &used_of(t, overview.option_group_count, limits.option_groups),
                ),
            ],
        ),
        plan_href: chrome.link(PLAN_PAGE),
        script: asset_url("home.js"),
        text_json: t.section_json("home.script."),
        chrome,
    };
    Ok(render(state, Some(&store.shop), &page))
}

fn guide(chrome: &Chrome, api_key: &str, overview: &Overview) -> Vec<Step> {
    let t = chrome.t;
    let next = overview.setup.next_step();
    let steps = [
        (
            t.get("home.setup.matrix.title"),
            t.get("home.setup.matrix.body"),
            t.get("home.setup.matrix.action"),
            chrome.link("/app/matrices"),
        ),
        (
            t.get("home.setup.assign.title"),
            t.get("home.setup.assign.body"),
            t.get("home.setup.assign.action"),
            chrome.link("/app/products"),
        ),
        (
            t.get("home.setup.calculator.title"),
            t.get("home.setup.calculator.body"),
            t.get("home.setup.calculator.action"),
            // App Bridge opens `shopify://admin/…` in the admin, around the app's frame.
            format!("shopify://admin{}", add_calculator_path(api_key)),
        ),
    ];
    steps
        .into_iter()
        .zip(overview.setup.steps())
        .enumerate()
        .map(|(index, ((title, body, action, href), done))| Step {
            number: index + 1,
            done,
            current: next == Some(index),
            title,
            body,
            action,
            href,
        })
        .collect()
}
