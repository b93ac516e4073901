//! The durable job queue's worker (DESIGN §4 "jobs"): work survives restarts (it is rows of the
//! app's database), is retried with backoff, and is claimed by one worker at a time, on SQLite
//! and PostgreSQL alike. What each kind of job does is registered by whoever builds the app.

mod worker;

use std::sync::Arc;

use tokio::sync::Notify;

pub use worker::{Handler, Periodic, Worker};

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
