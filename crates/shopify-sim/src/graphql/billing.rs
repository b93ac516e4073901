//! The Billing API's GraphQL surface (Admin API 2026-10): `currentAppInstallation` with
//! `activeSubscriptions` and `allSubscriptions`, `appSubscriptionCreate` (recurring pricing) and
//! `appSubscriptionCancel`. State and status changes live in `crate::billing`.
//!
//! No access scope is needed (shopify.dev: "There is no access scopes needed to use the Billing
//! API"); each app sees only its own subscriptions on the shop the token is for.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, Union, ID};
use chrono::{DateTime as ChronoDateTime, Utc};

use super::pagination::{paginate, PageArgs};
use super::scalars::{DateTime, Decimal, Url};
use super::schema::{parse_gid, MoneyInput, MoneyV2, UserError};
use super::RequestCtx;
use crate::billing::control::confirmation_url;
use crate::billing::{
    deliver_later, AppPricingInterval, AppSubscriptionReplacementBehavior, AppSubscriptionStatus,
    BillingError, NewSubscription, SubscriptionRecord, MAX_NAME_CHARS, MAX_TRIAL_DAYS,
};
use crate::money::{parse_minor, AmountError, CurrencyCode};

/// The billing root fields, merged into `QueryRoot`.
#[derive(Default)]
pub struct BillingQuery;

/// The billing mutations, merged into `Mutation`.
#[derive(Default)]
pub struct BillingMutation;

/// `AppSubscriptionSortKeys`: ids grow with creation time, so both orders are the same.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AppSubscriptionSortKeys {
    CreatedAt,
    Id,
}

#[derive(InputObject, Clone, Debug)]
pub struct AppRecurringPricingInput {
    /// The amount charged every interval.
    pub price: MoneyInput,
    /// How often the subscription charges.
    #[graphql(default_with = "Some(AppPricingInterval::Every30Days)")]
    pub interval: Option<AppPricingInterval>,
}

/// `AppPlanInput`: the simulator knows recurring pricing only (no usage pricing).
#[derive(InputObject, Clone, Debug)]
pub struct AppPlanInput {
    pub app_recurring_pricing_details: Option<AppRecurringPricingInput>,
}

#[derive(InputObject, Clone, Debug)]
pub struct AppSubscriptionLineItemInput {
    pub plan: AppPlanInput,
}

/// `AppRecurringPricing`.
#[derive(SimpleObject, Clone, Debug)]
pub struct AppRecurringPricing {
    pub price: MoneyV2,
    pub interval: AppPricingInterval,
    /// The App Store pricing plan handle (managed pricing only; always null here).
    pub plan_handle: Option<String>,
}

/// `AppUsagePricing`: part of Shopify's union so documents with `... on AppUsagePricing` are
/// valid; the simulator never returns one.
#[derive(SimpleObject, Clone, Debug)]
pub struct AppUsagePricing {
    pub balance_used: MoneyV2,
    pub capped_amount: MoneyV2,
    pub interval: AppPricingInterval,
    pub terms: String,
}

/// `AppPricingDetails`.
#[derive(Union, Clone, Debug)]
#[allow(dead_code)] // `AppUsagePricing` exists for the schema only
pub enum AppPricingDetails {
    AppRecurringPricing(AppRecurringPricing),
    AppUsagePricing(AppUsagePricing),
}

/// `AppPlanV2`.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "AppPlanV2")]
pub struct AppPlanV2 {
    pub pricing_details: AppPricingDetails,
}

/// `AppSubscriptionLineItem`.
#[derive(SimpleObject, Clone, Debug)]
pub struct AppSubscriptionLineItem {
    pub id: ID,
    pub plan: AppPlanV2,
}

/// `AppSubscription`, as read at `now`.
#[derive(Clone, Debug)]
pub struct AppSubscriptionObject {
    record: SubscriptionRecord,
    now: ChronoDateTime<Utc>,
}

