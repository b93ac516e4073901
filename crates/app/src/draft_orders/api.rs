//! `/app/api/draft-orders`: the store's draft order records for merchants, read-only, newest
//! first, filtered by status, product and creation date; and the merchant's test order
//! (`POST /app/api/matrices/{id}/test-draft-order`), to check a matrix end to end.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Days, NaiveDate, Utc};
use gridprice_storage::audit::{Action, AuditEntry};
use gridprice_storage::draft_orders::{
    self as storage, DraftOrderRecord, PricedSnapshot, RecordFilter, RecordStatus,
};
use gridprice_storage::{
    matrices, products, Database, DraftOrderRecordId, MatrixId, Page, StoreId, UnitOfWork,
};
use gridprice_wire::DraftOrderResponse;
use serde::{Deserialize, Serialize};
use shopify::ProductGid;

use super::request::{answer, order_body, place_order, MAX_BODY_BYTES};
use crate::auth::AdminSession;
use crate::error::FieldErrors;
use crate::http::error::ApiError;
use crate::http::extract::{
    next_before, page, product_id, JsonBytes, PageQuery, PathParam, QueryParams,
};
use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/api/draft-orders", get(list))
        .route("/app/api/draft-orders/{id}", get(show))
        .route(
            "/app/api/matrices/{id}/test-draft-order",
            post(create_test).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
    product_id: Option<String>,
    /// Created at or after: an RFC 3339 time or a date (its start, UTC).
    from: Option<String>,
    /// Created before: an RFC 3339 time, or a date (the whole day included).
    to: Option<String>,
    before: Option<i64>,
    limit: Option<u64>,
}

impl ListQuery {
    fn parse(&self) -> Result<(RecordFilter, Page), ApiError> {
        let page = page(&PageQuery {
            before: self.before,
            limit: self.limit,
        })?;
        let mut errors = FieldErrors::default();
        let status = self
            .status
            .as_deref()
            .and_then(|text| errors.check("status", text.parse::<RecordStatus>()));
        let product_gid = self.product_id.as_deref().and_then(|text| {
            let parsed = ProductGid::parse(text).map_err(|e| e.to_string());
            errors.check("productId", parsed).map(|gid| gid.to_string())
        });
        let created_from = self
            .from
            .as_deref()
            .and_then(|text| errors.check("from", parse_bound(text, Bound::From)));
        let created_to = self
            .to
            .as_deref()
            .and_then(|text| errors.check("to", parse_bound(text, Bound::To)));
        errors.into_result().map_err(ApiError::invalid)?;
        let filter = RecordFilter {
            status,
            product_gid,
            created_from,
            created_to,
            before: page.before.map(DraftOrderRecordId::new),
        };
        Ok((filter, page))
    }
}

#[derive(Debug, Clone, Copy)]
enum Bound {
    From,
    To,
}

/// A time, or a date meaning the start of that day (`from`) or of the next one (`to`, exclusive).
fn parse_bound(text: &str, bound: Bound) -> Result<DateTime<Utc>, String> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date (2026-11-25) or an RFC 3339 time"))?;
    let day = match bound {
        Bound::From => Some(date),
        Bound::To => date.checked_add_days(Days::new(1)),
    };
    day.and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|start| start.and_utc())
        .ok_or_else(|| format!("{text:?} is out of range"))
}

