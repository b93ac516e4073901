//! Matrices with their breakpoints and cells, saved and loaded as a whole.
//! Breakpoints are stored as integers in ten-thousandths of the matrix unit: exact, and the
//! `Dimension` rules (at most 4 decimals) guarantee the conversion loses nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use pricing::{Dimension, OutOfRangePolicy, PriceMatrix, Unit};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    AccessMode, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend,
    EntityTrait, IsolationLevel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use crate::entities::{breakpoints, matrix_cells, price_matrices, product_matrices};
use crate::{Database, MatrixId, StorageError, StorageResult, StoreId, UnitOfWork};

const WIDTH: &str = "width";
const HEIGHT: &str = "height";
const BREAKPOINT_SCALE: u32 = 4;
/// Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const CELLS_PER_INSERT: usize = 1000;

#[derive(Debug, Clone)]
pub struct StoredMatrix {
    pub id: MatrixId,
    pub store_id: StoreId,
    pub name: String,
    pub version: i64,
    pub matrix: PriceMatrix,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A matrix without its grid, as listings show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatrixSummary {
    pub id: MatrixId,
    pub name: String,
    pub unit: Unit,
    pub out_of_range: OutOfRangePolicy,
    pub version: i64,
    /// Width and height breakpoints: the grid is `widths × heights`.
    pub widths: i64,
    pub heights: i64,
    pub assigned_products: i64,
    pub updated_at: DateTime<Utc>,
}

pub async fn create(
    work: &UnitOfWork<'_>,
    name: &str,
    matrix: &PriceMatrix,
) -> StorageResult<StoredMatrix> {
    let (txn, store) = (work.txn(), work.store());
    let now = Utc::now();
    let row = price_matrices::ActiveModel {
        store_id: Set(store.get()),
        name: Set(name.to_owned()),
        unit: Set(matrix.unit().as_str().to_owned()),
        out_of_range: Set(matrix.policy().to_string()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| duplicate_name(e, name))?;
    insert_grid(txn, row.id, matrix).await?;
    stored(row, matrix.clone())
}

/// Replaces the whole grid if the caller saw the current `expected_version`.
pub async fn replace(
    work: &UnitOfWork<'_>,
    id: MatrixId,
    expected_version: i64,
    matrix: &PriceMatrix,
) -> StorageResult<StoredMatrix> {
    let (txn, store) = (work.txn(), work.store());
    // The versioned UPDATE comes first: it takes the write lock and decides the race.
    let updated = price_matrices::Entity::update_many()
        .col_expr(
            price_matrices::Column::Version,
            Expr::col(price_matrices::Column::Version).add(1),
        )
        .col_expr(
            price_matrices::Column::Unit,
            Expr::value(matrix.unit().as_str()),
        )
        .col_expr(
            price_matrices::Column::OutOfRange,
            Expr::value(matrix.policy().to_string()),
        )
        .col_expr(price_matrices::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(scoped(store, id))
        .filter(price_matrices::Column::Version.eq(expected_version))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        let current = find_row(txn, store, id).await?;
        return Err(StorageError::StaleVersion {
            current: current.version,
        });
    }
    breakpoints::Entity::delete_many()
        .filter(breakpoints::Column::MatrixId.eq(id.get()))
        .exec(txn)
        .await?;
    matrix_cells::Entity::delete_many()
        .filter(matrix_cells::Column::MatrixId.eq(id.get()))
        .exec(txn)
        .await?;
    insert_grid(txn, id.get(), matrix).await?;
    let row = find_row(txn, store, id).await?;
    stored(row, matrix.clone())
}

/// Renames a matrix and returns its new version; the version moves on like any other change.
pub async fn rename(work: &UnitOfWork<'_>, id: MatrixId, name: &str) -> StorageResult<i64> {
    let (txn, store) = (work.txn(), work.store());
    let updated = price_matrices::Entity::update_many()
        .col_expr(price_matrices::Column::Name, Expr::value(name))
        .col_expr(
            price_matrices::Column::Version,
            Expr::col(price_matrices::Column::Version).add(1),
        )
        .col_expr(price_matrices::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(scoped(store, id))
        .exec(txn)
        .await
        .map_err(|e| duplicate_name(e, name))?;
    if updated.rows_affected != 1 {
        return Err(StorageError::NotFound("matrix"));
    }
    Ok(find_row(txn, store, id).await?.version)
}

pub async fn load(db: &Database, store: StoreId, id: MatrixId) -> StorageResult<StoredMatrix> {
    // Row, breakpoints and cells are three statements; they must see one version of the
    // matrix even while a replace commits between them.
    let txn = snapshot(db).await?;
    let row = find_row(&txn, store, id).await?;
    let axes = breakpoints::Entity::find()
        .filter(breakpoints::Column::MatrixId.eq(row.id))
        .order_by_asc(breakpoints::Column::Position)
        .all(&txn)
        .await?;
    let cells = matrix_cells::Entity::find()
        .filter(matrix_cells::Column::MatrixId.eq(row.id))
        .all(&txn)
        .await?;
    txn.commit().await?;
    let matrix = matrix_from_rows(&row, &axes, &cells)?;
    stored(row, matrix)
}

/// A read-only transaction whose statements all see one committed state: REPEATABLE READ on
/// PostgreSQL, whose default gives each statement a snapshot of its own; on SQLite any
/// transaction does (and SQLite refuses the settings).
async fn snapshot(db: &Database) -> StorageResult<DatabaseTransaction> {
    let connection = db.connection();
    let postgres = connection.get_database_backend() == DbBackend::Postgres;
    let isolation = postgres.then_some(IsolationLevel::RepeatableRead);
    let access = postgres.then_some(AccessMode::ReadOnly);
    Ok(connection.begin_with_config(isolation, access).await?)
}

pub async fn list(db: &Database, store: StoreId) -> StorageResult<Vec<MatrixSummary>> {
    let rows = price_matrices::Entity::find()
        .filter(price_matrices::Column::StoreId.eq(store.get()))
        .order_by_asc(price_matrices::Column::Name)
        .all(db.connection())
        .await?;
    let counts: HashMap<i64, i64> = product_matrices::Entity::find()
        .select_only()
        .column(product_matrices::Column::MatrixId)
        .column_as(product_matrices::Column::Id.count(), "assigned")
        .filter(product_matrices::Column::StoreId.eq(store.get()))
        .group_by(product_matrices::Column::MatrixId)
        .into_tuple::<(i64, i64)>()
        .all(db.connection())
        .await?
        .into_iter()
        .collect();
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let sizes: HashMap<(i64, String), i64> = breakpoints::Entity::find()
        .select_only()
        .column(breakpoints::Column::MatrixId)
        .column(breakpoints::Column::Axis)
        .column_as(breakpoints::Column::Id.count(), "size")
        .filter(breakpoints::Column::MatrixId.is_in(ids))
        .group_by(breakpoints::Column::MatrixId)
        .group_by(breakpoints::Column::Axis)
        .into_tuple::<(i64, String, i64)>()
        .all(db.connection())
        .await?
        .into_iter()
        .map(|(matrix, axis, size)| ((matrix, axis), size))
        .collect();
    let size = |id: i64, axis: &str| sizes.get(&(id, axis.to_owned())).copied().unwrap_or(0);
    rows.into_iter()
        .map(|row| {
            Ok(MatrixSummary {
                widths: size(row.id, WIDTH),
                heights: size(row.id, HEIGHT),
                id: MatrixId::new(row.id),
                unit: row.unit.parse().map_err(StorageError::corrupt)?,
                out_of_range: row.out_of_range.parse().map_err(StorageError::corrupt)?,
                version: row.version,
                assigned_products: counts.get(&row.id).copied().unwrap_or(0),
                updated_at: row.updated_at,
                name: row.name,
            })
        })
        .collect()
}

/// Deletes a matrix and its assignments; its draft order records keep their name snapshot.
pub async fn delete(work: &UnitOfWork<'_>, id: MatrixId) -> StorageResult<bool> {
    let result = price_matrices::Entity::delete_many()
        .filter(scoped(work.store(), id))
        .exec(work.txn())
        .await?;
    Ok(result.rows_affected == 1)
}

/// How many matrices the store has.
pub async fn count(db: &Database, store: StoreId) -> StorageResult<u64> {
    count_on(db.connection(), store).await
}

pub(crate) async fn count_on(
    connection: &impl ConnectionTrait,
    store: StoreId,
) -> StorageResult<u64> {
    Ok(price_matrices::Entity::find()
        .filter(price_matrices::Column::StoreId.eq(store.get()))
        .count(connection)
        .await?)
}

fn scoped(store: StoreId, id: MatrixId) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(price_matrices::Column::Id.eq(id.get()))
        .add(price_matrices::Column::StoreId.eq(store.get()))
}

async fn find_row(
    connection: &impl ConnectionTrait,
    store: StoreId,
    id: MatrixId,
) -> StorageResult<price_matrices::Model> {
    price_matrices::Entity::find()
        .filter(scoped(store, id))
        .one(connection)
        .await?
        .ok_or(StorageError::NotFound("matrix"))
}

fn duplicate_name(error: sea_orm::DbErr, name: &str) -> StorageError {
    StorageError::conflict_on_duplicate(error, || format!("a matrix named {name:?} already exists"))
}

async fn insert_grid(
    connection: &impl ConnectionTrait,
    matrix_id: i64,
    matrix: &PriceMatrix,
) -> StorageResult<()> {
    let axis_rows = axis_rows(matrix_id, WIDTH, matrix.widths())
        .chain(axis_rows(matrix_id, HEIGHT, matrix.heights()))
        .collect::<StorageResult<Vec<_>>>()?;
    breakpoints::Entity::insert_many(axis_rows)
        .exec(connection)
        .await?;
    let cells: Vec<_> = matrix
        .cells()
        .map(|cell| matrix_cells::ActiveModel {
            matrix_id: Set(matrix_id),
            width_position: Set(position(cell.width_index)),
            height_position: Set(position(cell.height_index)),
            price_minor: Set(cell.price_minor),
            ..Default::default()
        })
        .collect();
    for chunk in cells.chunks(CELLS_PER_INSERT) {
        matrix_cells::Entity::insert_many(chunk.to_vec())
            .exec(connection)
            .await?;
    }
    Ok(())
}

fn axis_rows<'a>(
    matrix_id: i64,
    axis: &'static str,
    values: &'a [Dimension],
) -> impl Iterator<Item = StorageResult<breakpoints::ActiveModel>> + 'a {
    values.iter().enumerate().map(move |(index, value)| {
        Ok(breakpoints::ActiveModel {
            matrix_id: Set(matrix_id),
            axis: Set(axis.to_owned()),
            position: Set(position(index)),
            value_e4: Set(to_e4(value.value())?),
            ..Default::default()
        })
    })
}

