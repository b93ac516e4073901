//! The merchant's option groups in real headless Chromium, through the simulator's Shopify
//! admin: a group created with money and percent choices, a default, reordered by keyboard,
//! saved, put on the demo product, and priced by the storefront API exactly; a bad price change
//! refused at its field; discard; delete asking first; German; axe-core on every page.

use reqwest::Method;
use serde_json::{json, Value};

use crate::admin_browser::{
    admin_api, click, open, save_bar, save_bar_visible, start, title_action, type_into,
    wait_for_content, wait_for_save_bar, wait_in_app,
};
use crate::browser::{key, Browser};
use crate::support::TestStack;

const DEMO_PRODUCT: &str = "gid://shopify/Product/8000000000001";

/// The field `part` (label, modifier, default, up, down, remove) of choice `index`.
pub(crate) fn part(index: usize, part: &str) -> String {
    format!(".og-choice[data-index=\"{index}\"] [data-part=\"{part}\"]")
}

/// The choices' labels and price changes as the page shows them.
async fn choices(browser: &Browser) -> Value {
    browser
        .js(
            "return [...document.querySelectorAll('.og-choice')].map(row =>
               [row.querySelector('[data-part=label]').value, row.querySelector('[data-part=modifier]').value]);",
            vec![],
        )
        .await
}

/// Ticks the Polaris checkbox `css` as a merchant does: a click on its box.
pub(crate) async fn tick(browser: &Browser, css: &str) {
    let host = browser.wait_for_css(css).await;
    let input = browser.in_shadow(&host, "input[type=checkbox]").await;
    input.click().await.expect("tick the checkbox");
}

/// The `error` a Polaris field shows, once it shows one.
async fn field_error(browser: &Browser, css: &str) -> String {
    browser
        .wait_until(&format!("an error at {css}"), || async {
            let error = browser
                .js(
                    "return document.querySelector(arguments[0])?.getAttribute('error') || null",
                    vec![json!(css)],
                )
                .await;
            error.as_str().map(str::to_owned)
        })
        .await
}

/// The demo product's unit price in minor units with `selections` of option choices.
async fn unit_price(stack: &TestStack, selections: Value) -> i64 {
    let options = json!({ "selections": selections }).to_string();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("width", "450")
        .append_pair("height", "250")
        .append_pair("options", &options)
        .finish();
    let response = stack
        .http
        .get(stack.app(&format!("/api/v1/products/8000000000001/price?{query}")))
        .header("x-api-key", stack.storefront_key())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["unitPriceMinor"]
        .as_i64()
        .unwrap_or_else(|| panic!("a unit price in {body}"))
}

