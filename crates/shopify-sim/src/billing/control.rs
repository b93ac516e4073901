//! `/_sim` billing controls: inspect a shop's subscriptions, answer the confirmation page
//! without a browser, freeze and unfreeze (the shop's own Shopify bill), end a trial now,
//! expire a pending charge, and choose where `app_subscriptions/update` goes.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{deliver_and_wait, page::decorated_return_url, BillingError, SubscriptionRecord};
use crate::state::SimState;

type Shared = State<Arc<SimState>>;

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn time(at: Option<DateTime<Utc>>) -> Value {
    at.map_or(Value::Null, |at| json!(at))
}

/// The confirmation URL of a subscription (see `graphql::billing` for where it is handed out).
pub fn confirmation_url(base_url: &str, record: &SubscriptionRecord, signature: &str) -> String {
    format!(
        "{base_url}/store/{shop}/admin/charges/{key}/{id}/RecurringApplicationCharge/confirm_recurring_application_charge?signature={signature}",
        shop = record.shop,
        key = record.api_key,
        id = record.id,
    )
}

/// Everything the simulator knows of a subscription.
pub fn subscription_json(
    record: &SubscriptionRecord,
    confirmation_url: Option<String>,
    now: DateTime<Utc>,
) -> Value {
    json!({
        "id": record.gid(),
        "chargeId": record.id,
        "shop": record.shop,
        "apiKey": record.api_key,
        "name": record.name,
        "status": record.status,
        "test": record.test,
        "trialDays": record.trial_days,
        "price": record.price_money(),
        "currencyCode": record.currency,
        "interval": record.interval,
        "replacementBehavior": record.replacement,
        "returnUrl": record.return_url,
        "confirmationUrl": confirmation_url,
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
        "activatedAt": time(record.activated_at),
        "trialEndsAt": time(record.trial_ends_at),
        "currentPeriodEnd": time(record.current_period_end(now)),
        "cancelledAt": time(record.cancelled_at),
        "prorated": record.prorated,
        "replacedBy": record.replaced_by.map(|id| format!("gid://shopify/AppSubscription/{id}")),
    })
}

/// `GET /_sim/billing`
pub async fn get_settings(State(state): Shared) -> Json<Value> {
    let world = state.world.lock().await;
    Json(json!({ "webhookPath": world.billing.webhook_path }))
}

/// `PUT /_sim/billing` `{"webhookPath": "/webhooks" | null}`: where the app's configured
/// subscription to `app_subscriptions/update` points (`null`: the app does not subscribe).
pub async fn put_settings(State(state): Shared, Json(body): Json<Value>) -> Response {
    let Some(object) = body.as_object() else {
        return error(StatusCode::BAD_REQUEST, "body: must be an object");
    };
    if let Some(unknown) = object.keys().find(|k| *k != "webhookPath") {
        return error(StatusCode::BAD_REQUEST, format!("{unknown}: unknown field"));
    }
    let path = match object.get("webhookPath") {
        None => return error(StatusCode::BAD_REQUEST, "webhookPath: required"),
        Some(Value::Null) => None,
        Some(Value::String(path)) if path.starts_with('/') && path.len() <= 1024 => {
            Some(path.clone())
        }
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "webhookPath: a path starting with / (or null)",
            )
        }
    };
    let mut world = state.world.lock().await;
    world.billing.webhook_path = path;
    Json(json!({ "webhookPath": world.billing.webhook_path })).into_response()
}

