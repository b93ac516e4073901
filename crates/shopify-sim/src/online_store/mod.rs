//! The online store (DESIGN §7, §13): a product page of a minimal theme whose product template
//! renders the app blocks a merchant placed, with the app's theme app extension rendered by a
//! real Liquid implementation; the theme editor's deep link that adds an app block
//! (`/admin/themes/current/editor?template=product&addAppBlockId={api_key}/{handle}&target=…`);
//! the extension's assets on a CDN path; and `/_sim/` controls for the theme and the shopper.

pub mod extension;
mod render;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::graphql::schema::ProductStatus;
use crate::html::{error_page, escape, page};
use crate::money::format_money;
use crate::signing::random_hex;
use crate::state::{ProductRecord, Shop, SimState};
use extension::{Block, Extension, ExtensionError};

/// Shopify's limit of blocks per section.
const MAX_BLOCKS_PER_SECTION: usize = 50;
/// The templates of the simulator's minimal theme (JSON templates, so app blocks work).
const TEMPLATES: &[&str] = &["product"];

/// Where in the product template an app block sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Section {
    /// The main product section (`target=mainSection`, `sectionId:main`): beside the image.
    Main,
    /// An "Apps" section added below it (`target=newAppsSection`).
    Apps,
}

/// An app block placed in the theme.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppBlock {
    pub id: String,
    pub template: String,
    pub section: Section,
    /// The extension block's handle (`blocks/{handle}.liquid`).
    pub handle: String,
    pub settings: Map<String, Value>,
}

/// Per-shop storefront state: the theme's app blocks and the shopper's session.
#[derive(Debug, Clone, Default)]
pub struct Storefront {
    pub app_blocks: Vec<AppBlock>,
    /// `logged_in_customer_id` sent through the app proxy when no cookie or query names one.
    pub customer_id: Option<u64>,
}

/// The cookie that plays the storefront's customer session (`?customer=N` on any store page).
pub const CUSTOMER_COOKIE: &str = "_sim_customer";

async fn load_extension(state: &SimState) -> Result<Extension, ExtensionError> {
    let dir: Option<PathBuf> = state.initial.theme_extension_dir.clone();
    let dir = dir.ok_or(ExtensionError::NotConfigured)?;
    match tokio::task::spawn_blocking(move || Extension::load(&dir)).await {
        Ok(result) => result,
        Err(join) => Err(ExtensionError::Invalid {
            path: PathBuf::new(),
            message: join.to_string(),
        }),
    }
}

/// `http://{Host}/store/{shop}`: the origin the shopper's browser uses, as `request.origin`.
fn shop_origin(state: &SimState, headers: &HeaderMap, shop: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        });
    match host {
        Some(host) => format!("http://{host}/store/{shop}"),
        None => format!("{}/store/{shop}", state.base_url),
    }
}

/// `de`, `en-US`: a locale code the page accepts, else `en`.
fn page_locale(requested: Option<&str>) -> String {
    let valid = |l: &str| {
        let mut parts = l.split('-');
        let language = parts.next().unwrap_or_default();
        (2..=3).contains(&language.len())
            && language.bytes().all(|b| b.is_ascii_lowercase())
            && parts
                .all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
    };
    match requested {
        Some(l) if l.len() <= 20 && valid(l) => l.to_owned(),
        _ => "en".to_owned(),
    }
}

fn product_json(shop: &Shop, product: &ProductRecord, origin: &str) -> Value {
    let variants: Vec<Value> = product
        .variants
        .iter()
        .map(|v| {
            json!({
                "id": v.id, "title": v.title, "sku": v.sku, "price": v.price_minor,
                "available": true,
            })
        })
        .collect();
    let min = product
        .variants
        .iter()
        .map(|v| v.price_minor)
        .min()
        .unwrap_or(0);
    let max = product
        .variants
        .iter()
        .map(|v| v.price_minor)
        .max()
        .unwrap_or(0);
    json!({
        "id": product.id,
        "title": product.title,
        "handle": product.handle,
        "url": format!("{origin}/products/{}", product.handle),
        "price": min, "price_min": min, "price_max": max,
        "available": product.status == ProductStatus::Active,
        "variants": variants.clone(),
        "selected_or_first_available_variant": variants.first().cloned().unwrap_or(Value::Null),
        "currency": shop.currency,
    })
}

