//! `gridprice serve` as an operator runs it: a real process on a real port.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const METRICS_TOKEN: &str = "scrape-me-0123456789";

struct Server {
    child: Child,
    url: String,
    _data: tempfile::TempDir,
}

impl Server {
    async fn start() -> Server {
        let data = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_gridprice"))
            .arg("serve")
            .env_remove("DATABASE_URL")
            .env("GRIDPRICE_DATA_DIR", data.path())
            .env("GRIDPRICE_BIND", format!("127.0.0.1:{port}"))
            .env("GRIDPRICE_LOG_FORMAT", "json")
            .env("SHOPIFY_API_KEY", "test-key")
            .env("SHOPIFY_API_SECRET", "test-secret")
            .env("SHOPIFY_APP_URL", format!("http://127.0.0.1:{port}"))
            .env("GRIDPRICE_METRICS_TOKEN", METRICS_TOKEN)
            .env(
                "GRIDPRICE_ENCRYPTION_KEY",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _data: data,
        };
        server.wait_until_healthy().await;
        server
    }

    async fn wait_until_healthy(&self) {
        for _ in 0..200 {
            if reqwest::get(format!("{}/healthz", self.url)).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not come up");
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[tokio::test]
async fn serve_answers_health_readiness_and_problems_then_stops_gracefully() {
    let server = Server::start().await;
    let client = reqwest::Client::new();

    let health = client
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert!(
        health.headers().contains_key("x-request-id"),
        "a request id is assigned"
    );

    let ready = client
        .get(format!("{}/readyz", server.url))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200, "migrations applied at start-up");
    assert_eq!(
        ready.headers()["x-request-id"],
        "trace-me-42",
        "a given request id is kept"
    );
    for unsafe_id in [
        "x".repeat(129),
        "a b".to_owned(),
        "id\"><script>".to_owned(),
    ] {
        let answered = client
            .get(format!("{}/healthz", server.url))
            .header("x-request-id", &unsafe_id)
            .send()
            .await
            .unwrap();
        let echoed = answered.headers()["x-request-id"].to_str().unwrap();
        assert_eq!(
            echoed.len(),
            36,
            "a fresh id replaces {unsafe_id:?}, got {echoed}"
        );
    }
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["status"],
        "ready"
    );

    let missing = client
        .get(format!("{}/nowhere", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(
        (problem["status"].as_u64(), problem["title"].as_str()),
        (Some(404), Some("Not Found"))
    );

    let scrape = |token: Option<&str>| {
        let request = client.get(format!("{}/metrics", server.url));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
        .send()
    };
    for refused in [None, Some("scrape-me-wrong-token")] {
        let response = scrape(refused).await.unwrap();
        assert_eq!(
            response.status(),
            401,
            "GRIDPRICE_METRICS_TOKEN is required"
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
    let metrics = scrape(Some(METRICS_TOKEN)).await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(metrics.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let text = metrics.text().await.unwrap();
    for sample in [
        // The first successful /healthz of start-up, the four above, and /readyz.
        "gridprice_http_requests_total{route=\"operations\",code=\"200\"} 6",
        "gridprice_http_requests_total{route=\"operations\",code=\"401\"} 2",
        "gridprice_http_requests_total{route=\"other\",code=\"404\"} 1",
        "gridprice_draft_orders_pending 0",
        "gridprice_database_up 1",
    ] {
        assert!(
            text.lines().any(|line| line == sample),
            "{sample} in\n{text}"
        );
    }

    let status = server.terminate();
    assert!(
        status.success(),
        "SIGTERM ends the server cleanly: {status:?}"
    );
}
