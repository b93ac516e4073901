//! Stores: one row per Shopify shop that installed the app; everything else belongs to one.
//! The offline access token is kept out of [`Store`] and read only where a Shopify call is made.

use chrono::{DateTime, Utc};
use pricing::{Currency, OutOfRangePolicy, Unit};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionTrait,
};
use shopify::ShopDomain;

use crate::entities::stores;
use crate::{changes, Database, StorageError, StorageResult, StoreId, UnitOfWork};

/// How a draft order's line item refers to the product (DESIGN §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineItemMode {
    /// The product's variant with a `priceOverride`: keeps inventory, images and reporting.
    #[default]
    Variant,
    /// A custom line item priced with `originalUnitPriceWithCurrency`.
    Custom,
}

impl LineItemMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Variant => "variant",
            Self::Custom => "custom",
        }
    }
}

impl std::str::FromStr for LineItemMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "variant" => Ok(Self::Variant),
            "custom" => Ok(Self::Custom),
            other => Err(format!(
                "unknown line item mode {other:?} (variant or custom)"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    pub id: StoreId,
    pub shop: ShopDomain,
    pub currency: Currency,
    pub unit_preference: Unit,
    pub out_of_range_default: OutOfRangePolicy,
    pub line_item_mode: LineItemMode,
    /// Origins a new storefront key allows unless the merchant names others; empty = any.
    pub default_allowed_origins: Vec<String>,
    /// Whether Shopify's automatic discounts may apply to Gridprice's draft orders (off: the
    /// locked price is the price).
    pub accept_automatic_discounts: bool,
    pub total_draft_orders_created: i64,
    /// When the merchant marked the calculator as added to their theme (the setup guide's
    /// last step; Shopify does not tell apps).
    pub calculator_placed_at: Option<DateTime<Utc>>,
    pub installed_at: Option<DateTime<Utc>>,
    pub uninstalled_at: Option<DateTime<Utc>>,
    pub reauth_required_at: Option<DateTime<Utc>>,
    /// The access scopes Shopify granted at the last install or re-authorisation.
    pub granted_scopes: Vec<String>,
}

impl Store {
    /// Installed, not uninstalled since, and its token still accepted by Shopify.
    pub fn is_active(&self) -> bool {
        self.installed_at.is_some()
            && self.uninstalled_at.is_none()
            && self.reauth_required_at.is_none()
    }

    /// The merchant's settings as they are now.
    pub fn settings(&self) -> Settings {
        Settings {
            unit_preference: self.unit_preference,
            out_of_range_default: self.out_of_range_default,
            line_item_mode: self.line_item_mode,
            default_allowed_origins: self.default_allowed_origins.clone(),
            accept_automatic_discounts: self.accept_automatic_discounts,
        }
    }
}

/// A store's settings, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub unit_preference: Unit,
    pub out_of_range_default: OutOfRangePolicy,
    pub line_item_mode: LineItemMode,
    pub default_allowed_origins: Vec<String>,
    pub accept_automatic_discounts: bool,
}

/// An install or reinstall as Shopify granted it.
#[derive(Debug, Clone)]
pub struct Grant<'a> {
    pub shop: &'a ShopDomain,
    pub currency: Currency,
    pub token: StoredToken,
    pub scopes: &'a str,
}

/// A store's offline token as kept: sealed, and — when it expires — when to renew it, when it
/// stops working, and the sealed refresh token that renews it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub access_ciphertext: String,
    /// `None`: a non-expiring token, issued before expiring tokens.
    pub expiry: Option<StoredExpiry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredExpiry {
    pub refresh_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub refresh_ciphertext: String,
    pub refresh_expires_at: Option<DateTime<Utc>>,
}

impl StoredToken {
    fn write_to(&self, row: &mut stores::ActiveModel) {
        let expiry = self.expiry.as_ref();
        row.access_token_ciphertext = Set(Some(self.access_ciphertext.clone()));
        row.access_token_refresh_at = Set(expiry.map(|e| e.refresh_at));
        row.access_token_expires_at = Set(expiry.map(|e| e.expires_at));
        row.refresh_token_ciphertext = Set(expiry.map(|e| e.refresh_ciphertext.clone()));
        row.refresh_token_expires_at = Set(expiry.and_then(|e| e.refresh_expires_at));
    }

