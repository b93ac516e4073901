//! The merchant's view of their store: `/app/api/session` and re-reading the shop from Shopify.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{service, storage};
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/api/session", get(session))
        .route("/app/api/shop/sync", post(sync_shop))
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
    let store = &session.store;
    let token = service::access_token(&state, store).await?;
    let info = match state.admin.shop(&store.shop, &token).shop_info().await {
        Ok(info) => info,
        Err(error) => return Err(service::shopify_failure(&state, store, error).await),
    };
    let currency = pricing::Currency::from_code(&info.currency_code).map_err(|e| {
        ApiError::BadGateway(format!(
            "Shopify reported a currency Gridprice does not know: {e}"
        ))
    })?;
    storage::update_currency(&state.db, &store.shop, currency).await?;
    let store = storage::get(&state.db, store.id).await?;
    Ok(Json(view(&AdminSession {
        store,
        user: session.user,
    })))
}

fn view(session: &AdminSession) -> SessionView {
    SessionView {
        shop: session.store.shop.to_string(),
        user: session.user.clone(),
        currency: session.store.currency.code(),
        installed_at: session.store.installed_at,
        total_draft_orders_created: session.store.total_draft_orders_created,
    }
}
