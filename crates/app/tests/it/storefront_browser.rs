//! The shopper's side in real headless Chromium (DESIGN §11, §13), on SQLite and PostgreSQL:
//! the calculator on the simulator's product page (theme block, app proxy) and on a headless
//! page with a publishable key (v1 API, CORS), through checkout and payment; out-of-range
//! sizes, double clicks, the keyboard alone, a phone, and axe-core on every page.
//!
//! Skipped with a message where Chromium is missing (mandatory under `CI=true`): see
//! [`crate::browser`].

use std::time::Duration;

use fantoccini::elements::Element;
use reqwest::StatusCode;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::browser::{key, Browser, Viewport};
use crate::storefront_support::{demo_option_ids, demo_store, get, options_param, DEMO_PRODUCT};
use crate::support::TestStack;

const DEMO: &str = "demo-shop.myshopify.com";

/// What the shopper's choices changed, seen from outside the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    /// The store's `totalDraftOrdersCreated`.
    counter: i64,
    /// Draft orders in (simulated) Shopify.
    draft_orders: usize,
    /// Orders paid in (simulated) Shopify.
    orders: usize,
}

async fn counts(stack: &TestStack) -> Counts {
    let drafts = stack
        .sim_get(&format!("/_sim/draft-orders?shop={DEMO}"))
        .await;
    let orders = stack.sim_get(&format!("/_sim/orders?shop={DEMO}")).await;
    Counts {
        counter: demo_store(stack).await.total_draft_orders_created,
        draft_orders: drafts["draftOrders"].as_array().map_or(0, Vec::len),
        orders: orders["orders"].as_array().map_or(0, Vec::len),
    }
}

/// The server's quote for the demo product, through the v1 API.
async fn server_quote(stack: &TestStack, query: &str) -> Value {
    let answer = get(
        stack,
        &format!("/api/v1/products/{DEMO_PRODUCT}/price?{query}"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text);
    answer.json
}

/// "$1,234.50" for cents, as `Intl.NumberFormat('en', {currency: 'USD'})` writes it.
fn usd(cents: i64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("${grouped}.{:02}", cents % 100)
}

/// Cents from a money text such as "$1,234.50" or "1234.50 USD".
fn cents_in(text: &str) -> i64 {
    let digits: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, "0"));
    whole.parse::<i64>().expect("whole units") * 100
        + format!("{fraction:0<2}")[..2]
            .parse::<i64>()
            .expect("cents")
}

/// The calculator on the page, loaded (its product answered, fields built), with the page
/// recording its events in `window.__gridprice`.
async fn calculator(browser: &Browser) -> Element {
    let host = browser.wait_for_css("gridprice-calculator").await;
    browser.in_shadow(&host, "input[id$=width]").await;
    browser
        .js(
            "window.__gridprice = { prices: [], orders: [] };
             document.addEventListener('gridprice:price', e => window.__gridprice.prices.push(e.detail));
             document.addEventListener('gridprice:order', e => window.__gridprice.orders.push(e.detail));
             return true;",
            vec![],
        )
        .await;
    host
}

/// The last price the calculator announced that satisfies `predicate` (a JS expression over
/// `p`), waiting for it.
async fn price_event(browser: &Browser, what: &str, predicate: &str) -> Value {
    browser
        .wait_for_js(
            what,
            &format!(
                "const all = (window.__gridprice || {{ prices: [] }}).prices;
                 const p = all[all.length - 1];
                 return p && ({predicate}) ? p : null;"
            ),
        )
        .await
}

/// The total the calculator shows, once it shows `expected`.
async fn shown_total(browser: &Browser, host: &Element, expected: &str) -> String {
    browser
        .wait_until(&format!("the total {expected}"), || async {
            let total = host
                .shadow_root()
                .await
                .ok()?
                .find(fantoccini::Locator::Css("[part=total] b"))
                .await
                .ok()?
                .text()
                .await
                .ok()?;
            (total == expected).then_some(total)
        })
        .await
}

/// Waits until the browser is on a draft order's invoice page, and returns its total in cents.
async fn invoice_total(browser: &Browser) -> i64 {
    browser
        .wait_until("the invoice page", || async {
            browser
                .current_url()
                .await
                .contains("/invoices/")
                .then_some(())
        })
        .await;
    let total = browser.wait_for_css("dd.total").await;
    cents_in(&total.text().await.expect("the total"))
}