/// Matrices have at most 100 breakpoints per axis, so positions always fit.
fn position(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}

fn to_e4(value: Decimal) -> StorageResult<i64> {
    let mut scaled = value;
    scaled.rescale(BREAKPOINT_SCALE);
    if scaled != value {
        return Err(StorageError::corrupt(format!(
            "breakpoint {value} has more than 4 decimals"
        )));
    }
    i64::try_from(scaled.mantissa()).map_err(StorageError::corrupt)
}

fn from_e4(value: i64) -> Decimal {
    Decimal::new(value, BREAKPOINT_SCALE).normalize()
}

fn matrix_from_rows(
    row: &price_matrices::Model,
    axes: &[breakpoints::Model],
    cells: &[matrix_cells::Model],
) -> StorageResult<PriceMatrix> {
    let axis = |name: &str| -> Vec<Decimal> {
        axes.iter()
            .filter(|b| b.axis == name)
            .map(|b| from_e4(b.value_e4))
            .collect()
    };
    let (widths, heights) = (axis(WIDTH), axis(HEIGHT));
    let mut grid = vec![vec![None; widths.len()]; heights.len()];
    for cell in cells {
        let slot = usize::try_from(cell.height_position)
            .ok()
            .zip(usize::try_from(cell.width_position).ok())
            .and_then(|(h, w)| grid.get_mut(h).and_then(|row| row.get_mut(w)));
        match slot {
            Some(slot) => *slot = Some(cell.price_minor),
            None => {
                return Err(StorageError::corrupt(format!(
                    "matrix {} has a stray cell",
                    row.id
                )))
            }
        }
    }
    let unit: Unit = row.unit.parse().map_err(StorageError::corrupt)?;
    let policy: OutOfRangePolicy = row.out_of_range.parse().map_err(StorageError::corrupt)?;
    PriceMatrix::new(unit, policy, widths, heights, grid).map_err(StorageError::corrupt)
}

fn stored(row: price_matrices::Model, matrix: PriceMatrix) -> StorageResult<StoredMatrix> {
    Ok(StoredMatrix {
        id: MatrixId::new(row.id),
        store_id: StoreId::from_row(row.store_id),
        name: row.name,
        version: row.version,
        matrix,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
