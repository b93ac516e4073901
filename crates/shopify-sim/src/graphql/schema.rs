//! The Admin GraphQL subset the app uses, with Shopify's type, field and argument names
//! (checked against shopify.dev for the 2026-10 line). Anything not declared here is a
//! validation error, as on Shopify.

use async_graphql::connection::Connection;
use async_graphql::{
    ComplexObject, Context, EmptySubscription, Enum, ErrorExtensions, InputObject, Interface,
    MergedObject, Object, Schema, SimpleObject, ID,
};
use serde::{Deserialize, Serialize};

use super::draft_orders;
use super::pagination::{paginate, PageArgs};
use super::scalars::{DateTime, Decimal, Money, Url};
use super::search::SearchQuery;
use super::RequestCtx;
use crate::invoice::{CompleteError, OrderRecord};
use crate::money::{format_decimal, format_money, CurrencyCode};
use crate::state::{DraftOrderRecord, LineItemRecord, ProductRecord, Shop, VariantRecord, World};

pub type AdminSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema's query root: the core fields and the Billing API's, merged.
#[derive(MergedObject, Default)]
#[graphql(name = "QueryRoot")]
pub struct Query(QueryRoot, super::billing::BillingQuery);

/// The schema's mutation root: the core mutations and the Billing API's, merged.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct Mutation(MutationRoot, super::billing::BillingMutation);

/// Deepest selection nesting accepted; the app's documents need about eight.
const MAX_DEPTH: usize = 15;

pub fn build_schema() -> AdminSchema {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_recursive_depth(MAX_DEPTH * 2)
        .limit_directives(10)
        .extension(super::gate::CostGateFactory)
        .finish()
}

pub fn gid(kind: &str, id: u64) -> ID {
    ID(format!("gid://shopify/{kind}/{id}"))
}

