//! The admin's languages: every string a merchant reads comes from `locales/<lang>.json`, a
//! flat object of key → text with `{name}` placeholders. The catalogues are compiled in and
//! parsed once; a test holds both to the same keys, and every key a template or page uses.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A language of the admin, from the `locale` Shopify passes (`de`, `de-DE`, `en-US`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    En,
    De,
}

impl Locale {
    /// The admin's locale tag; anything but German is English.
    pub fn from_tag(tag: Option<&str>) -> Self {
        match tag.map(|tag| tag.get(..2).unwrap_or(tag).to_ascii_lowercase()) {
            Some(language) if language == "de" => Self::De,
            _ => Self::En,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
        }
    }

    fn catalogue(self) -> &'static HashMap<String, String> {
        static EN: LazyLock<HashMap<String, String>> =
            LazyLock::new(|| parse(include_str!("../../locales/en.json")));
        static DE: LazyLock<HashMap<String, String>> =
            LazyLock::new(|| parse(include_str!("../../locales/de.json")));
        match self {
            Self::En => &EN,
            Self::De => &DE,
        }
    }
}

/// A catalogue compiled into the binary; its test parses both, so a bad one never ships.
fn parse(json: &str) -> HashMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The strings of one language, as templates use them: `{{ t.get("matrices.heading") }}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    locale: Locale,
}

impl Text {
    pub fn new(locale: Locale) -> Self {
        Self { locale }
    }

    pub fn locale(self) -> Locale {
        self.locale
    }

    /// The text of `key`; the key itself when missing (the catalogue test keeps that from
    /// shipping).
    pub fn get(self, key: &str) -> &'static str {
        match self.locale.catalogue().get(key) {
            Some(text) => text,
            None => Locale::En.catalogue().get(key).map_or("", String::as_str),
        }
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn format(self, key: &str, values: &[(&str, &str)]) -> String {
        values
            .iter()
            .fold(self.get(key).to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }

    /// Every string whose key starts with `prefix`, as JSON for a page's own script.
    pub fn section_json(self, prefix: &str) -> String {
        let section: HashMap<&str, &str> = Locale::En
            .catalogue()
            .keys()
            .filter(|key| key.starts_with(prefix))
            .map(|key| (&key[prefix.len()..], self.get(key)))
            .collect();
        super::script_json(&section)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    fn keys(json: &str) -> BTreeSet<String> {
        let parsed: HashMap<String, String> =
            serde_json::from_str(json).expect("a catalogue is a flat JSON object of strings");
        parsed.into_keys().collect()
    }

    /// A key written twice would silently keep its last text (merges make that easy).
    #[test]
    fn no_catalogue_holds_a_key_twice() {
        for json in [
            include_str!("../../locales/en.json"),
            include_str!("../../locales/de.json"),
        ] {
            let mut seen = BTreeSet::new();
            for line in json.lines() {
                if let Some(key) = line
                    .trim_start()
                    .strip_prefix('"')
                    .and_then(|rest| rest.split('"').next())
                {
                    assert!(seen.insert(key), "{key} appears twice");
                }
            }
        }
    }

    #[test]
    fn both_catalogues_parse_and_hold_the_same_keys() {
        let en = keys(include_str!("../../locales/en.json"));
        let de = keys(include_str!("../../locales/de.json"));
        assert_eq!(
            en.symmetric_difference(&de).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys in one catalogue only"
        );
    }

    /// Every `t.get("…")`/`t.format("…"` in the templates and pages names a key that exists.
    #[test]
    fn every_key_the_pages_use_is_in_the_catalogue() {
        let en = keys(include_str!("../../locales/en.json"));
        let mut missing = Vec::new();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut pending = vec![src];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).expect("read a folder") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                if path.ends_with("pages/i18n.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for marker in ["t.get(\"", "t.format(\""] {
                    for (index, _) in text.match_indices(marker) {
                        // `t.` itself, not the end of `updated_at.format(`.
                        let before = text[..index].chars().next_back().unwrap_or(' ');
                        if before.is_alphanumeric() || before == '_' {
                            continue;
                        }
                        let rest = &text[index + marker.len()..];
                        let key = &rest[..rest.find('"').unwrap_or(0)];
                        if !en.contains(key) {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from the catalogue:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn the_admin_locale_picks_the_language() {
        assert_eq!(Locale::from_tag(Some("de-DE")), Locale::De);
        assert_eq!(Locale::from_tag(Some("DE")), Locale::De);
        assert_eq!(Locale::from_tag(Some("fr")), Locale::En);
        assert_eq!(Locale::from_tag(None), Locale::En);
        let text = Text::new(Locale::De);
        assert_eq!(text.get("nav.matrices"), "Preismatrizen");
    }
}
