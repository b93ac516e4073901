//! The plans, as the operator configures them (`GRIDPRICE_FREE_*`, `GRIDPRICE_PRO_*`,
//! `GRIDPRICE_BILLING_TEST`), validated once at start-up. Defaults (DESIGN §14): Free — 1
//! matrix, 2 option groups, no CSV import; Pro — 19.00 USD every 30 days, a 14-day trial, no
//! limits.

use std::fmt;
use std::str::FromStr;

use pricing::{Currency, Money};
use shopify::admin::billing::AppPricingInterval;

use crate::config::{ConfigError, ConfigSource};

pub const FREE_MATRICES: &str = "GRIDPRICE_FREE_MATRICES";
pub const FREE_OPTION_GROUPS: &str = "GRIDPRICE_FREE_OPTION_GROUPS";
pub const FREE_CSV_IMPORT: &str = "GRIDPRICE_FREE_CSV_IMPORT";
pub const PRO_NAME: &str = "GRIDPRICE_PRO_NAME";
pub const PRO_PRICE: &str = "GRIDPRICE_PRO_PRICE";
pub const PRO_INTERVAL: &str = "GRIDPRICE_PRO_INTERVAL";
pub const PRO_TRIAL_DAYS: &str = "GRIDPRICE_PRO_TRIAL_DAYS";
pub const PRO_MATRICES: &str = "GRIDPRICE_PRO_MATRICES";
pub const PRO_OPTION_GROUPS: &str = "GRIDPRICE_PRO_OPTION_GROUPS";
pub const PRO_CSV_IMPORT: &str = "GRIDPRICE_PRO_CSV_IMPORT";
/// Every charge a test charge (never billed): development and review installs.
pub const BILLING_TEST: &str = "GRIDPRICE_BILLING_TEST";

/// Where the app's pages send a merchant to change plan.
pub const PLAN_PAGE: &str = "/app/plan";

/// Longest subscription name Shopify takes.
const MAX_NAME_CHARS: usize = 255;
/// A trial longer than a year is a free plan, not a trial.
const MAX_TRIAL_DAYS: u32 = 365;

/// Which plan: the key stored with a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanKey {
    Free,
    Pro,
}

impl PlanKey {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Pro => "pro",
        }
    }

    /// The catalogue key of the plan's name on the admin's pages.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Free => "limit.plan.free",
            Self::Pro => "limit.plan.pro",
        }
    }
}

/// A count a plan allows: a number, or no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    UpTo(u64),
    Unlimited,
}

impl Allowance {
    /// Whether a store with `count` may add one more.
    pub fn has_room(self, count: u64) -> bool {
        match self {
            Self::UpTo(max) => count < max,
            Self::Unlimited => true,
        }
    }

    /// The number, `None` when unlimited.
    pub fn number(self) -> Option<u64> {
        match self {
            Self::UpTo(max) => Some(max),
            Self::Unlimited => None,
        }
    }

    fn at_least(self, other: Allowance) -> bool {
        match (self, other) {
            (Self::Unlimited, _) => true,
            (Self::UpTo(_), Self::Unlimited) => false,
            (Self::UpTo(a), Self::UpTo(b)) => a >= b,
        }
    }
}

/// A whole number or `unlimited`.
impl FromStr for Allowance {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.eq_ignore_ascii_case("unlimited") {
            return Ok(Self::Unlimited);
        }
        text.parse::<u64>()
            .map(Self::UpTo)
            .map_err(|_| format!("expected a whole number or unlimited, got {text:?}"))
    }
}

/// What a plan lets a store have and do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub matrices: Allowance,
    pub option_groups: Allowance,
    pub csv_import: bool,
}

impl Limits {
    /// Whether these allow everything `other` does.
    fn include(self, other: Limits) -> bool {
        self.matrices.at_least(other.matrices)
            && self.option_groups.at_least(other.option_groups)
            && (self.csv_import || !other.csv_import)
    }
}

/// The paid plan: what Shopify charges for it, and what it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidPlan {
    /// Shown on Shopify's confirmation page and the merchant's bill.
    pub name: String,
    pub price: Money,
    pub interval: AppPricingInterval,
    pub trial_days: u32,
    pub limits: Limits,
}

/// Every plan, and whether charges are tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plans {
    pub free: Limits,
    pub pro: PaidPlan,
    /// Charges are test charges for every store (development stores always get them).
    pub test_charges: bool,
}

impl Default for Plans {
    fn default() -> Self {
        let usd = Currency::from_code("USD").expect("USD is a currency");
        Self {
            free: Limits {
                matrices: Allowance::UpTo(1),
                option_groups: Allowance::UpTo(2),
                csv_import: false,
            },
            pro: PaidPlan {
                name: "Gridprice Pro".to_owned(),
                price: Money::from_minor(1900, usd),
                interval: AppPricingInterval::Every30Days,
                trial_days: 14,
                limits: Limits::UNLIMITED,
            },
            test_charges: false,
        }
    }
}

