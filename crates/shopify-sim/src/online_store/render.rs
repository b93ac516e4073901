//! Renders an app block's Liquid with `liquid` (the Rust implementation used by cobalt) and the
//! Shopify objects and filters app blocks use: `product`, `shop`, `block` (`id`, `settings`),
//! `request` (`locale`, `origin`, `path`, `design_mode`, `page_type`), `routes`, and the filters
//! `t`, `asset_url`, `script_tag`, `stylesheet_tag` and `json` on top of Liquid's standard ones
//! (`escape`, `append`, `default`, …).

use std::fmt;
use std::sync::Arc;

use liquid_core::parser::{FilterArguments, ParameterReflection};
use liquid_core::{
    Display_filter, Expression, Filter, FilterReflection, ParseFilter, Runtime, Value, ValueView,
};
use serde_json::Value as Json;

use super::extension::lookup;

/// Why a block could not be rendered (a Liquid syntax or runtime error).
#[derive(Debug, thiserror::Error)]
#[error("Liquid error in block {block}: {message}")]
pub struct RenderError {
    pub block: String,
    pub message: String,
}

/// Storefront strings of the page's locale, falling back to the default locale's.
#[derive(Debug, Clone)]
pub struct Translations {
    pub locale: String,
    pub primary: Option<Json>,
    pub fallback: Option<Json>,
}

impl Translations {
    fn get(&self, key: &str) -> Option<&Json> {
        [&self.primary, &self.fallback]
            .into_iter()
            .flatten()
            .find_map(|root| lookup(root, key))
    }
}

fn error(message: impl Into<String>) -> liquid_core::Error {
    liquid_core::Error::with_msg(message.into())
}

/// `{{ 'key' | t: name: value }}`: the translation, `{{ name }}` interpolated, HTML-escaped
/// unless the key ends in `_html` (as on Shopify); `count` picks `zero`/`one`/`other`.
#[derive(Clone)]
struct TParser(Arc<Translations>);

impl FilterReflection for TParser {
    fn name(&self) -> &str {
        "t"
    }
    fn description(&self) -> &str {
        "Looks a key up in the extension's storefront locale files."
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
}

impl ParseFilter for TParser {
    fn parse(&self, mut arguments: FilterArguments<'_>) -> liquid_core::Result<Box<dyn Filter>> {
        if arguments.positional.next().is_some() {
            return Err(error("t: takes only named arguments (t: name: value)"));
        }
        let keyword = arguments
            .keyword
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        Ok(Box::new(TFilter {
            translations: self.0.clone(),
            keyword,
        }))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

#[derive(Debug)]
struct TFilter {
    translations: Arc<Translations>,
    keyword: Vec<(String, Expression)>,
}

impl fmt::Display for TFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t")
    }
}

impl Filter for TFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> liquid_core::Result<Value> {
        let key = input.to_kstr().into_owned();
        let mut vars = Vec::with_capacity(self.keyword.len());
        for (name, expression) in &self.keyword {
            vars.push((
                name.as_str(),
                expression.evaluate(runtime)?.to_kstr().into_owned(),
            ));
        }
        let Some(found) = self.translations.get(&key) else {
            return Ok(Value::scalar(format!(
                "translation missing: {}.{key}",
                self.translations.locale
            )));
        };
        let text = match found {
            Json::String(s) => s.as_str(),
            Json::Object(forms) => {
                let count = vars
                    .iter()
                    .find(|(n, _)| *n == "count")
                    .map(|(_, v)| v.as_str());
                let form = match count {
                    Some("0") if forms.contains_key("zero") => "zero",
                    Some("1") => "one",
                    _ => "other",
                };
                forms.get(form).and_then(Json::as_str).unwrap_or_default()
            }
            _ => "",
        };
        let mut out = text.to_owned();
        for (name, value) in &vars {
            for pattern in [format!("{{{{ {name} }}}}"), format!("{{{{{name}}}}}")] {
                out = out.replace(&pattern, value);
            }
        }
        if !key.ends_with("_html") {
            out = crate::html::escape(&out);
        }
        Ok(Value::scalar(out))
    }
}

