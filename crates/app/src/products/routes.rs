//! `/app/api/products`: which matrix prices which product, and a product search for pickers.

use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use gridprice_storage::products::{self as storage, Assignment, Move};
use gridprice_storage::{matrices, MatrixId};

use super::service;
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::http::extract::{product_id, JsonBody, PathParam, QueryParams, MAX_JSON_BODY_BYTES};
use crate::http::AppState;

/// Products per search page: a picker's screenful.
const SEARCH_PAGE_SIZE: u32 = 25;
const MAX_SEARCH_QUERY_CHARS: usize = 255;
/// Shopify cursors are opaque base64 strings well under this.
const MAX_CURSOR_CHARS: usize = 512;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/api/products", get(list))
        .route(
            "/app/api/products/{product_id}/matrix",
            put(assign).delete(unassign),
        )
        .route("/app/api/shopify/products", get(search))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AssignBody {
    matrix_id: i64,
    /// Needed to move a product that already has another matrix.
    #[serde(default)]
    replace: bool,
    /// With `replace`: the matrix the merchant agreed to take the product from. Should it have
    /// another one by now (moved in a second tab), nothing changes: 409.
    from_matrix_id: Option<i64>,
}

impl AssignBody {
    fn moving(&self) -> Result<Move, ApiError> {
        match (self.replace, self.from_matrix_id) {
            (false, None) => Ok(Move::Refuse),
            (true, None) => Ok(Move::FromAny),
            (true, Some(from)) => Ok(Move::From(MatrixId::new(from))),
            (false, Some(_)) => Err(ApiError::invalid_field(
                "fromMatrixId",
                "only with \"replace\": true",
            )),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    /// Shopify search syntax; all products when left out.
    query: Option<String>,
    /// `endCursor` of the previous page.
    after: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AssignmentView {
    product_id: String,
    product_title: String,
    product_image_url: Option<String>,
    default_variant_id: Option<String>,
    matrix_id: MatrixId,
    /// Absent only while the matrix is being deleted.
    matrix_name: Option<String>,
    assigned_at: DateTime<Utc>,
}

impl AssignmentView {
    fn new(assignment: Assignment, matrix_name: Option<String>) -> Self {
        Self {
            product_id: assignment.product_gid,
            product_title: assignment.product_title,
            product_image_url: assignment.product_image_url,
            default_variant_id: assignment.default_variant_gid,
            matrix_id: assignment.matrix_id,
            matrix_name,
            assigned_at: assignment.assigned_at,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ProductList {
    products: Vec<AssignmentView>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchPage {
    products: Vec<SearchHit>,
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchHit {
    id: String,
    title: String,
    handle: String,
    /// The matrix the product already has, so a picker can show it.
    matrix_id: Option<MatrixId>,
}

/// Every matrix's name by id.
async fn matrix_names(
    state: &AppState,
    session: &AdminSession,
) -> Result<HashMap<MatrixId, String>, ApiError> {
    Ok(matrices::list(&state.db, session.store.id)
        .await?
        .into_iter()
        .map(|summary| (summary.id, summary.name))
        .collect())
}

async fn list(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<ProductList>, ApiError> {
    let names = matrix_names(&state, &session).await?;
    let assignments = storage::list(&state.db, session.store.id).await?;
    Ok(Json(ProductList {
        products: assignments
            .into_iter()
            .map(|a| {
                let name = names.get(&a.matrix_id).cloned();
                AssignmentView::new(a, name)
            })
            .collect(),
    }))
}

async fn assign(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(product): PathParam<String>,
    JsonBody(body): JsonBody<AssignBody>,
) -> Result<Json<AssignmentView>, ApiError> {
    let product = product_id(&product)?;
    let matrix = MatrixId::new(body.matrix_id);
    let moving = body.moving()?;
    let (db, shopify) = (&state.db, &state.shopify);
    let assigned = service::assign(db, shopify, &session, product, matrix, moving).await?;
    let name = matrix_names(&state, &session).await?.remove(&matrix);
    Ok(Json(AssignmentView::new(assigned, name)))
}

async fn unassign(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(product): PathParam<String>,
) -> Result<StatusCode, ApiError> {
    service::unassign(&state.db, &session, product_id(&product)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Shopify's products matching `query`, for the merchant to pick from.
async fn search(
    State(state): State<AppState>,
    session: AdminSession,
    QueryParams(query): QueryParams<SearchQuery>,
) -> Result<Json<SearchPage>, ApiError> {
    let text = bounded("query", query.query.as_deref(), MAX_SEARCH_QUERY_CHARS)?;
    let after = bounded("after", query.after.as_deref(), MAX_CURSOR_CHARS)?;
    let store = &session.store;
    let shopify = &state.shopify;
    let page = shopify
        .call(store, |token| async move {
            let client = shopify.shop(&store.shop, &token);
            client.search_products(text, SEARCH_PAGE_SIZE, after).await
        })
        .await?;
    let assigned: HashMap<String, MatrixId> = storage::list(&state.db, store.id)
        .await?
        .into_iter()
        .map(|a| (a.product_gid, a.matrix_id))
        .collect();
    Ok(Json(SearchPage {
        products: page
            .products
            .into_iter()
            .map(|product| {
                let id = product.id.to_string();
                SearchHit {
                    matrix_id: assigned.get(&id).copied(),
                    id,
                    title: product.title,
                    handle: product.handle,
                }
            })
            .collect(),
        has_next_page: page.has_next_page,
        end_cursor: page.end_cursor,
    }))
}

/// A non-empty query parameter of at most `max` characters (an empty one counts as absent).
fn bounded<'a>(
    field: &str,
    value: Option<&'a str>,
    max: usize,
) -> Result<Option<&'a str>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > max => Err(ApiError::invalid_field(
            field,
            format!("must be at most {max} characters"),
        )),
        other => Ok(other),
    }
}
