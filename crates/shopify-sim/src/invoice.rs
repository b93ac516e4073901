//! Checkout: a draft order's invoice page (`invoiceUrl`) with its locked line items and total,
//! and "Pay now", which completes the draft order into an order as `draftOrderComplete` does
//! (status `COMPLETED`, an `order`, `completedAt`; a completed draft order cannot be completed
//! again). `GET /_sim/orders` lists the orders.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::graphql::schema::DraftOrderStatus;
use crate::html::{error_page, escape, page};
use crate::money::{format_money, CurrencyCode};
use crate::state::{DraftOrderRecord, IdSeq, LineItemRecord, Shop, SimState, World};

/// How a draft order was completed.
#[derive(Debug, Clone)]
pub struct Completion {
    pub order_id: u64,
    pub order_name: String,
    pub completed_at: DateTime<Utc>,
}

/// An order made from a draft order.
#[derive(Debug, Clone)]
pub struct OrderRecord {
    pub id: u64,
    pub name: String,
    pub draft_order_id: u64,
    pub draft_order_name: String,
    pub created_at: DateTime<Utc>,
    pub currency: CurrencyCode,
    pub line_items: Vec<LineItemRecord>,
    pub subtotal_minor: i64,
    pub total_tax_minor: i64,
    pub total_discounts_minor: i64,
    pub total_minor: i64,
    /// `checkout` when paid on the invoice page, else the `sourceName` given to the mutation.
    pub source_name: String,
}

/// Why a draft order could not be completed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompleteError {
    #[error("Draft order does not exist")]
    NotFound,
    #[error("This draft order has already been completed")]
    AlreadyCompleted,
}

/// Shopify's invoice URL shape, `https://{shop}/{shopId}/invoices/{token}`, on the simulator.
pub fn invoice_url(base_url: &str, shop: &str, shop_id: u64, token: &str) -> String {
    format!("{base_url}/store/{shop}/{shop_id}/invoices/{token}")
}

/// Completes draft order `draft_id` of `shop` into an order; returns the updated draft order.
pub fn complete(
    shop: &mut Shop,
    ids: &mut IdSeq,
    draft_id: u64,
    source_name: &str,
) -> Result<DraftOrderRecord, CompleteError> {
    let draft = shop
        .draft_orders
        .iter_mut()
        .find(|d| d.id == draft_id)
        .ok_or(CompleteError::NotFound)?;
    if draft.status == DraftOrderStatus::Completed || draft.completion.is_some() {
        return Err(CompleteError::AlreadyCompleted);
    }
    let now = Utc::now();
    let order = OrderRecord {
        id: ids.order(),
        name: format!("#{}", shop.next_order_number),
        draft_order_id: draft.id,
        draft_order_name: draft.name.clone(),
        created_at: now,
        currency: draft.currency,
        line_items: draft.line_items.clone(),
        subtotal_minor: draft.subtotal_minor,
        total_tax_minor: draft.calculation.total_tax_minor,
        total_discounts_minor: draft.calculation.total_discounts_minor,
        total_minor: draft.total_minor,
        source_name: source_name.to_owned(),
    };
    shop.next_order_number += 1;
    draft.status = DraftOrderStatus::Completed;
    draft.completion = Some(Completion {
        order_id: order.id,
        order_name: order.name.clone(),
        completed_at: now,
    });
    let updated = draft.clone();
    shop.orders.push(order);
    Ok(updated)
}

/// Invoice tokens are 32 lowercase hex digits; anything else matches nothing.
fn valid_token(token: &str) -> bool {
    token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Finds the draft order behind an invoice path, if the shop, its id and the token match.
fn find<'a>(
    world: &'a World,
    shop: &str,
    shop_id: &str,
    token: &str,
) -> Option<(&'a Shop, &'a DraftOrderRecord)> {
    let shop = world.shops.get(shop)?;
    if shop_id != shop.id.to_string() || !valid_token(token) {
        return None;
    }
    let suffix = format!("/store/{}/{}/invoices/{token}", shop.domain, shop.id);
    let draft = shop
        .draft_orders
        .iter()
        .find(|d| d.invoice_url.ends_with(&suffix))?;
    Some((shop, draft))
}

