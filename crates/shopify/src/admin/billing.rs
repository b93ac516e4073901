//! Shopify's Billing API for recurring charges (GraphQL Admin 2026-10): create an app
//! subscription and get the merchant's `confirmationUrl`, read the app's active subscriptions
//! (`currentAppInstallation.activeSubscriptions`) and its history (`allSubscriptions`), cancel.
//!
//! The flow: `app_subscription_create` → send the merchant (top-level, not inside the iframe)
//! to `confirmation_url` → Shopify redirects to `return_url` with `charge_id` appended after an
//! approval (a decline goes back to the app in the admin) → confirm with
//! [`ShopClient::active_subscriptions`]; `charge_id` in a URL proves nothing by itself. Status
//! changes later arrive as `app_subscriptions/update` webhooks
//! ([`crate::webhook::AppSubscriptionsUpdate`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use url::Url;

use super::client::ShopClient;
use super::error::{AdminError, UserError};
use super::operations::{Money, Operation, OperationKind};
use crate::gid::AppSubscriptionGid;

/// The fields read of every `AppSubscription`.
macro_rules! subscription_fragment {
    () => {
        "
fragment GridpriceAppSubscription on AppSubscription {
  id
  name
  status
  test
  trialDays
  createdAt
  currentPeriodEnd
  lineItems {
    plan {
      pricingDetails {
        __typename
        ... on AppRecurringPricing {
          price {
            amount
            currencyCode
          }
          interval
        }
      }
    }
  }
}"
    };
}

/// The GraphQL documents, public so tests can check them against the simulator's schema.
pub mod documents {
    pub const APP_SUBSCRIPTION_CREATE: &str = concat!(
        "mutation GridpriceAppSubscriptionCreate($name: String!, $lineItems: [AppSubscriptionLineItemInput!]!, $returnUrl: URL!, $trialDays: Int, $test: Boolean, $replacementBehavior: AppSubscriptionReplacementBehavior) {
  appSubscriptionCreate(name: $name, lineItems: $lineItems, returnUrl: $returnUrl, trialDays: $trialDays, test: $test, replacementBehavior: $replacementBehavior) {
    appSubscription {
      ...GridpriceAppSubscription
    }
    confirmationUrl
    userErrors {
      field
      message
    }
  }
}",
        subscription_fragment!()
    );

    pub const APP_SUBSCRIPTION_CANCEL: &str = concat!(
        "mutation GridpriceAppSubscriptionCancel($id: ID!, $prorate: Boolean) {
  appSubscriptionCancel(id: $id, prorate: $prorate) {
    appSubscription {
      ...GridpriceAppSubscription
    }
    userErrors {
      field
      message
    }
  }
}",
        subscription_fragment!()
    );

    pub const ACTIVE_SUBSCRIPTIONS: &str = concat!(
        "query GridpriceActiveSubscriptions {
  currentAppInstallation {
    activeSubscriptions {
      ...GridpriceAppSubscription
    }
  }
}",
        subscription_fragment!()
    );

    pub const LAUNCH_URL: &str = "query GridpriceLaunchUrl {
  currentAppInstallation {
    launchUrl
  }
}";

    pub const ALL_SUBSCRIPTIONS: &str = concat!(
        "query GridpriceAllSubscriptions($first: Int!, $after: String) {
  currentAppInstallation {
    allSubscriptions(first: $first, after: $after) {
      nodes {
        ...GridpriceAppSubscription
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}",
        subscription_fragment!()
    );
}

const APP_SUBSCRIPTION_CREATE: Operation = Operation {
    name: "GridpriceAppSubscriptionCreate",
    document: documents::APP_SUBSCRIPTION_CREATE,
    kind: OperationKind::Mutation,
    estimated_cost: 10.0,
};
const APP_SUBSCRIPTION_CANCEL: Operation = Operation {
    name: "GridpriceAppSubscriptionCancel",
    document: documents::APP_SUBSCRIPTION_CANCEL,
    kind: OperationKind::Mutation,
    estimated_cost: 10.0,
};
const ACTIVE_SUBSCRIPTIONS: Operation = Operation {
    name: "GridpriceActiveSubscriptions",
    document: documents::ACTIVE_SUBSCRIPTIONS,
    kind: OperationKind::Query,
    estimated_cost: 10.0,
};
const LAUNCH_URL: Operation = Operation {
    name: "GridpriceLaunchUrl",
    document: documents::LAUNCH_URL,
    kind: OperationKind::Query,
    estimated_cost: 1.0,
};
const ALL_SUBSCRIPTIONS: Operation = Operation {
    name: "GridpriceAllSubscriptions",
    document: documents::ALL_SUBSCRIPTIONS,
    kind: OperationKind::Query,
    estimated_cost: 60.0,
};

/// Shopify's page-size ceiling.
const MAX_PAGE_SIZE: u32 = 250;

/// `AppSubscriptionStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AppSubscriptionStatus {
    /// Waiting for the merchant's approval (expires after two days).
    Pending,
    /// Approved and billed (possibly in its trial). The only status that grants a paid plan.
    Active,
    /// Declined by the merchant. Terminal.
    Declined,
    /// Not approved within two days. Terminal.
    Expired,
    /// On hold: the shop does not pay its Shopify bill. Becomes ACTIVE again when it does.
    Frozen,
    /// Cancelled by the app, replaced by a newer subscription, or the app was uninstalled.
    /// Terminal.
    Cancelled,
    /// Deprecated since 2021-01; never returned now.
    Accepted,
    /// A status this crate does not know yet; treat it as not active.
    #[serde(other)]
    Unknown,
}

