//! Configuration from the environment (12-factor), optionally seeded from a file of
//! `KEY=VALUE` lines that uses the same names. The environment wins over the file. Every
//! problem names the setting, so an operator knows what to fix.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use std::num::NonZeroU32;
use std::time::Duration;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use axum::http::HeaderName;
use shopify::admin::ClientOptions;
use shopify::{ApiVersion, AppCredentials, ShopUrlTemplate};
use url::Url;

use gridprice_storage::DatabaseUrl;

use crate::billing::plans::Plans;
use crate::crypto::EncryptionKey;
use crate::metrics::MetricsToken;

pub const DATA_DIR: &str = "GRIDPRICE_DATA_DIR";
pub const DATABASE_URL: &str = "DATABASE_URL";
pub const BIND: &str = "GRIDPRICE_BIND";
pub const LOG_FORMAT: &str = "GRIDPRICE_LOG_FORMAT";
pub const API_KEY: &str = "SHOPIFY_API_KEY";
pub const API_SECRET: &str = "SHOPIFY_API_SECRET";
pub const APP_URL: &str = "SHOPIFY_APP_URL";
pub const SCOPES: &str = "SCOPES";
pub const API_VERSION: &str = "SHOPIFY_API_VERSION";
pub const SHOP_URL_TEMPLATE: &str = "SHOPIFY_SHOP_URL_TEMPLATE";
pub const CDN_URL: &str = "SHOPIFY_CDN_URL";
/// Where App Bridge and Polaris come from (DESIGN §12).
pub const DEFAULT_CDN_URL: &str = "https://cdn.shopify.com";
pub const ENCRYPTION_KEY: &str = "GRIDPRICE_ENCRYPTION_KEY";
pub const METRICS_TOKEN: &str = "GRIDPRICE_METRICS_TOKEN";
pub const RATE_LIMIT_PER_KEY: &str = "GRIDPRICE_RATE_LIMIT_PER_KEY";
pub const RATE_LIMIT_PER_IP: &str = "GRIDPRICE_RATE_LIMIT_PER_IP";
pub const ORDER_LIMIT_PER_KEY: &str = "GRIDPRICE_ORDER_LIMIT_PER_KEY";
pub const ORDER_LIMIT_PER_IP: &str = "GRIDPRICE_ORDER_LIMIT_PER_IP";
/// A header set by the operator's own proxy (e.g. `x-forwarded-for`); its last address is the
/// client. Unset, the peer address is the client: a header anyone can send is not trusted.
pub const CLIENT_IP_HEADER: &str = "GRIDPRICE_CLIENT_IP_HEADER";
pub const HEADER_TIMEOUT: &str = "GRIDPRICE_HEADER_TIMEOUT";
pub const MAX_CONNECTIONS: &str = "GRIDPRICE_MAX_CONNECTIONS";

/// What the app asks merchants to grant (DESIGN §7, shopify.app.toml).
pub const DEFAULT_SCOPES: &str = "write_draft_orders,read_products";

const DEFAULT_DATA_DIR: &str = ".gridprice";
const DEFAULT_BIND: &str = "127.0.0.1:8080";
const SQLITE_FILE_NAME: &str = "gridprice.db";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{setting} is required")]
    Missing { setting: &'static str },
    #[error("{setting} is invalid: {reason}")]
    Invalid {
        setting: &'static str,
        reason: String,
    },
    #[error("cannot read the configuration file {path}: {reason}")]
    File { path: String, reason: String },
}

/// Where settings come from: the process environment over an optional file.
#[derive(Debug, Clone, Default)]
pub struct ConfigSource {
    values: HashMap<String, String>,
}

impl ConfigSource {
    pub fn from_environment(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut values = HashMap::new();
        if let Some(path) = file {
            let file_error = |reason: String| ConfigError::File {
                path: path.display().to_string(),
                reason,
            };
            for item in dotenvy::from_path_iter(path).map_err(|e| file_error(e.to_string()))? {
                let (key, value) = item.map_err(|e| file_error(e.to_string()))?;
                values.insert(key, value);
            }
        }
        values.extend(std::env::vars());
        Ok(Self { values })
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let values = pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Self { values }
    }

