//! The theme app extension in `extensions/gridprice-calculator` against Shopify's rules:
//! the folders and file types Shopify CLI accepts, the enforced size limits
//! (https://shopify.dev/docs/apps/build/online-store/theme-app-extensions/configuration#file-and-content-size-limits),
//! and a block schema that parses and whose strings exist in every locale.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::extension_dir;

const KB: u64 = 1024;

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Every dotted key of the string leaves.
fn keys(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                keys(v, &key, out);
            }
        }
        _ => {
            out.insert(prefix.to_owned());
        }
    }
}

fn lookup<'a>(root: &'a Value, key: &str) -> Option<&'a Value> {
    key.split('.').try_fold(root, |node, part| node.get(part))
}

#[test]
fn files_follow_shopify_cli_rules_and_limits() {
    let dir = extension_dir();
    let mut files = Vec::new();
    walk(&dir, &mut files);
    let mut total = 0;
    let mut liquid = 0;
    let mut blocks = 0;
    let mut locales = 0;
    for path in &files {
        let relative = path.strip_prefix(&dir).unwrap();
        let size = std::fs::metadata(path).unwrap().len();
        total += size;
        let parts: Vec<_> = relative
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if parts.len() == 1 {
            // Shopify CLI bundles `*/*` only; files at the top are configuration and docs.
            assert!(
                ["shopify.extension.toml", "README.md"].contains(&parts[0].as_str()),
                "unexpected file {}",
                relative.display()
            );
            continue;
        }
        assert_eq!(parts.len(), 2, "no nested folders: {}", relative.display());
        let name = &parts[1];
        match parts[0].as_str() {
            "assets" => assert!(
                [".jpg", ".jpeg", ".json", ".js", ".css", ".png", ".svg", ".wasm"]
                    .iter()
                    .any(|ext| name.ends_with(ext)),
                "{name}"
            ),
            "blocks" | "snippets" => {
                assert!(name.ends_with(".liquid"), "{name}");
                liquid += size;
                if parts[0] == "blocks" {
                    blocks += 1;
                }
            }
            "locales" => {
                assert!(name.ends_with(".json"), "{name}");
                assert!(
                    size <= 15 * KB,
                    "{name} is {size} bytes; the limit is 15 KB"
                );
                locales += 1;
            }
            other => panic!("Shopify CLI refuses files in {other}/ ({name})"),
        }
    }
    assert!(
        total <= 10 * 1024 * KB,
        "extension is {total} bytes; the limit is 10 MB"
    );
    assert!(
        liquid <= 100 * KB,
        "Liquid is {liquid} bytes; the limit is 100 KB"
    );
    assert!(
        (1..=30).contains(&blocks),
        "{blocks} blocks; the limit is 30"
    );
    assert!(locales <= 100);
}

#[test]
fn extension_toml() {
    let toml = std::fs::read_to_string(extension_dir().join("shopify.extension.toml")).unwrap();
    for line in [
        "type = \"theme\"",
        "name = \"Gridprice calculator\"",
        "handle = \"gridprice-calculator\"",
    ] {
        assert!(toml.lines().any(|l| l.trim() == line), "missing {line}");
    }
}

fn block_source() -> String {
    std::fs::read_to_string(extension_dir().join("blocks/calculator.liquid")).unwrap()
}

fn block_schema() -> Value {
    let source = block_source();
    let start = source.find("{% schema %}").expect("a schema tag") + "{% schema %}".len();
    let end = source.find("{% endschema %}").expect("an endschema tag");
    serde_json::from_str(&source[start..end]).expect("the schema is JSON")
}

#[test]
fn block_schema_is_complete_and_translated() {
    let schema = block_schema();
    assert_eq!(schema["target"], "section");
    assert_eq!(
        schema["enabled_on"]["templates"],
        serde_json::json!(["product"])
    );
    let dir = extension_dir().join("locales");
    let schema_locales = [
        json(&dir.join("en.default.schema.json")),
        json(&dir.join("de.schema.json")),
    ];
    let mut labels = vec![schema["name"].as_str().unwrap().to_owned()];
    let mut ids = BTreeSet::new();
    let settings = schema["settings"].as_array().unwrap();
    for setting in settings {
        let kind = setting["type"].as_str().expect("every setting has a type");
        if kind == "header" || kind == "paragraph" {
            labels.push(setting["content"].as_str().unwrap().to_owned());
        } else {
            let id = setting["id"]
                .as_str()
                .expect("every input setting has an id");
            assert!(ids.insert(id.to_owned()), "duplicate setting id {id}");
            labels.push(
                setting["label"]
                    .as_str()
                    .expect("every input setting has a label")
                    .to_owned(),
            );
        }
        if let Some(info) = setting["info"].as_str() {
            labels.push(info.to_owned());
        }
        if kind == "color" {
            if let Some(default) = setting["default"].as_str() {
                assert!(default.len() == 7 && default.starts_with('#'), "{default}");
            }
        }
    }
    for required in [
        "button_label",
        "show_breakdown",
        "unit_mm",
        "unit_in",
        "accent_color",
        "text_color",
    ] {
        assert!(ids.contains(required), "setting {required}");
    }
    for label in labels {
        let key = label
            .strip_prefix("t:")
            .unwrap_or_else(|| panic!("untranslated schema text {label}"));
        for (i, locale) in schema_locales.iter().enumerate() {
            let text = lookup(locale, key).and_then(Value::as_str);
            assert!(
                text.is_some_and(|t| !t.is_empty()),
                "{key} missing in schema locale {i}"
            );
        }
    }
    let name = lookup(&schema_locales[0], "blocks.calculator.name")
        .unwrap()
        .as_str()
        .unwrap();
    assert!(
        name.chars().count() < 25,
        "block names stay under 25 characters"
    );
}

#[test]
fn storefront_strings_exist_in_every_locale() {
    let dir = extension_dir().join("locales");
    let en = json(&dir.join("en.default.json"));
    let de = json(&dir.join("de.json"));
    let (mut en_keys, mut de_keys) = (BTreeSet::new(), BTreeSet::new());
    keys(&en, "", &mut en_keys);
    keys(&de, "", &mut de_keys);
    assert_eq!(en_keys, de_keys, "en and de have the same keys");
    let source = block_source();
    let mut used = 0;
    for piece in source
        .split("{{ '")
        .skip(1)
        .chain(source.split("= '").skip(1))
    {
        let Some((key, rest)) = piece.split_once('\'') else {
            continue;
        };
        if !rest.trim_start().starts_with("| t") {
            continue;
        }
        used += 1;
        assert!(en_keys.contains(key), "{key} missing in en.default.json");
    }
    assert!(
        used >= 20,
        "the block uses its strings through `t` ({used})"
    );
    // Shopify may or may not escape a translation before `| escape`; with none of these
    // characters both give the same attribute.
    for locale in [&en, &de] {
        let mut all = BTreeSet::new();
        keys(locale, "", &mut all);
        for key in all {
            let text = lookup(locale, &key).unwrap().as_str().unwrap();
            assert!(!text.contains(['<', '>', '&', '"', '\'']), "{key}: {text}");
        }
    }
}
