//! Start-up configuration of the simulator and the part of it that can change at run time.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The Admin API version the simulator speaks by default (DESIGN §7 pins the app to it).
pub const DEFAULT_API_VERSION: &str = "2026-10";

/// Shopify's documented bucket for the Standard plan: 100 points restored per second,
/// observed as `maximumAvailable: 2000` in live responses.
pub const DEFAULT_BUCKET_SIZE: u32 = 2000;
/// Points restored per second (Standard plan).
pub const DEFAULT_RESTORE_RATE: u32 = 100;
/// Expiring offline access tokens last an hour.
pub const DEFAULT_OFFLINE_TOKEN_TTL_SECS: u64 = 3600;

/// How the simulator is started. Every field has a development default so
/// `SimConfig::default()` gives a working local Shopify.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The app's client id (`client_id`, session token `aud`).
    pub api_key: String,
    /// The app's client secret: signs callbacks, session tokens and webhooks.
    pub api_secret: String,
    /// Where the app lives: OAuth redirects must start with it and webhooks go there.
    pub app_url: String,
    /// Leaky bucket capacity in cost points, per (shop, app).
    pub bucket_size: u32,
    /// Points restored per second.
    pub restore_rate: u32,
    /// Admin API versions answered; any other version in the URL is a 404.
    pub api_versions: Vec<String>,
    /// Scopes granted by token exchange (Shopify grants the app's configured scopes).
    pub scopes: String,
    /// Seed of the random generator behind the `errorRate` fault, for reproducible runs.
    pub rng_seed: u64,
    /// The app's name as the admin shows it (sidebar, title bar, iframe title).
    pub app_name: String,
    /// The app's theme app extension (`extensions/gridprice-calculator`): the online store renders
    /// its app blocks and serves its assets. `None`: the theme has no app blocks to offer.
    pub theme_extension_dir: Option<PathBuf>,
    /// Where the app proxy forwards (`[app_proxy] url`); `None` means `{app_url}/proxy`.
    pub app_proxy_url: Option<String>,
    /// The app proxy's subpath under `/apps/` (`[app_proxy] subpath`).
    pub app_proxy_subpath: String,
    /// Whether the app is approved for protected customer data. When it is not, every draft
    /// order field answers a top-level `ACCESS_DENIED` (`/_sim/config`
    /// `protectedCustomerDataApproved` switches it at run time).
    pub protected_customer_data_approved: bool,
    /// The app's allowed redirection URLs (`[auth] redirect_urls`); OAuth's `redirect_uri` must
    /// equal one exactly. `None` means `[{app_url}/auth/callback]`.
    pub redirect_urls: Option<Vec<String>>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            api_key: "gridprice-dev-api-key".to_owned(),
            api_secret: "gridprice-dev-api-secret".to_owned(),
            app_url: "http://127.0.0.1:8080".to_owned(),
            bucket_size: DEFAULT_BUCKET_SIZE,
            restore_rate: DEFAULT_RESTORE_RATE,
            api_versions: [
                "2025-07",
                "2025-10",
                "2026-01",
                "2026-04",
                "2026-07",
                DEFAULT_API_VERSION,
            ]
            .map(str::to_owned)
            .to_vec(),
            scopes: "write_draft_orders,read_products".to_owned(),
            rng_seed: 0x5eed,
            app_name: "Gridprice".to_owned(),
            theme_extension_dir: None,
            app_proxy_url: None,
            app_proxy_subpath: "gridprice".to_owned(),
            protected_customer_data_approved: true,
            redirect_urls: None,
        }
    }
}

/// The settings `/_sim/config` reads and changes while the simulator runs.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeConfig {
    pub api_key: String,
    pub app_url: String,
    pub bucket_size: u32,
    pub restore_rate: u32,
    pub api_versions: Vec<String>,
    /// Lifetime of expiring offline access tokens issued from now on.
    pub offline_token_ttl_secs: u64,
    /// The app proxy's target; `None` means `{app_url}/proxy`.
    pub app_proxy_url: Option<String>,
    /// Whether the app may read and write protected customer data (draft orders).
    pub protected_customer_data_approved: bool,
    /// Allowed redirection URLs; `None` means `[{app_url}/auth/callback]`.
    pub redirect_urls: Option<Vec<String>>,
}

