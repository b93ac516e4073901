//! `DATABASE_URL`: which backend, parsed once at start-up.

use std::path::Path;
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

#[derive(Debug, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error("DATABASE_URL must start with sqlite: or postgres:// (got scheme {0:?})")]
    UnknownScheme(String),
    #[error("DATABASE_URL is not a valid {backend} URL: {reason}")]
    Invalid {
        backend: &'static str,
        reason: String,
    },
}

/// A parsed `DATABASE_URL`. Its Debug output never shows credentials.
#[derive(Clone)]
pub enum DatabaseUrl {
    Sqlite(SqliteConnectOptions),
    Postgres(PgConnectOptions),
}

impl DatabaseUrl {
    /// The default: a SQLite file inside the data directory.
    pub fn sqlite_file(path: &Path) -> Self {
        Self::Sqlite(SqliteConnectOptions::new().filename(path))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(options) => write!(f, "sqlite:{}", options.get_filename().display()),
            Self::Postgres(options) => write!(
                f,
                "postgres://{}:{}/{}",
                options.get_host(),
                options.get_port(),
                options.get_database().unwrap_or_default()
            ),
        }
    }
}

impl FromStr for DatabaseUrl {
    type Err = DatabaseUrlError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => SqliteConnectOptions::from_str(url)
                .map(Self::Sqlite)
                .map_err(|e| DatabaseUrlError::Invalid {
                    backend: "SQLite",
                    reason: e.to_string(),
                }),
            "postgres" | "postgresql" => PgConnectOptions::from_str(url)
                .map(Self::Postgres)
                .map_err(|e| DatabaseUrlError::Invalid {
                    backend: "PostgreSQL",
                    reason: e.to_string(),
                }),
            other => Err(DatabaseUrlError::UnknownScheme(other.to_owned())),
        }
    }
}
