//! A product compiled for pricing, and the one pricing entry point of the storefront and the
//! draft-order flow: size, quantity and option selections in, a quote and its v1 answer out.

use std::sync::Arc;

use gridprice_storage::matrices::StoredMatrix;
use gridprice_storage::options::{OptionGroup, Requirement};
use gridprice_storage::products::Assignment;
use gridprice_storage::{ChoiceId, MatrixId, OptionGroupId};
use gridprice_wire::{DimensionRange, PriceResponse, PricedOption, PricedRequest};
use pricing::{Currency, Dimension, Modifier, PriceMatrix, Quantity, Unit};

use crate::error::{CatalogError, FieldErrors};

/// One choice picked in one option group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    pub group: OptionGroupId,
    pub choice: ChoiceId,
}

/// What a shopper asks for, already parsed into domain types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRequest {
    pub width: Dimension,
    pub height: Dimension,
    pub quantity: Quantity,
    pub selections: Vec<Selection>,
}

/// A computed price with everything the v1 answer and a draft order need. It keeps the
/// compiled product it was priced from, whose names the answer borrows.
#[derive(Debug, Clone)]
pub struct PricedProduct {
    product: Arc<CompiledProduct>,
    /// The choice applied in each priced group, as (group, choice) positions in the product,
    /// in display order: the order of the quote's modifiers.
    applied: Vec<(usize, usize)>,
    pub quote: pricing::Quote,
    pub width: Dimension,
    pub height: Dimension,
}

impl PricedProduct {
    pub fn matrix_id(&self) -> MatrixId {
        self.product.matrix.id
    }

    pub fn matrix_name(&self) -> &str {
        &self.product.matrix.name
    }

    pub fn product_title(&self) -> &str {
        &self.product.product_title
    }

    pub fn default_variant_gid(&self) -> Option<&str> {
        self.product.default_variant_gid.as_deref()
    }

    /// The options priced, with their names, in the order of the quote's modifiers.
    pub fn options(&self) -> Vec<PricedOption<'_>> {
        self.applied
            .iter()
            .map(|&(group, choice)| {
                let group = &self.product.groups[group];
                let choice = &group.choices[choice];
                PricedOption {
                    group: &group.name,
                    choice: &choice.label,
                    modifier: choice.modifier,
                }
            })
            .collect()
    }

    /// The v1 price response (DESIGN §5).
    pub fn response(&self) -> PriceResponse<'_> {
        let request = PricedRequest {
            matrix_id: Some(self.matrix_id().get()),
            matrix_name: self.matrix_name(),
            range: self.product.matrix.range,
            width: self.width,
            height: self.height,
            options: self.options(),
        };
        PriceResponse::new(&request, &self.quote)
    }
}

/// A matrix as loaded at one version.
#[derive(Debug)]
pub struct CompiledMatrix {
    pub id: MatrixId,
    pub name: String,
    pub version: i64,
    pub matrix: PriceMatrix,
    /// The same for every price of the matrix.
    pub range: DimensionRange,
}

impl From<StoredMatrix> for CompiledMatrix {
    fn from(stored: StoredMatrix) -> Self {
        Self {
            id: stored.id,
            name: stored.name,
            version: stored.version,
            range: DimensionRange::new(stored.matrix.range(), stored.matrix.unit()),
            matrix: stored.matrix,
        }
    }
}

/// A product with its matrix and its option groups in display order.
#[derive(Debug)]
pub struct CompiledProduct {
    pub product_title: String,
    pub default_variant_gid: Option<String>,
    pub matrix: Arc<CompiledMatrix>,
    pub groups: Vec<OptionGroup>,
}

impl CompiledProduct {
    pub fn new(
        assignment: Assignment,
        matrix: Arc<CompiledMatrix>,
        groups: Vec<OptionGroup>,
    ) -> Self {
        Self {
            product_title: assignment.product_title,
            default_variant_gid: assignment.default_variant_gid,
            matrix,
            groups,
        }
    }

    /// Sizes without a unit are in this one.
    pub fn unit(&self) -> Unit {
        self.matrix.matrix.unit()
    }

    pub fn price(
        self: Arc<Self>,
        currency: Currency,
        request: &PriceRequest,
    ) -> Result<PricedProduct, CatalogError> {
        let applied = self.resolve(&request.selections)?;
        let modifiers: Vec<Modifier> = applied
            .iter()
            .map(|&(group, choice)| self.groups[group].choices[choice].modifier)
            .collect();
        let quote = pricing::quote(
            &self.matrix.matrix,
            currency,
            request.width,
            request.height,
            request.quantity,
            &modifiers,
        )?;
        Ok(PricedProduct {
            product: self,
            applied,
            quote,
            width: request.width,
            height: request.height,
        })
    }

    /// The choice applied for each group, in display order, as (group, choice) positions: the
    /// selected one, else the group's default; a REQUIRED group with neither is an error, an
    /// OPTIONAL one is skipped. Every problem is reported at once.
    fn resolve(&self, selections: &[Selection]) -> Result<Vec<(usize, usize)>, CatalogError> {
        let mut problems = FieldErrors::default();
        let mut picked: Vec<Option<usize>> = vec![None; self.groups.len()];
        for (index, selection) in selections.iter().enumerate() {
            let field = || format!("options.selections[{index}]");
            let Some(position) = self.groups.iter().position(|g| g.id == selection.group) else {
                problems.add(
                    field(),
                    format!(
                        "option group {} is not offered for this product",
                        selection.group.get()
                    ),
                );
                continue;
            };
            let group = &self.groups[position];
            let Some(choice) = group.choices.iter().position(|c| c.id == selection.choice) else {
                problems.add(
                    field(),
                    format!(
                        "choice {} is not a choice of the option group {:?} (id {})",
                        selection.choice.get(),
                        group.name,
                        group.id.get()
                    ),
                );
                continue;
            };
            if picked[position].replace(choice).is_some() {
                problems.add(
                    field(),
                    format!(
                        "the option group {:?} (id {}) is selected more than once; pick one choice",
                        group.name,
                        group.id.get()
                    ),
                );
            }
        }
        let mut applied = Vec::with_capacity(self.groups.len());
        for (position, (group, picked)) in self.groups.iter().zip(picked).enumerate() {
            match picked.or_else(|| group.choices.iter().position(|c| c.is_default)) {
                Some(choice) => applied.push((position, choice)),
                None if group.requirement == Requirement::Required => problems.add(
                    "options",
                    format!(
                        "the option group {:?} (id {}) is required: choose one of {}",
                        group.name,
                        group.id.get(),
                        choice_list(group)
                    ),
                ),
                None => {}
            }
        }
        problems.into_result().map_err(CatalogError::Invalid)?;
        Ok(applied)
    }
}

fn choice_list(group: &OptionGroup) -> String {
    group
        .choices
        .iter()
        .map(|c| format!("{:?} (id {})", c.label, c.id.get()))
        .collect::<Vec<_>>()
        .join(", ")
}
