//! The online store: product page, theme editor deep link, app block rendering, assets.

use serde_json::{json, Value};
use shopify_sim::DEMO_SHOP;

use crate::common::*;

const PRODUCT: &str = "/products/glass-panel";

fn editor_link(sim: &shopify_sim::SimHandle, app_block_id: &str, target: &str) -> String {
    format!(
        "{}/admin/themes/current/editor?template=product&addAppBlockId={app_block_id}&target={target}",
        sim.shop_url(DEMO_SHOP)
    )
}

#[tokio::test]
async fn product_page_starts_without_the_app_block() {
    let sim = start_store().await;
    let (status, headers, html) = get_text(&format!("{}{PRODUCT}", sim.shop_url(DEMO_SHOP))).await;
    assert_eq!(status, 200);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(html.contains("<h1>Glass panel</h1>"), "{html}");
    assert!(html.contains("Demo Shop"));
    assert!(html.contains("From 10.00 USD"));
    assert!(!html.contains("gridprice-calculator"));
    // Unknown products, draft products and shops are 404 pages.
    for path in ["/products/nope", "/products/cut-steel-sheet"] {
        let (status, _, _) = get_text(&format!("{}{path}", sim.shop_url(DEMO_SHOP))).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _, _) =
        get_text(&format!("{}{PRODUCT}", sim.shop_url("nope.myshopify.com"))).await;
    assert_eq!(status, 404);
    sim.shutdown().await;
}

#[tokio::test]
async fn deep_link_adds_the_block_on_save() {
    let sim = start_store().await;
    let link = editor_link(&sim, &format!("{API_KEY}/calculator"), "mainSection");
    let (status, _, html) = get_text(&link).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Size calculator"), "{html}");
    assert!(html.contains(">Save</button>"));
    assert!(
        html.contains("preview_app_block="),
        "the preview shows the unsaved block"
    );
    // Nothing is saved until Save.
    let theme = get(&format!("{}/_sim/shops/{DEMO_SHOP}/theme", sim.base_url())).await;
    assert_eq!(theme["appBlocks"], json!([]));
    // The preview renders the block without saving it.
    let (_, _, preview) = get_text(&format!(
        "{}{PRODUCT}?preview_app_block={API_KEY}%2Fcalculator&preview_target=mainSection",
        sim.shop_url(DEMO_SHOP)
    ))
    .await;
    assert!(preview.contains("<gridprice-calculator"), "{preview}");

    let form = [
        ("template", "product"),
        ("addAppBlockId", &format!("{API_KEY}/calculator")),
        ("target", "mainSection"),
    ];
    let url = format!("{}/admin/themes/current/editor", sim.shop_url(DEMO_SHOP));
    let response = client().post(&url).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("saved="), "{location}");
    // A second Save (double click) adds nothing.
    let again = client().post(&url).form(&form).send().await.unwrap();
    assert_eq!(again.status(), 303);
    let theme = get(&format!("{}/_sim/shops/{DEMO_SHOP}/theme", sim.base_url())).await;
    let blocks = theme["appBlocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 1, "{theme}");
    assert_eq!(blocks[0]["handle"], "calculator");
    assert_eq!(blocks[0]["section"], "main");
    assert_eq!(blocks[0]["settings"]["show_breakdown"], true);
    assert_eq!(blocks[0]["settings"]["accent_color"], "#1a5dab");
    assert_eq!(blocks[0]["settings"]["button_label"], Value::Null);
    let (_, _, saved) = get_text(&format!("{}{location}", sim.base_url())).await;
    assert!(saved.contains("Saved."), "{saved}");

    // The product page now renders the block's Liquid.
    let shop_url = sim.shop_url(DEMO_SHOP);
    let (_, _, html) = get_text(&format!("{shop_url}{PRODUCT}")).await;
    let block_id = blocks[0]["id"].as_str().unwrap();
    assert!(
        html.contains(&format!("id=\"shopify-block-{block_id}\"")),
        "{html}"
    );
    assert!(html.contains(&format!("id=\"gridprice-{block_id}\"")));
    assert!(html.contains("product-id=\"8000000000001\""));
    assert!(
        html.contains(&format!("proxy-url=\"{shop_url}/apps/gridprice\"")),
        "{html}"
    );
    assert!(html.contains("units=\"mm,cm,in,\""));
    assert!(html.contains("locale=\"en\""));
    assert!(html.contains("button-label=\"Buy now\""));
    assert!(html.contains(" show-breakdown"));
    assert!(html.contains("text-width=\"Width\""));
    assert!(html.contains("text-error-width=\"Enter a width from {min} to {max} {unit}.\""));
    assert!(html.contains("--gridprice-accent: #1a5dab;"));
    assert!(
        !html.contains("--gridprice-text"),
        "no text colour by default"
    );
    let script = format!(
        "<script src=\"{shop_url}/cdn/extensions/gridprice-calculator/assets/gridprice-calculator.js\" defer></script>"
    );
    assert!(html.contains(&script), "{html}");
    assert!(!html.contains("{% schema %}") && !html.contains("\"target\": \"section\""));
    assert!(!html.contains("translation missing"));

    // German storefront strings with ?locale=de.
    let (_, _, de) = get_text(&format!("{shop_url}{PRODUCT}?locale=de")).await;
    assert!(de.contains("<html lang=\"de\""));
    assert!(de.contains("text-width=\"Breite\""), "{de}");
    assert!(de.contains("button-label=\"Jetzt kaufen\""));
    assert!(de.contains("locale=\"de\""));
    sim.shutdown().await;
}

