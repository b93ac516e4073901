//! Extra draft orders a resend may have made (DESIGN §6: nothing doubled).
//!
//! Before sending `draftOrderCreate` again the flow looks the order up by its reference tag, but
//! Shopify's search index lags behind writes: an order whose answer was lost can be missed, and
//! the resend then makes a second order with the same tag. So a record that took more than one
//! send is checked again once the index has caught up ([`CHECK_AFTER`], a job scheduled in the
//! transaction that marks the record `created`): every draft order carrying its tag except the
//! recorded one — whose checkout link the shopper got — is deleted. Nobody has the extra order's
//! link, so it cannot have been paid; should one be completed anyway it is kept and reported.

use chrono::Utc;
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use shopify::admin::{AdminError, DraftOrderStatus};

use super::service::{orders_tagged, reference_tag};
use super::storage as records;
use super::{DraftOrderRecordId, RecordStatus};
use crate::db::{StorageError, StorageResult};
use crate::jobs::{self, JobFailure};
use crate::state::AppState;
use crate::stores::{service as store_service, storage as stores, StoreId};

pub const JOB_KIND: &str = "draft_order.remove_duplicates";
/// Shopify's index lags seconds; this is long after it has seen every send of a request.
pub const CHECK_AFTER: chrono::Duration = chrono::Duration::minutes(2);
const MAX_ATTEMPTS: i32 = 10;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Check {
    store_id: i64,
    record_id: i64,
}

/// Schedules the check of a record that took more than one send, in the caller's transaction.
pub(super) async fn schedule_in(
    txn: &impl ConnectionTrait,
    store: StoreId,
    record: DraftOrderRecordId,
) -> StorageResult<()> {
    let check = Check {
        store_id: store.get(),
        record_id: record.get(),
    };
    let payload = serde_json::to_string(&check).map_err(StorageError::corrupt)?;
    let due = Utc::now() + CHECK_AFTER;
    jobs::storage::enqueue_at(txn, JOB_KIND, &payload, MAX_ATTEMPTS, due).await?;
    Ok(())
}

/// The job: deletes every open draft order with the record's tag but the recorded one, and
/// returns how many it deleted.
pub async fn remove(state: &AppState, payload: &str) -> Result<u32, JobFailure> {
    let check: Check = serde_json::from_str(payload)
        .map_err(|e| JobFailure::Permanent(format!("malformed duplicate check: {e}")))?;
    let store_id = StoreId::from_row(check.store_id);
    let record = match records::get(
        &state.db,
        store_id,
        DraftOrderRecordId::new(check.record_id),
    )
    .await
    {
        Ok(record) => record,
        // The store was redacted meanwhile: nothing of it is left to check.
        Err(StorageError::NotFound(_)) => return Ok(0),
        Err(error) => return Err(error.into()),
    };
    let Some(kept) = record
        .shopify_draft_order_gid
        .as_deref()
        .filter(|_| record.status == RecordStatus::Created)
    else {
        return Ok(0);
    };
    let store = stores::get(&state.db, store_id).await?;
    let retry = |error: crate::http::error::ApiError| JobFailure::Retry(error.to_string());
    let token = store_service::access_token(state, &store)
        .await
        .map_err(retry)?;
    let shop = state.admin.shop(&store.shop, &token);
    let failed = |error: AdminError| async {
        retry(store_service::shopify_failure(state, &store, error).await)
    };
    let tagged = match orders_tagged(&shop, &record.reference).await {
        Ok(tagged) => tagged,
        Err(error) => return Err(failed(error).await),
    };
    let mut deleted = 0;
    for extra in tagged.iter().filter(|order| order.id.to_string() != kept) {
        if extra.status == DraftOrderStatus::Completed {
            tracing::error!(
                shop = %store.shop, record = record.id.get(), kept, duplicate = %extra.id,
                "a duplicate draft order was completed; the merchant must refund one of them"
            );
            continue;
        }
        match shop.draft_order_delete(&extra.id).await {
            Ok(()) => {
                deleted += 1;
                tracing::warn!(
                    shop = %store.shop, record = record.id.get(), kept, duplicate = %extra.id,
                    tag = reference_tag(&record.reference),
                    "deleted a duplicate draft order made by a resend"
                );
            }
            // Already gone (deleted by the merchant, or by an earlier run of this job).
            Err(AdminError::UserErrors(errors)) => {
                tracing::info!(duplicate = %extra.id, ?errors, "duplicate draft order not deleted");
            }
            Err(error) => return Err(failed(error).await),
        }
    }
    Ok(deleted)
}