/// "Pay now" on the invoice page (by `how`), then the confirmation.
async fn pay(browser: &Browser, with_keyboard: bool) {
    if with_keyboard {
        focus(browser, "button", "Pay now").await;
        browser.keys(key::ENTER).await;
    } else {
        let button = browser.wait_for_css("form button").await;
        assert_eq!(button.text().await.unwrap(), "Pay now");
        button.click().await.expect("click Pay now");
    }
    let notice = browser.wait_for_css("[role=status]").await;
    let text = notice.text().await.unwrap();
    assert!(text.contains("Thank you"), "{text}");
}

/// Presses Tab until the focused element (inside shadow roots too) is a `tag` whose
/// description contains `hint`. Keyboard only.
async fn focus(browser: &Browser, tag: &str, hint: &str) {
    let mut seen = Vec::new();
    for _ in 0..25 {
        browser.keys(key::TAB).await;
        let focused = browser.focused().await;
        if focused.starts_with(tag) && focused.contains(hint) {
            return;
        }
        seen.push(focused);
    }
    panic!("Tab never reached {tag} {hint:?}; focus went through {seen:#?}");
}

stack_test!(shopper_buys_through_the_theme_block, |stack| {
    let Some(browser) = Browser::start(
        &format!("shopper_buys_through_the_theme_block-{}", backend(stack)),
        Viewport::DESKTOP,
    )
    .await
    else {
        return;
    };
    let before = counts(stack).await;
    let ((glass, glass_choices), (edge, edge_choices)) = demo_option_ids(stack).await;

    // The merchant adds the calculator in the theme editor through the deep link the setup
    // guide gives (dev placed it already: it is removed first, in the editor too).
    let ready = &stack.stack.ready;
    browser
        .goto(&stack.sim(&format!(
            "/store/{DEMO}/admin/themes/current/editor?template=product"
        )))
        .await;
    let remove = browser.wait_for_css("button[aria-label^='Remove']").await;
    remove.click().await.expect("remove the block");
    let notice = browser.wait_for_css("p.notice").await;
    assert!(notice.text().await.unwrap().contains("removed"));
    browser.goto(&ready.demo_product_url).await;
    let found = browser
        .client()
        .find(fantoccini::Locator::Css("gridprice-calculator"))
        .await;
    assert!(found.is_err(), "no calculator without the block");
    browser.goto(&ready.theme_editor_url).await;
    let save = browser
        .wait_for_css("section.settings button[type=submit]")
        .await;
    assert_eq!(save.text().await.unwrap(), "Save");
    save.click().await.expect("save the theme");
    let notice = browser.wait_for_css("p.notice").await;
    assert!(notice.text().await.unwrap().contains("Saved"));

    // The product page of the simulator's theme, the calculator rendered from the app block.
    browser.goto(&ready.demo_product_url).await;
    let host = calculator(&browser).await;
    let hint = browser.in_shadow(&host, "[id$=widthh]").await;
    assert_eq!(
        hint.text().await.unwrap(),
        "300–900 mm",
        "the range before any price"
    );
    browser.assert_accessible("product page").await;

    // A size typed in centimetres: the price shown is the server's quote.
    let unit = browser.in_shadow(&host, "select[id$=unit]").await;
    unit.select_by_value("cm").await.expect("choose cm");
    assert_eq!(hint.text().await.unwrap(), "30–90 cm");
    let width = browser.in_shadow(&host, "input[id$=width]").await;
    let height = browser.in_shadow(&host, "input[id$=height]").await;
    width.send_keys("45").await.unwrap();
    height.send_keys("25,5").await.unwrap(); // a decimal comma, as many shoppers write
    let shown = price_event(
        &browser,
        "a price for 45 × 25.5 cm",
        "p.dimensions.unit === 'cm' && p.dimensions.height === 25.5",
    )
    .await;
    let quote = server_quote(stack, "width=45&height=25.5&unit=cm").await;
    assert_eq!(shown["totalMinor"], quote["totalMinor"]);
    assert_eq!(
        shown["totalMinor"], 3000,
        "450 × 255 mm is priced in the 600 × 400 cell"
    );
    shown_total(&browser, &host, &usd(3000)).await;

    // Options and a quantity.
    let glass_select = browser
        .in_shadow(&host, &format!("select[data-group='{glass}']"))
        .await;
    glass_select
        .select_by_value(&glass_choices[1].to_string())
        .await
        .expect("tempered");
    let edge_select = browser
        .in_shadow(&host, &format!("select[data-group='{edge}']"))
        .await;
    edge_select
        .select_by_value(&edge_choices[1].to_string())
        .await
        .expect("polished");
    let quantity = browser.in_shadow(&host, "input[id$=quantity]").await;
    quantity.clear().await.unwrap();
    quantity.send_keys("2").await.unwrap();
    let shown = price_event(
        &browser,
        "a price with options for 2",
        "p.quantity === 2 && p.optionModifiers.length === 2 && p.optionModifiers[1].appliedAmountMinor === 500",
    )
    .await;
    let selections = [(glass, glass_choices[1]), (edge, edge_choices[1])];
    let quote = server_quote(
        stack,
        &format!(
            "width=45&height=25.5&unit=cm&quantity=2&{}",
            options_param(&selections)
        ),
    )
    .await;
    assert_eq!(shown["totalMinor"], quote["totalMinor"]);
    let total = quote["totalMinor"].as_i64().unwrap();
    assert_eq!(total, 2 * (3000 + 1500 + 500));
    shown_total(&browser, &host, &usd(total)).await;
    let breakdown = browser.in_shadow(&host, "[part=breakdown]").await;
    let breakdown = breakdown.text().await.unwrap();
    assert!(breakdown.contains("Glass type: Tempered"), "{breakdown}");
    assert!(breakdown.contains("+$15.00"), "{breakdown}");
    // No focus ring or caret in the picture (docs/images/calculator.png is this one).
    browser
        .js(
            "const a = document.querySelector('gridprice-calculator').shadowRoot.activeElement;
             if (a) a.blur(); return true;",
            vec![],
        )
        .await;
    browser.screenshot("product-page").await;
    browser.assert_accessible("product page with a price").await;

    // Buy → the invoice shows the locked total → Pay now.
    let buy = browser.in_shadow(&host, "button[part=button]").await;
    buy.click().await.expect("click Buy");
    assert_eq!(invoice_total(&browser).await, total);
    let line = browser.wait_for_css(".line").await.text().await.unwrap();
    assert!(line.contains("Width: 45 cm"), "{line}");
    assert!(line.contains("Glass type: Tempered"), "{line}");
    browser.screenshot("invoice").await;
    browser.assert_accessible("invoice page").await;
    pay(&browser, false).await;
    browser.assert_accessible("order confirmed").await;

    let after = counts(stack).await;
    assert_eq!(
        after,
        Counts {
            counter: before.counter + 1,
            draft_orders: before.draft_orders + 1,
            orders: before.orders + 1,
        }
    );
    let orders = stack.sim_get(&format!("/_sim/orders?shop={DEMO}")).await;
    let paid = orders["orders"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(cents_in(paid["total"].as_str().unwrap()), total, "{paid}");
    browser.finish().await;
});

/// A page of another site that embeds the calculator with a publishable key.
async fn headless_page(stack: &TestStack) -> (String, CancellationToken) {
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Glass panel – A headless shop</title>
<script src="{script}" defer></script>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:1rem}}</style>
</head><body><main><h1>Glass panel</h1>
<p>Made to measure. Enter your size for an exact price.</p>
<gridprice-calculator product-id="{product}" api-url="{app}" api-key="{key}" units="mm,cm,in" show-breakdown></gridprice-calculator>
</main></body></html>"#,
        script = stack.stack.ready.calculator_script_url,
        product = DEMO_PRODUCT,
        app = stack.stack.ready.app_url,
        key = stack.storefront_key(),
    );
    let router = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let html = html.clone();
            async move { axum::response::Html(html) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let stop = CancellationToken::new();
    let stopped = stop.clone();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move { stopped.cancelled().await })
            .await;
    });
    (url, stop)
}

