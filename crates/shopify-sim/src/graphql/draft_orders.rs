//! `draftOrderCreate`: input checks with Shopify-style `userErrors`, then exact totals with the
//! shop's tax, automatic discount and conversion rates (`pricing.rs`); `draftOrderDelete` of an
//! order not completed yet.

use chrono::Utc;

use async_graphql::ID;

use super::schema::{
    parse_gid, AttributeInput, DraftOrderDeletePayload, DraftOrderInput, DraftOrderLineItemInput,
    DraftOrderStatus, MoneyInput, UserError,
};
use crate::money::{parse_minor, AmountError, CurrencyCode};
use crate::signing::random_hex;
use crate::state::{
    AttributeRecord, DraftOrderCalculation, DraftOrderRecord, LineItemRecord, Shop, World,
};

/// Shopify's documented line item limit for a draft order.
const MAX_LINE_ITEMS: usize = 499;
/// Shopify's limit for any input array.
const MAX_INPUT_ARRAY: usize = 250;
/// Keeps unit price × quantity and the sum of lines far from overflow.
const MAX_QUANTITY: i32 = 1_000_000;
const MAX_TEXT: usize = 5000;
const MAX_TAG: usize = 255;

/// Collects errors with their `field` paths under `lineItems.<i>`.
struct LineCheck<'a> {
    index: String,
    errors: &'a mut Vec<UserError>,
}

impl LineCheck<'_> {
    fn error(&mut self, rest: &[&str], message: impl Into<String>) {
        let mut path = vec!["lineItems", self.index.as_str()];
        path.extend_from_slice(rest);
        self.errors.push(UserError::new(&path, message));
    }

    fn money(&mut self, field: &str, input: &MoneyInput, currency: CurrencyCode) -> Option<i64> {
        if input.currency_code != currency {
            self.error(
                &[field, "currencyCode"],
                format!(
                    "Currency {} does not match the draft order's presentment currency {currency}",
                    input.currency_code
                ),
            );
            return None;
        }
        self.amount(field, input, currency)
    }

    /// A `priceOverride`: in the shop's currency, or converted to it with the shop's rate for
    /// the currency it was given in. Returns the unit price and the price as given.
    fn price_override(
        &mut self,
        input: &MoneyInput,
        shop: &Shop,
    ) -> Option<(i64, (i64, CurrencyCode))> {
        let given_currency = input.currency_code;
        if given_currency == shop.currency {
            let minor = self.amount("priceOverride", input, shop.currency)?;
            return Some((minor, (minor, given_currency)));
        }
        if !shop.pricing.conversion_rates.contains_key(&given_currency) {
            self.error(
                &["priceOverride", "currencyCode"],
                format!(
                    "Currency {given_currency} cannot be converted to the draft order's presentment currency {} (no conversion rate in the simulator)",
                    shop.currency
                ),
            );
            return None;
        }
        let given = self.amount("priceOverride", input, given_currency)?;
        match shop.pricing.convert(given, given_currency, shop.currency)? {
            Ok(minor) => Some((minor, (given, given_currency))),
            Err(_) => {
                self.error(&["priceOverride", "amount"], "Amount is too large");
                None
            }
        }
    }

    fn amount(&mut self, field: &str, input: &MoneyInput, currency: CurrencyCode) -> Option<i64> {
        match parse_minor(&input.amount.0, currency) {
            Ok(minor) if minor < 0 => {
                self.error(
                    &[field, "amount"],
                    "Amount must be greater than or equal to 0",
                );
                None
            }
            Ok(minor) => Some(minor),
            Err(AmountError::Invalid) => {
                self.error(&[field, "amount"], "Amount is not a valid decimal");
                None
            }
            Err(AmountError::TooLarge) => {
                self.error(&[field, "amount"], "Amount is too large");
                None
            }
        }
    }
}

