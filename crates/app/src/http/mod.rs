//! The HTTP server: routes from every feature, the shared middleware stack, graceful shutdown.

mod access_log;
pub mod error;
mod health;
pub mod problem;

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode};
use axum::response::IntoResponse;
use axum::{Router, ServiceExt};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;

use crate::state::AppState;
use crate::{api_keys, auth, stores, webhooks};
use problem::Problem;

pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// No endpoint reads more (every body is read by an axum extractor, which enforces it, answered
/// as problem+json); CSV uploads (1 MiB) are the largest legitimate body, and most routers set
/// a smaller limit of their own.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Every feature's routes with their own middleware (the `/api/v1` gate), without the stack
/// [`serve`] puts around them.
///
/// Every route but the storefront reads has a whole-request deadline (503 after
/// [`REQUEST_TIMEOUT`]) and a body limit. The reads answer from memory and read no body; their
/// one wait, a cold catalogue load, has its own deadline (`catalog::LOAD_TIMEOUT`), which spares
/// the hot path a timer per request.
fn router(state: AppState) -> Router {
    let timed = Router::new()
        .merge(health::routes())
        .merge(crate::metrics::routes::routes())
        .merge(auth::routes())
        .merge(stores::routes::routes())
        .merge(api_keys::routes::routes())
        .merge(crate::matrices::routes::routes())
        .merge(crate::products::routes::routes())
        .merge(crate::options::routes::routes())
        .merge(crate::audit::routes::routes())
        .merge(crate::stores::settings::routes())
        .merge(crate::draft_orders::admin::routes())
        .merge(crate::admin::routes())
        .merge(webhooks::routes())
        .merge(crate::draft_orders::routes::admin_routes())
        .merge(crate::storefront::with_api_v1_layers(
            &state,
            crate::draft_orders::routes::routes(),
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ));
    Router::new()
        .merge(timed)
        .merge(crate::storefront::api_v1(&state))
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, "No such endpoint.") })
        .with_state(state)
}

/// Serves `state`'s [`router`] behind the middleware every request passes (request id, access
/// log and metrics, panic guard) until `shutdown` completes, then lets in-flight requests finish.
///
/// The stack wraps the router once rather than through `Router::layer`, which would wrap, box
/// and clone it per route and per request: on the storefront's hot path that was measurable.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let address: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(?address, "listening");
    let app = ServiceBuilder::new()
        .map_response(IntoResponse::into_response)
        .layer(SetRequestIdLayer::new(REQUEST_ID, access_log::MakeUuid))
        .layer(access_log::AccessLogLayer {
            metrics: state.metrics.clone(),
        })
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(CatchPanicLayer::custom(problem::internal_error_from_panic))
        .service(router(state));
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
