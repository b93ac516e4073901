//! Injected faults for the GraphQL endpoint: latency, random and scheduled 5xx, timeouts,
//! forced throttling, "commit the draft order, then lose the answer", and a search index that
//! lags behind writes; and for the token endpoint, "grant, then lose the answer".

use std::time::Duration;

use axum::http::StatusCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Upper bounds on what a request may configure.
const MAX_LATENCY_MS: u64 = 60_000;
const MAX_SEARCH_LAG_MS: u64 = 600_000;
const MAX_HOLD_MS: u64 = 600_000;
const DEFAULT_HOLD_MS: u64 = 60_000;
/// Error rates are kept in parts per million so the draw is integer arithmetic.
const PPM: u32 = 1_000_000;
const RANDOM_STATUSES: [StatusCode; 3] = [
    StatusCode::INTERNAL_SERVER_ERROR,
    StatusCode::BAD_GATEWAY,
    StatusCode::SERVICE_UNAVAILABLE,
];

#[derive(Debug, Clone, Default)]
pub struct Faults {
    latency_ms: u64,
    error_rate_ppm: u32,
    fail_next: u32,
    fail_status: Option<StatusCode>,
    timeout_next: u32,
    timeout_hold_ms: u64,
    drop_next_draft_order_create: u32,
    throttle_next: u32,
    search_lag_ms: u64,
    drop_next_token_response: u32,
}

/// What a GraphQL call suffers before it reaches authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportFault {
    None,
    Fail(StatusCode),
    Timeout(Duration),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FailNext {
    pub count: u32,
    #[serde(default = "default_fail_status")]
    pub status: u16,
}

fn default_fail_status() -> u16 {
    503
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimeoutNext {
    pub count: u32,
    pub hold_ms: Option<u64>,
}

/// Body of `POST /_sim/faults`; fields left out keep their current value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultsUpdate {
    pub latency_ms: Option<u64>,
    /// Probability in [0, 1] that a call fails with a random 500/502/503.
    pub error_rate: Option<f64>,
    /// Reseeds the random generator behind `errorRate`.
    pub seed: Option<u64>,
    pub fail_next: Option<FailNext>,
    pub timeout_next: Option<TimeoutNext>,
    pub drop_next_draft_order_create: Option<u32>,
    pub throttle_next: Option<u32>,
    /// Draft orders younger than this are not found by `draftOrders` searches yet, as with
    /// Shopify's search index; 0 = found at once.
    pub search_lag_ms: Option<u64>,
    /// The next N successful answers of `/admin/oauth/access_token` are lost: the grant
    /// happens (tokens issued, earlier ones revoked), then the connection closes unanswered.
    pub drop_next_token_response: Option<u32>,
}

/// The `GET /_sim/faults` view.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultsView {
    pub latency_ms: u64,
    pub error_rate: f64,
    pub fail_next: serde_json::Value,
    pub timeout_next: serde_json::Value,
    pub drop_next_draft_order_create: u32,
    pub throttle_next: u32,
    pub search_lag_ms: u64,
    pub drop_next_token_response: u32,
}

impl FaultsUpdate {
    /// Checks every field before anything changes.
    pub fn validate(&self) -> Result<(), String> {
        if self.latency_ms.is_some_and(|ms| ms > MAX_LATENCY_MS) {
            return Err(format!("latencyMs: at most {MAX_LATENCY_MS}"));
        }
        if let Some(rate) = self.error_rate {
            if !(0.0..=1.0).contains(&rate) {
                return Err("errorRate: must be between 0 and 1".to_owned());
            }
        }
        if let Some(fail) = &self.fail_next {
            if !matches!(fail.status, 500 | 502 | 503 | 504) {
                return Err("failNext.status: one of 500, 502, 503, 504".to_owned());
            }
        }
        if self.search_lag_ms.is_some_and(|ms| ms > MAX_SEARCH_LAG_MS) {
            return Err(format!("searchLagMs: at most {MAX_SEARCH_LAG_MS}"));
        }
        if self
            .timeout_next
            .as_ref()
            .and_then(|t| t.hold_ms)
            .is_some_and(|ms| ms > MAX_HOLD_MS)
        {
            return Err(format!("timeoutNext.holdMs: at most {MAX_HOLD_MS}"));
        }
        Ok(())
    }
}