    /// A non-empty value, or `None`.
    pub fn get(&self, setting: &str) -> Option<&str> {
        self.values
            .get(setting)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn parse<T>(&self, setting: &'static str) -> Result<Option<T>, ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        self.get(setting)
            .map(|raw| {
                raw.parse().map_err(|e: T::Err| ConfigError::Invalid {
                    setting,
                    reason: e.to_string(),
                })
            })
            .transpose()
    }

    pub fn require<T>(&self, setting: &'static str) -> Result<T, ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        self.parse(setting)?.ok_or(ConfigError::Missing { setting })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("expected text or json, got {other:?}")),
        }
    }
}

/// A sustained rate per second, fractions allowed (`0.05` is three a minute), and the burst
/// allowed on top of an idle period. The rate is kept as written, so messages repeat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    per_second: Decimal,
    burst: NonZeroU32,
    /// `1 / per_second`, worked out once: limiters read it on every request.
    interval: Duration,
}

impl Rate {
    /// The slowest rate accepted: one a day. Slower would mean "never", which is a switch, not
    /// a rate.
    const MIN_PER_SECOND: Decimal = Decimal::from_parts(11_574, 0, 0, false, 9);
    // What a `NonZeroU32` per second always allowed; benchmarks switch limits off with it.
    const MAX_PER_SECOND: u32 = u32::MAX;

    /// A whole number per second.
    pub fn new(per_second: NonZeroU32, burst: NonZeroU32) -> Self {
        Self::exact(Decimal::from(per_second.get()), burst)
    }

    fn exact(per_second: Decimal, burst: NonZeroU32) -> Self {
        let nanos = (Decimal::from(1_000_000_000u32) / per_second).ceil();
        Self {
            per_second,
            burst,
            interval: Duration::from_nanos(nanos.to_u64().unwrap_or(u64::MAX)),
        }
    }

    pub fn burst(self) -> NonZeroU32 {
        self.burst
    }

    /// How long it takes to earn one request back.
    pub fn interval(self) -> Duration {
        self.interval
    }

    /// Whole seconds (rounded up) to earn `requests` back.
    pub fn seconds_to_earn(self, requests: u32) -> u64 {
        let nanos = u128::from(requests) * self.interval.as_nanos();
        u64::try_from(nanos.div_ceil(1_000_000_000)).unwrap_or(u64::MAX)
    }
}

/// "20 per second", "3 per minute", "2 per hour", as the operator would say it.
impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let per_minute = self.per_second * Decimal::from(60);
        let (amount, unit) = if self.per_second >= Decimal::ONE {
            (self.per_second, "second")
        } else if per_minute >= Decimal::ONE {
            (per_minute, "minute")
        } else {
            (per_minute * Decimal::from(60), "hour")
        };
        write!(f, "{} per {unit}", amount.round_dp(2).normalize())
    }
}

/// `PER_SECOND,BURST`, e.g. `20,60` or `0.05,5`.
impl FromStr for Rate {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || {
            format!(
                "expected PER_SECOND,BURST such as 20,60 or 0.05,5 (a rate from one a day to {} \
                 per second, a whole burst of at least 1), got {text:?}",
                Self::MAX_PER_SECOND
            )
        };
        let (rate, burst) = text.split_once(',').ok_or_else(expected)?;
        let per_second = Decimal::from_str_exact(rate.trim())
            .ok()
            .filter(|rate| {
                *rate >= Self::MIN_PER_SECOND && *rate <= Decimal::from(Self::MAX_PER_SECOND)
            })
            .ok_or_else(expected)?;
        let burst = burst.trim().parse::<NonZeroU32>().map_err(|_| expected())?;
        Ok(Self::exact(per_second, burst))
    }
}

