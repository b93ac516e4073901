//! Stores as the app acts for them: reaching Shopify with each store's token (renewed before it
//! expires, the store marked for reconnection when Shopify refuses it), and the merchant's view
//! of the store and its settings.

mod access;
pub mod pages;
pub mod routes;
pub mod service;

pub use access::ShopifyAccess;
