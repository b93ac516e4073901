//! The Home page's setup guide (issue 13): `stores.calculator_placed_at`, when the merchant
//! said the calculator is in their theme. Shopify tells an app nothing when a merchant adds its
//! block in the theme editor, so the third step is the merchant's to mark done.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Stores::Table)
                    .add_column(timestamp_with_time_zone_null(Stores::CalculatorPlacedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Stores::Table)
                    .drop_column(Stores::CalculatorPlacedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Stores {
    Table,
    CalculatorPlacedAt,
}
