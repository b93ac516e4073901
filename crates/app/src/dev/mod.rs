//! A whole Gridprice on one machine: the local Shopify simulator and the app, wired together by
//! configuration only, the demo shop installed through the real OAuth flow over HTTP, and the
//! demo catalogue seeded, and the calculator's app block placed on the demo product's page of
//! the simulator's online store. `gridprice dev` runs it; the integration tests start one each.

pub mod extension;
mod seed;

use std::path::{Path, PathBuf};

use gridprice_storage::DatabaseUrl;
use serde::Serialize;
use shopify::admin::ClientOptions;
use shopify::{AppCredentials, ShopDomain, ShopUrlTemplate};
use shopify_sim::{
    SimConfig, SimHandle, Simulator, DEMO_PRODUCT_HANDLE, DEMO_PRODUCT_ID, DEMO_SHOP,
};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::app::{App, BuildError};
use crate::billing::Plans;
use crate::config::{AppConfig, RateLimits, ServerLimits, ShopifyConfig, DEFAULT_SCOPES};
use crate::crypto::EncryptionKey;
use crate::http::AppState;

const DEV_API_KEY: &str = "gridprice-dev";
const ENCRYPTION_KEY_FILE: &str = "encryption.key";
const APP_SECRET_FILE: &str = "app-secret";
const STOREFRONT_KEY_FILE: &str = "storefront.key";
const SQLITE_FILE: &str = "gridprice.db";

