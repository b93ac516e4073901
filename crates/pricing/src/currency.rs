//! ISO 4217 currencies and their minor-unit exponents.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An active ISO 4217 currency: its three-letter code and the number of decimals of its minor
/// unit (USD 2, JPY 0, KWD 3). Only codes from [`Currency::all`] can exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub struct Currency {
    code: &'static str,
    exponent: u8,
}

/// The currency code is not an active ISO 4217 code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown currency code '{code}': use an active ISO 4217 code in upper case, such as USD, EUR or JPY")]
pub struct CurrencyError {
    /// The code as it was given.
    pub code: String,
}

const fn iso(code: &'static str, exponent: u8) -> Currency {
    Currency { code, exponent }
}

impl Currency {
    pub const USD: Currency = iso("USD", 2);
    pub const EUR: Currency = iso("EUR", 2);
    pub const GBP: Currency = iso("GBP", 2);
    pub const CAD: Currency = iso("CAD", 2);
    pub const AUD: Currency = iso("AUD", 2);
    pub const JPY: Currency = iso("JPY", 0);
    pub const KWD: Currency = iso("KWD", 3);

    /// Looks up an upper-case ISO 4217 code ("usd" is rejected: codes are case-sensitive).
    pub fn from_code(code: &str) -> Result<Currency, CurrencyError> {
        ISO_4217
            .binary_search_by(|currency| currency.code.cmp(code))
            .ok()
            .and_then(|index| ISO_4217.get(index).copied())
            .ok_or_else(|| CurrencyError {
                code: code.to_owned(),
            })
    }

    /// Every supported currency, sorted by code.
    pub fn all() -> &'static [Currency] {
        ISO_4217
    }

    /// The three-letter code, e.g. "USD".
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Decimals of the minor unit: 10^exponent minor units make one major unit.
    pub fn exponent(&self) -> u32 {
        u32::from(self.exponent)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Currency::from_code(code)
    }
}

impl From<Currency> for &'static str {
    fn from(currency: Currency) -> Self {
        currency.code
    }
}

impl TryFrom<String> for Currency {
    type Error = CurrencyError;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        Currency::from_code(&code)
    }
}

