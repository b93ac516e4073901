//! Rate limits of the storefront API, per key and per client IP, in memory (GCRA via
//! `governor`): one pair for each gated router's requests, and one pair for new draft orders.
//! Each instance limits on its own: N instances behind a load balancer allow up to N times the
//! rate, which is what spreading load means.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderName, HeaderValue, Request};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::config::{Rate, RateLimits};
use crate::http::error::ApiError;
use crate::http::AppState;

const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// How often the limiters forget clients that are back to a full allowance.
const SWEEP_EVERY: u64 = 4096;

fn quota(rate: Rate) -> Quota {
    Quota::with_period(rate.interval())
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
        .allow_burst(rate.burst())
}

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// A per-key and a per-client limiter with their rates.
struct Pair {
    key_rate: Rate,
    ip_rate: Rate,
    per_key: Keyed<i64>,
    per_ip: Keyed<IpAddr>,
    checks: AtomicU64,
}

impl Pair {
    fn new(key_rate: Rate, ip_rate: Rate) -> Self {
        Self {
            per_key: RateLimiter::dashmap(quota(key_rate))
                .with_middleware::<StateInformationMiddleware>(),
            per_ip: RateLimiter::dashmap(quota(ip_rate))
                .with_middleware::<StateInformationMiddleware>(),
            key_rate,
            ip_rate,
            checks: AtomicU64::new(0),
        }
    }

    fn check_ip(&self, ip: IpAddr, what: &str) -> Result<Allowance, Limited> {
        self.sweep();
        check(&self.per_ip, &ip, self.ip_rate, what, "this client")
    }

    fn check_key(&self, key_id: i64, what: &str) -> Result<Allowance, Limited> {
        check(&self.per_key, &key_id, self.key_rate, what, "this API key")
    }

    /// Entries back at a full allowance carry no information; dropping them bounds memory.
    fn sweep(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.per_ip.retain_recent();
            self.per_key.retain_recent();
        }
    }
}

/// The live request limiters of one gated router.
pub struct Limiters {
    pair: Pair,
    client_ip_header: Option<HeaderName>,
}

/// What is left of a client's allowance, for the `RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
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
pub struct Limited {
    pub error: ApiError,
    pub allowance: Allowance,
}

impl Limiters {
    pub fn new(settings: &RateLimits) -> Self {
        Self {
            pair: Pair::new(settings.per_key, settings.per_ip),
            client_ip_header: settings.client_ip_header.clone(),
        }
    }

    pub fn check_ip<B>(&self, request: &Request<B>) -> Result<Allowance, Limited> {
        let ip = client_ip(
            request.headers(),
            request.extensions(),
            self.client_ip_header.as_ref(),
        );
        self.pair.check_ip(ip, "requests")
    }

    pub fn check_key(&self, key_id: i64) -> Result<Allowance, Limited> {
        self.pair.check_key(key_id, "requests")
    }

    /// The app proxy's counterpart of a key's limit: a shop's storefront as a whole, at the
    /// per-key rate (the shop's storefront is what a publishable key stands for).
    pub fn check_shop(&self, store_id: i64) -> Result<Allowance, Limited> {
        let pair = &self.pair;
        check(
            &pair.per_key,
            &store_id,
            pair.key_rate,
            "requests",
            "this shop's storefront",
        )
    }
}

/// The limits on new draft orders, per client and per key, apart from the request limits: an
/// order is a real order in the merchant's admin, so far fewer are allowed.
pub struct OrderLimiters {
    pair: Pair,
}

impl OrderLimiters {
    pub fn new(settings: &RateLimits) -> Self {
        Self {
            pair: Pair::new(settings.orders_per_key, settings.orders_per_ip),
        }
    }

    /// Takes one new order from the client's allowance and, when a key was presented, from
    /// the key's.
    pub fn admit(&self, client: ClientIp, key_id: Option<i64>) -> Result<(), ApiError> {
        self.pair
            .check_ip(client.0, "new draft orders")
            .map_err(|limited| limited.error)?;
        if let Some(key_id) = key_id {
            self.pair
                .check_key(key_id, "new draft orders")
                .map_err(|limited| limited.error)?;
        }
        Ok(())
    }
}

fn check<K>(
    limiter: &Keyed<K>,
    key: &K,
    rate: Rate,
    what: &str,
    whom: &str,
) -> Result<Allowance, Limited>
where
    K: std::hash::Hash + Eq + Clone,
{
    let burst = rate.burst().get();
    let refill = |used: u32| rate.seconds_to_earn(used);
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
                        "Too many {what} from {whom} (at most {rate}, bursts of {burst}); \
                         retry after {retry_after} s."
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

/// The client a request came from, as the rate limits see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(IpAddr);

impl ClientIp {
    /// The client named by the last entry of `header`, set by a proxy we trust (the app proxy
    /// of a signed request: Shopify's `X-Forwarded-For`).
    pub fn forwarded(headers: &HeaderMap, header: &HeaderName) -> Self {
        Self(client_ip(headers, &Extensions::new(), Some(header)))
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(
            &parts.headers,
            &parts.extensions,
            state.rate_limits.client_ip_header.as_ref(),
        )))
    }
}

/// The client's address: the last entry of the trusted proxy header, else the peer. IPv6
/// clients are limited per /64, the block one subscriber usually gets.
fn client_ip(headers: &HeaderMap, extensions: &Extensions, header: Option<&HeaderName>) -> IpAddr {
    let forwarded = header
        .and_then(|name| headers.get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    let peer = || {
        extensions
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
        let limiters = Limiters::new(&RateLimits {
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
