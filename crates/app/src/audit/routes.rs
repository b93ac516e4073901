//! `GET /app/api/audit-log`: the store's changes, newest first.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use gridprice_storage::audit::{self as storage, LoggedChange};

use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::http::extract::{next_before, page, PageQuery, QueryParams};
use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/app/api/audit-log", get(list))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AuditLogPage {
    entries: Vec<LoggedChange>,
    /// Pass as `before` for the next page; null on the last one.
    next_before: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    session: AdminSession,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<AuditLogPage>, ApiError> {
    let page = page(&query)?;
    let changes = storage::list(&state.db, session.store.id, page).await?;
    Ok(Json(AuditLogPage {
        next_before: next_before(&changes, page, |change| change.id),
        entries: changes,
    }))
}
