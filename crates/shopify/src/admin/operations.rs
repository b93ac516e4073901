//! The typed Admin API operations Gridprice uses. Documents request only the fields read here;
//! names follow the GraphQL Admin API reference for 2026-10.

use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use super::client::ShopClient;
use super::error::{AdminError, UserError};
use crate::domain::ShopDomain;
use crate::gid::{DraftOrderGid, ProductGid, VariantGid};
use crate::webhook::WebhookTopic;

/// The fields of a draft order Gridprice reads back (`CreatedDraftOrder`), shared by the
/// create mutation and the search by tag: totals and the first lines with their prices.
macro_rules! draft_order_fields {
    () => {
        "id
      name
      status
      invoiceUrl
      tags
      taxesIncluded
      subtotalPriceSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      totalDiscountsSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      totalTaxSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      totalPriceSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      lineItems(first: 5) {
        nodes {
          id
          title
          quantity
          custom
          variant {
            id
          }
          originalUnitPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          originalUnitPriceWithCurrency {
            amount
            currencyCode
          }
          discountedTotalSet {
            shopMoney {
              amount
              currencyCode
            }
          }
        }
      }"
    };
}

/// The GraphQL documents, public so the local simulator's tests can check them against its schema.
pub mod documents {
    pub const SHOP_INFO: &str = "query GridpriceShopInfo {
  shop {
    name
    myshopifyDomain
    currencyCode
  }
}";

    pub const SHOP_PLAN: &str = "query GridpriceShopPlan {
  shop {
    plan {
      partnerDevelopment
    }
  }
}";

    pub const PRODUCT: &str = "query GridpriceProduct($id: ID!) {
  product(id: $id) {
    id
    title
    handle
    featuredMedia {
      preview {
        image {
          url
        }
      }
    }
    variants(first: 50) {
      nodes {
        id
        title
        price
      }
    }
  }
}";

    pub const SEARCH_PRODUCTS: &str =
        "query GridpriceSearchProducts($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query) {
    nodes {
      id
      title
      handle
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}";

    pub const DRAFT_ORDER_CREATE: &str = concat!(
        "mutation GridpriceDraftOrderCreate($input: DraftOrderInput!) {
  draftOrderCreate(input: $input) {
    draftOrder {
      ",
        draft_order_fields!(),
        "
    }
    userErrors {
      field
      message
    }
  }
}"
    );

    pub const DRAFT_ORDERS_BY_TAG: &str = concat!(
        "query GridpriceDraftOrdersByTag($first: Int!, $query: String!) {
  draftOrders(first: $first, query: $query) {
    nodes {
      ",
        draft_order_fields!(),
        "
    }
  }
}"
    );

    pub const DRAFT_ORDER_DELETE: &str =
        "mutation GridpriceDraftOrderDelete($input: DraftOrderDeleteInput!) {
  draftOrderDelete(input: $input) {
    deletedId
    userErrors {
      field
      message
    }
  }
}";

    pub const WEBHOOK_SUBSCRIPTION_CREATE: &str = "mutation GridpriceWebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription {
      id
    }
    userErrors {
      field
      message
    }
  }
}";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OperationKind {
    /// Read-only: safe to repeat.
    Query,
    /// Has effects: repeated only when Shopify certainly did not execute it.
    Mutation,
}

/// A document plus what the transport needs to know about it.
pub(crate) struct Operation {
    pub name: &'static str,
    pub document: &'static str,
    pub kind: OperationKind,
    /// Planned cost until Shopify has reported the real `requestedQueryCost` once.
    pub estimated_cost: f64,
}

