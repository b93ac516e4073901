//! The storage layer's one error type.

use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("it was changed by someone else meanwhile (now at version {current})")]
    StaleVersion { current: i64 },
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

impl StorageError {
    /// Maps a unique-constraint violation to a conflict with a message for people.
    pub fn conflict_on_duplicate(error: DbErr, message: impl FnOnce() -> String) -> Self {
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::Conflict(message()),
            _ => Self::Database(error),
        }
    }

    pub fn corrupt(what: impl std::fmt::Display) -> Self {
        Self::Corrupt(what.to_string())
    }
}

pub type StorageResult<T> = Result<T, StorageError>;
