//! The `gridprice` command.

#[cfg(feature = "dev")]
mod dev;
mod migrate;
mod quote;
mod serve;
#[cfg(feature = "dev")]
mod shopify_sim;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{ConfigError, ConfigSource, LogFormat, LOG_FORMAT};

/// Gridprice prices made-to-measure products (glass, blinds, fabric, signage) from
/// width × height price matrices and turns a shopper's choice into a Shopify draft order.
///
/// Configuration comes from the environment (see README.md), optionally seeded from a file.
#[derive(Debug, Parser)]
#[command(name = "gridprice", version, about, long_about)]
pub struct Cli {
    /// A file of KEY=VALUE lines using the same names as the environment; the environment wins.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the app, a local Shopify and an installed, seeded demo store (development).
    #[cfg(feature = "dev")]
    Dev(dev::DevArgs),
    /// Run the production server (applies pending migrations first).
    Serve,
    /// Apply pending database migrations, or list them with --status.
    Migrate(migrate::MigrateArgs),
    /// Price a size from a CSV matrix and print the storefront price response as JSON.
    Quote(Box<quote::QuoteArgs>),
    /// Run the local Shopify simulator on its own.
    #[cfg(feature = "dev")]
    ShopifySim(shopify_sim::ShopifySimArgs),
}

/// A failure the user can act on; printed as one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input: a bad file, number or size. Exit status 2.
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Database(#[from] gridprice_storage::DatabaseError),
    #[error(transparent)]
    Build(#[from] crate::app::BuildError),
    #[error("{0}")]
    Runtime(String),
}

impl CliError {
    fn exit_code(&self) -> ExitCode {
        match self {
            Self::Input(_) | Self::Config(_) => ExitCode::from(2),
            Self::Database(_) | Self::Build(_) | Self::Runtime(_) => ExitCode::from(1),
        }
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            error.exit_code()
        }
    }
}

fn execute(cli: Cli) -> Result<(), CliError> {
    let source = ConfigSource::from_environment(cli.config.as_deref())?;
    match cli.command {
        Command::Quote(args) => quote::run(&args),
        #[cfg(feature = "dev")]
        Command::Dev(args) => {
            init_logging(&source)?;
            block_on(dev::run(&source, &args))
        }
        #[cfg(feature = "dev")]
        Command::ShopifySim(args) => {
            init_logging(&source)?;
            block_on(shopify_sim::run(&args))
        }
        Command::Serve => {
            init_logging(&source)?;
            block_on(serve::run(&source))
        }
        Command::Migrate(args) => {
            init_logging(&source)?;
            block_on(migrate::run(&source, &args))
        }
    }
}

fn init_logging(source: &ConfigSource) -> Result<(), CliError> {
    let format: LogFormat = source.parse(LOG_FORMAT)?.unwrap_or_default();
    crate::telemetry::init(format);
    Ok(())
}

fn block_on(task: impl std::future::Future<Output = Result<(), CliError>>) -> Result<(), CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Runtime(format!("cannot start the async runtime: {e}")))?
        .block_on(task)
}
