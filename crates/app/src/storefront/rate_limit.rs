//! Rate limits of the storefront API, per key and per client IP, in memory (GCRA via
//! `governor`). Each instance limits on its own: N instances behind a load balancer allow up to
//! N times the rate, which is what spreading load means.
//!
//! Defaults are sized for a widget that re-prices as the shopper types: one shopper (or one
//! NAT) gets 20 requests per second with bursts of 60 — several fields typed quickly, plus
//! options — and a store's key 200 per second with bursts of 600 across all its shoppers.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::config::{ConfigError, ConfigSource};
use crate::http::error::ApiError;

pub const PER_KEY: &str = "GRIDPRICE_RATE_LIMIT_PER_KEY";
pub const PER_IP: &str = "GRIDPRICE_RATE_LIMIT_PER_IP";
/// A header set by the operator's own proxy (e.g. `x-forwarded-for`); its last address is the
/// client. Unset, the peer address is the client: a header anyone can send is not trusted.
pub const CLIENT_IP_HEADER: &str = "GRIDPRICE_CLIENT_IP_HEADER";

const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// How often the limiters forget clients that are back to a full allowance.
const SWEEP_EVERY: u64 = 4096;

/// A sustained rate per second and the burst allowed on top of an idle period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_second: NonZeroU32,
    pub burst: NonZeroU32,
}

impl Rate {
    pub const fn new(per_second: NonZeroU32, burst: NonZeroU32) -> Self {
        Self { per_second, burst }
    }

    fn quota(self) -> Quota {
        Quota::per_second(self.per_second).allow_burst(self.burst)
    }
}

/// `PER_SECOND,BURST`, e.g. `20,60`.
impl FromStr for Rate {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let positive = |part: &str| {
            part.trim().parse::<NonZeroU32>().map_err(|_| {
                format!("expected PER_SECOND,BURST with positive integers, got {text:?}")
            })
        };
        let (rate, burst) = text
            .split_once(',')
            .ok_or_else(|| format!("expected PER_SECOND,BURST such as 20,60, got {text:?}"))?;
        Ok(Self::new(positive(rate)?, positive(burst)?))
    }
}

/// The storefront API's limits: configuration, passed in through `AppState`.
#[derive(Debug, Clone)]
pub struct RateLimits {
    pub per_key: Rate,
    pub per_ip: Rate,
    pub client_ip_header: Option<HeaderName>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_key: Rate::new(nonzero(200), nonzero(600)),
            per_ip: Rate::new(nonzero(20), nonzero(60)),
            client_ip_header: None,
        }
    }
}

impl RateLimits {
    pub fn from_source(source: &ConfigSource) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        Ok(Self {
            per_key: source.parse(PER_KEY)?.unwrap_or(defaults.per_key),
            per_ip: source.parse(PER_IP)?.unwrap_or(defaults.per_ip),
            client_ip_header: source.parse(CLIENT_IP_HEADER)?,
        })
    }
}

const fn nonzero(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    }
}

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// The live limiters of one router.
pub(super) struct Limiters {
    settings: RateLimits,
    per_key: Keyed<i64>,
    per_ip: Keyed<IpAddr>,
    checks: AtomicU64,
}

/// What is left of a client's allowance, for the `RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Allowance {
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
pub(super) struct Limited {
    pub error: ApiError,
    pub allowance: Allowance,
}

impl Limiters {
    pub fn new(settings: RateLimits) -> Self {
        Self {
            per_key: RateLimiter::dashmap(settings.per_key.quota())
                .with_middleware::<StateInformationMiddleware>(),
            per_ip: RateLimiter::dashmap(settings.per_ip.quota())
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

    #[test]
    fn rates_parse_from_configuration() {
        let rate: Rate = "5,15".parse().unwrap();
        assert_eq!((rate.per_second.get(), rate.burst.get()), (5, 15));
        for bad in ["5", "0,1", "1,0", "a,b", "-1,2"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

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