/// Everything a block's Liquid sees, besides `block`.
struct PageContext {
    shop_json: Value,
    product_json: Value,
    request_json: Value,
    routes_json: Value,
    locale: String,
    origin: String,
}

fn render_block(ext: &Extension, placed: &AppBlock, page: &PageContext) -> String {
    let Some(block) = ext.blocks.get(&placed.handle) else {
        return format!(
            "<div class=\"liquid-error\" role=\"alert\">App block “{}” is not in the theme app extension.</div>",
            escape(&placed.handle)
        );
    };
    let globals = json!({
        "shop": page.shop_json,
        "product": page.product_json,
        "request": page.request_json,
        "routes": page.routes_json,
        "block": {
            "id": placed.id,
            "type": format!("shopify://apps/{}/blocks/{}", ext.handle, placed.handle),
            "settings": placed.settings,
        },
        "app": { "metafields": {} },
    });
    let (primary, fallback) = ext.translations(&page.locale);
    let translations = render::Translations {
        locale: page.locale.clone(),
        primary: primary.cloned(),
        fallback: fallback.cloned(),
    };
    let assets = format!("{}/cdn/extensions/{}/assets", page.origin, ext.handle);
    let file = format!("blocks/{}.liquid", placed.handle);
    let inner = match render::render(&file, &block.source, &globals, translations, &assets) {
        Ok(html) => html,
        Err(e) => format!(
            "<div class=\"liquid-error\" role=\"alert\">{}</div>",
            escape(&e.to_string())
        ),
    };
    format!(
        "<div id=\"shopify-block-{id}\" class=\"shopify-block shopify-app-block\">{inner}</div>",
        id = escape(&placed.id)
    )
}

const STORE_CSS: &str = "body{background:#fff}.site-header{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap;\
padding:1rem clamp(1rem,4vw,3rem);border-bottom:1px solid #e1e3e5}.site-header .name{font-size:1.3rem;font-weight:700;color:#202223;text-decoration:none}\
.site-header nav{display:flex;gap:.75rem}.product{display:grid;gap:2rem;padding:2rem clamp(1rem,4vw,3rem);max-width:75rem;margin:0 auto}\
@media(min-width:750px){.product{grid-template-columns:1fr 1fr}}.media .placeholder{aspect-ratio:1;background:#f1f2f3;border-radius:12px;display:grid;place-items:center}\
.media svg{width:40%;height:auto;color:#8c9196}.info h1{font-size:clamp(1.6rem,3vw,2.2rem);margin:0 0 .5rem}.info .price{font-size:1.2rem;margin:0 0 1rem}\
.info .description{color:#4a4f55;margin-bottom:1.5rem}.apps{max-width:75rem;margin:0 auto;padding:0 clamp(1rem,4vw,3rem) 2rem}\
.shopify-app-block{margin:1rem 0}.liquid-error{color:#b42318;font-family:monospace;white-space:pre-wrap}\
footer{border-top:1px solid #e1e3e5;padding:1.5rem clamp(1rem,4vw,3rem);color:#4a4f55;font-size:.9rem}";

const IMAGE_PLACEHOLDER: &str = "<svg viewBox=\"0 0 100 80\" aria-hidden=\"true\" focusable=\"false\"><rect x=\"5\" y=\"5\" width=\"90\" height=\"70\" rx=\"6\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"4\"/><circle cx=\"32\" cy=\"30\" r=\"8\" fill=\"currentColor\"/><path d=\"M12 68 40 42l14 14 12-10 22 22Z\" fill=\"currentColor\"/></svg>";

#[derive(Debug, Deserialize)]
pub struct StoreQuery {
    locale: Option<String>,
    customer: Option<String>,
    /// Theme editor preview: `{api_key}/{handle}` rendered as if placed, not saved.
    preview_app_block: Option<String>,
    preview_target: Option<String>,
}

