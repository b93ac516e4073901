//! The Settings page in real headless Chromium, through the simulator's Shopify admin: a
//! setting saved with the save bar, a bad origin refused at its field, a key's whole life —
//! created and shown once, rotated with the old key still pricing over real HTTP during the
//! grace period, revoked and refused — and the audit log telling it, in English and German,
//! each state screenshotted and checked with axe-core.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::admin_browser::{
    admin_api, click, in_admin, open, save_bar, save_bar_visible, start, type_into,
    wait_for_content, wait_for_save_bar, wait_in_app,
};
use crate::browser::Browser;
use crate::storefront_support::demo_store;
use crate::support::TestStack;

const SHOP_ORIGIN: &str = "https://shop.example.com";

/// The status of a storefront price request with `key`, from the shop's origin.
async fn price_status(stack: &TestStack, key: &str) -> StatusCode {
    stack
        .http
        .get(stack.app("/api/v1/products/8000000000001/price?width=450&height=250"))
        .header("x-api-key", key)
        .header("origin", SHOP_ORIGIN)
        .send()
        .await
        .unwrap()
        .status()
}

/// The `error` a Polaris field shows, once it contains `part`.
async fn field_error(browser: &Browser, css: &str, part: &str) -> String {
    browser
        .wait_until(&format!("{css} to show the error {part:?}"), || async {
            let error = browser
                .js(
                    "return document.querySelector(arguments[0])?.getAttribute('error') ?? null",
                    vec![json!(css)],
                )
                .await;
            error
                .as_str()
                .filter(|e| e.contains(part))
                .map(str::to_owned)
        })
        .await
}

