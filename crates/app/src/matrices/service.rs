//! Merchant changes to matrices: each one a transaction with its audit entry, followed by
//! invalidating the store's cached catalogue.

use pricing::{Dimension, OutOfRangePolicy, PriceMatrix, Unit};
use serde::Serialize;

use super::storage::{self, StoredMatrix};
use super::MatrixId;
use crate::admin::MAX_NAME_CHARS;
use crate::audit::{Action, AuditedWrite, Entry};
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::state::AppState;

const COPY_PREFIX: &str = "Copy of ";

/// What the audit log keeps of a matrix: everything but the prices, which would make every
/// entry as large as the grid.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    name: String,
    version: i64,
    unit: Unit,
    out_of_range: OutOfRangePolicy,
    widths: Vec<String>,
    heights: Vec<String>,
}

impl Snapshot {
    fn of(stored: &StoredMatrix) -> Self {
        let values = |axis: &[Dimension]| axis.iter().map(|d| d.value().to_string()).collect();
        Self {
            name: stored.name.clone(),
            version: stored.version,
            unit: stored.matrix.unit(),
            out_of_range: stored.matrix.policy(),
            widths: values(stored.matrix.widths()),
            heights: values(stored.matrix.heights()),
        }
    }
}

pub async fn get(
    state: &AppState,
    session: &AdminSession,
    id: MatrixId,
) -> Result<StoredMatrix, ApiError> {
    Ok(storage::load(&state.db, session.store.id, id).await?)
}

/// Saves a new matrix; `action` tells the log whether it came from JSON or a CSV file.
pub async fn create(
    state: &AppState,
    session: &AdminSession,
    name: &str,
    matrix: &PriceMatrix,
    action: Action,
) -> Result<StoredMatrix, ApiError> {
    let write = AuditedWrite::begin(&state.db, session).await?;
    let created = storage::create_in(write.txn(), session.store.id, name, matrix).await?;
    let entry = Entry::new(action, created.id.get()).after(&Snapshot::of(&created));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(created)
}

/// Replaces `current`'s grid if nobody changed it since the client read `expected_version`.
pub async fn replace(
    state: &AppState,
    session: &AdminSession,
    current: &StoredMatrix,
    expected_version: i64,
    matrix: &PriceMatrix,
) -> Result<StoredMatrix, ApiError> {
    let write = AuditedWrite::begin(&state.db, session).await?;
    let store = session.store.id;
    let replaced =
        storage::replace_in(write.txn(), store, current.id, expected_version, matrix).await?;
    let entry = Entry::new(Action::MatrixReplace, current.id.get())
        .before(&Snapshot::of(current))
        .after(&Snapshot::of(&replaced));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(replaced)
}

/// Renames a matrix and returns its new version.
pub async fn rename(
    state: &AppState,
    session: &AdminSession,
    id: MatrixId,
    name: &str,
) -> Result<i64, ApiError> {
    let store = session.store.id;
    let before = storage::load(&state.db, store, id).await?;
    let write = AuditedWrite::begin(&state.db, session).await?;
    let version = storage::rename_in(write.txn(), store, id, name).await?;
    let entry = Entry::new(Action::MatrixRename, id.get())
        .before(&serde_json::json!({ "name": before.name }))
        .after(&serde_json::json!({ "name": name, "version": version }));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(version)
}

/// Copies a matrix under the first free name "Copy of X", "Copy of X (2)", …
pub async fn duplicate(
    state: &AppState,
    session: &AdminSession,
    id: MatrixId,
) -> Result<StoredMatrix, ApiError> {
    let store = session.store.id;
    let source = storage::load(&state.db, store, id).await?;
    let taken: Vec<String> = storage::list(&state.db, store)
        .await?
        .into_iter()
        .map(|summary| summary.name)
        .collect();
    let name = copy_name(&source.name, &taken);
    let write = AuditedWrite::begin(&state.db, session).await?;
    let copy = storage::create_in(write.txn(), store, &name, &source.matrix).await?;
    let entry = Entry::new(Action::MatrixDuplicate, copy.id.get())
        .before(&serde_json::json!({ "sourceId": id }))
        .after(&Snapshot::of(&copy));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(copy)
}

/// Deletes a matrix with its product assignments; draft order records keep its name.
pub async fn delete(
    state: &AppState,
    session: &AdminSession,
    id: MatrixId,
) -> Result<(), ApiError> {
    let store = session.store.id;
    let before = storage::load(&state.db, store, id).await?;
    let write = AuditedWrite::begin(&state.db, session).await?;
    if !storage::delete_in(write.txn(), store, id).await? {
        return Err(ApiError::NotFound("No such matrix.".into()));
    }
    let entry = Entry::new(Action::MatrixDelete, id.get()).before(&Snapshot::of(&before));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(())
}

/// "Copy of <name>" made unique among `taken` with a counter, shortened to fit the name limit.
fn copy_name(source: &str, taken: &[String]) -> String {
    (1..)
        .map(|n| {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!(" ({n})")
            };
            let room = MAX_NAME_CHARS - COPY_PREFIX.len() - suffix.chars().count();
            let base: String = source.chars().take(room).collect();
            format!("{COPY_PREFIX}{}{suffix}", base.trim_end())
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_get_the_first_free_name_within_the_limit() {
        let taken = vec!["Copy of Glass".to_owned(), "Copy of Glass (2)".to_owned()];
        assert_eq!(copy_name("Glass", &[]), "Copy of Glass");
        assert_eq!(copy_name("Glass", &taken), "Copy of Glass (3)");
        let long = "x".repeat(MAX_NAME_CHARS);
        assert_eq!(copy_name(&long, &[]).chars().count(), MAX_NAME_CHARS);
    }
}