/// `?customer=N` logs a customer in for this shop's storefront (a cookie, as Shopify's session);
/// `?customer=` logs out.
fn customer_cookie(shop: &str, customer: Option<&str>) -> Option<String> {
    let value = customer?;
    if value.is_empty() {
        return Some(format!(
            "{CUSTOMER_COOKIE}=; Path=/store/{shop}; Max-Age=0; SameSite=Lax; HttpOnly"
        ));
    }
    let id: u64 = value.parse().ok().filter(|id| *id > 0)?;
    Some(format!(
        "{CUSTOMER_COOKIE}={id}; Path=/store/{shop}; SameSite=Lax; HttpOnly"
    ))
}

/// `GET /store/{shop}/products/{handle}`
pub async fn product_page(
    State(state): State<Arc<SimState>>,
    Path((shop_domain, handle)): Path<(String, String)>,
    Query(query): Query<StoreQuery>,
    headers: HeaderMap,
) -> Response {
    let locale = page_locale(query.locale.as_deref());
    let origin = shop_origin(&state, &headers, &shop_domain);
    let api_key = state.config.read().await.api_key.clone();
    let (shop_name, currency, product, mut blocks, context) = {
        let world = state.world.lock().await;
        let Some(shop) = world.shops.get(&shop_domain) else {
            return error_page(
                StatusCode::NOT_FOUND,
                "Shop not found",
                "There is no shop here.",
            );
        };
        let product = shop
            .products
            .iter()
            .find(|p| p.handle == handle && p.status == ProductStatus::Active);
        let Some(product) = product else {
            return error_page(
                StatusCode::NOT_FOUND,
                "Page not found",
                "The product you are looking for does not exist.",
            );
        };
        let context = PageContext {
            shop_json: json!({
                "name": shop.name, "domain": shop.domain, "permanent_domain": shop.domain,
                "url": origin, "secure_url": origin, "currency": shop.currency,
                "email": shop.email,
            }),
            product_json: product_json(shop, product, &origin),
            request_json: json!({
                "locale": { "iso_code": locale, "primary": locale == "en", "root_url": format!("/store/{}", shop.domain) },
                "origin": origin,
                "host": origin.trim_start_matches("http://").split('/').next().unwrap_or_default(),
                "path": format!("/products/{}", product.handle),
                "page_type": "product",
                "design_mode": query.preview_app_block.is_some(),
            }),
            routes_json: json!({ "root_url": format!("/store/{}/", shop.domain) }),
            locale: locale.clone(),
            origin: origin.clone(),
        };
        let blocks: Vec<AppBlock> = shop
            .storefront
            .app_blocks
            .iter()
            .filter(|b| b.template == "product")
            .cloned()
            .collect();
        (
            shop.name.clone(),
            shop.currency,
            product.clone(),
            blocks,
            context,
        )
    };
    let extension = if blocks.is_empty() && query.preview_app_block.is_none() {
        None
    } else {
        Some(load_extension(&state).await)
    };
    if let (Some(Ok(ext)), Some(preview)) = (&extension, &query.preview_app_block) {
        let target = query.preview_target.as_deref().unwrap_or("mainSection");
        if let Ok((handle, section)) = check_placement(ext, &api_key, "product", preview, target) {
            blocks.push(AppBlock {
                id: "preview".to_owned(),
                template: "product".to_owned(),
                section,
                settings: ext.blocks[&handle].default_settings(),
                handle,
            });
        }
    }
    let mut main = String::new();
    let mut apps = String::new();
    for placed in &blocks {
        let html = match &extension {
            Some(Ok(ext)) => render_block(ext, placed, &context),
            Some(Err(e)) => format!(
                "<div class=\"liquid-error\" role=\"alert\">{}</div>",
                escape(&e.to_string())
            ),
            None => String::new(),
        };
        match placed.section {
            Section::Main => main.push_str(&html),
            Section::Apps => apps.push_str(&html),
        }
    }
    let min_price = product
        .variants
        .iter()
        .map(|v| v.price_minor)
        .min()
        .unwrap_or(0);
    let from = if locale.starts_with("de") {
        "ab"
    } else {
        "From"
    };
    let body = format!(
        "<header class=\"site-header\"><a class=\"name\" href=\"{origin}/products/{handle}\">{shop}</a>\
         <nav aria-label=\"Language\"><a href=\"?locale=en\" lang=\"en\">English</a><a href=\"?locale=de\" lang=\"de\">Deutsch</a></nav></header>\
         <main class=\"product\"><div class=\"media\"><div class=\"placeholder\" role=\"img\" aria-label=\"{title}\">{IMAGE_PLACEHOLDER}</div></div>\
         <div class=\"info\"><h1>{title}</h1><p class=\"price\">{from} {price} {currency}</p>\
         <div class=\"description\"><p>{description}</p></div>{main}</div></main>\
         {apps_section}<footer>© {shop}</footer>",
        origin = escape(&origin),
        handle = escape(&product.handle),
        shop = escape(&shop_name),
        title = escape(&product.title),
        price = format_money(min_price, currency),
        description = if locale.starts_with("de") {
            "Nach Maß gefertigt: Geben Sie Ihre Maße ein und sehen Sie sofort Ihren Preis."
        } else {
            "Made to measure: enter your size and see your exact price at once."
        },
        apps_section = if apps.is_empty() {
            String::new()
        } else {
            format!("<section class=\"apps\" aria-label=\"Apps\">{apps}</section>")
        },
    );
    let mut response = page(
        StatusCode::OK,
        &locale,
        &format!("{} – {}", product.title, shop_name),
        STORE_CSS,
        &body,
    );
    if let Some(cookie) = customer_cookie(&shop_domain, query.customer.as_deref()) {
        if let Ok(value) = cookie.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// `GET /store/{shop}/cdn/extensions/{handle}/assets/{file}`
pub async fn asset(
    State(state): State<Arc<SimState>>,
    Path((_shop, handle, file)): Path<(String, String, String)>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "Not Found").into_response();
    let Ok(ext) = load_extension(&state).await else {
        return not_found();
    };
    let Some(path) = ext.asset(&file).filter(|_| ext.handle == handle) else {
        return not_found();
    };
    let content_type = match file.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "no-cache"),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => not_found(),
    }
}

