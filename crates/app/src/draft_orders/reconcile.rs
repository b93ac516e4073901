//! Settles `pending` records whose request ended without an answer from Shopify (DESIGN §6.6):
//! found by their reference tag → `created` (and counted); not found once the budget has run
//! out → `failed`. Safe to run on several instances at once: each transition happens once.

use chrono::{DateTime, Duration, Utc};

use super::service::{find_by_reference, shopify_order};
use super::storage::{self as records, DraftOrderRecord};
use crate::metrics::Reconciled;
use crate::state::AppState;
use crate::stores::{service as store_service, storage as stores};

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

/// One pass over the `pending` records last touched before `cutoff`.
pub async fn reconcile_pending(state: &AppState, cutoff: DateTime<Utc>) -> Report {
    let mut report = Report::default();
    let due = match records::pending_before(&state.db, cutoff, BATCH).await {
        Ok(due) => due,
        Err(error) => {
            tracing::warn!(%error, "cannot read pending draft order records");
            return report;
        }
    };
    for record in due {
        match settle(state, &record).await {
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

enum Settled {
    Created,
    Failed,
    Pending,
}

async fn settle(state: &AppState, record: &DraftOrderRecord) -> Settled {
    let expired = Utc::now() - record.created_at > GIVE_UP_AFTER;
    let found = lookup(state, record).await;
    let outcome = match found {
        Some(Some(order)) => records::settle_created(
            &state.db,
            record.store_id,
            record.id,
            &shopify_order(&order),
        )
        .await
        .map(|(_, changed)| {
            // Several instances reconcile; only the one that settled it counts it.
            if changed {
                state.metrics.reconciled(Reconciled::Created);
            }
            Settled::Created
        }),
        Some(None) if expired => {
            let reason = "Shopify has no draft order for this request; it was never created";
            records::mark_failed(&state.db, record.store_id, record.id, reason)
                .await
                .map(|changed| {
                    if changed {
                        state.metrics.reconciled(Reconciled::Failed);
                    }
                    Settled::Failed
                })
        }
        _ => Ok(Settled::Pending),
    };
    outcome.unwrap_or_else(|error| {
        tracing::warn!(record = record.id.get(), %error, "cannot settle a pending record");
        Settled::Pending
    })
}

/// `Some(found)` when Shopify could be asked; `None` when it could not (try again later).
async fn lookup(
    state: &AppState,
    record: &DraftOrderRecord,
) -> Option<Option<shopify::admin::CreatedDraftOrder>> {
    let store = stores::get(&state.db, record.store_id).await.ok()?;
    let token = store_service::access_token(state, &store).await.ok()?;
    let shop = state.admin.shop(&store.shop, &token);
    match find_by_reference(&shop, &record.reference).await {
        Ok(found) => Some(found),
        Err(error) => {
            store_service::shopify_failure(state, &store, error).await;
            None
        }
    }
}