/// ISO 4217 list one (current currencies and funds), sorted by code for binary search.
///
/// Left out on purpose: codes whose minor unit is "N.A." (precious metals XAU/XAG/XPD/XPT,
/// XDR, XSU, XUA, XBA–XBD, testing XTS, no-currency XXX), because a price cannot be expressed in
/// them. Currencies in a published transition (ANG → XCG) are both listed so a shop that still
/// reports the old code keeps working.
static ISO_4217: &[Currency] = &[
    iso("AED", 2),
    iso("AFN", 2),
    iso("ALL", 2),
    iso("AMD", 2),
    iso("ANG", 2),
    iso("AOA", 2),
    iso("ARS", 2),
    Currency::AUD,
    iso("AWG", 2),
    iso("AZN", 2),
    iso("BAM", 2),
    iso("BBD", 2),
    iso("BDT", 2),
    iso("BGN", 2),
    iso("BHD", 3),
    iso("BIF", 0),
    iso("BMD", 2),
    iso("BND", 2),
    iso("BOB", 2),
    iso("BOV", 2),
    iso("BRL", 2),
    iso("BSD", 2),
    iso("BTN", 2),
    iso("BWP", 2),
    iso("BYN", 2),
    iso("BZD", 2),
    Currency::CAD,
    iso("CDF", 2),
    iso("CHE", 2),
    iso("CHF", 2),
    iso("CHW", 2),
    iso("CLF", 4),
    iso("CLP", 0),
    iso("CNY", 2),
    iso("COP", 2),
    iso("COU", 2),
    iso("CRC", 2),
    iso("CUP", 2),
    iso("CVE", 2),
    iso("CZK", 2),
    iso("DJF", 0),
    iso("DKK", 2),
    iso("DOP", 2),
    iso("DZD", 2),
    iso("EGP", 2),
    iso("ERN", 2),
    iso("ETB", 2),
    Currency::EUR,
    iso("FJD", 2),
    iso("FKP", 2),
    Currency::GBP,
    iso("GEL", 2),
    iso("GHS", 2),
    iso("GIP", 2),
    iso("GMD", 2),
    iso("GNF", 0),
    iso("GTQ", 2),
    iso("GYD", 2),
    iso("HKD", 2),
    iso("HNL", 2),
    iso("HTG", 2),
    iso("HUF", 2),
    iso("IDR", 2),
    iso("ILS", 2),
    iso("INR", 2),
    iso("IQD", 3),
    iso("IRR", 2),
    iso("ISK", 0),
    iso("JMD", 2),
    iso("JOD", 3),
    Currency::JPY,
    iso("KES", 2),
    iso("KGS", 2),
    iso("KHR", 2),
    iso("KMF", 0),
    iso("KPW", 2),
    iso("KRW", 0),
    Currency::KWD,
    iso("KYD", 2),
    iso("KZT", 2),
    iso("LAK", 2),
    iso("LBP", 2),
    iso("LKR", 2),
    iso("LRD", 2),
    iso("LSL", 2),
    iso("LYD", 3),
    iso("MAD", 2),
    iso("MDL", 2),
    iso("MGA", 2),
    iso("MKD", 2),
    iso("MMK", 2),
    iso("MNT", 2),
    iso("MOP", 2),
    iso("MRU", 2),
    iso("MUR", 2),
    iso("MVR", 2),
    iso("MWK", 2),
    iso("MXN", 2),
    iso("MXV", 2),
    iso("MYR", 2),
    iso("MZN", 2),
    iso("NAD", 2),
    iso("NGN", 2),
    iso("NIO", 2),
    iso("NOK", 2),
    iso("NPR", 2),
    iso("NZD", 2),
    iso("OMR", 3),
    iso("PAB", 2),
    iso("PEN", 2),
    iso("PGK", 2),
    iso("PHP", 2),
    iso("PKR", 2),
    iso("PLN", 2),
    iso("PYG", 0),
    iso("QAR", 2),
    iso("RON", 2),
    iso("RSD", 2),
    iso("RUB", 2),
    iso("RWF", 0),
    iso("SAR", 2),
    iso("SBD", 2),
    iso("SCR", 2),
    iso("SDG", 2),
    iso("SEK", 2),
    iso("SGD", 2),
    iso("SHP", 2),
    iso("SLE", 2),
    iso("SOS", 2),
    iso("SRD", 2),
    iso("SSP", 2),
    iso("STN", 2),
    iso("SVC", 2),
    iso("SYP", 2),
    iso("SZL", 2),
    iso("THB", 2),
    iso("TJS", 2),
    iso("TMT", 2),
    iso("TND", 3),
    iso("TOP", 2),
    iso("TRY", 2),
    iso("TTD", 2),
    iso("TWD", 2),
    iso("TZS", 2),
    iso("UAH", 2),
    iso("UGX", 0),
    Currency::USD,
    iso("USN", 2),
    iso("UYI", 0),
    iso("UYU", 2),
    iso("UYW", 4),
    iso("UZS", 2),
    iso("VED", 2),
    iso("VES", 2),
    iso("VND", 0),
    iso("VUV", 0),
    iso("WST", 2),
    iso("XAF", 0),
    iso("XCD", 2),
    iso("XCG", 2),
    iso("XOF", 0),
    iso("XPF", 0),
    iso("YER", 2),
    iso("ZAR", 2),
    iso("ZMW", 2),
    iso("ZWG", 2),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_well_formed() {
        let codes: Vec<&str> = Currency::all().iter().map(Currency::code).collect();
        assert!(
            codes.windows(2).all(|pair| pair[0] < pair[1]),
            "unsorted or duplicate"
        );
        for currency in Currency::all() {
            assert_eq!(currency.code().len(), 3);
            assert!(currency.code().bytes().all(|b| b.is_ascii_uppercase()));
            assert!(currency.exponent() <= 4);
        }
    }

    #[test]
    fn every_listed_code_is_found() {
        for currency in Currency::all() {
            assert_eq!(Currency::from_code(currency.code()), Ok(*currency));
        }
    }

    #[test]
    fn knows_the_exponents_that_matter() {
        for (code, exponent) in [
            ("USD", 2),
            ("EUR", 2),
            ("GBP", 2),
            ("CAD", 2),
            ("AUD", 2),
            ("JPY", 0),
            ("KWD", 3),
            ("BHD", 3),
            ("CLF", 4),
        ] {
            assert_eq!(
                Currency::from_code(code).unwrap().exponent(),
                exponent,
                "{code}"
            );
        }
    }

    #[test]
    fn rejects_unknown_and_lower_case_codes() {
        for code in ["usd", "Usd", "XAU", "XXX", "US", "USDD", "", " USD"] {
            let error = Currency::from_code(code).unwrap_err();
            assert_eq!(error.code, code);
        }
        assert_eq!(
            Currency::from_code("usd").unwrap_err().to_string(),
            "unknown currency code 'usd': use an active ISO 4217 code in upper case, such as USD, EUR or JPY"
        );
    }

    #[test]
    fn displays_parses_and_serialises_as_the_code() {
        assert_eq!(Currency::KWD.to_string(), "KWD");
        assert_eq!("JPY".parse::<Currency>(), Ok(Currency::JPY));
        assert_eq!(serde_json::to_string(&Currency::EUR).unwrap(), "\"EUR\"");
        assert_eq!(
            serde_json::from_str::<Currency>("\"GBP\"").unwrap(),
            Currency::GBP
        );
        assert!(serde_json::from_str::<Currency>("\"gbp\"").is_err());
    }
}
