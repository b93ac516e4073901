use serde_json::{json, Value};
use shopify_sim::{DEMO_PRODUCT_ID, DEMO_SHOP, DEMO_VARIANT_ID};

use crate::common::*;

#[tokio::test]
async fn shop_and_products() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let (status, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        "{ shop { id name myshopifyDomain currencyCode } }",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["shop"]["myshopifyDomain"], DEMO_SHOP);
    assert_eq!(body["data"]["shop"]["currencyCode"], "USD");
    let cost = &body["extensions"]["cost"];
    assert_eq!(cost["requestedQueryCost"], 1);
    assert_eq!(cost["throttleStatus"]["maximumAvailable"], 2000.0);
    assert_eq!(cost["throttleStatus"]["restoreRate"], 100.0);

    let query = "query P($id: ID!) { product(id: $id) { id title handle status variants(first: 5) { nodes { id title price sku } } } }";
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        query,
        json!({ "id": DEMO_PRODUCT_ID }),
    )
    .await;
    let product = &body["data"]["product"];
    assert_eq!(product["title"], "Glass panel");
    assert_eq!(product["status"], "ACTIVE");
    assert_eq!(product["variants"]["nodes"][0]["id"], DEMO_VARIANT_ID);
    assert_eq!(product["variants"]["nodes"][0]["price"], "10.00");
    assert_eq!(body["extensions"]["cost"]["requestedQueryCost"], 1 + 2 + 5);
    assert_eq!(body["extensions"]["cost"]["actualQueryCost"], 1 + 2 + 3);

    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        query,
        json!({ "id": "gid://shopify/Product/1" }),
    )
    .await;
    assert_eq!(body["data"]["product"], Value::Null);
    sim.shutdown().await;
}

#[tokio::test]
async fn products_paginate_and_filter() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let query = "query L($after: String, $q: String) { products(first: 2, after: $after, query: $q) { nodes { title } pageInfo { hasNextPage endCursor } edges { cursor } } }";
    let (_, first) = gql(&sim, DEMO_SHOP, &token, query, json!({})).await;
    let page = &first["data"]["products"];
    assert_eq!(page["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let after = page["pageInfo"]["endCursor"].clone();
    let (_, second) = gql(&sim, DEMO_SHOP, &token, query, json!({ "after": after })).await;
    assert_eq!(
        second["data"]["products"]["nodes"][0]["title"],
        "Acrylic sign"
    );
    let (_, found) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        query,
        json!({ "q": "title:roller" }),
    )
    .await;
    assert_eq!(
        found["data"]["products"]["nodes"],
        json!([{ "title": "Roller blind" }])
    );
    let (_, found) = gql(&sim, DEMO_SHOP, &token, query, json!({ "q": "acrylic" })).await;
    assert_eq!(
        found["data"]["products"]["nodes"],
        json!([{ "title": "Acrylic sign" }])
    );
    let (_, too_many) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        "{ products(first: 251) { nodes { id } } }",
        Value::Null,
    )
    .await;
    assert!(too_many["errors"].is_array(), "{too_many}");
    sim.shutdown().await;
}

#[tokio::test]
async fn documents_are_validated_against_the_schema() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    for bad in [
        "{ shop { id nope } }",
        "{ products(first: 1, sortBy: TITLE) { nodes { id } } }",
        "{ orders(first: 1) { nodes { id } } }",
        "mutation { draftOrderCreate(input: { lineItems: [{ quantity: 1, color: \"red\" }] }) { userErrors { message } } }",
        "{ shop { ",
    ] {
        let (status, body) = gql(&sim, DEMO_SHOP, &token, bad, Value::Null).await;
        assert_eq!(status, 200, "{bad}");
        assert!(body["errors"][0]["message"].is_string(), "{bad}: {body}");
        assert!(body.get("data").is_none(), "{bad}: {body}");
        assert!(body["extensions"]["cost"]["throttleStatus"].is_object());
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn live_schema_equals_the_committed_sdl() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let live = shopify_sim::schema_sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &live).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        live, committed,
        "schema changed: rerun with UPDATE_SCHEMA=1 and review the diff"
    );
}

async fn create(sim: &shopify_sim::SimHandle, token: &str, input: Value) -> Value {
    let (status, body) = gql(
        sim,
        DEMO_SHOP,
        token,
        CREATE_DRAFT,
        json!({ "input": input }),
    )
    .await;
    assert_eq!(status, 200);
    body["data"]["draftOrderCreate"].clone()
}