/// The storefront API's limits (`GRIDPRICE_RATE_LIMIT_*`, `GRIDPRICE_ORDER_LIMIT_*`), passed
/// in through the app's state.
///
/// Price defaults are sized for a widget that re-prices as the shopper types: one shopper (or
/// one NAT) gets 20 requests per second with bursts of 60 — several fields typed quickly, plus
/// options — and a store's key 200 per second with bursts of 600 across all its shoppers.
/// Draft orders are real orders in the merchant's admin, so they have their own, much lower
/// limits: a shopper buys a few times, not dozens (3 a minute, bursts of 5, per client; one a
/// second, bursts of 30, per key).
#[derive(Debug, Clone)]
pub struct RateLimits {
    pub per_key: Rate,
    pub per_ip: Rate,
    pub orders_per_key: Rate,
    pub orders_per_ip: Rate,
    pub client_ip_header: Option<HeaderName>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_key: Rate::new(nonzero(200), nonzero(600)),
            per_ip: Rate::new(nonzero(20), nonzero(60)),
            orders_per_key: Rate::new(nonzero(1), nonzero(30)),
            orders_per_ip: Rate::exact(Decimal::new(5, 2), nonzero(5)),
            client_ip_header: None,
        }
    }
}

impl RateLimits {
    pub fn from_source(source: &ConfigSource) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        Ok(Self {
            per_key: source
                .parse(RATE_LIMIT_PER_KEY)?
                .unwrap_or(defaults.per_key),
            per_ip: source.parse(RATE_LIMIT_PER_IP)?.unwrap_or(defaults.per_ip),
            orders_per_key: source
                .parse(ORDER_LIMIT_PER_KEY)?
                .unwrap_or(defaults.orders_per_key),
            orders_per_ip: source
                .parse(ORDER_LIMIT_PER_IP)?
                .unwrap_or(defaults.orders_per_ip),
            client_ip_header: source.parse(CLIENT_IP_HEADER)?,
        })
    }
}

pub const fn nonzero(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    }
}

/// What one instance's HTTP server allows a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// How long a client has to send a request's head, and how long a kept-alive connection
    /// may wait idle for its next request (`GRIDPRICE_HEADER_TIMEOUT`, seconds; default 10).
    pub header_timeout: Duration,
    /// Connections served at once; beyond it, accepting waits (`GRIDPRICE_MAX_CONNECTIONS`,
    /// default 1024).
    pub max_connections: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

impl ServerLimits {
    pub fn from_source(source: &ConfigSource) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let seconds: Option<u64> = source.parse(HEADER_TIMEOUT)?;
        let header_timeout = match seconds {
            None => defaults.header_timeout,
            Some(seconds @ 1..=300) => Duration::from_secs(seconds),
            Some(_) => {
                return Err(ConfigError::Invalid {
                    setting: HEADER_TIMEOUT,
                    reason: "must be 1 to 300 seconds".to_owned(),
                })
            }
        };
        let max_connections = match source.parse::<usize>(MAX_CONNECTIONS)? {
            None => defaults.max_connections,
            Some(count @ 1..=1_000_000) => count,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    setting: MAX_CONNECTIONS,
                    reason: "must be 1 to 1000000".to_owned(),
                })
            }
        };
        Ok(Self {
            header_timeout,
            max_connections,
        })
    }
}

/// Where the app keeps its data and how it reaches its database.
#[derive(Debug, Clone)]
pub struct StorageConfig {
    pub data_dir: PathBuf,
    pub database_url: DatabaseUrl,
}

impl StorageConfig {
    pub fn from_source(source: &ConfigSource) -> Result<Self, ConfigError> {
        let data_dir = source.get(DATA_DIR).unwrap_or(DEFAULT_DATA_DIR);
        Self::in_data_dir(source, Path::new(data_dir))
    }

    /// As [`StorageConfig::from_source`] with the data directory chosen by the caller.
    pub fn in_data_dir(source: &ConfigSource, data_dir: &Path) -> Result<Self, ConfigError> {
        let database_url = match source.parse::<DatabaseUrl>(DATABASE_URL)? {
            Some(url) => url,
            None => DatabaseUrl::sqlite_file(&data_dir.join(SQLITE_FILE_NAME)),
        };
        Ok(Self {
            data_dir: data_dir.to_path_buf(),
            database_url,
        })
    }
}

