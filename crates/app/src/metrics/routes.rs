//! `GET /metrics`: the instance's metrics for Prometheus. With `GRIDPRICE_METRICS_TOKEN` set, a
//! scrape must send it as a bearer token (`authorization.credentials` in Prometheus's scrape
//! config); without it the endpoint is open, for deployments that keep it off the public
//! network.

use std::fmt;
use std::str::FromStr;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::http::error::ApiError;
use crate::state::AppState;

pub const PATH: &str = "/metrics";
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const MIN_TOKEN_LENGTH: usize = 16;
const MAX_TOKEN_LENGTH: usize = 256;

pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, get(scrape))
}

async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = &state.metrics_token {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        if !presented.is_some_and(|presented| token.matches(presented)) {
            return Err(ApiError::Unauthenticated(
                "Send the metrics token as `Authorization: Bearer <token>`.".into(),
            ));
        }
    }
    let pending = match crate::draft_orders::storage::count_pending(&state.db).await {
        Ok(count) => Some(count),
        Err(error) => {
            tracing::warn!(%error, "metrics: cannot count pending draft order records");
            None
        }
    };
    let text = state.metrics.render(pending);
    let content_type = HeaderValue::from_static(CONTENT_TYPE);
    Ok(([(header::CONTENT_TYPE, content_type)], text).into_response())
}

/// The bearer token a scrape must present (`GRIDPRICE_METRICS_TOKEN`): 16–256 visible ASCII
/// characters. Only its SHA-256 is kept, compared in constant time.
#[derive(Clone)]
pub struct MetricsToken {
    digest: [u8; 32],
}

impl MetricsToken {
    fn matches(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        digest.ct_eq(&self.digest).into()
    }
}

impl FromStr for MetricsToken {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let visible = text.bytes().all(|b| b.is_ascii_graphic());
        if !(MIN_TOKEN_LENGTH..=MAX_TOKEN_LENGTH).contains(&text.len()) || !visible {
            return Err(format!(
                "must be {MIN_TOKEN_LENGTH}–{MAX_TOKEN_LENGTH} visible ASCII characters"
            ));
        }
        Ok(Self {
            digest: Sha256::digest(text.as_bytes()).into(),
        })
    }
}

impl fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsToken(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_when_parsed_and_never_shown() {
        for bad in ["short", "has a space in it!", &"x".repeat(257)] {
            assert!(bad.parse::<MetricsToken>().is_err(), "{bad}");
        }
        let token: MetricsToken = "a-scrape-token-0123".parse().unwrap();
        assert!(token.matches("a-scrape-token-0123"));
        assert!(!token.matches("a-scrape-token-0124"));
        assert!(!token.matches(""));
        assert_eq!(format!("{token:?}"), "MetricsToken(..)");
    }
}