fn attributes(input: Option<&Vec<AttributeInput>>) -> Vec<AttributeRecord> {
    input
        .map(|attrs| {
            attrs
                .iter()
                .map(|a| AttributeRecord {
                    key: a.key.clone(),
                    value: a.value.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn check_attributes(check: &mut LineCheck<'_>, attrs: Option<&Vec<AttributeInput>>) {
    let Some(attrs) = attrs else { return };
    if attrs.len() > MAX_INPUT_ARRAY {
        check.error(
            &["customAttributes"],
            format!("Cannot have more than {MAX_INPUT_ARRAY} custom attributes"),
        );
    }
    if attrs.iter().any(|a| a.key.trim().is_empty()) {
        check.error(&["customAttributes"], "Custom attribute key can't be blank");
    }
    if attrs
        .iter()
        .any(|a| a.key.len() > MAX_TAG || a.value.len() > MAX_TEXT)
    {
        check.error(&["customAttributes"], "Custom attribute is too long");
    }
}

/// Checks one line; on success returns it without an id.
fn line(
    shop: &Shop,
    index: usize,
    input: &DraftOrderLineItemInput,
    errors: &mut Vec<UserError>,
) -> Option<LineItemRecord> {
    let before = errors.len();
    let mut check = LineCheck {
        index: index.to_string(),
        errors,
    };
    if input.quantity < 1 {
        check.error(&["quantity"], "Quantity must be greater than or equal to 1");
    } else if input.quantity > MAX_QUANTITY {
        check.error(
            &["quantity"],
            format!("Quantity must be less than or equal to {MAX_QUANTITY}"),
        );
    }
    check_attributes(&mut check, input.custom_attributes.as_ref());
    let currency = shop.currency;
    let priced = match &input.variant_id {
        Some(variant_id) => variant_line(shop, &mut check, variant_id, input),
        None => custom_line(&mut check, input, currency),
    };
    let (mut record, unit, given) = priced?;
    if check.errors.len() > before {
        return None;
    }
    if unit.checked_mul(i64::from(input.quantity)).is_none() {
        check.error(&["quantity"], "Line total is too large");
        return None;
    }
    record.quantity = i64::from(input.quantity);
    record.unit_price_minor = unit;
    record.given_unit_price = given;
    record.custom_attributes = attributes(input.custom_attributes.as_ref());
    Some(record)
}

fn empty_line(title: String, currency: CurrencyCode) -> LineItemRecord {
    LineItemRecord {
        id: 0,
        title,
        quantity: 0,
        variant_id: None,
        product_id: None,
        sku: None,
        unit_price_minor: 0,
        given_unit_price: (0, currency),
        custom: false,
        custom_attributes: Vec::new(),
        requires_shipping: true,
        taxable: true,
        discount_minor: 0,
        tax_minor: 0,
    }
}

/// A checked line, its unit price in the shop's currency and the price as given.
type PricedLine = (LineItemRecord, i64, (i64, CurrencyCode));

fn variant_line(
    shop: &Shop,
    check: &mut LineCheck<'_>,
    variant_id: &str,
    input: &DraftOrderLineItemInput,
) -> Option<PricedLine> {
    let variant = match parse_gid(variant_id, "ProductVariant") {
        Ok(Some(id)) => shop.variant(id),
        _ => None,
    };
    let Some(variant) = variant else {
        check.error(
            &["variantId"],
            format!("Product variant {variant_id} does not exist"),
        );
        return None;
    };
    let product = shop.product(variant.product_id)?;
    let (unit, given) = match &input.price_override {
        Some(price) => check.price_override(price, shop)?,
        None => (variant.price_minor, (variant.price_minor, shop.currency)),
    };
    let mut record = empty_line(product.title.clone(), shop.currency);
    record.variant_id = Some(variant.id);
    record.product_id = Some(product.id);
    record.sku = variant.sku.clone();
    Some((record, unit, given))
}

fn custom_line(
    check: &mut LineCheck<'_>,
    input: &DraftOrderLineItemInput,
    currency: CurrencyCode,
) -> Option<PricedLine> {
    let title = input.title.as_deref().map(str::trim).unwrap_or_default();
    if title.is_empty() {
        check.error(&["title"], "Title can't be blank");
    } else if title.len() > MAX_TAG {
        check.error(
            &["title"],
            format!("Title is too long (maximum is {MAX_TAG} characters)"),
        );
    }
    let unit = match &input.original_unit_price_with_currency {
        Some(price) => check.money("originalUnitPriceWithCurrency", price, currency),
        None => {
            check.error(
                &["originalUnitPriceWithCurrency"],
                "Original unit price can't be blank for a custom line item",
            );
            None
        }
    }?;
    let mut record = empty_line(title.to_owned(), currency);
    record.custom = true;
    record.sku = input.sku.clone();
    record.requires_shipping = input.requires_shipping.unwrap_or(true);
    record.taxable = input.taxable.unwrap_or(true);
    Some((record, unit, (unit, currency)))
}

/// Applies the shop's automatic discount (unless `acceptAutomaticDiscounts` is false) and tax
/// to each line; returns the order's subtotal, total and how they came about, or `None` when
/// the total does not fit.
fn calculate(
    shop: &Shop,
    input: &DraftOrderInput,
    lines: &mut [LineItemRecord],
) -> Option<(i64, i64, DraftOrderCalculation)> {
    let pricing = &shop.pricing;
    let discount = pricing
        .automatic_discount
        .clone()
        .filter(|_| input.accept_automatic_discounts != Some(false));
    let (mut subtotal, mut tax, mut discounts) = (0i64, 0i64, 0i64);
    for line in lines.iter_mut() {
        line.discount_minor = discount
            .as_ref()
            .map_or(0, |d| d.percentage.percent_of(line.total_minor()));
        line.tax_minor = pricing.line_tax(line.discounted_total_minor(), line.taxable);
        subtotal = subtotal.checked_add(line.discounted_total_minor())?;
        tax = tax.checked_add(line.tax_minor)?;
        discounts = discounts.checked_add(line.discount_minor)?;
    }
    let total = if pricing.taxes_included {
        subtotal
    } else {
        subtotal.checked_add(tax)?
    };
    let calculation = DraftOrderCalculation {
        total_tax_minor: tax,
        total_discounts_minor: discounts,
        taxes_included: pricing.taxes_included,
        accept_automatic_discounts: input.accept_automatic_discounts,
        automatic_discount: discount,
    };
    Some((subtotal, total, calculation))
}

fn check_order(shop: &Shop, input: &DraftOrderInput, errors: &mut Vec<UserError>) -> Vec<String> {
    if let Some(code) = input.presentment_currency_code {
        if code != shop.currency {
            errors.push(UserError::new(
                &["presentmentCurrencyCode"],
                format!(
                    "Presentment currency {code} is not enabled for this shop (only {})",
                    shop.currency
                ),
            ));
        }
    }
    let lines = input.line_items.as_deref().unwrap_or_default();
    if lines.is_empty() {
        errors.push(UserError::new(&["lineItems"], "Line items can't be blank"));
    } else if lines.len() > MAX_LINE_ITEMS {
        errors.push(UserError::new(
            &["lineItems"],
            format!("Cannot have more than {MAX_LINE_ITEMS} line items"),
        ));
    }
    let tags: Vec<String> = input
        .tags
        .iter()
        .flatten()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if tags.len() > MAX_INPUT_ARRAY || tags.iter().any(|t| t.len() > MAX_TAG) {
        errors.push(UserError::new(
            &["tags"],
            format!("At most {MAX_INPUT_ARRAY} tags of {MAX_TAG} characters"),
        ));
    }
    if input.note.as_ref().is_some_and(|n| n.len() > MAX_TEXT) {
        errors.push(UserError::new(
            &["note"],
            format!("Note is too long (maximum is {MAX_TEXT} characters)"),
        ));
    }
    tags
}

/// Creates a draft order in `shop_domain`, or explains why not; nothing is stored on error.
/// `base_url` is the simulator's address: the invoice (checkout) page lives there.
pub fn create(
    world: &mut World,
    base_url: &str,
    shop_domain: &str,
    input: &DraftOrderInput,
) -> Result<DraftOrderRecord, Vec<UserError>> {
    let World { shops, ids, .. } = world;
    let shop = shops
        .get_mut(shop_domain)
        .expect("the HTTP layer checked the shop");
    let mut errors = Vec::new();
    let tags = check_order(shop, input, &mut errors);
    let mut lines: Vec<LineItemRecord> = input
        .line_items
        .iter()
        .flatten()
        .take(MAX_LINE_ITEMS)
        .enumerate()
        .filter_map(|(i, l)| line(shop, i, l, &mut errors))
        .collect();
    let totals = calculate(shop, input, &mut lines);
    if totals.is_none() {
        errors.push(UserError::new(
            &["lineItems"],
            "Draft order total is too large",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (subtotal, total, calculation) = totals.expect("checked above");
    for l in &mut lines {
        l.id = ids.line_item();
    }
    let id = ids.draft_order();
    let record = DraftOrderRecord {
        id,
        name: format!("#D{}", shop.next_draft_number),
        status: DraftOrderStatus::Open,
        tags,
        note: input.note.clone(),
        email: input.email.clone(),
        currency: shop.currency,
        line_items: lines,
        subtotal_minor: subtotal,
        // Shipping is free in the simulator.
        total_minor: total,
        calculation,
        // Shopify's shape (`https://{shop}/{shopId}/invoices/{token}`) on the simulator's host,
        // where `/store/{shop}` plays `https://{shop}`.
        invoice_url: crate::invoice::invoice_url(base_url, &shop.domain, shop.id, &random_hex(16)),
        created_at: Utc::now(),
        completion: None,
    };
    shop.next_draft_number += 1;
    shop.draft_orders.push(record.clone());
    Ok(record)
}

/// Deletes a draft order that has not been completed; a completed one is an order now.
/// A malformed id is a GraphQL error, as for every `ID` argument.
pub fn delete(shop: &mut Shop, id: &ID) -> async_graphql::Result<DraftOrderDeletePayload> {
    let refuse = |message: &str| DraftOrderDeletePayload {
        deleted_id: None,
        user_errors: vec![UserError::new(&["id"], message)],
    };
    let position = parse_gid(id, "DraftOrder")?
        .and_then(|number| shop.draft_orders.iter().position(|d| d.id == number));
    let Some(position) = position else {
        return Ok(refuse("Draft order does not exist"));
    };
    if shop.draft_orders[position].status == DraftOrderStatus::Completed {
        return Ok(refuse("A completed draft order cannot be deleted"));
    }
    shop.draft_orders.remove(position);
    Ok(DraftOrderDeletePayload {
        deleted_id: Some(id.clone()),
        user_errors: Vec::new(),
    })
}