/// How the app meets Shopify: its credentials, where it lives, what it asks for.
#[derive(Debug, Clone)]
pub struct ShopifyConfig {
    pub credentials: AppCredentials,
    /// The app's public base URL: OAuth redirects and webhook deliveries come back here.
    pub app_url: Url,
    pub scopes: Vec<String>,
    pub api_version: ApiVersion,
    /// Where shops live: `https://{shop}` in production, the local simulator in development.
    pub shop_url_template: ShopUrlTemplate,
    /// Timeouts and the retry budget of Admin API calls.
    pub client: ClientOptions,
    /// Where the admin pages load App Bridge and Polaris from (`SHOPIFY_CDN_URL`); the
    /// simulator in development.
    pub cdn_url: Url,
}

impl ShopifyConfig {
    pub fn from_source(source: &ConfigSource) -> Result<Self, ConfigError> {
        let api_key: String = source.require(API_KEY)?;
        let api_secret: String = source.require(API_SECRET)?;
        let app_url: Url = source.require(APP_URL)?;
        if !matches!(app_url.scheme(), "http" | "https") || app_url.cannot_be_a_base() {
            return Err(ConfigError::Invalid {
                setting: APP_URL,
                reason: "must be an absolute http(s) URL".to_owned(),
            });
        }
        let scopes = source.get(SCOPES).unwrap_or(DEFAULT_SCOPES);
        let scopes = scopes.split(',').map(str::trim).filter(|s| !s.is_empty());
        Ok(Self {
            credentials: AppCredentials::new(api_key, api_secret),
            app_url,
            scopes: scopes.map(str::to_owned).collect(),
            api_version: source.parse(API_VERSION)?.unwrap_or_default(),
            shop_url_template: source.parse(SHOP_URL_TEMPLATE)?.unwrap_or_default(),
            client: ClientOptions::default(),
            cdn_url: source
                .parse(CDN_URL)?
                .unwrap_or_else(|| Url::parse(DEFAULT_CDN_URL).expect("a valid URL")),
        })
    }

    /// `path` under the app's base URL.
    pub fn app_url(&self, path: &str) -> Url {
        let base = self.app_url.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}")).unwrap_or_else(|_| self.app_url.clone())
    }
}

/// Everything the app needs to run (`App::build`), parsed and validated.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub database_url: DatabaseUrl,
    pub shopify: ShopifyConfig,
    pub encryption_key: EncryptionKey,
    /// Storefront API rate limits (`GRIDPRICE_RATE_LIMIT_PER_KEY`, `…_PER_IP`).
    pub rate_limits: RateLimits,
    /// What a `/metrics` scrape must send as its bearer token (`GRIDPRICE_METRICS_TOKEN`).
    pub metrics_token: Option<MetricsToken>,
    /// Header-read and idle timeouts, and the connection cap.
    pub server: ServerLimits,
    /// The plans merchants choose from (`GRIDPRICE_FREE_*`, `GRIDPRICE_PRO_*`).
    pub plans: Plans,
}

/// Everything `gridprice serve` needs: where to listen, and the app.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub bind: SocketAddr,
    pub app: AppConfig,
}

impl ServeConfig {
    pub fn from_source(source: &ConfigSource) -> Result<Self, ConfigError> {
        let bind = source.parse(BIND)?.unwrap_or_else(default_bind);
        Ok(Self {
            bind,
            app: AppConfig {
                database_url: StorageConfig::from_source(source)?.database_url,
                shopify: ShopifyConfig::from_source(source)?,
                encryption_key: source.require(ENCRYPTION_KEY)?,
                rate_limits: RateLimits::from_source(source)?,
                metrics_token: source.parse(METRICS_TOKEN)?,
                server: ServerLimits::from_source(source)?,
                plans: Plans::from_source(source)?,
            },
        })
    }
}

