//! The matrices pages of the embedded admin (DESIGN §12): the index at `/app/matrices` and the
//! editor at `/app/matrices/{id}`. They render what the merchant sees; every change goes
//! through `/app/api/matrices` with a session token, from the pages' own script.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use gridprice_storage::matrices::{self as storage, MatrixSummary};
use gridprice_storage::{products, MatrixId};

use super::routes::matrix_view;
use crate::billing::pages::LimitNote;
use crate::billing::Resource;
use crate::http::error::ApiError;
use crate::http::extract::PathParam;
use crate::http::AppState;
use crate::pages::{asset_url, render, script_json, Chrome, PageSession};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/matrices", get(index))
        .route("/app/matrices/{id}", get(editor))
}

/// Grid sizes a new matrix can start from: widths × heights, in the store's unit.
const TEMPLATE_SIZES: [(usize, usize); 3] = [(3, 3), (5, 5), (10, 10)];

/// One line of the index.
struct MatrixRow {
    id: MatrixId,
    href: String,
    name: String,
    size: String,
    unit: &'static str,
    products: i64,
    /// The titles of the products a delete would unassign, for the confirmation.
    product_titles: String,
    /// `2026-12-04`
    updated: String,
}

#[derive(Template)]
#[template(path = "matrices/templates/index.html")]
struct IndexPage {
    chrome: Chrome,
    rows: Vec<MatrixRow>,
    sizes: Vec<(usize, usize)>,
    unit: &'static str,
    limit_note: Option<LimitNote>,
    script: String,
    text_json: String,
}

/// `GET /app/matrices`
async fn index(State(state): State<AppState>, page: PageSession) -> Result<Response, ApiError> {
    let store = &page.admin.store;
    let summaries = storage::list(&state.db, store.id).await?;
    let assignments = products::list(&state.db, store.id).await?;
    let rows = summaries
        .into_iter()
        .map(|summary| {
            let titles: Vec<&str> = assignments
                .iter()
                .filter(|assignment| assignment.matrix_id == summary.id)
                .map(|assignment| assignment.product_title.as_str())
                .collect();
            row(&page.chrome, summary, titles.join(", "))
        })
        .collect();
    let chrome = page.chrome;
    let limit_note = LimitNote::load(&state, &chrome, store.id, Resource::Matrices).await?;
    let view = IndexPage {
        limit_note,
        text_json: chrome.t.section_json("matrices.script."),
        chrome,
        rows,
        sizes: TEMPLATE_SIZES.to_vec(),
        unit: store.unit_preference.as_str(),
        script: asset_url("matrices.js"),
    };
    Ok(render(&state, Some(&store.shop), &view))
}

fn row(chrome: &Chrome, summary: MatrixSummary, product_titles: String) -> MatrixRow {
    MatrixRow {
        id: summary.id,
        href: chrome.link(&format!("/app/matrices/{}", summary.id.get())),
        size: format!("{} × {}", summary.widths, summary.heights),
        unit: summary.unit.as_str(),
        products: summary.assigned_products,
        product_titles,
        updated: summary.updated_at.format("%Y-%m-%d").to_string(),
        name: summary.name,
    }
}

#[derive(Template)]
#[template(path = "matrices/templates/editor.html")]
struct EditorPage {
    chrome: Chrome,
    id: MatrixId,
    name: String,
    currency: &'static str,
    decimals: u32,
    matrix_json: String,
    script: String,
    text_json: String,
}

/// `GET /app/matrices/{id}`
async fn editor(
    State(state): State<AppState>,
    page: PageSession,
    PathParam(id): PathParam<i64>,
) -> Result<Response, ApiError> {
    let store = &page.admin.store;
    let stored = storage::load(&state.db, store.id, MatrixId::new(id)).await?;
    let name = stored.name.clone();
    let view = matrix_view(stored, store.currency);
    let chrome = page.chrome;
    let editor = EditorPage {
        text_json: chrome.t.section_json("editor.script."),
        chrome,
        id: MatrixId::new(id),
        name,
        currency: store.currency.code(),
        decimals: store.currency.exponent(),
        matrix_json: script_json(&view),
        script: asset_url("matrix-editor.js"),
    };
    Ok(render(&state, Some(&store.shop), &editor))
}