stack_test!(
    shopper_buys_on_a_headless_page_with_a_publishable_key,
    |stack| {
        let Some(browser) = Browser::start(
            &format!("shopper_buys_on_a_headless_page-{}", backend(stack)),
            Viewport::DESKTOP,
        )
        .await
        else {
            return;
        };
        let (page, stop) = headless_page(stack).await;
        let before = counts(stack).await;
        browser.goto(&page).await;
        let host = calculator(&browser).await;

        // Out of range: the shopper is told the range, and Buy creates nothing.
        let width = browser.in_shadow(&host, "input[id$=width]").await;
        let height = browser.in_shadow(&host, "input[id$=height]").await;
        width.send_keys("1000").await.unwrap();
        height.send_keys("250").await.unwrap();
        let error = browser
            .wait_until("the width's error", || async {
                let error = host
                    .shadow_root()
                    .await
                    .ok()?
                    .find(fantoccini::Locator::Css("[id$=widthe]"))
                    .await
                    .ok()?;
                let text = error.text().await.ok()?;
                (!text.is_empty()).then_some(text)
            })
            .await;
        assert_eq!(error, "Enter a width from 300 to 900 mm.");
        assert_eq!(
            width.attr("aria-invalid").await.unwrap().as_deref(),
            Some("true")
        );
        browser.screenshot("headless-out-of-range").await;
        browser
            .assert_accessible("headless page, out of range")
            .await;
        let buy = browser.in_shadow(&host, "button[part=button]").await;
        buy.click().await.unwrap();
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert!(browser.current_url().await.starts_with(&page), "stayed");
        assert_eq!(counts(stack).await, before, "nothing was created");

        // In range, then a double click on Buy: one draft order.
        width.clear().await.unwrap();
        width.send_keys("600").await.unwrap();
        let shown = price_event(
            &browser,
            "a price for 600 × 250",
            "p.dimensions.width === 600",
        )
        .await;
        let quote = server_quote(stack, "width=600&height=250").await;
        assert_eq!(shown["totalMinor"], quote["totalMinor"]);
        shown_total(&browser, &host, &usd(quote["totalMinor"].as_i64().unwrap())).await;
        browser.screenshot("headless-page").await;
        browser
            .assert_accessible("headless page with a price")
            .await;
        browser.click_times(&buy, 2).await;
        let total = invoice_total(&browser).await;
        assert_eq!(total, quote["totalMinor"].as_i64().unwrap());
        // Give a second request every chance to land before counting.
        tokio::time::sleep(Duration::from_millis(700)).await;
        let after = counts(stack).await;
        assert_eq!(
            after.counter,
            before.counter + 1,
            "one draft order for a double click"
        );
        assert_eq!(after.draft_orders, before.draft_orders + 1);
        pay(&browser, false).await;
        assert_eq!(counts(stack).await.orders, before.orders + 1);
        stop.cancel();
        browser.finish().await;
    }
);

