//! Products: which matrix prices which Shopify product.

pub mod storage;