fn money(minor: i64, currency: CurrencyCode) -> String {
    format!("{} {currency}", format_money(minor, currency))
}

const CHECKOUT_CSS: &str = "main{max-width:44rem;margin:0 auto;padding:1.5rem 1rem 3rem}\
header.shop{background:#fff;border-bottom:1px solid #e1e3e5;padding:1rem}header.shop p{max-width:44rem;margin:0 auto;padding:0 1rem;font-weight:700;font-size:1.2rem}\
.card{background:#fff;border:1px solid #e1e3e5;border-radius:12px;padding:1.25rem;margin:1rem 0}\
.line{display:grid;grid-template-columns:1fr auto;gap:.25rem 1rem;padding:.75rem 0;border-bottom:1px solid #e1e3e5}\
.line:last-child{border-bottom:0}.line h3{margin:0;font-size:1rem}.attrs{margin:0;padding:0;list-style:none;color:#4a4f55;font-size:.9rem}\
.amount{text-align:right;font-variant-numeric:tabular-nums}.sum{display:grid;grid-template-columns:1fr auto;gap:.35rem 1rem;margin:0}\
.sum dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}.sum .total{font-weight:700;font-size:1.2rem}\
form .btn{width:100%;font-size:1.1rem;padding:.9rem}.muted{color:#4a4f55;font-size:.9rem}";

fn lines_html(draft: &DraftOrderRecord) -> String {
    let mut out = String::new();
    for line in &draft.line_items {
        let attrs: String = line
            .custom_attributes
            .iter()
            .map(|a| format!("<li>{}: {}</li>", escape(&a.key), escape(&a.value)))
            .collect();
        out.push_str(&format!(
            "<div class=\"line\"><div><h3>{title}</h3><ul class=\"attrs\">{attrs}</ul>\
             <p class=\"muted\" style=\"margin:.25rem 0 0\">{qty} × {unit}</p></div>\
             <div class=\"amount\">{total}</div></div>",
            title = escape(&line.title),
            qty = line.quantity,
            unit = money(line.unit_price_minor, draft.currency),
            total = line_total_html(line, draft.currency),
        ));
    }
    out
}

/// The line total, with the original total struck through when a discount applies.
fn line_total_html(line: &LineItemRecord, currency: CurrencyCode) -> String {
    if line.discount_minor == 0 {
        return money(line.total_minor(), currency);
    }
    format!(
        "<s class=\"muted\">{}</s> {}",
        money(line.total_minor(), currency),
        money(line.discounted_total_minor(), currency)
    )
}

fn summary_html(draft: &DraftOrderRecord) -> String {
    let calculation = &draft.calculation;
    let discount = match &calculation.automatic_discount {
        Some(d) if calculation.total_discounts_minor > 0 => format!(
            "<dt>Discount ({})</dt><dd>−{}</dd>",
            escape(&d.title),
            money(calculation.total_discounts_minor, draft.currency)
        ),
        _ => String::new(),
    };
    let taxes = if calculation.taxes_included {
        "Taxes (included)"
    } else {
        "Taxes"
    };
    format!(
        "<dl class=\"sum\">{discount}<dt>Subtotal</dt><dd>{subtotal}</dd><dt>Shipping</dt><dd>Free</dd>\
         <dt>{taxes}</dt><dd>{tax}</dd><dt class=\"total\">Total</dt><dd class=\"total\">{total}</dd></dl>",
        subtotal = money(draft.subtotal_minor, draft.currency),
        tax = money(calculation.total_tax_minor, draft.currency),
        total = money(draft.total_minor, draft.currency),
    )
}

