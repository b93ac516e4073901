//! Products: which matrix prices which Shopify product.

pub mod pages;
pub mod routes;
pub mod service;
