//! Shopify platform client for Gridprice, independent of its database and pricing.
//!
//! - [`ShopDomain`], global IDs ([`gid`]), [`AppCredentials`], [`AccessToken`], [`ApiVersion`]
//!   and [`ShopUrlTemplate`] (where shops live: Shopify or the local simulator).
//! - [`oauth`]: install URL and callback verification; [`token`]: code → offline token and
//!   token exchange.
//! - [`session_token`]: App Bridge session tokens; [`webhook`]: signed deliveries;
//!   [`app_proxy`]: signed storefront requests through the shop's app proxy.
//! - [`admin`]: the Admin GraphQL client with cost-aware throttling.

pub mod admin;
pub mod app_proxy;
mod credentials;
mod crypto;
mod domain;
pub mod gid;
mod http_body;
pub mod oauth;
pub mod session_token;
mod shop_url;
pub mod token;
pub mod webhook;

pub use credentials::{
    AccessToken, ApiSecret, ApiVersion, ApiVersionError, AppCredentials, RefreshToken,
};
pub use domain::{ShopDomain, ShopDomainError};
pub use gid::{AppSubscriptionGid, DraftOrderGid, Gid, GidError, ProductGid, VariantGid};
pub use shop_url::{ShopUrlTemplate, ShopUrlTemplateError};
