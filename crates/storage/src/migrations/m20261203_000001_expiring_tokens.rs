//! Expiring offline access tokens: when a store's token must be renewed and when it stops
//! working, and the (sealed) refresh token that renews it. A store installed before keeps its
//! non-expiring token (all three columns empty) until the app exchanges it for an expiring one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [
            timestamp_with_time_zone_null(Stores::AccessTokenRefreshAt),
            timestamp_with_time_zone_null(Stores::AccessTokenExpiresAt),
            text_null(Stores::RefreshTokenCiphertext),
            timestamp_with_time_zone_null(Stores::RefreshTokenExpiresAt),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Stores::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Stores::AccessTokenRefreshAt,
            Stores::AccessTokenExpiresAt,
            Stores::RefreshTokenCiphertext,
            Stores::RefreshTokenExpiresAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Stores::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Stores {
    Table,
    AccessTokenRefreshAt,
    AccessTokenExpiresAt,
    RefreshTokenCiphertext,
    RefreshTokenExpiresAt,
}
