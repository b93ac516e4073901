//! Shopify webhooks (DESIGN §7): verified, deduplicated by webhook id, recorded together with
//! the job that does the work, answered at once; the job queue does the rest.

mod process;
mod routes;
mod storage;

pub use process::{process, JOB_KIND};
pub use routes::routes;