fn default_bind() -> SocketAddr {
    DEFAULT_BIND
        .parse()
        .expect("the default bind address is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn shopify_settings() -> Vec<(&'static str, &'static str)> {
        vec![
            (API_KEY, "key"),
            (API_SECRET, "secret"),
            (APP_URL, "https://gridprice.example"),
            (ENCRYPTION_KEY, KEY),
        ]
    }

    #[test]
    fn defaults_to_a_sqlite_file_in_the_data_directory() {
        let source = ConfigSource::from_pairs(shopify_settings());
        let config = ServeConfig::from_source(&source).unwrap();
        assert_eq!(config.bind.to_string(), DEFAULT_BIND);
        let database = format!("{:?}", config.app.database_url);
        assert_eq!(database, "sqlite:.gridprice/gridprice.db");
        assert_eq!(
            config.app.shopify.scopes,
            ["write_draft_orders", "read_products"]
        );
        assert_eq!(config.app.shopify.api_version.to_string(), "2026-10");
        let callback = config.app.shopify.app_url("/auth/callback");
        assert_eq!(callback.as_str(), "https://gridprice.example/auth/callback");
    }

    #[test]
    fn shopify_settings_are_required_and_checked() {
        for missing in [API_KEY, API_SECRET, APP_URL, ENCRYPTION_KEY] {
            let settings = shopify_settings()
                .into_iter()
                .filter(|(k, _)| *k != missing);
            let error = ServeConfig::from_source(&ConfigSource::from_pairs(settings)).unwrap_err();
            assert_eq!(error.to_string(), format!("{missing} is required"));
        }
        let invalid = [
            (APP_URL, "not a url"),
            (ENCRYPTION_KEY, "c2hvcnQ="),
            (API_VERSION, "latest"),
        ];
        for (setting, bad) in invalid {
            let mut settings = shopify_settings();
            settings.push((setting, bad));
            let error = ServeConfig::from_source(&ConfigSource::from_pairs(settings)).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("{setting} is invalid")),
                "{error}"
            );
        }
    }

    #[test]
    fn errors_name_the_setting() {
        let source = ConfigSource::from_pairs([(DATABASE_URL, "mysql://x")]);
        let error = StorageConfig::from_source(&source).unwrap_err().to_string();
        assert!(error.starts_with("DATABASE_URL is invalid"), "{error}");

        let mut settings = shopify_settings();
        settings.push((BIND, "nowhere"));
        let source = ConfigSource::from_pairs(settings);
        let error = ServeConfig::from_source(&source).unwrap_err().to_string();
        assert!(error.starts_with("GRIDPRICE_BIND is invalid"), "{error}");
    }

    #[test]
    fn postgres_urls_are_accepted_and_their_passwords_never_printed() {
        let source = ConfigSource::from_pairs([(DATABASE_URL, "postgres://u:s3cret@db:5433/app")]);
        let config = StorageConfig::from_source(&source).unwrap();
        let shown = format!("{:?}", config.database_url);
        assert_eq!(shown, "postgres://db:5433/app");
    }

    #[test]
    fn rates_parse_from_configuration() {
        let rate: Rate = "5,15".parse().unwrap();
        assert_eq!(rate, Rate::new(nonzero(5), nonzero(15)));
        assert_eq!(rate.interval(), Duration::from_millis(200));
        assert_eq!(rate.to_string(), "5 per second");
        let slow: Rate = "0.05,5".parse().unwrap();
        assert_eq!(
            (slow.interval(), slow.burst().get()),
            (Duration::from_secs(20), 5)
        );
        assert_eq!(slow.seconds_to_earn(2), 40);
        assert_eq!(slow.to_string(), "3 per minute");
        assert_eq!(
            "0.0005,1".parse::<Rate>().unwrap().to_string(),
            "1.8 per hour"
        );
        for bad in [
            "5",
            "0,1",
            "1,0",
            "a,b",
            "-1,2",
            "0.000001,1",
            "4294967296,1",
            "1e3,1",
        ] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gridprice.env");
        std::fs::write(&file, "GRIDPRICE_TEST_ONLY_SETTING=from-file\n").unwrap();
        let source = ConfigSource::from_environment(Some(&file)).unwrap();
        assert_eq!(source.get("GRIDPRICE_TEST_ONLY_SETTING"), Some("from-file"));
        let missing = ConfigSource::from_environment(Some(&dir.path().join("absent")));
        assert!(missing.unwrap_err().to_string().contains("absent"));
    }
}