impl Limits {
    pub const UNLIMITED: Limits = Limits {
        matrices: Allowance::Unlimited,
        option_groups: Allowance::Unlimited,
        csv_import: true,
    };
}

impl Plans {
    pub fn from_source(source: &ConfigSource) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let limits = |matrices, groups, csv, fallback: Limits| -> Result<Limits, ConfigError> {
            Ok(Limits {
                matrices: source.parse(matrices)?.unwrap_or(fallback.matrices),
                option_groups: source.parse(groups)?.unwrap_or(fallback.option_groups),
                csv_import: parse_flag(source, csv)?.unwrap_or(fallback.csv_import),
            })
        };
        let free = limits(
            FREE_MATRICES,
            FREE_OPTION_GROUPS,
            FREE_CSV_IMPORT,
            defaults.free,
        )?;
        let pro_limits = limits(
            PRO_MATRICES,
            PRO_OPTION_GROUPS,
            PRO_CSV_IMPORT,
            defaults.pro.limits,
        )?;
        if !pro_limits.include(free) {
            return Err(ConfigError::Invalid {
                setting: PRO_MATRICES,
                reason: "Pro must allow at least what Free allows (matrices, option groups and \
                         CSV import); check the GRIDPRICE_PRO_* and GRIDPRICE_FREE_* settings"
                    .to_owned(),
            });
        }
        let name = source
            .get(PRO_NAME)
            .unwrap_or(&defaults.pro.name)
            .to_owned();
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(ConfigError::Invalid {
                setting: PRO_NAME,
                reason: format!("at most {MAX_NAME_CHARS} characters"),
            });
        }
        let price = match source.get(PRO_PRICE) {
            Some(text) => parse_price(text).map_err(|reason| ConfigError::Invalid {
                setting: PRO_PRICE,
                reason,
            })?,
            None => defaults.pro.price,
        };
        let interval = match source.get(PRO_INTERVAL) {
            Some(text) => parse_interval(text).map_err(|reason| ConfigError::Invalid {
                setting: PRO_INTERVAL,
                reason,
            })?,
            None => defaults.pro.interval,
        };
        let trial_days: u32 = source
            .parse(PRO_TRIAL_DAYS)?
            .unwrap_or(defaults.pro.trial_days);
        if trial_days > MAX_TRIAL_DAYS {
            return Err(ConfigError::Invalid {
                setting: PRO_TRIAL_DAYS,
                reason: format!("at most {MAX_TRIAL_DAYS} days"),
            });
        }
        Ok(Self {
            free,
            pro: PaidPlan {
                name,
                price,
                interval,
                trial_days,
                limits: pro_limits,
            },
            test_charges: parse_flag(source, BILLING_TEST)?.unwrap_or(false),
        })
    }

    /// What `plan` allows.
    pub fn limits(&self, plan: PlanKey) -> Limits {
        match plan {
            PlanKey::Free => self.free,
            PlanKey::Pro => self.pro.limits,
        }
    }
}

/// `19.00 USD`: a positive amount with at most the currency's decimals, and its code.
fn parse_price(text: &str) -> Result<Money, String> {
    let expected =
        || format!("expected an amount and a currency code such as 19.00 USD, got {text:?}");
    let (amount, code) = text.trim().split_once(' ').ok_or_else(expected)?;
    let currency = Currency::from_code(code.trim()).map_err(|e| e.to_string())?;
    let price = Money::parse(amount.trim(), currency).map_err(|e| e.to_string())?;
    if price.minor() <= 0 {
        return Err(format!("the price must be more than zero, got {text:?}"));
    }
    Ok(price)
}

fn parse_interval(text: &str) -> Result<AppPricingInterval, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "every_30_days" | "30d" | "monthly" => Ok(AppPricingInterval::Every30Days),
        "annual" | "yearly" => Ok(AppPricingInterval::Annual),
        _ => Err(format!("expected every_30_days or annual, got {text:?}")),
    }
}

fn parse_flag(source: &ConfigSource, setting: &'static str) -> Result<Option<bool>, ConfigError> {
    source
        .get(setting)
        .map(|text| match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err(ConfigError::Invalid {
                setting,
                reason: format!("expected true or false, got {text:?}"),
            }),
        })
        .transpose()
}

/// Something a plan limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Matrices,
    OptionGroups,
    CsvImport,
}

impl Resource {
    /// The name clients see in a limit problem.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Matrices => "matrices",
            Self::OptionGroups => "optionGroups",
            Self::CsvImport => "csvImport",
        }
    }
}

/// A write refused because the store's plan does not allow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitReached {
    pub resource: Resource,
    pub plan: PlanKey,
    /// How many the plan allows (`None` for a feature it lacks).
    pub allowed: Option<u64>,
    /// How many the store has.
    pub used: u64,
}

