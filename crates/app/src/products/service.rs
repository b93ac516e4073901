//! Assigning matrices to Shopify products: the product's title and default variant come from
//! Shopify; the change is a unit of work with its audit entry.

use gridprice_storage::audit::{Action, AuditEntry};
use gridprice_storage::products::{self as storage, Assignment, NewAssignment};
use gridprice_storage::{Database, Editor, MatrixId, UnitOfWork};
use shopify::ProductGid;

use crate::error::ServiceError;
use crate::stores::ShopifyAccess;

/// The product as Shopify names it now.
struct ShopifyProduct {
    title: String,
    default_variant: Option<String>,
}

pub async fn assign(
    db: &Database,
    shopify: &ShopifyAccess,
    editor: &Editor,
    product: ProductGid,
    matrix: MatrixId,
    replace: bool,
) -> Result<Assignment, ServiceError> {
    let found = fetch_product(shopify, editor, product).await?;
    let product_gid = product.to_string();
    let before = storage::find(db, editor.store.id, &product_gid).await?;
    let new = NewAssignment {
        product_gid: &product_gid,
        product_title: &found.title,
        default_variant_gid: found.default_variant.as_deref(),
        matrix_id: matrix,
    };
    let work = UnitOfWork::begin(db, editor).await?;
    let assigned = storage::assign(&work, new, replace).await?;
    let matrix_of = |a: &Assignment| serde_json::json!({ "matrixId": a.matrix_id });
    let mut entry =
        AuditEntry::new(Action::ProductAssignMatrix, &product_gid).after(&matrix_of(&assigned));
    if let Some(before) = &before {
        entry = entry.before(&matrix_of(before));
    }
    work.commit(entry).await?;
    Ok(assigned)
}

pub async fn unassign(
    db: &Database,
    editor: &Editor,
    product: ProductGid,
) -> Result<(), ServiceError> {
    let product_gid = product.to_string();
    let not_assigned = || ServiceError::NotFound("The product has no matrix.".into());
    let before = storage::find(db, editor.store.id, &product_gid)
        .await?
        .ok_or_else(not_assigned)?;
    let work = UnitOfWork::begin(db, editor).await?;
    if !storage::unassign(&work, &product_gid).await? {
        return Err(not_assigned());
    }
    let entry = AuditEntry::new(Action::ProductUnassignMatrix, &product_gid)
        .before(&serde_json::json!({ "matrixId": before.matrix_id }));
    work.commit(entry).await?;
    Ok(())
}

async fn fetch_product(
    shopify: &ShopifyAccess,
    editor: &Editor,
    product: ProductGid,
) -> Result<ShopifyProduct, ServiceError> {
    let store = &editor.store;
    let found = shopify
        .call(store, |token| async move {
            shopify.shop(&store.shop, &token).product(product).await
        })
        .await?;
    let found = found.ok_or_else(|| {
        ServiceError::NotFound(format!("{} has no product {product}.", store.shop))
    })?;
    Ok(ShopifyProduct {
        default_variant: found.variants.first().map(|variant| variant.id.to_string()),
        title: found.title,
    })
}