/// `{{ 'file.js' | asset_url }}`: the file in the extension's `assets/` on the simulator's CDN.
#[derive(Clone)]
struct AssetUrlParser(Arc<str>);

impl FilterReflection for AssetUrlParser {
    fn name(&self) -> &str {
        "asset_url"
    }
    fn description(&self) -> &str {
        "The URL of a file in the extension's assets folder."
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
}

impl ParseFilter for AssetUrlParser {
    fn parse(&self, mut arguments: FilterArguments<'_>) -> liquid_core::Result<Box<dyn Filter>> {
        if arguments.positional.next().is_some() || arguments.keyword.next().is_some() {
            return Err(error("asset_url takes no arguments"));
        }
        Ok(Box::new(AssetUrlFilter(self.0.clone())))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

#[derive(Debug)]
struct AssetUrlFilter(Arc<str>);

impl fmt::Display for AssetUrlFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "asset_url")
    }
}

impl Filter for AssetUrlFilter {
    fn evaluate(&self, input: &dyn ValueView, _: &dyn Runtime) -> liquid_core::Result<Value> {
        let file = input.to_kstr();
        let encoded: String = url::form_urlencoded::byte_serialize(file.as_bytes()).collect();
        Ok(Value::scalar(format!("{}/{encoded}", self.0)))
    }
}

#[derive(Clone, liquid_core::ParseFilter, liquid_core::FilterReflection)]
#[filter(
    name = "script_tag",
    description = "A <script> element loading the URL.",
    parsed(ScriptTagFilter)
)]
struct ScriptTag;

#[derive(Debug, Default, Display_filter)]
#[name = "script_tag"]
struct ScriptTagFilter;

impl Filter for ScriptTagFilter {
    fn evaluate(&self, input: &dyn ValueView, _: &dyn Runtime) -> liquid_core::Result<Value> {
        Ok(Value::scalar(format!(
            "<script src=\"{}\" type=\"text/javascript\"></script>",
            crate::html::escape(&input.to_kstr())
        )))
    }
}

#[derive(Clone, liquid_core::ParseFilter, liquid_core::FilterReflection)]
#[filter(
    name = "stylesheet_tag",
    description = "A <link rel=stylesheet> element for the URL.",
    parsed(StylesheetTagFilter)
)]
struct StylesheetTag;

#[derive(Debug, Default, Display_filter)]
#[name = "stylesheet_tag"]
struct StylesheetTagFilter;

impl Filter for StylesheetTagFilter {
    fn evaluate(&self, input: &dyn ValueView, _: &dyn Runtime) -> liquid_core::Result<Value> {
        Ok(Value::scalar(format!(
            "<link href=\"{}\" rel=\"stylesheet\" type=\"text/css\" media=\"all\" />",
            crate::html::escape(&input.to_kstr())
        )))
    }
}

#[derive(Clone, liquid_core::ParseFilter, liquid_core::FilterReflection)]
#[filter(name = "json", description = "The value as JSON.", parsed(JsonFilter))]
struct JsonTag;

#[derive(Debug, Default, Display_filter)]
#[name = "json"]
struct JsonFilter;

/// A Liquid value as JSON (scalars keep their type).
fn to_json(value: &dyn ValueView) -> Json {
    if let Some(array) = value.as_array() {
        return Json::Array(array.values().map(to_json).collect());
    }
    if let Some(object) = value.as_object() {
        return Json::Object(
            object
                .iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        );
    }
    let Some(scalar) = value.as_scalar() else {
        return Json::Null;
    };
    match scalar.type_name() {
        "boolean" => scalar.to_bool().map_or(Json::Null, Json::Bool),
        "whole number" => scalar.to_integer().map_or(Json::Null, Json::from),
        "fractional number" => scalar
            .to_float()
            .and_then(serde_json::Number::from_f64)
            .map_or(Json::Null, Json::Number),
        _ => Json::String(scalar.to_kstr().to_string()),
    }
}