impl RuntimeConfig {
    pub(crate) fn from_config(config: &SimConfig) -> Self {
        Self {
            api_key: config.api_key.clone(),
            app_url: config.app_url.trim_end_matches('/').to_owned(),
            bucket_size: config.bucket_size,
            restore_rate: config.restore_rate,
            api_versions: config.api_versions.clone(),
            offline_token_ttl_secs: DEFAULT_OFFLINE_TOKEN_TTL_SECS,
            app_proxy_url: config
                .app_proxy_url
                .as_deref()
                .map(|url| url.trim_end_matches('/').to_owned()),
            protected_customer_data_approved: config.protected_customer_data_approved,
            redirect_urls: config.redirect_urls.clone(),
        }
    }

    /// The URLs an OAuth `redirect_uri` may be, exactly.
    pub fn allowed_redirect_urls(&self) -> Vec<String> {
        self.redirect_urls
            .clone()
            .unwrap_or_else(|| vec![format!("{}/auth/callback", self.app_url)])
    }

    /// Where the app proxy forwards to.
    pub fn app_proxy_target(&self) -> String {
        self.app_proxy_url
            .clone()
            .unwrap_or_else(|| format!("{}/proxy", self.app_url))
    }

    /// Applies a partial update; the caller has validated it.
    pub(crate) fn apply(&mut self, update: ConfigUpdate) {
        if let Some(app_url) = update.app_url {
            self.app_url = app_url.trim_end_matches('/').to_owned();
        }
        if let Some(size) = update.bucket_size {
            self.bucket_size = size;
        }
        if let Some(rate) = update.restore_rate {
            self.restore_rate = rate;
        }
        if let Some(ttl) = update.offline_token_ttl_secs {
            self.offline_token_ttl_secs = ttl;
        }
        if let Some(url) = update.app_proxy_url {
            self.app_proxy_url = Some(url.trim_end_matches('/').to_owned());
        }
        if let Some(approved) = update.protected_customer_data_approved {
            self.protected_customer_data_approved = approved;
        }
        if let Some(urls) = update.redirect_urls {
            self.redirect_urls = Some(urls);
        }
    }
}

/// Body of `PUT /_sim/config`: every field optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigUpdate {
    pub app_url: Option<String>,
    pub bucket_size: Option<u32>,
    pub restore_rate: Option<u32>,
    pub offline_token_ttl_secs: Option<u64>,
    pub app_proxy_url: Option<String>,
    pub protected_customer_data_approved: Option<bool>,
    pub redirect_urls: Option<Vec<String>>,
}

impl ConfigUpdate {
    pub(crate) fn validate(&self) -> Result<(), String> {
        for (name, url) in [
            ("appUrl", &self.app_url),
            ("appProxyUrl", &self.app_proxy_url),
        ] {
            let Some(url) = url else { continue };
            let parsed = url::Url::parse(url).map_err(|e| format!("{name}: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!("{name}: must be an http or https URL"));
            }
        }
        if let Some(urls) = &self.redirect_urls {
            if urls.is_empty() {
                return Err("redirectUrls: at least one URL".to_owned());
            }
            for url in urls {
                let parsed = url::Url::parse(url).map_err(|e| format!("redirectUrls: {e}"))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err("redirectUrls: must be http or https URLs".to_owned());
                }
            }
        }
        if self.bucket_size == Some(0) {
            return Err("bucketSize: must be at least 1".to_owned());
        }
        if self.restore_rate == Some(0) {
            return Err("restoreRate: must be at least 1".to_owned());
        }
        if self.offline_token_ttl_secs == Some(0) {
            return Err("offlineTokenTtlSecs: must be at least 1".to_owned());
        }
        Ok(())
    }
}
