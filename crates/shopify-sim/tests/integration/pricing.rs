//! Draft order totals with the shop's tax, automatic discount and conversion rates.

use serde_json::{json, Value};
use shopify_sim::{DEMO_SHOP, DEMO_VARIANT_ID};

use crate::common::*;

const CREATE_PRICED: &str = r#"
mutation Create($input: DraftOrderInput!) {
  draftOrderCreate(input: $input) {
    draftOrder {
      id taxesIncluded acceptAutomaticDiscounts
      appliedDiscount { title }
      platformDiscounts {
        automaticDiscount bxgyDiscount title summary shortSummary presentationLevel
        totalAmount { amount currencyCode }
        totalAmountPriceSet { shopMoney { amount } }
        allocations { quantity reductionAmount { amount } }
      }
      subtotalPriceSet { shopMoney { amount currencyCode } }
      lineItemsSubtotalPrice { shopMoney { amount } }
      totalLineItemsPriceSet { shopMoney { amount } }
      totalDiscountsSet { shopMoney { amount } }
      totalTaxSet { shopMoney { amount currencyCode } }
      totalPriceSet { shopMoney { amount currencyCode } }
      lineItems(first: 5) {
        nodes {
          quantity
          originalUnitPriceSet { shopMoney { amount currencyCode } }
          originalUnitPriceWithCurrency { amount currencyCode }
          originalTotalSet { shopMoney { amount } }
          discountedTotalSet { shopMoney { amount } }
          approximateDiscountedUnitPriceSet { shopMoney { amount } }
          totalDiscountSet { shopMoney { amount } }
          appliedDiscount { title }
        }
      }
    }
    userErrors { field message }
  }
}"#;

