//! Rate limits of the storefront API, per key (or, through the app proxy, per shop) and per
//! client IP, in memory (GCRA via `governor`). Each instance limits on its own: N instances
//! behind a load balancer allow up to N times the rate, which is what spreading load means.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::config::{Rate, RateLimits};
use crate::http::error::ApiError;

const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// How often the limiters forget clients that are back to a full allowance.
const SWEEP_EVERY: u64 = 4096;

fn quota(rate: Rate) -> Quota {
    Quota::per_second(rate.per_second).allow_burst(rate.burst)
}

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// The live limiters of one router.
pub(crate) struct Limiters {
    settings: RateLimits,
    per_key: Keyed<i64>,
    per_ip: Keyed<IpAddr>,
    checks: AtomicU64,
}

/// What is left of a client's allowance, for the `RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Allowance {
    limit: u32,
    remaining: u32,
    /// Seconds until the allowance is full again.
    reset: u64,
}

impl Allowance {
    /// The allowance closer to running out.
    pub fn tighter(self, other: Allowance) -> Allowance {
        if other.remaining < self.remaining {
            other
        } else {
            self
        }
    }

    pub fn write(self, headers: &mut HeaderMap) {
        headers.insert(RATELIMIT_LIMIT, HeaderValue::from(self.limit));
        headers.insert(RATELIMIT_REMAINING, HeaderValue::from(self.remaining));
        headers.insert(RATELIMIT_RESET, seconds(self.reset));
    }
}

/// A reset time as a header; the usual few seconds without allocating.
fn seconds(reset: u64) -> HeaderValue {
    const SMALL: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    usize::try_from(reset)
        .ok()
        .and_then(|n| SMALL.get(n))
        .map_or_else(|| HeaderValue::from(reset), |s| HeaderValue::from_static(s))
}

/// A refusal with the allowance that caused it.
pub(crate) struct Limited {
    pub error: ApiError,
    pub allowance: Allowance,
}

impl Limiters {
    pub fn new(settings: RateLimits) -> Self {
        Self {
            per_key: RateLimiter::dashmap(quota(settings.per_key))
                .with_middleware::<StateInformationMiddleware>(),
            per_ip: RateLimiter::dashmap(quota(settings.per_ip))
                .with_middleware::<StateInformationMiddleware>(),
            settings,
            checks: AtomicU64::new(0),
        }
    }

    pub fn check_ip<B>(&self, request: &Request<B>) -> Result<Allowance, Limited> {
        self.sweep();
        let ip = client_ip(request, self.settings.client_ip_header.as_ref());
        check(&self.per_ip, &ip, self.settings.per_ip, "this client")
    }

    pub fn check_key(&self, key_id: i64) -> Result<Allowance, Limited> {
        check(
            &self.per_key,
            &key_id,
            self.settings.per_key,
            "this API key",
        )
    }

    /// The app proxy's counterpart of a key's limit: a shop's storefront as a whole, at the
    /// per-key rate (the shop's storefront is what a publishable key stands for).
    pub fn check_shop(&self, store_id: i64) -> Result<Allowance, Limited> {
        check(
            &self.per_key,
            &store_id,
            self.settings.per_key,
            "this shop's storefront",
        )
    }

    /// Entries back at a full allowance carry no information; dropping them bounds memory.
    fn sweep(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.per_ip.retain_recent();
            self.per_key.retain_recent();
        }
    }
}

fn check<K>(limiter: &Keyed<K>, key: &K, rate: Rate, whom: &str) -> Result<Allowance, Limited>
where
    K: std::hash::Hash + Eq + Clone,
{
    let burst = rate.burst.get();
    let refill = |used: u32| -> u64 { u64::from(used).div_ceil(u64::from(rate.per_second.get())) };
    match limiter.check_key(key) {
        Ok(snapshot) => {
            let remaining = snapshot.remaining_burst_capacity();
            Ok(Allowance {
                limit: burst,
                remaining,
                reset: refill(burst.saturating_sub(remaining)),
            })
        }
        Err(not_until) => {
            let wait = not_until.wait_time_from(limiter.clock().now());
            let retry_after = whole_seconds(wait);
            Err(Limited {
                error: ApiError::RateLimited {
                    detail: format!(
                        "Too many requests from {whom} (at most {} per second, bursts of {burst}); \
                         retry after {retry_after} s.",
                        rate.per_second
                    ),
                    retry_after,
                },
                allowance: Allowance {
                    limit: burst,
                    remaining: 0,
                    reset: refill(burst),
                },
            })
        }
    }
}

/// Rounded up, and at least 1: "retry after 0 seconds" invites a busy loop.
fn whole_seconds(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

/// The client's address: the last entry of the trusted proxy header, else the peer. IPv6
/// clients are limited per /64, the block one subscriber usually gets.
fn client_ip<B>(request: &Request<B>, header: Option<&HeaderName>) -> IpAddr {
    let forwarded = header
        .and_then(|name| request.headers().get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    let peer = || {
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
    };
    match forwarded.or_else(peer) {
        Some(IpAddr::V6(v6)) => IpAddr::V6(prefix_64(v6)),
        Some(v4) => v4,
        None => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    }
}

fn prefix_64(address: Ipv6Addr) -> Ipv6Addr {
    if let Some(v4) = address.to_ipv4_mapped() {
        return v4.to_ipv6_mapped();
    }
    let mut segments = address.segments();
    segments[4..].fill(0);
    Ipv6Addr::from(segments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::nonzero;

    #[test]
    fn a_burst_is_allowed_then_refused_with_a_retry_time() {
        let limiters = Limiters::new(RateLimits {
            per_key: Rate::new(nonzero(1), nonzero(2)),
            ..RateLimits::default()
        });
        let first = limiters.check_key(7).ok().unwrap();
        assert_eq!((first.limit, first.remaining), (2, 1));
        assert_eq!(limiters.check_key(7).ok().unwrap().remaining, 0);
        let refused = limiters.check_key(7).err().unwrap();
        assert!(matches!(
            refused.error,
            ApiError::RateLimited { retry_after: 1, .. }
        ));
        assert!(limiters.check_key(8).is_ok(), "keys are limited separately");
    }

    #[test]
    fn reset_seconds_are_written_as_numbers() {
        for n in [0, 1, 9, 10, 600, u64::MAX] {
            assert_eq!(seconds(n).to_str().unwrap(), n.to_string());
        }
    }

    #[test]
    fn ipv6_clients_share_their_64_block() {
        let one: Ipv6Addr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let two: Ipv6Addr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(prefix_64(one), prefix_64(two));
        let mapped: Ipv6Addr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(prefix_64(mapped), mapped);
    }
}