stack_test!(
    a_merchant_creates_an_option_group_puts_it_on_a_product_and_the_storefront_prices_it,
    |stack| {
        let Some(browser) = start(stack, "admin_option_groups").await else {
            return;
        };
        open(&browser, stack, "/app/option-groups", "s-table").await;
        browser.screenshot("option-groups-index").await;
        browser.assert_accessible("option groups index").await;

        // A new group: its name, a first choice whose price change is refused at the field.
        title_action(&browser, "Create option group").await;
        wait_in_app(&browser, &part(0, "label")).await;
        type_into(&browser, "#group-name", "Edge finish").await;
        type_into(&browser, &part(0, "label"), "Polished").await;
        type_into(&browser, &part(0, "modifier"), "abc").await;
        type_into(&browser, &part(0, "label"), "Polished").await;
        let error = field_error(&browser, &part(0, "modifier")).await;
        assert!(error.contains("15.00") && error.contains("20%"), "{error}");
        wait_for_save_bar(&browser, true).await;
        browser.screenshot("option-group-bad-modifier").await;
        browser
            .assert_accessible("option group editor with an error")
            .await;
        // Too many decimals for dollars: refused by the page before anything is sent.
        type_into(&browser, &part(0, "modifier"), "15.001").await;
        save_bar(&browser, "save").await;
        let error = field_error(&browser, &part(0, "modifier")).await;
        assert!(error.contains("USD") && error.contains('2'), "{error}");
        type_into(&browser, &part(0, "modifier"), "+15.00").await;

        // Two more choices; the last becomes the default and moves to the top, by keyboard.
        click(&browser, "#add-choice").await;
        type_into(&browser, &part(1, "label"), "Laminated").await;
        type_into(&browser, &part(1, "modifier"), "20%").await;
        click(&browser, "#add-choice").await;
        type_into(&browser, &part(2, "label"), "Standard").await;
        type_into(&browser, &part(2, "modifier"), "0.00").await;
        tick(&browser, &part(2, "default")).await;
        click(&browser, &part(2, "up")).await;
        let focused = browser.focused().await;
        assert!(
            focused.contains("button"),
            "the moved row's button keeps focus: {focused}"
        );
        browser.keys(key::ENTER).await;
        assert_eq!(
            choices(&browser).await,
            json!([
                ["Standard", "0.00"],
                ["Polished", "+15.00"],
                ["Laminated", "20%"]
            ])
        );
        browser.screenshot("option-group-new").await;
        save_bar(&browser, "save").await;
        wait_in_app(&browser, "#group-editor:not([data-group-id=''])").await;
        let id = browser
            .js(
                "return document.getElementById('group-editor').dataset.groupId",
                vec![],
            )
            .await;
        let id: i64 = id.as_str().unwrap().parse().unwrap();
        let stored = admin_api(
            stack,
            Method::GET,
            &format!("/app/api/option-groups/{id}"),
            Value::Null,
        )
        .await;
        let summary: Vec<(String, String, bool)> = stored["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["label"].as_str().unwrap().to_owned(),
                    c["modifier"].as_str().unwrap().to_owned(),
                    c["isDefault"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("Standard".to_owned(), "0.00".to_owned(), true),
                ("Polished".to_owned(), "+15.00".to_owned(), false),
                ("Laminated".to_owned(), "+20%".to_owned(), false),
            ]
        );
        assert!(!save_bar_visible(&browser).await, "nothing left to save");

        // Discard puts back what was saved.
        type_into(&browser, "#group-name", "Edge finish (draft)").await;
        click(&browser, &part(1, "remove")).await;
        wait_for_save_bar(&browser, true).await;
        save_bar(&browser, "discard").await;
        wait_for_save_bar(&browser, false).await;
        let name = browser
            .js("return document.getElementById('group-name').value", vec![])
            .await;
        assert_eq!(name, "Edge finish");
        assert_eq!(choices(&browser).await.as_array().unwrap().len(), 3);

        // On the demo product (the dev seed gives it the demo matrix).
        let product = format!("#group-products s-checkbox[value=\"{DEMO_PRODUCT}\"]");
        tick(&browser, &product).await;
        wait_for_save_bar(&browser, true).await;
        browser.screenshot("option-group-on-product").await;
        save_bar(&browser, "save").await;
        wait_for_save_bar(&browser, false).await;
        let shown = admin_api(
            stack,
            Method::GET,
            "/app/api/products/8000000000001/option-groups",
            Value::Null,
        )
        .await;
        let ids: Vec<i64> = shown["optionGroups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 3, "{shown}");
        assert_eq!(ids[2], id, "after the product's other groups");

        // The storefront prices with it: 450 × 250 mm is the 600 × 400 cell, 30.00.
        let choice = |label: &str| {
            stored["choices"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["label"] == label)
                .unwrap()["id"]
                .clone()
        };
        let base = 3000;
        assert_eq!(
            unit_price(stack, json!([])).await,
            base,
            "the default adds 0.00"
        );
        let polished = json!([{ "optionGroupId": id, "choiceId": choice("Polished") }]);
        assert_eq!(unit_price(stack, polished).await, base + 1500);
        let laminated = json!([{ "optionGroupId": id, "choiceId": choice("Laminated") }]);
        assert_eq!(unit_price(stack, laminated).await, base + base * 20 / 100);

        // In German.
        open(
            &browser,
            stack,
            &format!("/app/option-groups/{id}?locale=de"),
            &part(0, "label"),
        )
        .await;
        let label = browser
            .js(
                "return document.querySelector(arguments[0]).getAttribute('label')",
                vec![json!(part(0, "modifier"))],
            )
            .await;
        assert_eq!(label, "Preisänderung");
        browser.screenshot("option-group-de").await;
        browser
            .assert_accessible("option group editor (German)")
            .await;

        // Delete asks first, naming the product the group leaves.
        open(&browser, stack, "/app/option-groups?locale=de", "s-table").await;
        let delete = format!("[data-delete=\"{id}\"]");
        click(&browser, &delete).await;
        let message = wait_for_content(&browser, "delete-message", "Edge finish").await;
        assert!(message.contains("Glass panel"), "{message}");
        browser.screenshot("option-group-delete-de").await;
        browser
            .assert_accessible("delete confirmation (German)")
            .await;
        click(&browser, "#delete-cancel").await;
        admin_api(
            stack,
            Method::GET,
            &format!("/app/api/option-groups/{id}"),
            Value::Null,
        )
        .await;
        click(&browser, &delete).await;
        click(&browser, "#delete-confirm").await;
        browser
            .wait_until("the group gone from the list", || async {
                let gone = browser
                    .client()
                    .execute(
                        "return document.querySelector(arguments[0]) === null
                           && document.querySelector('s-table') !== null",
                        vec![json!(delete)],
                    )
                    .await
                    .ok()?;
                gone.as_bool().filter(|gone| *gone)
            })
            .await;
        let left = admin_api(
            stack,
            Method::GET,
            "/app/api/products/8000000000001/option-groups",
            Value::Null,
        )
        .await;
        assert_eq!(left["optionGroups"].as_array().unwrap().len(), 2);
        browser.finish().await;
    }
);
