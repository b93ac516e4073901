//! Draft order records and the store's counter of created orders.
//!
//! The counter moves only in the transaction that turns a record `created`, and only when that
//! transition really happens, so it always equals the number of created records ever made.

use chrono::{DateTime, Utc};
use pricing::{Currency, Money};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use crate::entities::{draft_order_records as records, stores};
use crate::jobs::{self, NewJob};
use crate::{Database, DraftOrderRecordId, MatrixId, StorageError, StorageResult, StoreId};

/// `pending` until Shopify confirms, then `created`; `failed` when Shopify refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordStatus {
    Pending,
    Created,
    Failed,
}

impl RecordStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Created => "created",
            Self::Failed => "failed",
        }
    }
}

impl std::str::FromStr for RecordStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(Self::Pending),
            "created" => Ok(Self::Created),
            "failed" => Ok(Self::Failed),
            other => Err(format!(
                "unknown status {other:?} (pending, created or failed)"
            )),
        }
    }
}

/// What an order was priced with beyond its unit price and total, kept on its record so its
/// answer can be given again — identically — however the catalogue changes afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricedSnapshot {
    pub base_price_minor: i64,
    pub options: Vec<SnapshotOption>,
    /// The product's title when it was priced: a custom line item's title on a resend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_title: Option<String>,
    /// The breakpoints the size was priced at, in the matrix unit, for the order's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakpoints: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotOption {
    pub option_group: String,
    pub choice: String,
    /// FIXED or PERCENTAGE.
    pub modifier_type: String,
    /// Major units for FIXED, percent for PERCENTAGE, as a decimal string.
    pub modifier_value: String,
    pub applied_amount_minor: i64,
}

