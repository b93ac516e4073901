//! `product_matrices.product_image_url`: the product's featured image as Shopify last reported
//! it (on assignment, then `products/update`), so the admin lists products with their pictures
//! without asking Shopify on every page load. NULL: the product has no image, or was assigned
//! before this column existed (the next `products/update` fills it in).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProductMatrices::Table)
                    .add_column(text_null(ProductMatrices::ProductImageUrl))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProductMatrices::Table)
                    .drop_column(ProductMatrices::ProductImageUrl)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum ProductMatrices {
    Table,
    ProductImageUrl,
}
