//! The merchant's matrices in real headless Chromium, through the simulator's Shopify admin:
//! the app in its iframe with App Bridge and Polaris, as in the real admin. Each page is
//! screenshotted and checked with axe-core (no serious or critical violation).

use serde_json::{json, Value};

use crate::browser::{Browser, Viewport};
use crate::support::TestStack;

pub(crate) const DEMO_PRODUCT: &str = "gid://shopify/Product/8000000000001";

fn backend(stack: &TestStack) -> &'static str {
    if stack.postgres_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

pub(crate) async fn start(stack: &TestStack, test: &str) -> Option<Browser> {
    Browser::start(&format!("{test}-{}", backend(stack)), Viewport::DESKTOP).await
}

/// The admin page `path` of the app (e.g. `/app/matrices`), with the app's frame entered once
/// `ready_css` shows in it.
pub(crate) async fn open(browser: &Browser, stack: &TestStack, path: &str, ready_css: &str) {
    open_at(browser, &stack.stack.ready.admin_url, path, ready_css).await;
}

/// [`open`] in the admin at `admin_url` (another shop's).
pub(crate) async fn open_at(browser: &Browser, admin_url: &str, path: &str, ready_css: &str) {
    browser.goto(&format!("{admin_url}{path}")).await;
    enter_app(browser).await;
    browser.wait_for_css(ready_css).await;
    // Polaris upgrades its elements after load; wait until they are defined.
    browser
        .wait_for_js(
            "Polaris and App Bridge",
            "return Boolean(customElements.get('s-page') && window.shopify) || null",
        )
        .await;
}

/// Enters the app's frame once the admin's whole window has loaded (a link out of the app
/// and back, such as Shopify's charge confirmation page).
pub(crate) async fn enter_app(browser: &Browser) {
    browser.wait_for_css("#sa-app-frame").await;
    browser
        .client()
        .enter_frame(0)
        .await
        .expect("the app's frame");
}

/// The text of the element `css` in the app's frame.
pub(crate) async fn text_of(browser: &Browser, css: &str) -> String {
    browser
        .wait_for_css(css)
        .await
        .text()
        .await
        .expect("its text")
}

/// Clicks the save bar's button (`save` or `discard`) in the admin around the app.
pub(crate) async fn save_bar(browser: &Browser, button: &str) {
    in_admin(
        browser,
        &format!("document.getElementById('sa-savebar-{button}').click(); return true;"),
    )
    .await;
}

pub(crate) async fn wait_for_save_bar(browser: &Browser, shown: bool) {
    browser
        .wait_until(
            if shown { "the save bar" } else { "no save bar" },
            || async { (save_bar_visible(browser).await == shown).then_some(()) },
        )
        .await;
}

/// Waits for `css` in the app's frame across a navigation of the frame (through the bounce, its
/// document is replaced twice): the frame is entered afresh on each try.
pub(crate) async fn wait_in_app(browser: &Browser, css: &str) {
    browser
        .wait_until(&format!("{css} in the app's frame"), || async {
            let client = browser.client();
            client.enter_parent_frame().await.ok()?;
            client.enter_frame(0).await.ok()?;
            client
                .find(fantoccini::Locator::Css(css))
                .await
                .ok()
                .map(|_| ())
        })
        .await;
}

/// Runs `script` in the admin around the app's frame, then comes back into the frame.
pub(crate) async fn in_admin(browser: &Browser, script: &str) -> Value {
    browser
        .client()
        .enter_parent_frame()
        .await
        .expect("the admin");
    let result = browser.js(script, vec![]).await;
    browser
        .client()
        .enter_frame(0)
        .await
        .expect("the app's frame");
    result
}

/// Types `text` into the Polaris field `css` (its input or text area lives in the shadow root).
pub(crate) async fn type_into(browser: &Browser, css: &str, text: &str) {
    let host = browser.wait_for_css(css).await;
    let input = browser.in_shadow(&host, "input, textarea").await;
    input.clear().await.expect("clear");
    input.send_keys(text).await.expect("type");
}

/// Clicks the page's action that App Bridge put in the admin's title bar.
pub(crate) async fn title_action(browser: &Browser, label: &str) {
    let clicked = in_admin(
        browser,
        &format!(
            "const button = [...document.querySelectorAll('#sa-title-actions button')]
               .find(b => b.textContent.trim() === {label:?});
             if (button) button.click();
             return Boolean(button);"
        ),
    )
    .await;
    assert_eq!(clicked, json!(true), "{label} in the title bar");
}

