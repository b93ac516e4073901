//! The parts of the Shopify admin a merchant sees around an embedded app: the admin frame with
//! the app in an iframe (`/store/{shop}/admin/apps/{api_key}/…`), the endpoints its script uses
//! (session tokens, signed app URLs, products for the resource picker), a minimal admin home,
//! the draft order page, and the CDN stand-ins of App Bridge and Polaris (see `assets`).

pub mod assets;
pub mod html;

use std::sync::Arc;

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::embed::{is_locale, split_app_path, AppUrlError, EmbeddedLoad, RESERVED_PARAMS};
use crate::graphql::schema::{DraftOrderStatus, ProductStatus};
use crate::graphql::search::SearchQuery;
use crate::money::format_money;
use crate::oauth::{param, query_pairs, DEFAULT_USER_ID};
use crate::session_token::{self, SessionClaims};
use crate::state::{DraftOrderRecord, ProductRecord, Shop, SimState};
use html::{escape, Chrome, Current};

type Shared = State<Arc<SimState>>;

/// The admin's default language.
const DEFAULT_LOCALE: &str = "en";
/// Most products the picker endpoint returns at once.
const MAX_PICKER_PRODUCTS: usize = 250;

/// Why an admin request is refused.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("The shop or app does not exist.")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
}

impl AdminError {
    fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// The JSON form, for the endpoints the admin frame's script calls.
    fn json(self) -> Response {
        (self.status(), Json(json!({ "error": self.to_string() }))).into_response()
    }
}

impl From<AppUrlError> for AdminError {
    fn from(error: AppUrlError) -> Self {
        Self::BadRequest(error.to_string())
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (
            status,
            Html(html::error_page(status.as_u16(), &self.to_string())),
        )
            .into_response();
        no_store(&mut response);
        response
    }
}

/// Admin pages carry fresh tokens: never cache them.
fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn html_page(body: String) -> Response {
    let mut response = Html(body).into_response();
    no_store(&mut response);
    response
}

/// Paths of one shop's admin and of the app inside it.
struct AdminPaths {
    admin: String,
    app: String,
    bridge: String,
}

impl AdminPaths {
    fn new(shop: &str, api_key: &str) -> Self {
        let admin = format!("/store/{shop}/admin");
        Self {
            app: format!("{admin}/apps/{api_key}"),
            bridge: format!("{admin}/app-bridge/{api_key}"),
            admin,
        }
    }
}

/// The shop's name, or 404 when the shop is unknown (or the API key is not the app's).
async fn shop_name(
    state: &SimState,
    shop: &str,
    api_key: Option<&str>,
) -> Result<String, AdminError> {
    if let Some(key) = api_key {
        if key != state.config.read().await.api_key {
            return Err(AdminError::NotFound);
        }
    }
    state
        .world
        .lock()
        .await
        .shops
        .get(shop)
        .map(|s| s.name.clone())
        .ok_or(AdminError::NotFound)
}

fn parse_user(value: Option<&str>) -> Result<u64, AdminError> {
    match value {
        None | Some("") => Ok(DEFAULT_USER_ID),
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                AdminError::BadRequest("user: must be a staff user id (1, 2, …)".into())
            }),
    }
}

fn parse_locale(value: Option<&str>) -> Result<String, AdminError> {
    match value {
        None | Some("") => Ok(DEFAULT_LOCALE.to_owned()),
        Some(tag) if is_locale(tag) => Ok(tag.to_owned()),
        Some(_) => Err(AdminError::BadRequest(
            "locale: must be a language tag such as en or de".into(),
        )),
    }
}

fn user_json(user: u64, shop: &str) -> Value {
    json!({
        "id": user,
        "name": if user == DEFAULT_USER_ID { "Demo Staff".to_owned() } else { format!("Staff {user}") },
        "email": format!("staff{user}@{shop}"),
        "accountAccess": if user == DEFAULT_USER_ID { "Account owner" } else { "Limited access" },
    })
}

