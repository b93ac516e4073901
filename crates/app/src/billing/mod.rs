//! Billing through Shopify's Billing API (DESIGN §14): the operator's plans, where a store
//! stands (its plan, trial, a frozen charge), the limits every admin write that could exceed
//! them checks on the server, and the Plan page. A shopper's price or draft order never asks
//! any of this.

pub mod pages;
pub mod plans;
pub mod routes;
pub mod service;

use chrono::{DateTime, Utc};
use gridprice_storage::billing::{self as storage, Subscription, Usage};
use gridprice_storage::{Database, StorageResult, StoreId, UnitOfWork};
use shopify::admin::billing::AppSubscriptionStatus;

pub use self::plans::{Allowance, LimitReached, Limits, PlanKey, Plans, Resource, PLAN_PAGE};
use crate::error::ServiceError;

/// A store's plan as its subscriptions say.
#[derive(Debug, Clone)]
pub struct Standing {
    pub plan: PlanKey,
    /// The subscription that pays for Pro, or the frozen one that did.
    pub subscription: Option<Subscription>,
    /// A trial was granted once already (it is never granted again, also after a reinstall).
    pub trial_used: bool,
}

impl Standing {
    pub async fn load(db: &Database, store: StoreId) -> StorageResult<Self> {
        Ok(Self::of(storage::list(db, store).await?))
    }

    /// From the store's subscriptions, newest first.
    fn of(subscriptions: Vec<Subscription>) -> Self {
        let trial_used = subscriptions.iter().any(|s| s.trial_ends_at().is_some());
        let active = subscriptions.iter().find(|s| s.grants_plan());
        let frozen = || {
            subscriptions
                .iter()
                .find(|s| s.status == AppSubscriptionStatus::Frozen)
        };
        Self {
            plan: if active.is_some() {
                PlanKey::Pro
            } else {
                PlanKey::Free
            },
            subscription: active.or_else(frozen).cloned(),
            trial_used,
        }
    }

    /// Shopify holds the Pro charge because the shop's own bill is unpaid: Free's limits apply
    /// until it is paid.
    pub fn frozen(&self) -> bool {
        self.subscription
            .as_ref()
            .is_some_and(|s| s.status == AppSubscriptionStatus::Frozen)
    }

    /// Whole days of the trial left (rounded up), while it runs.
    pub fn trial_days_left(&self, now: DateTime<Utc>) -> Option<i64> {
        let ends = self.subscription.as_ref()?.trial_ends_at()?;
        let left = ends - now;
        (left > chrono::Duration::zero()).then(|| {
            let days = left.num_days();
            if left > chrono::Duration::days(days) {
                days + 1
            } else {
                days
            }
        })
    }
}

/// Whether `usage` is past what `limits` allow (after a downgrade): what is there stays and
/// prices; only new items wait.
pub fn over_limit(limits: Limits, usage: Usage) -> bool {
    let past = |allowance: Allowance, count: u64| allowance.number().is_some_and(|max| count > max);
    past(limits.matrices, usage.matrices) || past(limits.option_groups, usage.option_groups)
}

/// What a store's plan lets it write, read once before a change starts.
#[derive(Debug, Clone, Copy)]
pub struct Entitlement {
    pub plan: PlanKey,
    pub limits: Limits,
}

impl Entitlement {
    pub async fn load(db: &Database, plans: &Plans, store: StoreId) -> StorageResult<Self> {
        let plan = Standing::load(db, store).await?.plan;
        Ok(Self {
            plan,
            limits: plans.limits(plan),
        })
    }

    /// Refuses one more `resource` past the plan's limit, counted inside `work` under the
    /// store's row lock so concurrent writers cannot both take the last place.
    pub async fn ensure_room(
        &self,
        work: &UnitOfWork<'_>,
        resource: Resource,
    ) -> Result<(), ServiceError> {
        let usage = storage::usage_locked(work).await?;
        self.check(resource, usage)
    }

    /// Refuses a feature the plan lacks.
    pub fn ensure_feature(&self, resource: Resource) -> Result<(), ServiceError> {
        self.check(resource, Usage::default())
    }

    fn check(&self, resource: Resource, usage: Usage) -> Result<(), ServiceError> {
        let (allowance, used) = match resource {
            Resource::Matrices => (self.limits.matrices, usage.matrices),
            Resource::OptionGroups => (self.limits.option_groups, usage.option_groups),
            Resource::CsvImport if self.limits.csv_import => return Ok(()),
            Resource::CsvImport => (Allowance::UpTo(0), 0),
        };
        if allowance.has_room(used) {
            return Ok(());
        }
        Err(ServiceError::PlanLimit(LimitReached {
            resource,
            plan: self.plan,
            allowed: (resource != Resource::CsvImport)
                .then_some(allowance.number())
                .flatten(),
            used,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_refuses_past_its_limits() {
        let free = Entitlement {
            plan: PlanKey::Free,
            limits: Plans::default().free,
        };
        let usage = |matrices, option_groups| Usage {
            matrices,
            option_groups,
        };
        assert!(free.check(Resource::Matrices, usage(0, 0)).is_ok());
        assert!(free.check(Resource::Matrices, usage(1, 0)).is_err());
        assert!(free.check(Resource::OptionGroups, usage(5, 1)).is_ok());
        assert!(free.check(Resource::OptionGroups, usage(0, 2)).is_err());
        assert!(free.ensure_feature(Resource::CsvImport).is_err());
        let pro = Entitlement {
            plan: PlanKey::Pro,
            limits: Plans::default().pro.limits,
        };
        assert!(pro.check(Resource::Matrices, usage(1000, 1000)).is_ok());
        assert!(pro.ensure_feature(Resource::CsvImport).is_ok());
    }
}
