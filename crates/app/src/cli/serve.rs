//! `gridprice serve`.

use tokio_util::sync::CancellationToken;

use super::CliError;
use crate::config::{ConfigSource, ServeConfig};
use crate::db::Database;
use crate::http;
use crate::jobs::spawn_worker;
use crate::state::AppState;

pub async fn run(source: &ConfigSource) -> Result<(), CliError> {
    let config = ServeConfig::from_source(source)?;
    if config.metrics_token.is_none() {
        tracing::warn!(
            "GRIDPRICE_METRICS_TOKEN is not set: /metrics answers anyone who can reach this server"
        );
    }
    let db = Database::connect(&config.storage.database_url).await?;
    db.migrate().await?;
    let state = AppState::new(db, config.shopify, &config.encryption_key)
        .map_err(|e| CliError::Runtime(format!("cannot build the HTTP client: {e}")))?
        .with_rate_limits(config.rate_limits)
        .with_metrics_token(config.metrics_token);
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| {
            CliError::Runtime(format!(
                "GRIDPRICE_BIND: cannot listen on {}: {e}",
                config.bind
            ))
        })?;
    let stop = CancellationToken::new();
    let worker = spawn_worker(state.clone(), stop.clone());
    let catalog_listener =
        crate::catalog::spawn_listener(state.catalog.clone(), &state.db, stop.clone());
    let served = http::serve(listener, state, http::shutdown_signal()).await;
    stop.cancel();
    let _ = worker.await;
    let _ = catalog_listener.await;
    served.map_err(|e| CliError::Runtime(format!("the server stopped: {e}")))
}
