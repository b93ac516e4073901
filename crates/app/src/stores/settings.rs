//! `/app/api/settings`: the merchant's defaults — unit, out-of-range policy, how draft order
//! lines refer to products, and the origins new storefront keys allow.

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::get;
use axum::{Json, Router};
use pricing::{OutOfRangePolicy, Unit};
use serde::{Deserialize, Serialize};

use super::{storage, LineItemMode, Store};
use crate::admin::{FieldErrors, JsonBody, MAX_JSON_BODY_BYTES};
use crate::api_keys::parse_origins;
use crate::audit::{Action, AuditedWrite, Entry};
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/api/settings", get(show).patch(update))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
}

/// A store's settings, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub unit_preference: Unit,
    pub out_of_range_default: OutOfRangePolicy,
    pub line_item_mode: LineItemMode,
    pub default_allowed_origins: Vec<String>,
}

impl Settings {
    fn of(store: &Store) -> Self {
        Self {
            unit_preference: store.unit_preference,
            out_of_range_default: store.out_of_range_default,
            line_item_mode: store.line_item_mode,
            default_allowed_origins: store.default_allowed_origins.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SettingsView {
    unit_preference: Unit,
    out_of_range_default: OutOfRangePolicy,
    line_item_mode: &'static str,
    default_allowed_origins: Vec<String>,
}

impl From<&Settings> for SettingsView {
    fn from(settings: &Settings) -> Self {
        Self {
            unit_preference: settings.unit_preference,
            out_of_range_default: settings.out_of_range_default,
            line_item_mode: settings.line_item_mode.as_str(),
            default_allowed_origins: settings.default_allowed_origins.clone(),
        }
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
}

impl SettingsPatch {
    /// `current` with this patch applied, or 422 naming every field at fault.
    fn apply(&self, current: &Settings) -> Result<Settings, ApiError> {
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
        errors.into_result()?;
        Ok(next)
    }
}

async fn show(session: AdminSession) -> Json<SettingsView> {
    Json(SettingsView::from(&Settings::of(&session.store)))
}

async fn update(
    State(state): State<AppState>,
    session: AdminSession,
    JsonBody(patch): JsonBody<SettingsPatch>,
) -> Result<Json<SettingsView>, ApiError> {
    let store = session.store.id;
    let before = Settings::of(&session.store);
    let after = patch.apply(&before)?;
    if after == before {
        return Ok(Json(SettingsView::from(&after)));
    }
    let write = AuditedWrite::begin(&state.db, &session).await?;
    storage::update_settings_in(write.txn(), store, &after).await?;
    let entry = Entry::new(Action::SettingsUpdate, store.get())
        .before(&SettingsView::from(&before))
        .after(&SettingsView::from(&after));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(Json(SettingsView::from(&after)))
}