#[tokio::test]
async fn draft_orders_get_names_totals_and_invoice_urls() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let input = json!({
        "lineItems": [{
            "variantId": DEMO_VARIANT_ID,
            "quantity": 3,
            "priceOverride": { "amount": "33.35", "currencyCode": "USD" },
            "customAttributes": [{ "key": "Width", "value": "600 mm" }, { "key": "Height", "value": "400 mm" }],
        }],
        "tags": ["gridprice", "gp-ref-1"],
        "note": "made to measure",
    });
    let first = create(&sim, &token, input).await;
    assert_eq!(first["userErrors"], json!([]));
    let order = &first["draftOrder"];
    assert_eq!(order["name"], "#D1");
    assert_eq!(order["status"], "OPEN");
    assert!(order["id"]
        .as_str()
        .unwrap()
        .starts_with("gid://shopify/DraftOrder/"));
    // Shopify's `https://{shop}/{shopId}/invoices/{token}`, on the simulator's host.
    assert!(order["invoiceUrl"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/", sim.shop_url(DEMO_SHOP))));
    assert_eq!(
        order["totalPriceSet"]["shopMoney"],
        json!({ "amount": "100.05", "currencyCode": "USD" })
    );
    assert_eq!(order["tags"], json!(["gridprice", "gp-ref-1"]));
    assert_eq!(order["note2"], "made to measure");
    let line = &order["lineItems"]["nodes"][0];
    assert_eq!(line["variant"]["id"], DEMO_VARIANT_ID);
    assert_eq!(line["title"], "Glass panel");
    assert_eq!(line["originalUnitPriceSet"]["shopMoney"]["amount"], "33.35");
    assert_eq!(
        line["customAttributes"][0],
        json!({ "key": "Width", "value": "600 mm" })
    );

    let second = create(
        &sim,
        &token,
        json!({ "lineItems": [custom_line("Custom panel", "10", 2)], "tags": ["gp-ref-2"] }),
    )
    .await;
    assert_eq!(second["draftOrder"]["name"], "#D2");
    assert_eq!(
        second["draftOrder"]["subtotalPriceSet"]["shopMoney"]["amount"],
        "20.0"
    );
    assert_eq!(
        second["draftOrder"]["lineItems"]["nodes"][0]["custom"],
        true
    );

    let listed = get(&format!(
        "{}/_sim/draft-orders?shop={DEMO_SHOP}",
        sim.base_url()
    ))
    .await;
    let orders = listed["draftOrders"].as_array().unwrap();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[0]["total"], "100.05");
    assert_eq!(
        orders[0]["lineItems"][0]["customAttributes"][1]["value"],
        "400 mm"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn draft_orders_are_found_by_tag() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    for reference in ["gp-ref-a", "gp-ref-b"] {
        let made = create(&sim, &token, json!({ "lineItems": [custom_line("Panel", "5.00", 1)], "tags": ["gridprice", reference] })).await;
        assert_eq!(made["userErrors"], json!([]));
    }
    let query = "query F($q: String) { draftOrders(first: 5, query: $q) { nodes { name tags } } }";
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        query,
        json!({ "q": "tag:gp-ref-b" }),
    )
    .await;
    assert_eq!(
        body["data"]["draftOrders"]["nodes"],
        json!([{ "name": "#D2", "tags": ["gridprice", "gp-ref-b"] }])
    );
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        query,
        json!({ "q": "tag:gridprice" }),
    )
    .await;
    assert_eq!(
        body["data"]["draftOrders"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        query,
        json!({ "q": "tag:missing" }),
    )
    .await;
    assert_eq!(body["data"]["draftOrders"]["nodes"], json!([]));
    sim.shutdown().await;
}

#[tokio::test]
async fn invalid_draft_orders_get_user_errors_and_are_not_stored() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let cases = [
        (json!({ "lineItems": [] }), json!(["lineItems"])),
        (
            json!({ "lineItems": [custom_line("Panel", "5.00", 0)] }),
            json!(["lineItems", "0", "quantity"]),
        ),
        (
            json!({ "lineItems": [custom_line("Panel", "-1.00", 1)] }),
            json!(["lineItems", "0", "originalUnitPriceWithCurrency", "amount"]),
        ),
        (
            json!({ "lineItems": [{ "title": "Panel", "quantity": 1 }] }),
            json!(["lineItems", "0", "originalUnitPriceWithCurrency"]),
        ),
        (
            json!({ "lineItems": [custom_line("", "5.00", 1)] }),
            json!(["lineItems", "0", "title"]),
        ),
        (
            json!({ "lineItems": [{ "variantId": "gid://shopify/ProductVariant/1", "quantity": 1 }] }),
            json!(["lineItems", "0", "variantId"]),
        ),
        (
            json!({ "lineItems": [{ "title": "Panel", "quantity": 1, "originalUnitPriceWithCurrency": { "amount": "5", "currencyCode": "EUR" } }] }),
            json!([
                "lineItems",
                "0",
                "originalUnitPriceWithCurrency",
                "currencyCode"
            ]),
        ),
        (
            json!({ "lineItems": [custom_line("Panel", "5.00", 1)], "presentmentCurrencyCode": "EUR" }),
            json!(["presentmentCurrencyCode"]),
        ),
        (
            json!({ "lineItems": [custom_line("Panel", "5.00", 1), { "variantId": DEMO_VARIANT_ID, "quantity": 1, "priceOverride": { "amount": "-2", "currencyCode": "USD" } }] }),
            json!(["lineItems", "1", "priceOverride", "amount"]),
        ),
    ];
    for (input, field) in cases {
        let result = create(&sim, &token, input.clone()).await;
        assert_eq!(result["draftOrder"], Value::Null, "{input}");
        assert_eq!(result["userErrors"][0]["field"], field, "{input}: {result}");
        assert!(result["userErrors"][0]["message"].as_str().unwrap().len() > 3);
    }
    let listed = get(&format!("{}/_sim/draft-orders", sim.base_url())).await;
    assert_eq!(listed["draftOrders"], json!([]));
    sim.shutdown().await;
}

