//! Settles `pending` records whose request ended without an answer from Shopify (DESIGN §6.6):
//! found by their reference tag → `created` (and counted); not found → sent again (one send per
//! pass) while the retry window lasts, then `failed`. Safe to run on several instances at once:
//! a record is taken by one sender at a time (its send lease), and each transition happens once.

use chrono::{DateTime, Duration, Utc};
use gridprice_storage::draft_orders::{self as records, DraftOrderRecord};
use gridprice_storage::stores::{self, Store};

use super::service::{lease_until, mark_created, DraftOrders, Sent, NEVER_PLACED, RETRY_WINDOW};
use crate::error::ServiceError;
use crate::metrics::Reconciled;

/// Records younger than this may still be in their request's hands.
pub const SETTLE_AFTER: Duration = Duration::minutes(1);
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
        let Ok(store) = stores::get(&self.db, record.store_id).await else {
            return Settled::Pending;
        };
        match records::claim_send(&self.db, store.id, record.id, lease_until()).await {
            Ok(true) => {}
            // Another request or instance is sending it.
            Ok(false) => return Settled::Pending,
            Err(error) => {
                tracing::warn!(record = record.id.get(), %error, "cannot take a pending record");
                return Settled::Pending;
            }
        }
        let settled = self.settle_held(&store, record).await;
        if let Err(error) = records::release_send(&self.db, store.id, record.id).await {
            tracing::warn!(record = record.id.get(), %error, "cannot release a pending record");
        }
        settled.unwrap_or_else(|error| {
            tracing::warn!(record = record.id.get(), %error, "cannot settle a pending record");
            Settled::Pending
        })
    }

    /// Settles a record this job holds the lease of.
    async fn settle_held(
        &self,
        store: &Store,
        record: &DraftOrderRecord,
    ) -> Result<Settled, ServiceError> {
        let found = self.find(store, &record.reference).await;
        match found {
            Ok(Some(order)) => {
                let (_, changed) = mark_created(&self.db, record, &order).await?;
                // Several instances reconcile; only the one that settled it counts it.
                if changed {
                    self.metrics.reconciled(Reconciled::Created);
                }
                return Ok(Settled::Created);
            }
            Ok(None) => {}
            // Not approved for protected customer data (or a scope missing): definitive, and
            // every later pass would be denied the same way.
            Err(ServiceError::AccessDenied(reason)) => {
                self.denied(store, record, reason).await?;
                self.metrics.reconciled(Reconciled::Failed);
                return Ok(Settled::Failed);
            }
            Err(error) => return Err(error),
        }
        if Utc::now() - record.created_at > RETRY_WINDOW {
            let changed = records::mark_failed(&self.db, store.id, record.id, NEVER_PLACED).await?;
            if changed {
                self.metrics.reconciled(Reconciled::Failed);
            }
            return Ok(Settled::Failed);
        }
        // Shopify never had it (it was down, or the send failed before reaching it): send again.
        let token = self.shopify.access_token(store).await?;
        match self
            .submit(store, token, record.clone(), std::time::Duration::ZERO)
            .await
        {
            Ok(Sent::Created(_)) => {
                self.metrics.reconciled(Reconciled::Created);
                Ok(Settled::Created)
            }
            Ok(Sent::Unconfirmed) => Ok(Settled::Pending),
            // Refused or denied: the record is `failed` already.
            Err(ServiceError::Refused { .. } | ServiceError::AccessDenied(_)) => {
                self.metrics.reconciled(Reconciled::Failed);
                Ok(Settled::Failed)
            }
            Err(error) => Err(error),
        }
    }
}
