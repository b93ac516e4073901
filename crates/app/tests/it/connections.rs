//! What the server allows a connection (issue: slow clients held connections for ever): a
//! request head that never finishes is cut off, connections are capped, and a body that never
//! arrives is answered with a problem the storefront can read — over raw sockets, because an
//! HTTP client would not misbehave on purpose.

use std::time::Duration;

use gridprice::config::ServerLimits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::storefront_support::serve_with;
use crate::support::TestStack;

/// Far longer than any limit under test: only a server that never answers reaches it.
const PATIENCE: Duration = Duration::from_secs(60);

async fn connect(base: &str) -> TcpStream {
    TcpStream::connect(base.trim_start_matches("http://"))
        .await
        .expect("connect")
}

/// Everything the server sends until it closes the connection.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection")
        .expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

/// A well-behaved request, on a connection of its own: a kept-alive one may just have been
/// closed for idling.
async fn health(base: &str) -> reqwest::StatusCode {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client")
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("health")
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_head_that_never_finishes_is_cut_off_while_others_are_answered() {
    let stack = TestStack::sqlite().await;
    let limits = ServerLimits {
        header_timeout: Duration::from_secs(1),
        ..ServerLimits::default()
    };
    let (base, stop) = serve_with(stack.state().clone(), limits).await;
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut stream = connect(&base).await;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: gridprice\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(stream);
    }
    let mut idle = connect(&base).await;
    assert_eq!(health(&base).await, 200, "others are answered");
    for mut stream in slow {
        let answer = read_to_close(&mut stream).await;
        assert!(!answer.contains("200 OK"), "{answer}");
    }
    assert_eq!(
        read_to_close(&mut idle).await,
        "",
        "an idle connection is closed too"
    );
    assert_eq!(health(&base).await, 200);
    stop.cancel();
    stack.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_wait_for_a_free_one() {
    let stack = TestStack::sqlite().await;
    let limits = ServerLimits {
        header_timeout: PATIENCE,
        max_connections: 1,
    };
    let (base, stop) = serve_with(stack.state().clone(), limits).await;
    let holder = connect(&base).await;
    let mut waiting = connect(&base).await;
    waiting
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: gridprice\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), waiting.read(&mut first)).await;
    assert!(
        early.is_err(),
        "answered while the only connection was taken"
    );
    drop(holder);
    let answer = read_to_close(&mut waiting).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    stop.cancel();
    stack.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_arrives_gets_a_problem_the_storefront_can_read() {
    let stack = TestStack::sqlite().await;
    let mut stream = connect(&stack.app("")).await;
    let head = format!(
        "POST /api/v1/draft-orders HTTP/1.1\r\nHost: gridprice\r\nX-Api-Key: {}\r\n\
         Origin: https://shop.example\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\nConnection: close\r\n\r\n{{\"productId\":",
        stack.storefront_key()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_to_close(&mut stream).await.to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 503"), "{answer}");
    assert!(
        answer.contains("content-type: application/problem+json"),
        "{answer}"
    );
    assert!(answer.contains("retry-after: "), "{answer}");
    assert!(
        answer.contains("access-control-allow-origin: https://shop.example"),
        "{answer}"
    );
    assert!(answer.contains("\"status\":503"), "{answer}");
    stack.finish().await;
}
