//! The reference for `scripts/bench-http.sh`: the smallest axum JSON endpoint, on the same
//! tokio/axum/hyper stack and release profile as Gridprice, answering every GET with the bytes
//! of a file (the real price response, so both servers send bodies of the same size).
//!
//! Usage: `bench_reference <port> <body-file>`; listens on 127.0.0.1 only.

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::Router;

/// The allocator `gridprice` itself runs with, so the two servers differ only in their work.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(port), Some(path)) = (args.next(), args.next()) else {
        eprintln!("usage: bench_reference <port> <body-file>");
        std::process::exit(2);
    };
    let port: u16 = port.parse().expect("the port is a number");
    let body = Bytes::from(std::fs::read(path)?);
    let respond = get(move || async move { ([(CONTENT_TYPE, "application/json")], body) });
    let app = Router::new().route("/{*path}", respond);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("ready http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
