//! The merchant's confirmation page of an app subscription, at Shopify's `confirmationUrl`
//! shape `https://{shop}/admin/charges/{app}/{charge id}/RecurringApplicationCharge/
//! confirm_recurring_application_charge?signature=…` (on the simulator, `{app}` is the API key).
//!
//! **Approve** makes the subscription ACTIVE (replacing the app's current one) and sends the
//! merchant to the app's `returnUrl` with `charge_id={numeric id}` appended (Shopify's
//! `decorated_return_url`). **Decline** makes it DECLINED and, as Shopify has done since
//! December 2018, sends the merchant back to the app in the admin, not to the `returnUrl`.
//! Both tell the app with `app_subscriptions/update` in the background.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use chrono::Utc;
use serde::Deserialize;

use super::{deliver_later, AppSubscriptionStatus, SubscriptionRecord};
use crate::admin::html::{admin_page, error_page, escape, Chrome, Current};
use crate::state::SimState;

type Shared = State<Arc<SimState>>;

#[derive(Debug, Deserialize)]
pub struct SignatureQuery {
    signature: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Answer {
    decision: String,
    signature: Option<String>,
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn not_found() -> Response {
    html(
        StatusCode::NOT_FOUND,
        error_page(
            404,
            "This charge does not exist, belongs to another shop or app, or its link is not valid.",
        ),
    )
}

/// A charge the merchant can no longer answer.
fn closed(record: &SubscriptionRecord) -> Response {
    let (status, message) = match record.status {
        AppSubscriptionStatus::Expired => (
            StatusCode::GONE,
            "This charge has expired: it was not approved within two days. Ask the app for a new one.",
        ),
        AppSubscriptionStatus::Declined => {
            (StatusCode::CONFLICT, "This charge has already been declined.")
        }
        AppSubscriptionStatus::Cancelled => (StatusCode::CONFLICT, "This charge has been cancelled."),
        _ => (StatusCode::CONFLICT, "This charge has already been approved."),
    };
    html(status, error_page(status.as_u16(), message))
}

/// The subscription behind the URL, if the shop, app, id and signature all match.
async fn find(
    state: &Arc<SimState>,
    shop: &str,
    api_key: &str,
    id: &str,
    signature: Option<&str>,
) -> Option<(SubscriptionRecord, String)> {
    let id: u64 = id.parse().ok()?;
    let mut world = state.world.lock().await;
    let changes = world.billing.expire_stale(Utc::now());
    deliver_later(state, &mut world.billing, changes);
    let shop_name = world.shops.get(shop)?.name.clone();
    let billing = &world.billing;
    let found = billing
        .get(shop, Some(api_key), id)
        .filter(|_| billing.signature_matches(shop, api_key, id, signature.unwrap_or_default()))
        .cloned();
    found.map(|record| (record, shop_name))
}

fn trial_text(record: &SubscriptionRecord) -> String {
    match record.trial_days {
        0 => "No free trial: billing starts when you approve.".to_owned(),
        1 => "1-day free trial: billing starts when it ends.".to_owned(),
        n => format!("{n}-day free trial: billing starts when it ends."),
    }
}

fn confirmation_page(
    state: &SimState,
    record: &SubscriptionRecord,
    shop_name: &str,
    signature: &str,
) -> String {
    let admin = format!("/store/{}/admin", record.shop);
    let app_base = format!("{admin}/apps/{}", record.api_key);
    let app_name = if record.api_key == state.initial.api_key {
        state.initial.app_name.clone()
    } else {
        record.api_key.clone()
    };
    let chrome = Chrome {
        shop_domain: &record.shop,
        shop_name,
        app_name: &app_name,
        admin_base: &admin,
        app_base: &app_base,
        current: Current::App,
    };
    let test_badge = if record.test {
        " <span class=\"sa-badge sa-badge-info\">Test charge</span>"
    } else {
        ""
    };
    let test_note = if record.test {
        "<p class=\"sa-subdued\" style=\"margin-top:8px\">This is a test charge: you won't be billed.</p>"
    } else {
        ""
    };
    let heading = format!("<h1 class=\"sa-page-title\">Approve subscription</h1>{test_badge}");
    let action = format!(
        "/store/{}/admin/charges/{}/{}/RecurringApplicationCharge/confirm_recurring_application_charge?signature={}",
        record.shop, record.api_key, record.id, signature
    );
    let content = format!(
        "<section class=\"sa-card\" aria-labelledby=\"sa-plan\">\
           <h2 id=\"sa-plan\">{app} wants to charge {shop}</h2>\
           <dl class=\"sa-details\">\
             <dt>Plan</dt><dd><strong>{plan}</strong></dd>\
             <dt>Price</dt><dd>{price} {currency} {interval}</dd>\
             <dt>Trial</dt><dd>{trial}</dd>\
             <dt>Billed to</dt><dd>Your Shopify bill</dd>\
           </dl>{test_note}\
         </section>\
         <form method=\"post\" action=\"{action}\" class=\"sa-card\" aria-label=\"Your answer\">\
           <input type=\"hidden\" name=\"signature\" value=\"{signature}\">\
           <p style=\"margin-bottom:12px\">You can cancel at any time by uninstalling the app or from the app's own settings.</p>\
           <div style=\"display:flex;gap:8px;justify-content:flex-end;flex-wrap:wrap\">\
             <button type=\"submit\" name=\"decision\" value=\"decline\" class=\"sa-btn sa-btn-secondary\">Decline</button>\
             <button type=\"submit\" name=\"decision\" value=\"approve\" class=\"sa-btn sa-btn-primary\">Approve</button>\
           </div>\
         </form>",
        app = escape(&app_name),
        shop = escape(shop_name),
        plan = escape(&record.name),
        price = escape(&record.price_money()),
        currency = record.currency.code(),
        interval = record.interval.label(),
        trial = escape(&trial_text(record)),
        action = escape(&action),
        signature = escape(signature),
    );
    admin_page(&chrome, "Approve subscription", &heading, &content)
}

/// `GET …/confirm_recurring_application_charge?signature=`
pub async fn show(
    State(state): Shared,
    Path((shop, api_key, id)): Path<(String, String, String)>,
    Query(query): Query<SignatureQuery>,
) -> Response {
    let signature = query.signature.unwrap_or_default();
    let Some((record, shop_name)) = find(&state, &shop, &api_key, &id, Some(&signature)).await
    else {
        return not_found();
    };
    if record.status != AppSubscriptionStatus::Pending {
        return closed(&record);
    }
    html(
        StatusCode::OK,
        confirmation_page(&state, &record, &shop_name, &signature),
    )
}

/// `returnUrl` with `charge_id={id}` appended (`?` or `&`, before any fragment).
pub fn decorated_return_url(return_url: &str, id: u64) -> String {
    match url::Url::parse(return_url) {
        Ok(mut url) => {
            url.query_pairs_mut()
                .append_pair("charge_id", &id.to_string());
            url.to_string()
        }
        // Validated when the subscription was created; keep the old text if that changes.
        Err(_) => return_url.to_owned(),
    }
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => not_found(),
    }
}

/// `POST …/confirm_recurring_application_charge` with `decision=approve|decline`.
pub async fn answer(
    State(state): Shared,
    Path((shop, api_key, id)): Path<(String, String, String)>,
    Query(query): Query<SignatureQuery>,
    Form(answer): Form<Answer>,
) -> Response {
    let signature = answer.signature.or(query.signature);
    let Some((record, _)) = find(&state, &shop, &api_key, &id, signature.as_deref()).await else {
        return not_found();
    };
    if record.status != AppSubscriptionStatus::Pending {
        return closed(&record);
    }
    let now = Utc::now();
    let approve = match answer.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => {
            return html(
                StatusCode::BAD_REQUEST,
                error_page(400, "decision: must be approve or decline"),
            )
        }
    };
    let outcome = {
        let mut world = state.world.lock().await;
        let outcome = if approve {
            world.billing.approve(&shop, &api_key, record.id, now)
        } else {
            world.billing.decline(&shop, &api_key, record.id, now)
        };
        if let Ok(changes) = &outcome {
            deliver_later(&state, &mut world.billing, changes.clone());
        }
        outcome
    };
    match outcome {
        Ok(_) => {
            if approve {
                see_other(&decorated_return_url(&record.return_url, record.id))
            } else {
                see_other(&format!("/store/{shop}/admin/apps/{api_key}"))
            }
        }
        // Answered by another tab in the meantime.
        Err(_) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::decorated_return_url;

    #[test]
    fn charge_id_is_appended_as_shopify_does() {
        assert_eq!(
            decorated_return_url("http://super-duper.shopifyapps.com/", 1029266949),
            "http://super-duper.shopifyapps.com/?charge_id=1029266949"
        );
        assert_eq!(
            decorated_return_url("https://app.example/billing?shop=a&x=1#top", 7),
            "https://app.example/billing?shop=a&x=1&charge_id=7#top"
        );
    }
}
