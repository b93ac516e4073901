//! Protected customer data: a definitive refusal, not an unknown outcome, and nothing created.

use serde_json::json;
use shopify::admin::{AdminError, DraftOrderInput, DraftOrderLineItem, Money};
use shopify::VariantGid;
use shopify_sim::{DEMO_SHOP, DEMO_VARIANT_ID};

use crate::common::*;

pub fn one_line_input(amount: &str, currency: &str) -> DraftOrderInput {
    DraftOrderInput {
        line_items: vec![DraftOrderLineItem::Variant {
            variant_id: VariantGid::parse(DEMO_VARIANT_ID).unwrap(),
            quantity: 2,
            price_override: Money {
                amount: amount.into(),
                currency_code: currency.into(),
            },
            custom_attributes: vec![],
        }],
        tags: vec!["gridprice".into(), "gridprice-ref-access".into()],
        ..DraftOrderInput::default()
    }
}

async fn graphql_calls(sim: &shopify_sim::SimHandle) -> u64 {
    let stats: serde_json::Value = http()
        .get(format!("{}/_sim/requests", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    stats["shops"][DEMO_SHOP]["graphql"].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn an_unapproved_app_gets_a_definitive_protected_data_refusal() {
    let sim = start().await;
    let token = legacy_token(&sim).await;
    control_put(
        &sim,
        "/_sim/config",
        json!({ "protectedCustomerDataApproved": false }),
    )
    .await;
    let admin = admin(&sim);
    let shop = shop();
    let client = admin.shop(&shop, &token);

    let before = graphql_calls(&sim).await;
    let error = client
        .draft_order_create(&one_line_input("99.50", "USD"))
        .await
        .unwrap_err();
    match &error {
        AdminError::ProtectedCustomerDataDenied {
            message,
            documentation,
        } => {
            assert!(
                message.starts_with("This app is not approved to access the DraftOrder object."),
                "{message}"
            );
            assert_eq!(
                documentation.as_deref(),
                Some("https://partners.shopify.com/1000001/apps/2000001/customer_data")
            );
        }
        other => panic!("expected ProtectedCustomerDataDenied, got {other:?}"),
    }
    assert!(!error.outcome_unknown(), "nothing was created");
    assert_eq!(graphql_calls(&sim).await, before + 1, "not retried");
    let orders: serde_json::Value = http()
        .get(format!("{}/_sim/draft-orders", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(orders["draftOrders"], json!([]));
    assert!(matches!(
        client.draft_orders_by_tag("gridprice-ref-access").await,
        Err(AdminError::ProtectedCustomerDataDenied { .. })
    ));

    control_put(
        &sim,
        "/_sim/config",
        json!({ "protectedCustomerDataApproved": true }),
    )
    .await;
    let created = client
        .draft_order_create(&one_line_input("99.50", "USD"))
        .await
        .unwrap();
    assert_eq!(created.name, "#D1");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_missing_scope_is_access_denied_with_the_required_access() {
    let sim = start_with(shopify_sim::SimConfig {
        scopes: "read_products".to_owned(),
        ..config()
    })
    .await;
    let id_token = id_token(&sim, json!({})).await;
    let granted = shopify::token::token_exchange(
        &http(),
        &template(&sim),
        &shop(),
        &credentials(),
        &id_token,
    )
    .await
    .unwrap();
    let admin = admin(&sim);
    let shop = shop();
    let error = admin
        .shop(&shop, &granted.access_token)
        .draft_order_create(&one_line_input("1.00", "USD"))
        .await
        .unwrap_err();
    match error {
        AdminError::AccessDenied {
            message,
            required_access,
        } => {
            assert!(message.contains("draftOrderCreate"), "{message}");
            assert_eq!(
                required_access.as_deref(),
                Some("`write_draft_orders` access scope.")
            );
        }
        other => panic!("expected AccessDenied, got {other:?}"),
    }
    sim.shutdown().await;
}
