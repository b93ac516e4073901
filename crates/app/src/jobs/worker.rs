//! The worker: claims due jobs one at a time, runs them, and schedules retries with jittered
//! exponential backoff until a job's attempts run out. It also reconciles `pending` draft
//! orders with Shopify every half minute.

use std::time::Duration;

use chrono::Utc;
use rand::Rng;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{storage, JobFailure};
use crate::state::AppState;
use crate::{draft_orders, webhooks};

/// How often the queue is looked at when nobody wakes the worker.
const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// How often `pending` draft orders are reconciled with Shopify.
const RECONCILE_INTERVAL: Duration = Duration::from_secs(30);
/// A claimed job is someone else's to retry after this long without an answer.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);
const MAX_BACKOFF_SECONDS: i64 = 600;

pub fn spawn_worker(state: AppState, stop: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut reconcile = tokio::time::interval(RECONCILE_INTERVAL);
        loop {
            drain(&state, &stop).await;
            tokio::select! {
                () = stop.cancelled() => break,
                () = state.jobs.woken() => {}
                () = tokio::time::sleep(POLL_INTERVAL) => {}
                _ = reconcile.tick() => {
                    let cutoff = Utc::now() - draft_orders::reconcile::SETTLE_AFTER;
                    draft_orders::reconcile::reconcile_pending(&state, cutoff).await;
                }
            }
        }
    })
}

async fn drain(state: &AppState, stop: &CancellationToken) {
    while !stop.is_cancelled() {
        match storage::claim_next(&state.db, LEASE).await {
            Ok(Some(job)) => settle(state, job).await,
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(%error, "cannot read the job queue");
                return;
            }
        }
    }
}

async fn settle(state: &AppState, job: storage::Job) {
    let outcome = run(state, &job).await;
    let recorded = match &outcome {
        Ok(()) => storage::complete(&state.db, job.id).await,
        Err(JobFailure::Retry(error)) if job.attempts < job.max_attempts => {
            let at = Utc::now() + backoff(job.attempts);
            tracing::warn!(job = job.id, kind = %job.kind, %error, %at, "job will be retried");
            storage::retry_at(&state.db, job.id, error, at).await
        }
        Err(failure) => {
            tracing::error!(job = job.id, kind = %job.kind, error = %failure, "job failed for good");
            storage::fail(&state.db, job.id, &failure.to_string()).await
        }
    };
    if let Err(error) = recorded {
        // The lease runs out and the job is claimed again: handlers are idempotent.
        tracing::warn!(job = job.id, %error, "cannot record a job's outcome");
    }
}

async fn run(state: &AppState, job: &storage::Job) -> Result<(), JobFailure> {
    match job.kind.as_str() {
        webhooks::JOB_KIND => webhooks::process(state, &job.payload).await,
        draft_orders::duplicates::JOB_KIND => draft_orders::duplicates::remove(state, &job.payload)
            .await
            .map(drop),
        other => Err(JobFailure::Permanent(format!("unknown job kind {other:?}"))),
    }
}

fn backoff(attempts: i32) -> chrono::Duration {
    let exponential = 1_i64 << attempts.clamp(0, 10);
    let seconds = exponential.min(MAX_BACKOFF_SECONDS);
    let jitter = rand::thread_rng().gen_range(0..=seconds / 2);
    chrono::Duration::seconds(seconds + jitter)
}
