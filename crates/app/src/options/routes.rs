//! `/app/api/option-groups` and the groups each product shows
//! (`/app/api/products/{productId}/option-groups`).

use std::collections::HashSet;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use pricing::{BasisPoints, Currency, Modifier, Money};
use serde::{Deserialize, Serialize};
use shopify::ProductGid;

use gridprice_storage::options::{
    self as storage, NewChoice, NewOptionGroup, OptionGroup, Requirement,
};
use gridprice_storage::OptionGroupId;

use super::service::{self, GroupView, MAX_GROUPS_PER_PRODUCT};
use crate::auth::AdminSession;
use crate::error::FieldErrors;
use crate::http::error::ApiError;
use crate::http::extract::{product_id, JsonBody, PathParam, MAX_JSON_BODY_BYTES};
use crate::http::AppState;
use crate::names::parse_name;

/// A group offers at least one and at most this many choices.
const MAX_CHOICES: usize = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/api/option-groups", get(list).post(create))
        .route(
            "/app/api/option-groups/{id}",
            get(show).put(replace).delete(remove),
        )
        .route("/app/api/option-groups/{id}/products", put(set_products))
        .route(
            "/app/api/products/{product_id}/option-groups",
            get(product_groups)
                .put(set_product_groups)
                .delete(clear_product_groups),
        )
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
}

// --- requests --------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GroupBody {
    name: String,
    /// REQUIRED or OPTIONAL.
    requirement: String,
    choices: Vec<ChoiceBody>,
}