/// `GET /_sim/shops/{shop}/subscriptions`: every subscription of the shop (all apps), oldest
/// first, and the `app_subscriptions/update` deliveries made for it.
pub async fn list(State(state): Shared, Path(shop): Path<String>) -> Response {
    // Expire what is due, and let every queued delivery finish so the log is complete.
    let drained = {
        let mut world = state.world.lock().await;
        if !world.shops.contains_key(&shop) {
            return error(StatusCode::NOT_FOUND, "unknown shop");
        }
        let changes = world.billing.expire_stale(Utc::now());
        deliver_and_wait(&state, &mut world.billing, changes)
    };
    let _ = drained.await;
    let now = Utc::now();
    let (subscriptions, webhooks) = {
        let world = state.world.lock().await;
        let billing = &world.billing;
        let subscriptions: Vec<Value> = billing
            .of_shop(&shop)
            .map(|record| {
                let url = (record.status == super::AppSubscriptionStatus::Pending).then(|| {
                    let signature = billing.signature(&record.shop, &record.api_key, record.id);
                    confirmation_url(&state.base_url, record, &signature)
                });
                subscription_json(record, url, now)
            })
            .collect();
        let webhooks: Vec<Value> = billing.deliveries_of(&shop).cloned().collect();
        (subscriptions, webhooks)
    };
    Json(json!({ "subscriptions": subscriptions, "webhooks": webhooks })).into_response()
}

/// A subscription id in a `/_sim` path: the number or the whole GID.
fn parse_id(text: &str) -> Option<u64> {
    text.strip_prefix("gid://shopify/AppSubscription/")
        .unwrap_or(text)
        .parse()
        .ok()
}

/// `POST /_sim/shops/{shop}/subscriptions/{id}/{action}`, `action` one of `approve`, `decline`,
/// `freeze`, `unfreeze`, `end-trial`, `expire`. Waits for the webhook deliveries and reports
/// them: `{"subscription", "webhooks", "returnUrl"?}`.
pub async fn act(
    State(state): Shared,
    Path((shop, id, action)): Path<(String, String, String)>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return error(StatusCode::NOT_FOUND, "unknown subscription");
    };
    let now = Utc::now();
    let outcome = {
        let mut world = state.world.lock().await;
        if !world.shops.contains_key(&shop) {
            return error(StatusCode::NOT_FOUND, "unknown shop");
        }
        let billing = &mut world.billing;
        let api_key = billing.get(&shop, None, id).map(|s| s.api_key.clone());
        let Some(api_key) = api_key else {
            return error(StatusCode::NOT_FOUND, "unknown subscription");
        };
        let outcome = match action.as_str() {
            "approve" => billing.approve(&shop, &api_key, id, now),
            "decline" => billing.decline(&shop, &api_key, id, now),
            "freeze" => billing.freeze(&shop, id, now),
            "unfreeze" => billing.unfreeze(&shop, id, now),
            "expire" => billing.expire(&shop, id, now),
            "end-trial" => billing.end_trial(&shop, id, now).map(|_| Vec::new()),
            _ => {
                return error(
                    StatusCode::NOT_FOUND,
                    "action: approve, decline, freeze, unfreeze, end-trial or expire",
                )
            }
        };
        match outcome {
            Ok(changes) => deliver_and_wait(&state, billing, changes),
            Err(BillingError::NotFound) => {
                return error(StatusCode::NOT_FOUND, "unknown subscription")
            }
            Err(refused) => return error(StatusCode::CONFLICT, refused.to_string()),
        }
    };
    let webhooks = outcome.await.unwrap_or_default();
    let world = state.world.lock().await;
    let Some(record) = world.billing.get(&shop, None, id) else {
        return error(StatusCode::NOT_FOUND, "unknown subscription");
    };
    let mut body = json!({
        "subscription": subscription_json(record, None, Utc::now()),
        "webhooks": webhooks,
    });
    if action == "approve" {
        body["returnUrl"] = json!(decorated_return_url(&record.return_url, record.id));
    }
    if action == "decline" {
        body["redirect"] = json!(format!("/store/{shop}/admin/apps/{}", record.api_key));
    }
    Json(body).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_numbers_or_gids() {
        assert_eq!(super::parse_id("12"), Some(12));
        assert_eq!(
            super::parse_id("gid://shopify/AppSubscription/12"),
            Some(12)
        );
        assert_eq!(super::parse_id("gid://shopify/Product/12"), None);
        assert_eq!(super::parse_id("x"), None);
    }
}
