//! Client-side pacing from Shopify's calculated query cost.
//!
//! Every response carries `extensions.cost.throttleStatus` (`maximumAvailable`,
//! `currentlyAvailable`, `restoreRate` per second) for the app+shop bucket. We keep the latest
//! one with the instant it was seen and, before a call, estimate what has been restored since and
//! wait just long enough for the call's expected cost (the `requestedQueryCost` last seen for
//! that operation) to fit. Calls that are waiting or in flight hold a `Reservation` of their cost,
//! so concurrent calls for a shop queue up instead of all spending the same points; Shopify's own
//! numbers replace the estimate as each response arrives.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
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
    /// As Shopify last reported it.
    status: ThrottleStatus,
    seen_at: Instant,
    /// Points promised to calls that are waiting or in flight.
    reserved: f64,
}

impl Bucket {
    fn restored_at(&self, at: Instant) -> f64 {
        let elapsed = at.saturating_duration_since(self.seen_at).as_secs_f64();
        let restored = self.status.currently_available + self.status.restore_rate * elapsed;
        restored.min(self.status.maximum_available)
    }

    /// Time from `now` until `cost` fits after everything already reserved.
    fn wait_for(&self, cost: f64, now: Instant) -> Duration {
        // A cost above the bucket size can never fit, and without a restore rate we cannot
        // predict; both are left for Shopify to answer.
        if cost > self.status.maximum_available || self.status.restore_rate <= 0.0 {
            return Duration::ZERO;
        }
        let missing = self.reserved + cost - self.restored_at(now);
        if missing <= 0.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(missing / self.status.restore_rate)
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

/// Points held for one call; released when dropped (after its response has been recorded).
pub(crate) struct Reservation {
    state: Arc<Mutex<State>>,
    held: Option<(ShopDomain, f64)>,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if let Some((shop, cost)) = self.held.take() {
            if let Some(bucket) = lock(&self.state).buckets.get_mut(&shop) {
                bucket.reserved = (bucket.reserved - cost).max(0.0);
            }
        }
    }
}

impl Throttle {
    /// The cost to plan for: what Shopify last requested for this operation, else `estimate`.
    pub fn expected_cost(&self, operation: &'static str, estimate: f64) -> f64 {
        let state = lock(&self.state);
        state
            .learned_costs
            .get(operation)
            .copied()
            .unwrap_or(estimate)
    }

    /// How long to wait before sending a call of `cost`, with a reservation to hold until its
    /// response is recorded. `Err(wait)` if the wait exceeds `max_wait`; nothing is reserved then.
    pub fn reserve(
        &self,
        shop: &ShopDomain,
        cost: f64,
        now: Instant,
        max_wait: Duration,
    ) -> Result<(Duration, Reservation), Duration> {
        let mut state = lock(&self.state);
        let mut reservation = Reservation {
            state: self.state.clone(),
            held: None,
        };
        // Nothing known yet: send, and let the first response tell us about the bucket.
        let Some(bucket) = state.buckets.get_mut(shop) else {
            return Ok((Duration::ZERO, reservation));
        };
        let wait = bucket.wait_for(cost, now);
        if wait > max_wait {
            return Err(wait);
        }
        bucket.reserved += cost;
        reservation.held = Some((shop.clone(), cost));
        Ok((wait, reservation))
    }

    /// Records what Shopify reported; its numbers replace our estimate of the bucket.
    pub fn record(
        &self,
        shop: &ShopDomain,
        operation: &'static str,
        requested_cost: Option<f64>,
        status: Option<ThrottleStatus>,
        now: Instant,
    ) {
        let mut state = lock(&self.state);
        if let Some(cost) = requested_cost {
            state.learned_costs.insert(operation, cost);
        }
        if let Some(status) = status {
            let reserved = state.buckets.get(shop).map_or(0.0, |b| b.reserved);
            let bucket = Bucket {
                status,
                seen_at: now,
                reserved,
            };
            state.buckets.insert(shop.clone(), bucket);
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // The state is plain numbers, valid even if a holder panicked.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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

    fn wait(
        t: &Throttle,
        cost: f64,
        max_wait: Duration,
    ) -> Result<(Duration, Reservation), Duration> {
        t.reserve(&shop(), cost, Instant::now(), max_wait)
    }

    #[tokio::test(start_paused = true)]
    async fn unknown_shop_does_not_wait() {
        let t = Throttle::default();
        assert_eq!(wait(&t, 50.0, NO_LIMIT).unwrap().0, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn waits_exactly_for_the_missing_points_behind_earlier_reservations() {
        let t = Throttle::default();
        t.record(
            &shop(),
            "op",
            None,
            status(1000.0, 10.0, 50.0),
            Instant::now(),
        );
        // 10 available, 60 needed, 50/s restore: 1 second.
        let (first, _held) = wait(&t, 60.0, NO_LIMIT).unwrap();
        assert_eq!(first, Duration::from_secs(1));
        // Behind the first reservation the next 50 points need one more second.
        let (second, _held2) = wait(&t, 50.0, NO_LIMIT).unwrap();
        assert_eq!(second, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_a_reservation_releases_its_points() {
        let t = Throttle::default();
        t.record(
            &shop(),
            "op",
            None,
            status(1000.0, 10.0, 50.0),
            Instant::now(),
        );
        drop(wait(&t, 60.0, NO_LIMIT).unwrap());
        assert_eq!(wait(&t, 60.0, NO_LIMIT).unwrap().0, Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn reservations_survive_a_newer_report() {
        let t = Throttle::default();
        t.record(
            &shop(),
            "op",
            None,
            status(1000.0, 10.0, 50.0),
            Instant::now(),
        );
        let _held = wait(&t, 10.0, NO_LIMIT).unwrap();
        t.record(
            &shop(),
            "op",
            None,
            status(1000.0, 10.0, 50.0),
            Instant::now(),
        );
        assert_eq!(
            wait(&t, 10.0, NO_LIMIT).unwrap().0,
            Duration::from_millis(200)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn restores_over_time_up_to_the_maximum() {
        let t = Throttle::default();
        t.record(
            &shop(),
            "op",
            None,
            status(100.0, 0.0, 10.0),
            Instant::now(),
        );
        tokio::time::advance(Duration::from_secs(60)).await;
        // Capped at 100 even though 600 would have been restored.
        let (now, _held) = wait(&t, 100.0, NO_LIMIT).unwrap();
        assert_eq!(now, Duration::ZERO);
        assert_eq!(wait(&t, 20.0, NO_LIMIT).unwrap().0, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn refuses_waits_beyond_the_budget_without_reserving() {
        let t = Throttle::default();
        t.record(
            &shop(),
            "op",
            None,
            status(100.0, 0.0, 10.0),
            Instant::now(),
        );
        assert_eq!(
            wait(&t, 50.0, Duration::from_secs(1)).err(),
            Some(Duration::from_secs(5))
        );
        assert_eq!(wait(&t, 50.0, NO_LIMIT).unwrap().0, Duration::from_secs(5));
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
        assert_eq!(wait(&t, 500.0, NO_LIMIT).unwrap().0, Duration::ZERO);
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
