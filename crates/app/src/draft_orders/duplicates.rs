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
use gridprice_storage::draft_orders::{self as records, DraftOrderRecord, RecordStatus};
use gridprice_storage::jobs::NewJob;
use gridprice_storage::{stores, DraftOrderRecordId, StorageError};
use serde::{Deserialize, Serialize};
use shopify::admin::DraftOrderStatus;

use super::service::{orders_tagged, reference_tag, DraftOrders};
use crate::error::{JobError, ServiceError};

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

/// The check of `record`, for the transaction that marks it created to enqueue when the record
/// took more than one send.
pub(super) fn check(record: &DraftOrderRecord) -> Result<NewJob, ServiceError> {
    let check = Check {
        store_id: record.store_id.get(),
        record_id: record.id.get(),
    };
    Ok(NewJob {
        kind: JOB_KIND,
        payload: serde_json::to_string(&check).map_err(ServiceError::internal)?,
        max_attempts: MAX_ATTEMPTS,
        run_at: Utc::now() + CHECK_AFTER,
    })
}

/// The job: deletes every open draft order with the record's tag but the recorded one, and
/// returns how many it deleted.
impl DraftOrders {
    pub async fn remove_duplicates(&self, payload: &str) -> Result<u32, JobError> {
        let check: Check = serde_json::from_str(payload)
            .map_err(|e| JobError::Permanent(format!("malformed duplicate check: {e}")))?;
        let Some(store) = stores::find(&self.db, check.store_id).await? else {
            // The store was redacted meanwhile: nothing of it is left to check.
            return Ok(0);
        };
        let record = match records::get(
            &self.db,
            store.id,
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
        let (shopify, store) = (&self.shopify, &store);
        let reference = record.reference.as_str();
        let tagged = shopify
            .call(store, |token| async move {
                orders_tagged(&shopify.shop(&store.shop, &token), reference).await
            })
            .await?;
        let mut deleted = 0;
        for extra in tagged.iter().filter(|order| order.id.to_string() != kept) {
            if extra.status == DraftOrderStatus::Completed {
                tracing::error!(
                    shop = %store.shop, record = record.id.get(), kept, duplicate = %extra.id,
                    "a duplicate draft order was completed; the merchant must refund one of them"
                );
                continue;
            }
            let id = &extra.id;
            let outcome = shopify
                .call(store, |token| async move {
                    shopify
                        .shop(&store.shop, &token)
                        .draft_order_delete(id)
                        .await
                })
                .await;
            match outcome {
                Ok(()) => {
                    deleted += 1;
                    tracing::warn!(
                        shop = %store.shop, record = record.id.get(), kept, duplicate = %extra.id,
                        tag = reference_tag(&record.reference),
                        "deleted a duplicate draft order made by a resend"
                    );
                }
                // Already gone (deleted by the merchant, or by an earlier run of this job).
                Err(ServiceError::Refused { errors, .. }) => {
                    tracing::info!(duplicate = %extra.id, ?errors, "duplicate draft order not deleted");
                }
                Err(error) => return Err(error.into()),
            }
        }
        Ok(deleted)
    }
}
