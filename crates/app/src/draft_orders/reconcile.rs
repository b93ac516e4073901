//! Settles `pending` records whose request ended without an answer from Shopify (DESIGN §6.6):
//! found by their reference tag → `created` (and counted); not found once the budget has run
//! out → `failed`. Safe to run on several instances at once: each transition happens once.

use chrono::{DateTime, Duration, Utc};
use gridprice_storage::draft_orders::{self as records, DraftOrderRecord};
use gridprice_storage::stores;

use super::service::{find_by_reference, mark_created, DraftOrders};
use crate::metrics::Reconciled;

/// Records younger than this may still be in their request's hands.
pub const SETTLE_AFTER: Duration = Duration::minutes(1);
/// A record still not found in Shopify this long after it was made never will be.
pub const GIVE_UP_AFTER: Duration = Duration::minutes(15);
const BATCH: u64 = 100;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub created: u32,
    pub failed: u32,
    pub still_pending: u32,
}

impl DraftOrders {
    /// One pass over the `pending` records last touched before `cutoff`.
    pub async fn reconcile_pending(&self, cutoff: DateTime<Utc>) -> Report {
        let mut report = Report::default();
        let due = match records::pending_before(&self.db, cutoff, BATCH).await {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, "cannot read pending draft order records");
                return report;
            }
        };
        for record in due {
            match self.settle(&record).await {
                Settled::Created => report.created += 1,
                Settled::Failed => report.failed += 1,
                Settled::Pending => report.still_pending += 1,
            }
        }
        if report != Report::default() {
            tracing::info!(?report, "reconciled pending draft orders");
        }
        report
    }
}

enum Settled {
    Created,
    Failed,
    Pending,
}

impl DraftOrders {
    async fn settle(&self, record: &DraftOrderRecord) -> Settled {
        let expired = Utc::now() - record.created_at > GIVE_UP_AFTER;
        let found = self.lookup(record).await;
        let outcome = match found {
            Some(Some(order)) => {
                mark_created(&self.db, record, &order)
                    .await
                    .map(|(_, changed)| {
                        // Several instances reconcile; only the one that settled it counts it.
                        if changed {
                            self.metrics.reconciled(Reconciled::Created);
                        }
                        Settled::Created
                    })
            }
            Some(None) if expired => {
                let reason = "Shopify has no draft order for this request; it was never created";
                records::mark_failed(&self.db, record.store_id, record.id, reason)
                    .await
                    .map(|changed| {
                        if changed {
                            self.metrics.reconciled(Reconciled::Failed);
                        }
                        Settled::Failed
                    })
                    .map_err(Into::into)
            }
            _ => Ok(Settled::Pending),
        };
        outcome.unwrap_or_else(|error: crate::error::ServiceError| {
            tracing::warn!(record = record.id.get(), %error, "cannot settle a pending record");
            Settled::Pending
        })
    }

    /// `Some(found)` when Shopify could be asked; `None` when it could not (try again later).
    async fn lookup(
        &self,
        record: &DraftOrderRecord,
    ) -> Option<Option<shopify::admin::CreatedDraftOrder>> {
        let store = stores::get(&self.db, record.store_id).await.ok()?;
        let token = self.shopify.access_token(&store).await.ok()?;
        let shop = self.shopify.shop(&store.shop, &token);
        match find_by_reference(&shop, &record.reference).await {
            Ok(found) => Some(found),
            Err(error) => {
                self.shopify.failure(&store, error).await;
                None
            }
        }
    }
}
