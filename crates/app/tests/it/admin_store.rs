//! Settings, storefront keys, draft order records, the dashboard and the audit log through the
//! admin API.

use chrono::{Duration, Utc};
use gridprice::api_keys::hash_key;
use gridprice_storage::api_keys as keys;
use gridprice_storage::draft_orders as records;
use gridprice_storage::stores;
use serde_json::{json, Value};

use crate::admin_support::{small_matrix, Admin};
use crate::support::{shop, TestStack};
use gridprice_storage::testing::{new_record, resend_check, shopify_order};

async fn key_is_usable(stack: &TestStack, full: &str) -> bool {
    keys::find_by_hash(stack.db(), &hash_key(full))
        .await
        .unwrap()
        .is_some_and(|key| key.is_usable(Utc::now()))
}

stack_test!(admin_settings_are_read_patched_and_validated, |stack| {
    let admin = Admin::demo(stack).await;
    let settings = admin.get("/app/api/settings").await;
    assert_eq!(
        settings.body,
        json!({
            "unitPreference": "mm",
            "outOfRangeDefault": "reject",
            "lineItemMode": "variant",
            "defaultAllowedOrigins": [],
            "acceptAutomaticDiscounts": false,
        })
    );
    let patched = admin
        .patch(
            "/app/api/settings",
            json!({"unitPreference": "in", "defaultAllowedOrigins": ["https://Shop.Example.com"]}),
        )
        .await;
    assert_eq!(patched.status, 200, "{patched:?}");
    assert_eq!(patched.body["unitPreference"], "in");
    assert_eq!(patched.body["lineItemMode"], "variant");
    assert_eq!(
        patched.body["defaultAllowedOrigins"],
        json!(["https://shop.example.com"])
    );

    let bad = admin
        .patch(
            "/app/api/settings",
            json!({
                "unitPreference": "yard",
                "outOfRangeDefault": "wrap",
                "lineItemMode": "bundle",
                "defaultAllowedOrigins": ["https://ok.example", "https://x.example/path"],
            }),
        )
        .await;
    for field in [
        "unitPreference",
        "outOfRangeDefault",
        "lineItemMode",
        "defaultAllowedOrigins[1]",
    ] {
        bad.assert_problem(422, field);
    }
    admin
        .patch("/app/api/settings", json!({"currency": "EUR"}))
        .await
        .assert_problem(400, "body");
    assert_eq!(admin.get("/app/api/settings").await.body, patched.body);
    let unchanged = admin
        .patch("/app/api/settings", json!({"unitPreference": "in"}))
        .await;
    assert_eq!(unchanged.body, patched.body);
    assert_eq!(
        admin.audit_actions().await,
        ["settings.update"],
        "a no-op is not a change"
    );

    // New matrices and keys take the defaults.
    let mut matrix = small_matrix("Inches");
    matrix.as_object_mut().unwrap().remove("unit");
    matrix.as_object_mut().unwrap().remove("outOfRange");
    let created = admin.post("/app/api/matrices", matrix).await;
    assert_eq!(created.body["unit"], "in", "{created:?}");
    assert_eq!(created.body["outOfRange"], "reject");
    let key = admin.post("/app/api/storefront-keys", json!({})).await;
    assert_eq!(
        key.body["allowedOrigins"],
        json!(["https://shop.example.com"])
    );

    let log = admin.get("/app/api/audit-log").await;
    let entry = log.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "settings.update")
        .cloned()
        .unwrap();
    assert_eq!(entry["before"]["unitPreference"], "mm");
    assert_eq!(entry["after"]["unitPreference"], "in");
});