/// Why an app block cannot be placed; the message is what the theme editor shows.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlacementError {
    #[error("The app block id must be {{api_key}}/{{handle}}.")]
    Malformed,
    #[error("The app block id does not name this app (its API key / client_id).")]
    UnknownApp,
    #[error("The app has no app block “{0}”.")]
    UnknownBlock(String),
    #[error("Template is not found: the theme has no “{0}” template.")]
    UnknownTemplate(String),
    #[error("Template type “{0}” is not supported in the app block's schema (enabled_on).")]
    TemplateNotEnabled(String),
    #[error("Section group is not found.")]
    UnknownSectionGroup,
    #[error("Block limit has been reached in the section.")]
    SectionFull,
    #[error("The app block is already in this section.")]
    AlreadyAdded,
}

/// Checks `addAppBlockId={api_key}/{handle}`, the template and the target, as the theme editor
/// does; returns the block handle and where it goes.
pub fn check_placement(
    ext: &Extension,
    api_key: &str,
    template: &str,
    app_block_id: &str,
    target: &str,
) -> Result<(String, Section), PlacementError> {
    let (key, handle) = app_block_id
        .split_once('/')
        .ok_or(PlacementError::Malformed)?;
    if key != api_key {
        return Err(PlacementError::UnknownApp);
    }
    let block: &Block = ext
        .blocks
        .get(handle)
        .ok_or_else(|| PlacementError::UnknownBlock(handle.chars().take(100).collect()))?;
    if !TEMPLATES.contains(&template) {
        return Err(PlacementError::UnknownTemplate(
            template.chars().take(100).collect(),
        ));
    }
    if block
        .templates()
        .is_some_and(|list| !list.iter().any(|t| t == template))
    {
        return Err(PlacementError::TemplateNotEnabled(template.to_owned()));
    }
    let section = match target {
        "mainSection" | "sectionId:main" => Section::Main,
        t if t.starts_with("sectionGroup:") => return Err(PlacementError::UnknownSectionGroup),
        // `newAppsSection`, and (as on Shopify) an unknown section falls back to the template.
        _ => Section::Apps,
    };
    Ok((handle.to_owned(), section))
}

