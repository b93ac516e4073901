//! The worker: claims due jobs one at a time, runs each with the handler registered for its
//! kind, and schedules retries with jittered exponential backoff until a job's attempts run
//! out. It also runs periodic tasks (the reconciliation of pending draft orders).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::future::BoxFuture;
use gridprice_storage::jobs::{self as storage, Job};
use gridprice_storage::Database;
use rand::Rng;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::JobSignal;
use crate::error::JobError;

/// How often the queue is looked at when nobody wakes the worker.
const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// A claimed job is someone else's to retry after this long without an answer.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);
const MAX_BACKOFF_SECONDS: i64 = 600;

/// Runs a job of one kind, given its payload.
pub type Handler = Arc<dyn Fn(String) -> BoxFuture<'static, Result<(), JobError>> + Send + Sync>;
/// A task run every so often.
pub type Periodic = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// The worker before it runs: the queue it drains and what it does.
pub struct Worker {
    db: Database,
    signal: JobSignal,
    handlers: HashMap<&'static str, Handler>,
    periodic: Vec<(Duration, Periodic)>,
}

impl Worker {
    pub fn new(db: Database, signal: JobSignal) -> Self {
        Self {
            db,
            signal,
            handlers: HashMap::new(),
            periodic: Vec::new(),
        }
    }

    /// Jobs of `kind` are run by `handler`.
    pub fn handle(mut self, kind: &'static str, handler: Handler) -> Self {
        self.handlers.insert(kind, handler);
        self
    }

    /// `task` runs every `interval`, first at once.
    pub fn every(mut self, interval: Duration, task: Periodic) -> Self {
        self.periodic.push((interval, task));
        self
    }

    /// Runs until `stop`.
    pub fn spawn(self, stop: CancellationToken) -> JoinHandle<()> {
        tokio::spawn(async move {
            let periodic: Vec<_> = self
                .periodic
                .iter()
                .map(|(interval, task)| tokio::spawn(every(*interval, task.clone(), stop.clone())))
                .collect();
            loop {
                self.drain(&stop).await;
                tokio::select! {
                    () = stop.cancelled() => break,
                    () = self.signal.woken() => {}
                    () = tokio::time::sleep(POLL_INTERVAL) => {}
                }
            }
            for task in periodic {
                let _ = task.await;
            }
        })
    }

    async fn drain(&self, stop: &CancellationToken) {
        while !stop.is_cancelled() {
            match storage::claim_next(&self.db, LEASE).await {
                Ok(Some(job)) => self.settle(job).await,
                Ok(None) => return,
                Err(error) => {
                    tracing::warn!(%error, "cannot read the job queue");
                    return;
                }
            }
        }
    }

    async fn settle(&self, job: Job) {
        let outcome = match self.handlers.get(job.kind.as_str()) {
            Some(handler) => handler(job.payload.clone()).await,
            None => Err(JobError::Permanent(format!(
                "unknown job kind {:?}",
                job.kind
            ))),
        };
        let db = &self.db;
        let recorded = match &outcome {
            Ok(()) => storage::complete(db, job.id).await,
            Err(JobError::Retry(error)) if job.attempts < job.max_attempts => {
                let at = Utc::now() + backoff(job.attempts);
                tracing::warn!(job = job.id, kind = %job.kind, %error, %at, "job will be retried");
                storage::retry_at(db, job.id, error, at).await
            }
            Err(failure) => {
                tracing::error!(job = job.id, kind = %job.kind, error = %failure, "job failed for good");
                storage::fail(db, job.id, &failure.to_string()).await
            }
        };
        if let Err(error) = recorded {
            // The lease runs out and the job is claimed again: handlers are idempotent.
            tracing::warn!(job = job.id, %error, "cannot record a job's outcome");
        }
    }
}

async fn every(interval: Duration, task: Periodic, stop: CancellationToken) {
    let mut ticks = tokio::time::interval(interval);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = ticks.tick() => task().await,
        }
    }
}

fn backoff(attempts: i32) -> chrono::Duration {
    let exponential = 1_i64 << attempts.clamp(0, 10);
    let seconds = exponential.min(MAX_BACKOFF_SECONDS);
    let jitter = rand::thread_rng().gen_range(0..=seconds / 2);
    chrono::Duration::seconds(seconds + jitter)
}
