//! Row of `stores`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stores")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub shop: String,
    pub access_token_ciphertext: Option<String>,
    /// When the (expiring) access token should be renewed; `None` for a non-expiring token.
    pub access_token_refresh_at: Option<DateTimeUtc>,
    /// When Shopify stops accepting the access token.
    pub access_token_expires_at: Option<DateTimeUtc>,
    pub refresh_token_ciphertext: Option<String>,
    pub refresh_token_expires_at: Option<DateTimeUtc>,
    pub scopes: Option<String>,
    pub installed_at: Option<DateTimeUtc>,
    pub uninstalled_at: Option<DateTimeUtc>,
    pub reauth_required_at: Option<DateTimeUtc>,
    pub unit_preference: String,
    pub out_of_range_default: String,
    pub currency: String,
    pub total_draft_orders_created: i64,
    pub line_item_mode: String,
    /// JSON array of origins new storefront keys get unless told otherwise.
    pub default_allowed_origins: String,
    /// Whether Shopify's automatic discounts may apply to Gridprice's draft orders.
    pub accept_automatic_discounts: bool,
    /// When the merchant marked the calculator as added to their theme.
    pub calculator_placed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
