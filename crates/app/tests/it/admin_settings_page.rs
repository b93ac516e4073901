//! The Settings page over HTTP (the browser test drives it in Chromium): it renders the store's
//! settings, keys, audit log and connection in English and German, never carries a key, reads
//! the audit log as before → after, shows a store that must reconnect with the action that
//! fixes it; the keys' origins are refused at their field, and no store can touch another's key.

use gridprice::api_keys::hash_key;
use gridprice_storage::entities::stores as store_rows;
use gridprice_storage::testing::connection;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{json, Value};

use crate::admin_pages::{assert_manifest_names, load};
use crate::admin_support::Admin;

const DEMO: &str = "demo-shop.myshopify.com";
const OTHER: &str = "other-shop.myshopify.com";

/// A new publishable key of the demo store: its id and its whole value.
async fn create_key(admin: &Admin<'_>, origins: Value) -> (i64, String) {
    let created = admin
        .post(
            "/app/api/storefront-keys",
            json!({ "allowedOrigins": origins }),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    (
        created.body["id"].as_i64().expect("an id"),
        created.body["key"].as_str().expect("the key").to_owned(),
    )
}

/// The key `id` as the store's listing shows it.
async fn listed_key(admin: &Admin<'_>, id: i64) -> Value {
    let listed = admin.get("/app/api/storefront-keys").await;
    listed.body["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|key| key["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no key {id}: {listed:?}"))
}

stack_test!(
    the_settings_page_renders_in_both_languages_and_never_a_key,
    |stack| {
        let admin = Admin::demo(stack).await;
        let (_, full) = create_key(&admin, json!(["https://shop.example.com"])).await;
        let (status, policy, html) = load(stack, "/app/settings", "en").await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(policy.starts_with("frame-ancestors https://demo-shop.myshopify.com "));
        assert_manifest_names(&html, "/app/settings");
        for part in [
            "Store settings",
            "Default unit",
            "Draft order lines",
            "Storefront keys",
            "Audit log",
            "Connection to Shopify",
            "Shopify API version: 2026-10",
            "Access granted: write_draft_orders, read_products",
            "https://shop.example.com",
            &full[..12],
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        assert!(
            html.contains("/app/settings?embedded=1&#38;shop=demo-shop.myshopify.com"),
            "Settings in the navigation"
        );
        for secret in [full.as_str(), stack.storefront_key()] {
            assert!(!html.contains(secret), "no key in the page");
            assert!(!html.contains(&hash_key(secret)), "no key hash in the page");
            assert!(
                !html.contains(&secret[..20]),
                "no more of a key than its prefix"
            );
        }

        let (_, _, german) = load(stack, "/app/settings", "de").await;
        assert!(german.contains("<html lang=\"de\">"));
        for part in [
            "Einstellungen",
            "Standardeinheit",
            "Storefront-Schlüssel",
            "Änderungsprotokoll",
            "Verbindung zu Shopify",
            "Aktiv",
        ] {
            assert!(german.contains(part), "{part} in {german}");
        }
        // Every page's navigation leads here, last.
        let (_, _, matrices) = load(stack, "/app/matrices", "en").await;
        let nav = &matrices[matrices.find("<s-app-nav>").unwrap()..];
        let nav = &nav[..nav.find("</s-app-nav>").unwrap()];
        assert!(
            nav.trim_end().ends_with("Settings</s-link>"),
            "Settings last: {nav}"
        );
    }
);

stack_test!(a_bad_origin_is_refused_at_its_field, |stack| {
    let admin = Admin::demo(stack).await;
    let (id, _) = create_key(&admin, json!([])).await;
    let path = format!("/app/api/storefront-keys/{id}");
    for (origins, field) in [
        (
            json!(["https://ok.example", "example.com/path"]),
            "allowedOrigins[1]",
        ),
        (json!(["ftp://x"]), "allowedOrigins[0]"),
        (json!(["https://shop.example.com/"]), "allowedOrigins[0]"),
    ] {
        let refused = admin
            .patch(&path, json!({ "allowedOrigins": origins }))
            .await;
        refused.assert_problem(422, field);
        let message = refused.errors()[field][0].as_str().unwrap();
        assert!(message.contains("is not an origin"), "{message}");
    }
    admin
        .patch(&path, json!({ "origins": [] }))
        .await
        .assert_problem(400, "body");
    assert_eq!(
        listed_key(&admin, id).await["allowedOrigins"],
        json!([]),
        "nothing saved"
    );

    let saved = admin
        .patch(
            &path,
            json!({ "allowedOrigins": ["https://Shop.Example.com", "http://localhost:3000"] }),
        )
        .await;
    assert_eq!(saved.status, 200, "{saved:?}");
    assert_eq!(
        saved.body["allowedOrigins"],
        json!(["https://shop.example.com", "http://localhost:3000"])
    );
    assert_eq!(
        admin.audit_actions().await[0],
        "storefront_key.update_origins"
    );
    let (_, _, html) = load(stack, "/app/settings", "en").await;
    assert!(
        html.contains("https://shop.example.com, http://localhost:3000"),
        "{html}"
    );
    assert!(
        html.contains("Changed a key&#39;s allowed origins"),
        "{html}"
    );

    // A revoked key's origins no longer change.
    let revoked = admin.post(&format!("{path}/revoke"), json!({})).await;
    assert_eq!(revoked.status, 200);
    let late = admin
        .patch(&path, json!({ "allowedOrigins": ["https://late.example"] }))
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{late:?}");
    assert_eq!(late.content_type, "application/problem+json");
});

stack_test!(
    another_stores_key_cannot_be_rotated_revoked_or_edited,
    |stack| {
        stack.install_new_shop(OTHER).await;
        let other = Admin::of_shop(stack, OTHER).await;
        let (theirs, their_full) = create_key(&other, json!(["https://other.example"])).await;
        let before = listed_key(&other, theirs).await;

        let demo = Admin::demo(stack).await;
        let path = format!("/app/api/storefront-keys/{theirs}");
        for reply in [
            demo.patch(&path, json!({ "allowedOrigins": ["https://evil.example"] }))
                .await,
            demo.post(&format!("{path}/rotate"), json!({})).await,
            demo.post(&format!("{path}/revoke"), json!({})).await,
        ] {
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{reply:?}");
            assert_eq!(reply.content_type, "application/problem+json");
        }
        assert_eq!(
            listed_key(&other, theirs).await,
            before,
            "their key is untouched"
        );
        let (_, _, html) = load(stack, "/app/settings", "en").await;
        assert!(
            !html.contains(&their_full[..12]),
            "another store's key is not listed"
        );
        assert!(!html.contains("https://other.example"));
    }
);

stack_test!(
    the_audit_log_reads_before_and_after_a_page_at_a_time,
    |stack| {
        let admin = Admin::demo(stack).await;
        let changed = admin
            .patch(
                "/app/api/settings",
                json!({ "unitPreference": "in", "outOfRangeDefault": "clamp" }),
            )
            .await;
        assert_eq!(changed.status, 200, "{changed:?}");
        let (_, _, html) = load(stack, "/app/settings", "en").await;
        for part in [
            "Changed the settings",
            "Default unit: mm → in",
            "Sizes outside the matrix: Refuse the size → Use the nearest price",
            "Staff member ",
            "Created a storefront key",
            "Gridprice",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        let newest = html.find("Changed the settings").unwrap();
        assert!(
            newest < html.find("Created a storefront key").unwrap(),
            "newest first"
        );
        let (_, _, german) = load(stack, "/app/settings", "de").await;
        assert!(
            german.contains("Standardeinheit: mm → in")
                && german.contains("Einstellungen geändert"),
            "{german}"
        );

        // More changes than a page holds: the oldest are one link away.
        for unit in ["cm", "m", "ft"].iter().cycle().take(20) {
            let reply = admin
                .patch("/app/api/settings", json!({ "unitPreference": unit }))
                .await;
            assert_eq!(reply.status, 200);
        }
        let (_, _, first) = load(stack, "/app/settings", "en").await;
        assert!(!first.contains("Default unit: mm → in"), "on a later page");
        let start = first
            .find("href=\"/app/settings?before=")
            .expect("an older page")
            + 6;
        let href = first[start..start + first[start..].find('"').unwrap()].replace("&#38;", "&");
        let token = stack.admin_token().await;
        let older = stack
            .http
            .get(stack.app(&format!("{href}&id_token={token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(older.status(), StatusCode::OK);
        let older = older.text().await.unwrap();
        assert!(older.contains("Default unit: mm → in"), "{older}");
    }
);

stack_test!(
    a_store_missing_access_must_reconnect_and_the_action_fixes_it,
    |stack| {
        // The page's script carries the words for a reconnect it may meet; the panel's banner
        // is what says the store must.
        let must_reconnect = "heading=\"Gridprice must reconnect to Shopify\"";
        let (_, _, connected) = load(stack, "/app/settings", "en").await;
        assert!(connected.contains(">Connected<") && !connected.contains(must_reconnect));

        // Shopify granted less than the app asks for (the app's scopes grew since the install).
        let row = store_rows::Entity::find()
            .filter(store_rows::Column::Shop.eq(DEMO))
            .one(connection(stack.db()))
            .await
            .unwrap()
            .expect("the demo store");
        let mut narrowed = row.into_active_model();
        narrowed.scopes = Set(Some("read_products".to_owned()));
        narrowed.update(connection(stack.db())).await.unwrap();

        let (_, _, html) = load(stack, "/app/settings", "en").await;
        assert!(html.contains(must_reconnect), "{html}");
        assert!(
            html.contains("(write_draft_orders)"),
            "names what is missing"
        );
        let reconnect = stack.app(&format!("/auth?shop={DEMO}"));
        let action = format!(
            "href=\"{}\" target=\"_top\"",
            reconnect.replace('&', "&#38;")
        );
        assert!(html.contains(&action), "{action} in {html}");
        let (_, _, german) = load(stack, "/app/settings", "de").await;
        assert!(german.contains("heading=\"Gridprice muss sich neu mit Shopify verbinden\""));

        // The action: Shopify's grant screen, its callback, and the store has what it needs.
        let granted = stack.http.get(&reconnect).send().await.unwrap();
        assert!(granted.status().is_success(), "{}", granted.status());
        let (_, _, after) = load(stack, "/app/settings", "en").await;
        assert!(after.contains(">Connected<") && !after.contains(must_reconnect));
        assert!(after.contains("Access granted: write_draft_orders, read_products"));
    }
);