#[tokio::test]
async fn deep_link_errors_are_shown() {
    let sim = start_store().await;
    for (id, target, expected) in [
        (
            "wrong-key/calculator",
            "mainSection",
            "does not name this app",
        ),
        (
            &format!("{API_KEY}/nope") as &str,
            "mainSection",
            "no app block",
        ),
        (
            &format!("{API_KEY}/calculator"),
            "sectionGroup:header",
            "Section group is not found",
        ),
        ("calculator", "mainSection", "must be {api_key}/{handle}"),
    ] {
        let (status, _, html) = get_text(&editor_link(&sim, id, target)).await;
        assert_eq!(status, 422, "{id}");
        assert!(html.contains("App block not added."), "{html}");
        assert!(
            html.contains(&shopify_sim_escape(expected)),
            "{expected}: {html}"
        );
    }
    let url = format!(
        "{}/admin/themes/current/editor?template=cart&addAppBlockId={API_KEY}/calculator",
        sim.shop_url(DEMO_SHOP)
    );
    let (status, _, html) = get_text(&url).await;
    assert_eq!(status, 422);
    assert!(html.contains("Template is not found"), "{html}");
    // newAppsSection puts the block in an Apps section below the product.
    let form = [
        ("template", "product"),
        ("addAppBlockId", &format!("{API_KEY}/calculator") as &str),
        ("target", "newAppsSection"),
    ];
    let url = format!("{}/admin/themes/current/editor", sim.shop_url(DEMO_SHOP));
    let response = client().post(&url).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 303);
    let (_, _, html) = get_text(&format!("{}{PRODUCT}", sim.shop_url(DEMO_SHOP))).await;
    assert!(html.contains("<section class=\"apps\" aria-label=\"Apps\"><div id=\"shopify-block-"));
    sim.shutdown().await;
}

fn shopify_sim_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn controls_add_and_remove_blocks() {
    let sim = start_store().await;
    let url = format!("{}/_sim/shops/{DEMO_SHOP}/theme/app-blocks", sim.base_url());
    let (status, block) = post_json(
        &url,
        json!({"handle": "calculator", "settings": {"button_label": "Order <now>", "show_breakdown": false, "text_color": "#111111"}}),
    )
    .await;
    assert_eq!(status, 201, "{block}");
    let (status, _) = post_json(&url, json!({"handle": "calculator"})).await;
    assert_eq!(status, 409, "one per section");
    let (status, body) = post_json(&url, json!({"handle": "nope"})).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = post_json(
        &format!(
            "{}/_sim/shops/nope.myshopify.com/theme/app-blocks",
            sim.base_url()
        ),
        json!({"handle": "calculator"}),
    )
    .await;
    assert_eq!(status, 404);

    let (_, _, html) = get_text(&format!("{}{PRODUCT}", sim.shop_url(DEMO_SHOP))).await;
    assert!(
        html.contains("button-label=\"Order &lt;now&gt;\""),
        "settings are escaped: {html}"
    );
    assert!(!html.contains("show-breakdown"));
    assert!(html.contains("--gridprice-text: #111111;"));

    let id = block["id"].as_str().unwrap();
    let delete = client().delete(format!("{url}/{id}")).send().await.unwrap();
    assert_eq!(delete.status(), 204);
    let delete = client().delete(format!("{url}/{id}")).send().await.unwrap();
    assert_eq!(delete.status(), 404);
    let (_, _, html) = get_text(&format!("{}{PRODUCT}", sim.shop_url(DEMO_SHOP))).await;
    assert!(!html.contains("<gridprice-calculator"));
    sim.shutdown().await;
}

#[tokio::test]
async fn assets_are_served_from_the_extension() {
    let sim = start_store().await;
    let base = format!(
        "{}/cdn/extensions/gridprice-calculator/assets",
        sim.shop_url(DEMO_SHOP)
    );
    let (status, headers, js) = get_text(&format!("{base}/gridprice-calculator.js")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/javascript; charset=utf-8");
    let on_disk =
        std::fs::read_to_string(extension_dir().join("assets/gridprice-calculator.js")).unwrap();
    assert_eq!(js, on_disk, "the one source file, served as it is");
    for bad in ["nope.js", "..%2Fshopify.extension.toml", ".hidden"] {
        let (status, _, _) = get_text(&format!("{base}/{bad}")).await;
        assert_eq!(status, 404, "{bad}");
    }
    let (status, _, _) = get_text(&format!(
        "{}/cdn/extensions/other/assets/gridprice-calculator.js",
        sim.shop_url(DEMO_SHOP)
    ))
    .await;
    assert_eq!(status, 404);
    sim.shutdown().await;
}

#[tokio::test]
async fn without_an_extension_the_editor_says_so() {
    let sim = start().await;
    let (status, _, html) = get_text(&editor_link(
        &sim,
        &format!("{API_KEY}/calculator"),
        "mainSection",
    ))
    .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("no theme app extension is configured"),
        "{html}"
    );
    sim.shutdown().await;
}
