//! `gridprice serve`.

use super::CliError;
use crate::app::App;
use crate::config::{ConfigSource, ServeConfig};
use crate::http;

pub async fn run(source: &ConfigSource) -> Result<(), CliError> {
    let config = ServeConfig::from_source(source)?;
    if config.app.metrics_token.is_none() {
        tracing::warn!(
            "GRIDPRICE_METRICS_TOKEN is not set: /metrics answers anyone who can reach this server"
        );
    }
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| {
            CliError::Runtime(format!(
                "GRIDPRICE_BIND: cannot listen on {}: {e}",
                config.bind
            ))
        })?;
    let app = App::build(config.app).await?;
    app.serve(listener, http::shutdown_signal())
        .await
        .map_err(|e| CliError::Runtime(format!("the server stopped: {e}")))
}