/// What is known before Shopify is called: the server-side quote and the request.
#[derive(Debug, Clone)]
pub struct NewDraftOrderRecord {
    pub matrix_id: Option<MatrixId>,
    pub matrix_name: String,
    pub product_gid: String,
    pub variant_gid: Option<String>,
    pub width: String,
    pub height: String,
    pub unit: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub total: Money,
    /// The base price and the options chosen, with labels and amounts, as they were priced.
    pub snapshot: PricedSnapshot,
    pub idempotency_key: Option<String>,
    pub request_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftOrderRecord {
    pub id: DraftOrderRecordId,
    pub store_id: StoreId,
    pub matrix_id: Option<MatrixId>,
    pub matrix_name: String,
    /// Unique per record; Shopify carries it as a tag so a lost response can be reconciled.
    pub reference: String,
    pub shopify_draft_order_gid: Option<String>,
    pub shopify_name: Option<String>,
    pub product_gid: String,
    pub variant_gid: Option<String>,
    pub width: String,
    pub height: String,
    pub unit: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub total: Money,
    /// Shopify's total (what the shopper pays), once created.
    pub shopify_total: Option<String>,
    /// The line's unit price as Shopify calculated it, in the shop currency, once created.
    pub shopify_unit_price: Option<String>,
    /// Shopify's tax on the order (added, or contained when prices include tax).
    pub shopify_total_tax: Option<String>,
    /// Shopify's discounts on the order (automatic ones, when the store accepts them).
    pub shopify_total_discounts: Option<String>,
    /// Shopify's line price is not the locked unit price; `None` until created.
    pub shopify_price_differs: Option<bool>,
    pub snapshot: PricedSnapshot,
    pub status: RecordStatus,
    pub idempotency_key: Option<String>,
    pub request_hash: String,
    pub invoice_url: Option<String>,
    pub error: Option<String>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What Shopify answered for a created draft order: its identity and its calculation.
#[derive(Debug, Clone)]
pub struct ShopifyDraftOrder {
    pub gid: String,
    pub name: String,
    pub invoice_url: String,
    pub total: String,
    /// The line's unit price (shop currency); `None` when Shopify returned no line.
    pub unit_price: Option<String>,
    pub total_tax: String,
    pub total_discounts: String,
    /// The line price is not the locked price.
    pub price_differs: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted {
    New(DraftOrderRecord),
    /// A record with the same idempotency key already existed; it is returned unchanged.
    Existing(DraftOrderRecord),
}

#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub status: Option<RecordStatus>,
    pub product_gid: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    /// Keyset pagination: only records with a smaller id (newest first).
    pub before: Option<DraftOrderRecordId>,
}

/// Inserts a `pending` record, leased to its sender until `lease_until` (see [`claim_send`]),
/// or returns the one already holding the idempotency key.
pub async fn insert_pending(
    db: &Database,
    store: StoreId,
    new: NewDraftOrderRecord,
    lease_until: DateTime<Utc>,
) -> StorageResult<Inserted> {
    let key = new.idempotency_key.clone();
    let snapshot = serde_json::to_string(&new.snapshot).map_err(StorageError::corrupt)?;
    let now = Utc::now();
    let inserted = records::ActiveModel {
        store_id: Set(store.get()),
        matrix_id: Set(new.matrix_id.map(MatrixId::get)),
        matrix_name: Set(new.matrix_name),
        reference: Set(uuid::Uuid::new_v4().simple().to_string()),
        product_gid: Set(new.product_gid),
        variant_gid: Set(new.variant_gid),
        width: Set(new.width),
        height: Set(new.height),
        unit: Set(new.unit),
        quantity: Set(i32::try_from(new.quantity).map_err(StorageError::corrupt)?),
        unit_price_minor: Set(new.unit_price.minor()),
        total_minor: Set(new.total.minor()),
        currency: Set(new.total.currency().code().to_owned()),
        option_selections: Set(snapshot),
        status: Set(RecordStatus::Pending.as_str().to_owned()),
        idempotency_key: Set(new.idempotency_key),
        request_hash: Set(new.request_hash),
        attempts: Set(0),
        send_lease_until: Set(Some(lease_until)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db.connection())
    .await;
    match (inserted, key) {
        (Ok(row), _) => Ok(Inserted::New(record_from_row(row)?)),
        (Err(error), Some(key)) if is_unique_violation(&error) => {
            find_by_idempotency_key(db, store, &key)
                .await?
                .map(Inserted::Existing)
                .ok_or(StorageError::Database(error))
        }
        (Err(error), _) => Err(error.into()),
    }
}

pub async fn find_by_idempotency_key(
    db: &Database,
    store: StoreId,
    key: &str,
) -> StorageResult<Option<DraftOrderRecord>> {
    records::Entity::find()
        .filter(records::Column::StoreId.eq(store.get()))
        .filter(records::Column::IdempotencyKey.eq(key))
        .one(db.connection())
        .await?
        .map(record_from_row)
        .transpose()
}

pub async fn get(
    db: &Database,
    store: StoreId,
    id: DraftOrderRecordId,
) -> StorageResult<DraftOrderRecord> {
    records::Entity::find()
        .filter(scoped(store, id))
        .one(db.connection())
        .await?
        .ok_or(StorageError::NotFound("draft order record"))
        .and_then(record_from_row)
}

/// Marks the record `created` and counts it, in one transaction, telling whether this call made
/// the change (false: it was already `created`, by another request or instance, and is not
/// counted again). When it did and the record took more than one send, `resend_check` is
/// enqueued in the same transaction: a resend may have left a second order behind Shopify's
/// lagging search index.
pub async fn mark_created(
    db: &Database,
    store: StoreId,
    id: DraftOrderRecordId,
    order: &ShopifyDraftOrder,
    resend_check: &NewJob,
) -> StorageResult<(DraftOrderRecord, bool)> {
    let txn = db.connection().begin().await?;
    let transitioned = records::Entity::update_many()
        .col_expr(
            records::Column::Status,
            Expr::value(RecordStatus::Created.as_str()),
        )
        .col_expr(
            records::Column::ShopifyDraftOrderGid,
            Expr::value(order.gid.clone()),
        )
        .col_expr(
            records::Column::ShopifyName,
            Expr::value(order.name.clone()),
        )
        .col_expr(
            records::Column::InvoiceUrl,
            Expr::value(order.invoice_url.clone()),
        )
        .col_expr(
            records::Column::ShopifyTotal,
            Expr::value(order.total.clone()),
        )
        .col_expr(
            records::Column::ShopifyUnitPrice,
            Expr::value(order.unit_price.clone()),
        )
        .col_expr(
            records::Column::ShopifyTotalTax,
            Expr::value(order.total_tax.clone()),
        )
        .col_expr(
            records::Column::ShopifyTotalDiscounts,
            Expr::value(order.total_discounts.clone()),
        )
        .col_expr(
            records::Column::ShopifyPriceDiffers,
            Expr::value(order.price_differs),
        )
        .col_expr(records::Column::Error, Expr::value(Option::<String>::None))
        .col_expr(records::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(scoped(store, id))
        .filter(records::Column::Status.ne(RecordStatus::Created.as_str()))
        .exec(&txn)
        .await?;
    if transitioned.rows_affected == 1 {
        stores::Entity::update_many()
            .col_expr(
                stores::Column::TotalDraftOrdersCreated,
                Expr::col(stores::Column::TotalDraftOrdersCreated).add(1),
            )
            .filter(stores::Column::Id.eq(store.get()))
            .exec(&txn)
            .await?;
    }
    let row = records::Entity::find()
        .filter(scoped(store, id))
        .one(&txn)
        .await?
        .ok_or(StorageError::NotFound("draft order record"))?;
    if transitioned.rows_affected == 1 && row.attempts > 1 {
        jobs::enqueue(&txn, resend_check).await?;
    }
    txn.commit().await?;
    Ok((record_from_row(row)?, transitioned.rows_affected == 1))
}

/// Marks a `pending` record `failed` with the reason; any other record is left alone.
pub async fn mark_failed(
    db: &Database,
    store: StoreId,
    id: DraftOrderRecordId,
    error: &str,
) -> StorageResult<bool> {
    let result = records::Entity::update_many()
        .col_expr(
            records::Column::Status,
            Expr::value(RecordStatus::Failed.as_str()),
        )
        .col_expr(records::Column::Error, Expr::value(error))
        .col_expr(records::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(scoped(store, id))
        .filter(records::Column::Status.eq(RecordStatus::Pending.as_str()))
        .exec(db.connection())
        .await?;
    Ok(result.rows_affected == 1)
}

/// Takes the right to send a `pending` record to Shopify until `until`, if nobody holds it: the
/// request that made it, a retry with its `Idempotency-Key`, or the reconciliation job — of
/// several at once (also on several instances) exactly one gets it.
pub async fn claim_send(
    db: &Database,
    store: StoreId,
    id: DraftOrderRecordId,
    until: DateTime<Utc>,
) -> StorageResult<bool> {
    let now = Utc::now();
    let free = Condition::any()
        .add(records::Column::SendLeaseUntil.is_null())
        .add(records::Column::SendLeaseUntil.lt(now));
    let result = records::Entity::update_many()
        .col_expr(records::Column::SendLeaseUntil, Expr::value(until))
        .filter(scoped(store, id))
        .filter(records::Column::Status.eq(RecordStatus::Pending.as_str()))
        .filter(free)
        .exec(db.connection())
        .await?;
    Ok(result.rows_affected == 1)
}

/// Gives the right to send back before its time: the sender has stopped.
pub async fn release_send(
    db: &Database,
    store: StoreId,
    id: DraftOrderRecordId,
) -> StorageResult<()> {
    records::Entity::update_many()
        .col_expr(
            records::Column::SendLeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(scoped(store, id))
        .exec(db.connection())
        .await?;
    Ok(())
}

/// Counts one more attempt at reaching Shopify for this record.
pub async fn record_attempt(
    db: &Database,
    store: StoreId,
    id: DraftOrderRecordId,
) -> StorageResult<()> {
    records::Entity::update_many()
        .col_expr(
            records::Column::Attempts,
            Expr::col(records::Column::Attempts).add(1),
        )
        .col_expr(records::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(scoped(store, id))
        .exec(db.connection())
        .await?;
    Ok(())
}

/// The store's records, newest first.
pub async fn list(
    db: &Database,
    store: StoreId,
    filter: &RecordFilter,
    limit: u64,
) -> StorageResult<Vec<DraftOrderRecord>> {
    records::Entity::find()
        .filter(matching(store, filter))
        .order_by_desc(records::Column::Id)
        .limit(limit)
        .all(db.connection())
        .await?
        .into_iter()
        .map(record_from_row)
        .collect()
}

/// How many of the store's records match `filter`.
pub async fn count(db: &Database, store: StoreId, filter: &RecordFilter) -> StorageResult<u64> {
    Ok(records::Entity::find()
        .filter(matching(store, filter))
        .count(db.connection())
        .await?)
}

fn matching(store: StoreId, filter: &RecordFilter) -> Condition {
    let mut condition = Condition::all().add(records::Column::StoreId.eq(store.get()));
    if let Some(status) = filter.status {
        condition = condition.add(records::Column::Status.eq(status.as_str()));
    }
    if let Some(product) = &filter.product_gid {
        condition = condition.add(records::Column::ProductGid.eq(product.as_str()));
    }
    if let Some(from) = filter.created_from {
        condition = condition.add(records::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.created_to {
        condition = condition.add(records::Column::CreatedAt.lt(to));
    }
    if let Some(before) = filter.before {
        condition = condition.add(records::Column::Id.lt(before.get()));
    }
    condition
}

/// `pending` records of every store last touched before `cutoff`: the reconciliation job's
/// work list. Each record carries its store, and all later work on it is scoped by that store.
pub async fn pending_before(
    db: &Database,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> StorageResult<Vec<DraftOrderRecord>> {
    records::Entity::find()
        .filter(records::Column::Status.eq(RecordStatus::Pending.as_str()))
        .filter(records::Column::UpdatedAt.lt(cutoff))
        .order_by_asc(records::Column::Id)
        .limit(limit)
        .all(db.connection())
        .await?
        .into_iter()
        .map(record_from_row)
        .collect()
}

/// How many records of every store are `pending`: an operator's figure (`/metrics`), not a
/// store's.
pub async fn count_pending(db: &Database) -> StorageResult<u64> {
    Ok(records::Entity::find()
        .filter(records::Column::Status.eq(RecordStatus::Pending.as_str()))
        .count(db.connection())
        .await?)
}

fn scoped(store: StoreId, id: DraftOrderRecordId) -> Condition {
    Condition::all()
        .add(records::Column::Id.eq(id.get()))
        .add(records::Column::StoreId.eq(store.get()))
}

fn is_unique_violation(error: &sea_orm::DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

fn record_from_row(row: records::Model) -> StorageResult<DraftOrderRecord> {
    let currency = Currency::from_code(&row.currency).map_err(StorageError::corrupt)?;
    Ok(DraftOrderRecord {
        id: DraftOrderRecordId::new(row.id),
        store_id: StoreId::from_row(row.store_id),
        matrix_id: row.matrix_id.map(MatrixId::new),
        quantity: u32::try_from(row.quantity).map_err(StorageError::corrupt)?,
        unit_price: Money::from_minor(row.unit_price_minor, currency),
        total: Money::from_minor(row.total_minor, currency),
        status: row.status.parse().map_err(StorageError::corrupt)?,
        matrix_name: row.matrix_name,
        reference: row.reference,
        shopify_draft_order_gid: row.shopify_draft_order_gid,
        shopify_name: row.shopify_name,
        product_gid: row.product_gid,
        variant_gid: row.variant_gid,
        width: row.width,
        height: row.height,
        unit: row.unit,
        shopify_total: row.shopify_total,
        shopify_unit_price: row.shopify_unit_price,
        shopify_total_tax: row.shopify_total_tax,
        shopify_total_discounts: row.shopify_total_discounts,
        shopify_price_differs: row.shopify_price_differs,
        snapshot: serde_json::from_str(&row.option_selections).map_err(|e| {
            StorageError::corrupt(format!("record {} has an unreadable snapshot: {e}", row.id))
        })?,
        idempotency_key: row.idempotency_key,
        request_hash: row.request_hash,
        invoice_url: row.invoice_url,
        error: row.error,
        attempts: row.attempts,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
