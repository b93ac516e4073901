//! A store's app subscriptions (DESIGN §14) as Gridprice last learned them from Shopify, and
//! the usage its plan limits. Shopify is the truth: a row changes only with what Shopify said
//! (the create answer, `activeSubscriptions`, an `app_subscriptions/update` webhook), and a
//! report older than the one stored changes nothing, so late or repeated deliveries are
//! harmless.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use shopify::admin::billing::AppSubscriptionStatus;
use shopify::gid::AppSubscriptionGid;

use crate::entities::{app_subscriptions, stores};
use crate::{matrices, options, Database, StorageError, StorageResult, StoreId, UnitOfWork};

/// One subscription of the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub shopify_id: AppSubscriptionGid,
    pub name: String,
    pub status: AppSubscriptionStatus,
    pub test: bool,
    pub trial_days: u32,
    /// When Shopify first reported it ACTIVE.
    pub activated_at: Option<DateTime<Utc>>,
    pub current_period_end: Option<DateTime<Utc>>,
    /// When its status was last true, as Shopify said.
    pub status_at: DateTime<Utc>,
}

impl Subscription {
    /// The end of its free trial, once it was approved with one.
    pub fn trial_ends_at(&self) -> Option<DateTime<Utc>> {
        let activated = self.activated_at?;
        (self.trial_days > 0).then(|| activated + chrono::Duration::days(self.trial_days.into()))
    }

    /// Whether it pays for its plan now: ACTIVE (in its trial or billed).
    pub fn grants_plan(&self) -> bool {
        self.status == AppSubscriptionStatus::Active
    }
}

/// What Shopify says about one subscription at `status_at`.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub shopify_id: AppSubscriptionGid,
    pub name: &'a str,
    pub status: AppSubscriptionStatus,
    pub test: bool,
    pub trial_days: u32,
    pub current_period_end: Option<DateTime<Utc>>,
    pub status_at: DateTime<Utc>,
}

/// A report that changed a row: its status before (`None`: new) and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub before: Option<AppSubscriptionStatus>,
    pub after: Subscription,
}

/// What a store has of what plans limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub matrices: u64,
    pub option_groups: u64,
}

