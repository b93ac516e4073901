//! Tenant isolation and authentication of the admin API: another shop's staff cannot read or
//! change this shop's data (404, never a leak), and bad session tokens get 401 with App Bridge's
//! retry header.

use reqwest::Method;
use serde_json::{json, Value};

use crate::admin_support::{reply, small_matrix, Admin};
use crate::support::{shop, TestStack};

const RIVAL: &str = "rival-shop.myshopify.com";

async fn install_rival(stack: &TestStack) {
    stack.install_new_shop(RIVAL).await;
}

stack_test!(
    admin_another_shop_can_neither_read_nor_change_this_shops_data,
    |stack| {
        let admin = Admin::demo(stack).await;
        let matrix = admin.matrix_id("Demo glass").await;
        let groups = admin.get("/app/api/option-groups").await.body;
        let group = groups["optionGroups"][0]["id"].as_i64().unwrap();
        let key = admin.get("/app/api/storefront-keys").await.body["keys"][0]["id"]
            .as_i64()
            .unwrap();
        let record_path = {
            use gridprice_storage::draft_orders as records;
            let store = gridprice_storage::stores::find_by_shop(
                stack.db(),
                &shop("demo-shop.myshopify.com"),
            )
            .await
            .unwrap()
            .unwrap()
            .id;
            let new = gridprice_storage::testing::new_record(None, None);
            match records::insert_pending(stack.db(), store, new, chrono::Utc::now())
                .await
                .unwrap()
            {
                records::Inserted::New(record) | records::Inserted::Existing(record) => {
                    format!("/app/api/draft-orders/{}", record.id.get())
                }
            }
        };
        let before = (
            admin.get(&format!("/app/api/matrices/{matrix}")).await.body,
            admin.get("/app/api/option-groups").await.body,
            admin.get("/app/api/products").await.body,
            admin.get("/app/api/storefront-keys").await.body,
        );

        install_rival(stack).await;
        let rival = Admin::of_shop(stack, RIVAL).await;
        // The rival sees an empty store of its own.
        assert_eq!(
            rival.get("/app/api/matrices").await.body,
            json!({"matrices": []})
        );
        assert_eq!(
            rival.get("/app/api/products").await.body,
            json!({"products": []})
        );
        assert_eq!(
            rival.get("/app/api/option-groups").await.body,
            json!({"optionGroups": []})
        );
        assert_eq!(
            rival.get("/app/api/draft-orders").await.body["records"],
            json!([])
        );
        assert_eq!(rival.get("/app/api/dashboard").await.body["matrixCount"], 0);

        let m = format!("/app/api/matrices/{matrix}");
        let g = format!("/app/api/option-groups/{group}");
        let attempts: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, m.clone(), None),
            (Method::GET, format!("{m}/export.csv"), None),
            (Method::PATCH, m.clone(), Some(json!({"name": "Mine now"}))),
            (
                Method::PUT,
                m.clone(),
                Some(json!({"version": 1, "widths": ["1"], "heights": ["1"], "cells": [["1"]]})),
            ),
            (Method::POST, format!("{m}/duplicate"), Some(json!({}))),
            (Method::DELETE, m.clone(), None),
            (Method::GET, g.clone(), None),
            (
                Method::PUT,
                g.clone(),
                Some(
                    json!({"name": "X", "requirement": "OPTIONAL", "choices": [{"label": "A", "modifierType": "FIXED", "modifierValue": "1"}]}),
                ),
            ),
            (Method::DELETE, g.clone(), None),
            (Method::GET, record_path.clone(), None),
            (
                Method::POST,
                format!("/app/api/storefront-keys/{key}/revoke"),
                Some(json!({})),
            ),
            (
                Method::POST,
                format!("/app/api/storefront-keys/{key}/rotate"),
                Some(json!({})),
            ),
            (
                Method::PUT,
                "/app/api/products/8000000000002/option-groups".to_owned(),
                Some(json!({"optionGroupIds": [group]})),
            ),
        ];
        for (method, path, body) in attempts {
            let answer = rival.send(method.clone(), &path, body).await;
            assert_eq!(answer.status, 404, "{method} {path}: {answer:?}");
            assert_eq!(answer.content_type, "application/problem+json");
        }
        // The rival's own matrix cannot be pointed at from here either.
        let own = rival
            .post("/app/api/matrices", small_matrix("Rival grid"))
            .await;
        let own = own.body["id"].as_i64().unwrap();
        let cross = admin
            .put(
                "/app/api/products/8000000000002/matrix",
                json!({"matrixId": own}),
            )
            .await;
        assert_eq!(cross.status, 404, "{cross:?}");

        let after = (
            admin.get(&format!("/app/api/matrices/{matrix}")).await.body,
            admin.get("/app/api/option-groups").await.body,
            admin.get("/app/api/products").await.body,
            admin.get("/app/api/storefront-keys").await.body,
        );
        assert_eq!(after, before);
        assert!(admin.audit_actions().await.is_empty());
        assert_eq!(rival.audit_actions().await, ["matrix.create"]);
    }
);

stack_test!(
    admin_requests_without_a_valid_session_token_get_401_and_the_retry_header,
    |stack| {
        let valid = stack.admin_token().await;
        let mut tampered = valid.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        let expired: Value = stack
            .http
            .post(stack.sim("/_sim/session-token"))
            .json(&json!({"shop": "demo-shop.myshopify.com", "expiresIn": -120}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let expired = expired["idToken"].as_str().unwrap().to_owned();
        let paths = [
            (Method::GET, "/app/api/matrices"),
            (Method::POST, "/app/api/matrices"),
            (Method::GET, "/app/api/dashboard"),
            (Method::PATCH, "/app/api/settings"),
            (Method::GET, "/app/api/audit-log"),
            (Method::GET, "/app/api/draft-orders"),
            (Method::POST, "/app/api/storefront-keys"),
        ];
        for (method, path) in paths {
            for token in [None, Some(tampered.as_str()), Some(expired.as_str())] {
                let mut request = stack
                    .http
                    .request(method.clone(), stack.app(path))
                    .json(&small_matrix("Sneaky"));
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let response = request.send().await.unwrap();
                let header = response
                    .headers()
                    .get("x-shopify-retry-invalid-session-request")
                    .cloned();
                let answer = reply(response).await;
                assert_eq!(answer.status, 401, "{method} {path} {token:?}: {answer:?}");
                assert_eq!(header.as_ref().map(|h| h.to_str().unwrap()), Some("1"));
                assert_eq!(answer.content_type, "application/problem+json");
            }
        }
        let admin = Admin::demo(stack).await;
        assert_eq!(
            admin.get("/app/api/matrices").await.body["matrices"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
);
