//! Draft orders: every order Gridprice creates in Shopify, recorded once and counted once
//! (DESIGN §6). The flow ([`service`]), the reconciliation of records Shopify did not confirm
//! ([`reconcile`]), the removal of duplicates a resend made ([`duplicates`]), the answer built
//! from a record ([`snapshot`]), and the merchant's view ([`api`]).

pub mod api;
pub mod duplicates;
pub mod reconcile;
pub mod service;
pub mod snapshot;

pub use service::DraftOrders;
