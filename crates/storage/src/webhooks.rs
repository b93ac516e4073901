//! Webhook deliveries and privacy requests. A delivery is taken once per `dedupe_key()`: its
//! event id when it has one (every delivery of one event shares it, e.g. to two subscriptions),
//! else its webhook id (every retry of one delivery shares that); the webhook id stays unique
//! too.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use shopify::webhook::WebhookDelivery;

use crate::entities::{gdpr_requests, webhook_events};
use crate::jobs::{self, NewJob};
use crate::{Database, StorageResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intake {
    Accepted,
    /// Delivered before (Shopify delivers at least once): nothing more to do.
    Duplicate,
}

/// Records the delivery and enqueues `job`, its work, in one transaction — once per event id
/// when the delivery has one, else once per webhook id.
pub async fn accept(
    db: &Database,
    delivery: &WebhookDelivery,
    job: &NewJob,
) -> StorageResult<Intake> {
    let txn = db.connection().begin().await?;
    let recorded = webhook_events::ActiveModel {
        webhook_id: Set(delivery.webhook_id.clone()),
        dedupe_key: Set(Some(delivery.dedupe_key().to_owned())),
        topic: Set(delivery.topic.as_str().to_owned()),
        shop: Set(delivery.shop.as_str().to_owned()),
        received_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match recorded {
        Ok(_) => {}
        Err(error)
            if matches!(
                error.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            return Ok(Intake::Duplicate);
        }
        Err(error) => return Err(error.into()),
    }
    jobs::enqueue(&txn, job).await?;
    txn.commit().await?;
    Ok(Intake::Accepted)
}

pub async fn mark_processed(db: &Database, webhook_id: &str) -> StorageResult<()> {
    webhook_events::Entity::update_many()
        .col_expr(webhook_events::Column::ProcessedAt, Expr::value(Utc::now()))
        .filter(webhook_events::Column::WebhookId.eq(webhook_id))
        .exec(db.connection())
        .await?;
    Ok(())
}

/// Keeps the audit record of a privacy request (the request itself, as Shopify sent it).
pub async fn record_privacy_request(
    db: &Database,
    shop: &str,
    kind: &str,
    payload: &str,
) -> StorageResult<()> {
    let now = Utc::now();
    gdpr_requests::ActiveModel {
        shop: Set(shop.to_owned()),
        kind: Set(kind.to_owned()),
        payload: Set(payload.to_owned()),
        received_at: Set(now),
        processed_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(db.connection())
    .await?;
    Ok(())
}