const SHOP_INFO: Operation = Operation {
    name: "GridpriceShopInfo",
    document: documents::SHOP_INFO,
    kind: OperationKind::Query,
    estimated_cost: 1.0,
};
const SHOP_PLAN: Operation = Operation {
    name: "GridpriceShopPlan",
    document: documents::SHOP_PLAN,
    kind: OperationKind::Query,
    estimated_cost: 2.0,
};
const PRODUCT: Operation = Operation {
    name: "GridpriceProduct",
    document: documents::PRODUCT,
    kind: OperationKind::Query,
    estimated_cost: 55.0,
};
const SEARCH_PRODUCTS: Operation = Operation {
    name: "GridpriceSearchProducts",
    document: documents::SEARCH_PRODUCTS,
    kind: OperationKind::Query,
    estimated_cost: 27.0,
};
const DRAFT_ORDER_CREATE: Operation = Operation {
    name: "GridpriceDraftOrderCreate",
    document: documents::DRAFT_ORDER_CREATE,
    kind: OperationKind::Mutation,
    estimated_cost: 10.0,
};
const DRAFT_ORDERS_BY_TAG: Operation = Operation {
    name: "GridpriceDraftOrdersByTag",
    document: documents::DRAFT_ORDERS_BY_TAG,
    kind: OperationKind::Query,
    // 10 orders × (the order 1 + 4 money bags × 2 + 5 lines × 7 + the connection 2) + 2.
    estimated_cost: 462.0,
};
const DRAFT_ORDER_DELETE: Operation = Operation {
    name: "GridpriceDraftOrderDelete",
    document: documents::DRAFT_ORDER_DELETE,
    kind: OperationKind::Mutation,
    estimated_cost: 10.0,
};
const WEBHOOK_SUBSCRIPTION_CREATE: Operation = Operation {
    name: "GridpriceWebhookSubscriptionCreate",
    document: documents::WEBHOOK_SUBSCRIPTION_CREATE,
    kind: OperationKind::Mutation,
    estimated_cost: 10.0,
};

/// Most draft orders fetched by tag; a reference tag names one order.
const DRAFT_ORDERS_BY_TAG_LIMIT: u32 = 10;
/// Shopify's page-size ceiling.
const MAX_PAGE_SIZE: u32 = 250;

/// An amount in a currency. `amount` is a decimal string (Shopify's `Decimal`/`Money` scalars),
/// never a float, so no precision is lost on the way. Shopify writes `Decimal`s without
/// trailing zeros (`"10.0"`, `"99.5"`): compare amounts with [`Money::same_value`], not `==`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    pub amount: String,
    pub currency_code: String,
}

impl Money {
    /// Whether both are the same amount in the same currency, exactly: `"10.0"` USD equals
    /// `"10.00"` USD, `"10.001"` does not. `false` when either amount is not a decimal number.
    pub fn same_value(&self, other: &Money) -> bool {
        self.currency_code
            .eq_ignore_ascii_case(&other.currency_code)
            && match (
                canonical_decimal(&self.amount),
                canonical_decimal(&other.amount),
            ) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            }
    }
}

