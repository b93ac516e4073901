//! The CDN stand-ins never invent names: every element polaris-1.js defines, and every attribute
//! it reads, is in Shopify's published manifest (`@shopify/polaris-types` custom-elements.json),
//! and every element app-bridge.js defines is one of App Bridge's (`@shopify/app-bridge-types`).
//! The manifests come from `tools/browser/node_modules` (`npm ci` there); without them the test
//! says so and passes, except under `CI=true`, where it fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

const POLARIS_JS: &str = include_str!("../../assets/polaris-1.js");
const APP_BRIDGE_JS: &str = include_str!("../../assets/app-bridge.js");

fn node_modules() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/browser/node_modules");
    if dir
        .join("@shopify/polaris-types/dist/custom-elements.json")
        .is_file()
    {
        return Some(dir);
    }
    let message = format!(
        "{} is missing: run `npm ci` in tools/browser to check the CDN stand-ins against Shopify's manifests",
        dir.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}");
    }
    eprintln!("skipped: {message}");
    None
}

/// `'a', 'b', ...NAME` → the strings, with `...NAME` expanded from `const NAME = [...]`.
fn list_items(source: &str, list: &str) -> Vec<String> {
    let mut items = Vec::new();
    for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if let Some(name) = item.strip_prefix("...") {
            let start = source
                .find(&format!("const {name} = ["))
                .unwrap_or_else(|| panic!("no list {name}"));
            let rest = &source[start..];
            let open = rest.find('[').unwrap();
            let close = rest.find(']').unwrap();
            items.extend(list_items(source, &rest[open + 1..close]));
        } else {
            let unquoted = item.trim_matches('\'');
            assert!(
                item.starts_with('\'') && item.ends_with('\'') && !unquoted.contains('\''),
                "attribute lists hold string literals: {item}"
            );
            items.push(unquoted.to_owned());
        }
    }
    items
}

/// Every `define('s-…', Class, [attributes])` of polaris-1.js.
fn polaris_definitions() -> BTreeMap<String, Vec<String>> {
    let mut definitions = BTreeMap::new();
    for chunk in POLARIS_JS.split("  define('").skip(1) {
        let tag = chunk.split('\'').next().unwrap().to_owned();
        let open = chunk.find('[').unwrap();
        let close = chunk.find("]);").unwrap();
        let attributes = list_items(POLARIS_JS, &chunk[open + 1..close]);
        assert!(
            definitions.insert(tag.clone(), attributes).is_none(),
            "{tag} is defined twice"
        );
    }
    definitions
}

/// Every `customElements.define('…'` of app-bridge.js.
fn app_bridge_definitions() -> BTreeSet<String> {
    APP_BRIDGE_JS
        .split("customElements.define('")
        .skip(1)
        .map(|chunk| chunk.split('\'').next().unwrap().to_owned())
        .collect()
}

#[test]
fn polaris_defines_the_elements_gridprice_needs() {
    let defined = polaris_definitions();
    for tag in [
        "s-page",
        "s-section",
        "s-stack",
        "s-grid",
        "s-grid-item",
        "s-box",
        "s-heading",
        "s-text",
        "s-paragraph",
        "s-button",
        "s-button-group",
        "s-link",
        "s-text-field",
        "s-number-field",
        "s-money-field",
        "s-url-field",
        "s-email-field",
        "s-search-field",
        "s-password-field",
        "s-text-area",
        "s-select",
        "s-option",
        "s-checkbox",
        "s-switch",
        "s-choice-list",
        "s-choice",
        "s-banner",
        "s-badge",
        "s-table",
        "s-table-header-row",
        "s-table-header",
        "s-table-body",
        "s-table-row",
        "s-table-cell",
        "s-modal",
        "s-drop-zone",
        "s-spinner",
        "s-divider",
        "s-thumbnail",
        "s-image",
        "s-icon",
        "s-empty-state",
        "s-unordered-list",
        "s-ordered-list",
        "s-list-item",
        "s-chip",
        "s-clickable",
        "s-tooltip",
        "s-progress",
        "s-number",
        "s-popover",
        "s-menu",
    ] {
        assert!(defined.contains_key(tag), "polaris-1.js lacks {tag}");
    }
    assert!(
        !defined.contains_key("s-app-nav"),
        "s-app-nav is App Bridge's"
    );
    let bridge = app_bridge_definitions();
    for tag in ["s-app-nav", "ui-save-bar", "ui-modal", "ui-title-bar"] {
        assert!(bridge.contains(tag), "app-bridge.js lacks {tag}");
    }
}

#[test]
fn polaris_names_come_from_the_published_manifest() {
    let Some(modules) = node_modules() else {
        return;
    };
    let text =
        std::fs::read_to_string(modules.join("@shopify/polaris-types/dist/custom-elements.json"))
            .expect("custom-elements.json is readable");
    let manifest: Value = serde_json::from_str(&text).expect("custom-elements.json is JSON");
    let mut known: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for module in manifest["modules"].as_array().unwrap() {
        for declaration in module["declarations"].as_array().into_iter().flatten() {
            let Some(tag) = declaration["tagName"].as_str() else {
                continue;
            };
            let attributes = declaration["attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a["name"].as_str())
                .map(str::to_lowercase)
                .collect();
            known.insert(tag.to_owned(), attributes);
        }
    }
    assert!(known.len() >= 60, "the manifest lists its elements");
    for (tag, attributes) in polaris_definitions() {
        let Some(allowed) = known.get(&tag) else {
            panic!("polaris-1.js defines {tag}, which is not in custom-elements.json");
        };
        for attribute in attributes {
            assert!(
                allowed.contains(&attribute),
                "{tag} reads `{attribute}`, which custom-elements.json does not list for it"
            );
        }
    }
}

#[test]
fn app_bridge_names_come_from_the_published_types() {
    let Some(modules) = node_modules() else {
        return;
    };
    let types = std::fs::read_to_string(modules.join("@shopify/app-bridge-types/dist/index.d.ts"))
        .expect("app-bridge-types is readable");
    let block = types
        .split("interface AppBridgeElements {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("AppBridgeElements in index.d.ts");
    let known: BTreeSet<&str> = block
        .lines()
        .filter_map(|line| line.trim().strip_prefix('"'))
        .filter_map(|line| line.split('"').next())
        .collect();
    assert!(known.contains("s-app-nav"), "{known:?}");
    for tag in app_bridge_definitions() {
        assert!(
            known.contains(tag.as_str()),
            "app-bridge.js defines {tag}, which @shopify/app-bridge-types does not"
        );
    }
}