impl AppSubscriptionStatus {
    /// Shopify's name (`ACTIVE`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Active => "ACTIVE",
            Self::Declined => "DECLINED",
            Self::Expired => "EXPIRED",
            Self::Frozen => "FROZEN",
            Self::Cancelled => "CANCELLED",
            Self::Accepted => "ACCEPTED",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// The status Shopify names `name`; a name this crate does not know is `Unknown`.
    pub fn from_name(name: &str) -> Self {
        serde_json::from_value(Value::String(name.to_owned())).unwrap_or(Self::Unknown)
    }

    /// Whether the subscription can never become ACTIVE again.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Declined | Self::Expired | Self::Cancelled)
    }
}

/// `AppPricingInterval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AppPricingInterval {
    #[serde(rename = "EVERY_30_DAYS", alias = "every_30_days")]
    Every30Days,
    #[serde(rename = "ANNUAL", alias = "annual")]
    Annual,
}

/// `AppSubscriptionReplacementBehavior`: what approving this subscription does to the app's
/// current one (Shopify's default is `Standard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReplacementBehavior {
    ApplyImmediately,
    ApplyOnNextBillingCycle,
    Standard,
}

/// A recurring subscription to create (`appSubscriptionCreate` with one
/// `appRecurringPricingDetails` line item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSubscriptionInput {
    /// Shown to the merchant on the confirmation page and their bill (≤ 255 characters).
    pub name: String,
    /// Charged every `interval`: USD or the shop's billing currency.
    pub price: Money,
    pub interval: AppPricingInterval,
    /// Where the merchant lands after approving; Shopify appends `charge_id=<number>`.
    pub return_url: Url,
    /// Free days from approval before billing starts (0: none).
    pub trial_days: u32,
    /// A test charge (development stores, tests): never billed.
    pub test: bool,
    /// `None`: Shopify's default (`STANDARD`).
    pub replacement_behavior: Option<ReplacementBehavior>,
}

/// The recurring line item of a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurringPrice {
    /// Shopify's `Decimal` form drops trailing zeros: `19.00` comes back as `"19.0"`.
    pub price: Money,
    pub interval: AppPricingInterval,
}

