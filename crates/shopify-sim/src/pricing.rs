//! Per-shop pricing that draft orders are calculated with: a tax rate (prices with or without
//! tax), one automatic discount, and conversion rates for prices given in another currency.
//! Defaults (no tax, no discount, no rates) leave totals as they were: total = subtotal.
//!
//! What Shopify documents and the simulator follows:
//! - `DraftOrderLineItemInput.priceOverride` "Should be set in presentment currency … If the
//!   override's presentment currency doesn't match the draft order's presentment currency, it
//!   will be converted over to match"; `originalUnitPriceWithCurrency`: "All presentment
//!   currencies for a single draft should be the same and match the presentment currency of the
//!   draft order" (GraphQL Admin reference, `DraftOrderLineItemInput`). A `priceOverride` in
//!   another currency is converted with the shop's rate for it (a currency without a configured
//!   rate is refused: the simulator has no exchange rates of its own); a custom line's price in
//!   another currency is refused as before.
//! - `DraftOrderInput.acceptAutomaticDiscounts`: "If false, only discount codes and custom draft
//!   order discounts … will be applied. If true, eligible automatic discounts will be applied".
//!   Shopify does not document what leaving it out does; the simulator applies the automatic
//!   discount then too, so an app that must keep a locked price has to send `false`.
//! - `DraftOrder.taxesIncluded`, `totalTaxSet`, `subtotalPriceSet` ("the line items and their
//!   discounts, excluding shipping … and taxes" — tax-inclusive prices stay in it),
//!   `totalPriceSet`, `totalDiscountsSet`, `platformDiscounts` (`DraftOrderPlatformDiscount`,
//!   `automaticDiscount: true`), line items' `originalUnitPriceSet`, `discountedTotalSet`,
//!   `totalDiscountSet`, `approximateDiscountedUnitPriceSet`.
//!
//! Arithmetic is exact on integer minor units; each line's discount and tax is rounded half away
//! from zero to the currency's precision, and order totals are the sums of the lines.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Value};

use crate::money::{AmountError, CurrencyCode};

/// Largest amount in minor units a conversion may produce (as `money::parse_minor`).
const MAX_MINOR: i128 = 1_000_000_000_000_000;

/// An exact non-negative decimal: `mantissa / 10^scale`, with the text it was given as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    mantissa: i128,
    scale: u32,
    text: String,
}

impl Rate {
    pub fn zero() -> Self {
        Self {
            mantissa: 0,
            scale: 0,
            text: "0".to_owned(),
        }
    }

    /// Parses `"0.2"`, `"10"`, `"1.0850"`: digits with at most `max_scale` decimals, at most
    /// `max` in value.
    pub fn parse(text: &str, max_scale: u32, max: i128) -> Result<Self, String> {
        let text = text.trim();
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !digits(int) || !digits(frac) || int.len() > 12 {
            return Err(format!("{text:?} is not a non-negative decimal number"));
        }
        let scale = u32::try_from(frac.len()).unwrap_or(u32::MAX);
        if scale > max_scale {
            return Err(format!("{text:?} has more than {max_scale} decimals"));
        }
        let mantissa: i128 = format!("{int}{frac}")
            .parse()
            .map_err(|_| format!("{text:?} is not a number"))?;
        if mantissa > max * 10i128.pow(scale) {
            return Err(format!("{text:?} is more than {max}"));
        }
        Ok(Self {
            mantissa,
            scale,
            text: text.to_owned(),
        })
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// `amount × rate`, rounded.
    pub fn of(&self, amount: i64) -> i64 {
        narrow(div_round(
            i128::from(amount) * self.mantissa,
            10i128.pow(self.scale),
        ))
    }

    /// `amount × rate / (1 + rate)`: the tax contained in a tax-inclusive amount, rounded.
    pub fn contained_in(&self, amount: i64) -> i64 {
        narrow(div_round(
            i128::from(amount) * self.mantissa,
            10i128.pow(self.scale) + self.mantissa,
        ))
    }

    /// `amount × rate / 100`: a percentage of an amount, rounded.
    pub fn percent_of(&self, amount: i64) -> i64 {
        narrow(div_round(
            i128::from(amount) * self.mantissa,
            100 * 10i128.pow(self.scale),
        ))
    }
}

/// `n / d` rounded half away from zero; `d > 0`.
fn div_round(n: i128, d: i128) -> i128 {
    let half = d / 2;
    if n >= 0 {
        (n + half) / d
    } else {
        (n - half) / d
    }
}

/// Results stay within `i64`: inputs are bounded minor units and rates are at most 1 (tax) or 100 %.
fn narrow(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// The shop's automatic discount: a percentage off every line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutomaticDiscount {
    pub title: String,
    pub percentage: Rate,
}

impl AutomaticDiscount {
    /// Shopify's summaries of a percentage discount on all products.
    pub fn short_summary(&self) -> String {
        format!("{}% off", self.percentage.text())
    }