impl fmt::Display for LimitReached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plan = match self.plan {
            PlanKey::Free => "Free",
            PlanKey::Pro => "Pro",
        };
        let what = |one: &str, many: &str, allowed: u64| {
            if allowed == 1 {
                format!("1 {one}")
            } else {
                format!("{allowed} {many}")
            }
        };
        match (self.resource, self.allowed) {
            (Resource::CsvImport, _) | (_, None) => write!(
                f,
                "CSV import is not part of the {plan} plan: upgrade on the Plan page \
                 ({PLAN_PAGE}) to import matrices from CSV files."
            ),
            (resource, Some(allowed)) => {
                let (one, many) = match resource {
                    Resource::OptionGroups => ("option group", "option groups"),
                    _ => ("price matrix", "price matrices"),
                };
                write!(
                    f,
                    "The {plan} plan allows {allowed_text} and this store has {used}: upgrade on \
                     the Plan page ({PLAN_PAGE}) to add more, or delete one first.",
                    allowed_text = what(one, many, allowed),
                    used = self.used,
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    // The module by its path: `super` here would name `billing`, a layer above this one.
    use crate::billing::plans::*;

    #[test]
    fn limits_read_as_sentences() {
        let reached = LimitReached {
            resource: Resource::Matrices,
            plan: PlanKey::Free,
            allowed: Some(1),
            used: 3,
        };
        assert_eq!(
            reached.to_string(),
            "The Free plan allows 1 price matrix and this store has 3: upgrade on the Plan page \
             (/app/plan) to add more, or delete one first."
        );
        let groups = LimitReached {
            resource: Resource::OptionGroups,
            allowed: Some(2),
            used: 2,
            ..reached.clone()
        };
        assert!(groups.to_string().contains("allows 2 option groups"));
        let csv = LimitReached {
            resource: Resource::CsvImport,
            allowed: None,
            used: 0,
            ..reached
        };
        assert!(csv
            .to_string()
            .starts_with("CSV import is not part of the Free plan"));
    }

    fn plans(pairs: &[(&str, &str)]) -> Result<Plans, ConfigError> {
        Plans::from_source(&ConfigSource::from_pairs(pairs.iter().copied()))
    }

    #[test]
    fn defaults_are_designs() {
        let defaults = plans(&[]).unwrap();
        assert_eq!(defaults, Plans::default());
        assert_eq!(defaults.pro.price.minor(), 1900);
        assert_eq!(defaults.pro.price.currency().code(), "USD");
        assert_eq!(defaults.free.matrices, Allowance::UpTo(1));
        assert_eq!(defaults.free.option_groups, Allowance::UpTo(2));
        assert!(!defaults.free.csv_import);
        assert_eq!(defaults.pro.trial_days, 14);
        assert!(!defaults.test_charges);
    }

    #[test]
    fn operator_settings_are_read_exactly() {
        let configured = plans(&[
            (FREE_MATRICES, "3"),
            (FREE_CSV_IMPORT, "true"),
            (PRO_PRICE, "2500 JPY"),
            (PRO_INTERVAL, "annual"),
            (PRO_TRIAL_DAYS, "0"),
            (PRO_MATRICES, "50"),
            (BILLING_TEST, "yes"),
        ])
        .unwrap();
        assert_eq!(configured.free.matrices, Allowance::UpTo(3));
        assert!(configured.free.csv_import);
        assert_eq!(configured.pro.price.minor(), 2500);
        assert_eq!(configured.pro.interval, AppPricingInterval::Annual);
        assert_eq!(configured.pro.trial_days, 0);
        assert_eq!(configured.pro.limits.matrices, Allowance::UpTo(50));
        assert!(configured.test_charges);
    }

    #[test]
    fn bad_settings_are_named() {
        let named = |pairs: &[(&str, &str)], setting: &str| {
            let error = plans(pairs).unwrap_err().to_string();
            assert!(error.starts_with(setting), "{error}");
        };
        named(&[(PRO_PRICE, "19.001 USD")], PRO_PRICE);
        named(&[(PRO_PRICE, "19.00")], PRO_PRICE);
        named(&[(PRO_PRICE, "0 USD")], PRO_PRICE);
        named(&[(PRO_PRICE, "19.00 XYZ")], PRO_PRICE);
        named(&[(PRO_INTERVAL, "weekly")], PRO_INTERVAL);
        named(&[(PRO_TRIAL_DAYS, "-1")], PRO_TRIAL_DAYS);
        named(&[(PRO_TRIAL_DAYS, "400")], PRO_TRIAL_DAYS);
        named(&[(FREE_MATRICES, "one")], FREE_MATRICES);
        named(&[(FREE_CSV_IMPORT, "maybe")], FREE_CSV_IMPORT);
        named(&[(PRO_MATRICES, "0")], PRO_MATRICES);
        named(&[(PRO_NAME, &"x".repeat(256))], PRO_NAME);
    }

    #[test]
    fn allowances_count_room() {
        assert!(Allowance::UpTo(1).has_room(0));
        assert!(!Allowance::UpTo(1).has_room(1));
        assert!(!Allowance::UpTo(1).has_room(3));
        assert!(Allowance::Unlimited.has_room(u64::MAX));
        assert_eq!("unlimited".parse(), Ok(Allowance::Unlimited));
    }
}
