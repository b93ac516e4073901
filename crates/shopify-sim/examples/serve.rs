//! Runs the simulator on its own, for trying the admin frame by hand:
//!
//! ```sh
//! cargo run -p shopify-sim --example serve -- 9292 http://127.0.0.1:8080
//! # then open http://127.0.0.1:9292/store/demo-shop.myshopify.com/admin/apps/gridprice-dev-api-key
//! ```
//!
//! Arguments: the port (default 9292) and the app URL (default `SimConfig`'s). Stops on Ctrl-C.

use shopify_sim::{SimConfig, Simulator};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().map(|p| p.parse()).transpose()?.unwrap_or(9292);
    let mut config = SimConfig::default();
    if let Some(app_url) = args.next() {
        config.app_url = app_url;
    }
    let sim = Simulator::start(config, ([127, 0, 0, 1], port).into()).await?;
    println!("simulator at {}", sim.base_url());
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await;
    Ok(())
}
