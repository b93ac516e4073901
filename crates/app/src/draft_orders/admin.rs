//! `/app/api/draft-orders`: the store's draft order records for merchants, read-only, newest
//! first, filtered by status, product and creation date.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::storage::{self, DraftOrderRecord, RecordFilter};
use super::{DraftOrderRecordId, RecordStatus};
use crate::admin::{next_before, FieldErrors, Page, PageQuery, PathParam, QueryParams};
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::matrices::MatrixId;
use crate::products::parse_product_id;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/api/draft-orders", get(list))
        .route("/app/api/draft-orders/{id}", get(show))
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
        let page = Page::parse(&PageQuery {
            before: self.before,
            limit: self.limit,
        })?;
        let mut errors = FieldErrors::default();
        let status = self
            .status
            .as_deref()
            .and_then(|text| errors.check("status", text.parse::<RecordStatus>()));
        let product_gid = self.product_id.as_deref().and_then(|text| {
            let parsed = parse_product_id(text).map_err(|e| e.to_string());
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
        errors.into_query_result()?;
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
    /// Shopify's own total, once created.
    shopify_total: Option<String>,
    options: Value,
    error: Option<String>,
    attempts: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl RecordView {
    fn new(record: DraftOrderRecord) -> Self {
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
            // Written by the app as JSON; shown as text should it ever not parse.
            options: serde_json::from_str(&record.option_selections)
                .unwrap_or(Value::String(record.option_selections)),
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

/// The newest `limit` records, for the dashboard.
pub async fn latest(
    state: &AppState,
    session: &AdminSession,
    limit: u64,
) -> Result<Vec<RecordView>, ApiError> {
    let records =
        storage::list(&state.db, session.store.id, &RecordFilter::default(), limit).await?;
    Ok(records.into_iter().map(RecordView::new).collect())
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