/// A choice's modifier is either `modifier` as the merchant types it ("+15.00", "-2.50",
/// "20%") or the storefront's pair `modifierType` with `modifierValue`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChoiceBody {
    label: String,
    modifier: Option<String>,
    /// FIXED or PERCENTAGE.
    modifier_type: Option<String>,
    /// Major units for FIXED ("15.00", may be negative), percent for PERCENTAGE ("20").
    modifier_value: Option<String>,
    #[serde(default)]
    is_default: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GroupProductsBody {
    product_ids: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GroupProducts {
    product_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProductGroupsBody {
    option_group_ids: Vec<i64>,
}

impl GroupBody {
    /// The group, or 422 naming every field at fault.
    fn parse(&self, currency: Currency) -> Result<NewOptionGroup, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", parse_name(&self.name));
        let requirement = errors.check("requirement", self.requirement.parse::<Requirement>());
        if !(1..=MAX_CHOICES).contains(&self.choices.len()) {
            errors.add(
                "choices",
                format!(
                    "a group needs 1 to {MAX_CHOICES} choices, not {}",
                    self.choices.len()
                ),
            );
        }
        let mut labels = HashSet::new();
        let mut choices = Vec::with_capacity(self.choices.len());
        for (index, choice) in self.choices.iter().enumerate() {
            let field = |name: &str| format!("choices[{index}].{name}");
            let label = errors.check(field("label"), parse_name(&choice.label));
            if let Some(label) = &label {
                // Shoppers cannot tell "Clear" from "clear" apart in a picker.
                if !labels.insert(label.to_lowercase()) {
                    errors.add(
                        field("label"),
                        format!("{label:?} is used twice in this group"),
                    );
                }
            }
            let modifier = choice.modifier(&mut errors, field, currency);
            if let (Some(label), Some(modifier)) = (label, modifier) {
                choices.push(NewChoice {
                    label,
                    modifier,
                    is_default: choice.is_default,
                });
            }
        }
        if self.choices.iter().filter(|c| c.is_default).count() > 1 {
            errors.add("choices", "at most one choice can be the default");
        }
        let (name, requirement) = errors.finish(name.zip(requirement))?;
        Ok(NewOptionGroup {
            name,
            requirement,
            choices,
        })
    }
}

impl ChoiceBody {
    fn modifier(
        &self,
        errors: &mut FieldErrors,
        field: impl Fn(&str) -> String,
        currency: Currency,
    ) -> Option<Modifier> {
        let (kind, value) = match (&self.modifier, &self.modifier_type, &self.modifier_value) {
            (Some(text), None, None) => {
                return errors.check(field("modifier"), Modifier::parse_text(text, currency));
            }
            (None, Some(kind), Some(value)) => (kind, value),
            _ => {
                let message = "give either modifier (\"+15.00\", \"20%\") or modifierType \
                               with modifierValue";
                errors.add(field("modifier"), message);
                return None;
            }
        };
        match kind.as_str() {
            "FIXED" => errors
                .check(field("modifierValue"), Money::parse(value, currency))
                .map(|money| Modifier::Fixed(money.minor())),
            "PERCENTAGE" => errors
                .check(field("modifierValue"), BasisPoints::parse_percent(value))
                .map(Modifier::Percentage),
            other => {
                let message = format!("unknown modifier type {other:?} (FIXED or PERCENTAGE)");
                errors.add(field("modifierType"), message);
                None
            }
        }
    }
}

impl ProductGroupsBody {
    /// Up to [`MAX_GROUPS_PER_PRODUCT`] distinct groups, in display order.
    fn parse(&self) -> Result<Vec<OptionGroupId>, FieldErrors> {
        let ids = &self.option_group_ids;
        let mut errors = FieldErrors::default();
        if ids.len() > MAX_GROUPS_PER_PRODUCT {
            errors.add(
                "optionGroupIds",
                format!(
                    "a product shows at most {MAX_GROUPS_PER_PRODUCT} option groups, not {}",
                    ids.len()
                ),
            );
        }
        if ids.iter().collect::<HashSet<_>>().len() != ids.len() {
            errors.add("optionGroupIds", "a group is listed more than once");
        }
        errors.into_result()?;
        Ok(ids.iter().copied().map(OptionGroupId::new).collect())
    }
}

impl GroupProductsBody {
    /// Distinct products, each a product GID or numeric id.
    fn parse(&self) -> Result<Vec<ProductGid>, FieldErrors> {
        let mut errors = FieldErrors::default();
        let products: Vec<ProductGid> = self
            .product_ids
            .iter()
            .enumerate()
            .filter_map(|(index, id)| {
                errors.check(format!("productIds[{index}]"), ProductGid::parse(id))
            })
            .collect();
        let distinct: HashSet<String> = products.iter().map(ToString::to_string).collect();
        if distinct.len() != products.len() {
            errors.add("productIds", "a product is listed more than once");
        }
        errors.into_result()?;
        Ok(products)
    }
}

// --- responses -------------------------------------------------------------------------------

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GroupList {
    option_groups: Vec<GroupView>,
}

fn group_list(groups: &[OptionGroup], currency: Currency) -> Json<GroupList> {
    Json(GroupList {
        option_groups: groups
            .iter()
            .map(|group| GroupView::new(group, currency))
            .collect(),
    })
}

// --- handlers --------------------------------------------------------------------------------

async fn list(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<GroupList>, ApiError> {
    let groups = storage::list_groups(&state.db, session.store.id).await?;
    Ok(group_list(&groups, session.store.currency))
}

async fn create(
    State(state): State<AppState>,
    session: AdminSession,
    JsonBody(body): JsonBody<GroupBody>,
) -> Result<(StatusCode, Json<GroupView>), ApiError> {
    let currency = session.store.currency;
    let group = body.parse(currency)?;
    let created = service::create(&state.db, &session, &state.plans, &group).await?;
    Ok((
        StatusCode::CREATED,
        Json(GroupView::new(&created, currency)),
    ))
}

async fn show(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
) -> Result<Json<GroupView>, ApiError> {
    let group = storage::get_group(&state.db, session.store.id, OptionGroupId::new(id)).await?;
    Ok(Json(GroupView::new(&group, session.store.currency)))
}

async fn replace(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
    JsonBody(body): JsonBody<GroupBody>,
) -> Result<Json<GroupView>, ApiError> {
    let currency = session.store.currency;
    let group = body.parse(currency)?;
    let replaced = service::replace(&state.db, &session, OptionGroupId::new(id), &group).await?;
    Ok(Json(GroupView::new(&replaced, currency)))
}

async fn remove(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
) -> Result<StatusCode, ApiError> {
    service::delete(&state.db, &session, OptionGroupId::new(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn product_groups(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(product): PathParam<String>,
) -> Result<Json<GroupList>, ApiError> {
    let product = product_id(&product)?.to_string();
    let groups = storage::groups_for_product(&state.db, session.store.id, &product).await?;
    Ok(group_list(&groups, session.store.currency))
}

async fn set_product_groups(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(product): PathParam<String>,
    JsonBody(body): JsonBody<ProductGroupsBody>,
) -> Result<Json<GroupList>, ApiError> {
    let product = product_id(&product)?;
    let ids = body.parse()?;
    let groups = service::set_product_groups(&state.db, &session, product, &ids).await?;
    Ok(group_list(&groups, session.store.currency))
}

async fn clear_product_groups(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(product): PathParam<String>,
) -> Result<StatusCode, ApiError> {
    let product = product_id(&product)?;
    service::set_product_groups(&state.db, &session, product, &[]).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_products(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
    JsonBody(body): JsonBody<GroupProductsBody>,
) -> Result<Json<GroupProducts>, ApiError> {
    let products = body.parse()?;
    let product_ids =
        service::set_group_products(&state.db, &session, OptionGroupId::new(id), &products).await?;
    Ok(Json(GroupProducts { product_ids }))
}
