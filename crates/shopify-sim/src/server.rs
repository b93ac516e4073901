//! The HTTP server: routes, and a connection loop that can close a connection without
//! answering (the timeout and lost-response faults need that, and axum::serve cannot).

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt as _;

use crate::config::SimConfig;
use crate::error::SimError;
use crate::state::SimState;
use crate::{admin, app_proxy, control, graphql, invoice, oauth, online_store};

/// Largest request body accepted anywhere (GraphQL documents, control requests).
const MAX_BODY_BYTES: usize = 256 * 1024;
/// How long shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Lets a handler close its own connection without writing a response.
#[derive(Clone, Default)]
pub struct ConnectionKill(Arc<Notify>);

impl ConnectionKill {
    /// Closes the connection; the returned future never completes because the connection
    /// task drops it together with the socket.
    pub async fn close_without_answer(&self) -> Response {
        self.0.notify_one();
        std::future::pending().await
    }
}

/// All routes; shops live under `/store/{shop}` so one process hosts many on localhost.
pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/store/{shop}/admin/oauth/authorize", get(oauth::authorize))
        .route(
            "/store/{shop}/admin/oauth/access_token",
            post(oauth::access_token),
        )
        .route(
            "/store/{shop}/admin/api/{version}/graphql.json",
            post(graphql::handle),
        )
        .route("/store/{shop}/admin", get(admin::admin_home))
        .route("/store/{shop}/admin/", get(admin::admin_home))
        .route("/store/{shop}/admin/apps/{api_key}", get(admin::app_root))
        .route(
            "/store/{shop}/admin/apps/{api_key}/{*path}",
            get(admin::app_path),
        )
        .route(
            "/store/{shop}/admin/app-bridge/{api_key}/session-token",
            post(admin::frame_session_token),
        )
        .route(
            "/store/{shop}/admin/app-bridge/{api_key}/app-url",
            post(admin::frame_app_url),
        )
        .route(
            "/store/{shop}/admin/app-bridge/{api_key}/products",
            get(admin::frame_products),
        )
        .route(
            "/store/{shop}/admin/draft_orders/{id}",
            get(admin::draft_order_page),
        )
        .route(
            "/shopifycloud/app-bridge.js",
            get(admin::assets::app_bridge),
        )
        .route("/shopifycloud/polaris-1.js", get(admin::assets::polaris))
        .route("/_sim/assets/{name}", get(admin::assets::admin_asset))
        .route("/_sim/images/products/{file}", get(admin::product_image))
        .route("/_sim/health", get(control::health))
        .route(
            "/_sim/config",
            get(control::get_config).put(control::put_config),
        )
        .route(
            "/_sim/faults",
            get(control::get_faults)
                .post(control::post_faults)
                .delete(control::delete_faults),
        )
        .route("/_sim/requests", get(control::requests))
        .route("/_sim/reset", post(control::reset))
        .route("/_sim/draft-orders", get(control::draft_orders))
        .route(
            "/_sim/shops",
            get(control::list_shops).post(control::create_shop),
        )
        .route(
            "/_sim/shops/{shop}/revoke-tokens",
            post(control::revoke_tokens),
        )
        .route("/_sim/shops/{shop}/uninstall", post(control::uninstall))
        .route(
            "/_sim/shops/{shop}/products/{id}",
            put(control::update_product).delete(control::delete_product),
        )
        .route(
            "/_sim/shops/{shop}/pricing",
            get(control::get_pricing).put(control::put_pricing),
        )
        .route(
            "/_sim/shops/{shop}/access-token",
            post(control::issue_token),
        )
        .route("/_sim/session-token", post(control::session_token))
        .merge(storefront_routes())
        .merge(crate::billing::routes())
        .route("/_sim/webhooks", post(control::send_webhook))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// What a shopper and a merchant see of the online store: product pages, the theme editor,