    fn from_row(row: &stores::Model) -> Option<Self> {
        let access_ciphertext = row.access_token_ciphertext.clone()?;
        let expiry = match (
            row.access_token_refresh_at,
            row.access_token_expires_at,
            &row.refresh_token_ciphertext,
        ) {
            (Some(refresh_at), Some(expires_at), Some(refresh)) => Some(StoredExpiry {
                refresh_at,
                expires_at,
                refresh_ciphertext: refresh.clone(),
                refresh_expires_at: row.refresh_token_expires_at,
            }),
            _ => None,
        };
        Some(Self {
            access_ciphertext,
            expiry,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Installed {
    pub store: Store,
    /// True when the row was created now; a reinstall keeps the store's data.
    pub first_install: bool,
}

pub async fn create(db: &Database, shop: &ShopDomain, currency: Currency) -> StorageResult<Store> {
    let row = new_row(shop, currency)
        .insert(db.connection())
        .await
        .map_err(|e| StorageError::conflict_on_duplicate(e, || format!("{shop} already exists")))?;
    store_from_row(row)
}

/// Creates the store on first install, or refreshes its token on a reinstall or re-auth; every
/// copy of the store's data is dropped (it may come back from being uninstalled).
pub async fn record_install(db: &Database, grant: Grant<'_>) -> StorageResult<Installed> {
    let txn = db.connection().begin().await?;
    let existing = stores::Entity::find()
        .filter(stores::Column::Shop.eq(grant.shop.as_str()))
        .one(&txn)
        .await?;
    let first_install = existing.is_none();
    let now = Utc::now();
    let grant_to = |mut row: stores::ActiveModel| {
        row.currency = Set(grant.currency.code().to_owned());
        grant.token.write_to(&mut row);
        row.scopes = Set(Some(grant.scopes.to_owned()));
        row.installed_at = Set(Some(now));
        row.uninstalled_at = Set(None);
        row.reauth_required_at = Set(None);
        row.updated_at = Set(now);
        row
    };
    let row = match existing {
        Some(row) => grant_to(row.into_active_model()).update(&txn).await?,
        None => {
            grant_to(new_row(grant.shop, grant.currency))
                .insert(&txn)
                .await?
        }
    };
    let store = store_from_row(row)?;
    changes::publish(&txn, store.id).await?;
    txn.commit().await?;
    db.changes.store_changed(store.id);
    Ok(Installed {
        store,
        first_install,
    })
}

pub async fn get(db: &Database, id: StoreId) -> StorageResult<Store> {
    stores::Entity::find_by_id(id.get())
        .one(db.connection())
        .await?
        .ok_or(StorageError::NotFound("store"))
        .and_then(store_from_row)
}

/// The store with an id kept elsewhere (a job's payload), if it still exists.
pub async fn find(db: &Database, id: i64) -> StorageResult<Option<Store>> {
    stores::Entity::find_by_id(id)
        .one(db.connection())
        .await?
        .map(store_from_row)
        .transpose()
}

pub async fn find_by_shop(db: &Database, shop: &ShopDomain) -> StorageResult<Option<Store>> {
    stores::Entity::find()
        .filter(stores::Column::Shop.eq(shop.as_str()))
        .one(db.connection())
        .await?
        .map(store_from_row)
        .transpose()
}

/// The sealed offline token of an installed store.
pub async fn stored_token(db: &Database, id: StoreId) -> StorageResult<Option<StoredToken>> {
    let row = stores::Entity::find_by_id(id.get())
        .one(db.connection())
        .await?
        .ok_or(StorageError::NotFound("store"))?;
    Ok(StoredToken::from_row(&row))
}

/// Replaces the store's token with its renewal, unless it is no longer `previous` (another
/// instance renewed it first, or the store was uninstalled): true when replaced. Access and
/// refresh token change together, in one statement.
pub async fn replace_token(
    db: &Database,
    id: StoreId,
    previous: &StoredToken,
    renewed: &StoredToken,
) -> StorageResult<bool> {
    let mut row = stores::ActiveModel {
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    renewed.write_to(&mut row);
    let result = stores::Entity::update_many()
        .set(row)
        .filter(stores::Column::Id.eq(id.get()))
        .filter(stores::Column::AccessTokenCiphertext.eq(previous.access_ciphertext.as_str()))
        .exec(db.connection())
        .await?;
    Ok(result.rows_affected == 1)
}

/// `app/uninstalled`: the token is dropped, the data kept until `shop/redact`.
pub async fn mark_uninstalled(work: &UnitOfWork<'_>) -> StorageResult<()> {
    stores::Entity::update_many()
        .set(no_token())
        .col_expr(stores::Column::UninstalledAt, Expr::value(Utc::now()))
        .col_expr(stores::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(stores::Column::Id.eq(work.store().get()))
        .exec(work.txn())
        .await?;
    Ok(())
}

/// Every token column empty: what an uninstalled store keeps.
fn no_token() -> stores::ActiveModel {
    stores::ActiveModel {
        access_token_ciphertext: Set(None),
        access_token_refresh_at: Set(None),
        access_token_expires_at: Set(None),
        refresh_token_ciphertext: Set(None),
        refresh_token_expires_at: Set(None),
        ..Default::default()
    }
}

/// Shopify refused the token: the merchant must open the app again to re-authenticate.
pub async fn mark_reauth_required(db: &Database, id: StoreId) -> StorageResult<()> {
    stores::Entity::update_many()
        .col_expr(stores::Column::ReauthRequiredAt, Expr::value(Utc::now()))
        .col_expr(stores::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(stores::Column::Id.eq(id.get()))
        .exec(db.connection())
        .await?;
    Ok(())
}

/// The shop's currency, as Shopify reports it.
pub async fn update_currency(work: &UnitOfWork<'_>, currency: Currency) -> StorageResult<()> {
    stores::Entity::update_many()
        .col_expr(stores::Column::Currency, Expr::value(currency.code()))
        .col_expr(stores::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(stores::Column::Id.eq(work.store().get()))
        .exec(work.txn())
        .await?;
    Ok(())
}

/// The merchant says the calculator is in their theme; the first time counts.
pub async fn mark_calculator_placed(work: &UnitOfWork<'_>) -> StorageResult<()> {
    stores::Entity::update_many()
        .col_expr(stores::Column::CalculatorPlacedAt, Expr::value(Utc::now()))
        .col_expr(stores::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(stores::Column::Id.eq(work.store().get()))
        .filter(stores::Column::CalculatorPlacedAt.is_null())
        .exec(work.txn())
        .await?;
    Ok(())
}

/// Saves the merchant's settings.
pub async fn update_settings(work: &UnitOfWork<'_>, settings: &Settings) -> StorageResult<()> {
    let origins =
        serde_json::to_string(&settings.default_allowed_origins).map_err(StorageError::corrupt)?;
    stores::Entity::update_many()
        .col_expr(
            stores::Column::UnitPreference,
            Expr::value(settings.unit_preference.as_str()),
        )
        .col_expr(
            stores::Column::OutOfRangeDefault,
            Expr::value(settings.out_of_range_default.as_str()),
        )
        .col_expr(
            stores::Column::LineItemMode,
            Expr::value(settings.line_item_mode.as_str()),
        )
        .col_expr(stores::Column::DefaultAllowedOrigins, Expr::value(origins))
        .col_expr(
            stores::Column::AcceptAutomaticDiscounts,
            Expr::value(settings.accept_automatic_discounts),
        )
        .col_expr(stores::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(stores::Column::Id.eq(work.store().get()))
        .exec(work.txn())
        .await?;
    Ok(())
}

/// Deletes the store and, through the schema's cascades, everything it owns
/// ([`UnitOfWork::erase_store`]).
pub(crate) async fn delete(connection: &impl ConnectionTrait, id: StoreId) -> StorageResult<bool> {
    let result = stores::Entity::delete_by_id(id.get())
        .exec(connection)
        .await?;
    Ok(result.rows_affected == 1)
}

fn new_row(shop: &ShopDomain, currency: Currency) -> stores::ActiveModel {
    let now = Utc::now();
    stores::ActiveModel {
        shop: Set(shop.as_str().to_owned()),
        currency: Set(currency.code().to_owned()),
        unit_preference: Set(pricing::Unit::Millimetre.as_str().to_owned()),
        out_of_range_default: Set(pricing::OutOfRangePolicy::default().as_str().to_owned()),
        line_item_mode: Set(LineItemMode::default().as_str().to_owned()),
        default_allowed_origins: Set("[]".to_owned()),
        accept_automatic_discounts: Set(false),
        total_draft_orders_created: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

fn store_from_row(row: stores::Model) -> StorageResult<Store> {
    Ok(Store {
        id: StoreId::from_row(row.id),
        shop: ShopDomain::parse(&row.shop).map_err(StorageError::corrupt)?,
        currency: row.currency.parse().map_err(StorageError::corrupt)?,
        unit_preference: row.unit_preference.parse().map_err(StorageError::corrupt)?,
        out_of_range_default: row
            .out_of_range_default
            .parse()
            .map_err(StorageError::corrupt)?,
        line_item_mode: row.line_item_mode.parse().map_err(StorageError::corrupt)?,
        default_allowed_origins: serde_json::from_str(&row.default_allowed_origins)
            .map_err(StorageError::corrupt)?,
        accept_automatic_discounts: row.accept_automatic_discounts,
        total_draft_orders_created: row.total_draft_orders_created,
        calculator_placed_at: row.calculator_placed_at,
        installed_at: row.installed_at,
        uninstalled_at: row.uninstalled_at,
        reauth_required_at: row.reauth_required_at,
        granted_scopes: row
            .scopes
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|scope| !scope.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}
