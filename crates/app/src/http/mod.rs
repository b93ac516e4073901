//! The HTTP edge's own parts: the state handlers share, request reading, errors as
//! problem+json, JSON writing, the middleware every request passes, and serving until shutdown.
//! Which routes there are is decided by `app`.

mod access_log;
pub mod error;
pub mod extract;
pub mod health;
pub mod json;
pub mod problem;
mod state;

pub use state::{AppState, Services};

use std::net::SocketAddr;

use axum::http::HeaderName;
use axum::response::IntoResponse;
use axum::{Router, ServiceExt};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};

use crate::metrics::Metrics;

pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Serves `router` behind the middleware every request passes (request id, access log and
/// `metrics`, panic guard) until `shutdown` completes, then lets in-flight requests finish.
///
/// The stack wraps the router once rather than through `Router::layer`, which would wrap, box
/// and clone it per route and per request: on the storefront's hot path that was measurable.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    metrics: Metrics,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let address: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(?address, "listening");
    let app = ServiceBuilder::new()
        .map_response(IntoResponse::into_response)
        .layer(SetRequestIdLayer::new(REQUEST_ID, access_log::MakeUuid))
        .layer(access_log::AccessLogLayer { metrics })
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(CatchPanicLayer::custom(problem::internal_error_from_panic))
        .service(router);
    axum::serve(
        listener,
        ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<SocketAddr>(
            app,
        ),
    )
    .with_graceful_shutdown(shutdown)
    .await
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
    tracing::info!("shutting down: finishing in-flight requests");
}
