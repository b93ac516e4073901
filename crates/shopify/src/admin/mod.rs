//! The Admin GraphQL API client: typed operations over a paced, retrying transport.

pub mod billing;
mod client;
mod error;
mod operations;
mod throttle;

pub use billing::{
    AppPricingInterval, AppSubscription, AppSubscriptionInput, AppSubscriptionStatus,
    CreatedSubscription, RecurringPrice, ReplacementBehavior, SubscriptionPage,
};
pub use client::{AdminClient, ClientOptions, ShopClient};
pub use error::{AdminError, UserError};
pub use operations::{
    documents, Attribute, CreatedDraftOrder, DraftOrderInput, DraftOrderLine, DraftOrderLineItem,
    DraftOrderStatus, Money, Product, ProductPage, ProductSummary, ShopInfo, ShopPlan, Variant,
};