impl Filter for JsonFilter {
    fn evaluate(&self, input: &dyn ValueView, _: &dyn Runtime) -> liquid_core::Result<Value> {
        Ok(Value::scalar(to_json(input).to_string()))
    }
}

/// Renders `source` (a block's Liquid, schema removed) with `globals`.
pub fn render(
    block: &str,
    source: &str,
    globals: &Json,
    translations: Translations,
    asset_base: &str,
) -> Result<String, RenderError> {
    let failed = |e: liquid::Error| RenderError {
        block: block.to_owned(),
        message: e.to_string(),
    };
    let parser = liquid::ParserBuilder::with_stdlib()
        .filter(TParser(Arc::new(translations)))
        .filter(AssetUrlParser(Arc::from(asset_base)))
        .filter(ScriptTag)
        .filter(StylesheetTag)
        .filter(JsonTag)
        .build()
        .map_err(failed)?;
    let template = parser.parse(source).map_err(failed)?;
    let globals = liquid::to_object(globals).map_err(failed)?;
    template.render(&globals).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn translations() -> Translations {
        Translations {
            locale: "de".to_owned(),
            primary: Some(
                json!({"a": {"hello": "Hallo {{ name }}", "items": {"one": "ein Teil", "other": "{{ count }} Teile"}}}),
            ),
            fallback: Some(json!({"a": {"only_en": "English <b>", "rich_html": "<b>bold</b>"}})),
        }
    }

    fn run(source: &str, globals: Json) -> String {
        render("test", source, &globals, translations(), "http://sim/cdn").unwrap()
    }

    #[test]
    fn shopify_filters() {
        assert_eq!(
            run("{{ 'a.hello' | t: name: who }}", json!({"who": "Welt"})),
            "Hallo Welt"
        );
        assert_eq!(
            run(
                "{{ 'a.items' | t: count: 1 }}|{{ 'a.items' | t: count: 3 }}",
                json!({})
            ),
            "ein Teil|3 Teile"
        );
        assert_eq!(run("{{ 'a.only_en' | t }}", json!({})), "English &lt;b&gt;");
        assert_eq!(run("{{ 'a.rich_html' | t }}", json!({})), "<b>bold</b>");
        assert_eq!(
            run("{{ 'a.nope' | t }}", json!({})),
            "translation missing: de.a.nope"
        );
        assert_eq!(
            run("{{ 'x.js' | asset_url }}", json!({})),
            "http://sim/cdn/x.js"
        );
        assert_eq!(
            run("{{ 'x.js' | asset_url | script_tag }}", json!({})),
            "<script src=\"http://sim/cdn/x.js\" type=\"text/javascript\"></script>"
        );
        assert_eq!(
            run("{{ 'x.css' | asset_url | stylesheet_tag }}", json!({})),
            "<link href=\"http://sim/cdn/x.css\" rel=\"stylesheet\" type=\"text/css\" media=\"all\" />"
        );
        assert_eq!(
            run(
                "{{ block.settings | json }}",
                json!({"block": {"settings": {"a": true, "n": 2, "s": "x\"y"}}})
            ),
            r#"{"a":true,"n":2,"s":"x\"y"}"#
        );
        assert_eq!(run("{{ '<a>' | escape }}", json!({})), "&lt;a&gt;");
        assert_eq!(
            run("{% if x == blank %}blank{% endif %}", json!({"x": null})),
            "blank"
        );
    }

    #[test]
    fn errors_name_the_block() {
        let err = render("calc", "{% if %}", &json!({}), translations(), "").unwrap_err();
        assert_eq!(err.block, "calc");
        assert!(render("calc", "{{ 'a' | t: 1 }}", &json!({}), translations(), "").is_err());
    }
}