/// Stores what Shopify reported, unless a newer report is already stored. An ACTIVE
/// subscription replaces every other the store had active (Shopify cancels them on approval).
pub async fn apply(work: &UnitOfWork<'_>, report: &Report<'_>) -> StorageResult<Option<Applied>> {
    let shopify_id = numeric(report.shopify_id)?;
    let existing = app_subscriptions::Entity::find()
        .filter(app_subscriptions::Column::StoreId.eq(work.store().get()))
        .filter(app_subscriptions::Column::ShopifyId.eq(shopify_id))
        .one(work.txn())
        .await?;
    if existing
        .as_ref()
        .is_some_and(|row| row.status_at > report.status_at)
    {
        return Ok(None);
    }
    let before = existing
        .as_ref()
        .map(|row| AppSubscriptionStatus::from_name(&row.status));
    let now = Utc::now();
    let becomes_active = report.status == AppSubscriptionStatus::Active;
    let row = match existing {
        Some(row) => {
            let activated_at = row
                .activated_at
                .or(becomes_active.then_some(report.status_at));
            // Webhook payloads carry no period end: a live subscription keeps the one known.
            let current_period_end = match report.status {
                AppSubscriptionStatus::Active | AppSubscriptionStatus::Frozen => {
                    report.current_period_end.or(row.current_period_end)
                }
                _ => None,
            };
            let mut row = row.into_active_model();
            row.status = Set(report.status.as_str().to_owned());
            row.activated_at = Set(activated_at);
            row.current_period_end = Set(current_period_end);
            row.status_at = Set(report.status_at);
            row.updated_at = Set(now);
            row.update(work.txn()).await?
        }
        None => {
            app_subscriptions::ActiveModel {
                store_id: Set(work.store().get()),
                shopify_id: Set(shopify_id),
                name: Set(report.name.to_owned()),
                status: Set(report.status.as_str().to_owned()),
                test: Set(report.test),
                trial_days: Set(i32::try_from(report.trial_days).unwrap_or(i32::MAX)),
                activated_at: Set(becomes_active.then_some(report.status_at)),
                current_period_end: Set(report.current_period_end),
                status_at: Set(report.status_at),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(work.txn())
            .await?
        }
    };
    if becomes_active && before != Some(AppSubscriptionStatus::Active) {
        replace_others(work, shopify_id, report.status_at).await?;
    }
    Ok(Some(Applied {
        before,
        after: from_row(row)?,
    }))
}

/// Marks the store's other active or frozen subscriptions cancelled, as Shopify does when a new
/// one is approved.
async fn replace_others(work: &UnitOfWork<'_>, kept: i64, at: DateTime<Utc>) -> StorageResult<()> {
    end_live(work, at, Some(kept)).await
}

/// `app/uninstalled`: Shopify cancels every subscription of the app with the installation.
pub async fn cancel_on_uninstall(work: &UnitOfWork<'_>, at: DateTime<Utc>) -> StorageResult<()> {
    end_live(work, at, None).await
}

async fn end_live(
    work: &UnitOfWork<'_>,
    at: DateTime<Utc>,
    except: Option<i64>,
) -> StorageResult<()> {
    let live = [
        AppSubscriptionStatus::Active,
        AppSubscriptionStatus::Frozen,
        AppSubscriptionStatus::Pending,
    ]
    .map(AppSubscriptionStatus::as_str);
    let mut update = app_subscriptions::Entity::update_many()
        .col_expr(
            app_subscriptions::Column::Status,
            Expr::value(AppSubscriptionStatus::Cancelled.as_str()),
        )
        .col_expr(app_subscriptions::Column::StatusAt, Expr::value(at))
        .col_expr(
            app_subscriptions::Column::CurrentPeriodEnd,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            app_subscriptions::Column::UpdatedAt,
            Expr::value(Utc::now()),
        )
        .filter(app_subscriptions::Column::StoreId.eq(work.store().get()))
        .filter(app_subscriptions::Column::Status.is_in(live))
        .filter(app_subscriptions::Column::StatusAt.lte(at));
    if let Some(kept) = except {
        update = update.filter(app_subscriptions::Column::ShopifyId.ne(kept));
    }
    update.exec(work.txn()).await?;
    Ok(())
}

/// The store's subscriptions, newest first.
pub async fn list(db: &Database, store: StoreId) -> StorageResult<Vec<Subscription>> {
    app_subscriptions::Entity::find()
        .filter(app_subscriptions::Column::StoreId.eq(store.get()))
        .order_by_desc(app_subscriptions::Column::Id)
        .all(db.connection())
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Takes the store's row for the rest of the unit of work and counts what plans limit, so two
/// writers cannot both see room for the last item the plan allows.
pub async fn usage_locked(work: &UnitOfWork<'_>) -> StorageResult<Usage> {
    let store = work.store();
    stores::Entity::update_many()
        .col_expr(
            stores::Column::UpdatedAt,
            Expr::col(stores::Column::UpdatedAt).into(),
        )
        .filter(stores::Column::Id.eq(store.get()))
        .exec(work.txn())
        .await?;
    Ok(Usage {
        matrices: matrices::count_on(work.txn(), store).await?,
        option_groups: options::count_groups_on(work.txn(), store).await?,
    })
}

/// What the store has now.
pub async fn usage(db: &Database, store: StoreId) -> StorageResult<Usage> {
    Ok(Usage {
        matrices: matrices::count(db, store).await?,
        option_groups: options::count_groups(db, store).await?,
    })
}

fn numeric(id: AppSubscriptionGid) -> StorageResult<i64> {
    i64::try_from(id.numeric_id())
        .map_err(|_| StorageError::corrupt(format!("subscription id {id} out of range")))
}

fn from_row(row: app_subscriptions::Model) -> StorageResult<Subscription> {
    let shopify_id = u64::try_from(row.shopify_id)
        .ok()
        .and_then(|id| AppSubscriptionGid::from_numeric(id).ok())
        .ok_or_else(|| StorageError::corrupt(format!("subscription id {}", row.shopify_id)))?;
    Ok(Subscription {
        shopify_id,
        name: row.name,
        status: AppSubscriptionStatus::from_name(&row.status),
        test: row.test,
        trial_days: u32::try_from(row.trial_days).unwrap_or(0),
        activated_at: row.activated_at,
        current_period_end: row.current_period_end,
        status_at: row.status_at,
    })
}