/// Parses `gid://shopify/{kind}/{n}`. A malformed id is an error (as on Shopify); a
/// well-formed id of another kind simply matches nothing.
pub fn parse_gid(id: &str, kind: &str) -> async_graphql::Result<Option<u64>> {
    let invalid = || {
        async_graphql::Error::new(format!("Invalid global id '{id}'"))
            .extend_with(|_, e| e.set("code", "argumentLiteralsIncompatible"))
    };
    let rest = id.strip_prefix("gid://shopify/").ok_or_else(invalid)?;
    let (found_kind, number) = rest.split_once('/').ok_or_else(invalid)?;
    let number: u64 = number.parse().map_err(|_| invalid())?;
    Ok((found_kind == kind).then_some(number))
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ProductStatus {
    Active,
    Archived,
    Draft,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DraftOrderStatus {
    Open,
    InvoiceSent,
    Completed,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum WebhookSubscriptionFormat {
    Json,
    Xml,
}

/// The topics the app may subscribe to through the API. The privacy topics
/// (`customers/data_request`, `customers/redact`, `shop/redact`) are not in Shopify's enum:
/// they are configured in the app's TOML, and the simulator delivers them on request.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WebhookSubscriptionTopic {
    AppSubscriptionsUpdate,
    AppUninstalled,
    ShopUpdate,
    ProductsCreate,
    ProductsUpdate,
    ProductsDelete,
    DraftOrdersCreate,
    DraftOrdersUpdate,
    DraftOrdersDelete,
    OrdersCreate,
    OrdersPaid,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// Path to the input field that caused the error.
    pub field: Option<Vec<String>>,
    pub message: String,
}

impl UserError {
    pub fn new(field: &[&str], message: impl Into<String>) -> Self {
        Self {
            field: Some(field.iter().map(|s| (*s).to_owned()).collect()),
            message: message.into(),
        }
    }
}

#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "MoneyV2")]
pub struct MoneyV2 {
    pub amount: Decimal,
    pub currency_code: CurrencyCode,
}

/// Amounts in shop and presentment currencies; the simulator has one currency per shop,
/// so both are the same.
#[derive(SimpleObject, Clone, Debug)]
pub struct MoneyBag {
    pub shop_money: MoneyV2,
    pub presentment_money: MoneyV2,
}

impl MoneyV2 {
    pub fn new(minor: i64, currency: CurrencyCode) -> Self {
        Self {
            amount: Decimal(format_decimal(minor, currency)),
            currency_code: currency,
        }
    }
}

impl MoneyBag {
    pub fn new(minor: i64, currency: CurrencyCode) -> Self {
        let money = MoneyV2::new(minor, currency);
        Self {
            shop_money: money.clone(),
            presentment_money: money,
        }
    }
}

/// `DraftOrderAppliedDiscountType`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum DraftOrderAppliedDiscountType {
    FixedAmount,
    Percentage,
}

/// A custom (manual) discount on a draft order or line (`DraftOrderAppliedDiscount`).
#[derive(SimpleObject, Clone, Debug)]
pub struct DraftOrderAppliedDiscount {
    pub amount_set: MoneyBag,
    pub description: String,
    pub title: Option<String>,
    pub value: f64,
    pub value_type: DraftOrderAppliedDiscountType,
}

/// How a platform discount is spread over the lines (`DraftOrderPlatformDiscountAllocation`,
/// without its `target` union).
#[derive(SimpleObject, Clone, Debug)]
pub struct DraftOrderPlatformDiscountAllocation {
    pub id: Option<ID>,
    pub quantity: Option<i32>,
    pub reduction_amount: MoneyV2,
    pub reduction_amount_set: MoneyBag,
}

/// An automatic (or code) discount Shopify applied (`DraftOrderPlatformDiscount`, without
/// `discountClasses` and `discountNode`).
#[derive(SimpleObject, Clone, Debug)]
pub struct DraftOrderPlatformDiscount {
    pub allocations: Vec<DraftOrderPlatformDiscountAllocation>,
    pub automatic_discount: bool,
    pub bxgy_discount: bool,
    pub code: Option<String>,
    pub id: Option<ID>,
    pub presentation_level: String,
    pub short_summary: String,
    pub summary: String,
    pub title: String,
    pub total_amount: MoneyV2,
    pub total_amount_price_set: MoneyBag,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct Attribute {
    pub key: String,
    pub value: Option<String>,
}

#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Shop")]
pub struct ShopObject {
    pub id: ID,
    pub name: String,
    pub email: String,
    pub myshopify_domain: String,
    pub currency_code: CurrencyCode,
    pub url: Url,
    pub plan: ShopPlanObject,
}

/// `ShopPlan`: the shop's Shopify subscription plan.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "ShopPlan")]
pub struct ShopPlanObject {
    /// Whether the shop is a Partner development store (apps may only make test charges).
    pub partner_development: bool,
    pub shopify_plus: bool,
    pub public_display_name: String,
}

impl From<&Shop> for ShopObject {
    fn from(shop: &Shop) -> Self {
        Self {
            id: gid("Shop", shop.id),
            name: shop.name.clone(),
            email: shop.email.clone(),
            myshopify_domain: shop.domain.clone(),
            currency_code: shop.currency,
            url: Url(format!("https://{}", shop.domain)),
            plan: ShopPlanObject {
                partner_development: shop.partner_development,
                shopify_plus: false,
                public_display_name: if shop.partner_development {
                    "Development".to_owned()
                } else {
                    "Basic".to_owned()
                },
            },
        }
    }
}

/// Reads the shop the request is for; it exists, the HTTP layer checked.
async fn with_shop<T>(ctx: &Context<'_>, read: impl FnOnce(&Shop) -> T) -> T {
    let rc = ctx.data_unchecked::<RequestCtx>();
    let world = rc.state.world.lock().await;
    read(&world.shops[&rc.shop])
}

#[derive(Clone, Debug)]
pub struct ProductVariantObject {
    record: VariantRecord,
    product_title: String,
    currency: CurrencyCode,
}

impl ProductVariantObject {
    fn new(record: &VariantRecord, product: &ProductRecord, currency: CurrencyCode) -> Self {
        Self {
            record: record.clone(),
            product_title: product.title.clone(),
            currency,
        }
    }
}

#[Object(name = "ProductVariant")]
impl ProductVariantObject {
    async fn id(&self) -> ID {
        gid("ProductVariant", self.record.id)
    }
    async fn title(&self) -> &str {
        &self.record.title
    }
    async fn display_name(&self) -> String {
        format!("{} - {}", self.product_title, self.record.title)
    }
    async fn price(&self) -> Money {
        Money(format_money(self.record.price_minor, self.currency))
    }
    async fn sku(&self) -> Option<&str> {
        self.record.sku.as_deref()
    }
    async fn product(&self, ctx: &Context<'_>) -> Option<ProductObject> {
        let product_id = self.record.product_id;
        with_shop(ctx, |shop| {
            shop.product(product_id)
                .map(|p| ProductObject::new(p, shop.currency))
        })
        .await
    }
}

/// `Media`: a product's image, video or 3D model. The simulator's products have images only.
#[derive(Interface, Clone, Debug)]
#[graphql(
    field(name = "id", ty = "ID"),
    field(name = "alt", ty = "Option<String>"),
    field(name = "preview", ty = "Option<MediaPreviewImage>")
)]
pub enum Media {
    MediaImage(MediaImage),
}

