//! Checkout: the invoice page of a draft order, "Pay now", draftOrderComplete, /_sim/orders.

use serde_json::{json, Value};
use shopify_sim::{SimHandle, DEMO_SHOP, DEMO_VARIANT_ID};

use crate::common::*;

async fn create_draft(sim: &SimHandle, token: &str) -> Value {
    let line = json!({
        "variantId": DEMO_VARIANT_ID,
        "quantity": 2,
        "priceOverride": {"amount": "45.00", "currencyCode": "USD"},
        "customAttributes": [
            {"key": "Width", "value": "600 mm"},
            {"key": "Height", "value": "400 mm"},
            {"key": "Glass type", "value": "Tempered <safety>"},
        ],
    });
    let (status, body) = gql(
        sim,
        DEMO_SHOP,
        token,
        CREATE_DRAFT,
        json!({"input": {"lineItems": [line], "tags": ["gridprice"]}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["draftOrderCreate"]["userErrors"],
        json!([]),
        "{body}"
    );
    body["data"]["draftOrderCreate"]["draftOrder"].clone()
}

const COMPLETE: &str = "mutation C($id: ID!, $source: String) { draftOrderComplete(id: $id, sourceName: $source) { draftOrder { id status completedAt order { id name sourceName totalPriceSet { shopMoney { amount currencyCode } } } } userErrors { field message } } }";

#[tokio::test]
async fn invoice_page_pays_once() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let draft = create_draft(&sim, &token).await;
    let invoice_url = draft["invoiceUrl"].as_str().unwrap();
    let shop_id = get(&format!("{}/_sim/shops", sim.base_url())).await["shops"][0]["id"]
        .as_str()
        .unwrap()
        .trim_start_matches("gid://shopify/Shop/")
        .to_owned();
    let prefix = format!("{}/{shop_id}/invoices/", sim.shop_url(DEMO_SHOP));
    assert!(invoice_url.starts_with(&prefix), "{invoice_url}");

    let (status, _, html) = get_text(invoice_url).await;
    assert_eq!(status, 200);
    assert!(html.contains("Glass panel"), "{html}");
    assert!(html.contains("<li>Width: 600 mm</li>"));
    assert!(
        html.contains("<li>Glass type: Tempered &lt;safety&gt;</li>"),
        "escaped: {html}"
    );
    assert!(html.contains("2 × 45.00 USD"));
    assert!(html.contains("90.00 USD"));
    assert!(html.contains(">Pay now</button>"));

    let response = client().post(invoice_url).send().await.unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(invoice_url.ends_with(location), "{location}");
    let (status, _, html) = get_text(invoice_url).await;
    assert_eq!(status, 200);
    assert!(html.contains("Your order #1001 is confirmed."), "{html}");
    assert!(!html.contains("Pay now"));

    // Paying again does not make a second order.
    let response = client().post(invoice_url).send().await.unwrap();
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("already been paid"));

    let orders = get(&format!("{}/_sim/orders?shop={DEMO_SHOP}", sim.base_url())).await;
    let orders = orders["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["name"], "#1001");
    assert_eq!(orders[0]["draftOrderId"], draft["id"]);
    assert_eq!(orders[0]["total"], "90.00");
    assert_eq!(orders[0]["sourceName"], "checkout");
    assert_eq!(
        orders[0]["lineItems"][0]["customAttributes"][0]["key"],
        "Width"
    );
    let drafts = get(&format!("{}/_sim/draft-orders", sim.base_url())).await;
    let listed = &drafts["draftOrders"][0];
    assert_eq!(listed["status"], "COMPLETED");
    assert_eq!(listed["order"]["name"], "#1001");
    assert!(listed["completedAt"].is_string());

    // GraphQL sees the completion too, and refuses a second one and a delete.
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        COMPLETE,
        json!({"id": draft["id"]}),
    )
    .await;
    let payload = &body["data"]["draftOrderComplete"];
    assert_eq!(payload["draftOrder"], Value::Null);
    assert_eq!(payload["userErrors"][0]["field"], json!(["id"]));
    assert_eq!(
        payload["userErrors"][0]["message"],
        "This draft order has already been completed"
    );
    let (status, _) = get_json_status(&format!(
        "{}/_sim/orders?shop=nope.myshopify.com",
        sim.base_url()
    ))
    .await;
    assert_eq!(status, 404);
    sim.shutdown().await;
}

async fn get_json_status(url: &str) -> (u16, Value) {
    let response = client().get(url).send().await.unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn draft_order_complete_mutation() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let draft = create_draft(&sim, &token).await;
    let (status, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        COMPLETE,
        json!({"id": draft["id"], "source": "gridprice"}),
    )
    .await;
    assert_eq!(status, 200);
    let payload = &body["data"]["draftOrderComplete"];
    assert_eq!(payload["userErrors"], json!([]), "{body}");
    assert_eq!(payload["draftOrder"]["status"], "COMPLETED");
    assert!(payload["draftOrder"]["completedAt"].is_string());
    assert_eq!(payload["draftOrder"]["order"]["name"], "#1001");
    assert_eq!(payload["draftOrder"]["order"]["sourceName"], "gridprice");
    assert_eq!(
        payload["draftOrder"]["order"]["totalPriceSet"]["shopMoney"],
        json!({"amount": "90.0", "currencyCode": "USD"})
    );
    assert!(payload["draftOrder"]["order"]["id"]
        .as_str()
        .unwrap()
        .starts_with("gid://shopify/Order/"));
    let requested = body["extensions"]["cost"]["requestedQueryCost"].as_u64();
    assert!(requested.unwrap() >= 10, "a mutation costs at least 10");

    // The paid invoice shows the confirmation.
    let (_, _, html) = get_text(draft["invoiceUrl"].as_str().unwrap()).await;
    assert!(html.contains("#1001 is confirmed"));

    // Unknown ids are user errors; malformed ids are GraphQL errors.
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        COMPLETE,
        json!({"id": "gid://shopify/DraftOrder/1"}),
    )
    .await;
    assert_eq!(
        body["data"]["draftOrderComplete"]["userErrors"][0]["message"],
        "Draft order does not exist"
    );
    let (_, body) = gql(&sim, DEMO_SHOP, &token, COMPLETE, json!({"id": "nope"})).await;
    assert!(body["errors"].is_array(), "{body}");
    sim.shutdown().await;
}

#[tokio::test]
async fn deleted_or_unknown_invoices_are_404() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let draft = create_draft(&sim, &token).await;
    let invoice_url = draft["invoiceUrl"].as_str().unwrap().to_owned();
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        "mutation D($id: ID!) { draftOrderDelete(input: {id: $id}) { deletedId userErrors { message } } }",
        json!({"id": draft["id"]}),
    )
    .await;
    assert_eq!(body["data"]["draftOrderDelete"]["deletedId"], draft["id"]);
    let (status, _, html) = get_text(&invoice_url).await;
    assert_eq!(status, 404);
    assert!(html.contains("Invoice not found"));
    let response = client().post(&invoice_url).send().await.unwrap();
    assert_eq!(response.status(), 404);
    let bad = invoice_url.rsplit_once('/').unwrap().0.to_owned() + "/zz";
    let (status, _, _) = get_text(&bad).await;
    assert_eq!(status, 404);
    assert_eq!(
        get(&format!("{}/_sim/orders", sim.base_url())).await["orders"],
        json!([])
    );
    sim.shutdown().await;
}