/// A record as merchants see it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordView {
    id: DraftOrderRecordId,
    status: &'static str,
    /// Shopify's draft order, once created.
    draft_order_id: Option<String>,
    name: Option<String>,
    invoice_url: Option<String>,
    /// Gone when the matrix was deleted since; `matrixName` keeps what it was called.
    matrix_id: Option<MatrixId>,
    matrix_name: String,
    product_id: String,
    variant_id: Option<String>,
    width: String,
    height: String,
    unit: String,
    quantity: u32,
    unit_price: String,
    total: String,
    currency: &'static str,
    /// Shopify's own total, once created: what the shopper pays, tax included.
    shopify_total: Option<String>,
    /// Shopify's line unit price (shop currency), once created.
    shopify_unit_price: Option<String>,
    /// Shopify's tax on the order (added to the total, or contained in it when prices include
    /// tax), once created.
    shopify_total_tax: Option<String>,
    /// Shopify's discounts on the order (automatic ones, when the store accepts them).
    shopify_total_discounts: Option<String>,
    /// Shopify's line price is not the locked price (a discount, a conversion…); null until
    /// created.
    shopify_price_differs: Option<bool>,
    options: PricedSnapshot,
    error: Option<String>,
    attempts: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl RecordView {
    pub fn new(record: DraftOrderRecord) -> Self {
        Self {
            id: record.id,
            status: record.status.as_str(),
            draft_order_id: record.shopify_draft_order_gid,
            name: record.shopify_name,
            invoice_url: record.invoice_url,
            matrix_id: record.matrix_id,
            matrix_name: record.matrix_name,
            product_id: record.product_gid,
            variant_id: record.variant_gid,
            width: record.width,
            height: record.height,
            unit: record.unit,
            quantity: record.quantity,
            unit_price: record.unit_price.to_string(),
            total: record.total.to_string(),
            currency: record.total.currency().code(),
            shopify_total: record.shopify_total,
            shopify_unit_price: record.shopify_unit_price,
            shopify_total_tax: record.shopify_total_tax,
            shopify_total_discounts: record.shopify_total_discounts,
            shopify_price_differs: record.shopify_price_differs,
            options: record.snapshot,
            error: record.error,
            attempts: record.attempts,
            created_at: record.created_at,
            updated_at: record.updated_at,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordPage {
    records: Vec<RecordView>,
    /// Pass as `before` for the next page; null on the last one.
    next_before: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<RecordPage>, ApiError> {
    let (filter, page) = query.parse()?;
    let records = storage::list(&state.db, session.store.id, &filter, page.limit).await?;
    Ok(Json(RecordPage {
        next_before: next_before(&records, page, |record| record.id.get()),
        records: records.into_iter().map(RecordView::new).collect(),
    }))
}

async fn show(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
) -> Result<Json<RecordView>, ApiError> {
    let record = storage::get(&state.db, session.store.id, DraftOrderRecordId::new(id)).await?;
    Ok(Json(RecordView::new(record)))
}

/// A real draft order for a product this matrix prices (the first one when none is named).
async fn create_test(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(matrix): PathParam<i64>,
    JsonBytes(body): JsonBytes,
) -> Result<(StatusCode, Json<DraftOrderResponse>), ApiError> {
    let body = order_body(&body)?;
    let store = &session.store;
    let matrix = matrices::load(&state.db, store.id, MatrixId::new(matrix))
        .await?
        .id;
    let named = body.product_id()?;
    let product = test_product(&state.db, store.id, matrix, named).await?;
    let outcome = place_order(&state, store, product, &body, None, || Ok(())).await?;
    let work = UnitOfWork::begin(&state.db, &session).await?;
    let entry = AuditEntry::new(Action::DraftOrderTest, outcome.record.id.get())
        .after(&outcome.record.shopify_name);
    work.commit(entry).await?;
    answer(outcome)
}

/// The product named, which must be priced by `matrix`, or the first product it prices.
async fn test_product(
    db: &Database,
    store: StoreId,
    matrix: MatrixId,
    named: Option<ProductGid>,
) -> Result<ProductGid, ApiError> {
    let priced: Vec<_> = products::list(db, store)
        .await?
        .into_iter()
        .filter(|assignment| assignment.matrix_id == matrix)
        .collect();
    if let Some(product) = named {
        if !priced.iter().any(|a| a.product_gid == product.to_string()) {
            return Err(ApiError::invalid_field(
                "productId",
                "is not priced by this matrix",
            ));
        }
        return Ok(product);
    }
    let first = priced.first().ok_or_else(|| ApiError::Unprocessable {
        detail: "Assign this matrix to a product before placing a test order.".into(),
        errors: Vec::new(),
    })?;
    product_id(&first.product_gid)
}
