//! Assigning matrices to Shopify products: the product's title and default variant come from
//! Shopify; the change is written with its audit entry and the catalogue cache invalidated.

use shopify::ProductGid;

use super::storage::{self, Assignment, NewAssignment};
use crate::audit::{Action, AuditedWrite, Entry};
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::matrices::MatrixId;
use crate::state::AppState;
use crate::stores::service::{access_token, shopify_failure};

/// The product as Shopify names it now.
struct ShopifyProduct {
    title: String,
    default_variant: Option<String>,
}

pub async fn assign(
    state: &AppState,
    session: &AdminSession,
    product: ProductGid,
    matrix: MatrixId,
    replace: bool,
) -> Result<Assignment, ApiError> {
    let store = session.store.id;
    let found = fetch_product(state, session, product).await?;
    let product_gid = product.to_string();
    let before = storage::find(&state.db, store, &product_gid).await?;
    let new = NewAssignment {
        product_gid: &product_gid,
        product_title: &found.title,
        default_variant_gid: found.default_variant.as_deref(),
        matrix_id: matrix,
    };
    let write = AuditedWrite::begin(&state.db, session).await?;
    let assigned = storage::assign_in(write.txn(), store, new, replace).await?;
    let matrix_of = |a: &Assignment| serde_json::json!({ "matrixId": a.matrix_id });
    let mut entry =
        Entry::new(Action::ProductAssignMatrix, &product_gid).after(&matrix_of(&assigned));
    if let Some(before) = &before {
        entry = entry.before(&matrix_of(before));
    }
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(assigned)
}

pub async fn unassign(
    state: &AppState,
    session: &AdminSession,
    product: ProductGid,
) -> Result<(), ApiError> {
    let store = session.store.id;
    let product_gid = product.to_string();
    let not_assigned = || ApiError::NotFound("The product has no matrix.".into());
    let before = storage::find(&state.db, store, &product_gid)
        .await?
        .ok_or_else(not_assigned)?;
    let write = AuditedWrite::begin(&state.db, session).await?;
    if !storage::unassign_in(write.txn(), store, &product_gid).await? {
        return Err(not_assigned());
    }
    let entry = Entry::new(Action::ProductUnassignMatrix, &product_gid)
        .before(&serde_json::json!({ "matrixId": before.matrix_id }));
    write.commit_and_invalidate(entry, &state.catalog).await?;
    Ok(())
}

async fn fetch_product(
    state: &AppState,
    session: &AdminSession,
    product: ProductGid,
) -> Result<ShopifyProduct, ApiError> {
    let store = &session.store;
    let token = access_token(state, store).await?;
    let found = match state.admin.shop(&store.shop, &token).product(product).await {
        Ok(found) => found,
        Err(error) => return Err(shopify_failure(state, store, error).await),
    };
    let found = found
        .ok_or_else(|| ApiError::NotFound(format!("{} has no product {product}.", store.shop)))?;
    Ok(ShopifyProduct {
        default_variant: found.variants.first().map(|variant| variant.id.to_string()),
        title: found.title,
    })
}