#[derive(Debug, thiserror::Error)]
pub enum DevError {
    #[error("{0}")]
    Io(String),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Storage(#[from] gridprice_storage::StorageError),
    #[error(transparent)]
    Service(#[from] crate::error::ServiceError),
    #[error("the local Shopify did not start: {0}")]
    Simulator(#[from] shopify_sim::SimError),
    #[error("installing the demo shop failed: {0}")]
    Install(String),
}

#[derive(Debug, Clone)]
pub struct DevOptions {
    /// 0 picks a free port.
    pub port: u16,
    pub shopify_port: u16,
    pub data_dir: PathBuf,
    /// Defaults to a SQLite file in the data directory.
    pub database_url: Option<DatabaseUrl>,
    /// Timeouts and retry budget of the app's Shopify client.
    pub shopify_client: ClientOptions,
    /// Storefront rate limits (`GRIDPRICE_RATE_LIMIT_*` for `gridprice dev`).
    pub rate_limits: RateLimits,
    /// Connection timeouts and cap (`GRIDPRICE_HEADER_TIMEOUT`, `GRIDPRICE_MAX_CONNECTIONS`).
    pub server: ServerLimits,
    /// The plans (`GRIDPRICE_FREE_*`, `GRIDPRICE_PRO_*`); the simulator's shops are
    /// development stores, so their charges are test charges.
    pub plans: Plans,
}

/// The `ready` line's facts (DESIGN §8): everything needed to call the app and to use it as a
/// merchant and a shopper would.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ready {
    pub app_url: String,
    pub shopify_url: String,
    pub shop: String,
    pub storefront_api_key: String,
    pub app_api_key: String,
    pub app_api_secret: String,
    pub demo_product_id: String,
    pub demo_product_gid: String,
    /// The app inside the simulator's admin: `{shopifyUrl}/store/{shop}/admin/apps/{appApiKey}`.
    pub admin_url: String,
    /// The demo product's page in the simulator's online store, with the calculator block.
    pub demo_product_url: String,
    /// The theme editor with the deep link that adds the calculator block to product pages.
    pub theme_editor_url: String,
    /// The calculator's script for headless pages (content-hashed, cached for a year).
    pub calculator_script_url: String,
    pub data_dir: String,
}

pub struct DevStack {
    pub ready: Ready,
    pub state: AppState,
    /// What the app was built from: a second instance on the same database is built from it.
    pub config: AppConfig,
    pub sim: SimHandle,
    stop: CancellationToken,
    server: JoinHandle<()>,
}

impl DevStack {
    pub async fn start(options: DevOptions) -> Result<DevStack, DevError> {
        std::fs::create_dir_all(&options.data_dir).map_err(|e| io_error(&options.data_dir, e))?;
        let app_listener = bind(options.port).await?;
        let sim_listener = bind(options.shopify_port).await?;
        let app_url = format!("http://{}", local_addr(&app_listener)?);
        let credentials = AppCredentials::new(DEV_API_KEY, app_secret(&options.data_dir)?);
        let sim = Simulator::serve(
            SimConfig {
                api_key: DEV_API_KEY.to_owned(),
                api_secret: credentials.api_secret.expose_secret().to_owned(),
                app_url: app_url.clone(),
                // The online store renders the calculator block from the theme app extension;
                // the app proxy forwards to `{app_url}/proxy` (the default, as in
                // shopify.app.toml), and draft orders' invoice URLs are the simulator's.
                theme_extension_dir: Some(extension::dir(&options.data_dir)?),
                ..SimConfig::default()
            },
            sim_listener,
        )?;
        let shopify = ShopifyConfig {
            credentials,
            app_url: app_url
                .parse()
                .map_err(|e| DevError::Io(format!("app URL: {e}")))?,
            scopes: DEFAULT_SCOPES.split(',').map(str::to_owned).collect(),
            api_version: Default::default(),
            shop_url_template: ShopUrlTemplate::parse(&format!(
                "{}/store/{{shop}}",
                sim.base_url()
            ))
            .map_err(|e| DevError::Io(format!("simulator URL: {e}")))?,
            client: options.shopify_client.clone(),
            // The simulator plays Shopify's CDN: its App Bridge talks to its admin frame.
            cdn_url: sim
                .base_url()
                .parse()
                .map_err(|e| DevError::Io(format!("simulator URL: {e}")))?,
        };
        let config = AppConfig {
            database_url: options
                .database_url
                .clone()
                .unwrap_or_else(|| DatabaseUrl::sqlite_file(&options.data_dir.join(SQLITE_FILE))),
            shopify,
            encryption_key: encryption_key(&options.data_dir)?,
            rate_limits: options.rate_limits.clone(),
            metrics_token: None,
            server: options.server,
            plans: options.plans.clone(),
        };
        let app = App::build(config.clone()).await?;
        let state = app.state().clone();
        let stop = CancellationToken::new();
        let server = {
            let stop = stop.clone();
            tokio::spawn(async move {
                if let Err(error) = app.serve(app_listener, stop.cancelled_owned()).await {
                    tracing::error!(%error, "the app server stopped");
                }
            })
        };
        let shopify_url = sim.base_url();
        let mut stack = DevStack {
            ready: Ready {
                calculator_script_url: format!(
                    "{app_url}{}",
                    crate::storefront::script::versioned_path()
                ),
                app_url,
                admin_url: format!("{shopify_url}/store/{DEMO_SHOP}/admin/apps/{DEV_API_KEY}"),
                demo_product_url: format!(
                    "{shopify_url}/store/{DEMO_SHOP}/products/{DEMO_PRODUCT_HANDLE}"
                ),
                theme_editor_url: format!(
                    "{shopify_url}/store/{DEMO_SHOP}/admin{}",
                    crate::storefront::add_calculator_path(DEV_API_KEY)
                ),
                shopify_url,
                shop: DEMO_SHOP.to_owned(),
                storefront_api_key: String::new(),
                app_api_key: DEV_API_KEY.to_owned(),
                app_api_secret: config
                    .shopify
                    .credentials
                    .api_secret
                    .expose_secret()
                    .to_owned(),
                demo_product_id: DEMO_PRODUCT_ID
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                demo_product_gid: DEMO_PRODUCT_ID.to_owned(),
                data_dir: options.data_dir.display().to_string(),
            },
            state,
            config,
            sim,
            stop,
            server,
        };
        let shop = demo_shop();
        stack.install(&shop).await?;
        seed::demo_catalogue(&stack.state.db, &stack.state.plans, &shop).await?;
        stack.ready.storefront_api_key = seed::storefront_key(&stack, &options.data_dir).await?;
        stack.place_calculator().await?;
        Ok(stack)
    }

    /// Puts the calculator's app block on the demo shop's product pages, as a merchant does in
    /// the theme editor (the simulator's theme lives in memory, so on every start).
    async fn place_calculator(&self) -> Result<(), DevError> {
        let response = reqwest::Client::new()
            .post(format!(
                "{}/_sim/shops/{DEMO_SHOP}/theme/app-blocks",
                self.ready.shopify_url
            ))
            .json(&serde_json::json!({ "handle": crate::storefront::CALCULATOR_BLOCK, "target": "mainSection" }))
            .send()
            .await
            .map_err(|e| DevError::Install(format!("placing the calculator block: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(DevError::Install(format!(
                "placing the calculator block ended with {status}: {body}"
            )));
        }
        Ok(())
    }

    /// Installs the app on `shop` the way a merchant does: `/auth`, Shopify's grant screen
    /// (auto-approved by the simulator), the callback, and the embedded load with token exchange.
    pub async fn install(&self, shop: &ShopDomain) -> Result<(), DevError> {
        let browser = reqwest::Client::new();
        let response = browser
            .get(format!("{}/auth?shop={shop}", self.ready.app_url))
            .send()
            .await
            .map_err(|e| DevError::Install(e.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(DevError::Install(format!(
                "the install ended with {status}: {body}"
            )));
        }
        Ok(())
    }

    /// A session token for `shop`, as App Bridge's `idToken()` would give the embedded page.
    pub async fn session_token(&self, shop: &str) -> Result<String, DevError> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Minted {
            id_token: String,
        }
        let minted: Minted = reqwest::Client::new()
            .post(format!("{}/_sim/session-token", self.sim.base_url()))
            .json(&serde_json::json!({ "shop": shop }))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| DevError::Install(format!("session token: {e}")))?
            .json()
            .await
            .map_err(|e| DevError::Install(format!("session token: {e}")))?;
        Ok(minted.id_token)
    }

