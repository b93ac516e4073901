//! What a shopper asks for, parsed from text — a price query string, or the same fields of a
//! draft order body — into a [`PriceRequest`], every problem reported at once.

use std::borrow::Cow;
use std::fmt;

use gridprice_storage::{ChoiceId, OptionGroupId};
use pricing::{Dimension, Quantity, Unit};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::{PriceRequest, Selection};
use crate::error::FieldErrors;

/// Longest `options` JSON accepted.
pub const MAX_OPTIONS_BYTES: usize = 2048;
pub const MAX_SELECTIONS: usize = 20;
/// `{"selections":[{…}]}` is three levels deep; a little room, no more.
const MAX_JSON_DEPTH: usize = 4;

/// The price query's parameters.
const PRICE_FIELDS: [&str; 5] = ["width", "height", "quantity", "unit", "options"];

/// The price query with its unit left open until the product's matrix unit is known.
#[derive(Debug, Default)]
pub struct PriceFields<'a> {
    width: Option<Cow<'a, str>>,
    height: Option<Cow<'a, str>>,
    quantity: Option<Cow<'a, str>>,
    unit: Option<Cow<'a, str>>,
    options: Option<Cow<'a, str>>,
    duplicated: Vec<String>,
}

impl<'a> PriceFields<'a> {
    /// Splits the query string; unknown parameters (cache busters, the app proxy's signature
    /// and shop) are ignored — without decoding them when their name is plainly not ours.
    pub fn split(query: &'a str) -> Self {
        let mut parsed = Self::default();
        let pairs = query.split('&').filter(|pair| !pair.is_empty());
        for pair in pairs {
            let raw_name = pair.split_once('=').map_or(pair, |(name, _)| name);
            let encoded = raw_name.contains(['%', '+']);
            if !encoded && !PRICE_FIELDS.contains(&raw_name) {
                continue;
            }
            let Some((name, value)) = url::form_urlencoded::parse(pair.as_bytes()).next() else {
                continue;
            };
            let slot = match name.as_ref() {
                "width" => &mut parsed.width,
                "height" => &mut parsed.height,
                "quantity" => &mut parsed.quantity,
                "unit" => &mut parsed.unit,
                "options" => &mut parsed.options,
                _ => continue,
            };
            if slot.replace(value).is_some() {
                parsed.duplicated.push(name.into_owned());
            }
        }
        parsed
    }

    /// The same fields from another source (the draft-order body); options come separately.
    pub fn from_fields(
        width: Option<Cow<'a, str>>,
        height: Option<Cow<'a, str>>,
        quantity: Option<Cow<'a, str>>,
        unit: Option<Cow<'a, str>>,
    ) -> Self {
        Self {
            width,
            height,
            quantity,
            unit,
            ..Self::default()
        }
    }

    /// The request, with sizes in `unit` or, if none was given, in `default_unit`. Every
    /// problem is reported at once.
    pub fn parse(self, default_unit: Unit) -> Result<PriceRequest, FieldErrors> {
        let mut problems = FieldErrors::default();
        for name in &self.duplicated {
            problems.add(name.clone(), format!("{name} is given more than once"));
        }
        let mut problem = |field: &str, message: String| problems.add(field, message);
        let unit = match self.unit.as_deref() {
            None | Some("") => default_unit,
            Some(text) => text.parse().unwrap_or_else(|e: pricing::UnitError| {
                problem("unit", e.to_string());
                default_unit
            }),
        };
        let width =
            dimension("width", self.width.as_deref(), unit).map_err(|m| problem("width", m));
        let height =
            dimension("height", self.height.as_deref(), unit).map_err(|m| problem("height", m));
        let quantity = quantity(self.quantity.as_deref()).map_err(|m| problem("quantity", m));
        let selections = match self.options.as_deref() {
            None | Some("") => Ok(Vec::new()),
            Some(json) => parse_selections(json).map_err(|m| problem("options", m)),
        };
        match (width, height, quantity, selections) {
            (Ok(width), Ok(height), Ok(quantity), Ok(selections)) if problems.is_empty() => {
                Ok(PriceRequest {
                    width,
                    height,
                    quantity,
                    selections,
                })
            }
            _ => Err(problems),
        }
    }
}

fn dimension(name: &str, text: Option<&str>, unit: Unit) -> Result<Dimension, String> {
    let text = text
        .filter(|t| !t.is_empty())
        .ok_or_else(|| format!("{name} is required, e.g. {name}=600"))?;
    Dimension::parse(text, unit).map_err(|e| e.to_string())
}

fn quantity(text: Option<&str>) -> Result<Quantity, String> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(Quantity::ONE);
    };
    let whole = || {
        format!(
            "quantity {text:?} is not a whole number from {} to {}",
            Quantity::MIN,
            Quantity::MAX
        )
    };
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(whole());
    }
    let number: u32 = text.parse().map_err(|_| whole())?;
    Quantity::new(number).map_err(|e| e.to_string())
}

