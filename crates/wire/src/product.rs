//! `GET /api/v1/products/{productId}`: what a calculator shows before the first price — the
//! product's matrix unit and allowed range, its option groups and the store's currency — in one
//! request. A Gridprice addition (QuoteFlow has no such endpoint).

use pricing::Unit;
use serde::Serialize;
use utoipa::ToSchema;

use crate::options::OptionGroupView;
use crate::price::DimensionRange;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductResponse<'a> {
    /// `gid://shopify/Product/<n>`.
    #[schema(example = "gid://shopify/Product/8000000000001")]
    pub product_id: String,
    #[schema(value_type = String, example = "Glass panel")]
    pub title: &'a str,
    /// The matrix's name, as the price answer's `matrix`.
    #[schema(value_type = String, example = "Demo glass")]
    pub matrix: &'a str,
    /// ISO 4217 code of the store's currency; prices are in it.
    #[schema(example = "USD")]
    pub currency: &'static str,
    /// The currency's decimals: the exponent of the `…Minor` fields (USD 2, JPY 0, KWD 3).
    #[schema(example = 2)]
    pub currency_digits: u32,
    /// The matrix unit: sizes without a `unit` are in it.
    #[schema(value_type = String, example = "mm")]
    pub unit: Unit,
    /// Out-of-range policy: `reject` (a size outside the range is refused) or `clamp`.
    #[schema(example = "reject")]
    pub out_of_range: &'static str,
    pub dimension_range: DimensionRange,
    /// As `GET /api/v1/products/{productId}/options` answers them.
    pub option_groups: Vec<OptionGroupView>,
}