    pub async fn shutdown(self) {
        self.stop.cancel();
        let _ = self.server.await;
        self.sim.shutdown().await;
    }
}

pub fn demo_shop() -> ShopDomain {
    ShopDomain::parse(DEMO_SHOP).expect("the simulator's demo shop is a valid domain")
}

async fn bind(port: u16) -> Result<TcpListener, DevError> {
    TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| DevError::Io(format!("cannot listen on 127.0.0.1:{port}: {e}")))
}

fn local_addr(listener: &TcpListener) -> Result<std::net::SocketAddr, DevError> {
    listener
        .local_addr()
        .map_err(|e| DevError::Io(e.to_string()))
}

fn io_error(path: &Path, error: std::io::Error) -> DevError {
    DevError::Io(format!("{}: {error}", path.display()))
}

/// A value kept in a file of the data directory, made by `generate` the first time.
fn kept(dir: &Path, name: &str, generate: impl FnOnce() -> String) -> Result<String, DevError> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(value) if !value.trim().is_empty() => Ok(value.trim().to_owned()),
        _ => {
            let value = generate();
            write_private(&path, &value)?;
            Ok(value)
        }
    }
}

fn write_private(path: &Path, value: &str) -> Result<(), DevError> {
    std::fs::write(path, format!("{value}\n")).map_err(|e| io_error(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| io_error(path, e))?;
    }
    Ok(())
}

fn encryption_key(dir: &Path) -> Result<EncryptionKey, DevError> {
    kept(dir, ENCRYPTION_KEY_FILE, || {
        EncryptionKey::generate().to_base64()
    })?
    .parse()
    .map_err(|e| DevError::Io(format!("{}: {e}", dir.join(ENCRYPTION_KEY_FILE).display())))
}

fn app_secret(dir: &Path) -> Result<String, DevError> {
    kept(dir, APP_SECRET_FILE, || {
        EncryptionKey::generate().to_base64()
    })
}
