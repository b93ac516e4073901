//! The Settings page of the embedded admin (`/app/settings`, DESIGN §12): the store's settings
//! (saved with the save bar), its storefront keys (create, rotate, revoke, allowed origins), the
//! audit log a page at a time, and how Gridprice is connected to Shopify. It renders what the
//! merchant sees; every change goes through `/app/api/settings` and `/app/api/storefront-keys`
//! from the page's own script. No key is ever in the page: a new one is shown once, by the
//! script, from the answer that made it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use gridprice_storage::api_keys::{self as keys, ApiKey};
use gridprice_storage::audit as audit_log;
use gridprice_storage::stores::Store;
use pricing::{OutOfRangePolicy, Unit};

use super::service::SettingsView;
use crate::api_keys::KeyState;
use crate::audit::view::{kind_label, line_item_label, policy_label, AuditRow, TIME_FORMAT};
use crate::config::ShopifyConfig;
use crate::http::error::ApiError;
use crate::http::extract::{next_before, page, PageQuery};
use crate::http::AppState;
use crate::pages::{asset_url, render, script_json, Chrome, PageSession, Text};

pub fn routes() -> Router<AppState> {
    Router::new().route("/app/settings", get(settings))
}

/// Audit entries per page: enough to see a session's changes, short enough to scan.
const AUDIT_PAGE_SIZE: u64 = 20;

/// The page's own parameters; the embedding's (shop, host, id_token…) are read by the session.
#[derive(Debug, Deserialize)]
struct SettingsParams {
    /// The audit log's page: entries older than this one.
    before: Option<i64>,
}

/// One storefront key, as the list shows it: never the key, only its first characters.
struct KeyRow {
    id: i64,
    prefix: String,
    kind: String,
    origins: String,
    /// One origin a line, for the origins editor.
    origin_lines: String,
    created: String,
    state: &'static str,
    state_label: String,
    tone: &'static str,
    /// Still works: may be rotated, revoked and given other origins.
    usable: bool,
}

/// How Gridprice reaches Shopify for this store.
struct Connection {
    scopes: Vec<String>,
    /// Scopes the app needs that Shopify has not granted: the store must reconnect.
    missing: Vec<String>,
    api_version: String,
    /// Shopify's grant screen, through the app's install, in the whole window.
    reconnect_href: String,
}

#[derive(Template)]
#[template(path = "stores/templates/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    /// `(value, selected)` of each unit; `(value, label, selected)` of the other choices.
    units: Vec<(&'static str, bool)>,
    policies: Vec<(&'static str, String, bool)>,
    line_item_modes: Vec<(&'static str, String, bool)>,
    accept_automatic_discounts: bool,
    default_origins: String,
    keys: Vec<KeyRow>,
    audit: Vec<AuditRow>,
    older_audit_href: Option<String>,
    connection: Connection,
    settings_json: String,
    text_json: String,
    script: String,
}

/// `GET /app/settings?before=`
async fn settings(
    State(state): State<AppState>,
    page_session: PageSession,
    Query(params): Query<SettingsParams>,
) -> Result<Response, ApiError> {
    let store = &page_session.admin.store;
    let audit_page = page(&PageQuery {
        before: params.before,
        limit: Some(AUDIT_PAGE_SIZE),
    })?;
    let changes = audit_log::list(&state.db, store.id, audit_page).await?;
    let keys = keys::list(&state.db, store.id).await?;
    let chrome = page_session.chrome;
    let t = chrome.t;
    let older_audit_href = next_before(&changes, audit_page, |change| change.id)
        .map(|before| chrome.link(&format!("/app/settings?before={before}")));
    let now = Utc::now();
    let view = SettingsPage {
        units: Unit::ALL
            .iter()
            .map(|unit| (unit.as_str(), *unit == store.unit_preference))
            .collect(),
        policies: [OutOfRangePolicy::Reject, OutOfRangePolicy::Clamp]
            .into_iter()
            .map(|policy| {
                let value = policy.as_str();
                (
                    value,
                    policy_label(t, value),
                    policy == store.out_of_range_default,
                )
            })
            .collect(),
        line_item_modes: ["variant", "custom"]
            .into_iter()
            .map(|mode| {
                (
                    mode,
                    line_item_label(t, mode),
                    mode == store.line_item_mode.as_str(),
                )
            })
            .collect(),
        accept_automatic_discounts: store.accept_automatic_discounts,
        default_origins: store.default_allowed_origins.join("\n"),
        keys: keys.iter().map(|key| key_row(t, key, now)).collect(),
        audit: changes
            .iter()
            .map(|change| AuditRow::new(t, change))
            .collect(),
        older_audit_href,
        connection: connection(state.shopify.config(), store),
        settings_json: script_json(&SettingsView::from(&store.settings())),
        text_json: t.section_json("settings.script."),
        script: asset_url("settings.js"),
        chrome,
    };
    Ok(render(&state, Some(&store.shop), &view))
}

fn key_row(t: Text, key: &ApiKey, now: DateTime<Utc>) -> KeyRow {
    let state = KeyState::of(key, now);
    let (state_label, tone) = match state {
        KeyState::Active => (t.get("settings.keys.state.active").to_owned(), "success"),
        KeyState::Expiring(until) => (
            t.format(
                "settings.keys.state.expiring",
                &[("time", &until.format(TIME_FORMAT).to_string())],
            ),
            "warning",
        ),
        KeyState::Expired => (t.get("settings.keys.state.expired").to_owned(), "neutral"),
        KeyState::Revoked => (t.get("settings.keys.state.revoked").to_owned(), "critical"),
    };
    let kind = kind_label(t, key.kind.as_str());
    let origins = if key.allowed_origins.is_empty() {
        t.get("settings.origins.any").to_owned()
    } else {
        key.allowed_origins.join(", ")
    };
    KeyRow {
        id: key.id.get(),
        prefix: format!("{}…", key.display_prefix),
        kind,
        origins,
        origin_lines: key.allowed_origins.join("\n"),
        created: key.created_at.format(TIME_FORMAT).to_string(),
        state: state.as_str(),
        state_label,
        tone,
        usable: key.is_usable(now),
    }
}

fn connection(config: &ShopifyConfig, store: &Store) -> Connection {
    let missing = config
        .scopes
        .iter()
        .filter(|needed| !grants(&store.granted_scopes, needed))
        .cloned()
        .collect();
    let mut reconnect = config.app_url("/auth");
    reconnect
        .query_pairs_mut()
        .append_pair("shop", store.shop.as_str());
    Connection {
        scopes: store.granted_scopes.clone(),
        missing,
        api_version: config.api_version.to_string(),
        reconnect_href: reconnect.to_string(),
    }
}

/// Whether `granted` covers `needed`: Shopify's `write_x` includes `read_x`.
fn grants(granted: &[String], needed: &str) -> bool {
    let implied = needed
        .strip_prefix("read_")
        .map(|resource| format!("write_{resource}"));
    granted
        .iter()
        .any(|scope| scope == needed || Some(scope) == implied.as_ref())
}