    pub fn summary(&self) -> String {
        format!("{}% off all products", self.percentage.text())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopPricing {
    /// Share of a taxable line's price that is tax (`0.2` = 20 %); 0 = no tax.
    pub tax_rate: Rate,
    /// Whether prices include tax (`DraftOrder.taxesIncluded`).
    pub taxes_included: bool,
    pub automatic_discount: Option<AutomaticDiscount>,
    /// Shop-currency units per unit of another currency, for `priceOverride`s given in it.
    pub conversion_rates: BTreeMap<CurrencyCode, Rate>,
}

impl Default for ShopPricing {
    fn default() -> Self {
        Self {
            tax_rate: Rate::zero(),
            taxes_included: false,
            automatic_discount: None,
            conversion_rates: BTreeMap::new(),
        }
    }
}

impl ShopPricing {
    /// `minor` units of `from` in minor units of `to`, or `None` without a rate for `from`.
    pub fn convert(
        &self,
        minor: i64,
        from: CurrencyCode,
        to: CurrencyCode,
    ) -> Option<Result<i64, AmountError>> {
        if from == to {
            return Some(Ok(minor));
        }
        let rate = self.conversion_rates.get(&from)?;
        let numerator = i128::from(minor) * rate.mantissa * 10i128.pow(to.exponent());
        let denominator = 10i128.pow(from.exponent() + rate.scale);
        let converted = div_round(numerator, denominator);
        Some(if converted.abs() > MAX_MINOR {
            Err(AmountError::TooLarge)
        } else {
            Ok(narrow(converted))
        })
    }

    /// The tax of a line whose price after discounts is `amount`.
    pub fn line_tax(&self, amount: i64, taxable: bool) -> i64 {
        match (taxable, self.taxes_included) {
            (false, _) => 0,
            (true, false) => self.tax_rate.of(amount),
            (true, true) => self.tax_rate.contained_in(amount),
        }
    }

    /// The `GET|PUT /_sim/shops/{shop}/pricing` view.
    pub fn view(&self) -> Value {
        let rates: BTreeMap<String, &str> = self
            .conversion_rates
            .iter()
            .map(|(code, rate)| (code.code().to_owned(), rate.text()))
            .collect();
        json!({
            "taxRate": self.tax_rate.text(),
            "taxesIncluded": self.taxes_included,
            "automaticDiscount": self.automatic_discount.as_ref().map(|d| json!({
                "title": d.title,
                "percentage": d.percentage.text(),
            })),
            "conversionRates": rates,
        })
    }

    /// Applies a validated update.
    pub fn apply(&mut self, update: PricingUpdate) -> Result<(), String> {
        let mut next = self.clone();
        if let Some(rate) = update.tax_rate {
            next.tax_rate = Rate::parse(&rate, 6, 1).map_err(|e| format!("taxRate: {e}"))?;
        }
        if let Some(included) = update.taxes_included {
            next.taxes_included = included;
        }
        if let Some(discount) = update.automatic_discount {
            next.automatic_discount = discount
                .map(|d| {
                    let percentage = Rate::parse(&d.percentage, 4, 100)
                        .map_err(|e| format!("automaticDiscount.percentage: {e}"))?;
                    let title = d.title.trim().to_owned();
                    if title.is_empty() || title.len() > 255 {
                        return Err("automaticDiscount.title: 1 to 255 characters".to_owned());
                    }
                    Ok(AutomaticDiscount { title, percentage })
                })
                .transpose()?;
        }
        if let Some(rates) = update.conversion_rates {
            next.conversion_rates = rates
                .into_iter()
                .map(|(code, text)| {
                    let rate = Rate::parse(&text, 8, 1_000_000)
                        .map_err(|e| format!("conversionRates.{code}: {e}"))?;
                    if rate.is_zero() {
                        return Err(format!("conversionRates.{code}: must be more than 0"));
                    }
                    Ok((code, rate))
                })
                .collect::<Result<_, String>>()?;
        }
        *self = next;
        Ok(())
    }
}

/// Body of `PUT /_sim/shops/{shop}/pricing`; fields left out are kept, `automaticDiscount: null`
/// removes the discount, `conversionRates` replaces all rates.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PricingUpdate {
    pub tax_rate: Option<String>,
    pub taxes_included: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub automatic_discount: Option<Option<AutomaticDiscountInput>>,
    pub conversion_rates: Option<BTreeMap<CurrencyCode, String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AutomaticDiscountInput {
    pub title: String,
    pub percentage: String,
}

/// Tells a field given as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CurrencyCode::{Eur, Jpy, Usd};

    fn rate(text: &str) -> Rate {
        Rate::parse(text, 8, 1_000_000).unwrap()
    }

    #[test]
    fn rates_are_exact_and_round_half_away_from_zero() {
        assert_eq!(rate("0.2").of(999), 200);
        assert_eq!(rate("0.2").of(1002), 200);
        assert_eq!(rate("0.2").of(1003), 201);
        assert_eq!(rate("0.2").contained_in(1200), 200);
        assert_eq!(rate("0.19").contained_in(11900), 1900);
        assert_eq!(rate("10").percent_of(19900), 1990);
        assert_eq!(rate("12.5").percent_of(1), 0);
        assert_eq!(rate("12.5").percent_of(4), 1);
        assert!(Rate::parse("-1", 6, 1).is_err());
        assert!(Rate::parse("1.5", 6, 1).is_err());
        assert!(Rate::parse("0.1234567", 6, 1).is_err());
        assert!(Rate::parse("1e3", 6, 1000).is_err());
    }

    #[test]
    fn converts_between_precisions() {
        let mut pricing = ShopPricing::default();
        pricing.conversion_rates.insert(Eur, rate("1.085"));
        pricing.conversion_rates.insert(Jpy, rate("0.0067"));
        assert_eq!(pricing.convert(10000, Eur, Usd), Some(Ok(10850)));
        assert_eq!(pricing.convert(1500, Jpy, Usd), Some(Ok(1005)));
        assert_eq!(pricing.convert(700, Usd, Usd), Some(Ok(700)));
        assert_eq!(pricing.convert(1, CurrencyCode::Gbp, Usd), None);
    }

    #[test]
    fn updates_are_validated_and_null_removes_the_discount() {
        let mut pricing = ShopPricing::default();
        let update: PricingUpdate = serde_json::from_value(json!({
            "taxRate": "0.2",
            "automaticDiscount": { "title": "Summer", "percentage": "10" },
            "conversionRates": { "EUR": "1.085" },
        }))
        .unwrap();
        pricing.apply(update).unwrap();
        assert_eq!(pricing.view()["automaticDiscount"]["percentage"], "10");
        let bad: PricingUpdate = serde_json::from_value(json!({ "taxRate": "2" })).unwrap();
        assert!(pricing.apply(bad).is_err());
        assert_eq!(pricing.tax_rate.text(), "0.2", "nothing changes on error");
        let clear: PricingUpdate =
            serde_json::from_value(json!({ "automaticDiscount": null })).unwrap();
        pricing.apply(clear).unwrap();
        assert_eq!(pricing.automatic_discount, None);
        assert_eq!(pricing.conversion_rates.len(), 1);
    }
}
