//! What each topic does. Every handler is idempotent: a job may run again after a crash.

use chrono::Utc;
use gridprice_storage::audit::{Action, AuditEntry};
use gridprice_storage::jobs::NewJob;
use gridprice_storage::{stores, webhooks as storage, Actor, Database, Editor, UnitOfWork};
use serde::{Deserialize, Serialize};
use shopify::webhook::{
    AppSubscriptionsUpdate, ProductDelete, ProductUpdate, WebhookDelivery, WebhookTopic,
};
use shopify::ShopDomain;

use crate::billing::service as billing;
use crate::error::{JobError, ServiceError};
use crate::products::service as products;

pub const JOB_KIND: &str = "webhook";
/// Webhook work is cheap and idempotent; a few days of retries covers any outage.
const MAX_ATTEMPTS: i32 = 12;

#[derive(Debug, Serialize, Deserialize)]
struct WebhookJob {
    webhook_id: String,
    topic: String,
    shop: String,
    body: String,
}

/// The job that processes `delivery`, to be enqueued with its record.
pub fn job(delivery: &WebhookDelivery, body: &str) -> Result<NewJob, ServiceError> {
    let job = WebhookJob {
        webhook_id: delivery.webhook_id.clone(),
        topic: delivery.topic.as_str().to_owned(),
        shop: delivery.shop.as_str().to_owned(),
        body: body.to_owned(),
    };
    Ok(NewJob {
        kind: JOB_KIND,
        payload: serde_json::to_string(&job).map_err(ServiceError::internal)?,
        max_attempts: MAX_ATTEMPTS,
        run_at: Utc::now(),
    })
}

#[derive(Debug, Deserialize)]
struct ShopUpdate {
    currency: Option<String>,
}

/// The job: what the topic asks, done idempotently.
pub async fn process(db: &Database, payload: &str) -> Result<(), JobError> {
    let job: WebhookJob = serde_json::from_str(payload)
        .map_err(|e| JobError::Permanent(format!("malformed webhook job: {e}")))?;
    let shop = ShopDomain::parse(&job.shop)
        .map_err(|e| JobError::Permanent(format!("webhook for a bad shop domain: {e}")))?;
    let topic: WebhookTopic = job
        .topic
        .parse()
        .unwrap_or_else(|e: std::convert::Infallible| match e {});
    let store = stores::find_by_shop(db, &shop).await?;
    let shopify = store.map(|store| Editor {
        store,
        actor: Actor::Shopify,
    });
    match (topic, &shopify) {
        (WebhookTopic::AppUninstalled, Some(editor)) => uninstall(db, editor).await?,
        (WebhookTopic::ShopUpdate, Some(editor)) => update_shop(db, editor, &job.body).await?,
        (WebhookTopic::ProductsUpdate, Some(editor)) => {
            let update = ProductUpdate::parse(job.body.as_bytes())
                .map_err(|e| JobError::Permanent(e.to_string()))?;
            products::refresh(db, editor, &update).await?;
        }
        (WebhookTopic::ProductsDelete, Some(editor)) => {
            let deleted = ProductDelete::parse(job.body.as_bytes())
                .map_err(|e| JobError::Permanent(e.to_string()))?;
            products::forget(db, editor, deleted.id).await?;
        }
        (WebhookTopic::CustomersDataRequest | WebhookTopic::CustomersRedact, _) => {
            // Gridprice keeps no customer data: the request is recorded and acknowledged.
            storage::record_privacy_request(db, shop.as_str(), &job.topic, &job.body).await?;
        }
        (WebhookTopic::ShopRedact, _) => {
            storage::record_privacy_request(db, shop.as_str(), &job.topic, &job.body).await?;
            if let Some(editor) = &shopify {
                UnitOfWork::begin(db, editor).await?.erase_store().await?;
                tracing::info!(%shop, "shop redacted: the store and everything it owned are deleted");
            }
        }
        (WebhookTopic::AppSubscriptionsUpdate, Some(editor)) => {
            let update = AppSubscriptionsUpdate::parse(job.body.as_bytes())
                .map_err(|e| JobError::Permanent(e.to_string()))?;
            billing::apply_update(db, editor, &update).await?;
        }
        (topic @ WebhookTopic::Other(_), _) => {
            tracing::info!(topic = topic.as_str(), "webhook topic not handled");
        }
        (topic, None) => {
            tracing::info!(topic = topic.as_str(), %shop, "webhook for a store Gridprice does not know")
        }
    }
    storage::mark_processed(db, &job.webhook_id).await?;
    Ok(())
}

/// The token goes; so does every subscription, as Shopify cancels them with the installation
/// (their rows stay: a trial is not granted again after a reinstall).
async fn uninstall(db: &Database, editor: &Editor) -> Result<(), JobError> {
    let work = UnitOfWork::begin(db, editor).await?;
    stores::mark_uninstalled(&work).await?;
    gridprice_storage::billing::cancel_on_uninstall(&work, Utc::now()).await?;
    work.commit(AuditEntry::new(
        Action::StoreUninstall,
        editor.store.id.get(),
    ))
    .await?;
    Ok(())
}

async fn update_shop(db: &Database, editor: &Editor, body: &str) -> Result<(), JobError> {
    let update: ShopUpdate = serde_json::from_str(body)
        .map_err(|e| JobError::Permanent(format!("malformed shop/update payload: {e}")))?;
    let Some(code) = update.currency else {
        return Ok(());
    };
    let currency = pricing::Currency::from_code(&code)
        .map_err(|e| JobError::Permanent(format!("shop/update with an unknown currency: {e}")))?;
    crate::stores::service::set_currency(db, editor, currency).await?;
    Ok(())
}
