//! Merchant changes to option groups and to which groups a product shows: each one a unit of
//! work with its audit entry.

use gridprice_storage::audit::{Action, AuditEntry};
use gridprice_storage::options::{self as storage, NewOptionGroup, OptionChoice, OptionGroup};
use gridprice_storage::{products, ChoiceId, Database, Editor, OptionGroupId, StoreId, UnitOfWork};
use pricing::{Currency, Decimal, Modifier, Money};
use serde::Serialize;
use shopify::ProductGid;

use crate::billing::{Entitlement, Plans, Resource};
use crate::error::{FieldErrors, ServiceError};

/// A product shows at most this many option groups (DESIGN §4).
pub const MAX_GROUPS_PER_PRODUCT: usize = 5;

/// A group as the admin API shows it and the audit log records it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupView {
    id: OptionGroupId,
    name: String,
    requirement: &'static str,
    version: i64,
    choices: Vec<ChoiceView>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ChoiceView {
    id: ChoiceId,
    label: String,
    modifier_type: &'static str,
    /// Major units for FIXED ("15.00"), percent for PERCENTAGE ("20").
    modifier_value: String,
    /// As the merchant types it: "+15.00", "-2.50", "+20%".
    modifier: String,
    is_default: bool,
}

impl GroupView {
    pub fn new(group: &OptionGroup, currency: Currency) -> Self {
        Self {
            id: group.id,
            name: group.name.clone(),
            requirement: group.requirement.as_str(),
            version: group.version,
            choices: group
                .choices
                .iter()
                .map(|choice| ChoiceView::new(choice, currency))
                .collect(),
        }
    }
}

impl ChoiceView {
    fn new(choice: &OptionChoice, currency: Currency) -> Self {
        let (modifier_type, modifier_value) = match choice.modifier {
            Modifier::Fixed(minor) => ("FIXED", Money::from_minor(minor, currency).to_string()),
            Modifier::Percentage(points) => (
                "PERCENTAGE",
                Decimal::new(i64::from(points.get()), 2)
                    .normalize()
                    .to_string(),
            ),
        };
        Self {
            id: choice.id,
            label: choice.label.clone(),
            modifier_type,
            modifier_value,
            modifier: choice.modifier.to_text(currency),
            is_default: choice.is_default,
        }
    }
}

/// Saves a new group if the store's plan has room for it.
pub async fn create(
    db: &Database,
    editor: &Editor,
    plans: &Plans,
    group: &NewOptionGroup,
) -> Result<OptionGroup, ServiceError> {
    let entitlement = Entitlement::load(db, plans, editor.store.id).await?;
    let work = UnitOfWork::begin(db, editor).await?;
    entitlement
        .ensure_room(&work, Resource::OptionGroups)
        .await?;
    let created = storage::create_group(&work, group).await?;
    let entry = AuditEntry::new(Action::OptionGroupCreate, created.id.get())
        .after(&GroupView::new(&created, editor.store.currency));
    work.commit(entry).await?;
    Ok(created)
}

pub async fn replace(
    db: &Database,
    editor: &Editor,
    id: OptionGroupId,
    group: &NewOptionGroup,
) -> Result<OptionGroup, ServiceError> {
    let currency = editor.store.currency;
    let before = storage::get_group(db, editor.store.id, id).await?;
    let work = UnitOfWork::begin(db, editor).await?;
    let replaced = storage::replace_group(&work, id, group).await?;
    let entry = AuditEntry::new(Action::OptionGroupReplace, id.get())
        .before(&GroupView::new(&before, currency))
        .after(&GroupView::new(&replaced, currency));
    work.commit(entry).await?;
    Ok(replaced)
}

/// Deletes a group; products that showed it stop showing it.
pub async fn delete(db: &Database, editor: &Editor, id: OptionGroupId) -> Result<(), ServiceError> {
    let before = storage::get_group(db, editor.store.id, id).await?;
    let work = UnitOfWork::begin(db, editor).await?;
    if !storage::delete_group(&work, id).await? {
        return Err(ServiceError::NotFound("No such option group.".into()));
    }
    let entry = AuditEntry::new(Action::OptionGroupDelete, id.get())
        .before(&GroupView::new(&before, editor.store.currency));
    work.commit(entry).await?;
    Ok(())
}

/// Sets the groups `product` shows, in display order; an empty list removes them all.
pub async fn set_product_groups(
    db: &Database,
    editor: &Editor,
    product: ProductGid,
    groups: &[OptionGroupId],
) -> Result<Vec<OptionGroup>, ServiceError> {
    let store = editor.store.id;
    let product_gid = product.to_string();
    let before = storage::groups_for_product(db, store, &product_gid).await?;
    let work = UnitOfWork::begin(db, editor).await?;
    storage::set_product_groups(&work, &product_gid, groups).await?;
    let ids = |groups: Vec<OptionGroupId>| serde_json::json!({ "optionGroupIds": groups });
    let entry = AuditEntry::new(Action::ProductSetOptionGroups, &product_gid)
        .before(&ids(before.iter().map(|group| group.id).collect()))
        .after(&ids(groups.to_vec()));
    work.commit(entry).await?;
    Ok(storage::groups_for_product(db, store, &product_gid).await?)
}

/// The products showing group `id`, in the store's product order.
pub async fn products_of_group(
    db: &Database,
    store: StoreId,
    id: OptionGroupId,
) -> Result<Vec<String>, ServiceError> {
    Ok(storage::assignments(db, store)
        .await?
        .into_iter()
        .filter(|assignment| assignment.group_id == id)
        .map(|assignment| assignment.product_gid)
        .collect())
}

/// Makes exactly `products` show group `id` (added after their other groups); a product that
/// would show more than [`MAX_GROUPS_PER_PRODUCT`] groups is refused, naming it.
pub async fn set_group_products(
    db: &Database,
    editor: &Editor,
    id: OptionGroupId,
    products: &[ProductGid],
) -> Result<Vec<String>, ServiceError> {
    let store = editor.store.id;
    let wanted: Vec<String> = products.iter().map(ToString::to_string).collect();
    let before = products_of_group(db, store, id).await?;
    // Read before the unit of work: on SQLite it holds the one connection.
    let assigned = products::list(db, store).await?;
    let work = UnitOfWork::begin(db, editor).await?;
    let added = storage::set_group_products(&work, id, &wanted).await?;
    let mut errors = FieldErrors::default();
    for (product, count) in added {
        if count > MAX_GROUPS_PER_PRODUCT as u64 {
            let index = wanted.iter().position(|p| *p == product).unwrap_or(0);
            let title = assigned
                .iter()
                .find(|assignment| assignment.product_gid == product)
                .map_or(product.as_str(), |assignment| {
                    assignment.product_title.as_str()
                });
            errors.add(
                format!("productIds[{index}]"),
                format!(
                    "{title} already shows {MAX_GROUPS_PER_PRODUCT} option groups, the most a \
                     product can; take one from it first"
                ),
            );
        }
    }
    // Refused: the unit of work is dropped, so nothing of it is kept.
    errors.into_result().map_err(ServiceError::Unacceptable)?;
    let ids = |products: &[String]| serde_json::json!({ "productIds": products });
    let entry = AuditEntry::new(Action::OptionGroupSetProducts, id.get())
        .before(&ids(&before))
        .after(&ids(&wanted));
    work.commit(entry).await?;
    products_of_group(db, store, id).await
}
