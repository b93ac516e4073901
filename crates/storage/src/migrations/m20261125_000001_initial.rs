//! The whole data model of DESIGN §4. Money is integer minor units, dimensions are integers in
//! ten-thousandths of their unit (exact, and ordered like the decimals they stand for).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table).await?;
        }
        for index in indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables().into_iter().rev() {
            let name = table
                .get_table_name()
                .cloned()
                .expect("every table has a name");
            manager
                .drop_table(Table::drop().table(name).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn id<T: IntoIden>(name: T) -> ColumnDef {
    big_integer(name).auto_increment().primary_key().take()
}

fn at<T: IntoIden>(name: T) -> ColumnDef {
    timestamp_with_time_zone(name)
}

fn at_null<T: IntoIden>(name: T) -> ColumnDef {
    timestamp_with_time_zone_null(name)
}

fn belongs_to<F: IntoIden + 'static, T: IntoIden + 'static, C: IntoIden>(
    from: F,
    from_col: C,
    to: T,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, from_col)
        .to(to, Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        stores(),
        api_keys(),
        price_matrices(),
        breakpoints(),
        matrix_cells(),
        product_matrices(),
        option_groups(),
        option_choices(),
        product_option_groups(),
        draft_order_records(),
        webhook_events(),
        gdpr_requests(),
        jobs(),
        audit_log(),
        oauth_states(),
    ]
}

fn stores() -> TableCreateStatement {
    Table::create()
        .table(Stores::Table)
        .col(id(Stores::Id))
        .col(string_uniq(Stores::Shop))
        .col(text_null(Stores::AccessTokenCiphertext))
        .col(string_null(Stores::Scopes))
        .col(at_null(Stores::InstalledAt))
        .col(at_null(Stores::UninstalledAt))
        .col(at_null(Stores::ReauthRequiredAt))
        .col(string(Stores::UnitPreference).default("mm"))
        .col(string(Stores::OutOfRangeDefault).default("reject"))
        .col(string(Stores::Currency).default("USD"))
        .col(big_integer(Stores::TotalDraftOrdersCreated).default(0))
        .col(string(Stores::LineItemMode).default("variant"))
        .col(text(Stores::DefaultAllowedOrigins).default("[]"))
        .col(at(Stores::CreatedAt))
        .col(at(Stores::UpdatedAt))
        .to_owned()
}

fn api_keys() -> TableCreateStatement {
    Table::create()
        .table(ApiKeys::Table)
        .col(id(ApiKeys::Id))
        .col(big_integer(ApiKeys::StoreId))
        .col(string(ApiKeys::Kind))
        .col(string(ApiKeys::Prefix))
        .col(string_uniq(ApiKeys::KeyHash))
        .col(text(ApiKeys::AllowedOrigins))
        .col(at(ApiKeys::CreatedAt))
        .col(at_null(ApiKeys::LastUsedAt))
        .col(at_null(ApiKeys::RevokedAt))
        .col(at_null(ApiKeys::ExpiresAt))
        .col(text_null(ApiKeys::RevealCiphertext))
        .foreign_key(&mut belongs_to(
            ApiKeys::Table,
            ApiKeys::StoreId,
            Stores::Table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

fn price_matrices() -> TableCreateStatement {
    Table::create()
        .table(PriceMatrices::Table)
        .col(id(PriceMatrices::Id))
        .col(big_integer(PriceMatrices::StoreId))
        .col(string(PriceMatrices::Name))
        .col(string(PriceMatrices::Unit))
        .col(string(PriceMatrices::OutOfRange))
        .col(big_integer(PriceMatrices::Version).default(1))
        .col(at(PriceMatrices::CreatedAt))
        .col(at(PriceMatrices::UpdatedAt))
        .foreign_key(&mut belongs_to(
            PriceMatrices::Table,
            PriceMatrices::StoreId,
            Stores::Table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

fn breakpoints() -> TableCreateStatement {
    Table::create()
        .table(Breakpoints::Table)
        .col(id(Breakpoints::Id))
        .col(big_integer(Breakpoints::MatrixId))
        .col(string(Breakpoints::Axis))
        .col(integer(Breakpoints::Position))
        .col(big_integer(Breakpoints::ValueE4))
        .foreign_key(&mut belongs_to(
            Breakpoints::Table,
            Breakpoints::MatrixId,
            PriceMatrices::Table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

fn matrix_cells() -> TableCreateStatement {
    Table::create()
        .table(MatrixCells::Table)
        .col(id(MatrixCells::Id))
        .col(big_integer(MatrixCells::MatrixId))
        .col(integer(MatrixCells::WidthPosition))
        .col(integer(MatrixCells::HeightPosition))
        .col(big_integer(MatrixCells::PriceMinor))
        .foreign_key(&mut belongs_to(
            MatrixCells::Table,
            MatrixCells::MatrixId,
            PriceMatrices::Table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

fn product_matrices() -> TableCreateStatement {
    Table::create()
        .table(ProductMatrices::Table)
        .col(id(ProductMatrices::Id))
        .col(big_integer(ProductMatrices::StoreId))
        .col(big_integer(ProductMatrices::MatrixId))
        .col(string(ProductMatrices::ProductGid))
        .col(string(ProductMatrices::ProductTitle))
        .col(string_null(ProductMatrices::DefaultVariantGid))
        .col(at(ProductMatrices::AssignedAt))
        .foreign_key(&mut belongs_to(
            ProductMatrices::Table,
            ProductMatrices::StoreId,
            Stores::Table,
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut belongs_to(
            ProductMatrices::Table,
            ProductMatrices::MatrixId,
            PriceMatrices::Table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

fn option_groups() -> TableCreateStatement {
    Table::create()
        .table(OptionGroups::Table)
        .col(id(OptionGroups::Id))
        .col(big_integer(OptionGroups::StoreId))
        .col(string(OptionGroups::Name))
        .col(string(OptionGroups::Requirement))
        .col(big_integer(OptionGroups::Version).default(1))
        .col(at(OptionGroups::CreatedAt))
        .col(at(OptionGroups::UpdatedAt))
        .foreign_key(&mut belongs_to(
            OptionGroups::Table,
            OptionGroups::StoreId,
            Stores::Table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

fn option_choices() -> TableCreateStatement {
    Table::create()
        .table(OptionChoices::Table)
        .col(id(OptionChoices::Id))
        .col(big_integer(OptionChoices::GroupId))
        .col(integer(OptionChoices::Position))
        .col(string(OptionChoices::Label))
        .col(string(OptionChoices::ModifierType))
        .col(big_integer(OptionChoices::ModifierValue))
        .col(boolean(OptionChoices::IsDefault).default(false))
        .foreign_key(&mut belongs_to(
            OptionChoices::Table,
            OptionChoices::GroupId,
            OptionGroups::Table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

fn product_option_groups() -> TableCreateStatement {
    Table::create()
        .table(ProductOptionGroups::Table)
        .col(id(ProductOptionGroups::Id))
        .col(big_integer(ProductOptionGroups::StoreId))
        .col(string(ProductOptionGroups::ProductGid))
        .col(big_integer(ProductOptionGroups::GroupId))
        .col(integer(ProductOptionGroups::Position))
        .foreign_key(&mut belongs_to(
            ProductOptionGroups::Table,
            ProductOptionGroups::StoreId,
            Stores::Table,
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut belongs_to(
            ProductOptionGroups::Table,
            ProductOptionGroups::GroupId,
            OptionGroups::Table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

fn draft_order_records() -> TableCreateStatement {
    Table::create()
        .table(DraftOrderRecords::Table)
        .col(id(DraftOrderRecords::Id))
        .col(big_integer(DraftOrderRecords::StoreId))
        .col(big_integer_null(DraftOrderRecords::MatrixId))
        .col(string(DraftOrderRecords::MatrixName))
        .col(string_uniq(DraftOrderRecords::Reference))
        .col(string_null(DraftOrderRecords::ShopifyDraftOrderGid))
        .col(string_null(DraftOrderRecords::ShopifyName))
        .col(string(DraftOrderRecords::ProductGid))
        .col(string_null(DraftOrderRecords::VariantGid))
        .col(string(DraftOrderRecords::Width))
        .col(string(DraftOrderRecords::Height))
        .col(string(DraftOrderRecords::Unit))
        .col(integer(DraftOrderRecords::Quantity))
        .col(big_integer(DraftOrderRecords::UnitPriceMinor))
        .col(big_integer(DraftOrderRecords::TotalMinor))
        .col(string(DraftOrderRecords::Currency))
        .col(string_null(DraftOrderRecords::ShopifyTotal))
        .col(text(DraftOrderRecords::OptionSelections))
        .col(string(DraftOrderRecords::Status))
        .col(string_null(DraftOrderRecords::IdempotencyKey))
        .col(string(DraftOrderRecords::RequestHash))
        .col(text_null(DraftOrderRecords::InvoiceUrl))
        .col(text_null(DraftOrderRecords::Error))
        .col(integer(DraftOrderRecords::Attempts).default(0))
        .col(at(DraftOrderRecords::CreatedAt))
        .col(at(DraftOrderRecords::UpdatedAt))
        .foreign_key(&mut belongs_to(
            DraftOrderRecords::Table,
            DraftOrderRecords::StoreId,
            Stores::Table,
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut belongs_to(
            DraftOrderRecords::Table,
            DraftOrderRecords::MatrixId,
            PriceMatrices::Table,
            ForeignKeyAction::SetNull,
        ))
        .to_owned()
}

fn webhook_events() -> TableCreateStatement {
    Table::create()
        .table(WebhookEvents::Table)
        .col(id(WebhookEvents::Id))
        .col(string_uniq(WebhookEvents::WebhookId))
        .col(string(WebhookEvents::Topic))
        .col(string(WebhookEvents::Shop))
        .col(at(WebhookEvents::ReceivedAt))
        .col(at_null(WebhookEvents::ProcessedAt))
        .to_owned()
}

fn gdpr_requests() -> TableCreateStatement {
    Table::create()
        .table(GdprRequests::Table)
        .col(id(GdprRequests::Id))
        .col(string(GdprRequests::Shop))
        .col(string(GdprRequests::Kind))
        .col(text(GdprRequests::Payload))
        .col(at(GdprRequests::ReceivedAt))
        .col(at_null(GdprRequests::ProcessedAt))
        .to_owned()
}

fn jobs() -> TableCreateStatement {
    Table::create()
        .table(Jobs::Table)
        .col(id(Jobs::Id))
        .col(string(Jobs::Kind))
        .col(text(Jobs::Payload))
        .col(string(Jobs::Status))
        .col(integer(Jobs::Attempts).default(0))
        .col(integer(Jobs::MaxAttempts))
        .col(at(Jobs::RunAt))
        .col(at_null(Jobs::LockedUntil))
        .col(text_null(Jobs::LastError))
        .col(at(Jobs::CreatedAt))
        .col(at(Jobs::UpdatedAt))
        .to_owned()
}

fn audit_log() -> TableCreateStatement {
    Table::create()
        .table(AuditLog::Table)
        .col(id(AuditLog::Id))
        .col(big_integer(AuditLog::StoreId))
        .col(string(AuditLog::Actor))
        .col(string(AuditLog::Action))
        .col(string(AuditLog::Entity))
        .col(string_null(AuditLog::EntityId))
        .col(text_null(AuditLog::Before))
        .col(text_null(AuditLog::After))
        .col(at(AuditLog::At))
        .foreign_key(&mut belongs_to(
            AuditLog::Table,
            AuditLog::StoreId,
            Stores::Table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

fn oauth_states() -> TableCreateStatement {
    Table::create()
        .table(OauthStates::Table)
        .col(id(OauthStates::Id))
        .col(string_uniq(OauthStates::Nonce))
        .col(string(OauthStates::Shop))
        .col(at(OauthStates::CreatedAt))
        .to_owned()
}

fn index<T, C>(name: &str, table: T, columns: impl IntoIterator<Item = C>) -> IndexCreateStatement
where
    T: IntoIden + 'static,
    C: IntoIden,
{
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    index.to_owned()
}

fn unique(mut index: IndexCreateStatement) -> IndexCreateStatement {
    index.unique().to_owned()
}

fn indexes() -> Vec<IndexCreateStatement> {
    use DraftOrderRecords as Dor;
    use ProductOptionGroups as Pog;
    vec![
        index("ix_api_keys_store", ApiKeys::Table, [ApiKeys::StoreId]),
        unique(index(
            "ux_price_matrices_store_name",
            PriceMatrices::Table,
            [PriceMatrices::StoreId, PriceMatrices::Name],
        )),
        unique(index(
            "ux_breakpoints_value",
            Breakpoints::Table,
            [
                Breakpoints::MatrixId,
                Breakpoints::Axis,
                Breakpoints::ValueE4,
            ],
        )),
        unique(index(
            "ux_breakpoints_position",
            Breakpoints::Table,
            [
                Breakpoints::MatrixId,
                Breakpoints::Axis,
                Breakpoints::Position,
            ],
        )),
        unique(index(
            "ux_matrix_cells_position",
            MatrixCells::Table,
            [
                MatrixCells::MatrixId,
                MatrixCells::WidthPosition,
                MatrixCells::HeightPosition,
            ],
        )),
        unique(index(
            "ux_product_matrices_product",
            ProductMatrices::Table,
            [ProductMatrices::StoreId, ProductMatrices::ProductGid],
        )),
        index(
            "ix_product_matrices_matrix",
            ProductMatrices::Table,
            [ProductMatrices::MatrixId],
        ),
        index(
            "ix_option_groups_store",
            OptionGroups::Table,
            [OptionGroups::StoreId],
        ),
        unique(index(
            "ux_option_choices_label",
            OptionChoices::Table,
            [OptionChoices::GroupId, OptionChoices::Label],
        )),
        unique(index(
            "ux_product_option_groups_group",
            Pog::Table,
            [Pog::StoreId, Pog::ProductGid, Pog::GroupId],
        )),
        index("ix_product_option_groups_group", Pog::Table, [Pog::GroupId]),
        unique(index(
            "ux_draft_order_records_idempotency",
            Dor::Table,
            [Dor::StoreId, Dor::IdempotencyKey],
        )),
        index(
            "ix_draft_order_records_store_created",
            Dor::Table,
            [Dor::StoreId, Dor::CreatedAt],
        ),
        index(
            "ix_draft_order_records_status",
            Dor::Table,
            [Dor::Status, Dor::CreatedAt],
        ),
        index("ix_draft_order_records_matrix", Dor::Table, [Dor::MatrixId]),
        index("ix_jobs_due", Jobs::Table, [Jobs::Status, Jobs::RunAt]),
        index(
            "ix_audit_log_store_at",
            AuditLog::Table,
            [AuditLog::StoreId, AuditLog::At],
        ),
    ]
}

#[derive(DeriveIden)]
enum Stores {
    Table,
    Id,
    Shop,
    AccessTokenCiphertext,
    Scopes,
    InstalledAt,
    UninstalledAt,
    ReauthRequiredAt,
    UnitPreference,
    OutOfRangeDefault,
    Currency,
    TotalDraftOrdersCreated,
    LineItemMode,
    DefaultAllowedOrigins,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    StoreId,
    Kind,
    Prefix,
    KeyHash,
    AllowedOrigins,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
    ExpiresAt,
    RevealCiphertext,
}

#[derive(DeriveIden)]
enum PriceMatrices {
    Table,
    Id,
    StoreId,
    Name,
    Unit,
    OutOfRange,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Breakpoints {
    Table,
    Id,
    MatrixId,
    Axis,
    Position,
    ValueE4,
}

#[derive(DeriveIden)]
enum MatrixCells {
    Table,
    Id,
    MatrixId,
    WidthPosition,
    HeightPosition,
    PriceMinor,
}

#[derive(DeriveIden)]
enum ProductMatrices {
    Table,
    Id,
    StoreId,
    MatrixId,
    ProductGid,
    ProductTitle,
    DefaultVariantGid,
    AssignedAt,
}

#[derive(DeriveIden)]
enum OptionGroups {
    Table,
    Id,
    StoreId,
    Name,
    Requirement,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OptionChoices {
    Table,
    Id,
    GroupId,
    Position,
    Label,
    ModifierType,
    ModifierValue,
    IsDefault,
}

#[derive(DeriveIden)]
enum ProductOptionGroups {
    Table,
    Id,
    StoreId,
    ProductGid,
    GroupId,
    Position,
}

#[derive(DeriveIden)]
enum DraftOrderRecords {
    Table,
    Id,
    StoreId,
    MatrixId,
    MatrixName,
    Reference,
    ShopifyDraftOrderGid,
    ShopifyName,
    ProductGid,
    VariantGid,
    Width,
    Height,
    Unit,
    Quantity,
    UnitPriceMinor,
    TotalMinor,
    Currency,
    ShopifyTotal,
    OptionSelections,
    Status,
    IdempotencyKey,
    RequestHash,
    InvoiceUrl,
    Error,
    Attempts,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookEvents {
    Table,
    Id,
    WebhookId,
    Topic,
    Shop,
    ReceivedAt,
    ProcessedAt,
}

#[derive(DeriveIden)]
enum GdprRequests {
    Table,
    Id,
    Shop,
    Kind,
    Payload,
    ReceivedAt,
    ProcessedAt,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    Status,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedUntil,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    StoreId,
    Actor,
    Action,
    Entity,
    EntityId,
    Before,
    After,
    At,
}

#[derive(DeriveIden)]
enum OauthStates {
    Table,
    Id,
    Nonce,
    Shop,
    CreatedAt,
}