/// An `AppSubscription` as this crate reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSubscription {
    pub id: AppSubscriptionGid,
    pub name: String,
    pub status: AppSubscriptionStatus,
    pub test: bool,
    pub trial_days: u32,
    pub created_at: DateTime<Utc>,
    /// End of the current billing period (of the trial while it runs); `None` unless ACTIVE.
    pub current_period_end: Option<DateTime<Utc>>,
    /// The recurring line item; `None` for a subscription with usage pricing only.
    pub recurring: Option<RecurringPrice>,
}

/// `appSubscriptionCreate`'s answer: the PENDING subscription and where the merchant answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedSubscription {
    pub subscription: AppSubscription,
    /// Open it at the top level (outside the admin's iframe).
    pub confirmation_url: Url,
}

/// One page of `allSubscriptions`, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionPage {
    pub subscriptions: Vec<AppSubscription>,
    pub has_next_page: bool,
    /// Pass as `after` for the next page.
    pub end_cursor: Option<String>,
}

// --- response shapes -------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionNode {
    id: AppSubscriptionGid,
    name: String,
    status: AppSubscriptionStatus,
    test: bool,
    trial_days: u32,
    created_at: DateTime<Utc>,
    current_period_end: Option<DateTime<Utc>>,
    line_items: Vec<LineItemNode>,
}