impl Faults {
    /// Applies a validated update; `rng` is reseeded when asked.
    pub fn apply(&mut self, update: FaultsUpdate, rng: &mut StdRng) {
        if let Some(ms) = update.latency_ms {
            self.latency_ms = ms;
        }
        if let Some(rate) = update.error_rate {
            self.error_rate_ppm = (rate * f64::from(PPM)).round() as u32;
        }
        if let Some(seed) = update.seed {
            *rng = StdRng::seed_from_u64(seed);
        }
        if let Some(fail) = update.fail_next {
            self.fail_next = fail.count;
            self.fail_status = StatusCode::from_u16(fail.status).ok();
        }
        if let Some(timeout) = update.timeout_next {
            self.timeout_next = timeout.count;
            self.timeout_hold_ms = timeout.hold_ms.unwrap_or(DEFAULT_HOLD_MS);
        }
        if let Some(n) = update.drop_next_draft_order_create {
            self.drop_next_draft_order_create = n;
        }
        if let Some(n) = update.throttle_next {
            self.throttle_next = n;
        }
        if let Some(ms) = update.search_lag_ms {
            self.search_lag_ms = ms;
        }
        if let Some(n) = update.drop_next_token_response {
            self.drop_next_token_response = n;
        }
    }

    pub fn view(&self) -> FaultsView {
        FaultsView {
            latency_ms: self.latency_ms,
            error_rate: f64::from(self.error_rate_ppm) / f64::from(PPM),
            fail_next: serde_json::json!({
                "count": self.fail_next,
                "status": self.fail_status.map(|s| s.as_u16()),
            }),
            timeout_next: serde_json::json!({
                "count": self.timeout_next,
                "holdMs": self.timeout_hold_ms,
            }),
            drop_next_draft_order_create: self.drop_next_draft_order_create,
            throttle_next: self.throttle_next,
            search_lag_ms: self.search_lag_ms,
            drop_next_token_response: self.drop_next_token_response,
        }
    }

    /// How far `draftOrders` searches lag behind writes.
    pub fn search_lag(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::milliseconds(i64::try_from(self.search_lag_ms).unwrap_or(i64::MAX))
    }

    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms)
    }

    /// Scheduled faults come first (timeouts, then failures), then the random error rate.
    pub fn next_transport_fault(&mut self, rng: &mut StdRng) -> TransportFault {
        if self.timeout_next > 0 {
            self.timeout_next -= 1;
            return TransportFault::Timeout(Duration::from_millis(self.timeout_hold_ms));
        }
        if self.fail_next > 0 {
            self.fail_next -= 1;
            return TransportFault::Fail(
                self.fail_status.unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            );
        }
        if self.error_rate_ppm > 0 && rng.gen_range(0..PPM) < self.error_rate_ppm {
            return TransportFault::Fail(RANDOM_STATUSES[rng.gen_range(0..RANDOM_STATUSES.len())]);
        }
        TransportFault::None
    }

    pub fn take_throttle(&mut self) -> bool {
        take(&mut self.throttle_next)
    }

    pub fn take_drop(&mut self) -> bool {
        take(&mut self.drop_next_draft_order_create)
    }

    pub fn take_token_drop(&mut self) -> bool {
        take(&mut self.drop_next_token_response)
    }
}

fn take(counter: &mut u32) -> bool {
    let pending = *counter > 0;
    *counter = counter.saturating_sub(1);
    pending
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduled_faults_count_down() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut faults = Faults::default();
        let update = FaultsUpdate {
            fail_next: Some(FailNext {
                count: 2,
                status: 502,
            }),
            timeout_next: Some(TimeoutNext {
                count: 1,
                hold_ms: Some(10),
            }),
            ..Default::default()
        };
        update.validate().unwrap();
        faults.apply(update, &mut rng);
        assert_eq!(
            faults.next_transport_fault(&mut rng),
            TransportFault::Timeout(Duration::from_millis(10))
        );
        assert_eq!(
            faults.next_transport_fault(&mut rng),
            TransportFault::Fail(StatusCode::BAD_GATEWAY)
        );
        assert_eq!(
            faults.next_transport_fault(&mut rng),
            TransportFault::Fail(StatusCode::BAD_GATEWAY)
        );
        assert_eq!(faults.next_transport_fault(&mut rng), TransportFault::None);
    }

    #[test]
    fn error_rate_is_reproducible_with_a_seed() {
        let draw = |seed| {
            let mut rng = StdRng::seed_from_u64(0);
            let mut faults = Faults::default();
            faults.apply(
                FaultsUpdate {
                    error_rate: Some(0.5),
                    seed: Some(seed),
                    ..Default::default()
                },
                &mut rng,
            );
            (0..50)
                .map(|_| faults.next_transport_fault(&mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        let failures = draw(7)
            .iter()
            .filter(|f| **f != TransportFault::None)
            .count();
        assert!((10..=40).contains(&failures), "{failures}");
    }

    #[test]
    fn rejects_out_of_range() {
        assert!(FaultsUpdate {
            error_rate: Some(1.5),
            ..Default::default()
        }
        .validate()
        .is_err());
        let bad_status = FaultsUpdate {
            fail_next: Some(FailNext {
                count: 1,
                status: 404,
            }),
            ..Default::default()
        };
        assert!(bad_status.validate().is_err());
    }
}
