//! The HTTP edge's own parts: the state handlers share, request reading, errors as
//! problem+json, JSON writing, the middleware every request passes, and serving until shutdown.
//! Which routes there are is decided by `app`.

mod access_log;
pub mod error;
pub mod extract;
pub mod health;
pub mod json;
pub mod problem;
pub mod rate_limit;
mod state;

pub use state::{AppState, Services};

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::Request;
use axum::http::{HeaderName, StatusCode};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::{ServiceBuilder, ServiceExt};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;

use crate::config::ServerLimits;
use crate::metrics::Metrics;

pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The whole-request deadline of every route but the storefront reads.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A request not answered within [`REQUEST_TIMEOUT`] (a body that never arrives, a database
/// that does not answer) gets a 503, made problem+json with `Retry-After` by [`serve`].
pub fn deadline() -> TimeoutLayer {
    TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT)
}

/// How long a connection whose accept failed (usually out of file descriptors) waits before
/// the next accept: no spinning.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Serves `router` behind the middleware every request passes (request id, access log and
/// `metrics`, panic guard, errors as problem+json) until `shutdown` completes, then lets
/// in-flight requests finish.
///
/// Connections are served by hyper directly rather than through `axum::serve`, which sets no
/// timer: a client that never finishes its request head (or keeps an idle connection open)
/// would hold its connection for ever. Here the head must arrive within
/// `limits.header_timeout` — also the longest a kept-alive connection waits idle for its next
/// request, since waiting for a head is what an idle connection does — and at most
/// `limits.max_connections` are served at once; beyond that, accepting waits.
///
/// The stack wraps the router once rather than through `Router::layer`, which would wrap, box
/// and clone it per route and per request: on the storefront's hot path that was measurable.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    metrics: Metrics,
    limits: ServerLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let address: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(?address, "listening");
    let app = ServiceBuilder::new()
        .layer(problem::ProblemLayer)
        .map_request(access_log::drop_unsafe_request_id)
        .layer(SetRequestIdLayer::new(REQUEST_ID, access_log::MakeUuid))
        .layer(access_log::AccessLogLayer { metrics })
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(CatchPanicLayer::custom(problem::internal_error_from_panic))
        .service(router);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request: Request = request.map(axum::body::Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request)
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that went away or sent garbage is its own business.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing in-flight requests");
    graceful.shutdown().await;
    Ok(())
}

/// SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