stack_test!(
    admin_storefront_keys_are_listed_created_revoked_and_rotated,
    |stack| {
        let admin = Admin::demo(stack).await;
        let listed = admin.get("/app/api/storefront-keys").await;
        assert_eq!(listed.status, 200);
        let install_key = &listed.body["keys"][0];
        assert_eq!(install_key["status"], "active");
        assert!(stack
            .storefront_key()
            .starts_with(install_key["prefix"].as_str().unwrap()));
        let listing = listed.body.to_string();
        assert!(
            !listing.contains(stack.storefront_key()),
            "a listing never shows a key"
        );
        assert!(!listing.contains(&hash_key(stack.storefront_key())));

        let created = admin
            .post(
                "/app/api/storefront-keys",
                json!({"allowedOrigins": ["https://shop.example.com", "http://localhost:3000"]}),
            )
            .await;
        assert_eq!(created.status, 201, "{created:?}");
        let full = created.body["key"].as_str().unwrap().to_owned();
        assert!(full.starts_with("gp_pk_"));
        assert_eq!(created.body["kind"], "publishable");
        assert!(key_is_usable(stack, &full).await);
        let id = created.body["id"].as_i64().unwrap();
        assert!(!admin
            .get("/app/api/storefront-keys")
            .await
            .body
            .to_string()
            .contains(&full));

        for (body, field) in [
            (
                json!({"allowedOrigins": ["shop.example.com"]}),
                "allowedOrigins[0]",
            ),
            (
                json!({"allowedOrigins": ["https://a.example", "*"]}),
                "allowedOrigins[1]",
            ),
            (json!({"kind": "master"}), "kind"),
            (
                json!({"allowedOrigins": (0..21).map(|i| format!("https://s{i}.example")).collect::<Vec<_>>()}),
                "allowedOrigins",
            ),
        ] {
            admin
                .post("/app/api/storefront-keys", body)
                .await
                .assert_problem(422, field);
        }
        assert_eq!(
            admin.get("/app/api/storefront-keys").await.body["keys"]
                .as_array()
                .unwrap()
                .len(),
            2
        );

        let rotated = admin
            .post(&format!("/app/api/storefront-keys/{id}/rotate"), json!({}))
            .await;
        assert_eq!(rotated.status, 201, "{rotated:?}");
        let new_full = rotated.body["newKey"]["key"].as_str().unwrap().to_owned();
        assert_ne!(new_full, full);
        assert_eq!(
            rotated.body["newKey"]["allowedOrigins"],
            created.body["allowedOrigins"]
        );
        assert_eq!(rotated.body["previousKey"]["status"], "expiring");
        let expires: chrono::DateTime<Utc> =
            serde_json::from_value(rotated.body["previousKey"]["expiresAt"].clone()).unwrap();
        let grace = expires - Utc::now();
        assert!(
            grace > Duration::hours(23) && grace <= Duration::hours(24),
            "{grace}"
        );
        assert!(
            key_is_usable(stack, &full).await,
            "the old key works during the grace period"
        );
        assert!(key_is_usable(stack, &new_full).await);

        let revoked = admin
            .post(&format!("/app/api/storefront-keys/{id}/revoke"), json!({}))
            .await;
        assert_eq!(revoked.status, 200, "{revoked:?}");
        assert_eq!(revoked.body["status"], "revoked");
        assert!(!key_is_usable(stack, &full).await);
        let again = admin
            .post(&format!("/app/api/storefront-keys/{id}/rotate"), json!({}))
            .await;
        assert_eq!(again.status, 409, "{again:?}");
        assert_eq!(
            admin
                .post("/app/api/storefront-keys/999999/revoke", json!({}))
                .await
                .status,
            404
        );
        assert_eq!(
            admin.audit_actions().await,
            [
                "storefront_key.revoke",
                "storefront_key.rotate",
                "storefront_key.create"
            ]
        );
        let log = admin.get("/app/api/audit-log").await.body.to_string();
        assert!(
            !log.contains(&full) && !log.contains(&new_full),
            "keys never reach the log"
        );
    }
);

