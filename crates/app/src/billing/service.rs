//! Subscribing, confirming, cancelling and Shopify's status reports: each a call to Shopify's
//! Billing API and a unit of work that records what Shopify said.

use chrono::{DateTime, Utc};
use gridprice_storage::audit::{Action, AuditEntry};
use gridprice_storage::billing::{self as storage, Applied, Report};
use gridprice_storage::{Database, Editor, UnitOfWork};
use serde_json::json;
use shopify::admin::billing::{AppSubscription, AppSubscriptionInput, AppSubscriptionStatus};
use shopify::webhook::AppSubscriptionsUpdate;
use shopify::AppSubscriptionGid;
use url::Url;

use super::{PlanKey, Plans, Standing, PLAN_PAGE};
use crate::error::ServiceError;
use crate::stores::ShopifyAccess;

/// What a merchant's return from Shopify's confirmation page turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// Shopify lists the charge as this shop's active subscription: recorded.
    Active,
    /// Shopify does not list it as active for this shop (declined, another shop's, made up).
    NotActive,
}

/// Asks Shopify for the paid plan and answers where the merchant approves it. The trial is
/// offered only if this shop never had one; development stores (and an operator's
/// `GRIDPRICE_BILLING_TEST`) get a test charge.
pub async fn subscribe(
    db: &Database,
    shopify: &ShopifyAccess,
    plans: &Plans,
    editor: &Editor,
) -> Result<Url, ServiceError> {
    let store = &editor.store;
    let standing = Standing::load(db, store.id).await?;
    if standing.plan == PlanKey::Pro {
        return Err(ServiceError::Conflict(format!(
            "This store is on {} already.",
            plans.pro.name
        )));
    }
    let (launch_url, shop) = shopify
        .call(store, |token| async move {
            let client = shopify.shop(&store.shop, &token);
            Ok::<_, shopify::admin::AdminError>((
                client.launch_url().await?,
                client.shop_plan().await?,
            ))
        })
        .await?;
    let input = AppSubscriptionInput {
        name: plans.pro.name.clone(),
        price: shopify::admin::Money {
            amount: plans.pro.price.to_string(),
            currency_code: plans.pro.price.currency().code().to_owned(),
        },
        interval: plans.pro.interval,
        return_url: return_url(&launch_url)?,
        trial_days: if standing.trial_used {
            0
        } else {
            plans.pro.trial_days
        },
        test: plans.test_charges || shop.partner_development,
        replacement_behavior: None,
    };
    let created = shopify
        .call(store, |token| {
            let input = &input;
            async move {
                shopify
                    .shop(&store.shop, &token)
                    .app_subscription_create(input)
                    .await
            }
        })
        .await?;
    let subscription = &created.subscription;
    record(
        db,
        editor,
        report(subscription, subscription.created_at),
        Action::SubscriptionRequest,
    )
    .await?;
    Ok(created.confirmation_url)
}

/// The merchant came back from Shopify with `charge_id`: the charge counts only if Shopify
/// lists it among this shop's active subscriptions.
pub async fn confirm(
    db: &Database,
    shopify: &ShopifyAccess,
    editor: &Editor,
    charge_id: &str,
) -> Result<Confirmation, ServiceError> {
    let Ok(charge) = AppSubscriptionGid::parse(charge_id) else {
        return Ok(Confirmation::NotActive);
    };
    let store = &editor.store;
    let active = shopify
        .call(store, |token| async move {
            shopify
                .shop(&store.shop, &token)
                .active_subscriptions()
                .await
        })
        .await?;
    let Some(subscription) = active
        .iter()
        .find(|s| s.id == charge && s.status == AppSubscriptionStatus::Active)
    else {
        return Ok(Confirmation::NotActive);
    };
    record(
        db,
        editor,
        report(subscription, Utc::now()),
        Action::SubscriptionStatus,
    )
    .await?;
    Ok(Confirmation::Active)
}

/// Cancels the paid plan (prorated): the store is on Free again, its data untouched.
pub async fn cancel(
    db: &Database,
    shopify: &ShopifyAccess,
    editor: &Editor,
) -> Result<(), ServiceError> {
    let store = &editor.store;
    let standing = Standing::load(db, store.id).await?;
    let Some(current) = standing.subscription else {
        return Err(ServiceError::Conflict(
            "This store has no paid plan to cancel.".to_owned(),
        ));
    };
    let id = current.shopify_id;
    let cancelled = shopify
        .call(store, |token| async move {
            shopify
                .shop(&store.shop, &token)
                .app_subscription_cancel(&id, true)
                .await
        })
        .await?;
    record(
        db,
        editor,
        report(&cancelled, Utc::now()),
        Action::SubscriptionCancel,
    )
    .await
}

/// `app_subscriptions/update`: Shopify's new status, unless a newer one is stored.
pub async fn apply_update(
    db: &Database,
    editor: &Editor,
    update: &AppSubscriptionsUpdate,
) -> Result<(), ServiceError> {
    let report = Report {
        shopify_id: update.id,
        name: &update.name,
        status: update.status,
        test: false,
        trial_days: 0,
        current_period_end: None,
        status_at: update.updated_at,
    };
    record(db, editor, report, Action::SubscriptionStatus).await
}

/// Stores `report` with its audit entry; a report older than the stored one writes nothing.
async fn record(
    db: &Database,
    editor: &Editor,
    report: Report<'_>,
    action: Action,
) -> Result<(), ServiceError> {
    let work = UnitOfWork::begin(db, editor).await?;
    let Some(Applied { before, after }) = storage::apply(&work, &report).await? else {
        return Ok(());
    };
    let entry = AuditEntry::new(action, after.shopify_id)
        .before(&json!({ "status": before.map(AppSubscriptionStatus::as_str) }))
        .after(&json!({
            "name": after.name,
            "status": after.status.as_str(),
            "test": after.test,
            "trialDays": after.trial_days,
        }));
    work.commit(entry).await?;
    Ok(())
}

fn report(subscription: &AppSubscription, status_at: DateTime<Utc>) -> Report<'_> {
    Report {
        shopify_id: subscription.id,
        name: &subscription.name,
        status: subscription.status,
        test: subscription.test,
        trial_days: subscription.trial_days,
        current_period_end: subscription.current_period_end,
        status_at,
    }
}

/// The Plan page inside the shop's admin: Shopify sends the merchant there after approving,
/// and the admin opens it embedded.
fn return_url(launch_url: &Url) -> Result<Url, ServiceError> {
    let base = launch_url.as_str().trim_end_matches('/');
    Url::parse(&format!("{base}{PLAN_PAGE}")).map_err(ServiceError::internal)
}
