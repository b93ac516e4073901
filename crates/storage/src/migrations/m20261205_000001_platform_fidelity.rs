//! Platform fidelity (issue 15):
//!
//! - `stores.accept_automatic_discounts`: whether the store lets Shopify's automatic discounts
//!   apply to Gridprice's draft orders (default off: the locked price is the price).
//! - `draft_order_records`: what Shopify calculated for the created order besides its total —
//!   the line's unit price in the shop currency, the tax and the discounts — and
//!   `shopify_price_differs`, set when Shopify's line price is not the locked price.
//! - `webhook_events.dedupe_key`: the delivery's `X-Shopify-Event-Id` when it had one, else its
//!   webhook id (`WebhookDelivery::dedupe_key`), unique: the same event delivered under two
//!   webhook ids is taken once, and a delivery without an event id (the compliance topics) once
//!   per webhook id. Rows from before keep NULL, which never collides.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const DEDUPE_KEY_INDEX: &str = "webhook_events_dedupe_key_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        add(
            manager,
            Stores::Table,
            boolean(Stores::AcceptAutomaticDiscounts)
                .default(false)
                .to_owned(),
        )
        .await?;
        for column in [
            text_null(DraftOrderRecords::ShopifyUnitPrice),
            text_null(DraftOrderRecords::ShopifyTotalTax),
            text_null(DraftOrderRecords::ShopifyTotalDiscounts),
            boolean_null(DraftOrderRecords::ShopifyPriceDiffers),
        ] {
            add(manager, DraftOrderRecords::Table, column).await?;
        }
        add(
            manager,
            WebhookEvents::Table,
            string_null(WebhookEvents::DedupeKey),
        )
        .await?;
        // NULLs never collide in a unique index, on SQLite and PostgreSQL alike.
        manager
            .create_index(
                Index::create()
                    .name(DEDUPE_KEY_INDEX)
                    .table(WebhookEvents::Table)
                    .col(WebhookEvents::DedupeKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(DEDUPE_KEY_INDEX)
                    .table(WebhookEvents::Table)
                    .to_owned(),
            )
            .await?;
        drop(manager, WebhookEvents::Table, WebhookEvents::DedupeKey).await?;
        for column in [
            DraftOrderRecords::ShopifyUnitPrice,
            DraftOrderRecords::ShopifyTotalTax,
            DraftOrderRecords::ShopifyTotalDiscounts,
            DraftOrderRecords::ShopifyPriceDiffers,
        ] {
            drop(manager, DraftOrderRecords::Table, column).await?;
        }
        drop(manager, Stores::Table, Stores::AcceptAutomaticDiscounts).await
    }
}

async fn add<T: IntoIden + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
    mut column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

async fn drop<T: IntoIden + 'static, C: IntoIden + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
    column: C,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).to_owned())
        .await
}

#[derive(DeriveIden)]
enum Stores {
    Table,
    AcceptAutomaticDiscounts,
}

#[derive(DeriveIden)]
enum DraftOrderRecords {
    Table,
    ShopifyUnitPrice,
    ShopifyTotalTax,
    ShopifyTotalDiscounts,
    ShopifyPriceDiffers,
}

#[derive(DeriveIden)]
enum WebhookEvents {
    Table,
    DedupeKey,
}
