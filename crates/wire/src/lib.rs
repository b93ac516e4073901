//! The storefront API v1 on the wire (DESIGN §5): the answers of the price, options, product and
//! draft order endpoints, wire-compatible with QuoteFlow v1 plus Gridprice's exact additions. Below
//! the catalogue, the draft order flow and the `quote` command, which all write these; it knows
//! nothing of HTTP or storage.

mod decimal;
mod draft_order;
mod options;
mod price;
mod product;

pub use decimal::{DecimalNumber, DecimalString};
pub use draft_order::DraftOrderResponse;
pub use options::{ChoiceView, OptionGroupView, OptionsResponse};
pub use price::{
    modifier_wire, AppliedModifier, DimensionRange, Dimensions, ExactMoney, MatrixSummary,
    PriceResponse, PricedOption, PricedRequest,
};
pub use product::ProductResponse;