async fn set_pricing(sim: &shopify_sim::SimHandle, body: Value) -> (u16, Value) {
    let response = client()
        .put(format!("{}/_sim/shops/{DEMO_SHOP}/pricing", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn variant_line(amount: &str, currency: &str) -> Value {
    json!({
        "variantId": DEMO_VARIANT_ID,
        "quantity": 2,
        "priceOverride": { "amount": amount, "currencyCode": currency },
    })
}

async fn create(sim: &shopify_sim::SimHandle, token: &str, input: Value) -> Value {
    let (status, body) = gql(
        sim,
        DEMO_SHOP,
        token,
        CREATE_PRICED,
        json!({ "input": input }),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["draftOrderCreate"].clone()
}

fn amount(value: &Value) -> &str {
    value["shopMoney"]["amount"].as_str().unwrap()
}

#[tokio::test]
async fn defaults_change_nothing() {
    let sim = start().await;
    let pricing = get(&format!(
        "{}/_sim/shops/{DEMO_SHOP}/pricing",
        sim.base_url()
    ))
    .await;
    assert_eq!(
        pricing,
        json!({ "taxRate": "0", "taxesIncluded": false, "automaticDiscount": null, "conversionRates": {} })
    );
    let token = token(&sim, DEMO_SHOP).await;
    let created = create(
        &sim,
        &token,
        json!({ "lineItems": [variant_line("99.50", "USD")] }),
    )
    .await;
    let order = &created["draftOrder"];
    assert_eq!(amount(&order["subtotalPriceSet"]), "199.0");
    assert_eq!(amount(&order["totalTaxSet"]), "0.0");
    assert_eq!(amount(&order["totalPriceSet"]), "199.0");
    assert_eq!(order["platformDiscounts"], json!([]));
    assert_eq!(order["appliedDiscount"], Value::Null);
    assert_eq!(order["acceptAutomaticDiscounts"], Value::Null);
    sim.shutdown().await;
}

#[tokio::test]
async fn taxes_are_added_or_contained() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let (status, view) = set_pricing(&sim, json!({ "taxRate": "0.2" })).await;
    assert_eq!(status, 200, "{view}");
    let created = create(
        &sim,
        &token,
        json!({ "lineItems": [variant_line("99.50", "USD")] }),
    )
    .await;
    let order = &created["draftOrder"];
    assert_eq!(order["taxesIncluded"], false);
    assert_eq!(amount(&order["subtotalPriceSet"]), "199.0");
    assert_eq!(amount(&order["totalTaxSet"]), "39.8");
    assert_eq!(amount(&order["totalPriceSet"]), "238.8");
    let line = &order["lineItems"]["nodes"][0];
    assert_eq!(
        amount(&line["originalUnitPriceSet"]),
        "99.5",
        "the locked price"
    );

    set_pricing(&sim, json!({ "taxesIncluded": true })).await;
    let created = create(
        &sim,
        &token,
        json!({ "lineItems": [variant_line("99.50", "USD")] }),
    )
    .await;
    let order = &created["draftOrder"];
    assert_eq!(order["taxesIncluded"], true);
    assert_eq!(amount(&order["subtotalPriceSet"]), "199.0");
    assert_eq!(amount(&order["totalTaxSet"]), "33.17", "199 × 0.2 / 1.2");
    assert_eq!(amount(&order["totalPriceSet"]), "199.0");

    // The checkout shows the tax.
    let orders = get(&format!("{}/_sim/draft-orders", sim.base_url())).await;
    assert_eq!(orders["draftOrders"][1]["totalTax"], "33.17");
    let invoice = orders["draftOrders"][1]["invoiceUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, _, page) = get_text(&invoice).await;
    assert!(
        page.contains("Taxes (included)") && page.contains("33.17 USD"),
        "{page}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn the_automatic_discount_applies_unless_refused() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let (status, view) = set_pricing(
        &sim,
        json!({ "automaticDiscount": { "title": "Summer sale", "percentage": "10" } }),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    for accept in [Value::Null, json!(true)] {
        let mut input = json!({ "lineItems": [variant_line("99.50", "USD")] });
        if !accept.is_null() {
            input["acceptAutomaticDiscounts"] = accept.clone();
        }
        let created = create(&sim, &token, input).await;
        let order = &created["draftOrder"];
        assert_eq!(order["acceptAutomaticDiscounts"], accept);
        assert_eq!(amount(&order["totalLineItemsPriceSet"]), "199.0");
        assert_eq!(amount(&order["totalDiscountsSet"]), "19.9");
        assert_eq!(amount(&order["subtotalPriceSet"]), "179.1");
        assert_eq!(amount(&order["lineItemsSubtotalPrice"]), "179.1");
        assert_eq!(amount(&order["totalPriceSet"]), "179.1");
        let discount = &order["platformDiscounts"][0];
        assert_eq!(discount["automaticDiscount"], true);
        assert_eq!(discount["bxgyDiscount"], false);
        assert_eq!(discount["title"], "Summer sale");
        assert_eq!(discount["shortSummary"], "10% off");
        assert_eq!(discount["totalAmount"]["amount"], "19.9");
        assert_eq!(
            discount["allocations"],
            json!([{ "quantity": 2, "reductionAmount": { "amount": "19.9" } }])
        );
        let line = &order["lineItems"]["nodes"][0];
        assert_eq!(amount(&line["originalUnitPriceSet"]), "99.5");
        assert_eq!(amount(&line["originalTotalSet"]), "199.0");
        assert_eq!(amount(&line["discountedTotalSet"]), "179.1");
        assert_eq!(amount(&line["approximateDiscountedUnitPriceSet"]), "89.55");
        assert_eq!(amount(&line["totalDiscountSet"]), "19.9");
    }
    let created = create(
        &sim,
        &token,
        json!({ "lineItems": [variant_line("99.50", "USD")], "acceptAutomaticDiscounts": false }),
    )
    .await;
    let order = &created["draftOrder"];
    assert_eq!(order["platformDiscounts"], json!([]));
    assert_eq!(amount(&order["totalPriceSet"]), "199.0");

    let (status, _) = set_pricing(&sim, json!({ "automaticDiscount": null })).await;
    assert_eq!(status, 200);
    let created = create(
        &sim,
        &token,
        json!({ "lineItems": [variant_line("99.50", "USD")] }),
    )
    .await;
    assert_eq!(amount(&created["draftOrder"]["totalPriceSet"]), "199.0");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_price_override_in_another_currency_is_converted() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let (status, _) = set_pricing(&sim, json!({ "conversionRates": { "EUR": "1.085" } })).await;
    assert_eq!(status, 200);
    let created = create(
        &sim,
        &token,
        json!({ "lineItems": [variant_line("100.00", "EUR")] }),
    )
    .await;
    let line = &created["draftOrder"]["lineItems"]["nodes"][0];
    assert_eq!(
        line["originalUnitPriceSet"]["shopMoney"],
        json!({ "amount": "108.5", "currencyCode": "USD" })
    );
    assert_eq!(
        line["originalUnitPriceWithCurrency"],
        json!({ "amount": "100.0", "currencyCode": "EUR" })
    );
    assert_eq!(amount(&created["draftOrder"]["totalPriceSet"]), "217.0");

    // No rate: refused. A custom line's price must be in the draft order's currency.
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        CREATE_PRICED,
        json!({ "input": { "lineItems": [
            variant_line("100.00", "GBP"),
            { "title": "Cut", "quantity": 1, "originalUnitPriceWithCurrency": { "amount": "5", "currencyCode": "EUR" } },
        ] } }),
    )
    .await;
    let errors = &body["data"]["draftOrderCreate"]["userErrors"];
    assert_eq!(
        errors[0]["field"],
        json!(["lineItems", "0", "priceOverride", "currencyCode"])
    );
    assert_eq!(
        errors[1]["field"],
        json!([
            "lineItems",
            "1",
            "originalUnitPriceWithCurrency",
            "currencyCode"
        ])
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn pricing_updates_are_validated() {
    let sim = start().await;
    for bad in [
        json!({ "taxRate": "1.5" }),
        json!({ "taxRate": "-0.1" }),
        json!({ "automaticDiscount": { "title": "", "percentage": "10" } }),
        json!({ "automaticDiscount": { "title": "Big", "percentage": "101" } }),
        json!({ "conversionRates": { "EUR": "0" } }),
    ] {
        let (status, body) = set_pricing(&sim, bad.clone()).await;
        assert_eq!(status, 400, "{bad} → {body}");
    }
    let (status, _) = set_pricing(&sim, json!({ "conversionRates": { "XXX": "1" } })).await;
    assert_eq!(status, 422, "unknown currency");
    let response = client()
        .put(format!(
            "{}/_sim/shops/nope.myshopify.com/pricing",
            sim.base_url()
        ))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    sim.shutdown().await;
}
