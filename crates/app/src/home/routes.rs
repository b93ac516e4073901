//! `GET /app/api/dashboard`: Home's figures as JSON; `POST /app/api/setup/calculator-placed`:
//! the setup guide's manual step.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::Serialize;

use super::{Overview, Setup};
use crate::auth::AdminSession;
use crate::draft_orders::api::RecordView;
use crate::http::error::ApiError;
use crate::http::AppState;
use crate::stores::service::mark_calculator_placed;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/api/dashboard", get(dashboard))
        .route("/app/api/setup/calculator-placed", post(calculator_placed))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Dashboard {
    total_draft_orders_created: i64,
    draft_orders_created_this_month: u64,
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
    calculator_placed: bool,
    has_storefront_key: bool,
    first_key_to_reveal: bool,
}

impl From<Setup> for Onboarding {
    fn from(setup: Setup) -> Self {
        Self {
            has_matrix: setup.has_matrix,
            has_assignment: setup.has_assignment,
            calculator_placed: setup.calculator_placed,
            has_storefront_key: setup.has_storefront_key,
            first_key_to_reveal: setup.first_key_to_reveal,
        }
    }
}

async fn dashboard(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<Dashboard>, ApiError> {
    let overview = Overview::load(&state.db, &session.store, Utc::now()).await?;
    Ok(Json(Dashboard {
        total_draft_orders_created: overview.total_draft_orders_created,
        draft_orders_created_this_month: overview.draft_orders_created_this_month,
        matrix_count: overview.matrix_count,
        assigned_product_count: overview.assigned_product_count,
        option_group_count: overview.option_group_count,
        latest_draft_orders: overview
            .latest_draft_orders
            .into_iter()
            .map(RecordView::new)
            .collect(),
        onboarding: overview.setup.into(),
    }))
}

async fn calculator_placed(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<StatusCode, ApiError> {
    mark_calculator_placed(&state.db, &session).await?;
    Ok(StatusCode::NO_CONTENT)
}
