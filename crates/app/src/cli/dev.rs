//! `gridprice dev`: the app, the local Shopify and the demo store, in one command.

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::billing::Plans;
use crate::config::{ConfigSource, RateLimits, ServerLimits, DATABASE_URL};
use crate::dev::{DevOptions, DevStack, Ready};
use crate::http::shutdown_signal;

#[derive(Debug, Args)]
pub struct DevArgs {
    /// Port of the app.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Port of the local Shopify simulator.
    #[arg(long, default_value_t = 9292)]
    shopify_port: u16,
    /// Where the SQLite database and the generated keys are kept between runs.
    #[arg(long, default_value = ".gridprice/dev")]
    data_dir: PathBuf,
}

pub async fn run(source: &ConfigSource, args: &DevArgs) -> Result<(), CliError> {
    let options = DevOptions {
        port: args.port,
        shopify_port: args.shopify_port,
        data_dir: args.data_dir.clone(),
        database_url: source.parse(DATABASE_URL)?,
        shopify_client: Default::default(),
        rate_limits: RateLimits::from_source(source)?,
        server: ServerLimits::from_source(source)?,
        plans: Plans::from_source(source)?,
    };
    let stack = DevStack::start(options)
        .await
        .map_err(|e| CliError::Runtime(e.to_string()))?;
    let ready = serde_json::to_string(&stack.ready)
        .map_err(|e| CliError::Runtime(format!("cannot write the ready line: {e}")))?;
    println!("ready {ready}");
    println!("{}", guide(&stack.ready));
    shutdown_signal().await;
    stack.shutdown().await;
    Ok(())
}

fn guide(ready: &Ready) -> String {
    format!(
        "\nGridprice is running with a local Shopify and the demo shop {shop} installed.\n\
         \n  Price the demo product (a 450 × 250 mm glass panel, 2 pieces):\n\
         \n    curl -H 'X-API-Key: {key}' \\\n      '{app}/api/v1/products/{product}/price?width=450&height=250&quantity=2'\n\
         \n  Open the app as the Shopify admin would:   {admin}\
         \n  Shop as a customer (calculator, checkout): {product_page}\
         \n  Add the calculator block in the theme editor: {editor}\
         \n  The calculator for headless pages:         {script}\
         \n  Simulator controls (faults, webhooks):     {sim}/_sim/  (see crates/shopify-sim/README.md)\
         \n  Data (SQLite, keys) is kept in {data}; Ctrl-C stops everything.",
        shop = ready.shop,
        key = ready.storefront_api_key,
        app = ready.app_url,
        product = ready.demo_product_id,
        sim = ready.shopify_url,
        admin = ready.admin_url,
        product_page = ready.demo_product_url,
        editor = ready.theme_editor_url,
        script = ready.calculator_script_url,
        data = ready.data_dir,
    )
}
