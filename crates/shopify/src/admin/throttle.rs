//! Client-side pacing from Shopify's calculated query cost.
//!
//! Every response carries `extensions.cost.throttleStatus` (`maximumAvailable`,
//! `currentlyAvailable`, `restoreRate` per second) for the app+shop bucket. We remember it with
//! the instant it was seen, estimate what has refilled since, and before a call wait just long
//! enough for the call's expected cost (the `requestedQueryCost` last seen for that operation) to
//! fit. The expected cost is reserved at once so concurrent calls for a shop queue up instead of
//! all spending the same points.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use tokio::time::Instant;

use crate::domain::ShopDomain;

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ThrottleStatus {
    pub maximum_available: f64,
    pub currently_available: f64,
    pub restore_rate: f64,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    status: ThrottleStatus,
    seen_at: Instant,
}

impl Bucket {
    fn available_at(&self, at: Instant) -> f64 {
        let elapsed = at.saturating_duration_since(self.seen_at).as_secs_f64();
        let refilled = self.status.currently_available + self.status.restore_rate * elapsed;
        refilled.min(self.status.maximum_available)
    }

    /// Time from `now` until `cost` points are available. Reservations may have moved
    /// `seen_at` into the future; nothing is sent before it.
    fn wait_for(&self, cost: f64, now: Instant) -> Duration {
        let from = now.max(self.seen_at);
        let queued = from - now;
        let missing = cost - self.available_at(from);
        // A cost above the bucket size can never fit, and without a restore rate we cannot
        // predict; both are left for Shopify to answer.
        if missing <= 0.0 || cost > self.status.maximum_available || self.status.restore_rate <= 0.0
        {
            return queued;
        }
        queued + Duration::from_secs_f64(missing / self.status.restore_rate)
    }
}

#[derive(Default)]
struct State {
    buckets: HashMap<ShopDomain, Bucket>,
    learned_costs: HashMap<&'static str, f64>,
}

/// Bucket state per shop and learned cost per operation; shared by all clones of the client.
#[derive(Clone, Default)]
pub(crate) struct Throttle {
    state: Arc<Mutex<State>>,
}

impl Throttle {
    /// The cost to plan for: what Shopify last requested for this operation, else `estimate`.
    pub fn expected_cost(&self, operation: &'static str, estimate: f64) -> f64 {
        let state = self.lock();
        state
            .learned_costs
            .get(operation)
            .copied()
            .unwrap_or(estimate)
    }

    /// How long to wait before sending a call of `cost`, reserving the points if the wait fits
    /// in `max_wait`. `Err(wait)` means it does not fit and nothing was reserved.
    pub fn reserve(
        &self,
        shop: &ShopDomain,
        cost: f64,
        now: Instant,
        max_wait: Duration,
    ) -> Result<Duration, Duration> {
        let mut state = self.lock();
        let Some(bucket) = state.buckets.get_mut(shop) else {
            return Ok(Duration::ZERO); // Nothing known yet: the first response will tell us.
        };
        let wait = bucket.wait_for(cost, now);
        if wait > max_wait {
            return Err(wait);
        }
        let send_at = now + wait;
        bucket.status.currently_available = bucket.available_at(send_at) - cost;
        bucket.seen_at = send_at;
        Ok(wait)
    }

    /// Records what Shopify reported; its numbers replace our estimate.
    pub fn record(
        &self,
        shop: &ShopDomain,
        operation: &'static str,
        requested_cost: Option<f64>,
        status: Option<ThrottleStatus>,
        now: Instant,
    ) {
        let mut state = self.lock();
        if let Some(cost) = requested_cost {
            state.learned_costs.insert(operation, cost);
        }
        if let Some(status) = status {
            state.buckets.insert(
                shop.clone(),
                Bucket {
                    status,
                    seen_at: now,
                },
            );
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is plain numbers, valid even if a holder panicked.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shop() -> ShopDomain {
        ShopDomain::parse("demo-shop.myshopify.com").unwrap()
    }

    fn status(max: f64, current: f64, rate: f64) -> Option<ThrottleStatus> {
        Some(ThrottleStatus {
            maximum_available: max,
            currently_available: current,
            restore_rate: rate,
        })
    }

    const NO_LIMIT: Duration = Duration::from_secs(3600);

    #[tokio::test(start_paused = true)]
    async fn unknown_shop_does_not_wait() {
        let t = Throttle::default();
        assert_eq!(
            t.reserve(&shop(), 50.0, Instant::now(), NO_LIMIT),
            Ok(Duration::ZERO)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn waits_exactly_for_the_missing_points() {
        let t = Throttle::default();
        let now = Instant::now();
        t.record(&shop(), "op", None, status(1000.0, 10.0, 50.0), now);
        // 10 available, 60 needed, 50/s restore: 1 second.
        assert_eq!(
            t.reserve(&shop(), 60.0, now, NO_LIMIT),
            Ok(Duration::from_secs(1))
        );
        // That reservation spent the bucket at t+1s; the next 50 points need one more second.
        assert_eq!(
            t.reserve(&shop(), 50.0, now, NO_LIMIT),
            Ok(Duration::from_secs(2))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn restores_over_time_up_to_the_maximum() {
        let t = Throttle::default();
        let start = Instant::now();
        t.record(&shop(), "op", None, status(100.0, 0.0, 10.0), start);
        tokio::time::advance(Duration::from_secs(60)).await;
        // Capped at 100 even though 600 would have been restored.
        assert_eq!(
            t.reserve(&shop(), 100.0, Instant::now(), NO_LIMIT),
            Ok(Duration::ZERO)
        );
        assert_eq!(
            t.reserve(&shop(), 20.0, Instant::now(), NO_LIMIT),
            Ok(Duration::from_secs(2))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn refuses_waits_beyond_the_budget_without_reserving() {
        let t = Throttle::default();
        let now = Instant::now();
        t.record(&shop(), "op", None, status(100.0, 0.0, 10.0), now);
        assert_eq!(
            t.reserve(&shop(), 50.0, now, Duration::from_secs(1)),
            Err(Duration::from_secs(5))
        );
        assert_eq!(
            t.reserve(&shop(), 50.0, now, NO_LIMIT),
            Ok(Duration::from_secs(5))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn oversized_costs_are_left_to_shopify() {
        let t = Throttle::default();
        t.record(
            &shop(),
            "op",
            None,
            status(100.0, 0.0, 10.0),
            Instant::now(),
        );
        assert_eq!(
            t.reserve(&shop(), 500.0, Instant::now(), NO_LIMIT),
            Ok(Duration::ZERO)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn learns_requested_costs() {
        let t = Throttle::default();
        assert_eq!(t.expected_cost("op", 7.0), 7.0);
        t.record(&shop(), "op", Some(42.0), None, Instant::now());
        assert_eq!(t.expected_cost("op", 7.0), 42.0);
        assert_eq!(t.expected_cost("other", 7.0), 7.0);
    }
}
