//! The whole first run of a merchant, in real Chromium through the simulator's admin (issue 13):
//! a store just installed → Home leads to step 1 → a matrix created and priced → the product
//! assigned with the resource picker → an option group with "+15.00" and "20%" on it → the
//! storefront prices with those options → a test draft order → listed, and Home counts it.

use serde_json::{json, Value};

use crate::admin_browser::{
    click, open_at, paste, save_bar, start, text_of, title_action, type_into, wait_for_save_bar,
    wait_in_app, FIRST_PRICE,
};
use crate::admin_options_browser::{part, tick};
use crate::admin_products_browser::pick;
use crate::admin_support::Admin;

const SHOP: &str = "first-run.myshopify.com";

stack_test!(
    a_new_merchant_reaches_an_orderable_product_from_home,
    |stack| {
        let Some(browser) = start(stack, "admin_first_run").await else {
            return;
        };
        stack.install_new_shop(SHOP).await;
        let admin = Admin::of_shop(stack, SHOP).await;
        let ready = &stack.stack.ready;
        let admin_url = format!(
            "{}/store/{SHOP}/admin/apps/{}",
            ready.shopify_url, ready.app_api_key
        );

        // Home: nothing done yet; the guide leads to step 1.
        open_at(&browser, &admin_url, "", "#first-run").await;
        assert_eq!(
            text_of(&browser, "#setup-progress").await,
            "0 of 3 steps done"
        );
        browser.screenshot("1-home-first-run").await;
        browser.assert_accessible("home, first run").await;
        click(&browser, "#first-run s-button[variant=primary]").await;
        wait_in_app(&browser, "#create-open-empty").await;

        // Step 1: a 3 × 3 matrix, its prices pasted and saved.
        click(&browser, "#create-open-empty").await;
        type_into(&browser, "#create-name", "Clear glass").await;
        click(&browser, "#create-submit").await;
        wait_in_app(&browser, "#matrix-grid table").await;
        let block =
            "100.00\t110.00\t120.00\r\n130.00\t140.00\t150.00\r\n160.00\t170.00\t180.00\r\n";
        paste(&browser, FIRST_PRICE, block).await;
        wait_for_save_bar(&browser, true).await;
        save_bar(&browser, "save").await;
        wait_for_save_bar(&browser, false).await;
        let matrices = admin.get("/app/api/matrices").await;
        let matrix = matrices.body["matrices"][0]["id"]
            .as_i64()
            .expect("a matrix");

        // Step 2: the shop's first product, chosen in the resource picker.
        let products = admin.get("/app/api/shopify/products").await;
        let product = products.body["products"][0]["id"]
            .as_str()
            .expect("a product")
            .to_owned();
        open_at(&browser, &admin_url, "/app/products", "#assign-pick").await;
        pick(&browser, matrix, &[&product]).await;
        wait_in_app(
            &browser,
            &format!("s-table-row[data-product=\"{product}\"]"),
        )
        .await;
        browser.screenshot("2-product-assigned").await;

        // An option group with a fixed and a percentage choice, on that product.
        open_at(&browser, &admin_url, "/app/option-groups", "s-page").await;
        title_action(&browser, "Create option group").await;
        type_into(&browser, "#group-name", "Edge finish").await;
        type_into(&browser, &part(0, "label"), "Polished").await;
        type_into(&browser, &part(0, "modifier"), "+15.00").await;
        click(&browser, "#add-choice").await;
        type_into(&browser, &part(1, "label"), "Laminated").await;
        type_into(&browser, &part(1, "modifier"), "20%").await;
        save_bar(&browser, "save").await;
        wait_in_app(&browser, "#group-editor:not([data-group-id=''])").await;
        tick(
            &browser,
            &format!("#group-products s-checkbox[value=\"{product}\"]"),
        )
        .await;
        wait_for_save_bar(&browser, true).await;
        save_bar(&browser, "save").await;
        wait_for_save_bar(&browser, false).await;
        let group: i64 = browser
            .js(
                "return document.getElementById('group-editor').dataset.groupId",
                vec![],
            )
            .await
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        browser.screenshot("3-option-group").await;

        // The storefront prices with those options: 500 × 500 mm is the first cell, 100.00.
        let key = admin
            .post("/app/api/onboarding/storefront-key", json!({}))
            .await;
        let key = key.body["key"].as_str().expect("the first key").to_owned();
        let stored = admin.get(&format!("/app/api/option-groups/{group}")).await;
        let choice = |label: &str| {
            stored.body["choices"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["label"] == label)
                .unwrap()["id"]
                .as_i64()
                .unwrap()
        };
        let numeric = product.rsplit('/').next().unwrap();
        for (label, expected) in [("Polished", 11_500), ("Laminated", 12_000)] {
            let selections = json!([{ "optionGroupId": group, "choiceId": choice(label) }]);
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("width", "500")
                .append_pair("height", "500")
                .append_pair("options", &json!({ "selections": selections }).to_string())
                .finish();
            let priced: Value = stack
                .http
                .get(stack.app(&format!("/api/v1/products/{numeric}/price?{query}")))
                .header("x-api-key", &key)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(priced["unitPriceMinor"], expected, "{label}: {priced}");
        }

        // A test draft order with the polished edge, from the Draft orders page.
        open_at(&browser, &admin_url, "/app/draft-orders", "#test-form").await;
        title_action(&browser, "Create test draft order").await;
        let chosen = ".test-product:not([hidden])";
        type_into(&browser, &format!("{chosen} .test-width"), "500").await;
        type_into(&browser, &format!("{chosen} .test-height"), "500").await;
        browser
            .js(
                "const select = document.querySelector(arguments[0]); select.value = arguments[1];
                 return select.value;",
                vec![
                    json!(format!("{chosen} .test-option[data-group=\"{group}\"]")),
                    json!(choice("Polished").to_string()),
                ],
            )
            .await;
        click(&browser, "#test-submit").await;
        wait_in_app(&browser, "s-table-row[data-status='created']").await;
        browser.screenshot("4-test-draft-order").await;
        let records = admin.get("/app/api/draft-orders").await;
        assert_eq!(
            records.body["records"][0]["unitPrice"], "115.00",
            "{records:?}"
        );

        // Home counts it; the guide's third step is what is left.
        open_at(&browser, &admin_url, "", "#orders-total").await;
        assert_eq!(text_of(&browser, "#orders-total").await, "1");
        assert_eq!(
            text_of(&browser, "#setup-progress").await,
            "2 of 3 steps done"
        );
        browser.screenshot("5-home-after").await;
        browser
            .assert_accessible("home after the first order")
            .await;
        browser.finish().await;
    }
);
