//! The one strict grammar for decimal text shared by money, dimensions and percentages.
//!
//! Accepted: an optional leading `-`, one or more ASCII digits, and optionally a `.` followed by
//! one or more ASCII digits ("12", "12.3", "-0.50"). Everything else — whitespace, `+`, exponent
//! notation, `NaN`, `inf`, thousands separators, "12." or ".5" — is rejected, so that a value
//! typed by a person means exactly one number.

/// A decimal string split into its parts; both digit strings are non-empty ASCII digits
/// (the fraction may be empty when there was no `.`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlainDecimal<'a> {
    pub negative: bool,
    pub integer: &'a str,
    pub fraction: &'a str,
}

impl<'a> PlainDecimal<'a> {
    /// Splits `text` if it follows the grammar above.
    pub fn split(text: &'a str) -> Option<Self> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (integer, fraction) = match unsigned.split_once('.') {
            Some((integer, fraction)) if !fraction.is_empty() => (integer, fraction),
            Some(_) => return None,
            None => (unsigned, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        (!integer.is_empty() && all_digits(integer) && all_digits(fraction)).then_some(Self {
            negative,
            integer,
            fraction,
        })
    }

    /// The integer digits without leading zeros ("" for zero).
    pub fn significant_integer(&self) -> &'a str {
        self.integer.trim_start_matches('0')
    }

    /// The fraction digits without trailing zeros: "1.50000" has one significant decimal.
    pub fn significant_fraction(&self) -> &'a str {
        self.fraction.trim_end_matches('0')
    }

    /// The value scaled by `10^scale` as an integer magnitude (sign not applied), or `None`
    /// when it does not fit in `u64` or has more significant decimals than `scale`.
    pub fn scaled_magnitude(&self, scale: u32) -> Option<u64> {
        let fraction = self.significant_fraction();
        let padding = scale.checked_sub(u32::try_from(fraction.len()).ok()?)?;
        let mut digits = self.significant_integer().bytes().chain(fraction.bytes());
        let unpadded = digits.try_fold(0_u64, |acc, digit| {
            acc.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        })?;
        unpadded.checked_mul(10_u64.checked_pow(padding)?)
    }
}

#[cfg(test)]
mod tests {
    use super::PlainDecimal;

    #[test]
    fn accepts_plain_decimals() {
        for text in ["0", "12", "12.3", "-0.50", "007.10"] {
            assert!(PlainDecimal::split(text).is_some(), "{text}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for text in [
            "", "-", "+1", " 1", "1 ", "1.", ".5", "1e3", "1E3", "NaN", "inf", "1,000", "1_000",
            "--1", "1.2.3", "٣",
        ] {
            assert_eq!(PlainDecimal::split(text), None, "{text:?}");
        }
    }

    #[test]
    fn scales_exactly_and_refuses_lost_digits() {
        let split = |t| PlainDecimal::split(t).unwrap();
        assert_eq!(split("12.3").scaled_magnitude(2), Some(1230));
        assert_eq!(split("12.30000").scaled_magnitude(2), Some(1230));
        assert_eq!(split("-0.05").scaled_magnitude(2), Some(5));
        assert_eq!(split("12.345").scaled_magnitude(2), None);
        assert_eq!(
            split("18446744073709551615").scaled_magnitude(0),
            Some(u64::MAX)
        );
        assert_eq!(split("18446744073709551616").scaled_magnitude(0), None);
        assert_eq!(split("184467440737095516.16").scaled_magnitude(2), None);
    }
}