impl AppSubscriptionObject {
    fn new(record: &SubscriptionRecord, now: ChronoDateTime<Utc>) -> Self {
        Self {
            record: record.clone(),
            now,
        }
    }
}

#[Object(name = "AppSubscription")]
impl AppSubscriptionObject {
    async fn id(&self) -> ID {
        ID(self.record.gid())
    }
    async fn name(&self) -> &str {
        &self.record.name
    }
    async fn status(&self) -> AppSubscriptionStatus {
        self.record.status
    }
    /// Whether this is a test charge (never billed).
    async fn test(&self) -> bool {
        self.record.test
    }
    async fn trial_days(&self) -> i32 {
        self.record.trial_days
    }
    async fn created_at(&self) -> DateTime {
        self.record.created_at.into()
    }
    /// End of the current billing period (of the trial while it runs); null unless ACTIVE.
    async fn current_period_end(&self) -> Option<DateTime> {
        self.record.current_period_end(self.now).map(Into::into)
    }
    async fn return_url(&self) -> Url {
        Url(self.record.return_url.clone())
    }
    async fn line_items(&self) -> Vec<AppSubscriptionLineItem> {
        let price = MoneyV2 {
            amount: Decimal(self.record.price_decimal()),
            currency_code: self.record.currency,
        };
        vec![AppSubscriptionLineItem {
            id: ID(format!(
                "gid://shopify/AppSubscriptionLineItem/{}?v=1&index=0",
                self.record.id
            )),
            plan: AppPlanV2 {
                pricing_details: AppPricingDetails::AppRecurringPricing(AppRecurringPricing {
                    price,
                    interval: self.record.interval,
                    plan_handle: None,
                }),
            },
        }]
    }
}

/// `AppInstallation` of the requesting app on the requesting shop.
pub struct AppInstallationObject {
    id: u64,
    launch_url: String,
    subscriptions: Vec<SubscriptionRecord>,
    now: ChronoDateTime<Utc>,
}

#[Object(name = "AppInstallation")]
impl AppInstallationObject {
    async fn id(&self) -> ID {
        ID(format!("gid://shopify/AppInstallation/{}", self.id))
    }
    /// Where the app opens in the admin.
    async fn launch_url(&self) -> Url {
        Url(self.launch_url.clone())
    }
    /// The ACTIVE subscriptions billed to the shop on a recurring basis.
    async fn active_subscriptions(&self) -> Vec<AppSubscriptionObject> {
        self.subscriptions
            .iter()
            .filter(|s| s.status == AppSubscriptionStatus::Active)
            .map(|s| AppSubscriptionObject::new(s, self.now))
            .collect()
    }
    /// Every subscription created for the shop, in any status.
    #[allow(clippy::too_many_arguments)] // Shopify's argument list
    async fn all_subscriptions(
        &self,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        reverse: Option<bool>,
        #[graphql(default_with = "Some(AppSubscriptionSortKeys::Id)")] sort_key: Option<
            AppSubscriptionSortKeys,
        >,
    ) -> async_graphql::Result<Connection<String, AppSubscriptionObject>> {
        let _ = sort_key;
        let items = self
            .subscriptions
            .iter()
            .map(|s| (s.id, AppSubscriptionObject::new(s, self.now)))
            .collect();
        paginate(
            items,
            &PageArgs {
                first,
                after,
                last,
                before,
                reverse: reverse.unwrap_or(false),
            },
        )
    }
}

