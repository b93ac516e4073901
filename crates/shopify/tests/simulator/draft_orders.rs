//! Draft orders as Shopify calculates them (taxes, automatic discounts, converted price
//! overrides), read back by the client so the app can compare them with its locked price.

use serde_json::json;
use shopify::admin::{documents, Money};
use shopify_sim::DEMO_SHOP;

use crate::access::one_line_input;
use crate::common::*;

fn usd(amount: &str) -> Money {
    Money {
        amount: amount.into(),
        currency_code: "USD".into(),
    }
}

async fn pricing(sim: &shopify_sim::SimHandle, body: serde_json::Value) {
    control_put(sim, &format!("/_sim/shops/{DEMO_SHOP}/pricing"), body).await;
}

#[tokio::test]
async fn the_created_order_reports_tax_subtotal_total_and_the_line_price() {
    let sim = start().await;
    pricing(&sim, json!({ "taxRate": "0.2" })).await;
    let token = legacy_token(&sim).await;
    let admin = admin(&sim);
    let shop = shop();
    let client = admin.shop(&shop, &token);
    let locked = usd("99.50");
    let created = client
        .draft_order_create(&one_line_input("99.50", "USD"))
        .await
        .unwrap();
    assert!(created.subtotal.same_value(&usd("199")));
    assert!(created.total_tax.same_value(&usd("39.80")));
    assert!(created.total.same_value(&usd("238.80")));
    assert!(created.total_discounts.same_value(&usd("0")));
    assert!(!created.taxes_included);
    let line = &created.line_items[0];
    assert_eq!(line.quantity, 2);
    assert!(!line.custom);
    assert_eq!(
        line.variant_id.as_ref().unwrap().to_string(),
        shopify_sim::DEMO_VARIANT_ID
    );
    assert!(line.unit_price.same_value(&locked), "{:?}", line.unit_price);
    assert!(line.unit_price_as_sent.same_value(&locked));
    assert!(line.discounted_total.same_value(&usd("199.00")));

    // The search by tag reads the same fields.
    let found = client
        .draft_orders_by_tag("gridprice-ref-access")
        .await
        .unwrap();
    assert_eq!(found, vec![created]);
    sim.shutdown().await;
}

#[tokio::test]
async fn automatic_discounts_apply_unless_the_input_refuses_them() {
    let sim = start().await;
    pricing(
        &sim,
        json!({ "automaticDiscount": { "title": "Summer", "percentage": "10" } }),
    )
    .await;
    let token = legacy_token(&sim).await;
    let admin = admin(&sim);
    let shop = shop();
    let client = admin.shop(&shop, &token);

    let discounted = client
        .draft_order_create(&one_line_input("99.50", "USD"))
        .await
        .unwrap();
    assert!(discounted.total_discounts.same_value(&usd("19.90")));
    assert!(discounted.line_items[0]
        .discounted_total
        .same_value(&usd("179.10")));
    assert!(discounted.total.same_value(&usd("179.10")));

    let mut refusing = one_line_input("99.50", "USD");
    refusing.accept_automatic_discounts = Some(false);
    let locked = client.draft_order_create(&refusing).await.unwrap();
    assert!(locked.total_discounts.same_value(&usd("0")));
    assert!(locked.line_items[0]
        .discounted_total
        .same_value(&usd("199")));
    assert!(locked.total.same_value(&usd("199")));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_price_sent_in_another_currency_comes_back_converted() {
    let sim = start().await;
    pricing(&sim, json!({ "conversionRates": { "EUR": "1.085" } })).await;
    let token = legacy_token(&sim).await;
    let admin = admin(&sim);
    let shop = shop();
    let sent = Money {
        amount: "100.00".into(),
        currency_code: "EUR".into(),
    };
    let created = admin
        .shop(&shop, &token)
        .draft_order_create(&one_line_input("100.00", "EUR"))
        .await
        .unwrap();
    let line = &created.line_items[0];
    assert!(line.unit_price_as_sent.same_value(&sent));
    assert!(line.unit_price.same_value(&usd("108.50")));
    assert!(
        !line.unit_price.same_value(&sent),
        "not the locked price any more"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn the_search_by_tag_stays_within_a_reasonable_cost() {
    let sim = start().await;
    let token = legacy_token(&sim).await;
    let response: serde_json::Value = http()
        .post(format!(
            "{}/store/{DEMO_SHOP}/admin/api/2026-10/graphql.json",
            sim.base_url()
        ))
        .header("X-Shopify-Access-Token", token.expose_secret())
        .json(&json!({
            "query": documents::DRAFT_ORDERS_BY_TAG,
            "variables": { "first": 10, "query": "tag:\"x\"" },
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(response.get("errors").is_none(), "{response}");
    let requested = response["extensions"]["cost"]["requestedQueryCost"]
        .as_u64()
        .unwrap();
    assert!(requested <= 600, "{requested}");
    sim.shutdown().await;
}