stack_test!(shopper_completes_with_the_keyboard_on_a_phone, |stack| {
    let Some(browser) = Browser::start(
        &format!(
            "shopper_completes_with_the_keyboard_on_a_phone-{}",
            backend(stack)
        ),
        Viewport::PHONE,
    )
    .await
    else {
        return;
    };
    let before = counts(stack).await;
    let ((glass, _), _) = demo_option_ids(stack).await;
    browser.goto(&stack.stack.ready.demo_product_url).await;
    let host = calculator(&browser).await;
    let fits = browser
        .js(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await;
    assert_eq!(fits, Value::Bool(true), "no sideways scrolling on a phone");

    // Keyboard only: Tab to each field, type, arrows in the selects, Enter to buy.
    focus(&browser, "input", "width").await;
    browser.keys("600").await;
    focus(&browser, "input", "height").await;
    browser.keys("400").await;
    focus(&browser, "select", "unit").await;
    focus(&browser, "select", &format!("g{glass}")).await; // the glass type
    browser.keys(key::ARROW_DOWN).await; // Clear → Tempered
    let shown = price_event(
        &browser,
        "a price for 600 × 400 tempered",
        "p.optionModifiers[0].choice === 'Tempered'",
    )
    .await;
    assert_eq!(shown["totalMinor"], 3000 + 1500);
    shown_total(&browser, &host, &usd(4500)).await;
    host.screenshot().await.expect("the element renders");
    browser
        .js(
            "document.querySelector('gridprice-calculator').scrollIntoView({ block: 'start' }); return true;",
            vec![],
        )
        .await;
    browser.screenshot("phone").await;
    browser.assert_accessible("product page on a phone").await;
    focus(&browser, "button", "Buy").await;
    browser.keys(key::ENTER).await;
    assert_eq!(invoice_total(&browser).await, 4500);
    browser.screenshot("phone-invoice").await;
    pay(&browser, true).await;
    let after = counts(stack).await;
    assert_eq!(
        after,
        Counts {
            counter: before.counter + 1,
            draft_orders: before.draft_orders + 1,
            orders: before.orders + 1,
        }
    );
    browser.finish().await;
});

/// `sqlite` or `postgres`, for artifact folders.
fn backend(stack: &TestStack) -> &'static str {
    if stack.postgres_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}
