//! Admin writes reach the storefront at once: the very next price request sees a replaced
//! matrix, a changed option group and a revoked key.

use serde_json::{json, Value};

use crate::admin_support::{reply, Admin};
use crate::support::TestStack;

const DEMO_PRODUCT: &str = "8000000000001";

async fn price(stack: &TestStack, key: &str, query: &str) -> (u16, Value) {
    let response = stack
        .http
        .get(stack.app(&format!("/api/v1/products/{DEMO_PRODUCT}/price?{query}")))
        .header("x-api-key", key)
        .send()
        .await
        .unwrap();
    let answer = reply(response).await;
    (answer.status.as_u16(), answer.body)
}

stack_test!(
    admin_changes_are_visible_to_the_next_storefront_request,
    |stack| {
        let admin = Admin::demo(stack).await;
        let key = stack.storefront_key();
        let (status, quoted) = price(stack, key, "width=300&height=200").await;
        assert_eq!(status, 200, "{quoted:?}");
        assert_eq!(quoted["money"]["unitPrice"], "10.00", "{quoted:?}");

        let demo = admin.matrix_id("Demo glass").await;
        let mut grid = admin.get(&format!("/app/api/matrices/{demo}")).await.body;
        grid["cells"][0][0] = json!("12.34");
        let body = json!({
            "version": grid["version"],
            "widths": grid["widths"],
            "heights": grid["heights"],
            "cells": grid["cells"],
        });
        let replaced = admin.put(&format!("/app/api/matrices/{demo}"), body).await;
        assert_eq!(replaced.status, 200, "{replaced:?}");
        let (_, quoted) = price(stack, key, "width=300&height=200").await;
        assert_eq!(quoted["money"]["unitPrice"], "12.34", "{quoted:?}");

        let created = admin.post("/app/api/storefront-keys", json!({})).await;
        let fresh = created.body["key"].as_str().unwrap().to_owned();
        let (status, _) = price(stack, &fresh, "width=300&height=200").await;
        assert_eq!(status, 200);
        let id = created.body["id"].as_i64().unwrap();
        admin
            .post(&format!("/app/api/storefront-keys/{id}/revoke"), json!({}))
            .await;
        let (status, refused) = price(stack, &fresh, "width=300&height=200").await;
        assert_eq!(
            status, 401,
            "a revoked key stops working at once: {refused:?}"
        );
    }
);
