//! The leaky bucket behind `extensions.cost.throttleStatus`, one per (shop, app).
//! Integer milli-points and tokio's clock: no floating point drift, and tests may pause time.

use serde::Serialize;
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub struct Bucket {
    milli_available: u64,
    updated: Instant,
}

/// What `throttleStatus` reports. Shopify sends the two configuration numbers as floats
/// (`2000.0`, `100.0`) and the current level as an integer; clients must accept both forms.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleStatus {
    pub maximum_available: f64,
    pub currently_available: u64,
    pub restore_rate: f64,
}

/// Bucket parameters in force.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub size: u32,
    pub restore_rate: u32,
}

impl Bucket {
    pub fn full(limits: Limits, now: Instant) -> Self {
        Self {
            milli_available: u64::from(limits.size) * 1000,
            updated: now,
        }
    }

    fn refill(&mut self, limits: Limits, now: Instant) {
        let elapsed_ms = now.saturating_duration_since(self.updated).as_millis() as u64;
        // One millisecond restores `restore_rate` milli-points exactly.
        let gained = elapsed_ms.saturating_mul(u64::from(limits.restore_rate));
        let cap = u64::from(limits.size) * 1000;
        self.milli_available = self.milli_available.saturating_add(gained).min(cap);
        // Advance by whole milliseconds so fractions are not lost between calls.
        self.updated += std::time::Duration::from_millis(elapsed_ms);
    }

    /// Takes `cost` points if the bucket holds them.
    pub fn try_take(&mut self, cost: u64, limits: Limits, now: Instant) -> bool {
        self.refill(limits, now);
        let needed = cost.saturating_mul(1000);
        if needed > self.milli_available {
            return false;
        }
        self.milli_available -= needed;
        true
    }

    /// Gives back what a query was charged but did not use.
    pub fn refund(&mut self, points: u64, limits: Limits, now: Instant) {
        self.refill(limits, now);
        let cap = u64::from(limits.size) * 1000;
        self.milli_available = self
            .milli_available
            .saturating_add(points.saturating_mul(1000))
            .min(cap);
    }

    pub fn status(&mut self, limits: Limits, now: Instant) -> ThrottleStatus {
        self.refill(limits, now);
        ThrottleStatus {
            maximum_available: f64::from(limits.size),
            currently_available: self.milli_available / 1000,
            restore_rate: f64::from(limits.restore_rate),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const LIMITS: Limits = Limits {
        size: 100,
        restore_rate: 10,
    };

    #[test]
    fn drains_and_restores() {
        let t0 = Instant::now();
        let mut b = Bucket::full(LIMITS, t0);
        assert!(b.try_take(60, LIMITS, t0));
        assert!(!b.try_take(50, LIMITS, t0));
        assert_eq!(b.status(LIMITS, t0).currently_available, 40);
        let t1 = t0 + Duration::from_millis(1050);
        assert_eq!(b.status(LIMITS, t1).currently_available, 50);
        assert!(b.try_take(50, LIMITS, t1));
        let later = t1 + Duration::from_secs(60);
        assert_eq!(b.status(LIMITS, later).currently_available, 100);
    }

    #[test]
    fn refund_is_capped() {
        let t0 = Instant::now();
        let mut b = Bucket::full(LIMITS, t0);
        assert!(b.try_take(10, LIMITS, t0));
        b.refund(50, LIMITS, t0);
        assert_eq!(b.status(LIMITS, t0).currently_available, 100);
    }
}
