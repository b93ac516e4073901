//! The products page of the embedded admin (`/app/products`, DESIGN §12): the products that
//! have a matrix, with their picture, the matrix and their option groups in display order.
//! Products are chosen with App Bridge's resource picker and every change goes through
//! `/app/api/products` with a session token, from the page's own script.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Serialize;

use gridprice_storage::products::Assignment;
use gridprice_storage::{matrices, options, products, MatrixId, OptionGroupId};

use crate::http::error::ApiError;
use crate::http::AppState;
use crate::options::service::MAX_GROUPS_PER_PRODUCT;
use crate::pages::{asset_url, render, script_json, Chrome, PageSession};

pub fn routes() -> Router<AppState> {
    Router::new().route("/app/products", get(index))
}

/// One product of the list.
struct ProductRow {
    id: String,
    title: String,
    image_url: Option<String>,
    matrix_name: String,
    matrix_href: String,
    /// Its option groups' names in display order, comma separated.
    groups: String,
}

/// What the page's script needs besides its strings.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageData {
    products: Vec<ProductData>,
    option_groups: Vec<GroupData>,
    max_groups: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProductData {
    id: String,
    title: String,
    option_group_ids: Vec<OptionGroupId>,
}

#[derive(Serialize)]
struct GroupData {
    id: OptionGroupId,
    name: String,
}

#[derive(Template)]
#[template(path = "products/templates/index.html")]
struct IndexPage {
    chrome: Chrome,
    rows: Vec<ProductRow>,
    /// `(id, name)` of every matrix, for the one to assign.
    matrices: Vec<(MatrixId, String)>,
    matrices_href: String,
    data_json: String,
    script: String,
    text_json: String,
}

/// `GET /app/products`
async fn index(State(state): State<AppState>, page: PageSession) -> Result<Response, ApiError> {
    let store = &page.admin.store;
    let matrices: Vec<(MatrixId, String)> = matrices::list(&state.db, store.id)
        .await?
        .into_iter()
        .map(|summary| (summary.id, summary.name))
        .collect();
    let assignments = products::list(&state.db, store.id).await?;
    let groups = options::list_groups(&state.db, store.id).await?;
    let group_names: HashMap<OptionGroupId, &str> = groups
        .iter()
        .map(|group| (group.id, group.name.as_str()))
        .collect();
    let mut groups_of = options::group_ids_by_product(&state.db, store.id).await?;
    let matrix_names: HashMap<MatrixId, &str> = matrices
        .iter()
        .map(|(id, name)| (*id, name.as_str()))
        .collect();
    let chrome = page.chrome;
    let mut rows = Vec::with_capacity(assignments.len());
    let mut products = Vec::with_capacity(assignments.len());
    for assignment in assignments {
        let group_ids = groups_of
            .remove(&assignment.product_gid)
            .unwrap_or_default();
        let names: Vec<&str> = group_ids
            .iter()
            .filter_map(|id| group_names.get(id).copied())
            .collect();
        products.push(ProductData {
            id: assignment.product_gid.clone(),
            title: assignment.product_title.clone(),
            option_group_ids: group_ids,
        });
        let matrix_name = matrix_names
            .get(&assignment.matrix_id)
            .copied()
            .unwrap_or_default();
        rows.push(row(&chrome, assignment, matrix_name, names.join(", ")));
    }
    let data = PageData {
        products,
        option_groups: groups
            .iter()
            .map(|group| GroupData {
                id: group.id,
                name: group.name.clone(),
            })
            .collect(),
        max_groups: MAX_GROUPS_PER_PRODUCT,
    };
    let view = IndexPage {
        text_json: chrome.t.section_json("products.script."),
        matrices_href: chrome.link("/app/matrices"),
        chrome,
        rows,
        matrices,
        data_json: script_json(&data),
        script: asset_url("products.js"),
    };
    Ok(render(&state, Some(&store.shop), &view))
}

fn row(chrome: &Chrome, assignment: Assignment, matrix_name: &str, groups: String) -> ProductRow {
    ProductRow {
        id: assignment.product_gid,
        title: assignment.product_title,
        image_url: assignment.product_image_url,
        matrix_name: matrix_name.to_owned(),
        matrix_href: chrome.link(&format!("/app/matrices/{}", assignment.matrix_id.get())),
        groups,
    }
}
