//! The storefront API v1 (DESIGN §5): what storefronts and the `quote` command answer.

pub mod price;
