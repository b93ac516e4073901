//! Assigning matrices to Shopify products: the product's title, image and default variant come
//! from Shopify; the change is a unit of work with its audit entry. Shopify's `products/update`
//! and `products/delete` keep what is stored current.

use gridprice_storage::audit::{Action, AuditEntry};
use gridprice_storage::options;
use gridprice_storage::products::{self as storage, Assignment, Move, NewAssignment};
use gridprice_storage::{Database, Editor, MatrixId, UnitOfWork};
use serde_json::json;
use shopify::webhook::ProductUpdate;
use shopify::ProductGid;

use crate::error::ServiceError;
use crate::stores::ShopifyAccess;

/// The product as Shopify names and shows it now.
struct ShopifyProduct {
    title: String,
    image_url: Option<String>,
    default_variant: Option<String>,
}

pub async fn assign(
    db: &Database,
    shopify: &ShopifyAccess,
    editor: &Editor,
    product: ProductGid,
    matrix: MatrixId,
    moving: Move,
) -> Result<Assignment, ServiceError> {
    let found = fetch_product(shopify, editor, product).await?;
    let product_gid = product.to_string();
    let before = storage::find(db, editor.store.id, &product_gid).await?;
    let new = NewAssignment {
        product_gid: &product_gid,
        product_title: &found.title,
        product_image_url: found.image_url.as_deref(),
        default_variant_gid: found.default_variant.as_deref(),
        matrix_id: matrix,
    };
    let work = UnitOfWork::begin(db, editor).await?;
    let assigned = storage::assign(&work, new, moving).await?;
    let matrix_of = |a: &Assignment| json!({ "matrixId": a.matrix_id });
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
        .before(&json!({ "matrixId": before.matrix_id }));
    work.commit(entry).await?;
    Ok(())
}

/// Shopify's `products/update`: the stored title and image become Shopify's. Shopify sends the
/// topic for every change to a product (inventory, tags…), so nothing is written — no audit
/// entry either — unless the title or the image changed, and a product without a matrix has
/// nothing stored to refresh.
pub async fn refresh(
    db: &Database,
    editor: &Editor,
    update: &ProductUpdate,
) -> Result<(), ServiceError> {
    let product_gid = update.id.to_string();
    let Some(before) = storage::find(db, editor.store.id, &product_gid).await? else {
        return Ok(());
    };
    if before.product_title == update.title && before.product_image_url == update.image_url {
        return Ok(());
    }
    let work = UnitOfWork::begin(db, editor).await?;
    let image = update.image_url.as_deref();
    if !storage::refresh(&work, &product_gid, &update.title, image).await? {
        // Unassigned meanwhile: nothing left to refresh, and nothing to record.
        return Ok(());
    }
    let shown = |title: &str, image: Option<&str>| json!({ "title": title, "imageUrl": image });
    let entry = AuditEntry::new(Action::ProductUpdate, &product_gid)
        .before(&shown(
            &before.product_title,
            before.product_image_url.as_deref(),
        ))
        .after(&shown(&update.title, image));
    work.commit(entry).await?;
    Ok(())
}

/// Shopify's `products/delete`: the product's matrix and option groups go; its draft order
/// records stay (they keep their own copy of what was ordered). A product Gridprice kept
/// nothing of — or a repeated delivery — changes nothing.
pub async fn forget(
    db: &Database,
    editor: &Editor,
    product: ProductGid,
) -> Result<(), ServiceError> {
    let product_gid = product.to_string();
    let store = editor.store.id;
    let matrix = storage::find(db, store, &product_gid).await?;
    let groups = options::groups_for_product(db, store, &product_gid).await?;
    if matrix.is_none() && groups.is_empty() {
        return Ok(());
    }
    let work = UnitOfWork::begin(db, editor).await?;
    if !storage::forget(&work, &product_gid).await? {
        return Ok(());
    }
    let entry = AuditEntry::new(Action::ProductDelete, &product_gid).before(&json!({
        "matrixId": matrix.map(|m| m.matrix_id),
        "optionGroupIds": groups.iter().map(|g| g.id).collect::<Vec<_>>(),
    }));
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
        image_url: found.image_url,
    })
}
