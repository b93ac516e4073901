//! `gridprice shopify-sim`: the local Shopify on its own, for a separately run app.

use clap::Args;
use shopify_sim::{SimConfig, Simulator};

use super::CliError;
use crate::http::shutdown_signal;

#[derive(Debug, Args)]
pub struct ShopifySimArgs {
    /// Port to listen on (127.0.0.1).
    #[arg(long, default_value_t = 9292)]
    port: u16,
    /// The app's URL: OAuth redirects and webhooks go there.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    app_url: String,
    /// The app's API key (client id); must match the app's SHOPIFY_API_KEY.
    #[arg(long, env = "SHOPIFY_API_KEY", default_value = "gridprice-dev")]
    api_key: String,
    /// The app's API secret; must match the app's SHOPIFY_API_SECRET.
    #[arg(long, env = "SHOPIFY_API_SECRET", hide_env_values = true)]
    api_secret: String,
}

pub async fn run(args: &ShopifySimArgs) -> Result<(), CliError> {
    let config = SimConfig {
        api_key: args.api_key.clone(),
        api_secret: args.api_secret.clone(),
        app_url: args.app_url.clone(),
        ..SimConfig::default()
    };
    let bind = std::net::SocketAddr::from(([127, 0, 0, 1], args.port));
    let sim = Simulator::start(config, bind)
        .await
        .map_err(|e| CliError::Runtime(e.to_string()))?;
    println!("shopify-sim listening on {}", sim.base_url());
    println!(
        "shops live at {}/store/{{shop}}; controls at {}/_sim/",
        sim.base_url(),
        sim.base_url()
    );
    shutdown_signal().await;
    sim.shutdown().await;
    Ok(())
}
