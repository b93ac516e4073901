//! The option groups pages of the embedded admin (DESIGN §12): the index at
//! `/app/option-groups` and the editor at `/app/option-groups/{id}` (`/new` for a new group).
//! They render what the merchant sees; every change goes through `/app/api/option-groups`
//! with a session token, from the pages' own scripts.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use gridprice_storage::options::{self as storage, GroupAssignment, OptionGroup, Requirement};
use gridprice_storage::products::{self, Assignment};
use gridprice_storage::OptionGroupId;
use shopify::ProductGid;

use super::service::{GroupView, MAX_GROUPS_PER_PRODUCT};
use crate::billing::pages::LimitNote;
use crate::billing::Resource;
use crate::http::error::ApiError;
use crate::http::extract::PathParam;
use crate::http::AppState;
use crate::pages::{asset_url, render, script_json, Chrome, PageSession, Text};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/option-groups", get(index))
        .route("/app/option-groups/new", get(new_group))
        .route("/app/option-groups/{id}", get(editor))
}

/// One line of the index.
struct GroupRow {
    id: OptionGroupId,
    href: String,
    name: String,
    requirement: &'static str,
    choices: usize,
    /// The titles of the products showing the group (also what a delete takes it from).
    products: String,
}

#[derive(Template)]
#[template(path = "options/templates/index.html")]
struct IndexPage {
    chrome: Chrome,
    rows: Vec<GroupRow>,
    new_href: String,
    limit_note: Option<LimitNote>,
    script: String,
    text_json: String,
}

/// `GET /app/option-groups`
async fn index(State(state): State<AppState>, page: PageSession) -> Result<Response, ApiError> {
    let store = &page.admin.store;
    let groups = storage::list_groups(&state.db, store.id).await?;
    let uses = storage::assignments(&state.db, store.id).await?;
    let titles = Titles::new(page.chrome.t, products::list(&state.db, store.id).await?);
    let chrome = page.chrome;
    let limit_note = LimitNote::load(&state, &chrome, store.id, Resource::OptionGroups).await?;
    let rows = groups
        .into_iter()
        .map(|group| GroupRow {
            id: group.id,
            href: chrome.link(&format!("/app/option-groups/{}", group.id.get())),
            requirement: requirement_label(chrome.t, group.requirement),
            choices: group.choices.len(),
            products: products_of(&uses, group.id)
                .map(|product| titles.of(product))
                .collect::<Vec<_>>()
                .join(", "),
            name: group.name,
        })
        .collect();
    let view = IndexPage {
        limit_note,
        text_json: chrome.t.section_json("optionGroups.script."),
        new_href: chrome.link("/app/option-groups/new"),
        rows,
        script: asset_url("option-groups.js"),
        chrome,
    };
    Ok(render(&state, Some(&store.shop), &view))
}

/// A product the group can be shown on, as its checkbox.
struct ProductChoice {
    gid: String,
    title: String,
    checked: bool,
    /// How many other groups the product shows: at the limit, checking it is refused.
    others: usize,
}

#[derive(Template)]
#[template(path = "options/templates/editor.html")]
struct EditorPage {
    chrome: Chrome,
    heading: String,
    /// `None` for a group not saved yet.
    id: Option<i64>,
    currency: &'static str,
    decimals: u32,
    max_groups: usize,
    group_json: String,
    products: Vec<ProductChoice>,
    matrices_href: String,
    index_href: String,
    script: String,
    text_json: String,
}

/// `GET /app/option-groups/new`
async fn new_group(State(state): State<AppState>, page: PageSession) -> Result<Response, ApiError> {
    editor_page(&state, page, None).await
}

/// `GET /app/option-groups/{id}`
async fn editor(
    State(state): State<AppState>,
    page: PageSession,
    PathParam(id): PathParam<i64>,
) -> Result<Response, ApiError> {
    let store = page.admin.store.id;
    let group = storage::get_group(&state.db, store, OptionGroupId::new(id)).await?;
    editor_page(&state, page, Some(group)).await
}

