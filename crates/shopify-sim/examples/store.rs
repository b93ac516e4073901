//! Runs the simulator with the repository's theme app extension, for trying the online store,
//! the theme editor, the app proxy and checkout by hand:
//!
//! ```sh
//! cargo run -p shopify-sim --example store -- 9292 http://127.0.0.1:8080
//! # product page:  http://127.0.0.1:9292/store/demo-shop.myshopify.com/products/glass-panel
//! # add the block: http://127.0.0.1:9292/store/demo-shop.myshopify.com/admin/themes/current/editor?template=product&addAppBlockId=gridprice-dev-api-key/calculator&target=mainSection
//! ```
//!
//! Arguments: port (default 9292) and the app's URL (default `http://127.0.0.1:8080`; the app
//! proxy forwards to `{app_url}/proxy`). Stops on Ctrl-C.

use std::path::Path;

use shopify_sim::{SimConfig, Simulator};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().map(|p| p.parse()).transpose()?.unwrap_or(9292);
    let app_url = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned());
    let extension =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../extensions/gridprice-calculator");
    let config = SimConfig {
        app_url,
        theme_extension_dir: Some(extension.canonicalize()?),
        ..SimConfig::default()
    };
    let sim = Simulator::start(config, ([127, 0, 0, 1], port).into()).await?;
    println!("shopify-sim at {}", sim.base_url());
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await;
    Ok(())
}