pub(crate) async fn click(browser: &Browser, css: &str) {
    browser
        .wait_for_css(css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// The grid's cell inputs as text, row by row (`data-row`/`data-col` ≥ 0 are prices).
async fn grid_prices(browser: &Browser) -> Value {
    browser
        .js(
            "const rows = [...document.querySelectorAll('#matrix-grid tbody tr')];
             return rows.map(r => [...r.querySelectorAll('td input')].map(i => i.value));",
            vec![],
        )
        .await
}

pub(crate) const FIRST_PRICE: &str = "#matrix-grid tbody tr:first-child td input";

/// Types `text` over the grid cell `css` as a merchant does: a click, the text cleared, typed.
async fn type_cell(browser: &Browser, css: &str, text: &str) {
    let cell = browser.wait_for_css(css).await;
    cell.click().await.expect("click the cell");
    cell.clear().await.expect("clear the cell");
    cell.send_keys(text).await.expect("type into the cell");
}

/// Pastes `tsv` at the focused grid cell as a spreadsheet's copy arrives: a paste event with
/// tab-separated text.
pub(crate) async fn paste(browser: &Browser, cell_css: &str, tsv: &str) {
    browser
        .js(
            "const cell = document.querySelector(arguments[0]); cell.focus();
             const data = new DataTransfer(); data.setData('text/plain', arguments[1]);
             cell.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
             return true;",
            vec![json!(cell_css), json!(tsv)],
        )
        .await;
}

pub(crate) async fn save_bar_visible(browser: &Browser) -> bool {
    in_admin(
        browser,
        "return !document.getElementById('sa-savebar').hidden;",
    )
    .await
    .as_bool()
    .unwrap_or(false)
}

async fn storefront_total(stack: &TestStack, query: &str) -> Value {
    let response: Value = stack
        .http
        .get(stack.app(&format!("/api/v1/products/8000000000001/price?{query}")))
        .header("x-api-key", stack.storefront_key())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["totalMinor"].clone()
}

pub(crate) async fn admin_api(
    stack: &TestStack,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> Value {
    let response = stack
        .http
        .request(method, stack.app(path))
        .bearer_auth(stack.admin_token().await)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap_or(Value::Null)
}

stack_test!(
    a_merchant_creates_a_matrix_pastes_prices_and_the_storefront_uses_them,
    |stack| {
        let Some(browser) = start(stack, "admin_matrix_create_paste_save").await else {
            return;
        };
        open(&browser, stack, "/app/matrices", "s-table").await;
        browser.screenshot("matrices-index").await;
        browser.assert_accessible("matrices index").await;

        // Create: a name typed, a 3 × 3 grid to start from.
        title_action(&browser, "Create matrix").await;
        type_into(&browser, "#create-name", "Shower doors").await;
        browser.screenshot("create-modal").await;
        click(&browser, "#create-submit").await;
        wait_in_app(&browser, "#matrix-grid table").await;
        browser.screenshot("editor-new").await;
        assert!(!save_bar_visible(&browser).await, "nothing to save yet");

        // A 3 × 3 block from a spreadsheet, pasted at the first price.
        let block =
            "101.00\t102.00\t103.00\r\n201.00\t202.00\t203.00\r\n301.00\t302.00\t303.00\r\n";
        paste(&browser, FIRST_PRICE, block).await;
        assert_eq!(
            grid_prices(&browser).await,
            json!([
                ["101.00", "102.00", "103.00"],
                ["201.00", "202.00", "203.00"],
                ["301.00", "302.00", "303.00"]
            ])
        );
        wait_for_save_bar(&browser, true).await;
        browser.screenshot("editor-pasted").await;
        browser.assert_accessible("matrix editor").await;
        save_bar(&browser, "save").await;
        wait_for_save_bar(&browser, false).await;

        // The storefront prices from what was saved, once the product uses the matrix.
        let matrices = admin_api(
            stack,
            reqwest::Method::GET,
            "/app/api/matrices",
            Value::Null,
        )
        .await;
        let id = matrices["matrices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == "Shower doors")
            .expect("the new matrix")["id"]
            .clone();
        let path = format!(
            "/app/api/products/{}/matrix",
            url::form_urlencoded::byte_serialize(DEMO_PRODUCT.as_bytes()).collect::<String>()
        );
        admin_api(
            stack,
            reqwest::Method::PUT,
            &path,
            json!({ "matrixId": id, "replace": true }),
        )
        .await;
        // The 3 × 3 template's breakpoints are 500, 1000, 1500 mm: 900 × 700 is the 1000 × 1000 cell.
        assert_eq!(
            storefront_total(stack, "width=900&height=700").await,
            json!(20200)
        );
        browser.finish().await;
    }
);

stack_test!(
    the_save_bar_discards_and_a_conflict_loses_nothing,
    |stack| {
        let Some(browser) = start(stack, "admin_matrix_discard_conflict").await else {
            return;
        };
        open(&browser, stack, "/app/matrices/1", "#matrix-grid table").await;
        let before = grid_prices(&browser).await;
        type_cell(&browser, FIRST_PRICE, "99.99").await;
        wait_for_save_bar(&browser, true).await;
        save_bar(&browser, "discard").await;
        browser
            .wait_until("discarded", || async {
                let now = grid_prices(&browser).await;
                (now == before).then_some(())
            })
            .await;

        // A second tab opens the same matrix, edits and saves first; this tab's save then
        // shows the conflict and keeps its edit.
        let client = browser.client();
        let first_tab = client.window().await.expect("this tab");
        let second_tab = client.new_window(true).await.expect("a second tab").handle;
        client
            .switch_to_window(second_tab.clone())
            .await
            .expect("to the second tab");
        open(&browser, stack, "/app/matrices/1", "#matrix-grid table").await;
        type_cell(&browser, FIRST_PRICE, "11.11").await;
        wait_for_save_bar(&browser, true).await;
        save_bar(&browser, "save").await;
        wait_for_save_bar(&browser, false).await;
        client
            .switch_to_window(first_tab)
            .await
            .expect("back to the first tab");
        client.enter_frame(0).await.expect("the app's frame");
        type_cell(&browser, FIRST_PRICE, "77.77").await;
        wait_for_save_bar(&browser, true).await;
        save_bar(&browser, "save").await;
        let banner = wait_for_content(&browser, "matrix-banner", "changed elsewhere").await;
        assert!(banner.contains("Reload"), "{banner}");
        assert_eq!(
            grid_prices(&browser).await[0][0],
            "77.77",
            "the edit stays on screen"
        );
        browser.screenshot("editor-conflict").await;
        let stored = admin_api(
            stack,
            reqwest::Method::GET,
            "/app/api/matrices/1",
            Value::Null,
        )
        .await;
        assert_eq!(
            stored["cells"][0][0], "11.11",
            "the other tab's save is kept"
        );
        browser.finish().await;
    }
);

stack_test!(
    a_bad_csv_line_is_shown_and_nothing_saved_and_delete_asks_first,
    |stack| {
        let Some(browser) = start(stack, "admin_matrix_csv_delete").await else {
            return;
        };
        open(&browser, stack, "/app/matrices", "s-table").await;
        let _file = choose_csv(
            &browser,
            "From a file",
            "width,height,price\n300,200,10.00\nabc,200,11.00\n",
        )
        .await;
        let preview = wait_for_content(&browser, "create-preview", "Line 3").await;
        assert!(preview.contains("abc"), "{preview}");
        browser.screenshot("csv-preview").await;
        click(&browser, "#create-submit").await;
        wait_for_content(&browser, "create-preview", "line 3").await;
        assert_eq!(matrix_count(stack).await, 1, "nothing saved");

        // Delete asks first, naming the product it leaves without a price.
        browser
            .js(
                "document.getElementById('create-modal').hideOverlay(); return true;",
                vec![],
            )
            .await;
        click(&browser, "[data-delete]").await;
        let message = wait_for_content(&browser, "delete-message", "Demo glass").await;
        assert!(
            message.contains("Demo glass") && message.contains("Glass panel"),
            "{message}"
        );
        browser.screenshot("delete-confirmation").await;
        click(&browser, "#delete-cancel").await;
        assert_eq!(matrix_count(stack).await, 1, "cancel deletes nothing");
        click(&browser, "[data-delete]").await;
        click(&browser, "#delete-confirm").await;
        wait_in_app(&browser, "s-empty-state").await;
        browser.screenshot("matrices-empty").await;
        browser.assert_accessible("matrices empty state").await;
        browser.finish().await;
    }
);

stack_test!(
    an_expired_token_recovers_and_german_names_render_as_text,
    |stack| {
        let Some(browser) = start(stack, "admin_bounce_german").await else {
            return;
        };
        admin_api(
            stack,
            reqwest::Method::PATCH,
            "/app/api/matrices/1",
            json!({ "name": "<script>alert(1)</script> Glas" }),
        )
        .await;
        browser
            .goto(&format!(
                "{}/app/matrices?locale=de",
                stack.stack.ready.admin_url
            ))
            .await;
        browser.wait_for_css("#sa-app-frame").await;
        browser
            .client()
            .enter_frame(0)
            .await
            .expect("the app's frame");
        browser.wait_for_css("s-table").await;
        let link = browser.wait_for_css("s-table s-link").await;
        assert_eq!(
            link.text().await.unwrap().trim(),
            "<script>alert(1)</script> Glas"
        );
        let heading = browser
            .js(
                "return document.querySelector('s-page').getAttribute('heading')",
                vec![],
            )
            .await;
        assert_eq!(heading, "Preismatrizen");
        browser.screenshot("matrices-de").await;

        // A page load with an expired token: the bounce gets a fresh one and the page comes back.
        let expired: Value = stack
            .http
            .post(stack.sim("/_sim/session-token"))
            .json(&json!({ "shop": "demo-shop.myshopify.com", "expiresIn": -120 }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let stale = format!(
        "/app/matrices/1?embedded=1&shop=demo-shop.myshopify.com&host=aG9zdA&locale=de&id_token={}",
        expired["idToken"].as_str().unwrap()
    );
        browser
            .js(
                "location.assign(arguments[0]); return true;",
                vec![json!(stale)],
            )
            .await;
        let url = browser
            .wait_until("the page loaded again with a fresh token", || async {
                let here = browser
                    .js(
                        "return document.querySelector('#matrix-grid table')
                           && location.pathname === '/app/matrices/1' ? location.href : null",
                        vec![],
                    )
                    .await;
                here.as_str().map(str::to_owned)
            })
            .await;
        assert!(
            url.contains("/app/matrices/1?") && url.contains("locale=de"),
            "{url}"
        );
        assert!(!url.contains(expired["idToken"].as_str().unwrap()), "{url}");
        browser.screenshot("editor-de-after-bounce").await;
        browser.assert_accessible("matrix editor (German)").await;
        browser.finish().await;
    }
);

/// How many matrices the demo store has, by the admin API.
async fn matrix_count(stack: &TestStack) -> usize {
    let listed = admin_api(
        stack,
        reqwest::Method::GET,
        "/app/api/matrices",
        Value::Null,
    )
    .await;
    listed["matrices"].as_array().map_or(0, Vec::len)
}

/// The HTML inside the element `id` once it contains `part`.
pub(crate) async fn wait_for_content(browser: &Browser, id: &str, part: &str) -> String {
    browser
        .wait_until(&format!("#{id} to show {part:?}"), || async {
            let html = browser
                .js(
                    "const el = document.getElementById(arguments[0]); return el ? el.innerHTML : null",
                    vec![json!(id)],
                )
                .await;
            html.as_str().filter(|t| t.contains(part)).map(str::to_owned)
        })
        .await
}

/// Opens "Create matrix", names it and chooses a CSV file with `csv` in it; the file lives as
/// long as the returned folder.
async fn choose_csv(browser: &Browser, name: &str, csv: &str) -> tempfile::TempDir {
    title_action(browser, "Create matrix").await;
    type_into(browser, "#create-name", name).await;
    browser
        .js(
            "const select = document.getElementById('create-start'); select.value = 'csv';
             select.dispatchEvent(new Event('change', { bubbles: true })); return true;",
            vec![],
        )
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("prices.csv");
    std::fs::write(&file, csv).unwrap();
    let zone = browser.wait_for_css("#create-file").await;
    let input = browser.in_shadow(&zone, "input[type=file]").await;
    input
        .send_keys(file.to_str().unwrap())
        .await
        .expect("choose the file");
    dir
}

/// How many matrices the index lists, or `None` while the frame is between documents.
async fn listed_rows(browser: &Browser) -> Option<u64> {
    browser
        .client()
        .execute(
            "return document.querySelectorAll('s-table-body s-table-row').length",
            vec![],
        )
        .await
        .ok()?
        .as_u64()
}

stack_test!(
    a_matrix_is_duplicated_and_a_csv_file_becomes_a_matrix,
    |stack| {
        let Some(browser) = start(stack, "admin_matrix_duplicate_import").await else {
            return;
        };
        open(&browser, stack, "/app/matrices", "s-table").await;
        click(&browser, "[data-duplicate]").await;
        browser
            .wait_until("the copy in the list", || async {
                (listed_rows(&browser).await == Some(2)).then_some(())
            })
            .await;
        let names: Vec<String> = admin_api(
            stack,
            reqwest::Method::GET,
            "/app/api/matrices",
            Value::Null,
        )
        .await["matrices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        browser.screenshot("matrices-duplicated").await;

        // A CSV file from a spreadsheet: previewed, then imported as a matrix.
        let _file = choose_csv(
            &browser,
            "Imported",
            "width,height,price\n300,200,10.00\n600,200,12.00\n300,400,11.00\n600,400,13.50\n",
        )
        .await;
        wait_for_content(&browser, "create-preview", "2 widths × 2 heights").await;
        click(&browser, "#create-submit").await;
        wait_in_app(&browser, "#matrix-grid table").await;
        assert_eq!(
            grid_prices(&browser).await,
            json!([["10.00", "12.00"], ["11.00", "13.50"]])
        );
        browser.screenshot("editor-imported").await;
        browser.finish().await;
    }
);

stack_test!(
    keyboard_bulk_adjust_preview_and_export_work_in_the_admin,
    |stack| {
        let Some(browser) = start(stack, "admin_matrix_keyboard_export").await else {
            return;
        };
        open(&browser, stack, "/app/matrices/1", "#matrix-grid table").await;
        // Arrow down from the first price, type over the cell below, Enter moves on.
        browser
            .wait_for_css(FIRST_PRICE)
            .await
            .click()
            .await
            .unwrap();
        browser.keys("\u{e015}").await; // ArrowDown
        browser.keys("27.50\u{e007}").await; // Enter
        assert_eq!(grid_prices(&browser).await[1][0], "27.50");
        // Bulk: the focused cell (row 3, column 1) up by 10 %.
        type_into(&browser, "#bulk-amount", "10%").await;
        click(&browser, "#bulk-apply").await;
        assert_eq!(grid_prices(&browser).await[2][0], "44.00", "40.00 + 10 %");
        // The server prices a size on the unsaved grid and the cell hit is highlighted.
        type_into(&browser, "#preview-width", "25").await;
        type_into(&browser, "#preview-height", "35").await;
        browser
            .js(
                "const unit = document.getElementById('preview-unit'); unit.value = 'cm';
                 unit.dispatchEvent(new Event('change', { bubbles: true })); return true;",
                vec![],
            )
            .await;
        let shown = browser
            .wait_until("the preview price", || async {
                let text = browser
                    .js(
                        "const hit = document.querySelector('#matrix-grid td.me-hit input');
                         return hit ? [document.getElementById('preview-result').textContent, hit.value] : null",
                        vec![],
                    )
                    .await;
                text.as_array().cloned()
            })
            .await;
        assert!(shown[0].as_str().unwrap().contains("27.50"), "{shown:?}");
        assert_eq!(shown[1], "27.50", "250 × 350 mm is the 300 × 400 cell");
        browser.screenshot("editor-keyboard-bulk-preview").await;
        save_bar(&browser, "save").await;
        wait_for_save_bar(&browser, false).await;

        // Export: the saved matrix as the file the browser is handed.
        browser
            .js(
                "const original = URL.createObjectURL;
                 URL.createObjectURL = (blob) => { blob.text().then(t => { window.exported = t; });
                                                   return original(blob); };
                 return true;",
                vec![],
            )
            .await;
        title_action(&browser, "Export CSV").await;
        let csv = browser
            .wait_until("the exported file", || async {
                let text = browser.js("return window.exported || null", vec![]).await;
                text.as_str().map(str::to_owned)
            })
            .await;
        assert!(csv.starts_with("width,height,price"), "{csv}");
        assert!(
            csv.contains("300,400,27.50") && csv.contains("300,600,44.00"),
            "{csv}"
        );
        browser.finish().await;
    }
);

stack_test!(the_draft_orders_page_lists_an_order_accessibly, |stack| {
    let Some(browser) = start(stack, "admin_draft_orders").await else {
        return;
    };
    let placed = stack
        .http
        .post(stack.app("/api/v1/draft-orders"))
        .header("x-api-key", stack.storefront_key())
        .json(&json!({ "productId": "8000000000001", "width": 450, "height": 250 }))
        .send()
        .await
        .unwrap();
    assert_eq!(placed.status(), reqwest::StatusCode::CREATED);
    open(&browser, stack, "/app/draft-orders", "s-table").await;
    let status = browser
        .js(
            "return document.querySelector('s-table-row').dataset.status",
            vec![],
        )
        .await;
    assert_eq!(status, "created");
    browser.screenshot("draft-orders").await;
    browser.assert_accessible("draft orders").await;

    open(&browser, stack, "/app/draft-orders?locale=de", "s-table").await;
    let heading = browser
        .js(
            "return document.querySelector('s-page').getAttribute('heading')",
            vec![],
        )
        .await;
    assert_eq!(heading, "Entwurfsbestellungen");
    let badge = browser
        .js(
            "return document.querySelector('s-table-row s-badge').textContent",
            vec![],
        )
        .await;
    assert_eq!(badge, "Erstellt");
    browser.screenshot("draft-orders-german").await;
    browser.assert_accessible("draft orders (German)").await;
    browser.finish().await;
});
