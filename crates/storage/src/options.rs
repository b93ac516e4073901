//! Option groups ("Glass type: Clear / Tempered +15.00 / Laminated +20%") with their choices,
//! and their assignment to products.

use std::collections::HashMap;

use chrono::Utc;
use pricing::{BasisPoints, Modifier};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::entities::{option_choices, option_groups, product_matrices, product_option_groups};
use crate::{ChoiceId, Database, OptionGroupId, StorageError, StorageResult, StoreId, UnitOfWork};

/// Whether the shopper must pick a choice (or get the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    Required,
    Optional,
}

impl Requirement {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "REQUIRED",
            Self::Optional => "OPTIONAL",
        }
    }
}

impl std::str::FromStr for Requirement {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "REQUIRED" => Ok(Self::Required),
            "OPTIONAL" => Ok(Self::Optional),
            other => Err(format!(
                "unknown requirement {other:?} (REQUIRED or OPTIONAL)"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionChoice {
    pub id: ChoiceId,
    pub label: String,
    pub modifier: Modifier,
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionGroup {
    pub id: OptionGroupId,
    pub name: String,
    pub requirement: Requirement,
    pub version: i64,
    pub choices: Vec<OptionChoice>,
}

/// A group as the merchant submits it; choices keep the order given.
#[derive(Debug, Clone)]
pub struct NewOptionGroup {
    pub name: String,
    pub requirement: Requirement,
    pub choices: Vec<NewChoice>,
}

#[derive(Debug, Clone)]
pub struct NewChoice {
    pub label: String,
    pub modifier: Modifier,
    pub is_default: bool,
}

const FIXED: &str = "FIXED";
const PERCENTAGE: &str = "PERCENTAGE";

pub async fn create_group(
    work: &UnitOfWork<'_>,
    group: &NewOptionGroup,
) -> StorageResult<OptionGroup> {
    let (txn, store) = (work.txn(), work.store());
    let now = Utc::now();
    let row = option_groups::ActiveModel {
        store_id: Set(store.get()),
        name: Set(group.name.clone()),
        requirement: Set(group.requirement.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    insert_choices(txn, row.id, group).await?;
    load_group(txn, store, OptionGroupId::new(row.id)).await
}

/// Replaces a group's name, requirement and choices; the version moves on.
pub async fn replace_group(
    work: &UnitOfWork<'_>,
    id: OptionGroupId,
    group: &NewOptionGroup,
) -> StorageResult<OptionGroup> {
    let (txn, store) = (work.txn(), work.store());
    let updated = option_groups::Entity::update_many()
        .col_expr(option_groups::Column::Name, Expr::value(group.name.clone()))
        .col_expr(
            option_groups::Column::Requirement,
            Expr::value(group.requirement.as_str()),
        )
        .col_expr(
            option_groups::Column::Version,
            Expr::col(option_groups::Column::Version).add(1),
        )
        .col_expr(option_groups::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(option_groups::Column::Id.eq(id.get()))
        .filter(option_groups::Column::StoreId.eq(store.get()))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(StorageError::NotFound("option group"));
    }
    option_choices::Entity::delete_many()
        .filter(option_choices::Column::GroupId.eq(id.get()))
        .exec(txn)
        .await?;
    insert_choices(txn, id.get(), group).await?;
    load_group(txn, store, id).await
}

pub async fn get_group(
    db: &Database,
    store: StoreId,
    id: OptionGroupId,
) -> StorageResult<OptionGroup> {
    load_group(db.connection(), store, id).await
}

pub async fn list_groups(db: &Database, store: StoreId) -> StorageResult<Vec<OptionGroup>> {
    let rows = option_groups::Entity::find()
        .filter(option_groups::Column::StoreId.eq(store.get()))
        .order_by_asc(option_groups::Column::Name)
        .all(db.connection())
        .await?;
    with_choices(db.connection(), rows).await
}

pub async fn delete_group(work: &UnitOfWork<'_>, id: OptionGroupId) -> StorageResult<bool> {
    let result = option_groups::Entity::delete_many()
        .filter(option_groups::Column::Id.eq(id.get()))
        .filter(option_groups::Column::StoreId.eq(work.store().get()))
        .exec(work.txn())
        .await?;
    Ok(result.rows_affected == 1)
}

/// How many option groups the store has.
pub async fn count_groups(db: &Database, store: StoreId) -> StorageResult<u64> {
    count_groups_on(db.connection(), store).await
}

pub(crate) async fn count_groups_on(
    connection: &impl ConnectionTrait,
    store: StoreId,
) -> StorageResult<u64> {
    Ok(option_groups::Entity::find()
        .filter(option_groups::Column::StoreId.eq(store.get()))
        .count(connection)
        .await?)
}

/// Sets the product's groups, in display order, replacing what it had.
pub async fn set_product_groups(
    work: &UnitOfWork<'_>,
    product_gid: &str,
    groups: &[OptionGroupId],
) -> StorageResult<()> {
    let (txn, store) = (work.txn(), work.store());
    // Not while a group is being added to it elsewhere (see `set_group_products`), which only
    // adds to products with a matrix: one without has no row to take and needs none.
    lock_product(txn, store, product_gid).await?;
    product_option_groups::Entity::delete_many()
        .filter(product_option_groups::Column::StoreId.eq(store.get()))
        .filter(product_option_groups::Column::ProductGid.eq(product_gid))
        .exec(txn)
        .await?;
    let owned = option_groups::Entity::find()
        .filter(option_groups::Column::StoreId.eq(store.get()))
        .filter(option_groups::Column::Id.is_in(groups.iter().map(|g| g.get())))
        .all(txn)
        .await?;
    if owned.len() != groups.len() {
        return Err(StorageError::NotFound("option group"));
    }
    for (position, group) in groups.iter().enumerate() {
        product_option_groups::ActiveModel {
            store_id: Set(store.get()),
            product_gid: Set(product_gid.to_owned()),
            group_id: Set(group.get()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|e| StorageError::conflict_on_duplicate(e, || "a group is listed twice".into()))?;
    }
    Ok(())
}

/// The product's groups in display order.
pub async fn groups_for_product(
    db: &Database,
    store: StoreId,
    product_gid: &str,
) -> StorageResult<Vec<OptionGroup>> {
    let order: Vec<i64> = product_option_groups::Entity::find()
        .filter(product_option_groups::Column::StoreId.eq(store.get()))
        .filter(product_option_groups::Column::ProductGid.eq(product_gid))
        .order_by_asc(product_option_groups::Column::Position)
        .all(db.connection())
        .await?
        .into_iter()
        .map(|row| row.group_id)
        .collect();
    let rows = option_groups::Entity::find()
        .filter(option_groups::Column::StoreId.eq(store.get()))
        .filter(option_groups::Column::Id.is_in(order.iter().copied()))
        .all(db.connection())
        .await?;
    let mut groups: HashMap<OptionGroupId, OptionGroup> = with_choices(db.connection(), rows)
        .await?
        .into_iter()
        .map(|group| (group.id, group))
        .collect();
    Ok(order
        .into_iter()
        .filter_map(|id| groups.remove(&OptionGroupId::new(id)))
        .collect())
}

/// One product showing one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupAssignment {
    pub group_id: OptionGroupId,
    pub product_gid: String,
}

/// Every product → group assignment of the store, by product in display order.
pub async fn assignments(db: &Database, store: StoreId) -> StorageResult<Vec<GroupAssignment>> {
    Ok(product_option_groups::Entity::find()
        .filter(product_option_groups::Column::StoreId.eq(store.get()))
        .order_by_asc(product_option_groups::Column::ProductGid)
        .order_by_asc(product_option_groups::Column::Position)
        .all(db.connection())
        .await?
        .into_iter()
        .map(|row| GroupAssignment {
            group_id: OptionGroupId::new(row.group_id),
            product_gid: row.product_gid,
        })
        .collect())
}

/// Every product's groups in display order, by product GID.
pub async fn group_ids_by_product(
    db: &Database,
    store: StoreId,
) -> StorageResult<HashMap<String, Vec<OptionGroupId>>> {
    let mut by_product: HashMap<String, Vec<OptionGroupId>> = HashMap::new();
    for assignment in assignments(db, store).await? {
        by_product
            .entry(assignment.product_gid)
            .or_default()
            .push(assignment.group_id);
    }
    Ok(by_product)
}

/// Makes exactly `products` show the group: it goes after the groups of each product that did
/// not show it, and from each product not listed; the other groups keep their order. A product
/// it is added to must have a matrix in the store. Returns, for each product it was added to,
/// how many groups that product now shows (the caller holds them to its limit before
/// committing).
pub async fn set_group_products(
    work: &UnitOfWork<'_>,
    group: OptionGroupId,
    products: &[String],
) -> StorageResult<Vec<(String, u64)>> {
    let (txn, store) = (work.txn(), work.store());
    let group_row = option_groups::Entity::find()
        .filter(option_groups::Column::Id.eq(group.get()))
        .filter(option_groups::Column::StoreId.eq(store.get()))
        .one(txn)
        .await?;
    if group_row.is_none() {
        return Err(StorageError::NotFound("option group"));
    }
    let of_group = || {
        product_option_groups::Entity::find()
            .filter(product_option_groups::Column::StoreId.eq(store.get()))
            .filter(product_option_groups::Column::GroupId.eq(group.get()))
    };
    product_option_groups::Entity::delete_many()
        .filter(product_option_groups::Column::StoreId.eq(store.get()))
        .filter(product_option_groups::Column::GroupId.eq(group.get()))
        .filter(product_option_groups::Column::ProductGid.is_not_in(products.iter().cloned()))
        .exec(txn)
        .await?;
    let showing: Vec<String> = of_group()
        .all(txn)
        .await?
        .into_iter()
        .map(|row| row.product_gid)
        .collect();
    let mut added = Vec::new();
    for product in products.iter().filter(|p| !showing.contains(p)) {
        if !lock_product(txn, store, product).await? {
            return Err(StorageError::NotFound("product with a price matrix"));
        }
        let rows = product_option_groups::Entity::find()
            .filter(product_option_groups::Column::StoreId.eq(store.get()))
            .filter(product_option_groups::Column::ProductGid.eq(product.as_str()))
            .all(txn)
            .await?;
        let position = rows.iter().map(|row| row.position + 1).max().unwrap_or(0);
        product_option_groups::ActiveModel {
            store_id: Set(store.get()),
            product_gid: Set(product.clone()),
            group_id: Set(group.get()),
            position: Set(position),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|e| {
            StorageError::conflict_on_duplicate(e, || "a product is listed twice".into())
        })?;
        added.push((product.clone(), rows.len() as u64 + 1));
    }
    Ok(added)
}

/// Takes the product's matrix assignment row for the rest of the transaction, so two changes
/// to one product's groups (a group added here, or the product's whole list replaced) count
/// and write them one after the other. False when the product has no matrix in the store (no
/// row to take).
async fn lock_product(
    connection: &impl ConnectionTrait,
    store: StoreId,
    product_gid: &str,
) -> StorageResult<bool> {
    let locked = product_matrices::Entity::update_many()
        .col_expr(
            product_matrices::Column::ProductTitle,
            Expr::col(product_matrices::Column::ProductTitle).into(),
        )
        .filter(product_matrices::Column::StoreId.eq(store.get()))
        .filter(product_matrices::Column::ProductGid.eq(product_gid))
        .exec(connection)
        .await?;
    Ok(locked.rows_affected > 0)
}

async fn insert_choices(
    connection: &impl ConnectionTrait,
    group_id: i64,
    group: &NewOptionGroup,
) -> StorageResult<()> {
    for (position, choice) in group.choices.iter().enumerate() {
        let (kind, value) = modifier_columns(choice.modifier);
        option_choices::ActiveModel {
            group_id: Set(group_id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            label: Set(choice.label.clone()),
            modifier_type: Set(kind.to_owned()),
            modifier_value: Set(value),
            is_default: Set(choice.is_default),
            ..Default::default()
        }
        .insert(connection)
        .await
        .map_err(|e| {
            StorageError::conflict_on_duplicate(e, || {
                format!("the label {:?} is used twice in this group", choice.label)
            })
        })?;
    }
    Ok(())
}

async fn load_group(
    connection: &impl ConnectionTrait,
    store: StoreId,
    id: OptionGroupId,
) -> StorageResult<OptionGroup> {
    let row = option_groups::Entity::find()
        .filter(option_groups::Column::Id.eq(id.get()))
        .filter(option_groups::Column::StoreId.eq(store.get()))
        .one(connection)
        .await?
        .ok_or(StorageError::NotFound("option group"))?;
    with_choices(connection, vec![row])
        .await?
        .pop()
        .ok_or(StorageError::NotFound("option group"))
}

async fn with_choices(
    connection: &impl ConnectionTrait,
    groups: Vec<option_groups::Model>,
) -> StorageResult<Vec<OptionGroup>> {
    let mut choices: HashMap<i64, Vec<OptionChoice>> = HashMap::new();
    let rows = option_choices::Entity::find()
        .filter(option_choices::Column::GroupId.is_in(groups.iter().map(|g| g.id)))
        .order_by_asc(option_choices::Column::Position)
        .all(connection)
        .await?;
    for row in rows {
        choices
            .entry(row.group_id)
            .or_default()
            .push(choice_from_row(&row)?);
    }
    groups
        .into_iter()
        .map(|group| {
            Ok(OptionGroup {
                id: OptionGroupId::new(group.id),
                requirement: group.requirement.parse().map_err(StorageError::corrupt)?,
                version: group.version,
                choices: choices.remove(&group.id).unwrap_or_default(),
                name: group.name,
            })
        })
        .collect()
}

fn modifier_columns(modifier: Modifier) -> (&'static str, i64) {
    match modifier {
        Modifier::Fixed(minor) => (FIXED, minor),
        Modifier::Percentage(points) => (PERCENTAGE, i64::from(points.get())),
    }
}

fn choice_from_row(row: &option_choices::Model) -> StorageResult<OptionChoice> {
    let modifier = match row.modifier_type.as_str() {
        FIXED => Modifier::Fixed(row.modifier_value),
        PERCENTAGE => {
            let points = i32::try_from(row.modifier_value).map_err(StorageError::corrupt)?;
            Modifier::Percentage(BasisPoints::new(points).map_err(StorageError::corrupt)?)
        }
        other => {
            return Err(StorageError::corrupt(format!(
                "unknown modifier type {other:?}"
            )))
        }
    };
    Ok(OptionChoice {
        id: ChoiceId::new(row.id),
        label: row.label.clone(),
        modifier,
        is_default: row.is_default,
    })
}
