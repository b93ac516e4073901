//! Shopify webhooks (DESIGN §7): verified, deduplicated by webhook id, recorded together with
//! the job that does the work, answered at once ([`routes`]); the job does the rest
//! ([`process`]).

pub mod process;
pub mod routes;
