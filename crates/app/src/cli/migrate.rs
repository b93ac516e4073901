//! `gridprice migrate [--status]`.

use clap::Args;

use super::CliError;
use crate::config::{ConfigSource, StorageConfig};
use gridprice_storage::Database;

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// List every migration and whether it is applied, without applying anything.
    #[arg(long)]
    status: bool,
}

pub async fn run(source: &ConfigSource, args: &MigrateArgs) -> Result<(), CliError> {
    let config = StorageConfig::from_source(source)?;
    let db = Database::connect(&config.database_url).await?;
    if !args.status {
        db.migrate().await?;
    }
    for migration in db.migration_status().await? {
        let state = if migration.applied {
            "applied"
        } else {
            "pending"
        };
        println!("{state:<8} {}", migration.name);
    }
    Ok(())
}
