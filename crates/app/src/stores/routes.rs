//! The merchant's view of their store: `/app/api/session`, re-reading the shop from Shopify, and
//! `/app/api/settings` (default unit, out-of-range policy, how draft order lines refer to
//! products, the origins new storefront keys allow, and whether Shopify's automatic discounts
//! may apply to draft orders).

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use gridprice_storage::stores::{self as storage, Settings};
use serde::{Deserialize, Serialize};

use super::service::{self, SettingsView};
use crate::api_keys::parse_origins;
use crate::auth::AdminSession;
use crate::error::FieldErrors;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, MAX_JSON_BODY_BYTES};
use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/api/session", get(session))
        .route("/app/api/shop/sync", post(sync_shop))
        .route("/app/api/settings", get(show).patch(update))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionView {
    shop: String,
    user: String,
    currency: &'static str,
    installed_at: Option<DateTime<Utc>>,
    total_draft_orders_created: i64,
}

async fn session(session: AdminSession) -> Json<SessionView> {
    Json(view(&session))
}

/// Reads the shop's settings (currency) from Shopify again.
async fn sync_shop(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<SessionView>, ApiError> {
    let store = session.store.clone();
    let store = &store;
    let shopify = &state.shopify;
    let info = shopify
        .call(store, |token| async move {
            shopify.shop(&store.shop, &token).shop_info().await
        })
        .await?;
    let currency = service::shopify_currency(&info.currency_code)?;
    service::set_currency(&state.db, &session, currency).await?;
    let mut session = session;
    session.editor.store = storage::get(&state.db, store.id).await?;
    Ok(Json(view(&session)))
}

fn view(session: &AdminSession) -> SessionView {
    SessionView {
        shop: session.store.shop.to_string(),
        user: session.actor.to_string(),
        currency: session.store.currency.code(),
        installed_at: session.store.installed_at,
        total_draft_orders_created: session.store.total_draft_orders_created,
    }
}

/// Fields left out keep their value.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SettingsPatch {
    unit_preference: Option<String>,
    out_of_range_default: Option<String>,
    line_item_mode: Option<String>,
    default_allowed_origins: Option<Vec<String>>,
    accept_automatic_discounts: Option<bool>,
}

impl SettingsPatch {
    /// `current` with this patch applied, or every field at fault.
    fn apply(&self, current: &Settings) -> Result<Settings, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut next = current.clone();
        if let Some(text) = &self.unit_preference {
            next.unit_preference = errors
                .check("unitPreference", text.parse())
                .unwrap_or(current.unit_preference);
        }
        if let Some(text) = &self.out_of_range_default {
            next.out_of_range_default = errors
                .check("outOfRangeDefault", text.parse())
                .unwrap_or(current.out_of_range_default);
        }
        if let Some(text) = &self.line_item_mode {
            next.line_item_mode = errors
                .check("lineItemMode", text.parse())
                .unwrap_or(current.line_item_mode);
        }
        if let Some(origins) = &self.default_allowed_origins {
            next.default_allowed_origins =
                parse_origins(&mut errors, "defaultAllowedOrigins", origins);
        }
        if let Some(accept) = self.accept_automatic_discounts {
            next.accept_automatic_discounts = accept;
        }
        errors.into_result()?;
        Ok(next)
    }
}

async fn show(session: AdminSession) -> Json<SettingsView> {
    Json(SettingsView::from(&session.store.settings()))
}

async fn update(
    State(state): State<AppState>,
    session: AdminSession,
    JsonBody(patch): JsonBody<SettingsPatch>,
) -> Result<Json<SettingsView>, ApiError> {
    let after = patch.apply(&session.store.settings())?;
    service::update_settings(&state.db, &session, &after).await?;
    Ok(Json(SettingsView::from(&after)))
}
