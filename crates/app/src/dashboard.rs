//! `GET /app/api/dashboard`: the store at a glance and what onboarding still needs.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use serde::Serialize;

use gridprice_storage::{api_keys, matrices, options, products};

use crate::auth::AdminSession;
use crate::draft_orders::api::{latest, RecordView};
use crate::http::error::ApiError;
use crate::http::AppState;

/// Draft order records the dashboard shows.
const LATEST_RECORDS: u64 = 5;

pub fn routes() -> Router<AppState> {
    Router::new().route("/app/api/dashboard", get(dashboard))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Dashboard {
    /// The store's counter, moved only when a record becomes `created`.
    total_draft_orders_created: i64,
    matrix_count: u64,
    assigned_product_count: u64,
    option_group_count: u64,
    latest_draft_orders: Vec<RecordView>,
    onboarding: Onboarding,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Onboarding {
    has_matrix: bool,
    has_assignment: bool,
    /// A key that works now.
    has_storefront_key: bool,
    /// The key made at install has not been shown yet.
    first_key_to_reveal: bool,
}

async fn dashboard(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<Dashboard>, ApiError> {
    let (db, store) = (&state.db, session.store.id);
    let matrix_count = matrices::count(db, store).await?;
    let assigned_product_count = products::count(db, store).await?;
    let now = Utc::now();
    let has_storefront_key = api_keys::list(db, store)
        .await?
        .iter()
        .any(|key| key.is_usable(now));
    Ok(Json(Dashboard {
        total_draft_orders_created: session.store.total_draft_orders_created,
        matrix_count,
        assigned_product_count,
        option_group_count: options::count_groups(db, store).await?,
        latest_draft_orders: latest(&state.db, session.store.id, LATEST_RECORDS).await?,
        onboarding: Onboarding {
            has_matrix: matrix_count > 0,
            has_assignment: assigned_product_count > 0,
            has_storefront_key,
            first_key_to_reveal: api_keys::has_pending_reveal(db, store).await?,
        },
    }))
}