/// Places a block in the shop's theme with its default settings (or `settings` over them).
fn place(
    shop: &mut Shop,
    ext: &Extension,
    handle: &str,
    template: &str,
    section: Section,
    settings: Option<Map<String, Value>>,
) -> Result<AppBlock, PlacementError> {
    let blocks = &mut shop.storefront.app_blocks;
    let in_section = blocks
        .iter()
        .filter(|b| b.template == template && b.section == section);
    if in_section.clone().any(|b| b.handle == handle) {
        return Err(PlacementError::AlreadyAdded);
    }
    if in_section.count() >= MAX_BLOCKS_PER_SECTION {
        return Err(PlacementError::SectionFull);
    }
    let mut values = ext.blocks[handle].default_settings();
    values.extend(settings.unwrap_or_default());
    let block = AppBlock {
        id: format!("{}_{}", handle.replace('-', "_"), random_hex(4)),
        template: template.to_owned(),
        section,
        handle: handle.to_owned(),
        settings: values,
    };
    blocks.push(block.clone());
    Ok(block)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditorQuery {
    template: Option<String>,
    add_app_block_id: Option<String>,
    target: Option<String>,
    saved: Option<String>,
    removed: Option<String>,
}

const EDITOR_CSS: &str = ".bar{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;justify-content:space-between;background:#1a1c1d;color:#fff;padding:.6rem 1rem}\
.bar h1{font-size:1rem;margin:0}.bar .actions{display:flex;gap:.5rem;align-items:center}.bar a{color:#fff}\
.editor{display:grid;grid-template-columns:minmax(16rem,22rem) 1fr;min-height:calc(100vh - 3.5rem)}@media(max-width:800px){.editor{grid-template-columns:1fr}}\
aside{background:#fff;border-right:1px solid #e1e3e5;padding:1rem}aside h2{font-size:1rem;margin:.25rem 0 .75rem}\
.tree,.tree ol{list-style:none;margin:0;padding:0}.tree ol{padding-left:1rem}.tree li{padding:.3rem 0}\
.new{background:#eaf4ff;border-radius:6px;padding:.3rem .5rem;font-weight:600}.tag{font-size:.75rem;background:#1a5dab;color:#fff;border-radius:4px;padding:0 .35rem;margin-left:.35rem}\
.settings dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem;font-size:.9rem}.settings dd{margin:0;word-break:break-all}\
iframe{width:100%;height:100%;min-height:70vh;border:0;background:#fff}.preview{padding:1rem}.inline{display:inline}\
.link{background:none;border:0;color:#1a5dab;text-decoration:underline;cursor:pointer;font:inherit;padding:0}.notice{margin:0 0 1rem}";

fn settings_html(settings: &Map<String, Value>) -> String {
    let rows: String = settings
        .iter()
        .map(|(k, v)| {
            let shown = match v {
                Value::Null => "—".to_owned(),
                Value::String(s) if s.is_empty() => "—".to_owned(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("<dt>{}</dt><dd>{}</dd>", escape(k), escape(&shown))
        })
        .collect();
    format!("<dl>{rows}</dl>")
}

/// `GET /store/{shop}/admin/themes/current/editor`: the deep link target.
pub async fn editor(
    State(state): State<Arc<SimState>>,
    Path(shop_domain): Path<String>,
    Query(query): Query<EditorQuery>,
    headers: HeaderMap,
) -> Response {
    let template = query.template.clone().unwrap_or_else(|| "index".to_owned());
    let api_key = state.config.read().await.api_key.clone();
    let origin = shop_origin(&state, &headers, &shop_domain);
    let (shop_name, preview_handle, placed) = {
        let world = state.world.lock().await;
        let Some(shop) = world.shops.get(&shop_domain) else {
            return error_page(
                StatusCode::NOT_FOUND,
                "Shop not found",
                "There is no shop here.",
            );
        };
        let first = shop
            .products
            .iter()
            .find(|p| p.status == ProductStatus::Active)
            .map(|p| p.handle.clone());
        (shop.name.clone(), first, shop.storefront.app_blocks.clone())
    };
    let ext = load_extension(&state).await;
    let mut notice = String::new();
    let mut pending = String::new();
    let mut status = StatusCode::OK;
    if let Some(id) = &query.add_app_block_id {
        let target = query.target.as_deref().unwrap_or("newAppsSection");
        let checked = match &ext {
            Ok(ext) => check_placement(ext, &api_key, &template, id, target)
                .map(|(handle, section)| (handle, section, ext))
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match checked {
            Ok((handle, section, ext)) => {
                let block = &ext.blocks[&handle];
                let name = ext.block_name(block, "en");
                if placed
                    .iter()
                    .any(|b| b.template == template && b.section == section && b.handle == handle)
                {
                    notice = format!(
                        "<p class=\"notice\" role=\"status\">“{}” is already in this section.</p>",
                        escape(&name)
                    );
                } else {
                    pending = format!(
                        "<section class=\"settings\" aria-labelledby=\"new-block\"><h2 id=\"new-block\">{name} <span class=\"tag\">New</span></h2>\
                         <p>From {app}. Added to the {where_}. Review it in the preview, then save.</p>{settings}\
                         <form method=\"post\"><input type=\"hidden\" name=\"template\" value=\"{template}\">\
                         <input type=\"hidden\" name=\"addAppBlockId\" value=\"{id}\"><input type=\"hidden\" name=\"target\" value=\"{target}\">\
                         <button class=\"btn\" type=\"submit\">Save</button></form></section>",
                        name = escape(&name),
                        app = escape(&ext.name),
                        where_ = if section == Section::Main {
                            "product information section"
                        } else {
                            "new Apps section"
                        },
                        settings = settings_html(&block.default_settings()),
                        template = escape(&template),
                        id = escape(id),
                        target = escape(target),
                    );
                }
            }
            Err(message) => {
                status = StatusCode::UNPROCESSABLE_ENTITY;
                notice = format!(
                    "<p class=\"notice error\" role=\"alert\"><strong>App block not added.</strong> There is a problem with the app block: {}</p>",
                    escape(&message)
                );
            }
        }
    }
    if let Some(id) = &query.saved {
        notice = format!(
            "<p class=\"notice\" role=\"status\">Saved. The app block <code>{}</code> is live on your product pages.</p>",
            escape(id)
        );
    }
    if query.removed.is_some() {
        notice =
            "<p class=\"notice\" role=\"status\">Saved. The app block was removed.</p>".to_owned();
    }
    let names = |handle: &str| match &ext {
        Ok(ext) => ext
            .blocks
            .get(handle)
            .map_or_else(|| handle.to_owned(), |b| ext.block_name(b, "en")),
        Err(_) => handle.to_owned(),
    };
    let list = |section: Section| -> String {
        placed
            .iter()
            .filter(|b| b.template == template && b.section == section)
            .map(|b| {
                format!(
                    "<li>{name} <form method=\"post\" class=\"inline\"><input type=\"hidden\" name=\"template\" value=\"{template}\">\
                     <input type=\"hidden\" name=\"removeBlockId\" value=\"{id}\"><button class=\"link\" type=\"submit\" aria-label=\"Remove {name}\">Remove</button></form></li>",
                    name = escape(&names(&b.handle)),
                    template = escape(&template),
                    id = escape(&b.id),
                )
            })
            .collect()
    };
    let new_in = |section: Section| -> String {
        let Some(id) = &query.add_app_block_id else {
            return String::new();
        };
        let target = query.target.as_deref().unwrap_or("newAppsSection");
        match &ext {
            Ok(ext) if !pending.is_empty() => {
                match check_placement(ext, &api_key, &template, id, target) {
                    Ok((handle, s)) if s == section => format!(
                        "<li class=\"new\">{}<span class=\"tag\">New</span></li>",
                        escape(&names(&handle))
                    ),
                    _ => String::new(),
                }
            }
            _ => String::new(),
        }
    };
    let preview_src = match (&preview_handle, &query.add_app_block_id) {
        (Some(handle), Some(id)) if !pending.is_empty() => format!(
            "{origin}/products/{handle}?preview_app_block={}&preview_target={}",
            urlencode(id),
            urlencode(query.target.as_deref().unwrap_or("newAppsSection"))
        ),
        (Some(handle), _) => format!("{origin}/products/{handle}"),
        (None, _) => "about:blank".to_owned(),
    };
    let tree = if TEMPLATES.contains(&template.as_str()) {
        format!(
            "<h2>Product template</h2><ol class=\"tree\"><li>Header</li><li>Product information<ol><li>Title</li><li>Price</li><li>Description</li>{main}{main_new}</ol></li>\
             <li>Apps<ol>{apps}{apps_new}</ol></li><li>Footer</li></ol>",
            main = list(Section::Main),
            main_new = new_in(Section::Main),
            apps = list(Section::Apps),
            apps_new = new_in(Section::Apps),
        )
    } else {
        format!("<p>The theme has no “{}” template.</p>", escape(&template))
    };
    let body = format!(
        "<header class=\"bar\"><h1>Theme editor · {shop} · Current theme: Minimal</h1><div class=\"actions\">\
         <a href=\"{preview_page}\">View store</a></div></header>\
         <main class=\"editor\"><aside aria-label=\"Template\">{notice}{pending}{tree}</aside>\
         <div class=\"preview\"><iframe title=\"Preview of the product page\" src=\"{preview_src}\"></iframe></div></main>",
        shop = escape(&shop_name),
        preview_page = escape(&preview_handle.map(|h| format!("{origin}/products/{h}")).unwrap_or_default()),
        preview_src = escape(&preview_src),
    );
    page(status, "en", "Theme editor", EDITOR_CSS, &body)
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditorForm {
    template: Option<String>,
    add_app_block_id: Option<String>,
    target: Option<String>,
    remove_block_id: Option<String>,
}

/// `POST /store/{shop}/admin/themes/current/editor`: Save (adds the block) or Remove.
pub async fn editor_save(
    State(state): State<Arc<SimState>>,
    Path(shop_domain): Path<String>,
    Form(form): Form<EditorForm>,
) -> Response {
    let template = form.template.unwrap_or_else(|| "product".to_owned());
    let back = |extra: &str| {
        let location = format!(
            "/store/{shop_domain}/admin/themes/current/editor?template={}{extra}",
            urlencode(&template)
        );
        (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
    };
    if let Some(id) = form.remove_block_id {
        let mut world = state.world.lock().await;
        let Some(shop) = world.shops.get_mut(&shop_domain) else {
            return error_page(
                StatusCode::NOT_FOUND,
                "Shop not found",
                "There is no shop here.",
            );
        };
        let before = shop.storefront.app_blocks.len();
        shop.storefront.app_blocks.retain(|b| b.id != id);
        if before == shop.storefront.app_blocks.len() {
            return error_page(
                StatusCode::NOT_FOUND,
                "Block not found",
                "That app block is not in the theme.",
            );
        }
        return back("&removed=1");
    }
    let Some(app_block_id) = form.add_app_block_id else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Nothing to save",
            "The form named no app block.",
        );
    };
    let ext = match load_extension(&state).await {
        Ok(ext) => ext,
        Err(e) => {
            return error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "App block not added",
                &e.to_string(),
            )
        }
    };
    let api_key = state.config.read().await.api_key.clone();
    let target = form.target.unwrap_or_else(|| "newAppsSection".to_owned());
    let (handle, section) = match check_placement(&ext, &api_key, &template, &app_block_id, &target)
    {
        Ok(found) => found,
        Err(e) => {
            return error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "App block not added",
                &e.to_string(),
            )
        }
    };
    let mut world = state.world.lock().await;
    let Some(shop) = world.shops.get_mut(&shop_domain) else {
        return error_page(
            StatusCode::NOT_FOUND,
            "Shop not found",
            "There is no shop here.",
        );
    };
    match place(shop, &ext, &handle, &template, section, None) {
        Ok(block) => back(&format!("&saved={}", urlencode(&block.id))),
        // A second Save of the same deep link (a double click) changes nothing.
        Err(PlacementError::AlreadyAdded) => back(""),
        Err(e) => error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "App block not added",
            &e.to_string(),
        ),
    }
}

// ---- /_sim controls ----

fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// `GET /_sim/shops/{shop}/theme`
pub async fn get_theme(State(state): State<Arc<SimState>>, Path(shop): Path<String>) -> Response {
    let world = state.world.lock().await;
    match world.shops.get(&shop) {
        Some(shop) => Json(json!({
            "appBlocks": shop.storefront.app_blocks,
            "customerId": shop.storefront.customer_id,
        }))
        .into_response(),
        None => json_error(StatusCode::NOT_FOUND, "unknown shop"),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAppBlock {
    /// `blocks/{handle}.liquid` of the extension.
    handle: String,
    template: Option<String>,
    /// `mainSection` (default) or `newAppsSection`, as in the deep link.
    target: Option<String>,
    settings: Option<Map<String, Value>>,
}

/// `POST /_sim/shops/{shop}/theme/app-blocks`: places a block without the theme editor.
pub async fn add_app_block(
    State(state): State<Arc<SimState>>,
    Path(shop_domain): Path<String>,
    Json(new): Json<NewAppBlock>,
) -> Response {
    if new.settings.as_ref().is_some_and(|s| s.len() > 100) {
        return json_error(StatusCode::BAD_REQUEST, "settings: at most 100");
    }
    let ext = match load_extension(&state).await {
        Ok(ext) => ext,
        Err(e) => return json_error(StatusCode::CONFLICT, e.to_string()),
    };
    let api_key = state.config.read().await.api_key.clone();
    let template = new.template.unwrap_or_else(|| "product".to_owned());
    let target = new.target.unwrap_or_else(|| "mainSection".to_owned());
    let app_block_id = format!("{api_key}/{}", new.handle);
    let (handle, section) = match check_placement(&ext, &api_key, &template, &app_block_id, &target)
    {
        Ok(found) => found,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let mut world = state.world.lock().await;
    let Some(shop) = world.shops.get_mut(&shop_domain) else {
        return json_error(StatusCode::NOT_FOUND, "unknown shop");
    };
    match place(shop, &ext, &handle, &template, section, new.settings) {
        Ok(block) => (StatusCode::CREATED, Json(json!(block))).into_response(),
        Err(e @ PlacementError::AlreadyAdded) => json_error(StatusCode::CONFLICT, e.to_string()),
        Err(e) => json_error(StatusCode::BAD_REQUEST, e.to_string()),
    }
}

/// `DELETE /_sim/shops/{shop}/theme/app-blocks/{id}`
pub async fn remove_app_block(
    State(state): State<Arc<SimState>>,
    Path((shop_domain, id)): Path<(String, String)>,
) -> Response {
    let mut world = state.world.lock().await;
    let Some(shop) = world.shops.get_mut(&shop_domain) else {
        return json_error(StatusCode::NOT_FOUND, "unknown shop");
    };
    let before = shop.storefront.app_blocks.len();
    shop.storefront.app_blocks.retain(|b| b.id != id);
    if shop.storefront.app_blocks.len() == before {
        return json_error(StatusCode::NOT_FOUND, "unknown app block");
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerUpdate {
    customer_id: Option<u64>,
}

/// `PUT /_sim/shops/{shop}/customer`: `{"customerId": 42}` or `null` (logged out).
pub async fn set_customer(
    State(state): State<Arc<SimState>>,
    Path(shop_domain): Path<String>,
    Json(update): Json<CustomerUpdate>,
) -> Response {
    let mut world = state.world.lock().await;
    let Some(shop) = world.shops.get_mut(&shop_domain) else {
        return json_error(StatusCode::NOT_FOUND, "unknown shop");
    };
    shop.storefront.customer_id = update.customer_id.filter(|id| *id > 0);
    Json(json!({ "customerId": shop.storefront.customer_id })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_and_cookies() {
        assert_eq!(page_locale(Some("de")), "de");
        assert_eq!(page_locale(Some("pt-BR")), "pt-BR");
        assert_eq!(page_locale(Some("<script>")), "en");
        assert_eq!(page_locale(Some("DE")), "en");
        assert_eq!(page_locale(None), "en");
        assert_eq!(
            customer_cookie("a.myshopify.com", Some("42")).unwrap(),
            "_sim_customer=42; Path=/store/a.myshopify.com; SameSite=Lax; HttpOnly"
        );
        assert!(customer_cookie("a", Some(""))
            .unwrap()
            .contains("Max-Age=0"));
        assert_eq!(customer_cookie("a", Some("x")), None);
        assert_eq!(customer_cookie("a", None), None);
    }
}
