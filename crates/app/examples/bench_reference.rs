//! The references for `scripts/bench-http.sh`, on the same tokio/axum/hyper stack, allocator and
//! release profile as Gridprice, both answering every GET with the real price response's document:
//!
//! - `json`: the smallest axum JSON endpoint — `axum::Json` serializing that document, parsed once
//!   at start-up into a `serde_json::Value` (the budget's "minimal JSON endpoint of the same size");
//! - `static`: the document's bytes as they are, no serialization at all (a stricter floor).
//!
//! Usage: `bench_reference <json|static> <port> <body-file>`; listens on 127.0.0.1 only.

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::{Json, Router};

/// The allocator `gridprice` itself runs with, so the servers differ only in their work.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, port, path] = args.as_slice() else {
        eprintln!("usage: bench_reference <json|static> <port> <body-file>");
        std::process::exit(2);
    };
    let port: u16 = port.parse().expect("the port is a number");
    let body = std::fs::read(path)?;
    let respond = match kind.as_str() {
        "json" => {
            let document: &'static serde_json::Value =
                Box::leak(Box::new(serde_json::from_slice(&body)?));
            get(move || async move { Json(document) })
        }
        "static" => {
            let body = Bytes::from(body);
            get(move || async move { ([(CONTENT_TYPE, "application/json")], body) })
        }
        other => {
            eprintln!("unknown reference {other:?}: json or static");
            std::process::exit(2);
        }
    };
    let app = Router::new().route("/{*path}", respond);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("ready http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
