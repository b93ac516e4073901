//! The draft orders page of the embedded admin (`/app/draft-orders`, DESIGN §12): every record,
//! newest first, filtered by status, a page at a time; each created order links to itself in
//! the Shopify admin. A test draft order is placed from here for any priced product, with its
//! options, through `POST /app/api/matrices/{id}/test-draft-order`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use gridprice_storage::draft_orders::{
    self as storage, DraftOrderRecord, RecordFilter, RecordStatus,
};
use gridprice_storage::options::{OptionGroup, Requirement};
use gridprice_storage::stores::Store;
use gridprice_storage::{products, DraftOrderRecordId};
use shopify::ShopDomain;

use crate::error::CatalogError;
use crate::http::error::ApiError;
use crate::http::extract::{next_before, page, product_id, PageQuery};
use crate::http::AppState;
use crate::pages::{asset_url, render, Chrome, PageSession, Text};

/// Products the test order form offers at most (the first assigned).
const MAX_TEST_PRODUCTS: usize = 100;

pub fn routes() -> Router<AppState> {
    Router::new().route("/app/draft-orders", get(index))
}

/// The page's own parameters; the embedding's (shop, host, id_token…) are read by the session.
#[derive(Debug, Deserialize)]
struct ListParams {
    status: Option<String>,
    before: Option<i64>,
}

/// One line of the list, as the merchant reads it (`templates/table.html`).
pub struct RecordRow {
    pub status: &'static str,
    pub status_label: &'static str,
    pub tone: &'static str,
    pub product: String,
    pub size: String,
    pub options: String,
    pub unit_price: String,
    pub quantity: u32,
    pub total: String,
    pub created: String,
    pub matrix: String,
    pub error: Option<String>,
    /// The order in the Shopify admin, once created.
    pub admin_href: Option<String>,
    pub name: Option<String>,
}

#[derive(Template)]
#[template(path = "draft_orders/templates/index.html")]
struct IndexPage {
    chrome: Chrome,
    rows: Vec<RecordRow>,
    /// `(value, label, selected)` for the status filter.
    statuses: Vec<(&'static str, &'static str, bool)>,
    older_href: Option<String>,
    test_products: Vec<TestProduct>,
    script: String,
    text_json: String,
}

/// A product the test order form offers: the matrix that prices it, its unit and its options.
struct TestProduct {
    id: String,
    title: String,
    matrix_id: i64,
    matrix_name: String,
    unit: &'static str,
    groups: Vec<OptionGroup>,
}

impl TestProduct {
    fn required(group: &OptionGroup) -> bool {
        group.requirement == Requirement::Required
    }
}

/// The store's priced products (up to [`MAX_TEST_PRODUCTS`]), as the catalogue prices them.
async fn test_products(state: &AppState, store: &Store) -> Result<Vec<TestProduct>, ApiError> {
    let mut found = Vec::new();
    for assignment in products::list(&state.db, store.id).await? {
        if found.len() == MAX_TEST_PRODUCTS {
            break;
        }
        let gid = product_id(&assignment.product_gid)?;
        let compiled = match state.catalog.product(store.id, gid).await {
            Ok(compiled) => compiled,
            // Unassigned since the list was read.
            Err(CatalogError::NoMatrix) => continue,
            Err(error) => return Err(error.into()),
        };
        found.push(TestProduct {
            id: gid.numeric_id().to_string(),
            title: compiled.product_title.clone(),
            matrix_id: compiled.matrix.id.get(),
            matrix_name: compiled.matrix.name.clone(),
            unit: compiled.unit().as_str(),
            groups: compiled.groups.clone(),
        });
    }
    Ok(found)
}

/// `GET /app/draft-orders?status=&before=`
async fn index(
    State(state): State<AppState>,
    page_session: PageSession,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let store = &page_session.admin.store;
    let status = match params.status.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => Some(
            text.parse::<RecordStatus>()
                .map_err(|e| ApiError::invalid_field("status", e))?,
        ),
        None => None,
    };
    let page = page(&PageQuery {
        before: params.before,
        limit: None,
    })?;
    let filter = RecordFilter {
        status,
        before: page.before.map(DraftOrderRecordId::new),
        ..RecordFilter::default()
    };
    let records = storage::list(&state.db, store.id, &filter, page.limit).await?;
    let chrome = page_session.chrome;
    let older_href = next_before(&records, page, |record| record.id.get()).map(|before| {
        let status = status.map_or("", RecordStatus::as_str);
        chrome.link(&format!(
            "/app/draft-orders?status={status}&before={before}"
        ))
    });
    let t = chrome.t;
    let view = IndexPage {
        rows: records
            .into_iter()
            .map(|r| row(t, &store.shop, r))
            .collect(),
        statuses: [
            ("", "orders.filter.all"),
            ("pending", "orders.status.pending"),
            ("created", "orders.status.created"),
            ("failed", "orders.status.failed"),
        ]
        .into_iter()
        .map(|(value, key)| {
            (
                value,
                t.get(key),
                status.map_or("", RecordStatus::as_str) == value,
            )
        })
        .collect(),
        older_href,
        test_products: test_products(&state, store).await?,
        script: asset_url("draft-orders.js"),
        text_json: t.section_json("orders.script."),
        chrome,
    };
    Ok(render(&state, Some(&store.shop), &view))
}

/// `record` as a line of the table, in the merchant's language.
pub fn row(t: Text, shop: &ShopDomain, record: DraftOrderRecord) -> RecordRow {
    let (status_label, tone) = match record.status {
        RecordStatus::Pending => (t.get("orders.status.pending"), "caution"),
        RecordStatus::Created => (t.get("orders.status.created"), "success"),
        RecordStatus::Failed => (t.get("orders.status.failed"), "critical"),
    };
    let options = record
        .snapshot
        .options
        .iter()
        .map(|option| format!("{}: {}", option.option_group, option.choice))
        .collect::<Vec<_>>()
        .join(", ");
    let admin_href = record
        .shopify_draft_order_gid
        .as_deref()
        .and_then(|gid| gid.rsplit('/').next())
        .map(|id| format!("https://{shop}/admin/draft_orders/{id}"));
    RecordRow {
        status: record.status.as_str(),
        status_label,
        tone,
        product: record
            .snapshot
            .product_title
            .clone()
            .unwrap_or_else(|| record.product_gid.clone()),
        size: format!("{} × {} {}", record.width, record.height, record.unit),
        options,
        unit_price: record.unit_price.to_string(),
        quantity: record.quantity,
        total: record.total.to_string(),
        created: record.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        matrix: record.matrix_name,
        error: record.error,
        admin_href,
        name: record.shopify_name,
    }
}
