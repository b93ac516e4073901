//! Billing (issue 16, DESIGN §14): `app_subscriptions`, every Shopify app subscription a store
//! was offered (each one buys the paid plan), as Gridprice last learned it from Shopify. The rows outlive an uninstall (a
//! trial is granted once per shop, also across reinstalls) and go with the store on
//! `shop/redact`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SHOPIFY_ID_INDEX: &str = "app_subscriptions_store_shopify_id_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AppSubscriptions::Table)
                    .col(
                        big_integer(AppSubscriptions::Id)
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(big_integer(AppSubscriptions::StoreId))
                    .col(big_integer(AppSubscriptions::ShopifyId))
                    .col(string(AppSubscriptions::Name))
                    .col(string(AppSubscriptions::Status))
                    .col(boolean(AppSubscriptions::Test))
                    .col(integer(AppSubscriptions::TrialDays))
                    .col(timestamp_with_time_zone_null(AppSubscriptions::ActivatedAt))
                    .col(timestamp_with_time_zone_null(
                        AppSubscriptions::CurrentPeriodEnd,
                    ))
                    .col(timestamp_with_time_zone(AppSubscriptions::StatusAt))
                    .col(timestamp_with_time_zone(AppSubscriptions::CreatedAt))
                    .col(timestamp_with_time_zone(AppSubscriptions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AppSubscriptions::Table, AppSubscriptions::StoreId)
                            .to(Stores::Table, Stores::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(SHOPIFY_ID_INDEX)
                    .table(AppSubscriptions::Table)
                    .col(AppSubscriptions::StoreId)
                    .col(AppSubscriptions::ShopifyId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AppSubscriptions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AppSubscriptions {
    Table,
    Id,
    StoreId,
    /// The number of Shopify's `gid://shopify/AppSubscription/<n>`.
    ShopifyId,
    Name,
    /// Shopify's `AppSubscriptionStatus`.
    Status,
    Test,
    TrialDays,
    /// When Shopify first reported it ACTIVE: the trial runs from here.
    ActivatedAt,
    CurrentPeriodEnd,
    /// When Shopify's status was true (a webhook's `updated_at`, or when Gridprice asked):
    /// an older report never overwrites a newer one.
    StatusAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Stores {
    Table,
    Id,
}
