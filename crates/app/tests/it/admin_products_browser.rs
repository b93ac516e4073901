//! The Products page in real headless Chromium, through the simulator's Shopify admin: products
//! chosen with App Bridge's resource picker (drawn by the admin around the app's frame), a
//! confirmation naming the matrix before a product leaves it, option groups put in order and
//! a sixth refused at the field — in German. Screenshots and axe-core on every state.

use serde_json::{json, Value};

use crate::admin_browser::{
    admin_api, click, in_admin, open, start, wait_for_content, wait_in_app,
};
use crate::browser::Browser;
use crate::support::TestStack;

const GLASS_PANEL: &str = "gid://shopify/Product/8000000000001";
const ROLLER_BLIND: &str = "gid://shopify/Product/8000000000002";

fn row(product: &str) -> String {
    format!("s-table-row[data-product=\"{product}\"]")
}

/// The matrix of `product` as the admin API has it now.
async fn matrix_of(stack: &TestStack, product: &str) -> Value {
    let list = admin_api(
        stack,
        reqwest::Method::GET,
        "/app/api/products",
        Value::Null,
    )
    .await;
    list["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["productId"] == product)
        .map_or(Value::Null, |p| p["matrixName"].clone())
}

/// Chooses `matrix` to assign to and opens the resource picker; in the admin, ticks `products`
/// and confirms, as the merchant does.
pub(crate) async fn pick(browser: &Browser, matrix: i64, products: &[&str]) {
    browser
        .js(
            "const select = document.getElementById('assign-matrix'); select.value = arguments[0];
             select.dispatchEvent(new Event('change', { bubbles: true })); return true;",
            vec![json!(matrix.to_string())],
        )
        .await;
    click(browser, "#assign-pick").await;
    let ids = json!(products);
    browser
        .wait_until("the picker lists the products", || async {
            in_admin(
                browser,
                &format!(
                    "const open = document.getElementById('sa-picker').open;
                     return open && {ids}.every(id => document.querySelector(`#sa-picker-list input[value=\"${{id}}\"]`))
                       || null;"
                ),
            )
            .await
            .as_bool()
        })
        .await;
    let picked = in_admin(
        browser,
        &format!(
            "for (const id of {ids}) document.querySelector(`#sa-picker-list input[value=\"${{id}}\"]`).click();
             const count = document.getElementById('sa-picker-count').textContent;
             document.getElementById('sa-picker-select').click();
             return count;"
        ),
    )
    .await;
    assert!(
        picked
            .as_str()
            .unwrap_or_default()
            .starts_with(&products.len().to_string()),
        "{picked}"
    );
}

stack_test!(
    products_are_picked_and_one_leaves_its_matrix_only_when_agreed,
    |stack| {
        let Some(browser) = start(stack, "admin_products_assign").await else {
            return;
        };
        let blinds = admin_api(
            stack,
            reqwest::Method::POST,
            "/app/api/matrices",
            crate::admin_support::small_matrix("Blinds"),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        open(&browser, stack, "/app/products", "s-table").await;
        browser.screenshot("products-list").await;
        browser.assert_accessible("products list").await;

        // Both picked for Blinds: the roller blind had no matrix and gets it; the glass panel
        // is priced by Demo glass, so the page asks first, naming it.
        pick(&browser, blinds, &[GLASS_PANEL, ROLLER_BLIND]).await;
        let listed = wait_for_content(&browser, "move-list", "Demo glass").await;
        assert!(listed.contains("Glass panel"), "{listed}");
        let message = wait_for_content(&browser, "move-message", "Blinds").await;
        assert!(message.contains("Move it to Blinds?"), "{message}");
        browser.screenshot("move-confirmation").await;
        browser.assert_accessible("move confirmation").await;
        click(&browser, "#move-cancel").await;
        wait_in_app(&browser, &row(ROLLER_BLIND)).await;
        assert_eq!(
            matrix_of(stack, GLASS_PANEL).await,
            "Demo glass",
            "cancel keeps it"
        );
        assert_eq!(matrix_of(stack, ROLLER_BLIND).await, "Blinds");

        // Asked again and agreed: it moves, with its picture from Shopify.
        pick(&browser, blinds, &[GLASS_PANEL]).await;
        wait_for_content(&browser, "move-list", "Demo glass").await;
        click(&browser, "#move-confirm").await;
        browser
            .wait_until("the glass panel on Blinds", || async {
                (matrix_of(stack, GLASS_PANEL).await == "Blinds").then_some(())
            })
            .await;
        let thumbnail = format!("{} s-thumbnail[src]", row(GLASS_PANEL));
        wait_in_app(&browser, &thumbnail).await;
        let src = browser
            .js(
                "return document.querySelector(arguments[0]).getAttribute('src')",
                vec![json!(thumbnail)],
            )
            .await;
        assert!(
            src.as_str()
                .unwrap()
                .ends_with("/_sim/images/products/8000000000001.svg?v=1"),
            "{src}"
        );
        browser.screenshot("products-moved").await;
        browser.assert_accessible("products after the move").await;
        browser.finish().await;
    }
);

/// The ids of the store's option groups by name.
async fn group_ids(stack: &TestStack) -> std::collections::HashMap<String, i64> {
    admin_api(
        stack,
        reqwest::Method::GET,
        "/app/api/option-groups",
        Value::Null,
    )
    .await["optionGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().to_owned(),
                g["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// Chooses the group `id` in the option groups dialog and adds it.
async fn add_group(browser: &Browser, id: i64) {
    browser
        .js(
            "document.getElementById('groups-add-choice').value = arguments[0]; return true;",
            vec![json!(id.to_string())],
        )
        .await;
    click(browser, "#groups-add").await;
}

async fn listed_groups(browser: &Browser) -> Value {
    browser
        .js(
            "return [...document.querySelectorAll('#groups-list s-list-item')].map(i => i.querySelector('s-text').textContent)",
            vec![],
        )
        .await
}

stack_test!(
    option_groups_are_put_in_order_and_a_sixth_is_refused_in_german,
    |stack| {
        let Some(browser) = start(stack, "admin_products_option_groups").await else {
            return;
        };
        for n in 0..4 {
            let body = json!({
                "name": format!("Extra {n}"),
                "requirement": "OPTIONAL",
                "choices": [{ "label": "Ohne", "modifierType": "FIXED", "modifierValue": "0" }],
            });
            admin_api(stack, reqwest::Method::POST, "/app/api/option-groups", body).await;
        }
        let ids = group_ids(stack).await;
        open(&browser, stack, "/app/products?locale=de", "s-table").await;
        let heading = browser
            .js(
                "return document.querySelector('s-page').getAttribute('heading')",
                vec![],
            )
            .await;
        assert_eq!(heading, "Produkte");

        click(
            &browser,
            &format!("s-button[data-options=\"{GLASS_PANEL}\"]"),
        )
        .await;
        wait_for_content(&browser, "groups-product", "Glass panel").await;
        assert_eq!(
            listed_groups(&browser).await,
            json!(["Glass type", "Edge finish"])
        );
        click(
            &browser,
            "s-button[accessibilitylabel=\"Edge finish nach oben verschieben\"]",
        )
        .await;
        assert_eq!(
            listed_groups(&browser).await,
            json!(["Edge finish", "Glass type"])
        );
        for name in ["Extra 0", "Extra 1", "Extra 2"] {
            add_group(&browser, ids[name]).await;
        }
        add_group(&browser, ids["Extra 3"]).await;
        let refused = browser
            .js(
                "return document.getElementById('groups-add-choice').getAttribute('error')",
                vec![],
            )
            .await;
        assert!(
            refused
                .as_str()
                .unwrap()
                .contains("höchstens 5 Optionsgruppen"),
            "{refused}"
        );
        assert_eq!(listed_groups(&browser).await.as_array().unwrap().len(), 5);
        browser.screenshot("option-groups-limit-de").await;
        browser.assert_accessible("option groups (German)").await;

        click(&browser, "#groups-save").await;
        let order = "Edge finish, Glass type, Extra 0, Extra 1, Extra 2";
        browser
            .wait_until("the saved order in the list", || async {
                let client = browser.client();
                client.enter_parent_frame().await.ok()?;
                client.enter_frame(0).await.ok()?;
                let cell = client
                    .execute(
                        "const row = document.querySelector(arguments[0]);
                         return row ? row.querySelector('[data-groups]').textContent.trim() : null",
                        vec![json!(row(GLASS_PANEL))],
                    )
                    .await
                    .ok()?;
                (cell.as_str() == Some(order)).then_some(())
            })
            .await;
        let shown: Vec<i64> = admin_api(
            stack,
            reqwest::Method::GET,
            &format!(
                "/app/api/products/{}/option-groups",
                url::form_urlencoded::byte_serialize(GLASS_PANEL.as_bytes()).collect::<String>()
            ),
            Value::Null,
        )
        .await["optionGroups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["id"].as_i64().unwrap())
            .collect();
        let expected: Vec<i64> = ["Edge finish", "Glass type", "Extra 0", "Extra 1", "Extra 2"]
            .iter()
            .map(|name| ids[*name])
            .collect();
        assert_eq!(shown, expected);
        browser.screenshot("products-de").await;
        browser.assert_accessible("products (German)").await;
        browser.finish().await;
    }
);
