//! Protected customer data: until the app is approved, draft order fields are refused with
//! Shopify's top-level ACCESS_DENIED error and nothing runs.

use serde_json::{json, Value};
use shopify_sim::DEMO_SHOP;

use crate::common::*;

async fn approve(sim: &shopify_sim::SimHandle, approved: bool) {
    let response = client()
        .put(format!("{}/_sim/config", sim.base_url()))
        .json(&json!({ "protectedCustomerDataApproved": approved }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let config: Value = response.json().await.unwrap();
    assert_eq!(config["protectedCustomerDataApproved"], approved);
}

#[tokio::test]
async fn draft_orders_are_access_denied_until_the_app_is_approved() {
    let sim = start().await;
    let config = get(&format!("{}/_sim/config", sim.base_url())).await;
    assert_eq!(
        config["protectedCustomerDataApproved"], true,
        "approved by default"
    );
    let token = token(&sim, DEMO_SHOP).await;
    approve(&sim, false).await;

    let input =
        json!({ "input": { "lineItems": [custom_line("Panel", "5.00", 1)], "tags": ["t1"] } });
    let (status, body) = gql(&sim, DEMO_SHOP, &token, CREATE_DRAFT, input.clone()).await;
    assert_eq!(status, 200);
    let link = "https://partners.shopify.com/1000001/apps/2000001/customer_data";
    let error = &body["errors"][0];
    assert_eq!(
        error["message"],
        format!("This app is not approved to access the DraftOrder object. See {link} for more details.")
    );
    assert_eq!(error["extensions"]["code"], "ACCESS_DENIED");
    assert_eq!(error["extensions"]["documentation"], link);
    assert_eq!(error["path"], json!(["draftOrderCreate"]));
    assert!(error["locations"].is_array());
    assert_eq!(body["data"]["draftOrderCreate"], Value::Null, "{body}");
    let orders = get(&format!("{}/_sim/draft-orders", sim.base_url())).await;
    assert_eq!(orders["draftOrders"], json!([]), "nothing was created");

    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        "{ draftOrders(first: 5) { nodes { id } } }",
        Value::Null,
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "ACCESS_DENIED",
        "{body}"
    );
    let (_, body) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        "{ products(first: 1) { nodes { id } } }",
        Value::Null,
    )
    .await;
    assert!(
        body.get("errors").is_none(),
        "other data is not protected: {body}"
    );

    approve(&sim, true).await;
    let (_, body) = gql(&sim, DEMO_SHOP, &token, CREATE_DRAFT, input).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        body["data"]["draftOrderCreate"]["draftOrder"]["name"],
        "#D1"
    );
    sim.shutdown().await;
}
