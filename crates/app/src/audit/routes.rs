//! `GET /app/api/audit-log`: the store's changes, newest first.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::storage::{self, LoggedChange};
use crate::admin::{next_before, Page, PageQuery, QueryParams};
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::state::AppState;

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
    let page = Page::parse(&query)?;
    let changes = storage::list(&state.db, session.store.id, page).await?;
    Ok(Json(AuditLogPage {
        next_before: next_before(&changes, page, |change| change.id),
        entries: changes,
    }))
}
