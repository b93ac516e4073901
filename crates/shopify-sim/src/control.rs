//! `/_sim/*`: configuration, faults, inspection, shops, tokens, session tokens and webhooks.
//! JSON in, JSON out; documented with curl examples in the crate README.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::ConfigUpdate;
use crate::faults::FaultsUpdate;
use crate::graphql::schema::ProductStatus;
use crate::money::{format_money, CurrencyCode};
use crate::oauth::{issue_offline_token, DEFAULT_USER_ID};
use crate::pricing::PricingUpdate;
use crate::seed::{add_products, demo_products, ProductSeed};
use crate::session_token::{self, SessionClaims};
use crate::state::{DraftOrderRecord, Shop, SimState, World};
use crate::webhooks::{self, WebhookRequest};

type Shared = State<Arc<SimState>>;

fn bad_request(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": message.into() })),
    )
        .into_response()
}

fn unknown_shop() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "error": "unknown shop" })),
    )
        .into_response()
}

/// `^[a-z0-9][a-z0-9-]*\.myshopify\.com$`, the shape of every shop domain.
pub fn is_shop_domain(domain: &str) -> bool {
    let Some(name) = domain.strip_suffix(".myshopify.com") else {
        return false;
    };
    name.len() <= 60
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub async fn health() -> Json<Value> {
    Json(json!({ "ok": true }))
}

pub async fn get_config(State(state): Shared) -> Json<Value> {
    Json(json!(*state.config.read().await))
}

pub async fn put_config(State(state): Shared, Json(update): Json<ConfigUpdate>) -> Response {
    if let Err(message) = update.validate() {
        return bad_request(message);
    }
    let resets_buckets = update.bucket_size.is_some() || update.restore_rate.is_some();
    let mut config = state.config.write().await;
    config.apply(update);
    if resets_buckets {
        // New limits start from a full bucket so tests get predictable numbers.
        state.world.lock().await.buckets.clear();
    }
    Json(json!(*config)).into_response()
}

pub async fn get_faults(State(state): Shared) -> Json<Value> {
    Json(json!(state.world.lock().await.faults.view()))
}

pub async fn post_faults(State(state): Shared, Json(update): Json<FaultsUpdate>) -> Response {
    if let Err(message) = update.validate() {
        return bad_request(message);
    }
    let mut world = state.world.lock().await;
    let world = &mut *world;
    world.faults.apply(update, &mut world.rng);
    Json(json!(world.faults.view())).into_response()
}

pub async fn delete_faults(State(state): Shared) -> Json<Value> {
    let mut world = state.world.lock().await;
    world.faults = Default::default();
    Json(json!(world.faults.view()))
}

pub async fn requests(State(state): Shared) -> Json<Value> {
    Json(json!({ "shops": state.world.lock().await.stats }))
}

pub async fn reset(State(state): Shared) -> Json<Value> {
    *state.world.lock().await = World::new(state.initial.rng_seed);
    Json(json!({ "reset": true }))
}

fn draft_order_json(shop: &str, order: &DraftOrderRecord) -> Value {
    let currency = order.currency;
    let (completed_at, completed_order) = crate::invoice::completion_json(order);
    let lines: Vec<Value> = order
        .line_items
        .iter()
        .map(|l| {
            json!({
                "id": format!("gid://shopify/DraftOrderLineItem/{}", l.id),
                "title": l.title,
                "quantity": l.quantity,
                "variantId": l.variant_id.map(|id| format!("gid://shopify/ProductVariant/{id}")),
                "sku": l.sku,
                "custom": l.custom,
                "unitPrice": format_money(l.unit_price_minor, currency),
                "givenUnitPrice": {
                    "amount": format_money(l.given_unit_price.0, l.given_unit_price.1),
                    "currencyCode": l.given_unit_price.1,
                },
                "total": format_money(l.total_minor(), currency),
                "discount": format_money(l.discount_minor, currency),
                "discountedTotal": format_money(l.discounted_total_minor(), currency),
                "tax": format_money(l.tax_minor, currency),
                "customAttributes": l.custom_attributes,
                "requiresShipping": l.requires_shipping,
                "taxable": l.taxable,
            })
        })
        .collect();
    json!({
        "shop": shop,
        "id": format!("gid://shopify/DraftOrder/{}", order.id),
        "name": order.name,
        "status": order.status,
        "tags": order.tags,
        "note": order.note,
        "currencyCode": currency,
        "subtotal": format_money(order.subtotal_minor, currency),
        "totalTax": format_money(order.calculation.total_tax_minor, currency),
        "totalDiscounts": format_money(order.calculation.total_discounts_minor, currency),
        "taxesIncluded": order.calculation.taxes_included,
        "acceptAutomaticDiscounts": order.calculation.accept_automatic_discounts,
        "total": format_money(order.total_minor, currency),
        "invoiceUrl": order.invoice_url,
        "createdAt": order.created_at,
        "completedAt": completed_at,
        "order": completed_order,
        "lineItems": lines,
    })
}

#[derive(Debug, Deserialize)]
pub struct ShopFilter {
    shop: Option<String>,
}

pub async fn draft_orders(State(state): Shared, Query(filter): Query<ShopFilter>) -> Response {
    let world = state.world.lock().await;
    if filter
        .shop
        .as_ref()
        .is_some_and(|s| !world.shops.contains_key(s))
    {
        return unknown_shop();
    }
    let orders: Vec<Value> = world
        .shops
        .values()
        .filter(|shop| filter.shop.as_ref().is_none_or(|s| *s == shop.domain))
        .flat_map(|shop| {
            shop.draft_orders
                .iter()
                .map(|o| draft_order_json(&shop.domain, o))
        })
        .collect();
    Json(json!({ "draftOrders": orders })).into_response()
}

fn shop_json(shop: &Shop) -> Value {
    let products: Vec<Value> = shop
        .products
        .iter()
        .map(|p| {
            let variants: Vec<Value> = p
                .variants
                .iter()
                .map(|v| {
                    json!({
                        "id": format!("gid://shopify/ProductVariant/{}", v.id),
                        "title": v.title,
                        "price": format_money(v.price_minor, shop.currency),
                        "sku": v.sku,
                    })
                })
                .collect();
            json!({
                "id": format!("gid://shopify/Product/{}", p.id),
                "title": p.title,
                "handle": p.handle,
                "status": p.status,
                "variants": variants,
            })
        })
        .collect();
    json!({
        "domain": shop.domain,
        "id": format!("gid://shopify/Shop/{}", shop.id),
        "name": shop.name,
        "currency": shop.currency,
        "partnerDevelopment": shop.partner_development,
        "products": products,
        "draftOrders": shop.draft_orders.len(),
        "pricing": shop.pricing.view(),
        "webhookSubscriptions": shop.webhook_subscriptions.iter().map(|s| json!({
            "id": format!("gid://shopify/WebhookSubscription/{}", s.id),
            "topic": s.topic,
            "uri": s.uri,
        })).collect::<Vec<_>>(),
    })
}

pub async fn list_shops(State(state): Shared) -> Json<Value> {
    let world = state.world.lock().await;
    Json(json!({ "shops": world.shops.values().map(shop_json).collect::<Vec<_>>() }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewShop {
    domain: String,
    name: Option<String>,
    currency: Option<CurrencyCode>,
    /// `false`: a merchant's paying store rather than a development store.
    partner_development: Option<bool>,
    /// The catalogue; the demo products when left out.
    products: Option<Vec<ProductSeed>>,
}

pub async fn create_shop(State(state): Shared, Json(new): Json<NewShop>) -> Response {
    if !is_shop_domain(&new.domain) {
        return bad_request("domain: must look like name.myshopify.com");
    }
    let products = new.products.unwrap_or_else(demo_products);
    if products.len() > 250 {
        return bad_request("products: at most 250");
    }
    let mut world = state.world.lock().await;
    if world.shops.contains_key(&new.domain) {
        return (
            StatusCode::CONFLICT,
            Json(json!({ "error": "shop already exists" })),
        )
            .into_response();
    }
    let id = world.ids.shop();
    let name = new
        .name
        .unwrap_or_else(|| new.domain.trim_end_matches(".myshopify.com").to_owned());
    let mut shop = Shop::new(
        id,
        &new.domain,
        &name,
        new.currency.unwrap_or(CurrencyCode::Usd),
    );
    shop.partner_development = new.partner_development.unwrap_or(true);
    world.shops.insert(new.domain.clone(), shop);
    if let Err(message) = add_products(&mut world, &new.domain, &products) {
        world.shops.remove(&new.domain);
        return bad_request(message);
    }
    (
        StatusCode::CREATED,
        Json(shop_json(&world.shops[&new.domain])),
    )
        .into_response()
}

/// `GET /_sim/shops/{shop}/pricing`: tax, automatic discount and conversion rates.
pub async fn get_pricing(State(state): Shared, Path(shop): Path<String>) -> Response {
    let world = state.world.lock().await;
    match world.shops.get(&shop) {
        Some(shop) => Json(shop.pricing.view()).into_response(),
        None => unknown_shop(),
    }
}

/// `PUT /_sim/shops/{shop}/pricing`: changes them for draft orders created from now on.
pub async fn put_pricing(
    State(state): Shared,
    Path(shop): Path<String>,
    Json(update): Json<PricingUpdate>,
) -> Response {
    let mut world = state.world.lock().await;
    let Some(shop) = world.shops.get_mut(&shop) else {
        return unknown_shop();
    };
    match shop.pricing.apply(update) {
        Ok(()) => Json(shop.pricing.view()).into_response(),
        Err(message) => bad_request(message),
    }
}

pub async fn revoke_tokens(State(state): Shared, Path(shop): Path<String>) -> Response {
    let mut world = state.world.lock().await;
    if !world.shops.contains_key(&shop) {
        return unknown_shop();
    }
    let revoked = world.revoke_tokens(&shop);
    Json(json!({ "revoked": revoked })).into_response()
}

/// Revokes the shop's tokens, then tells the app with `app/uninstalled`.
pub async fn uninstall(State(state): Shared, Path(shop): Path<String>) -> Response {
    let revoked = {
        let mut world = state.world.lock().await;
        if !world.shops.contains_key(&shop) {
            return unknown_shop();
        }
        world.revoke_tokens(&shop)
    };
    let request = shop_event(shop, "app/uninstalled", None);
    let report = match webhooks::deliver(&state, request).await {
        Ok(report) => report,
        Err(message) => return bad_request(message),
    };
    // Uninstalling cancels the app's subscriptions on the shop (`app_subscriptions/update`).
    let billing = crate::billing::uninstall(&state, &report.shop).await;
    let mut body = json!({ "revoked": revoked, "webhook": report });
    if !billing.is_empty() {
        body["subscriptionWebhooks"] = json!(billing);
    }
    Json(body).into_response()
}

pub async fn issue_token(State(state): Shared, Path(shop): Path<String>) -> Response {
    if !state.world.lock().await.shops.contains_key(&shop) {
        return unknown_shop();
    }
    Json(issue_offline_token(&state, &shop).await).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionTokenRequest {
    shop: String,
    user: Option<u64>,
    /// Seconds until `exp`; negative mints an already expired token for tests.
    expires_in: Option<i64>,
}

pub async fn session_token(
    State(state): Shared,
    Json(request): Json<SessionTokenRequest>,
) -> Response {
    if !state.world.lock().await.shops.contains_key(&request.shop) {
        return unknown_shop();
    }
    let ttl = request
        .expires_in
        .unwrap_or(session_token::DEFAULT_TTL_SECS);
    if !(-86_400..=86_400).contains(&ttl) {
        return bad_request("expiresIn: between -86400 and 86400");
    }
    let api_key = state.config.read().await.api_key.clone();
    let claims = SessionClaims::new(
        &request.shop,
        &api_key,
        request.user.unwrap_or(DEFAULT_USER_ID),
        ttl,
    );
    let token = session_token::mint(&claims, &state.api_secret);
    Json(json!({ "idToken": token, "claims": claims })).into_response()
}

/// Body of `PUT /_sim/shops/{shop}/products/{id}`: what the merchant changed in the admin.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductChange {
    title: Option<String>,
    status: Option<ProductStatus>,
}

/// One delivery of `topic` about something that happened in the shop (`payload`, or the
/// topic's default).
fn shop_event(shop: String, topic: &str, payload: Option<Value>) -> WebhookRequest {
    WebhookRequest {
        shop,
        topic: topic.to_owned(),
        payload,
        duplicate: false,
        path: None,
        omit_headers: Vec::new(),
    }
}

/// The merchant edits a product: it changes, and Shopify tells the app with `products/update`.
pub async fn update_product(
    State(state): Shared,
    Path((shop, id)): Path<(String, u64)>,
    Json(change): Json<ProductChange>,
) -> Response {
    if let Some(title) = &change.title {
        if title.trim().is_empty() || title.len() > 255 {
            return bad_request("title: must be 1-255 characters");
        }
    }
    let payload = {
        let mut world = state.world.lock().await;
        let Some(record) = world.shops.get_mut(&shop) else {
            return unknown_shop();
        };
        let Some(product) = record.products.iter_mut().find(|p| p.id == id) else {
            return (
                StatusCode::NOT_FOUND,
                Json(json!({ "error": "unknown product" })),
            )
                .into_response();
        };
        if let Some(title) = change.title {
            // The image shows the title's initials: a new title is a new picture.
            product.title = title;
            product.image_version += 1;
        }
        if let Some(status) = change.status {
            product.status = status;
        }
        product.updated_at = chrono::Utc::now();
        let record = &world.shops[&shop];
        let product = record.product(id).expect("found above");
        webhooks::product_payload(&state.base_url, record, product)
    };
    let request = shop_event(shop, "products/update", Some(payload.clone()));
    match webhooks::deliver(&state, request).await {
        Ok(report) => Json(json!({ "product": payload, "webhook": report })).into_response(),
        Err(message) => bad_request(message),
    }
}

/// The merchant deletes a product: it is gone, and Shopify tells the app with
/// `products/delete`.
pub async fn delete_product(
    State(state): Shared,
    Path((shop, id)): Path<(String, u64)>,
) -> Response {
    {
        let mut world = state.world.lock().await;
        let Some(record) = world.shops.get_mut(&shop) else {
            return unknown_shop();
        };
        let before = record.products.len();
        record.products.retain(|p| p.id != id);
        if record.products.len() == before {
            return (
                StatusCode::NOT_FOUND,
                Json(json!({ "error": "unknown product" })),
            )
                .into_response();
        }
    }
    let request = shop_event(
        shop,
        "products/delete",
        Some(webhooks::product_deleted_payload(id)),
    );
    match webhooks::deliver(&state, request).await {
        Ok(report) => {
            Json(json!({ "deleted": format!("gid://shopify/Product/{id}"), "webhook": report }))
                .into_response()
        }
        Err(message) => bad_request(message),
    }
}

pub async fn send_webhook(State(state): Shared, Json(request): Json<WebhookRequest>) -> Response {
    match webhooks::deliver(&state, request).await {
        Ok(report) => Json(json!(report)).into_response(),
        Err(message) => bad_request(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shop_domains() {
        assert!(is_shop_domain("demo-shop.myshopify.com"));
        assert!(is_shop_domain("a1.myshopify.com"));
        for bad in [
            "-a.myshopify.com",
            "A.myshopify.com",
            "a.myshopify.com.evil.com",
            "a.b.myshopify.com",
            ".myshopify.com",
            "a.com",
        ] {
            assert!(!is_shop_domain(bad), "{bad}");
        }
    }
}
