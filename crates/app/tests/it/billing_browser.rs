//! Billing in real Chromium through the simulator's admin, with the operator's default plans: a
//! Free store at its limit is told so on the Matrices page; on the Plan page the merchant
//! starts the trial, Shopify's confirmation page opens in the whole window, Approve brings the
//! merchant back to the Plan page on Pro; a declined charge leaves Free. Screenshots, axe,
//! German.

use gridprice::billing::Plans;

use crate::admin_browser::{
    click, enter_app, open, start, text_of, title_action, type_into, wait_in_app,
};
use crate::browser::Browser;

/// Upgrades from the Plan page and waits for Shopify's confirmation page in the whole window.
async fn to_confirmation_page(browser: &Browser) {
    click(browser, "#upgrade").await;
    browser
        .wait_until("Shopify's confirmation page", || async {
            browser
                .current_url()
                .await
                .contains("/confirm_recurring_application_charge")
                .then_some(())
        })
        .await;
    browser.client().enter_parent_frame().await.ok();
    browser.wait_for_css("button[value='approve']").await;
}

stack_test!(
    a_merchant_approves_pro_on_shopifys_page_and_returns_on_it,
    plans = Plans::default(),
    |stack| {
        let Some(browser) = start(stack, "billing_approve").await else {
            return;
        };
        // At Free's one matrix, a second is refused in the merchant's words.
        open(&browser, stack, "/app/matrices", "#create-open").await;
        title_action(&browser, "Create matrix").await;
        type_into(&browser, "#create-name", "Second glass").await;
        click(&browser, "#create-submit").await;
        browser
            .wait_until("the plan limit, said at the name", || async {
                let error = browser
                    .js(
                        "return document.getElementById('create-name').getAttribute('error') ?? ''",
                        vec![],
                    )
                    .await;
                error
                    .as_str()
                    .filter(|e| e.contains("your Free plan allows 1 and your store has 1"))
                    .map(str::to_owned)
            })
            .await;
        browser.screenshot("free-limit-refused").await;

        open(&browser, stack, "/app/plan", "#plan-free").await;
        assert_eq!(text_of(&browser, "#plan-name").await, "Free");
        assert!(text_of(&browser, "#pro-trial")
            .await
            .contains("14-day free trial"));
        browser.screenshot("plan-free").await;
        browser.assert_accessible("plan, free").await;

        to_confirmation_page(&browser).await;
        browser.screenshot("shopify-confirmation").await;
        click(&browser, "button[value='approve']").await;
        // Back in the admin, on the Plan page, the charge confirmed with Shopify.
        enter_app(&browser).await;
        wait_in_app(&browser, "#confirmed").await;
        // Checked once: a reload does not ask Shopify again.
        browser
            .wait_for_js(
                "charge_id gone from the page's URL",
                "return location.search.includes('charge_id') ? null : true",
            )
            .await;
        assert_eq!(text_of(&browser, "#plan-name").await, "Gridprice Pro");
        assert_eq!(text_of(&browser, "#plan-status").await, "Free trial");
        assert!(text_of(&browser, "#plan-summary")
            .await
            .contains("14 days left"));
        browser.screenshot("plan-pro-trial").await;
        browser.assert_accessible("plan, pro").await;

        open(&browser, stack, "/app/plan?locale=de", "#plan-pro").await;
        assert_eq!(text_of(&browser, "#plan-status").await, "Testphase");
        browser.screenshot("plan-german").await;
        browser.assert_accessible("plan (German)").await;

        // Cancel, through its confirmation: Free again.
        open(&browser, stack, "/app/plan", "#cancel-open").await;
        click(&browser, "#cancel-open").await;
        click(&browser, "#cancel-confirm").await;
        wait_in_app(&browser, "#upgrade").await;
        assert_eq!(text_of(&browser, "#plan-name").await, "Free");
        assert!(text_of(&browser, "#plan-summary")
            .await
            .contains("Free plan"));
        browser.finish().await;
    }
);

stack_test!(
    a_declined_charge_leaves_the_store_on_free,
    plans = Plans::default(),
    |stack| {
        let Some(browser) = start(stack, "billing_decline").await else {
            return;
        };
        open(&browser, stack, "/app/plan", "#upgrade").await;
        to_confirmation_page(&browser).await;
        click(&browser, "button[value='decline']").await;
        // Shopify returns the merchant to the app in the admin.
        enter_app(&browser).await;
        open(&browser, stack, "/app/plan", "#plan-free").await;
        assert_eq!(text_of(&browser, "#plan-name").await, "Free");
        // Declining used no trial.
        assert!(text_of(&browser, "#pro-trial").await.contains("14-day"));
        open(&browser, stack, "", "#home-plan").await;
        assert_eq!(text_of(&browser, "#home-plan-name").await, "Free");
        assert!(text_of(&browser, "#home-plan-usage")
            .await
            .contains("1 of 1"));
        browser.screenshot("home-plan-free").await;
        browser.finish().await;
    }
);
