//! Home and the test draft order in real Chromium, through the simulator's admin: the guide's
//! last step opens the theme editor adding the calculator and is then marked done; a test draft
//! order placed from the Draft orders page is listed and counted on Home. Screenshots, axe,
//! German.

use crate::admin_browser::{click, open, start, text_of, title_action, type_into, wait_in_app};

stack_test!(
    home_opens_the_theme_editor_then_the_guide_is_done,
    |stack| {
        let Some(browser) = start(stack, "admin_home_guide").await else {
            return;
        };
        // The demo store has a matrix on a product: the calculator is the step left.
        open(&browser, stack, "", "#setup-guide").await;
        assert_eq!(
            text_of(&browser, "#setup-progress").await,
            "2 of 3 steps done"
        );
        browser.screenshot("home-setup-guide").await;
        browser.assert_accessible("home").await;

        click(
            &browser,
            "#setup-step-3 s-button[href^='shopify://admin/themes']",
        )
        .await;
        browser
            .wait_until("the theme editor, adding the calculator", || async {
                let url = browser.current_url().await;
                (url.contains("/admin/themes/current/editor")
                    && url.contains("addAppBlockId=")
                    && url.ends_with("/calculator&target=mainSection"))
                .then_some(())
            })
            .await;
        // The admin's whole window left for the theme editor: out of the app's old frame.
        browser.client().enter_parent_frame().await.ok();
        // The demo theme already has the block that `gridprice dev` placed: the editor says so.
        let notice = browser.wait_for_css("p.notice").await;
        assert!(
            notice.text().await.unwrap().contains("Size calculator"),
            "the editor adds (or finds) the calculator block"
        );
        browser.screenshot("theme-editor-from-home").await;

        open(&browser, stack, "", "#calculator-placed").await;
        click(&browser, "#calculator-placed").await;
        // Home reloads through the bounce, the guide done.
        wait_in_app(&browser, "#setup-complete").await;
        browser.screenshot("home-setup-complete").await;
        browser.assert_accessible("home, set up").await;

        open(&browser, stack, "?locale=de", "#setup-complete").await;
        assert!(text_of(&browser, "#setup-complete")
            .await
            .starts_with("Die Einrichtung ist abgeschlossen"));
        browser.screenshot("home-german").await;
        browser.assert_accessible("home (German)").await;
        browser.finish().await;
    }
);

stack_test!(a_test_draft_order_is_listed_and_counted_on_home, |stack| {
    let Some(browser) = start(stack, "admin_test_draft_order").await else {
        return;
    };
    open(&browser, stack, "", "#orders-total").await;
    assert_eq!(text_of(&browser, "#orders-total").await, "0");

    open(&browser, stack, "/app/draft-orders", "#test-form").await;
    title_action(&browser, "Create test draft order").await;
    // A size out of the matrix's range is refused at its field; nothing is placed.
    let part = ".test-product:not([hidden])";
    type_into(&browser, &format!("{part} .test-width"), "5000").await;
    type_into(&browser, &format!("{part} .test-height"), "400").await;
    click(&browser, "#test-submit").await;
    browser
        .wait_for_js(
            "the width's error",
            &format!(
                "return document.querySelector('{part} .test-width').getAttribute('error') || null"
            ),
        )
        .await;
    browser.screenshot("test-order-refused").await;
    browser.assert_accessible("test order form").await;

    type_into(&browser, &format!("{part} .test-width"), "600").await;
    click(&browser, "#test-submit").await;
    wait_in_app(&browser, "s-table-row[data-status='created']").await;
    browser.screenshot("draft-orders-after-test").await;
    browser
        .assert_accessible("draft orders with a test order")
        .await;

    open(&browser, stack, "", "#orders-total").await;
    assert_eq!(text_of(&browser, "#orders-total").await, "1");
    assert_eq!(text_of(&browser, "#orders-month").await, "1");
    browser.finish().await;
});