/// `MediaImage`, an uploaded image (always processed in the simulator).
#[derive(Clone, Debug)]
pub struct MediaImage {
    id: ID,
    alt: Option<String>,
    image: Option<Image>,
}

#[Object]
impl MediaImage {
    async fn id(&self) -> ID {
        self.id.clone()
    }
    async fn alt(&self) -> Option<String> {
        self.alt.clone()
    }
    async fn image(&self) -> Option<&Image> {
        self.image.as_ref()
    }
    async fn preview(&self) -> Option<MediaPreviewImage> {
        Some(MediaPreviewImage {
            image: self.image.clone(),
            status: MediaPreviewImageStatus::Ready,
        })
    }
}

/// `MediaPreviewImage`: what the admin shows for any media.
#[derive(SimpleObject, Clone, Debug)]
pub struct MediaPreviewImage {
    pub image: Option<Image>,
    pub status: MediaPreviewImageStatus,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum MediaPreviewImageStatus {
    Uploaded,
    Processing,
    Ready,
    Failed,
}

/// `Image`: a picture on Shopify's CDN.
#[derive(SimpleObject, Clone, Debug)]
pub struct Image {
    pub id: Option<ID>,
    pub url: Url,
    pub alt_text: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ProductObject {
    record: ProductRecord,
    currency: CurrencyCode,
}

impl ProductObject {
    pub fn new(record: &ProductRecord, currency: CurrencyCode) -> Self {
        Self {
            record: record.clone(),
            currency,
        }
    }
}

#[Object(name = "Product")]
impl ProductObject {
    async fn id(&self) -> ID {
        gid("Product", self.record.id)
    }
    async fn title(&self) -> &str {
        &self.record.title
    }
    async fn handle(&self) -> &str {
        &self.record.handle
    }
    async fn status(&self) -> ProductStatus {
        self.record.status
    }
    async fn created_at(&self) -> DateTime {
        self.record.created_at.into()
    }
    async fn updated_at(&self) -> DateTime {
        self.record.updated_at.into()
    }
    /// The product's first media: every simulated product has one image.
    async fn featured_media(&self, ctx: &Context<'_>) -> Option<Media> {
        let rc = ctx.data_unchecked::<RequestCtx>();
        let record = &self.record;
        Some(Media::MediaImage(MediaImage {
            id: gid("MediaImage", record.id),
            alt: Some(record.title.clone()),
            image: Some(Image {
                id: Some(gid("ImageSource", record.id)),
                url: Url(record.image_url(&rc.state.base_url)),
                alt_text: Some(record.title.clone()),
            }),
        }))
    }
    async fn variants(
        &self,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        reverse: Option<bool>,
    ) -> async_graphql::Result<Connection<String, ProductVariantObject>> {
        let items = self
            .record
            .variants
            .iter()
            .map(|v| {
                (
                    v.id,
                    ProductVariantObject::new(v, &self.record, self.currency),
                )
            })
            .collect();
        let args = PageArgs {
            first,
            after,
            last,
            before,
            reverse: reverse.unwrap_or(false),
        };
        paginate(items, &args)
    }
}

#[derive(Clone, Debug)]
pub struct DraftOrderLineItemObject {
    record: LineItemRecord,
    currency: CurrencyCode,
}

#[Object(name = "DraftOrderLineItem")]
impl DraftOrderLineItemObject {
    async fn id(&self) -> ID {
        gid("DraftOrderLineItem", self.record.id)
    }
    async fn title(&self) -> &str {
        &self.record.title
    }
    async fn name(&self) -> &str {
        &self.record.title
    }
    async fn quantity(&self) -> i64 {
        self.record.quantity
    }
    async fn sku(&self) -> Option<&str> {
        self.record.sku.as_deref()
    }
    async fn custom(&self) -> bool {
        self.record.custom
    }
    async fn requires_shipping(&self) -> bool {
        self.record.requires_shipping
    }
    async fn taxable(&self) -> bool {
        self.record.taxable
    }
    async fn custom_attributes(&self) -> Vec<Attribute> {
        self.record
            .custom_attributes
            .iter()
            .map(|a| Attribute {
                key: a.key.clone(),
                value: Some(a.value.clone()),
            })
            .collect()
    }
    /// The unit price without discounts, in the draft order's currency (converted when the
    /// price override was given in another one).
    async fn original_unit_price_set(&self) -> MoneyBag {
        MoneyBag::new(self.record.unit_price_minor, self.currency)
    }
    /// The unit price as given, in the currency it was given in.
    async fn original_unit_price_with_currency(&self) -> MoneyV2 {
        let (minor, currency) = self.record.given_unit_price;
        MoneyV2::new(minor, currency)
    }
    async fn original_total_set(&self) -> MoneyBag {
        MoneyBag::new(self.record.total_minor(), self.currency)
    }
    async fn discounted_total_set(&self) -> MoneyBag {
        MoneyBag::new(self.record.discounted_total_minor(), self.currency)
    }
    /// The discounted total divided by the quantity, rounded.
    async fn approximate_discounted_unit_price_set(&self) -> MoneyBag {
        let quantity = self.record.quantity.max(1);
        let total = self.record.discounted_total_minor();
        MoneyBag::new((total + quantity / 2) / quantity, self.currency)
    }
    async fn total_discount_set(&self) -> MoneyBag {
        MoneyBag::new(self.record.discount_minor, self.currency)
    }
    /// A custom line item discount; the simulator takes none as input.
    async fn applied_discount(&self) -> Option<DraftOrderAppliedDiscount> {
        None
    }
    async fn variant(&self, ctx: &Context<'_>) -> Option<ProductVariantObject> {
        let variant_id = self.record.variant_id?;
        with_shop(ctx, |shop| {
            let variant = shop.variant(variant_id)?;
            let product = shop.product(variant.product_id)?;
            Some(ProductVariantObject::new(variant, product, shop.currency))
        })
        .await
    }
    async fn product(&self, ctx: &Context<'_>) -> Option<ProductObject> {
        let product_id = self.record.product_id?;
        with_shop(ctx, |shop| {
            shop.product(product_id)
                .map(|p| ProductObject::new(p, shop.currency))
        })
        .await
    }
}

#[derive(Clone, Debug)]
pub struct DraftOrderObject {
    record: DraftOrderRecord,
}

impl DraftOrderObject {
    pub fn new(record: &DraftOrderRecord) -> Self {
        Self {
            record: record.clone(),
        }
    }
}

#[Object(name = "DraftOrder")]
impl DraftOrderObject {
    async fn id(&self) -> ID {
        gid("DraftOrder", self.record.id)
    }
    async fn name(&self) -> &str {
        &self.record.name
    }
    async fn status(&self) -> DraftOrderStatus {
        self.record.status
    }
    async fn invoice_url(&self) -> Url {
        Url(self.record.invoice_url.clone())
    }
    async fn tags(&self) -> &[String] {
        &self.record.tags
    }
    async fn note2(&self) -> Option<&str> {
        self.record.note.as_deref()
    }
    async fn email(&self) -> Option<&str> {
        self.record.email.as_deref()
    }
    async fn created_at(&self) -> DateTime {
        self.record.created_at.into()
    }
    async fn updated_at(&self) -> DateTime {
        self.record.created_at.into()
    }
    async fn ready(&self) -> bool {
        true
    }
    async fn taxes_included(&self) -> bool {
        self.record.calculation.taxes_included
    }
    async fn accept_automatic_discounts(&self) -> Option<bool> {
        self.record.calculation.accept_automatic_discounts
    }
    /// The custom order-level discount; the simulator takes none as input.
    async fn applied_discount(&self) -> Option<DraftOrderAppliedDiscount> {
        None
    }
    /// The automatic discounts applied.
    async fn platform_discounts(&self) -> Vec<DraftOrderPlatformDiscount> {
        let Some(discount) = &self.record.calculation.automatic_discount else {
            return Vec::new();
        };
        let currency = self.record.currency;
        vec![DraftOrderPlatformDiscount {
            allocations: self
                .record
                .line_items
                .iter()
                .filter(|l| l.discount_minor > 0)
                .map(|l| DraftOrderPlatformDiscountAllocation {
                    id: None,
                    quantity: i32::try_from(l.quantity).ok(),
                    reduction_amount: MoneyV2::new(l.discount_minor, currency),
                    reduction_amount_set: MoneyBag::new(l.discount_minor, currency),
                })
                .collect(),
            automatic_discount: true,
            bxgy_discount: false,
            code: None,
            id: None,
            presentation_level: "line".to_owned(),
            short_summary: discount.short_summary(),
            summary: discount.summary(),
            title: discount.title.clone(),
            total_amount: MoneyV2::new(self.record.calculation.total_discounts_minor, currency),
            total_amount_price_set: MoneyBag::new(
                self.record.calculation.total_discounts_minor,
                currency,
            ),
        }]
    }
    async fn total_discounts_set(&self) -> MoneyBag {
        MoneyBag::new(
            self.record.calculation.total_discounts_minor,
            self.record.currency,
        )
    }
    /// Line totals before discounts.
    async fn total_line_items_price_set(&self) -> MoneyBag {
        let total = self.record.line_items.iter().map(|l| l.total_minor()).sum();
        MoneyBag::new(total, self.record.currency)
    }
    /// Line totals after line discounts, before order discounts, shipping and taxes.
    async fn line_items_subtotal_price(&self) -> MoneyBag {
        MoneyBag::new(self.record.subtotal_minor, self.record.currency)
    }
    async fn currency_code(&self) -> CurrencyCode {
        self.record.currency
    }
    async fn presentment_currency_code(&self) -> CurrencyCode {
        self.record.currency
    }
    async fn subtotal_price_set(&self) -> MoneyBag {
        MoneyBag::new(self.record.subtotal_minor, self.record.currency)
    }
    async fn total_price_set(&self) -> MoneyBag {
        MoneyBag::new(self.record.total_minor, self.record.currency)
    }
    async fn total_tax_set(&self) -> MoneyBag {
        MoneyBag::new(
            self.record.calculation.total_tax_minor,
            self.record.currency,
        )
    }
    /// When the draft order was completed into an order.
    async fn completed_at(&self) -> Option<DateTime> {
        self.record
            .completion
            .as_ref()
            .map(|c| c.completed_at.into())
    }
    /// The order made by completing the draft order.
    async fn order(&self, ctx: &Context<'_>) -> Option<OrderObject> {
        let order_id = self.record.completion.as_ref()?.order_id;
        with_shop(ctx, |shop| {
            shop.orders
                .iter()
                .find(|o| o.id == order_id)
                .map(|o| OrderObject(o.clone()))
        })
        .await
    }
    async fn line_items(
        &self,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        reverse: Option<bool>,
    ) -> async_graphql::Result<Connection<String, DraftOrderLineItemObject>> {
        let items = self
            .record
            .line_items
            .iter()
            .map(|l| {
                let node = DraftOrderLineItemObject {
                    record: l.clone(),
                    currency: self.record.currency,
                };
                (l.id, node)
            })
            .collect();
        paginate(
            items,
            &PageArgs {
                first,
                after,
                last,
                before,
                reverse: reverse.unwrap_or(false),
            },
        )
    }
}

/// An order, as far as completing a draft order makes one.
#[derive(Clone, Debug)]
pub struct OrderObject(OrderRecord);

#[Object(name = "Order")]
impl OrderObject {
    async fn id(&self) -> ID {
        gid("Order", self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
    async fn source_name(&self) -> &str {
        &self.0.source_name
    }
    async fn subtotal_price_set(&self) -> MoneyBag {
        MoneyBag::new(self.0.subtotal_minor, self.0.currency)
    }
    async fn total_price_set(&self) -> MoneyBag {
        MoneyBag::new(self.0.total_minor, self.0.currency)
    }
    async fn total_tax_set(&self) -> MoneyBag {
        MoneyBag::new(self.0.total_tax_minor, self.0.currency)
    }
    async fn total_discounts_set(&self) -> MoneyBag {
        MoneyBag::new(self.0.total_discounts_minor, self.0.currency)
    }
}

#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex, name = "WebhookSubscription")]
pub struct WebhookSubscriptionObject {
    pub id: ID,
    pub topic: WebhookSubscriptionTopic,
    pub uri: String,
    pub format: WebhookSubscriptionFormat,
    pub include_fields: Vec<String>,
    pub filter: Option<String>,
    pub created_at: DateTime,
}

#[ComplexObject]
impl WebhookSubscriptionObject {
    async fn updated_at(&self) -> DateTime {
        self.created_at.clone()
    }
}

#[derive(InputObject, Clone, Debug)]
pub struct MoneyInput {
    pub amount: Decimal,
    pub currency_code: CurrencyCode,
}

#[derive(InputObject, Clone, Debug)]
pub struct AttributeInput {
    pub key: String,
    pub value: String,
}

#[derive(InputObject, Clone, Debug)]
pub struct DraftOrderLineItemInput {
    pub variant_id: Option<ID>,
    pub quantity: i32,
    pub title: Option<String>,
    pub sku: Option<String>,
    pub price_override: Option<MoneyInput>,
    pub original_unit_price_with_currency: Option<MoneyInput>,
    pub custom_attributes: Option<Vec<AttributeInput>>,
    pub requires_shipping: Option<bool>,
    pub taxable: Option<bool>,
}

#[derive(InputObject, Clone, Debug)]
pub struct DraftOrderInput {
    pub line_items: Option<Vec<DraftOrderLineItemInput>>,
    pub tags: Option<Vec<String>>,
    pub note: Option<String>,
    pub email: Option<String>,
    pub presentment_currency_code: Option<CurrencyCode>,
    pub custom_attributes: Option<Vec<AttributeInput>>,
    /// Whether the shop's automatic discounts may apply. Shopify does not document the default;
    /// the simulator applies them when this is left out.
    pub accept_automatic_discounts: Option<bool>,
}

#[derive(InputObject, Clone, Debug)]
pub struct WebhookSubscriptionInput {
    pub uri: Option<String>,
    pub format: Option<WebhookSubscriptionFormat>,
    pub include_fields: Option<Vec<String>>,
    pub filter: Option<String>,
}

#[derive(SimpleObject)]
pub struct DraftOrderCreatePayload {
    pub draft_order: Option<DraftOrderObject>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject, Clone, Debug)]
pub struct DraftOrderDeleteInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct DraftOrderDeletePayload {
    pub deleted_id: Option<ID>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct DraftOrderCompletePayload {
    pub draft_order: Option<DraftOrderObject>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct WebhookSubscriptionCreatePayload {
    pub webhook_subscription: Option<WebhookSubscriptionObject>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct QueryRoot;

#[Object(name = "CoreQueryRoot")]
impl QueryRoot {
    async fn shop(&self, ctx: &Context<'_>) -> ShopObject {
        with_shop(ctx, |shop| ShopObject::from(shop)).await
    }

    async fn product(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<ProductObject>> {
        ctx.data_unchecked::<RequestCtx>()
            .require_scope("read_products", "product")?;
        let Some(id) = parse_gid(&id, "Product")? else {
            return Ok(None);
        };
        Ok(with_shop(ctx, |shop| {
            shop.product(id)
                .map(|p| ProductObject::new(p, shop.currency))
        })
        .await)
    }

    async fn product_variant(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<ProductVariantObject>> {
        ctx.data_unchecked::<RequestCtx>()
            .require_scope("read_products", "productVariant")?;
        let Some(id) = parse_gid(&id, "ProductVariant")? else {
            return Ok(None);
        };
        Ok(with_shop(ctx, |shop| {
            let variant = shop.variant(id)?;
            let product = shop.product(variant.product_id)?;
            Some(ProductVariantObject::new(variant, product, shop.currency))
        })
        .await)
    }

    #[allow(clippy::too_many_arguments)] // Shopify's argument list
    async fn products(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        reverse: Option<bool>,
        query: Option<String>,
    ) -> async_graphql::Result<Connection<String, ProductObject>> {
        ctx.data_unchecked::<RequestCtx>()
            .require_scope("read_products", "products")?;
        let search = SearchQuery::parse(query.as_deref().unwrap_or(""));
        let items = with_shop(ctx, |shop| {
            shop.products
                .iter()
                .filter(|p| search.matches_product(p))
                .map(|p| (p.id, ProductObject::new(p, shop.currency)))
                .collect()
        })
        .await;
        paginate(
            items,
            &PageArgs {
                first,
                after,
                last,
                before,
                reverse: reverse.unwrap_or(false),
            },
        )
    }

    async fn draft_order(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<DraftOrderObject>> {
        ctx.data_unchecked::<RequestCtx>()
            .require_scope("read_draft_orders", "draftOrder")?;
        ctx.data_unchecked::<RequestCtx>()
            .require_protected_customer_data("DraftOrder")?;
        let Some(id) = parse_gid(&id, "DraftOrder")? else {
            return Ok(None);
        };
        Ok(with_shop(ctx, |shop| {
            shop.draft_orders
                .iter()
                .find(|d| d.id == id)
                .map(DraftOrderObject::new)
        })
        .await)
    }

    #[allow(clippy::too_many_arguments)] // Shopify's argument list
    async fn draft_orders(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        reverse: Option<bool>,
        query: Option<String>,
    ) -> async_graphql::Result<Connection<String, DraftOrderObject>> {
        ctx.data_unchecked::<RequestCtx>()
            .require_scope("read_draft_orders", "draftOrders")?;
        ctx.data_unchecked::<RequestCtx>()
            .require_protected_customer_data("DraftOrder")?;
        let search = SearchQuery::parse(query.as_deref().unwrap_or(""));
        let rc = ctx.data_unchecked::<RequestCtx>();
        let items = {
            let world = rc.state.world.lock().await;
            // Served from a search index that may not have seen the newest orders yet.
            let indexed_before = chrono::Utc::now() - world.faults.search_lag();
            world.shops[&rc.shop]
                .draft_orders
                .iter()
                .filter(|d| d.created_at <= indexed_before && search.matches_draft_order(d))
                .map(|d| (d.id, DraftOrderObject::new(d)))
                .collect()
        };
        paginate(
            items,
            &PageArgs {
                first,
                after,
                last,
                before,
                reverse: reverse.unwrap_or(false),
            },
        )
    }
}

#[derive(Default)]
pub struct MutationRoot;

#[Object(name = "CoreMutation")]
impl MutationRoot {
    async fn draft_order_create(
        &self,
        ctx: &Context<'_>,
        input: DraftOrderInput,
    ) -> async_graphql::Result<DraftOrderCreatePayload> {
        let rc = ctx.data_unchecked::<RequestCtx>();
        rc.require_scope("write_draft_orders", "draftOrderCreate")?;
        rc.require_protected_customer_data("DraftOrder")?;
        let mut world = rc.state.world.lock().await;
        Ok(
            match draft_orders::create(&mut world, &rc.state.base_url, &rc.shop, &input) {
                Ok(record) => DraftOrderCreatePayload {
                    draft_order: Some(DraftOrderObject::new(&record)),
                    user_errors: Vec::new(),
                },
                Err(user_errors) => DraftOrderCreatePayload {
                    draft_order: None,
                    user_errors,
                },
            },
        )
    }

    async fn draft_order_delete(
        &self,
        ctx: &Context<'_>,
        input: DraftOrderDeleteInput,
    ) -> async_graphql::Result<DraftOrderDeletePayload> {
        let rc = ctx.data_unchecked::<RequestCtx>();
        rc.require_scope("write_draft_orders", "draftOrderDelete")?;
        rc.require_protected_customer_data("DraftOrder")?;
        let mut world = rc.state.world.lock().await;
        let shop = world
            .shops
            .get_mut(&rc.shop)
            .expect("the HTTP layer checked the shop");
        draft_orders::delete(shop, &input.id)
    }

    /// Completes a draft order into an order (marked as paid; no payment gateway is simulated).
    async fn draft_order_complete(
        &self,
        ctx: &Context<'_>,
        id: ID,
        source_name: Option<String>,
    ) -> async_graphql::Result<DraftOrderCompletePayload> {
        let rc = ctx.data_unchecked::<RequestCtx>();
        rc.require_scope("write_draft_orders", "draftOrderComplete")?;
        rc.require_protected_customer_data("DraftOrder")?;
        let refuse = |field: &str, message: &str| DraftOrderCompletePayload {
            draft_order: None,
            user_errors: vec![UserError::new(&[field], message)],
        };
        if source_name.as_ref().is_some_and(|s| s.len() > 255) {
            return Ok(refuse(
                "sourceName",
                "Source name is too long (maximum is 255 characters)",
            ));
        }
        let Some(number) = parse_gid(&id, "DraftOrder")? else {
            return Ok(refuse("id", &CompleteError::NotFound.to_string()));
        };
        let mut world = rc.state.world.lock().await;
        let World { shops, ids, .. } = &mut *world;
        let shop = shops
            .get_mut(&rc.shop)
            .expect("the HTTP layer checked the shop");
        let source = source_name.as_deref().unwrap_or("api");
        Ok(match crate::invoice::complete(shop, ids, number, source) {
            Ok(record) => DraftOrderCompletePayload {
                draft_order: Some(DraftOrderObject::new(&record)),
                user_errors: Vec::new(),
            },
            Err(e) => refuse("id", &e.to_string()),
        })
    }

    async fn webhook_subscription_create(
        &self,
        ctx: &Context<'_>,
        topic: WebhookSubscriptionTopic,
        webhook_subscription: WebhookSubscriptionInput,
    ) -> WebhookSubscriptionCreatePayload {
        let rc = ctx.data_unchecked::<RequestCtx>();
        let mut world = rc.state.world.lock().await;
        match super::webhook_subscriptions::create(
            &mut world,
            &rc.shop,
            topic,
            &webhook_subscription,
        ) {
            Ok(created) => WebhookSubscriptionCreatePayload {
                webhook_subscription: Some(created),
                user_errors: Vec::new(),
            },
            Err(user_errors) => WebhookSubscriptionCreatePayload {
                webhook_subscription: None,
                user_errors,
            },
        }
    }
}
