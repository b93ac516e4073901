//! What each topic does. Every handler is idempotent: a job may run again after a crash.

use serde::{Deserialize, Serialize};
use shopify::webhook::WebhookTopic;
use shopify::ShopDomain;

use super::storage;
use crate::jobs::JobFailure;
use crate::state::AppState;
use crate::stores::storage as stores;

pub const JOB_KIND: &str = "webhook";

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct WebhookJob {
    pub webhook_id: String,
    pub topic: String,
    pub shop: String,
    pub body: String,
}

#[derive(Debug, Deserialize)]
struct ShopUpdate {
    currency: Option<String>,
}

pub async fn process(state: &AppState, payload: &str) -> Result<(), JobFailure> {
    let job: WebhookJob = serde_json::from_str(payload)
        .map_err(|e| JobFailure::Permanent(format!("malformed webhook job: {e}")))?;
    let shop = ShopDomain::parse(&job.shop)
        .map_err(|e| JobFailure::Permanent(format!("webhook for a bad shop domain: {e}")))?;
    let db = &state.db;
    let topic: WebhookTopic = job
        .topic
        .parse()
        .unwrap_or_else(|e: std::convert::Infallible| match e {});
    match topic {
        WebhookTopic::AppUninstalled => {
            stores::mark_uninstalled(db, &shop).await?;
            forget_cached(state, &shop).await?;
        }
        WebhookTopic::ShopUpdate => update_shop(state, &shop, &job.body).await?,
        WebhookTopic::CustomersDataRequest | WebhookTopic::CustomersRedact => {
            // Gridprice keeps no customer data: the request is recorded and acknowledged.
            storage::record_privacy_request(db, shop.as_str(), &job.topic, &job.body).await?;
        }
        WebhookTopic::ShopRedact => {
            storage::record_privacy_request(db, shop.as_str(), &job.topic, &job.body).await?;
            if let Some(store) = stores::find_by_shop(db, &shop).await? {
                stores::delete(db, store.id).await?;
                state.catalog.invalidate_store(db, store.id).await?;
                tracing::info!(%shop, "shop redacted: the store and everything it owned are deleted");
            }
        }
        WebhookTopic::Other(topic) => tracing::info!(%topic, "webhook topic not handled"),
    }
    storage::mark_processed(db, &job.webhook_id).await?;
    Ok(())
}

async fn update_shop(state: &AppState, shop: &ShopDomain, body: &str) -> Result<(), JobFailure> {
    let update: ShopUpdate = serde_json::from_str(body)
        .map_err(|e| JobFailure::Permanent(format!("malformed shop/update payload: {e}")))?;
    let Some(code) = update.currency else {
        return Ok(());
    };
    let currency = pricing::Currency::from_code(&code)
        .map_err(|e| JobFailure::Permanent(format!("shop/update with an unknown currency: {e}")))?;
    stores::update_currency(&state.db, shop, currency).await?;
    forget_cached(state, shop).await
}

/// The storefront prices from memory: a store change must reach it at once.
async fn forget_cached(state: &AppState, shop: &ShopDomain) -> Result<(), JobFailure> {
    if let Some(store) = stores::find_by_shop(&state.db, shop).await? {
        state.catalog.invalidate_store(&state.db, store.id).await?;
    }
    Ok(())
}
