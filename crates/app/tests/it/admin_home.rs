//! Home over HTTP: the setup guide leads a new store step by step (a matrix, a product, the
//! calculator in the theme) and disappears once done; the draft order counters and the latest
//! records; a reload inside the admin without a token goes through the bounce.

use reqwest::StatusCode;
use serde_json::json;

use crate::admin_support::Admin;
use crate::support::TestStack;

const FRESH: &str = "fresh-home.myshopify.com";

/// Home as the simulator's admin loads it for `shop`'s staff user.
async fn home(stack: &TestStack, shop: &str, locale: &str) -> String {
    let token = stack
        .stack
        .session_token(shop)
        .await
        .expect("session token");
    let url = format!("/?embedded=1&shop={shop}&host=aG9zdA&locale={locale}&id_token={token}");
    let response = stack.http.get(stack.app(&url)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// The markup of the setup guide's step `number`.
fn step(html: &str, number: usize) -> &str {
    let start = html
        .find(&format!("id=\"setup-step-{number}\""))
        .unwrap_or_else(|| panic!("no step {number} in {html}"));
    let end = html[start..].find("</s-list-item>").unwrap() + start;
    &html[start..end]
}

stack_test!(home_leads_a_new_store_through_the_setup_guide, |stack| {
    stack.install_new_shop(FRESH).await;
    let admin = Admin::of_shop(stack, FRESH).await;

    let first = home(stack, FRESH, "en").await;
    assert!(first.contains("id=\"first-run\""), "{first}");
    assert!(first.contains("0 of 3 steps done"));
    assert!(step(&first, 1).contains("variant=\"primary\" href=\"/app/matrices?"));
    assert!(step(&first, 1).contains("data-done=\"false\""));

    let created = admin
        .post(
            "/app/api/matrices",
            json!({
                "name": "Clear glass", "unit": "mm",
                "widths": ["300", "600"], "heights": ["200", "400"],
                "cells": [["10.00", "12.00"], ["11.00", "13.00"]],
            }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let second = home(stack, FRESH, "en").await;
    assert!(!second.contains("id=\"first-run\""));
    assert!(second.contains("1 of 3 steps done"));
    assert!(step(&second, 1).contains("data-done=\"true\""));
    assert!(step(&second, 2).contains("variant=\"primary\" href=\"/app/products?"));

    let products = admin.get("/app/api/shopify/products").await;
    let product = products.body["products"][0]["id"].as_str().unwrap();
    let numeric = product.rsplit('/').next().unwrap();
    let assigned = admin
        .put(
            &format!("/app/api/products/{numeric}/matrix"),
            json!({ "matrixId": created.body["id"] }),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{assigned:?}");
    let third = home(stack, FRESH, "en").await;
    assert!(third.contains("2 of 3 steps done"));
    let api_key = &stack.stack.ready.app_api_key;
    assert!(
        step(&third, 3).contains(&format!(
            "href=\"shopify://admin/themes/current/editor?template=product&#38;addAppBlockId={api_key}/calculator&#38;target=mainSection\""
        )),
        "the theme editor's deep link adds the calculator block: {}",
        step(&third, 3)
    );

    for _ in 0..2 {
        let marked = admin
            .post("/app/api/setup/calculator-placed", json!({}))
            .await;
        assert_eq!(marked.status, StatusCode::NO_CONTENT, "{marked:?}");
    }
    let done = home(stack, FRESH, "en").await;
    assert!(done.contains("id=\"setup-complete\""), "{done}");
    assert!(!done.contains("id=\"setup-guide\""));
    let dashboard = admin.get("/app/api/dashboard").await;
    assert_eq!(dashboard.body["onboarding"]["calculatorPlaced"], true);
    let audit = admin.get("/app/api/audit-log").await;
    let placed = audit.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "store.calculator_placed")
        .count();
    assert_eq!(placed, 1, "marked once, however often asked: {audit:?}");

    // The demo store's guide is untouched by another store's progress.
    let demo = Admin::demo(stack).await;
    let demo_dashboard = demo.get("/app/api/dashboard").await;
    assert_eq!(demo_dashboard.body["onboarding"]["calculatorPlaced"], false);
});

stack_test!(home_counts_the_draft_orders_and_shows_the_latest, |stack| {
    let before = home(stack, &stack.stack.ready.shop, "en").await;
    assert!(before.contains("<s-heading id=\"orders-total\">0</s-heading>"));
    assert!(before.contains("No draft orders yet."));

    let admin = Admin::demo(stack).await;
    let matrix = admin.matrix_id("Demo glass").await;
    let ordered = admin
        .post(
            &format!("/app/api/matrices/{matrix}/test-draft-order"),
            json!({ "width": 600, "height": 400 }),
        )
        .await;
    assert_eq!(ordered.status, StatusCode::CREATED, "{ordered:?}");

    let after = home(stack, &stack.stack.ready.shop, "en").await;
    assert!(after.contains("<s-heading id=\"orders-total\">1</s-heading>"));
    assert!(after.contains("<s-heading id=\"orders-month\">1</s-heading>"));
    assert!(after.contains("data-status=\"created\""), "{after}");
    assert!(after.contains("href=\"/app/draft-orders?"));

    let german = home(stack, &stack.stack.ready.shop, "de").await;
    assert!(german.contains("<html lang=\"de\">"));
    assert!(
        german.contains("Diesen Monat erstellt") && german.contains("Rechner zum Theme hinzufügen")
    );
});

stack_test!(
    a_reload_of_home_inside_the_admin_without_a_token_bounces,
    |stack| {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let shop = &stack.stack.ready.shop;
        let inside = client
            .get(stack.app(&format!("/?embedded=1&shop={shop}&host=aG9zdA")))
            .send()
            .await
            .unwrap();
        let location = inside.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/bounce?"), "{location}");
        // Outside the admin, the same address installs through OAuth.
        let outside = client
            .get(stack.app(&format!("/?shop={shop}")))
            .send()
            .await
            .unwrap();
        let location = outside.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/auth?"), "{location}");
    }
);