#[derive(SimpleObject)]
pub struct AppSubscriptionCreatePayload {
    pub app_subscription: Option<AppSubscriptionObject>,
    /// Where the merchant approves or declines the charge.
    pub confirmation_url: Option<Url>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct AppSubscriptionCancelPayload {
    pub app_subscription: Option<AppSubscriptionObject>,
    pub user_errors: Vec<UserError>,
}

#[Object]
impl BillingQuery {
    /// The requesting app's installation on the shop.
    async fn current_app_installation(&self, ctx: &Context<'_>) -> AppInstallationObject {
        let rc = ctx.data_unchecked::<RequestCtx>();
        let now = Utc::now();
        let mut world = rc.state.world.lock().await;
        let changes = world.billing.expire_stale(now);
        deliver_later(&rc.state, &mut world.billing, changes);
        let id = world.billing.installation_id(&rc.shop, &rc.api_key);
        let subscriptions = world
            .billing
            .of_app(&rc.shop, &rc.api_key)
            .cloned()
            .collect();
        drop(world);
        AppInstallationObject {
            id,
            launch_url: format!(
                "{}/store/{}/admin/apps/{}",
                rc.state.base_url, rc.shop, rc.api_key
            ),
            subscriptions,
            now,
        }
    }
}

/// Checks `appSubscriptionCreate`'s input; every problem is reported at once.
struct CreateCheck {
    errors: Vec<UserError>,
}

impl CreateCheck {
    fn error(&mut self, field: &[&str], message: impl Into<String>) {
        self.errors.push(UserError::new(field, message));
    }

    fn name(&mut self, name: &str) -> String {
        let name = name.trim();
        if name.is_empty() {
            self.error(&["name"], "Name can't be blank");
        } else if name.chars().count() > MAX_NAME_CHARS {
            self.error(
                &["name"],
                format!("Name is too long (maximum is {MAX_NAME_CHARS} characters)"),
            );
        }
        name.to_owned()
    }

    fn return_url(&mut self, url: &str) -> String {
        let ok = url::Url::parse(url).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        });
        if !ok {
            self.error(
                &["returnUrl"],
                "Return URL must be an absolute http or https URL",
            );
        }
        url.to_owned()
    }

    fn trial_days(&mut self, days: Option<i32>) -> i32 {
        let days = days.unwrap_or(0);
        if days < 0 {
            self.error(
                &["trialDays"],
                "Trial days must be greater than or equal to 0",
            );
        } else if days > MAX_TRIAL_DAYS {
            self.error(
                &["trialDays"],
                format!("Trial days must be less than or equal to {MAX_TRIAL_DAYS}"),
            );
        }
        days
    }

    /// The one recurring plan: price in minor units, currency, interval.
    fn plan(
        &mut self,
        items: &[AppSubscriptionLineItemInput],
        shop_currency: CurrencyCode,
    ) -> Option<(i64, CurrencyCode, AppPricingInterval)> {
        match items.len() {
            0 => {
                self.error(&["lineItems"], "At least one line item is required");
                return None;
            }
            1 => {}
            _ => {
                self.error(
                    &["lineItems"],
                    "Only one pricing plan can be defined for each available type",
                );
                return None;
            }
        }
        let Some(details) = &items[0].plan.app_recurring_pricing_details else {
            self.error(
                &["lineItems", "0", "plan"],
                "A plan needs appRecurringPricingDetails",
            );
            return None;
        };
        let base = [
            "lineItems",
            "0",
            "plan",
            "appRecurringPricingDetails",
            "price",
        ];
        let currency = details.price.currency_code;
        if currency != CurrencyCode::Usd && currency != shop_currency {
            self.error(
                &[&base[..], &["currencyCode"]].concat(),
                format!(
                    "Currency must be USD or the shop's billing currency ({})",
                    shop_currency.code()
                ),
            );
        }
        let amount_field = [&base[..], &["amount"]].concat();
        let minor = match parse_minor(&details.price.amount.0, currency) {
            Ok(minor) if minor > 0 => Some(minor),
            Ok(_) => {
                self.error(&amount_field, "Price must be greater than 0");
                None
            }
            Err(AmountError::Invalid) => {
                self.error(&amount_field, "Price is not a valid decimal number");
                None
            }
            Err(AmountError::TooLarge) => {
                self.error(&amount_field, "Price is too large");
                None
            }
        }?;
        let interval = details.interval.unwrap_or(AppPricingInterval::Every30Days);
        Some((minor, currency, interval))
    }
}

