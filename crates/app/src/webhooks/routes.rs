//! `POST /webhooks`: one endpoint for every topic.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;

use gridprice_storage::webhooks::{self as storage, Intake};

use super::process;
use crate::http::error::ApiError;
use crate::http::extract::JsonBytes;
use crate::http::AppState;

/// Shopify's payloads are small; the verifier refuses anything larger too.
const MAX_WEBHOOK_BYTES: usize = 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/webhooks", post(receive))
        .layer(DefaultBodyLimit::max(MAX_WEBHOOK_BYTES))
}

async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<StatusCode, ApiError> {
    let secret = &state.shopify.config().credentials.api_secret;
    let delivery = shopify::webhook::verify(&headers, &body, secret).map_err(|e| {
        tracing::warn!(error = %e, "webhook refused");
        ApiError::Unauthenticated(format!("The webhook is not authentic: {e}."))
    })?;
    let body = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad_request("The webhook body is not UTF-8 JSON."))?;
    let job = process::job(&delivery, body)?;
    match storage::accept(&state.db, &delivery, &job).await? {
        Intake::Accepted => state.jobs.wake(),
        Intake::Duplicate => {
            tracing::info!(
                webhook_id = %delivery.webhook_id,
                dedupe_key = %delivery.dedupe_key(),
                "duplicate webhook delivery ignored"
            );
        }
    }
    Ok(StatusCode::OK)
}
