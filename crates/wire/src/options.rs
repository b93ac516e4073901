//! `GET /api/v1/products/{productId}/options`: a product's option groups in display order.

use serde::Serialize;
use utoipa::ToSchema;

use crate::decimal::DecimalNumber;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OptionsResponse {
    pub option_groups: Vec<OptionGroupView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OptionGroupView {
    pub id: i64,
    pub name: String,
    /// REQUIRED or OPTIONAL.
    pub requirement: &'static str,
    pub choices: Vec<ChoiceView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChoiceView {
    pub id: i64,
    pub label: String,
    /// FIXED or PERCENTAGE.
    pub modifier_type: &'static str,
    /// Major units for FIXED, percent for PERCENTAGE.
    pub modifier_value: DecimalNumber,
    pub is_default: bool,
}
