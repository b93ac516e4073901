//! `gridprice serve`.

use super::CliError;
use crate::config::{ConfigSource, ServeConfig};
use crate::db::Database;
use crate::http::{self, AppState};

pub async fn run(source: &ConfigSource) -> Result<(), CliError> {
    let config = ServeConfig::from_source(source)?;
    let db = Database::connect(&config.storage.database_url).await?;
    db.migrate().await?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| {
            CliError::Runtime(format!(
                "GRIDPRICE_BIND: cannot listen on {}: {e}",
                config.bind
            ))
        })?;
    http::serve(listener, http::router(AppState { db }))
        .await
        .map_err(|e| CliError::Runtime(format!("the server stopped: {e}")))
}
