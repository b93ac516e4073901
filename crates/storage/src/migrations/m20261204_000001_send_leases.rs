//! Who is sending a pending draft order to Shopify right now: `send_lease_until` is set by the
//! request or job that sends it and lets nobody else send it until then, so a retry with the
//! same `Idempotency-Key` (or the reconciliation job) can take over a record no one is sending.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DraftOrderRecords::Table)
                    .add_column(timestamp_with_time_zone_null(
                        DraftOrderRecords::SendLeaseUntil,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DraftOrderRecords::Table)
                    .drop_column(DraftOrderRecords::SendLeaseUntil)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum DraftOrderRecords {
    Table,
    SendLeaseUntil,
}
