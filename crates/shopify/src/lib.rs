//! Shopify platform client.
