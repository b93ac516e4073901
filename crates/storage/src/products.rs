//! Product → matrix assignments (one matrix per product and store), and what Gridprice keeps
//! of a product, refreshed and forgotten as Shopify reports it changed or deleted.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use crate::entities::{price_matrices, product_matrices, product_option_groups};
use crate::{Database, MatrixId, StorageError, StorageResult, StoreId, UnitOfWork};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub product_gid: String,
    pub product_title: String,
    /// The featured image as Shopify last reported it.
    pub product_image_url: Option<String>,
    pub default_variant_gid: Option<String>,
    pub matrix_id: MatrixId,
    pub assigned_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewAssignment<'a> {
    pub product_gid: &'a str,
    pub product_title: &'a str,
    pub product_image_url: Option<&'a str>,
    pub default_variant_gid: Option<&'a str>,
    pub matrix_id: MatrixId,
}

/// What may happen to a product that already has another matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// It keeps its matrix: the conflict names it.
    Refuse,
    /// It moves, whichever matrix it has.
    FromAny,
    /// It moves only from this matrix — the one the merchant agreed to take it from. On another
    /// one (a second tab moved it meanwhile) the conflict names that one.
    From(MatrixId),
}

impl Move {
    fn allows(self, current: MatrixId) -> bool {
        match self {
            Self::Refuse => false,
            Self::FromAny => true,
            Self::From(expected) => expected == current,
        }
    }
}

/// Assigns a matrix to a product; a product that already has another matrix moves only as
/// `moving` allows, else the conflict names its current matrix.
pub async fn assign(
    work: &UnitOfWork<'_>,
    new: NewAssignment<'_>,
    moving: Move,
) -> StorageResult<Assignment> {
    let (txn, store) = (work.txn(), work.store());
    let matrix_exists = price_matrices::Entity::find()
        .filter(price_matrices::Column::Id.eq(new.matrix_id.get()))
        .filter(price_matrices::Column::StoreId.eq(store.get()))
        .one(txn)
        .await?
        .is_some();
    if !matrix_exists {
        return Err(StorageError::NotFound("matrix"));
    }
    let existing = find_row(txn, store, new.product_gid).await?;
    let row = match existing {
        Some(current)
            if current.matrix_id != new.matrix_id.get()
                && !moving.allows(MatrixId::new(current.matrix_id)) =>
        {
            let current_name = price_matrices::Entity::find_by_id(current.matrix_id)
                .one(txn)
                .await?
                .map(|m| m.name)
                .unwrap_or_default();
            return Err(StorageError::Conflict(format!(
                "the product already uses the matrix {current_name:?} (id {}); \
                 send \"replace\": true and \"fromMatrixId\": {} to move it",
                current.matrix_id, current.matrix_id
            )));
        }
        Some(current) => {
            let mut row = current.into_active_model();
            row.matrix_id = Set(new.matrix_id.get());
            row.product_title = Set(new.product_title.to_owned());
            row.product_image_url = Set(new.product_image_url.map(str::to_owned));
            row.default_variant_gid = Set(new.default_variant_gid.map(str::to_owned));
            row.assigned_at = Set(Utc::now());
            row.update(txn).await?
        }
        None => product_matrices::ActiveModel {
            store_id: Set(store.get()),
            matrix_id: Set(new.matrix_id.get()),
            product_gid: Set(new.product_gid.to_owned()),
            product_title: Set(new.product_title.to_owned()),
            product_image_url: Set(new.product_image_url.map(str::to_owned)),
            default_variant_gid: Set(new.default_variant_gid.map(str::to_owned)),
            assigned_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|e| {
            StorageError::conflict_on_duplicate(e, || "the product was assigned meanwhile".into())
        })?,
    };
    Ok(assignment_from_row(row))
}

pub async fn unassign(work: &UnitOfWork<'_>, product_gid: &str) -> StorageResult<bool> {
    let result = product_matrices::Entity::delete_many()
        .filter(product_matrices::Column::StoreId.eq(work.store().get()))
        .filter(product_matrices::Column::ProductGid.eq(product_gid))
        .exec(work.txn())
        .await?;
    Ok(result.rows_affected == 1)
}

/// Stores the product's title and image as Shopify reports them now; `false` when the product
/// has no matrix (Gridprice keeps nothing else of it to show).
pub async fn refresh(
    work: &UnitOfWork<'_>,
    product_gid: &str,
    title: &str,
    image_url: Option<&str>,
) -> StorageResult<bool> {
    let result = product_matrices::Entity::update_many()
        .col_expr(
            product_matrices::Column::ProductTitle,
            Expr::value(title.to_owned()),
        )
        .col_expr(
            product_matrices::Column::ProductImageUrl,
            Expr::value(image_url.map(str::to_owned)),
        )
        .filter(product_matrices::Column::StoreId.eq(work.store().get()))
        .filter(product_matrices::Column::ProductGid.eq(product_gid))
        .exec(work.txn())
        .await?;
    Ok(result.rows_affected == 1)
}

/// Forgets a product Shopify deleted: its matrix and its option groups. Draft order records
/// keep their own copy of what was ordered and stay. `false` when nothing was kept.
pub async fn forget(work: &UnitOfWork<'_>, product_gid: &str) -> StorageResult<bool> {
    let (txn, store) = (work.txn(), work.store());
    let groups = product_option_groups::Entity::delete_many()
        .filter(product_option_groups::Column::StoreId.eq(store.get()))
        .filter(product_option_groups::Column::ProductGid.eq(product_gid))
        .exec(txn)
        .await?;
    let matrix = product_matrices::Entity::delete_many()
        .filter(product_matrices::Column::StoreId.eq(store.get()))
        .filter(product_matrices::Column::ProductGid.eq(product_gid))
        .exec(txn)
        .await?;
    Ok(groups.rows_affected + matrix.rows_affected > 0)
}

/// How many products have a matrix.
pub async fn count(db: &Database, store: StoreId) -> StorageResult<u64> {
    Ok(product_matrices::Entity::find()
        .filter(product_matrices::Column::StoreId.eq(store.get()))
        .count(db.connection())
        .await?)
}

pub async fn find(
    db: &Database,
    store: StoreId,
    product_gid: &str,
) -> StorageResult<Option<Assignment>> {
    Ok(find_row(db.connection(), store, product_gid)
        .await?
        .map(assignment_from_row))
}

pub async fn list(db: &Database, store: StoreId) -> StorageResult<Vec<Assignment>> {
    Ok(product_matrices::Entity::find()
        .filter(product_matrices::Column::StoreId.eq(store.get()))
        .order_by_asc(product_matrices::Column::ProductTitle)
        .all(db.connection())
        .await?
        .into_iter()
        .map(assignment_from_row)
        .collect())
}

async fn find_row(
    connection: &impl ConnectionTrait,
    store: StoreId,
    product_gid: &str,
) -> StorageResult<Option<product_matrices::Model>> {
    Ok(product_matrices::Entity::find()
        .filter(product_matrices::Column::StoreId.eq(store.get()))
        .filter(product_matrices::Column::ProductGid.eq(product_gid))
        .one(connection)
        .await?)
}

fn assignment_from_row(row: product_matrices::Model) -> Assignment {
    Assignment {
        product_gid: row.product_gid,
        product_title: row.product_title,
        product_image_url: row.product_image_url,
        default_variant_gid: row.default_variant_gid,
        matrix_id: MatrixId::new(row.matrix_id),
        assigned_at: row.assigned_at,
    }
}