fn invoice_page(status: StatusCode, shop: &Shop, draft: &DraftOrderRecord, note: &str) -> Response {
    let action = match &draft.completion {
        Some(done) => format!(
            "<div class=\"notice\" role=\"status\"><strong>Thank you!</strong> Your order {} is confirmed.{}</div>",
            escape(&done.order_name),
            escape(note)
        ),
        None => "<form method=\"post\"><button class=\"btn\" type=\"submit\">Pay now</button></form>\
                 <p class=\"muted\">Simulated checkout: no payment is taken.</p>"
            .to_owned(),
    };
    let title = match &draft.completion {
        Some(done) => format!("Order {} confirmed", done.order_name),
        None => format!("Checkout – invoice {}", draft.name),
    };
    let body = format!(
        "<header class=\"shop\"><p>{shop_name}</p></header><main><h1>{heading}</h1>\
         <section class=\"card\" aria-labelledby=\"items\"><h2 id=\"items\" style=\"margin-top:0\">Order summary</h2>{lines}</section>\
         <section class=\"card\" aria-label=\"Totals\">{summary}</section>{action}</main>",
        shop_name = escape(&shop.name),
        heading = escape(&title),
        lines = lines_html(draft),
        summary = summary_html(draft),
    );
    page(status, "en", &title, CHECKOUT_CSS, &body)
}

fn not_found() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "Invoice not found",
        "This invoice does not exist or has been deleted.",
    )
}

/// `GET /store/{shop}/{shop_id}/invoices/{token}`
pub async fn show(
    State(state): State<Arc<SimState>>,
    Path((shop, shop_id, token)): Path<(String, String, String)>,
) -> Response {
    let world = state.world.lock().await;
    match find(&world, &shop, &shop_id, &token) {
        Some((shop, draft)) => invoice_page(StatusCode::OK, shop, draft, ""),
        None => not_found(),
    }
}

/// `POST /store/{shop}/{shop_id}/invoices/{token}`: "Pay now".
pub async fn pay(
    State(state): State<Arc<SimState>>,
    Path((shop_domain, shop_id, token)): Path<(String, String, String)>,
) -> Response {
    let mut world = state.world.lock().await;
    let Some(draft_id) = find(&world, &shop_domain, &shop_id, &token).map(|(_, d)| d.id) else {
        return not_found();
    };
    let World { shops, ids, .. } = &mut *world;
    let Some(shop) = shops.get_mut(&shop_domain) else {
        return not_found();
    };
    match complete(shop, ids, draft_id, "checkout") {
        // Post/redirect/get: a reload shows the confirmation instead of paying again.
        Ok(_) => (
            StatusCode::SEE_OTHER,
            [(
                header::LOCATION,
                format!("/store/{shop_domain}/{shop_id}/invoices/{token}"),
            )],
        )
            .into_response(),
        Err(CompleteError::AlreadyCompleted) => {
            let draft = shop.draft_orders.iter().find(|d| d.id == draft_id);
            match draft {
                Some(draft) => invoice_page(
                    StatusCode::CONFLICT,
                    shop,
                    draft,
                    " This invoice has already been paid.",
                ),
                None => not_found(),
            }
        }
        Err(CompleteError::NotFound) => not_found(),
    }
}

fn line_json(line: &LineItemRecord, currency: CurrencyCode) -> Value {
    json!({
        "title": line.title,
        "quantity": line.quantity,
        "variantId": line.variant_id.map(|id| format!("gid://shopify/ProductVariant/{id}")),
        "sku": line.sku,
        "unitPrice": format_money(line.unit_price_minor, currency),
        "total": format_money(line.total_minor(), currency),
        "customAttributes": line.custom_attributes,
    })
}

fn order_json(shop: &str, order: &OrderRecord) -> Value {
    json!({
        "shop": shop,
        "id": format!("gid://shopify/Order/{}", order.id),
        "name": order.name,
        "draftOrderId": format!("gid://shopify/DraftOrder/{}", order.draft_order_id),
        "draftOrderName": order.draft_order_name,
        "createdAt": order.created_at,
        "currencyCode": order.currency,
        "subtotal": format_money(order.subtotal_minor, order.currency),
        "totalTax": format_money(order.total_tax_minor, order.currency),
        "totalDiscounts": format_money(order.total_discounts_minor, order.currency),
        "total": format_money(order.total_minor, order.currency),
        "sourceName": order.source_name,
        "lineItems": order.line_items.iter().map(|l| line_json(l, order.currency)).collect::<Vec<_>>(),
    })
}