/// `GET /store/{shop}/admin/apps/{api_key}`
pub async fn app_root(
    State(state): Shared,
    Path((shop, api_key)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AdminError> {
    app_frame(&state, &shop, &api_key, "", raw.as_deref()).await
}

/// `GET /store/{shop}/admin/apps/{api_key}/{*path}`: the path after the app's handle is the app
/// path, as in Shopify.
pub async fn app_path(
    State(state): Shared,
    Path((shop, api_key, path)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AdminError> {
    let path = format!("/{}", path.trim_start_matches('/'));
    app_frame(&state, &shop, &api_key, &path, raw.as_deref()).await
}

async fn app_frame(
    state: &SimState,
    shop: &str,
    api_key: &str,
    path: &str,
    raw: Option<&str>,
) -> Result<Response, AdminError> {
    let shop_name = shop_name(state, shop, Some(api_key)).await?;
    let pairs = query_pairs(raw);
    let user = parse_user(param(&pairs, "user"))?;
    let locale = parse_locale(param(&pairs, "locale"))?;
    let legacy_redirect = param(&pairs, "redirect") == Some("1");
    let app_query: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| !RESERVED_PARAMS.contains(&k.as_str()) && k != "user" && k != "redirect")
        .cloned()
        .collect();
    let config = state.config.read().await.clone();
    let src = EmbeddedLoad {
        app_url: &config.app_url,
        api_key: &config.api_key,
        secret: &state.api_secret,
        shop,
        user,
        locale: &locale,
        path,
        query: &app_query,
    }
    .url()?;
    if legacy_redirect {
        // What this endpoint did before the admin frame: straight to the app, no chrome.
        return Ok((StatusCode::FOUND, [(header::LOCATION, src.to_string())]).into_response());
    }
    let app_origin = src.origin().ascii_serialization();
    let app_base_path = url::Url::parse(&config.app_url)
        .map(|u| u.path().trim_end_matches('/').to_owned())
        .unwrap_or_default();
    let paths = AdminPaths::new(shop, api_key);
    let admin_query: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(k, _)| k == "user" || k == "locale")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let frame_config = json!({
        "shop": shop,
        "shopName": shop_name,
        "apiKey": config.api_key,
        "appName": state.initial.app_name,
        "appOrigin": app_origin,
        "appBasePath": app_base_path,
        "adminBase": paths.admin,
        "appBase": paths.app,
        "adminQuery": admin_query,
        "user": user_json(user, shop),
        "locale": locale,
        "host": crate::embed::host_param(shop),
        "endpoints": {
            "sessionToken": format!("{}/session-token", paths.bridge),
            "appUrl": format!("{}/app-url", paths.bridge),
            "products": format!("{}/products", paths.bridge),
        },
    });
    let chrome = Chrome {
        shop_domain: shop,
        shop_name: &shop_name,
        app_name: &state.initial.app_name,
        admin_base: &paths.admin,
        app_base: &paths.app,
        current: Current::App,
    };
    Ok(html_page(html::app_frame(
        &chrome,
        src.as_str(),
        &frame_config,
    )))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenRequest {
    user: Option<u64>,
}

/// `POST /store/{shop}/admin/app-bridge/{api_key}/session-token`: what App Bridge's
/// `idToken()` resolves to, minted for the frame's shop and staff user (valid 60 s).
pub async fn frame_session_token(
    State(state): Shared,
    Path((shop, api_key)): Path<(String, String)>,
    body: Option<Json<TokenRequest>>,
) -> Response {
    if let Err(error) = shop_name(&state, &shop, Some(&api_key)).await {
        return error.json();
    }
    let request = body.map(|Json(b)| b).unwrap_or_default();
    let user = request.user.unwrap_or(DEFAULT_USER_ID).max(1);
    let claims = SessionClaims::new(&shop, &api_key, user, session_token::DEFAULT_TTL_SECS);
    let token = session_token::mint(&claims, &state.api_secret);
    let mut response = Json(json!({ "idToken": token, "expiresAt": claims.exp })).into_response();
    no_store(&mut response);
    response
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppUrlRequest {
    /// The app path with its query (`/app/matrices?x=1`).
    path: String,
    user: Option<u64>,
    locale: Option<String>,
}

/// `POST /store/{shop}/admin/app-bridge/{api_key}/app-url`: a freshly signed iframe URL for an
/// app path, for navigation started in the admin (sidebar, app name).
pub async fn frame_app_url(
    State(state): Shared,
    Path((shop, api_key)): Path<(String, String)>,
    Json(request): Json<AppUrlRequest>,
) -> Response {
    if let Err(error) = shop_name(&state, &shop, Some(&api_key)).await {
        return error.json();
    }
    if request.path.len() > 4096 {
        return AdminError::BadRequest("path: too long".into()).json();
    }
    let locale = match parse_locale(request.locale.as_deref()) {
        Ok(locale) => locale,
        Err(error) => return error.json(),
    };
    let (path, query) = split_app_path(&request.path);
    let path = if path == "/" { "" } else { path };
    let config = state.config.read().await.clone();
    let load = EmbeddedLoad {
        app_url: &config.app_url,
        api_key: &config.api_key,
        secret: &state.api_secret,
        shop: &shop,
        user: request.user.unwrap_or(DEFAULT_USER_ID).max(1),
        locale: &locale,
        path,
        query: &query,
    };
    match load.url() {
        Ok(url) => {
            let mut response = Json(json!({ "src": url.as_str() })).into_response();
            no_store(&mut response);
            response
        }
        Err(error) => AdminError::from(error).json(),
    }
}

#[derive(Debug, Deserialize)]
pub struct ProductsQuery {
    query: Option<String>,
}

fn picker_product(base_url: &str, shop: &Shop, product: &ProductRecord) -> Value {
    let gid = format!("gid://shopify/Product/{}", product.id);
    let variants: Vec<Value> = product
        .variants
        .iter()
        .map(|v| {
            json!({
                "id": format!("gid://shopify/ProductVariant/{}", v.id),
                "title": v.title,
                "displayName": format!("{} - {}", product.title, v.title),
                "price": format_money(v.price_minor, shop.currency),
                "sku": v.sku,
                "product": { "id": gid },
            })
        })
        .collect();
    json!({
        "id": gid,
        "title": product.title,
        "handle": product.handle,
        "status": product.status,
        "createdAt": product.created_at,
        "images": [{
            "id": format!("gid://shopify/ProductImage/{}", product.id),
            "originalSrc": product.image_url(base_url),
            "altText": product.title,
        }],
        "hasOnlyDefaultVariant": product.variants.len() == 1
            && product.variants[0].title == "Default Title",
        "totalVariants": product.variants.len(),
        "variants": variants,
    })
}

/// `GET /store/{shop}/admin/app-bridge/{api_key}/products[?query=]`: the shop's products in the
/// shape `resourcePicker` resolves to; `query` uses the Admin API's product search syntax.
pub async fn frame_products(
    State(state): Shared,
    Path((shop, api_key)): Path<(String, String)>,
    Query(filter): Query<ProductsQuery>,
) -> Response {
    if let Err(error) = shop_name(&state, &shop, Some(&api_key)).await {
        return error.json();
    }
    let search = SearchQuery::parse(filter.query.as_deref().unwrap_or_default());
    let world = state.world.lock().await;
    let Some(shop) = world.shops.get(&shop) else {
        return AdminError::NotFound.json();
    };
    let products: Vec<Value> = shop
        .products
        .iter()
        .filter(|p| search.matches_product(p))
        .take(MAX_PICKER_PRODUCTS)
        .map(|p| picker_product(&state.base_url, shop, p))
        .collect();
    Json(json!({ "products": products })).into_response()
}

/// `GET /_sim/images/products/{file}` with `file` = `{id}.svg`.
pub async fn product_image(State(state): Shared, Path(file): Path<String>) -> Response {
    let Some(id) = file
        .strip_suffix(".svg")
        .and_then(|id| id.parse::<u64>().ok())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let world = state.world.lock().await;
    let Some(product) = world.shops.values().find_map(|s| s.product(id)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        assets::product_svg(id, &product.title),
    )
        .into_response()
}

fn status_badge(status: DraftOrderStatus) -> &'static str {
    match status {
        DraftOrderStatus::Open => "<span class=\"sa-badge sa-badge-info\">Open</span>",
        DraftOrderStatus::InvoiceSent => {
            "<span class=\"sa-badge sa-badge-warning\">Invoice sent</span>"
        }
        DraftOrderStatus::Completed => "<span class=\"sa-badge sa-badge-success\">Completed</span>",
    }
}

fn draft_orders_table(admin: &str, shop: &Shop) -> String {
    if shop.draft_orders.is_empty() {
        return "<p class=\"sa-subdued\">No draft orders yet.</p>".to_owned();
    }
    let mut rows = String::new();
    for order in shop.draft_orders.iter().rev().take(50) {
        rows.push_str(&format!(
            "<tr><td><a href=\"{admin}/draft_orders/{id}\">{name}</a></td><td>{status}</td>\
             <td>{created}</td><td class=\"sa-num\">{total} {currency}</td></tr>",
            admin = escape(admin),
            id = order.id,
            name = escape(&order.name),
            status = status_badge(order.status),
            created = order.created_at.format("%Y-%m-%d %H:%M UTC"),
            total = format_money(order.total_minor, order.currency),
            currency = order.currency,
        ));
    }
    format!(
        "<table class=\"sa-table\"><thead><tr><th scope=\"col\">Draft order</th><th scope=\"col\">Status</th>\
         <th scope=\"col\">Created</th><th scope=\"col\" class=\"sa-num\">Total</th></tr></thead><tbody>{rows}</tbody></table>"
    )
}

fn product_status(status: ProductStatus) -> &'static str {
    match status {
        ProductStatus::Active => "<span class=\"sa-badge sa-badge-success\">Active</span>",
        ProductStatus::Draft => "<span class=\"sa-badge sa-badge-info\">Draft</span>",
        ProductStatus::Archived => "<span class=\"sa-badge\">Archived</span>",
    }
}

/// `GET /store/{shop}/admin`: a minimal admin home (apps, draft orders, products).
pub async fn admin_home(
    State(state): Shared,
    Path(shop): Path<String>,
) -> Result<Response, AdminError> {
    let shop_name = shop_name(&state, &shop, None).await?;
    let api_key = state.config.read().await.api_key.clone();
    let paths = AdminPaths::new(&shop, &api_key);
    let world = state.world.lock().await;
    let record = world.shops.get(&shop).ok_or(AdminError::NotFound)?;
    let mut products = String::new();
    for product in &record.products {
        products.push_str(&format!(
            "<tr><td><img class=\"sa-thumb\" src=\"/_sim/images/products/{id}.svg\" alt=\"\"> {title}</td>\
             <td>{status}</td><td class=\"sa-num\">{variants}</td></tr>",
            id = product.id,
            title = escape(&product.title),
            status = product_status(product.status),
            variants = product.variants.len(),
        ));
    }
    let app_name = &state.initial.app_name;
    let content = format!(
        "<section class=\"sa-card\" aria-labelledby=\"sa-apps\"><h2 id=\"sa-apps\">Apps</h2>\
           <p><a class=\"sa-btn sa-btn-primary\" href=\"{app}\">Open {app_name}</a></p></section>\
         <section class=\"sa-card\" aria-labelledby=\"sa-drafts\"><h2 id=\"sa-drafts\">Draft orders</h2>{drafts}</section>\
         <section class=\"sa-card\" aria-labelledby=\"sa-products\"><h2 id=\"sa-products\">Products</h2>\
           <table class=\"sa-table\"><thead><tr><th scope=\"col\">Product</th><th scope=\"col\">Status</th>\
           <th scope=\"col\" class=\"sa-num\">Variants</th></tr></thead><tbody>{products}</tbody></table></section>",
        app = escape(&paths.app),
        app_name = escape(app_name),
        drafts = draft_orders_table(&paths.admin, record),
    );
    let chrome = Chrome {
        shop_domain: &shop,
        shop_name: &shop_name,
        app_name,
        admin_base: &paths.admin,
        app_base: &paths.app,
        current: Current::Home,
    };
    let heading = format!("<h1 class=\"sa-page-title\">{}</h1>", escape(&shop_name));
    Ok(html_page(html::admin_page(
        &chrome, "Home", &heading, &content,
    )))
}

fn draft_order_content(admin: &str, order: &DraftOrderRecord) -> String {
    let currency = order.currency;
    let mut lines = String::new();
    for line in &order.line_items {
        let mut attributes = String::new();
        for attribute in &line.custom_attributes {
            attributes.push_str(&format!(
                "<li>{}: {}</li>",
                escape(&attribute.key),
                escape(&attribute.value)
            ));
        }
        if !attributes.is_empty() {
            attributes = format!("<ul class=\"sa-attributes\">{attributes}</ul>");
        }
        let sku = line
            .sku
            .as_deref()
            .map(|s| format!("<div class=\"sa-subdued\">SKU: {}</div>", escape(s)))
            .unwrap_or_default();
        lines.push_str(&format!(
            "<tr><td><strong>{title}</strong>{sku}{attributes}</td>\
             <td class=\"sa-num\">{unit} × {quantity}</td><td class=\"sa-num\">{total}</td></tr>",
            title = escape(&line.title),
            unit = format_money(line.unit_price_minor, currency),
            quantity = line.quantity,
            total = format_money(line.total_minor(), currency),
        ));
    }
    let tags = if order.tags.is_empty() {
        "<span class=\"sa-subdued\">None</span>".to_owned()
    } else {
        order
            .tags
            .iter()
            .map(|t| format!("<span class=\"sa-tag\">{}</span>", escape(t)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let note = order
        .note
        .as_deref()
        .map(escape)
        .unwrap_or_else(|| "<span class=\"sa-subdued\">No notes</span>".to_owned());
    format!(
        "<p><a href=\"{admin}\">← Home</a></p>\
         <div class=\"sa-columns\"><div>\
         <section class=\"sa-card\" aria-labelledby=\"sa-lines\"><h2 id=\"sa-lines\">Products</h2>\
           <table class=\"sa-table\"><thead><tr><th scope=\"col\">Item</th><th scope=\"col\" class=\"sa-num\">Price</th>\
           <th scope=\"col\" class=\"sa-num\">Total</th></tr></thead><tbody>{lines}</tbody></table></section>\
         <section class=\"sa-card\" aria-labelledby=\"sa-payment\"><h2 id=\"sa-payment\">Payment</h2>\
           <dl class=\"sa-totals\"><dt>Subtotal</dt><dd>{subtotal} {currency}</dd>\
           <dt>Discounts</dt><dd>{discounts} {currency}</dd><dt>{taxes}</dt><dd>{tax} {currency}</dd>\
           <dt><strong>Total</strong></dt><dd><strong>{total} {currency}</strong></dd></dl></section>\
         </div><div>\
         <section class=\"sa-card\" aria-labelledby=\"sa-notes\"><h2 id=\"sa-notes\">Notes</h2><p>{note}</p></section>\
         <section class=\"sa-card\" aria-labelledby=\"sa-tags\"><h2 id=\"sa-tags\">Tags</h2><p>{tags}</p></section>\
         <section class=\"sa-card\" aria-labelledby=\"sa-details\"><h2 id=\"sa-details\">Details</h2>\
           <dl class=\"sa-details\"><dt>Created</dt><dd>{created}</dd><dt>Invoice URL</dt>\
           <dd class=\"sa-break\">{invoice}</dd><dt>ID</dt><dd>gid://shopify/DraftOrder/{id}</dd></dl></section>\
         </div></div>",
        admin = escape(admin),
        subtotal = format_money(order.subtotal_minor, currency),
        discounts = format_money(order.calculation.total_discounts_minor, currency),
        taxes = if order.calculation.taxes_included {
            "Taxes (included)"
        } else {
            "Taxes"
        },
        tax = format_money(order.calculation.total_tax_minor, currency),
        total = format_money(order.total_minor, currency),
        created = order.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        invoice = escape(&order.invoice_url),
        id = order.id,
    )
}

/// `GET /store/{shop}/admin/draft_orders/{id}`: the draft order as the admin shows it (name,
/// status, line items, totals); `id` is the number at the end of the order's GID.
pub async fn draft_order_page(
    State(state): Shared,
    Path((shop, id)): Path<(String, String)>,
) -> Result<Response, AdminError> {
    let shop_name = shop_name(&state, &shop, None).await?;
    let id: u64 = id.parse().map_err(|_| AdminError::NotFound)?;
    let api_key = state.config.read().await.api_key.clone();
    let paths = AdminPaths::new(&shop, &api_key);
    let world = state.world.lock().await;
    let order = world
        .shops
        .get(&shop)
        .and_then(|s| s.draft_orders.iter().find(|o| o.id == id))
        .ok_or(AdminError::NotFound)?;
    let chrome = Chrome {
        shop_domain: &shop,
        shop_name: &shop_name,
        app_name: &state.initial.app_name,
        admin_base: &paths.admin,
        app_base: &paths.app,
        current: Current::Orders,
    };
    let heading = format!(
        "<h1 class=\"sa-page-title\">{}</h1>{}",
        escape(&order.name),
        status_badge(order.status)
    );
    let content = draft_order_content(&paths.admin, order);
    Ok(html_page(html::admin_page(
        &chrome,
        &order.name,
        &heading,
        &content,
    )))
}
