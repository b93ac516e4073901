//! Draft-order throughput against the simulator's leaky bucket (docs/PERFORMANCE.md).
//!
//! Starts a whole dev stack in this process (simulator, app on a real port, demo shop installed
//! and seeded, the Shopify client's default timeouts and retry budget), sets the bucket, and has
//! `--clients` storefront clients POST draft orders over HTTP back to back for `--seconds`. The
//! sustained rate counts the orders that complete after `--warmup` seconds (the bucket's initial
//! burst) and is compared with the bucket's restore rate in orders/s (restoreRate / 10 points).
//!
//! `cargo run --release -p gridprice --example bench_draft_orders -- --help`

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use clap::Parser;
use gridprice::dev::{DevOptions, DevStack};
use serde_json::{json, Value};

/// What draftOrderCreate costs in the simulator, as on Shopify.
const ORDER_COST: f64 = 10.0;

#[derive(Debug, Parser)]
struct Args {
    #[arg(long, default_value_t = 100)]
    bucket_size: u32,
    /// Points restored per second.
    #[arg(long, default_value_t = 50)]
    restore_rate: u32,
    /// Concurrent storefront clients, each sending its next order when the last one is answered.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// How long orders are sent (at most 300).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=300))]
    seconds: u64,
    /// Orders answered before this many seconds are the initial burst, left out of the rate.
    #[arg(long, default_value_t = 10)]
    warmup: u64,
}

/// One answered order: when it was answered (since the start), its status, how long it took.
struct Outcome {
    at: Duration,
    status: u16,
    latency: Duration,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    assert!(
        args.warmup < args.seconds,
        "--warmup must be below --seconds"
    );
    let data = tempfile::tempdir()?;
    let stack = DevStack::start(DevOptions {
        port: 0,
        shopify_port: 0,
        data_dir: data.path().to_path_buf(),
        database_url: None,
        shopify_client: Default::default(),
        rate_limits: Default::default(),
        server: Default::default(),
        plans: Default::default(),
    })
    .await?;
    let ready = stack.ready.clone();
    let http = reqwest::Client::new();
    http.put(format!("{}/_sim/config", ready.shopify_url))
        .json(&json!({ "bucketSize": args.bucket_size, "restoreRate": args.restore_rate }))
        .send()
        .await?
        .error_for_status()?;
    println!("load average before: {}", load_average());

    let start = Instant::now();
    let end = start + Duration::from_secs(args.seconds);
    let clients = (0..args.clients).map(|_| {
        let (http, ready) = (http.clone(), ready.clone());
        tokio::spawn(async move {
            let mut outcomes = Vec::new();
            while Instant::now() < end {
                let sent = Instant::now();
                let status = http
                    .post(format!("{}/api/v1/draft-orders", ready.app_url))
                    .header("x-api-key", &ready.storefront_api_key)
                    .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                    .json(&json!({
                        "productId": ready.demo_product_id,
                        "width": 450, "height": 250, "quantity": 1
                    }))
                    .send()
                    .await
                    .map_or(0, |response| response.status().as_u16());
                let at = start.elapsed();
                outcomes.push(Outcome {
                    at,
                    status,
                    latency: sent.elapsed(),
                });
            }
            outcomes
        })
    });
    let mut outcomes = Vec::new();
    for client in futures::future::join_all(clients).await {
        outcomes.extend(client?);
    }

    let created: Vec<&Outcome> = outcomes.iter().filter(|o| o.status / 100 == 2).collect();
    let mut errors = BTreeMap::new();
    for outcome in outcomes.iter().filter(|o| o.status / 100 != 2) {
        *errors.entry(outcome.status).or_insert(0) += 1;
    }
    let window = (args.warmup, args.seconds);
    let in_window = created
        .iter()
        .filter(|o| (window.0..window.1).contains(&o.at.as_secs()))
        .count();
    let sustained = in_window as f64 / (window.1 - window.0) as f64;
    let bucket_rate = f64::from(args.restore_rate) / ORDER_COST;
    let mut latencies: Vec<Duration> = created.iter().map(|o| o.latency).collect();
    latencies.sort();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .map_or(0.0, Duration::as_secs_f64)
    };

    let sim_orders = get(
        &http,
        &ready.shopify_url,
        &format!("draft-orders?shop={}", ready.shop),
    )
    .await?["draftOrders"]
        .as_array()
        .map_or(0, Vec::len);
    let sim_requests = &get(&http, &ready.shopify_url, "requests").await?["shops"][&ready.shop];
    let store =
        gridprice_storage::stores::find_by_shop(&stack.state.db, &gridprice::dev::demo_shop())
            .await?
            .ok_or("the demo store is missing")?;

    println!("load average after: {}", load_average());
    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| bucket | size {}, restore {}/s = {bucket_rate:.1} orders/s |",
        args.bucket_size, args.restore_rate
    );
    println!(
        "| clients × duration | {} × {} s |",
        args.clients, args.seconds
    );
    println!("| orders created (2xx) | {} |", created.len());
    println!(
        "| errors returned to callers | {} {errors:?} |",
        outcomes.len() - created.len()
    );
    println!(
        "| sustained, {}–{} s | {sustained:.2} orders/s = {:.1}% of the bucket's rate |",
        window.0,
        window.1,
        100.0 * sustained / bucket_rate
    );
    println!(
        "| latency of created orders | p50 {:.2} s, p99 {:.2} s, max {:.2} s |",
        percentile(0.5),
        percentile(0.99),
        percentile(1.0)
    );
    println!(
        "| simulator draft orders / store counter | {sim_orders} / {} |",
        store.total_draft_orders_created
    );
    println!(
        "| simulator GraphQL calls / throttled | {} / {} |",
        sim_requests["graphql"], sim_requests["throttled"]
    );
    stack.shutdown().await;
    Ok(())
}

async fn get(http: &reqwest::Client, sim: &str, path: &str) -> reqwest::Result<Value> {
    http.get(format!("{sim}/_sim/{path}"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await
}

fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