#[derive(Debug, Deserialize)]
pub struct ShopFilter {
    shop: Option<String>,
}

/// `GET /_sim/orders[?shop=]`
pub async fn list_orders(
    State(state): State<Arc<SimState>>,
    Query(filter): Query<ShopFilter>,
) -> Response {
    let world = state.world.lock().await;
    if let Some(shop) = &filter.shop {
        if !world.shops.contains_key(shop) {
            return (
                StatusCode::NOT_FOUND,
                Json(json!({ "error": "unknown shop" })),
            )
                .into_response();
        }
    }
    let orders: Vec<Value> = world
        .shops
        .values()
        .filter(|s| filter.shop.as_ref().is_none_or(|f| *f == s.domain))
        .flat_map(|s| s.orders.iter().map(|o| order_json(&s.domain, o)))
        .collect();
    Json(json!({ "orders": orders })).into_response()
}

/// The completion fields `/_sim/draft-orders` adds to each draft order.
pub fn completion_json(draft: &DraftOrderRecord) -> (Value, Value) {
    match &draft.completion {
        Some(done) => (
            json!(done.completed_at),
            json!({ "id": format!("gid://shopify/Order/{}", done.order_id), "name": done.order_name }),
        ),
        None => (Value::Null, Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::DEMO_SHOP;

    fn draft(world: &mut World) -> u64 {
        let World { shops, ids, .. } = world;
        let shop = shops.get_mut(DEMO_SHOP).unwrap();
        let id = ids.draft_order();
        shop.draft_orders.push(DraftOrderRecord {
            id,
            name: "#D1".into(),
            status: DraftOrderStatus::Open,
            tags: vec![],
            note: None,
            email: None,
            currency: CurrencyCode::Usd,
            line_items: vec![],
            subtotal_minor: 4500,
            total_minor: 4500,
            calculation: Default::default(),
            invoice_url: invoice_url("http://x", DEMO_SHOP, shop.id, &"a".repeat(32)),
            created_at: Utc::now(),
            completion: None,
        });
        id
    }

    #[test]
    fn completes_once() {
        let mut world = World::new(1);
        let id = draft(&mut world);
        let World { shops, ids, .. } = &mut world;
        let shop = shops.get_mut(DEMO_SHOP).unwrap();
        let done = complete(shop, ids, id, "checkout").unwrap();
        assert_eq!(done.status, DraftOrderStatus::Completed);
        assert_eq!(done.completion.as_ref().unwrap().order_name, "#1001");
        assert_eq!(shop.orders.len(), 1);
        assert_eq!(
            complete(shop, ids, id, "checkout").unwrap_err(),
            CompleteError::AlreadyCompleted
        );
        assert_eq!(
            complete(shop, ids, 1, "x").unwrap_err(),
            CompleteError::NotFound
        );
        assert_eq!(shop.orders.len(), 1);
    }

    #[test]
    fn finds_by_shop_id_and_token() {
        let mut world = World::new(1);
        draft(&mut world);
        let shop_id = world.shops[DEMO_SHOP].id.to_string();
        assert!(find(&world, DEMO_SHOP, &shop_id, &"a".repeat(32)).is_some());
        assert!(find(&world, DEMO_SHOP, "1", &"a".repeat(32)).is_none());
        assert!(find(&world, DEMO_SHOP, &shop_id, &"b".repeat(32)).is_none());
        assert!(find(&world, DEMO_SHOP, &shop_id, "../etc").is_none());
        assert!(find(&world, "other.myshopify.com", &shop_id, &"a".repeat(32)).is_none());
    }
}
