//! Local Shopify simulator.
