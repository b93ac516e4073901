//! Draft orders: every order Gridprice creates in Shopify, recorded once and counted once
//! (DESIGN §6). The flow ([`service`]), the reconciliation of records Shopify did not confirm
//! ([`reconcile`]), the removal of duplicates a resend made ([`duplicates`]), the answer built
//! from a record ([`snapshot`]); at the edge, a request as storefronts send it ([`request`]) and
//! the merchant's view ([`api`]).

pub mod api;
pub mod duplicates;
pub mod pages;
pub mod reconcile;
pub mod request;
pub mod service;
pub mod snapshot;

pub use service::DraftOrders;
