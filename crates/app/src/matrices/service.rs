//! Merchant changes to matrices: each one a unit of work with its audit entry.

use gridprice_storage::audit::{Action, AuditEntry};
use gridprice_storage::matrices::{self as storage, StoredMatrix};
use gridprice_storage::{Database, Editor, MatrixId, UnitOfWork};
use pricing::{Dimension, OutOfRangePolicy, PriceMatrix, Unit};
use serde::Serialize;

use crate::billing::{Entitlement, Plans, Resource};
use crate::error::ServiceError;
use crate::names::MAX_NAME_CHARS;

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

/// Saves a new matrix if the store's plan has room for it; `action` tells the log whether it
/// came from JSON or a CSV file.
pub async fn create(
    db: &Database,
    editor: &Editor,
    plans: &Plans,
    name: &str,
    matrix: &PriceMatrix,
    action: Action,
) -> Result<StoredMatrix, ServiceError> {
    let entitlement = Entitlement::load(db, plans, editor.store.id).await?;
    let work = UnitOfWork::begin(db, editor).await?;
    entitlement.ensure_room(&work, Resource::Matrices).await?;
    let created = storage::create(&work, name, matrix).await?;
    let entry = AuditEntry::new(action, created.id.get()).after(&Snapshot::of(&created));
    work.commit(entry).await?;
    Ok(created)
}

/// Replaces `current`'s grid if nobody changed it since the client read `expected_version`.
pub async fn replace(
    db: &Database,
    editor: &Editor,
    current: &StoredMatrix,
    expected_version: i64,
    matrix: &PriceMatrix,
) -> Result<StoredMatrix, ServiceError> {
    let work = UnitOfWork::begin(db, editor).await?;
    let replaced = storage::replace(&work, current.id, expected_version, matrix).await?;
    let entry = AuditEntry::new(Action::MatrixReplace, current.id.get())
        .before(&Snapshot::of(current))
        .after(&Snapshot::of(&replaced));
    work.commit(entry).await?;
    Ok(replaced)
}

/// Renames a matrix and returns its new version.
pub async fn rename(
    db: &Database,
    editor: &Editor,
    id: MatrixId,
    name: &str,
) -> Result<i64, ServiceError> {
    let before = storage::load(db, editor.store.id, id).await?;
    let work = UnitOfWork::begin(db, editor).await?;
    let version = storage::rename(&work, id, name).await?;
    let entry = AuditEntry::new(Action::MatrixRename, id.get())
        .before(&serde_json::json!({ "name": before.name }))
        .after(&serde_json::json!({ "name": name, "version": version }));
    work.commit(entry).await?;
    Ok(version)
}

/// Copies a matrix under the first free name "Copy of X", "Copy of X (2)", … if the store's
/// plan has room for it.
pub async fn duplicate(
    db: &Database,
    editor: &Editor,
    plans: &Plans,
    id: MatrixId,
) -> Result<StoredMatrix, ServiceError> {
    let store = editor.store.id;
    let entitlement = Entitlement::load(db, plans, store).await?;
    let source = storage::load(db, store, id).await?;
    let taken: Vec<String> = storage::list(db, store)
        .await?
        .into_iter()
        .map(|summary| summary.name)
        .collect();
    let name = copy_name(&source.name, &taken);
    let work = UnitOfWork::begin(db, editor).await?;
    entitlement.ensure_room(&work, Resource::Matrices).await?;
    let copy = storage::create(&work, &name, &source.matrix).await?;
    let entry = AuditEntry::new(Action::MatrixDuplicate, copy.id.get())
        .before(&serde_json::json!({ "sourceId": id }))
        .after(&Snapshot::of(&copy));
    work.commit(entry).await?;
    Ok(copy)
}

/// Deletes a matrix with its product assignments; draft order records keep its name.
pub async fn delete(db: &Database, editor: &Editor, id: MatrixId) -> Result<(), ServiceError> {
    let before = storage::load(db, editor.store.id, id).await?;
    let work = UnitOfWork::begin(db, editor).await?;
    if !storage::delete(&work, id).await? {
        return Err(ServiceError::NotFound("No such matrix.".into()));
    }
    let entry = AuditEntry::new(Action::MatrixDelete, id.get()).before(&Snapshot::of(&before));
    work.commit(entry).await?;
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
