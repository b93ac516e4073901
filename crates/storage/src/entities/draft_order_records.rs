//! Row of `draft_order_records`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "draft_order_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub store_id: i64,
    pub matrix_id: Option<i64>,
    pub matrix_name: String,
    #[sea_orm(unique)]
    pub reference: String,
    pub shopify_draft_order_gid: Option<String>,
    pub shopify_name: Option<String>,
    pub product_gid: String,
    pub variant_gid: Option<String>,
    pub width: String,
    pub height: String,
    pub unit: String,
    pub quantity: i32,
    pub unit_price_minor: i64,
    pub total_minor: i64,
    pub currency: String,
    pub shopify_total: Option<String>,
    /// The line's unit price as Shopify calculated it (shop currency, decimal as Shopify wrote it).
    pub shopify_unit_price: Option<String>,
    pub shopify_total_tax: Option<String>,
    pub shopify_total_discounts: Option<String>,
    /// Shopify's line price is not the locked price (`None` until created).
    pub shopify_price_differs: Option<bool>,
    pub option_selections: String,
    pub status: String,
    pub idempotency_key: Option<String>,
    pub request_hash: String,
    pub invoice_url: Option<String>,
    pub error: Option<String>,
    pub attempts: i32,
    /// Until when a request or job is sending the record to Shopify.
    pub send_lease_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