/// The toasts the admin shows, as text.
async fn toasts(browser: &Browser) -> String {
    in_admin(
        browser,
        "return document.getElementById('sa-toasts')?.textContent ?? ''",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn wait_for_toast(browser: &Browser, part: &str) {
    browser
        .wait_until(&format!("the toast {part:?}"), || async {
            toasts(browser).await.contains(part).then_some(())
        })
        .await;
}

/// The key the open "new key" modal shows.
async fn shown_secret(browser: &Browser) -> String {
    browser
        .wait_until("the new key in its modal", || async {
            let key = browser
                .js(
                    "return document.getElementById('key-secret')?.value ?? ''",
                    vec![],
                )
                .await;
            key.as_str()
                .filter(|k| k.starts_with("gp_"))
                .map(str::to_owned)
        })
        .await
}

/// Clicks `css`, which reloads the page, and waits for the new page to be ready: the old
/// document is marked first, so it cannot pass for the new one.
async fn click_and_reload(browser: &Browser, css: &str) {
    browser
        .js("window.beforeReload = true; return true;", vec![])
        .await;
    click(browser, css).await;
    browser
        .wait_until("the page reloaded", || async {
            let client = browser.client();
            client.enter_parent_frame().await.ok()?;
            client.enter_frame(0).await.ok()?;
            let ready = client
                .execute(
                    "return !window.beforeReload && document.getElementById('settings-form')
                       && customElements.get('s-page') && window.shopify ? true : null",
                    vec![],
                )
                .await
                .ok()?;
            ready.as_bool()
        })
        .await;
}

async fn keys(stack: &TestStack) -> Vec<Value> {
    admin_api(stack, Method::GET, "/app/api/storefront-keys", Value::Null).await["keys"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Scrolls the element `css` to the top of the frame, for a screenshot of it.
async fn scroll_to(browser: &Browser, css: &str) {
    browser
        .js(
            "document.querySelector(arguments[0]).scrollIntoView(); return true;",
            vec![json!(css)],
        )
        .await;
}

/// The page's whole markup, shadow roots aside: what a key must never be in.
async fn page_html(browser: &Browser) -> String {
    browser
        .js("return document.documentElement.outerHTML", vec![])
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

stack_test!(
    a_merchant_saves_a_setting_and_a_bad_origin_is_refused_at_its_field,
    |stack| {
        let Some(browser) = start(stack, "admin_settings_save").await else {
            return;
        };
        open(&browser, stack, "/app/settings", "#settings-form").await;
        browser.screenshot("settings").await;
        browser.assert_accessible("settings").await;
        scroll_to(&browser, "#connection").await;
        browser.screenshot("settings-connection").await;
        assert!(!save_bar_visible(&browser).await, "nothing to save yet");

        // The default unit: chosen, then saved from the admin's save bar.
        browser
            .js(
                "const unit = document.getElementById('settings-unit'); unit.value = 'in';
                 unit.dispatchEvent(new Event('change', { bubbles: true })); return true;",
                vec![],
            )
            .await;
        wait_for_save_bar(&browser, true).await;
        save_bar(&browser, "save").await;
        wait_for_toast(&browser, "Settings saved").await;
        assert!(!save_bar_visible(&browser).await, "saved");
        let settings = admin_api(stack, Method::GET, "/app/api/settings", Value::Null).await;
        assert_eq!(settings["unitPreference"], "in");

        // A bad origin for new keys is refused at its field, and nothing is saved.
        type_into(&browser, "#settings-origins", "example.com/path").await;
        wait_for_save_bar(&browser, true).await;
        save_bar(&browser, "save").await;
        let error = field_error(&browser, "#settings-origins", "Line 1").await;
        assert!(error.contains("example.com/path"), "{error}");
        browser.screenshot("settings-bad-origin").await;
        browser
            .assert_accessible("settings with a field error")
            .await;
        let unchanged = admin_api(stack, Method::GET, "/app/api/settings", Value::Null).await;
        assert_eq!(unchanged["defaultAllowedOrigins"], json!([]));
        save_bar(&browser, "discard").await;
        browser
            .wait_until("discarded", || async {
                let value = browser
                    .js(
                        "const f = document.getElementById('settings-origins');
                         return f.value === '' && !f.hasAttribute('error')",
                        vec![],
                    )
                    .await;
                value.as_bool().filter(|done| *done)
            })
            .await;

        // The log tells the change, here in German.
        browser
            .goto(&format!(
                "{}/app/settings?locale=de",
                stack.stack.ready.admin_url
            ))
            .await;
        wait_in_app(&browser, "#settings-form").await;
        browser
            .wait_for_js(
                "Polaris and App Bridge",
                "return Boolean(customElements.get('s-page') && window.shopify) || null",
            )
            .await;
        let heading = browser
            .js(
                "return document.querySelector('s-page').getAttribute('heading')",
                vec![],
            )
            .await;
        assert_eq!(heading, "Einstellungen");
        wait_for_content(&browser, "audit-log", "Standardeinheit: mm → in").await;
        browser.screenshot("settings-de").await;
        scroll_to(&browser, "#audit-log").await;
        browser.screenshot("settings-de-audit").await;
        browser.assert_accessible("settings (German)").await;

        // Shopify refuses the store's token meanwhile: a save says so, with the way back.
        let store = demo_store(stack).await;
        gridprice_storage::stores::mark_reauth_required(stack.db(), store.id)
            .await
            .unwrap();
        browser
            .js(
                "const unit = document.getElementById('settings-unit'); unit.value = 'cm';
                 unit.dispatchEvent(new Event('change', { bubbles: true })); return true;",
                vec![],
            )
            .await;
        wait_for_save_bar(&browser, true).await;
        save_bar(&browser, "save").await;
        let banner = wait_for_content(
            &browser,
            "settings-banner",
            "Gridprice muss sich neu mit Shopify verbinden",
        )
        .await;
        let action = format!(
            "href=\"{}\"",
            stack.app(&format!("/auth?shop={}", store.shop))
        );
        assert!(
            banner.contains(&action) && banner.contains("Neu verbinden"),
            "{banner}"
        );
        assert!(!banner.contains("401"), "no status code: {banner}");
        browser.screenshot("settings-de-must-reconnect").await;
        browser
            .assert_accessible("settings must reconnect (German)")
            .await;
        browser.finish().await;
    }
);

stack_test!(
    a_key_is_shown_once_rotated_with_a_grace_period_and_revoked,
    |stack| {
        let Some(browser) = start(stack, "admin_settings_keys").await else {
            return;
        };
        open(&browser, stack, "/app/settings", "#settings-form").await;

        // Create: a bad origin is refused at its field first.
        click(&browser, "#key-create-open").await;
        type_into(&browser, "#key-create-origins", "ftp://x").await;
        click(&browser, "#key-create-submit").await;
        let error = field_error(&browser, "#key-create-origins", "ftp://x").await;
        assert!(error.contains("not an origin"), "{error}");
        browser.screenshot("key-create-bad-origin").await;
        type_into(&browser, "#key-create-origins", SHOP_ORIGIN).await;
        click(&browser, "#key-create-submit").await;
        let first = shown_secret(&browser).await;
        wait_for_toast(&browser, "Key created").await;
        browser.screenshot("key-created-shown-once").await;
        browser.assert_accessible("the new key's modal").await;
        click(&browser, "#key-copy").await;
        wait_for_toast(&browser, "Key copied").await;
        assert_eq!(price_status(stack, &first).await, StatusCode::OK);
        click_and_reload(&browser, "#key-secret-done").await;
        let created = keys(stack)
            .await
            .into_iter()
            .find(|k| first.starts_with(k["prefix"].as_str().unwrap()))
            .expect("the new key listed");
        assert_eq!(created["allowedOrigins"], json!([SHOP_ORIGIN]));
        let id = created["id"].as_i64().unwrap();
        assert!(
            !page_html(&browser).await.contains(&first),
            "never shown again"
        );

        // Rotate: the new key shown once, the old one listed as working until its time, and
        // still pricing over real HTTP.
        click(&browser, &format!("[data-rotate=\"{id}\"]")).await;
        wait_for_content(&browser, "key-rotate-message", "24 hours").await;
        click(&browser, "#key-rotate-confirm").await;
        let second = shown_secret(&browser).await;
        assert_ne!(second, first);
        let note = wait_for_content(&browser, "key-secret-previous", "keeps working until").await;
        assert!(note.contains(&first[..12]), "{note}");
        browser.screenshot("key-rotated-shown-once").await;
        click_and_reload(&browser, "#key-secret-done").await;
        let rotating = browser
            .wait_for_js(
                "the old key rotating",
                &format!(
                    "const row = document.querySelector('[data-key-id=\"{id}\"]');
                     return row && row.dataset.state === 'expiring' ? row.textContent : null"
                ),
            )
            .await;
        assert!(
            rotating.as_str().unwrap().contains("Rotating: works until"),
            "{rotating}"
        );
        let html = page_html(&browser).await;
        assert!(!html.contains(&first) && !html.contains(&second));
        assert_eq!(
            price_status(stack, &first).await,
            StatusCode::OK,
            "the old key works during the grace period"
        );
        assert_eq!(price_status(stack, &second).await, StatusCode::OK);
        scroll_to(&browser, &format!("[data-key-id=\"{id}\"]")).await;
        browser.screenshot("key-rotating").await;

        // The new key's origins: a bad one refused at its field, then a good one saved.
        let new_id = keys(stack)
            .await
            .into_iter()
            .find(|k| second.starts_with(k["prefix"].as_str().unwrap()))
            .expect("the replacement listed")["id"]
            .as_i64()
            .unwrap();
        click(&browser, &format!("[data-origins=\"{new_id}\"]")).await;
        type_into(&browser, "#key-origins", "example.com/path").await;
        click(&browser, "#key-origins-save").await;
        field_error(&browser, "#key-origins", "example.com/path").await;
        browser.screenshot("key-origins-bad").await;
        type_into(&browser, "#key-origins", "https://www.example.com").await;
        click_and_reload(&browser, "#key-origins-save").await;
        wait_for_toast(&browser, "Allowed origins saved").await;
        browser
            .wait_until("the new origins listed", || async {
                keys(stack)
                    .await
                    .iter()
                    .any(|k| {
                        k["id"] == new_id
                            && k["allowedOrigins"] == json!(["https://www.example.com"])
                    })
                    .then_some(())
            })
            .await;

        // Revoke the old key: asked first, then refused at once.
        click(&browser, &format!("[data-revoke=\"{id}\"]")).await;
        wait_for_content(&browser, "key-revoke-message", &first[..12]).await;
        click(&browser, "#key-revoke-confirm").await;
        wait_for_toast(&browser, "Key revoked").await;
        browser
            .wait_for_js(
                "the old key revoked",
                &format!(
                    "const row = document.querySelector('[data-key-id=\"{id}\"]');
                     return row && row.dataset.state === 'revoked' || null"
                ),
            )
            .await;
        assert_eq!(
            price_status(stack, &first).await,
            StatusCode::UNAUTHORIZED,
            "a revoked key is refused"
        );

        // The audit log tells all of it, newest first.
        let log = wait_for_content(&browser, "audit-log", "Revoked a storefront key").await;
        let order: Vec<usize> = [
            "Revoked a storefront key",
            "Changed a key",
            "Rotated a storefront key",
            "Created a storefront key",
        ]
        .iter()
        .map(|action| {
            log.find(action)
                .unwrap_or_else(|| panic!("{action} in {log}"))
        })
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert!(log.contains("https://www.example.com"), "{log}");
        scroll_to(&browser, "s-table-row[data-state]").await;
        browser.screenshot("settings-keys-after").await;
        scroll_to(&browser, "#audit-log").await;
        browser.screenshot("settings-audit-after-keys").await;
        browser
            .assert_accessible("settings after the keys changed")
            .await;
        browser.finish().await;
    }
);