/// `{"selections":[{"optionGroupId":1,"choiceId":2}]}`, ids as numbers or numeric strings.
pub fn parse_selections(json: &str) -> Result<Vec<Selection>, String> {
    if json.len() > MAX_OPTIONS_BYTES {
        return Err(format!("options is longer than {MAX_OPTIONS_BYTES} bytes"));
    }
    if json_depth(json) > MAX_JSON_DEPTH {
        return Err(format!(
            "options is nested deeper than {MAX_JSON_DEPTH} levels"
        ));
    }
    let parsed: OptionsJson = serde_json::from_str(json).map_err(|e| {
        format!(
            "options is not JSON of the form {{\"selections\":[{{\"optionGroupId\":1,\"choiceId\":2}}]}}: {e}"
        )
    })?;
    if parsed.selections.len() > MAX_SELECTIONS {
        return Err(format!("options has more than {MAX_SELECTIONS} selections"));
    }
    Ok(parsed
        .selections
        .into_iter()
        .map(SelectionJson::into_selection)
        .collect())
}

#[derive(Deserialize)]
struct OptionsJson {
    selections: Vec<SelectionJson>,
}

/// One selection as storefronts send it (also the draft-order body's `options` items).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectionJson {
    pub option_group_id: WireId,
    pub choice_id: WireId,
}

impl SelectionJson {
    pub fn into_selection(self) -> Selection {
        Selection {
            group: OptionGroupId::new(self.option_group_id.0),
            choice: ChoiceId::new(self.choice_id.0),
        }
    }
}

/// A positive id sent as a JSON number or a string of digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireId(pub i64);

impl<'de> Deserialize<'de> for WireId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = WireId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a positive integer id, as a number or a string of digits")
            }
            fn visit_u64<E: de::Error>(self, id: u64) -> Result<WireId, E> {
                i64::try_from(id)
                    .ok()
                    .filter(|id| *id > 0)
                    .map(WireId)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(id), &self))
            }
            fn visit_i64<E: de::Error>(self, id: i64) -> Result<WireId, E> {
                u64::try_from(id)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(id), &self))
                    .and_then(|id| self.visit_u64(id))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<WireId, E> {
                let bad = || E::invalid_value(de::Unexpected::Str(text), &self);
                if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                text.parse::<u64>()
                    .map_err(|_| bad())
                    .and_then(|id| self.visit_u64(id))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// The deepest nesting of arrays and objects, ignoring brackets inside strings.
fn json_depth(json: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for byte in json.bytes() {
        match (in_string, byte) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_reads_only_the_price_fields_decoded() {
        let fields = PriceFields::split(
            "shop=a.myshopify.com&&w%69dth=1%2C5&height=2&unit=mm&x=%FF&signature=ab&options=%7B%7D\
             &quantity=3",
        );
        assert_eq!(
            fields.width.as_deref(),
            Some("1,5"),
            "an encoded name is decoded"
        );
        assert_eq!(fields.height.as_deref(), Some("2"));
        assert_eq!(fields.unit.as_deref(), Some("mm"));
        assert_eq!(fields.options.as_deref(), Some("{}"));
        assert_eq!(fields.quantity.as_deref(), Some("3"));
        assert!(fields.duplicated.is_empty());
        let twice = PriceFields::split("width=1&width");
        assert_eq!(twice.duplicated, ["width"], "a bare name counts as given");
        let plus = PriceFields::split("unit=m+m&width+=1");
        assert_eq!(plus.unit.as_deref(), Some("m m"));
        assert_eq!(plus.width, None, "`width ` is another name");
    }

    #[test]
    fn selections_accept_numbers_and_numeric_strings() {
        let parsed =
            parse_selections(r#"{"selections":[{"optionGroupId":1,"choiceId":"22"}]}"#).unwrap();
        assert_eq!(parsed[0].group.get(), 1);
        assert_eq!(parsed[0].choice.get(), 22);
        for bad in [
            r#"{"selections":[{"optionGroupId":-1,"choiceId":2}]}"#,
            r#"{"selections":[{"optionGroupId":1.5,"choiceId":2}]}"#,
            r#"{"selections":[{"optionGroupId":"x","choiceId":2}]}"#,
            r#"{"selections":[{"optionGroupId":0,"choiceId":2}]}"#,
            r#"{"selections":[{"optionGroupId":1}]}"#,
            r#"{"selections":{}}"#,
            r#"[1,2]"#,
            r#"{"selections":[[[[[1]]]]]}"#,
            "not json",
        ] {
            assert!(parse_selections(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(json_depth(r#"{"a":"[[[{{{\"]]]"}"#), 1);
        assert_eq!(json_depth(r#"{"a":[{"b":[]}]}"#), 4);
    }

    #[test]
    fn a_query_is_parsed_once_with_every_problem_reported() {
        let request = PriceFields::split("width=600&height=400&quantity=3&_=1")
            .parse(Unit::Millimetre)
            .unwrap();
        assert_eq!(request.width.to_string(), "600 mm");
        assert_eq!(request.quantity.get(), 3);
        let errors = PriceFields::split("width=-1&height=1.00001&quantity=2.5&unit=yd&width=3")
            .parse(Unit::Millimetre)
            .expect_err("every field is bad");
        let fields: Vec<&str> = errors.pairs().iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["width", "unit", "height", "quantity"]);
    }
}