#[derive(Deserialize)]
struct LineItemNode {
    plan: PlanNode,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlanNode {
    pricing_details: PricingDetailsNode,
}

#[derive(Deserialize)]
struct PricingDetailsNode {
    #[serde(rename = "__typename")]
    typename: String,
    price: Option<Money>,
    interval: Option<AppPricingInterval>,
}

impl From<SubscriptionNode> for AppSubscription {
    fn from(node: SubscriptionNode) -> Self {
        let recurring = node.line_items.into_iter().find_map(|item| {
            let details = item.plan.pricing_details;
            match (details.typename.as_str(), details.price, details.interval) {
                ("AppRecurringPricing", Some(price), Some(interval)) => {
                    Some(RecurringPrice { price, interval })
                }
                _ => None,
            }
        });
        Self {
            id: node.id,
            name: node.name,
            status: node.status,
            test: node.test,
            trial_days: node.trial_days,
            created_at: node.created_at,
            current_period_end: node.current_period_end,
            recurring,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateData {
    app_subscription_create: CreatePayload,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatePayload {
    app_subscription: Option<SubscriptionNode>,
    confirmation_url: Option<String>,
    user_errors: Vec<UserError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CancelData {
    app_subscription_cancel: CancelPayload,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CancelPayload {
    app_subscription: Option<SubscriptionNode>,
    user_errors: Vec<UserError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InstallationData<T> {
    current_app_installation: T,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActiveNode {
    active_subscriptions: Vec<SubscriptionNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LaunchNode {
    launch_url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AllNode {
    all_subscriptions: SubscriptionConnection,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionConnection {
    nodes: Vec<SubscriptionNode>,
    page_info: PageInfo,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

// --- operations ------------------------------------------------------------------------------

impl ShopClient<'_> {
    /// Creates a PENDING recurring subscription; send the merchant to `confirmation_url`.
    /// Shopify's `userErrors` (bad price, name, return URL, currency…) come back as
    /// `AdminError::UserErrors`. On `AdminError::OutcomeUnknown` creating another one is
    /// harmless: a subscription nobody approves expires after two days.
    pub async fn app_subscription_create(
        &self,
        input: &AppSubscriptionInput,
    ) -> Result<CreatedSubscription, AdminError> {
        let data: CreateData = self
            .execute(&APP_SUBSCRIPTION_CREATE, create_variables(input))
            .await?;
        let payload = data.app_subscription_create;
        if !payload.user_errors.is_empty() {
            return Err(AdminError::UserErrors(payload.user_errors));
        }
        match (payload.app_subscription, payload.confirmation_url) {
            (Some(subscription), Some(url)) => Ok(CreatedSubscription {
                subscription: subscription.into(),
                confirmation_url: Url::parse(&url).map_err(|e| {
                    AdminError::InvalidResponse(format!("confirmationUrl {url:?}: {e}"))
                })?,
            }),
            _ => Err(AdminError::OutcomeUnknown(
                "appSubscriptionCreate returned neither a subscription and URL nor errors".into(),
            )),
        }
    }

    /// Cancels the app's subscription (ACTIVE or FROZEN); with `prorate`, Shopify credits the
    /// merchant for the unused part of the period. Returns it as cancelled.
    pub async fn app_subscription_cancel(
        &self,
        id: &AppSubscriptionGid,
        prorate: bool,
    ) -> Result<AppSubscription, AdminError> {
        let variables = json!({ "id": id.to_string(), "prorate": prorate });
        let data: CancelData = self.execute(&APP_SUBSCRIPTION_CANCEL, variables).await?;
        let payload = data.app_subscription_cancel;
        if !payload.user_errors.is_empty() {
            return Err(AdminError::UserErrors(payload.user_errors));
        }
        payload.app_subscription.map(Into::into).ok_or_else(|| {
            AdminError::OutcomeUnknown(
                "appSubscriptionCancel returned neither a subscription nor errors".into(),
            )
        })
    }

    /// The app's ACTIVE subscriptions on this shop (`currentAppInstallation.
    /// activeSubscriptions`): what the merchant pays for now. Empty means no paid plan.
    pub async fn active_subscriptions(&self) -> Result<Vec<AppSubscription>, AdminError> {
        let data: InstallationData<ActiveNode> =
            self.execute(&ACTIVE_SUBSCRIPTIONS, json!({})).await?;
        Ok(data
            .current_app_installation
            .active_subscriptions
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Where the app opens in this shop's admin (`currentAppInstallation.launchUrl`); an app
    /// path appended to it opens that page embedded — the `returnUrl` of a subscription.
    pub async fn launch_url(&self) -> Result<Url, AdminError> {
        let data: InstallationData<LaunchNode> = self.execute(&LAUNCH_URL, json!({})).await?;
        let url = data.current_app_installation.launch_url;
        Url::parse(&url).map_err(|e| AdminError::InvalidResponse(format!("launchUrl {url:?}: {e}")))
    }

    /// One page of every subscription the app ever created on this shop, in any status
    /// (`allSubscriptions`, oldest first; `first` is clamped to 1..=250). Survives reinstalls:
    /// e.g. whether a trial was already given.
    pub async fn all_subscriptions(
        &self,
        first: u32,
        after: Option<&str>,
    ) -> Result<SubscriptionPage, AdminError> {
        let variables = json!({ "first": first.clamp(1, MAX_PAGE_SIZE), "after": after });
        let data: InstallationData<AllNode> = self.execute(&ALL_SUBSCRIPTIONS, variables).await?;
        let connection = data.current_app_installation.all_subscriptions;
        Ok(SubscriptionPage {
            subscriptions: connection.nodes.into_iter().map(Into::into).collect(),
            has_next_page: connection.page_info.has_next_page,
            end_cursor: connection.page_info.end_cursor,
        })
    }
}

/// `appSubscriptionCreate` variables; optional arguments are omitted, not sent as null, so
/// Shopify's defaults apply.
fn create_variables(input: &AppSubscriptionInput) -> Value {
    let mut variables = json!({
        "name": input.name,
        "returnUrl": input.return_url.as_str(),
        "test": input.test,
        "lineItems": [{
            "plan": {
                "appRecurringPricingDetails": {
                    "price": {
                        "amount": input.price.amount,
                        "currencyCode": input.price.currency_code,
                    },
                    "interval": input.interval,
                }
            }
        }],
    });
    if input.trial_days > 0 {
        variables["trialDays"] = json!(input.trial_days);
    }
    if let Some(behavior) = input.replacement_behavior {
        variables["replacementBehavior"] = json!(behavior);
    }
    variables
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> AppSubscriptionInput {
        AppSubscriptionInput {
            name: "Pro".into(),
            price: Money {
                amount: "19.00".into(),
                currency_code: "USD".into(),
            },
            interval: AppPricingInterval::Every30Days,
            return_url: Url::parse("https://gridprice.example.com/app/plan").unwrap(),
            trial_days: 14,
            test: true,
            replacement_behavior: Some(ReplacementBehavior::ApplyImmediately),
        }
    }

    #[test]
    fn create_variables_use_shopify_names() {
        assert_eq!(
            create_variables(&input()),
            json!({
                "name": "Pro",
                "returnUrl": "https://gridprice.example.com/app/plan",
                "test": true,
                "trialDays": 14,
                "replacementBehavior": "APPLY_IMMEDIATELY",
                "lineItems": [{ "plan": { "appRecurringPricingDetails": {
                    "price": { "amount": "19.00", "currencyCode": "USD" },
                    "interval": "EVERY_30_DAYS",
                } } }],
            })
        );
        let plain = AppSubscriptionInput {
            trial_days: 0,
            replacement_behavior: None,
            interval: AppPricingInterval::Annual,
            ..input()
        };
        let variables = create_variables(&plain);
        assert!(variables.get("trialDays").is_none());
        assert!(variables.get("replacementBehavior").is_none());
        assert_eq!(
            variables["lineItems"][0]["plan"]["appRecurringPricingDetails"]["interval"],
            "ANNUAL"
        );
    }

    #[test]
    fn decodes_subscriptions_and_unknown_statuses() {
        let node: SubscriptionNode = serde_json::from_value(json!({
            "id": "gid://shopify/AppSubscription/5",
            "name": "Pro",
            "status": "SOMETHING_NEW",
            "test": false,
            "trialDays": 0,
            "createdAt": "2026-10-01T12:00:00Z",
            "currentPeriodEnd": null,
            "lineItems": [
                { "plan": { "pricingDetails": { "__typename": "AppUsagePricing" } } },
                { "plan": { "pricingDetails": { "__typename": "AppRecurringPricing",
                    "price": { "amount": "19.0", "currencyCode": "USD" }, "interval": "EVERY_30_DAYS" } } },
            ],
        }))
        .unwrap();
        let sub = AppSubscription::from(node);
        assert_eq!(sub.status, AppSubscriptionStatus::Unknown);
        assert!(!sub.status.is_terminal());
        assert_eq!(
            sub.recurring,
            Some(RecurringPrice {
                price: Money {
                    amount: "19.0".into(),
                    currency_code: "USD".into()
                },
                interval: AppPricingInterval::Every30Days,
            })
        );
    }

    #[test]
    fn statuses_round_trip_by_name() {
        for status in [
            AppSubscriptionStatus::Pending,
            AppSubscriptionStatus::Active,
            AppSubscriptionStatus::Declined,
            AppSubscriptionStatus::Expired,
            AppSubscriptionStatus::Frozen,
            AppSubscriptionStatus::Cancelled,
        ] {
            assert_eq!(AppSubscriptionStatus::from_name(status.as_str()), status);
        }
        assert_eq!(
            AppSubscriptionStatus::from_name("NEW_ONE"),
            AppSubscriptionStatus::Unknown
        );
    }

    #[test]
    fn documents_select_the_fragment() {
        for doc in [
            documents::APP_SUBSCRIPTION_CREATE,
            documents::APP_SUBSCRIPTION_CANCEL,
            documents::ACTIVE_SUBSCRIPTIONS,
            documents::ALL_SUBSCRIPTIONS,
        ] {
            assert!(doc.contains("...GridpriceAppSubscription"));
            assert!(doc.contains("fragment GridpriceAppSubscription on AppSubscription"));
        }
    }
}