#[tokio::test]
async fn webhook_subscriptions_are_stored() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let query = r#"mutation S($uri: String!) { webhookSubscriptionCreate(topic: APP_UNINSTALLED, webhookSubscription: { uri: $uri, format: JSON }) { webhookSubscription { id topic uri } userErrors { field message } } }"#;
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        query,
        json!({ "uri": "https://app.example/webhooks" }),
    )
    .await;
    let payload = &body["data"]["webhookSubscriptionCreate"];
    assert_eq!(payload["userErrors"], json!([]), "{body}");
    assert_eq!(payload["webhookSubscription"]["topic"], "APP_UNINSTALLED");
    assert_eq!(body["extensions"]["cost"]["requestedQueryCost"], 10);
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        query,
        json!({ "uri": "https://app.example/webhooks" }),
    )
    .await;
    assert_eq!(
        body["data"]["webhookSubscriptionCreate"]["userErrors"][0]["field"],
        json!(["webhookSubscription", "uri"])
    );
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        query,
        json!({ "uri": "http://app.example/webhooks" }),
    )
    .await;
    assert!(body["data"]["webhookSubscriptionCreate"]["webhookSubscription"].is_null());
    sim.shutdown().await;
}

#[tokio::test]
async fn shops_are_isolated() {
    let sim = start().await;
    let shops = format!("{}/_sim/shops", sim.base_url());
    let seed = json!({ "domain": "tenant-b.myshopify.com", "currency": "EUR", "products": [{ "title": "Fabric", "variants": [{ "title": "Linen", "price": "7.5" }] }] });
    let (status, created) = post_json(&shops, seed).await;
    assert_eq!(status, 201, "{created}");
    let (status, _) = post_json(&shops, json!({ "domain": "tenant-b.myshopify.com" })).await;
    assert_eq!(status, 409);
    let demo_token = token(&sim, DEMO_SHOP).await;
    let (status, _) = gql(
        &sim,
        "tenant-b.myshopify.com",
        &demo_token,
        "{ shop { id } }",
        Value::Null,
    )
    .await;
    assert_eq!(status, 401);
    let b_token = token(&sim, "tenant-b.myshopify.com").await;
    let query = "query P($id: ID!) { product(id: $id) { title } }";
    let (_, body) = gql(
        &sim,
        "tenant-b.myshopify.com",
        &b_token,
        query,
        json!({ "id": DEMO_PRODUCT_ID }),
    )
    .await;
    assert_eq!(body["data"]["product"], Value::Null);
    let (_, body) = gql(
        &sim,
        "tenant-b.myshopify.com",
        &b_token,
        "{ products(first: 5) { nodes { title variants(first: 1) { nodes { price } } } } }",
        Value::Null,
    )
    .await;
    assert_eq!(
        body["data"]["products"]["nodes"],
        json!([{ "title": "Fabric", "variants": { "nodes": [{ "price": "7.50" }] } }])
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn missing_scopes_are_access_denied() {
    let sim = start().await;
    let url = format!(
        "{}/admin/oauth/authorize?client_id={API_KEY}&scope=read_products&redirect_uri={}",
        sim.shop_url(DEMO_SHOP),
        "http%3A%2F%2F127.0.0.1%3A9%2Fapp%2Fauth%2Fcallback"
    );
    let response = client().get(url).send().await.unwrap();
    let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let (_, granted) = post_json(
        &format!("{}/admin/oauth/access_token", sim.shop_url(DEMO_SHOP)),
        json!({ "client_id": API_KEY, "client_secret": SECRET, "code": code }),
    )
    .await;
    let token = granted["access_token"].as_str().unwrap();
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        token,
        CREATE_DRAFT,
        json!({ "input": { "lineItems": [custom_line("P", "1", 1)] } }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "ACCESS_DENIED",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["requiredAccess"],
        "`write_draft_orders` access scope."
    );
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        token,
        "{ products(first: 1) { nodes { id } } }",
        Value::Null,
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    sim.shutdown().await;
}
