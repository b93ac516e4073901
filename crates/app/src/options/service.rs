//! Merchant changes to option groups and to which groups a product shows: each one a
//! transaction with its audit entry, followed by invalidating the store's cached catalogue.

use pricing::{Currency, Decimal, Modifier, Money};
use serde::Serialize;
use shopify::ProductGid;

use super::storage;
use super::{ChoiceId, NewOptionGroup, OptionChoice, OptionGroup, OptionGroupId};
use crate::audit::{Action, AuditedWrite, Entry};
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::state::AppState;

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
            is_default: choice.is_default,
        }
    }
}

pub async fn create(
    state: &AppState,
    session: &AdminSession,
    group: &NewOptionGroup,
) -> Result<OptionGroup, ApiError> {
    let store = &session.store;
    let write = AuditedWrite::begin(&state.db, session).await?;
    let created = storage::create_group_in(write.txn(), store.id, group).await?;
    let entry = Entry::new(Action::OptionGroupCreate, created.id.get())
        .after(&GroupView::new(&created, store.currency));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(created)
}

pub async fn replace(
    state: &AppState,
    session: &AdminSession,
    id: OptionGroupId,
    group: &NewOptionGroup,
) -> Result<OptionGroup, ApiError> {
    let store = &session.store;
    let before = storage::get_group(&state.db, store.id, id).await?;
    let write = AuditedWrite::begin(&state.db, session).await?;
    let replaced = storage::replace_group_in(write.txn(), store.id, id, group).await?;
    let entry = Entry::new(Action::OptionGroupReplace, id.get())
        .before(&GroupView::new(&before, store.currency))
        .after(&GroupView::new(&replaced, store.currency));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(replaced)
}

/// Deletes a group; products that showed it stop showing it.
pub async fn delete(
    state: &AppState,
    session: &AdminSession,
    id: OptionGroupId,
) -> Result<(), ApiError> {
    let store = &session.store;
    let before = storage::get_group(&state.db, store.id, id).await?;
    let write = AuditedWrite::begin(&state.db, session).await?;
    if !storage::delete_group_in(write.txn(), store.id, id).await? {
        return Err(ApiError::NotFound("No such option group.".into()));
    }
    let entry = Entry::new(Action::OptionGroupDelete, id.get())
        .before(&GroupView::new(&before, store.currency));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(())
}

/// Sets the groups `product` shows, in display order; an empty list removes them all.
pub async fn set_product_groups(
    state: &AppState,
    session: &AdminSession,
    product: ProductGid,
    groups: &[OptionGroupId],
) -> Result<Vec<OptionGroup>, ApiError> {
    let store = session.store.id;
    let product_gid = product.to_string();
    let before = storage::groups_for_product(&state.db, store, &product_gid).await?;
    let write = AuditedWrite::begin(&state.db, session).await?;
    storage::set_product_groups_in(write.txn(), store, &product_gid, groups).await?;
    let ids = |groups: Vec<OptionGroupId>| serde_json::json!({ "optionGroupIds": groups });
    let entry = Entry::new(Action::ProductSetOptionGroups, &product_gid)
        .before(&ids(before.iter().map(|group| group.id).collect()))
        .after(&ids(groups.to_vec()));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(storage::groups_for_product(&state.db, store, &product_gid).await?)
}
