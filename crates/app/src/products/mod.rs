//! Products: which matrix prices which Shopify product.

pub mod routes;
pub mod service;