/// A decimal text without sign noise, leading zeros or trailing fractional zeros
/// (`"-007.50"` → `"-7.5"`, `"-0.0"` → `"0"`), or `None` if it is not `[+-]digits[.digits]`.
fn canonical_decimal(text: &str) -> Option<String> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !is_digits(int) || !is_digits(frac) {
        return None;
    }
    let int = match int.trim_start_matches('0') {
        "" => "0",
        int => int,
    };
    let frac = frac.trim_end_matches('0');
    let zero = int == "0" && frac.is_empty();
    let sign = if negative && !zero { "-" } else { "" };
    Some(match frac {
        "" => format!("{sign}{int}"),
        frac => format!("{sign}{int}.{frac}"),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopInfo {
    pub name: String,
    pub myshopify_domain: ShopDomain,
    pub currency_code: String,
}

/// `Shop.plan`: what the shop pays Shopify for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopPlan {
    /// A Partner development store: apps may only make test charges.
    pub partner_development: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: ProductGid,
    pub title: String,
    pub handle: String,
    /// The featured image (`featuredMedia.preview.image.url`); `None` without one.
    pub image_url: Option<String>,
    /// The first 50 variants.
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Variant {
    pub id: VariantGid,
    pub title: String,
    /// Decimal string in the shop currency.
    pub price: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProductSummary {
    pub id: ProductGid,
    pub title: String,
    pub handle: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductPage {
    pub products: Vec<ProductSummary>,
    pub has_next_page: bool,
    /// Pass as `after` to get the next page.
    pub end_cursor: Option<String>,
}

/// A custom attribute on a line item (`AttributeInput`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftOrderLineItem {
    /// A catalogue variant sold at `price_override` (keeps inventory, images and reporting).
    Variant {
        variant_id: VariantGid,
        quantity: u32,
        price_override: Money,
        custom_attributes: Vec<Attribute>,
    },
    /// A custom item priced with `originalUnitPriceWithCurrency`.
    Custom {
        title: String,
        quantity: u32,
        unit_price: Money,
        custom_attributes: Vec<Attribute>,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftOrderInput {
    pub line_items: Vec<DraftOrderLineItem>,
    pub tags: Vec<String>,
    pub note: Option<String>,
    /// `acceptAutomaticDiscounts`: whether Shopify may apply the shop's automatic discounts
    /// while calculating the order. `None` leaves it out and Shopify decides; `Some(false)` keeps
    /// a locked price from being discounted.
    pub accept_automatic_discounts: Option<bool>,
}

/// Where a draft order is in its life (`DraftOrderStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DraftOrderStatus {
    Open,
    InvoiceSent,
    /// Paid: it is an order now.
    Completed,
}

/// A draft order as Gridprice reads it back, from creation or from a search by tag. Amounts are
/// in the shop currency (`…Set.shopMoney`), as Shopify calculated them: taxes, automatic
/// discounts and a price override given in another currency (converted) all show here, so
/// compare them with what was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedDraftOrder {
    pub id: DraftOrderGid,
    /// E.g. `#D12`.
    pub name: String,
    pub status: DraftOrderStatus,
    /// The checkout link for the shopper.
    pub invoice_url: Option<String>,
    /// What the shopper pays (`totalPriceSet`): subtotal, plus tax unless prices include it.
    pub total: Money,
    /// Line totals after discounts, before shipping and taxes (`subtotalPriceSet`).
    pub subtotal: Money,
    /// Tax (`totalTaxSet`), added to the subtotal or, with `taxes_included`, contained in it.
    pub total_tax: Money,
    /// All discounts, automatic ones included (`totalDiscountsSet`).
    pub total_discounts: Money,
    /// Whether prices include tax (`taxesIncluded`).
    pub taxes_included: bool,
    pub tags: Vec<String>,
    /// The first 5 lines (Gridprice sends one).
    pub line_items: Vec<DraftOrderLine>,
}

/// A line of a draft order as Shopify calculated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftOrderLine {
    /// `gid://shopify/DraftOrderLineItem/…`
    pub id: String,
    pub title: String,
    pub quantity: u32,
    /// A custom line (no variant).
    pub custom: bool,
    /// The variant, when there is one and it still exists.
    pub variant_id: Option<VariantGid>,
    /// The unit price before discounts in the shop currency (`originalUnitPriceSet`): compare
    /// it with the locked price.
    pub unit_price: Money,
    /// The unit price as it was sent (`originalUnitPriceWithCurrency`); its currency differs
    /// from `unit_price`'s when Shopify converted a price override.
    pub unit_price_as_sent: Money,
    /// The line total after discounts (`discountedTotalSet`); below `unit_price × quantity`
    /// when a discount applied.
    pub discounted_total: Money,
}

// --- response shapes -------------------------------------------------------------------------

#[derive(Deserialize)]
struct ShopInfoData {
    shop: ShopInfo,
}

#[derive(Deserialize)]
struct ShopPlanData {
    shop: ShopPlanNode,
}

#[derive(Deserialize)]
struct ShopPlanNode {
    plan: ShopPlan,
}

#[derive(Deserialize)]
struct ProductData {
    product: Option<ProductNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProductNode {
    id: ProductGid,
    title: String,
    handle: String,
    featured_media: Option<FeaturedMedia>,
    variants: Nodes<Variant>,
}

/// `Media.preview`: every kind of media (image, video, 3D model) has a preview image, which is
/// not ready until Shopify has processed the upload.
#[derive(Deserialize)]
struct FeaturedMedia {
    preview: Option<MediaPreview>,
}

#[derive(Deserialize)]
struct MediaPreview {
    image: Option<ImageUrl>,
}

#[derive(Deserialize)]
struct ImageUrl {
    url: String,
}

#[derive(Deserialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Deserialize)]
struct ProductsData {
    products: ProductConnection,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProductConnection {
    nodes: Vec<ProductSummary>,
    page_info: PageInfo,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DraftOrderNode {
    id: DraftOrderGid,
    name: String,
    status: DraftOrderStatus,
    invoice_url: Option<String>,
    tags: Vec<String>,
    taxes_included: bool,
    subtotal_price_set: MoneyBag,
    total_discounts_set: MoneyBag,
    total_tax_set: MoneyBag,
    total_price_set: MoneyBag,
    line_items: Nodes<DraftOrderLineNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DraftOrderLineNode {
    id: String,
    title: String,
    quantity: u32,
    custom: bool,
    variant: Option<VariantId>,
    original_unit_price_set: MoneyBag,
    original_unit_price_with_currency: Money,
    discounted_total_set: MoneyBag,
}

#[derive(Deserialize)]
struct VariantId {
    id: VariantGid,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MoneyBag {
    shop_money: Money,
}

impl From<DraftOrderNode> for CreatedDraftOrder {
    fn from(node: DraftOrderNode) -> Self {
        Self {
            id: node.id,
            name: node.name,
            status: node.status,
            invoice_url: node.invoice_url,
            total: node.total_price_set.shop_money,
            subtotal: node.subtotal_price_set.shop_money,
            total_tax: node.total_tax_set.shop_money,
            total_discounts: node.total_discounts_set.shop_money,
            taxes_included: node.taxes_included,
            tags: node.tags,
            line_items: node
                .line_items
                .nodes
                .into_iter()
                .map(|line| DraftOrderLine {
                    id: line.id,
                    title: line.title,
                    quantity: line.quantity,
                    custom: line.custom,
                    variant_id: line.variant.map(|v| v.id),
                    unit_price: line.original_unit_price_set.shop_money,
                    unit_price_as_sent: line.original_unit_price_with_currency,
                    discounted_total: line.discounted_total_set.shop_money,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DraftOrderCreateData {
    draft_order_create: MutationPayload<DraftOrderNode>,
}

#[derive(Deserialize)]
struct DraftOrdersData {
    #[serde(rename = "draftOrders")]
    draft_orders: Nodes<DraftOrderNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DraftOrderDeleteData {
    draft_order_delete: DraftOrderDeletePayload,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DraftOrderDeletePayload {
    deleted_id: Option<String>,
    user_errors: Vec<UserError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhookSubscriptionCreateData {
    webhook_subscription_create: WebhookSubscriptionPayload,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhookSubscriptionPayload {
    webhook_subscription: Option<IdOnly>,
    user_errors: Vec<UserError>,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MutationPayload<T> {
    draft_order: Option<T>,
    user_errors: Vec<UserError>,
}

// --- operations ------------------------------------------------------------------------------

impl ShopClient<'_> {
    /// The shop's name, permanent domain and currency.
    pub async fn shop_info(&self) -> Result<ShopInfo, AdminError> {
        let data: ShopInfoData = self.execute(&SHOP_INFO, json!({})).await?;
        Ok(data.shop)
    }

    /// What the shop pays Shopify for: whether it is a Partner development store, which apps
    /// may only charge with test charges.
    pub async fn shop_plan(&self) -> Result<ShopPlan, AdminError> {
        let data: ShopPlanData = self.execute(&SHOP_PLAN, json!({})).await?;
        Ok(data.shop.plan)
    }

    /// A product with its first 50 variants; `None` if it does not exist.
    pub async fn product(&self, id: ProductGid) -> Result<Option<Product>, AdminError> {
        let data: ProductData = self.execute(&PRODUCT, json!({ "id": id })).await?;
        Ok(data.product.map(|p| Product {
            id: p.id,
            title: p.title,
            handle: p.handle,
            image_url: p
                .featured_media
                .and_then(|media| media.preview?.image)
                .map(|image| image.url),
            variants: p.variants.nodes,
        }))
    }

    /// A page of products matching Shopify search syntax `query` (all products when `None`).
    /// `first` is clamped to 1..=250.
    pub async fn search_products(
        &self,
        query: Option<&str>,
        first: u32,
        after: Option<&str>,
    ) -> Result<ProductPage, AdminError> {
        let variables = json!({
            "first": first.clamp(1, MAX_PAGE_SIZE),
            "after": after,
            "query": query,
        });
        let data: ProductsData = self.execute(&SEARCH_PRODUCTS, variables).await?;
        Ok(ProductPage {
            products: data.products.nodes,
            has_next_page: data.products.page_info.has_next_page,
            end_cursor: data.products.page_info.end_cursor,
        })
    }

    /// Creates a draft order. On `AdminError::OutcomeUnknown` do not call this again blindly:
    /// look the order up with `draft_orders_by_tag` using a tag unique to this request. Every
    /// other error means nothing was created; `ProtectedCustomerDataDenied` (the app is not
    /// approved for protected customer data) and `AccessDenied` (a missing scope) will not go
    /// away by retrying.
    pub async fn draft_order_create(
        &self,
        input: &DraftOrderInput,
    ) -> Result<CreatedDraftOrder, AdminError> {
        let variables = json!({ "input": draft_order_input_json(input) });
        let data: DraftOrderCreateData = self.execute(&DRAFT_ORDER_CREATE, variables).await?;
        let payload = data.draft_order_create;
        if !payload.user_errors.is_empty() {
            return Err(AdminError::UserErrors(payload.user_errors));
        }
        payload.draft_order.map(Into::into).ok_or_else(|| {
            AdminError::OutcomeUnknown(
                "draftOrderCreate returned neither an order nor errors".into(),
            )
        })
    }

    /// Draft orders carrying `tag` (at most 10).
    pub async fn draft_orders_by_tag(
        &self,
        tag: &str,
    ) -> Result<Vec<CreatedDraftOrder>, AdminError> {
        let variables = json!({
            "first": DRAFT_ORDERS_BY_TAG_LIMIT,
            "query": tag_query(tag),
        });
        let data: DraftOrdersData = self.execute(&DRAFT_ORDERS_BY_TAG, variables).await?;
        Ok(data
            .draft_orders
            .nodes
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Deletes a draft order that is not completed. Shopify's `userErrors` (an unknown or
    /// completed order) come back as `AdminError::UserErrors`.
    pub async fn draft_order_delete(&self, id: &DraftOrderGid) -> Result<(), AdminError> {
        let variables = json!({ "input": { "id": id.to_string() } });
        let data: DraftOrderDeleteData = self.execute(&DRAFT_ORDER_DELETE, variables).await?;
        let payload = data.draft_order_delete;
        if !payload.user_errors.is_empty() {
            return Err(AdminError::UserErrors(payload.user_errors));
        }
        payload.deleted_id.map(drop).ok_or_else(|| {
            AdminError::OutcomeUnknown(
                "draftOrderDelete returned neither a deleted id nor errors".into(),
            )
        })
    }

    /// Subscribes `uri` to `topic` for this shop; returns the subscription's GID. Apps that
    /// declare subscriptions in `shopify.app.toml` do not need this.
    pub async fn webhook_subscription_create(
        &self,
        topic: &WebhookTopic,
        uri: &Url,
    ) -> Result<String, AdminError> {
        let variables = json!({
            "topic": topic.graphql_enum(),
            "webhookSubscription": { "uri": uri.as_str() },
        });
        let data: WebhookSubscriptionCreateData = self
            .execute(&WEBHOOK_SUBSCRIPTION_CREATE, variables)
            .await?;
        let payload = data.webhook_subscription_create;
        if !payload.user_errors.is_empty() {
            return Err(AdminError::UserErrors(payload.user_errors));
        }
        payload.webhook_subscription.map(|s| s.id).ok_or_else(|| {
            AdminError::OutcomeUnknown(
                "webhookSubscriptionCreate returned neither a subscription nor errors".into(),
            )
        })
    }
}

/// `DraftOrderInput` variables. Optional fields are omitted rather than sent as null.
fn draft_order_input_json(input: &DraftOrderInput) -> Value {
    let mut out = json!({
        "lineItems": input.line_items.iter().map(line_item_json).collect::<Vec<_>>(),
        "tags": input.tags,
    });
    if let Some(note) = &input.note {
        out["note"] = json!(note);
    }
    if let Some(accept) = input.accept_automatic_discounts {
        out["acceptAutomaticDiscounts"] = json!(accept);
    }
    out
}

fn line_item_json(item: &DraftOrderLineItem) -> Value {
    match item {
        DraftOrderLineItem::Variant {
            variant_id,
            quantity,
            price_override,
            custom_attributes,
        } => json!({
            "variantId": variant_id,
            "quantity": quantity,
            "priceOverride": money_json(price_override),
            "customAttributes": attributes_json(custom_attributes),
        }),
        DraftOrderLineItem::Custom {
            title,
            quantity,
            unit_price,
            custom_attributes,
        } => json!({
            "title": title,
            "quantity": quantity,
            "originalUnitPriceWithCurrency": money_json(unit_price),
            "customAttributes": attributes_json(custom_attributes),
        }),
    }
}

fn money_json(money: &Money) -> Value {
    json!({ "amount": money.amount, "currencyCode": money.currency_code })
}

fn attributes_json(attributes: &[Attribute]) -> Value {
    attributes
        .iter()
        .map(|a| json!({ "key": a.key, "value": a.value }))
        .collect()
}

/// Shopify search syntax for an exact tag: quoted, with `\` and `"` escaped.
fn tag_query(tag: &str) -> String {
    let escaped = tag.replace('\\', "\\\\").replace('"', "\\\"");
    format!("tag:\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_order_input_uses_shopify_field_names() {
        let input = DraftOrderInput {
            line_items: vec![
                DraftOrderLineItem::Variant {
                    variant_id: VariantGid::from_numeric(7).unwrap(),
                    quantity: 2,
                    price_override: Money {
                        amount: "123.45".into(),
                        currency_code: "USD".into(),
                    },
                    custom_attributes: vec![Attribute {
                        key: "Width".into(),
                        value: "120 cm".into(),
                    }],
                },
                DraftOrderLineItem::Custom {
                    title: "Glass panel".into(),
                    quantity: 1,
                    unit_price: Money {
                        amount: "10.00".into(),
                        currency_code: "USD".into(),
                    },
                    custom_attributes: vec![],
                },
            ],
            tags: vec!["gridprice".into(), "gridprice-ref-1".into()],
            note: None,
            accept_automatic_discounts: Some(false),
        };
        assert_eq!(
            draft_order_input_json(&input),
            json!({
                "lineItems": [
                    {
                        "variantId": "gid://shopify/ProductVariant/7",
                        "quantity": 2,
                        "priceOverride": { "amount": "123.45", "currencyCode": "USD" },
                        "customAttributes": [{ "key": "Width", "value": "120 cm" }],
                    },
                    {
                        "title": "Glass panel",
                        "quantity": 1,
                        "originalUnitPriceWithCurrency": { "amount": "10.00", "currencyCode": "USD" },
                        "customAttributes": [],
                    },
                ],
                "tags": ["gridprice", "gridprice-ref-1"],
                "acceptAutomaticDiscounts": false,
            })
        );
    }

    #[test]
    fn money_compares_exact_decimal_values() {
        let usd = |amount: &str| Money {
            amount: amount.into(),
            currency_code: "USD".into(),
        };
        assert!(usd("10.0").same_value(&usd("10.00")));
        assert!(usd("10").same_value(&usd("010.000")));
        assert!(usd("-0.0").same_value(&usd("0")));
        assert!(usd("99.5").same_value(&usd("99.50")));
        assert!(!usd("10.001").same_value(&usd("10.00")));
        assert!(!usd("-1").same_value(&usd("1")));
        assert!(!usd("abc").same_value(&usd("abc")));
        assert!(!usd("1e1").same_value(&usd("10")));
        let eur = Money {
            amount: "10.00".into(),
            currency_code: "EUR".into(),
        };
        assert!(!usd("10.00").same_value(&eur));
    }

    #[test]
    fn tag_queries_are_quoted() {
        assert_eq!(tag_query("gridprice-ref-1"), "tag:\"gridprice-ref-1\"");
        assert_eq!(tag_query("a\"b\\c"), "tag:\"a\\\"b\\\\c\"");
    }
}