/// the extension's assets, the app proxy and the invoice (checkout) page, with their controls.
fn storefront_routes() -> Router<Arc<SimState>> {
    Router::new()
        .route(
            "/store/{shop}/products/{handle}",
            get(online_store::product_page),
        )
        .route(
            "/store/{shop}/cdn/extensions/{handle}/assets/{file}",
            get(online_store::asset),
        )
        .route(
            "/store/{shop}/admin/themes/current/editor",
            get(online_store::editor).post(online_store::editor_save),
        )
        .route(
            "/store/{shop}/apps/{subpath}",
            get(app_proxy::forward_root).post(app_proxy::forward_root),
        )
        .route(
            "/store/{shop}/apps/{subpath}/{*path}",
            get(app_proxy::forward).post(app_proxy::forward),
        )
        .route(
            "/store/{shop}/{shop_id}/invoices/{token}",
            get(invoice::show).post(invoice::pay),
        )
        .route("/_sim/orders", get(invoice::list_orders))
        .route("/_sim/shops/{shop}/theme", get(online_store::get_theme))
        .route(
            "/_sim/shops/{shop}/theme/app-blocks",
            post(online_store::add_app_block),
        )
        .route(
            "/_sim/shops/{shop}/theme/app-blocks/{id}",
            axum::routing::delete(online_store::remove_app_block),
        )
        .route(
            "/_sim/shops/{shop}/customer",
            put(online_store::set_customer),
        )
}

/// Entry point of the library.
pub struct Simulator;

impl Simulator {
    /// Binds `bind` (port 0 picks a free port) and serves until [`SimHandle::shutdown`].
    pub async fn start(config: SimConfig, bind: SocketAddr) -> Result<SimHandle, SimError> {
        let listener = TcpListener::bind(bind)
            .await
            .map_err(|source| SimError::Bind { addr: bind, source })?;
        Self::serve(config, listener)
    }

    /// Serves on a listener the caller bound.
    pub fn serve(config: SimConfig, listener: TcpListener) -> Result<SimHandle, SimError> {
        if url::Url::parse(&config.app_url).is_err() {
            return Err(SimError::Config(format!(
                "app_url is not a URL: {}",
                config.app_url
            )));
        }
        if config.bucket_size == 0 || config.restore_rate == 0 {
            return Err(SimError::Config(
                "bucket_size and restore_rate must be positive".to_owned(),
            ));
        }
        let mut addr = listener.local_addr().map_err(SimError::LocalAddr)?;
        if addr.ip().is_unspecified() {
            addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        let (stop_tx, stop_rx) = watch::channel(false);
        let state = SimState::new(config, format!("http://{addr}"), stop_rx.clone());
        let task = tokio::spawn(accept_loop(listener, router(state.clone()), stop_rx));
        tracing::info!(%addr, "shopify simulator listening");
        Ok(SimHandle {
            addr,
            stop_tx,
            task,
        })
    }
}

/// A running simulator. Dropping it stops the server too.
pub struct SimHandle {
    addr: SocketAddr,
    stop_tx: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl SimHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL playing the role of `https://{shop}`.
    pub fn shop_url(&self, shop: &str) -> String {
        format!("{}/store/{shop}", self.base_url())
    }

    /// Stops accepting, lets requests in flight finish (held ones are released), then returns.
    pub async fn shutdown(self) {
        let _ = self.stop_tx.send(true);
        let _ = self.task.await;
    }
}

/// Resolves once shutdown is requested (or the handle is gone).
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`; drop it before anything else awaits.
    let _ = stop.wait_for(|s| *s).await.map(|_| ());
}

async fn accept_loop(listener: TcpListener, app: Router, mut stop: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    let for_connections = stop.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(stream, peer, app.clone(), for_connections.clone()));
                }
                Err(error) => {
                    // Usually running out of file descriptors: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = stopped(&mut stop) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        connections.abort_all();
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    mut stop: watch::Receiver<bool>,
) {
    let kill = ConnectionKill::default();
    let handle = kill.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut request = request.map(axum::body::Body::new);
        request.extensions_mut().insert(handle.clone());
        // The client's address, as the app proxy forwards it (`X-Forwarded-For`).
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        let app = app.clone();
        async move {
            match app.oneshot(request).await {
                Ok(response) => Ok::<_, Infallible>(response),
                Err(never) => match never {},
            }
        }
    });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = kill.0.notified() => return,
        _ = stopped(&mut stop) => {}
    }
    connection.as_mut().graceful_shutdown();
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = kill.0.notified() => {}
    }
}
