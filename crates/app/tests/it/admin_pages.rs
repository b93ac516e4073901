//! The embedded admin's pages over HTTP (the browser tests drive them in Chromium): each page
//! loads with an `id_token`, is framed only by the shop's admin, escapes what merchants typed,
//! speaks German when the admin does, and uses only element and attribute names Shopify
//! publishes (`@shopify/polaris-types`, `@shopify/app-bridge-types` in tools/browser).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::TestStack;

const DEMO: &str = "demo-shop.myshopify.com";

/// A page as the simulator's admin loads it in its iframe.
pub(crate) async fn load(
    stack: &TestStack,
    path: &str,
    locale: &str,
) -> (StatusCode, String, String) {
    let token = stack.admin_token().await;
    let separator = if path.contains('?') { '&' } else { '?' };
    let url = format!(
        "{path}{separator}embedded=1&shop={DEMO}&host=aG9zdA&locale={locale}&id_token={token}"
    );
    let response = stack.http.get(stack.app(&url)).send().await.unwrap();
    let status = response.status();
    let policy = response
        .headers()
        .get("content-security-policy")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, policy, response.text().await.unwrap())
}

async fn create_matrix(stack: &TestStack, name: &str) -> i64 {
    let created: Value = stack
        .http
        .post(stack.app("/app/api/matrices"))
        .bearer_auth(stack.admin_token().await)
        .json(&json!({
            "name": name, "unit": "mm",
            "widths": ["300", "600"], "heights": ["200", "400"],
            "cells": [["10.00", "12.00"], ["11.00", "13.00"]],
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    created["id"].as_i64().expect("a matrix id")
}

stack_test!(
    every_page_loads_framed_by_the_shop_only_and_escapes_names,
    |stack| {
        let id = create_matrix(stack, "<script>alert(1)</script> Glass").await;
        for path in [
            "/",
            "/app/matrices",
            &format!("/app/matrices/{id}"),
            "/app/option-groups",
            "/app/option-groups/new",
            "/app/option-groups/1",
            "/app/draft-orders",
        ] {
            let (status, policy, html) = load(stack, path, "en").await;
            assert_eq!(status, StatusCode::OK, "{path}: {html}");
            assert!(
                policy.starts_with("frame-ancestors https://demo-shop.myshopify.com "),
                "{path}: {policy}"
            );
            assert!(html.contains("<s-app-nav>"), "{path}");
            assert!(!html.contains("<script>alert(1)"), "{path} escapes names");
            assert_manifest_names(&html, path);
        }
        let (_, _, index) = load(stack, "/app/matrices", "en").await;
        assert!(index.contains("&#60;script&#62;alert(1)&#60;/script&#62; Glass"));
        let (_, _, editor) = load(stack, &format!("/app/matrices/{id}"), "en").await;
        assert!(
            editor.contains(r"\u003cscript>alert(1)\u003c/script> Glass"),
            "the editor's data cannot close its script element"
        );
    }
);

stack_test!(pages_speak_the_admins_language, |stack| {
    let (_, _, german) = load(stack, "/app/matrices", "de-DE").await;
    assert!(german.contains("<html lang=\"de\">"));
    assert!(german.contains("Preismatrizen") && german.contains("Matrix erstellen"));
    let (_, _, english) = load(stack, "/app/matrices", "en").await;
    assert!(english.contains("Price matrices") && english.contains("Create matrix"));
    // Links within the app keep the embedding, the language included.
    assert!(german.contains("/app/matrices?embedded=1&#38;shop=demo-shop.myshopify.com&#38;host=aG9zdA&#38;locale=de-DE"));
});

stack_test!(
    a_page_load_without_a_valid_token_bounces_back_to_itself,
    |stack| {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = client
            .get(stack.app(&format!(
                "/app/matrices?embedded=1&shop={DEMO}&locale=de&id_token=not-a-token"
            )))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_redirection());
        let location = response.headers()["location"].to_str().unwrap();
        let bounce = url::Url::parse(&stack.app(location)).unwrap();
        assert_eq!(bounce.path(), "/bounce");
        let reload = bounce
            .query_pairs()
            .find(|(name, _)| name == "shopify-reload")
            .map(|(_, value)| value.into_owned())
            .unwrap();
        assert_eq!(
            reload,
            stack.app(&format!("/app/matrices?embedded=1&shop={DEMO}&locale=de"))
        );
    }
);

// Own modules are served under their content hash, cached for ever.
stack_test!(the_pages_scripts_are_served_under_their_hash, |stack| {
    let (_, _, index) = load(stack, "/app/matrices", "en").await;
    let start = index.find("src=\"/assets/").expect("a module") + 5;
    let src = &index[start..start + index[start..].find('"').unwrap()];
    let script = stack.http.get(stack.app(src)).send().await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert_eq!(
        script.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(script.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let stale = stack
        .http
        .get(stack.app("/assets/matrices.000000000000.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
});

/// Every `<s-…>`/`<ui-…>` element with its attributes, as written in `html`.
fn custom_elements(html: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for chunk in html.split('<').skip(1) {
        if !(chunk.starts_with("s-") || chunk.starts_with("ui-")) {
            continue;
        }
        let tag_end = chunk.find('>').unwrap_or(chunk.len());
        let inside = &chunk[..tag_end];
        let name_end = inside
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(inside.len());
        let mut attributes = Vec::new();
        // Attribute names: words before `=` or alone, outside quoted values.
        let mut rest = &inside[name_end..];
        while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic()) {
            rest = &rest[start..];
            let end = rest
                .find(|c: char| c == '=' || c.is_whitespace())
                .unwrap_or(rest.len());
            attributes.push(rest[..end].to_lowercase());
            rest = &rest[end..];
            if let Some(after) = rest.strip_prefix("=\"") {
                rest = &after[after.find('"').map_or(after.len(), |i| i + 1)..];
            }
        }
        found.push((inside[..name_end].to_owned(), attributes));
    }
    found
}

fn node_modules() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/browser/node_modules");
    if dir
        .join("@shopify/polaris-types/dist/custom-elements.json")
        .is_file()
    {
        return Some(dir);
    }
    let message = format!(
        "{} is missing: run `npm ci` in tools/browser to check the pages against Shopify's manifests",
        dir.display()
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("skipped: {message}");
    None
}

/// Polaris elements with their attributes, from `custom-elements.json`.
fn polaris_manifest(modules: &std::path::Path) -> BTreeMap<String, BTreeSet<String>> {
    let text =
        std::fs::read_to_string(modules.join("@shopify/polaris-types/dist/custom-elements.json"))
            .expect("custom-elements.json is readable");
    let manifest: Value = serde_json::from_str(&text).expect("custom-elements.json is JSON");
    let mut known = BTreeMap::new();
    for module in manifest["modules"].as_array().into_iter().flatten() {
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
    known
}

/// App Bridge's elements with their attributes, from the `AppBridgeElements` declarations.
fn app_bridge_elements(modules: &std::path::Path) -> BTreeMap<String, String> {
    let types = std::fs::read_to_string(modules.join("@shopify/app-bridge-types/dist/index.d.ts"))
        .expect("app-bridge-types is readable");
    let block = types
        .split("interface AppBridgeElements {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .unwrap_or_default();
    block
        .lines()
        .filter_map(|line| {
            let tag = line.trim().strip_prefix('"')?.split('"').next()?;
            Some((tag.to_owned(), types.clone()))
        })
        .collect()
}

/// HTML's own attributes, which every element has.
fn global_attribute(name: &str) -> bool {
    name.starts_with("data-")
        || name.starts_with("aria-")
        || [
            "id", "slot", "class", "hidden", "lang", "title", "role", "tabindex",
        ]
        .contains(&name)
}

pub(crate) fn assert_manifest_names(html: &str, page: &str) {
    let Some(modules) = node_modules() else {
        return;
    };
    let polaris = polaris_manifest(&modules);
    let bridge = app_bridge_elements(&modules);
    let types = std::fs::read_to_string(modules.join("@shopify/app-bridge-types/dist/index.d.ts"))
        .expect("app-bridge-types is readable");
    // App Bridge gives the links inside `s-app-nav` a `rel="home"` (its "links used as children").
    let nav_link = |tag: &str, attribute: &str| {
        tag == "s-link" && attribute == "rel" && types.contains("rel?: \"home\"")
    };
    for (tag, attributes) in custom_elements(html) {
        if let Some(allowed) = polaris.get(&tag) {
            for attribute in attributes {
                assert!(
                    global_attribute(&attribute)
                        || allowed.contains(&attribute)
                        || nav_link(&tag, &attribute),
                    "{page}: <{tag} {attribute}> is not in custom-elements.json"
                );
            }
        } else if let Some(types) = bridge.get(&tag) {
            for attribute in attributes {
                assert!(
                    global_attribute(&attribute) || types.contains(&format!("{attribute}?:")),
                    "{page}: <{tag} {attribute}> is not in app-bridge-types"
                );
            }
        } else {
            panic!("{page}: <{tag}> is neither a Polaris nor an App Bridge element");
        }
    }
}

stack_test!(
    draft_orders_are_listed_newest_first_and_filtered_by_status,
    |stack| {
        let (_, _, empty) = load(stack, "/app/draft-orders", "en").await;
        assert!(empty.contains("No draft orders yet"), "{empty}");
        let placed = stack
        .http
        .post(stack.app("/api/v1/draft-orders"))
        .header("x-api-key", stack.storefront_key())
        .json(&json!({ "productId": "8000000000001", "width": 450, "height": 250, "quantity": 2 }))
        .send()
        .await
        .unwrap();
        assert_eq!(placed.status(), StatusCode::CREATED);
        let order: Value = placed.json().await.unwrap();
        let numeric = order["draftOrderId"]
            .as_str()
            .and_then(|gid| gid.rsplit('/').next())
            .expect("a draft order id")
            .to_owned();

        let (status, _, html) = load(stack, "/app/draft-orders", "en").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Glass panel") && html.contains("450 × 250 mm"),
            "{html}"
        );
        assert!(html.contains("data-status=\"created\""), "{html}");
        assert!(html.contains(&format!("https://{DEMO}/admin/draft_orders/{numeric}")));
        let (_, _, failed_only) = load(stack, "/app/draft-orders?status=failed", "en").await;
        assert!(!failed_only.contains("data-status="), "{failed_only}");
        let (_, _, german) = load(stack, "/app/draft-orders", "de").await;
        assert!(german.contains("Entwurfsbestellungen") && german.contains("Erstellt"));
        let (bad, _, _) = load(stack, "/app/draft-orders?status=lost", "en").await;
        assert_eq!(bad, StatusCode::BAD_REQUEST);
    }
);