stack_test!(admin_dashboard_and_draft_order_records, |stack| {
    let admin = Admin::demo(stack).await;
    let store = stores::find_by_shop(stack.db(), &shop("demo-shop.myshopify.com"))
        .await
        .unwrap()
        .unwrap()
        .id;
    let empty = admin.get("/app/api/dashboard").await;
    assert_eq!(empty.status, 200, "{empty:?}");
    assert_eq!(empty.body["totalDraftOrdersCreated"], 0);
    assert_eq!(empty.body["matrixCount"], 1);
    assert_eq!(empty.body["assignedProductCount"], 1);
    assert_eq!(empty.body["optionGroupCount"], 2);
    assert_eq!(empty.body["latestDraftOrders"], json!([]));
    assert_eq!(
        empty.body["onboarding"],
        json!({"hasMatrix": true, "hasAssignment": true, "calculatorPlaced": false, "hasStorefrontKey": true, "firstKeyToReveal": false})
    );

    // Seven records: three created, one failed, three pending (one for another product).
    let mut ids = Vec::new();
    for n in 0..7 {
        let mut new = new_record(None, None);
        if n == 6 {
            new.product_gid = "gid://shopify/Product/8000000000002".to_owned();
        }
        let record = match records::insert_pending(stack.db(), store, new, chrono::Utc::now())
            .await
            .unwrap()
        {
            records::Inserted::New(record) => record,
            records::Inserted::Existing(record) => record,
        };
        if n < 3 {
            records::mark_created(
                stack.db(),
                store,
                record.id,
                &shopify_order(n),
                &resend_check(),
            )
            .await
            .unwrap();
        } else if n == 3 {
            records::mark_failed(stack.db(), store, record.id, "refused")
                .await
                .unwrap();
        }
        ids.push(record.id.get());
    }

    let dashboard = admin.get("/app/api/dashboard").await;
    assert_eq!(dashboard.body["totalDraftOrdersCreated"], 3);
    assert_eq!(dashboard.body["draftOrdersCreatedThisMonth"], 3);
    let latest: Vec<i64> = dashboard.body["latestDraftOrders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(latest, ids[2..].iter().rev().copied().collect::<Vec<_>>());

    let ids_of = |page: &Value| -> Vec<i64> {
        page["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    let created = admin.get("/app/api/draft-orders?status=created").await;
    assert_eq!(ids_of(&created.body), [ids[2], ids[1], ids[0]]);
    assert_eq!(created.body["records"][0]["total"], "60.00");
    assert_eq!(created.body["records"][0]["currency"], "USD");
    assert_eq!(created.body["records"][0]["status"], "created");
    let product = admin
        .get("/app/api/draft-orders?productId=8000000000002")
        .await;
    assert_eq!(ids_of(&product.body), [ids[6]]);
    let first_page = admin.get("/app/api/draft-orders?limit=4").await;
    assert_eq!(ids_of(&first_page.body).len(), 4);
    let cursor = first_page.body["nextBefore"].as_i64().unwrap();
    let second_page = admin
        .get(&format!("/app/api/draft-orders?limit=4&before={cursor}"))
        .await;
    assert_eq!(ids_of(&second_page.body), [ids[2], ids[1], ids[0]]);
    assert_eq!(second_page.body["nextBefore"], Value::Null);
    let today = Utc::now().date_naive();
    let dated = admin
        .get(&format!("/app/api/draft-orders?from={today}&to={today}"))
        .await;
    assert_eq!(ids_of(&dated.body).len(), 7, "{dated:?}");
    let future = admin.get("/app/api/draft-orders?from=2999-01-01").await;
    assert!(ids_of(&future.body).is_empty());

    let one = admin
        .get(&format!("/app/api/draft-orders/{}", ids[3]))
        .await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["status"], "failed");
    assert_eq!(one.body["error"], "refused");
    assert_eq!(admin.get("/app/api/draft-orders/999999").await.status, 404);

    for (query, field) in [
        ("status=lost", "status"),
        ("productId=abc", "productId"),
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("limit=101", "limit"),
        ("limit=0", "limit"),
    ] {
        admin
            .get(&format!("/app/api/draft-orders?{query}"))
            .await
            .assert_problem(400, field);
    }
    admin
        .get("/app/api/draft-orders?limit=lots")
        .await
        .assert_problem(400, "query");
});