#[Object]
impl BillingMutation {
    /// Creates a PENDING recurring subscription and the URL where the merchant answers it.
    #[allow(clippy::too_many_arguments)] // Shopify's argument list
    async fn app_subscription_create(
        &self,
        ctx: &Context<'_>,
        name: String,
        line_items: Vec<AppSubscriptionLineItemInput>,
        return_url: Url,
        trial_days: Option<i32>,
        #[graphql(default_with = "Some(false)")] test: Option<bool>,
        #[graphql(default_with = "Some(AppSubscriptionReplacementBehavior::Standard)")]
        replacement_behavior: Option<AppSubscriptionReplacementBehavior>,
    ) -> AppSubscriptionCreatePayload {
        let rc = ctx.data_unchecked::<RequestCtx>();
        let now = Utc::now();
        let mut world = rc.state.world.lock().await;
        let (shop_id, shop_currency) = {
            let shop = &world.shops[&rc.shop];
            (shop.id, shop.currency)
        };
        let mut check = CreateCheck { errors: Vec::new() };
        let name = check.name(&name);
        let return_url = check.return_url(&return_url.0);
        let trial_days = check.trial_days(trial_days);
        let plan = check.plan(&line_items, shop_currency);
        let (Some((price_minor, currency, interval)), true) = (plan, check.errors.is_empty())
        else {
            return AppSubscriptionCreatePayload {
                app_subscription: None,
                confirmation_url: None,
                user_errors: check.errors,
            };
        };
        let new = NewSubscription {
            name,
            return_url,
            price_minor,
            currency,
            interval,
            trial_days,
            test: test.unwrap_or(false),
            replacement: replacement_behavior.unwrap_or_default(),
        };
        let changes = world.billing.expire_stale(now);
        deliver_later(&rc.state, &mut world.billing, changes);
        let record = world
            .billing
            .create(&rc.shop, shop_id, &rc.api_key, new, now);
        let signature = world.billing.signature(&rc.shop, &rc.api_key, record.id);
        drop(world);
        AppSubscriptionCreatePayload {
            confirmation_url: Some(Url(confirmation_url(
                &rc.state.base_url,
                &record,
                &signature,
            ))),
            app_subscription: Some(AppSubscriptionObject::new(&record, now)),
            user_errors: Vec::new(),
        }
    }

    /// Cancels the app's ACTIVE (or FROZEN) subscription on this shop.
    async fn app_subscription_cancel(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default_with = "Some(false)")] prorate: Option<bool>,
    ) -> async_graphql::Result<AppSubscriptionCancelPayload> {
        let rc = ctx.data_unchecked::<RequestCtx>();
        let refuse = |message: &str| AppSubscriptionCancelPayload {
            app_subscription: None,
            user_errors: vec![UserError::new(&["id"], message)],
        };
        let Some(number) = parse_gid(&id, "AppSubscription")? else {
            return Ok(refuse("The app subscription does not exist"));
        };
        let now = Utc::now();
        let mut world = rc.state.world.lock().await;
        let outcome =
            world
                .billing
                .cancel(&rc.shop, &rc.api_key, number, prorate.unwrap_or(false), now);
        if let Ok(changes) = &outcome {
            deliver_later(&rc.state, &mut world.billing, changes.clone());
        }
        let record = world
            .billing
            .get(&rc.shop, Some(&rc.api_key), number)
            .cloned();
        drop(world);
        Ok(match (outcome, record) {
            (Ok(_), Some(record)) => AppSubscriptionCancelPayload {
                app_subscription: Some(AppSubscriptionObject::new(&record, now)),
                user_errors: Vec::new(),
            },
            (Err(BillingError::WrongStatus { status, .. }), _) => refuse(&format!(
                "Only an active or frozen app subscription can be cancelled (this one is {})",
                serde_json::to_value(status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )),
            _ => refuse("The app subscription does not exist"),
        })
    }
}
