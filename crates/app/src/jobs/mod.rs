//! A durable job queue in the app's own database (DESIGN §4 "jobs"): work survives restarts, is
//! retried with backoff, and is claimed by one worker at a time, on SQLite and PostgreSQL alike.

pub mod storage;
mod worker;

use std::sync::Arc;

use tokio::sync::Notify;

pub use worker::spawn_worker;

/// Wakes the worker when work is enqueued, so it need not wait for its next poll.
#[derive(Debug, Clone, Default)]
pub struct JobSignal(Arc<Notify>);

impl JobSignal {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    async fn woken(&self) {
        self.0.notified().await;
    }
}

/// Why a job did not finish.
#[derive(Debug, thiserror::Error)]
pub enum JobFailure {
    /// Worth trying again later (the database or Shopify was unavailable).
    #[error("{0}")]
    Retry(String),
    /// Trying again cannot help (malformed payload, unknown kind).
    #[error("{0}")]
    Permanent(String),
}

impl From<crate::db::StorageError> for JobFailure {
    fn from(error: crate::db::StorageError) -> Self {
        Self::Retry(error.to_string())
    }
}