async fn editor_page(
    state: &AppState,
    page: PageSession,
    group: Option<OptionGroup>,
) -> Result<Response, ApiError> {
    let store = &page.admin.store;
    let uses = storage::assignments(&state.db, store.id).await?;
    let assigned = products::list(&state.db, store.id).await?;
    let chrome = page.chrome;
    let id = group.as_ref().map(|group| group.id);
    let products = product_choices(chrome.t, id, &uses, assigned);
    let view = EditorPage {
        heading: group.as_ref().map_or_else(
            || chrome.t.get("optionGroups.new").to_owned(),
            |group| group.name.clone(),
        ),
        id: id.map(OptionGroupId::get),
        currency: store.currency.code(),
        decimals: store.currency.exponent(),
        max_groups: MAX_GROUPS_PER_PRODUCT,
        group_json: script_json(&group.map(|group| GroupView::new(&group, store.currency))),
        products,
        matrices_href: chrome.link("/app/matrices"),
        index_href: chrome.link("/app/option-groups"),
        script: asset_url("option-group-editor.js"),
        text_json: chrome.t.section_json("optionGroups.script."),
        chrome,
    };
    Ok(render(state, Some(&store.shop), &view))
}

/// The store's products with a matrix, and any other product already showing the group (so it
/// can be taken off), each checked when it shows the group.
fn product_choices(
    t: Text,
    group: Option<OptionGroupId>,
    uses: &[GroupAssignment],
    assigned: Vec<Assignment>,
) -> Vec<ProductChoice> {
    let mut groups_per_product: HashMap<&str, usize> = HashMap::new();
    for assignment in uses {
        *groups_per_product
            .entry(assignment.product_gid.as_str())
            .or_default() += 1;
    }
    let showing: Vec<&str> = group
        .map(|group| products_of(uses, group).collect())
        .unwrap_or_default();
    let titles = Titles::new(t, assigned);
    let mut gids: Vec<&str> = titles
        .assigned
        .iter()
        .map(|a| a.product_gid.as_str())
        .collect();
    gids.extend(showing.iter().filter(|gid| !titles.has(gid)));
    gids.into_iter()
        .map(|gid| {
            let checked = showing.contains(&gid);
            let count = groups_per_product.get(gid).copied().unwrap_or(0);
            ProductChoice {
                gid: gid.to_owned(),
                title: titles.of(gid),
                checked,
                others: count - usize::from(checked),
            }
        })
        .collect()
}

fn products_of(uses: &[GroupAssignment], group: OptionGroupId) -> impl Iterator<Item = &str> {
    uses.iter()
        .filter(move |assignment| assignment.group_id == group)
        .map(|assignment| assignment.product_gid.as_str())
}

fn requirement_label(t: Text, requirement: Requirement) -> &'static str {
    match requirement {
        Requirement::Required => t.get("optionGroups.required"),
        Requirement::Optional => t.get("optionGroups.optional"),
    }
}

/// Product titles as Gridprice knows them (from the matrix assignments); a product without one
/// is named by its number.
struct Titles {
    t: Text,
    assigned: Vec<Assignment>,
}

impl Titles {
    fn new(t: Text, assigned: Vec<Assignment>) -> Self {
        Self { t, assigned }
    }

    fn has(&self, gid: &str) -> bool {
        self.assigned.iter().any(|a| a.product_gid == gid)
    }

    fn of(&self, gid: &str) -> String {
        match self.assigned.iter().find(|a| a.product_gid == gid) {
            Some(assignment) => assignment.product_title.clone(),
            None => {
                let number = ProductGid::parse(gid)
                    .map_or_else(|_| gid.to_owned(), |p| p.numeric_id().to_string());
                self.t
                    .format("optionGroups.product.unnamed", &[("id", number.as_str())])
            }
        }
    }
}
