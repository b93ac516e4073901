//! Product assignments and option groups through the admin API: Shopify lookups, conflicts,
//! the five-group limit, and bad input refused with the database unchanged.

use serde_json::{json, Value};

use crate::admin_support::{small_matrix, Admin};

const DEMO_PRODUCT: &str = "gid://shopify/Product/8000000000001";
const ROLLER_BLIND: &str = "8000000000002";

fn glass_type() -> Value {
    json!({
        "name": "Glass type",
        "requirement": "REQUIRED",
        "choices": [
            {"label": "Clear", "modifierType": "FIXED", "modifierValue": "0", "isDefault": true},
            {"label": "Tempered", "modifierType": "FIXED", "modifierValue": "15.00"},
            {"label": "Laminated", "modifierType": "PERCENTAGE", "modifierValue": "20"},
        ],
    })
}

stack_test!(
    admin_assigning_a_matrix_needs_replace_to_move_a_product,
    |stack| {
        let admin = Admin::demo(stack).await;
        let blinds = admin
            .post("/app/api/matrices", small_matrix("Blinds"))
            .await;
        let blinds = blinds.body["id"].as_i64().unwrap();
        let demo = admin.matrix_id("Demo glass").await;
        let path = format!("/app/api/products/{}/matrix", urlencode(DEMO_PRODUCT));

        let conflict = admin.put(&path, json!({"matrixId": blinds})).await;
        assert_eq!(conflict.status, 409, "{conflict:?}");
        assert!(conflict.body["detail"]
            .as_str()
            .unwrap()
            .contains("Demo glass"));
        let list = admin.get("/app/api/products").await;
        assert_eq!(list.body["products"][0]["matrixId"], demo);

        let moved = admin
            .put(&path, json!({"matrixId": blinds, "replace": true}))
            .await;
        assert_eq!(moved.status, 200, "{moved:?}");
        assert_eq!(moved.body["matrixId"], blinds);
        assert_eq!(moved.body["matrixName"], "Blinds");
        assert_eq!(moved.body["productTitle"], "Glass panel");
        assert_eq!(
            moved.body["defaultVariantId"],
            "gid://shopify/ProductVariant/45000000000001"
        );

        // A bare numeric id works too; the title comes from Shopify.
        let roller = admin
            .put(
                &format!("/app/api/products/{ROLLER_BLIND}/matrix"),
                json!({"matrixId": demo}),
            )
            .await;
        assert_eq!(roller.status, 200, "{roller:?}");
        assert_eq!(
            roller.body["productId"],
            "gid://shopify/Product/8000000000002"
        );
        assert_eq!(roller.body["productTitle"], "Roller blind");
        let list = admin.get("/app/api/products").await;
        assert_eq!(list.body["products"].as_array().unwrap().len(), 2);
        let matrices = admin.get("/app/api/matrices").await;
        assert!(matrices.body["matrices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["assignedProducts"] == 1));

        let unknown_product = admin
            .put(
                "/app/api/products/8999999999999/matrix",
                json!({"matrixId": demo}),
            )
            .await;
        assert_eq!(unknown_product.status, 404, "{unknown_product:?}");
        let unknown_matrix = admin
            .put(
                &format!("/app/api/products/{ROLLER_BLIND}/matrix"),
                json!({"matrixId": 999_999}),
            )
            .await;
        assert_eq!(unknown_matrix.status, 404, "{unknown_matrix:?}");
        admin
            .put(
                "/app/api/products/not-a-product/matrix",
                json!({"matrixId": demo}),
            )
            .await
            .assert_problem(400, "productId");
        admin
            .put(&path, json!({"matrixId": "one"}))
            .await
            .assert_problem(400, "body");

        let unassigned = admin
            .delete(&format!("/app/api/products/{ROLLER_BLIND}/matrix"))
            .await;
        assert_eq!(unassigned.status, 204);
        let again = admin
            .delete(&format!("/app/api/products/{ROLLER_BLIND}/matrix"))
            .await;
        assert_eq!(again.status, 404);
        assert_eq!(
            admin.get("/app/api/products").await.body["products"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            admin.audit_actions().await,
            [
                "product.unassign_matrix",
                "product.assign_matrix",
                "product.assign_matrix",
                "matrix.create"
            ]
        );

        let search = admin.get("/app/api/shopify/products?query=Roller").await;
        assert_eq!(search.status, 200, "{search:?}");
        let hits = search.body["products"].as_array().unwrap();
        assert!(
            hits.iter().any(|p| p["title"] == "Roller blind"),
            "{search:?}"
        );
        let all = admin.get("/app/api/shopify/products").await;
        let glass = all.body["products"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == DEMO_PRODUCT)
            .cloned()
            .expect("the demo product is listed");
        assert_eq!(glass["matrixId"], blinds);
        let long = "x".repeat(300);
        admin
            .get(&format!("/app/api/shopify/products?query={long}"))
            .await
            .assert_problem(400, "query");
    }
);

stack_test!(admin_option_groups_crud_and_product_assignment, |stack| {
    let admin = Admin::demo(stack).await;
    let seeded = admin.get("/app/api/option-groups").await;
    assert_eq!(seeded.body["optionGroups"].as_array().unwrap().len(), 2);

    let mut body = glass_type();
    body["name"] = json!("Frame");
    let created = admin.post("/app/api/option-groups", body.clone()).await;
    assert_eq!(created.status, 201, "{created:?}");
    let id = created.body["id"].as_i64().unwrap();
    let choices = &created.body["choices"];
    assert_eq!(choices[1]["modifierValue"], "15.00");
    assert_eq!(choices[2]["modifierType"], "PERCENTAGE");
    assert_eq!(choices[2]["modifierValue"], "20");
    assert_eq!(choices[0]["isDefault"], true);
    assert_eq!(
        admin
            .get(&format!("/app/api/option-groups/{id}"))
            .await
            .body,
        created.body
    );

    body["requirement"] = json!("OPTIONAL");
    body["choices"] =
        json!([{"label": "Oak", "modifierType": "PERCENTAGE", "modifierValue": "-12.5"}]);
    let replaced = admin
        .put(&format!("/app/api/option-groups/{id}"), body)
        .await;
    assert_eq!(replaced.status, 200, "{replaced:?}");
    assert_eq!(replaced.body["version"], 2);
    assert_eq!(replaced.body["choices"][0]["modifierValue"], "-12.5");

    // Display order is the order given; a sixth group is refused.
    let groups = admin.get("/app/api/option-groups").await;
    let ids: Vec<i64> = groups.body["optionGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_i64().unwrap())
        .collect();
    let path = format!("/app/api/products/{ROLLER_BLIND}/option-groups");
    let order = vec![id, ids[0]];
    let set = admin.put(&path, json!({"optionGroupIds": order})).await;
    assert_eq!(set.status, 200, "{set:?}");
    let shown: Vec<i64> = admin.get(&path).await.body["optionGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_i64().unwrap())
        .collect();
    assert_eq!(shown, order);
    let mut many = ids.clone();
    for n in 0..4 {
        let mut extra = glass_type();
        extra["name"] = json!(format!("Extra {n}"));
        many.push(
            admin.post("/app/api/option-groups", extra).await.body["id"]
                .as_i64()
                .unwrap(),
        );
    }
    assert_eq!(many.len(), 7);
    admin
        .put(&path, json!({"optionGroupIds": many[..6]}))
        .await
        .assert_problem(422, "optionGroupIds");
    admin
        .put(&path, json!({"optionGroupIds": [id, id]}))
        .await
        .assert_problem(422, "optionGroupIds");
    let foreign = admin
        .put(&path, json!({"optionGroupIds": [id, 987_654]}))
        .await;
    assert_eq!(foreign.status, 404, "{foreign:?}");
    assert_eq!(
        admin.get(&path).await.body["optionGroups"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let cleared = admin.delete(&path).await;
    assert_eq!(cleared.status, 204);
    assert!(admin.get(&path).await.body["optionGroups"]
        .as_array()
        .unwrap()
        .is_empty());

    assert_eq!(
        admin
            .delete(&format!("/app/api/option-groups/{id}"))
            .await
            .status,
        204
    );
    assert_eq!(
        admin
            .get(&format!("/app/api/option-groups/{id}"))
            .await
            .status,
        404
    );
    let actions = admin.audit_actions().await;
    assert_eq!(actions[0], "option_group.delete");
    assert_eq!(actions[1], "product.set_option_groups");
    assert!(actions.contains(&"option_group.replace".to_owned()));
});

stack_test!(
    admin_bad_option_groups_are_refused_with_field_errors,
    |stack| {
        let admin = Admin::demo(stack).await;
        let before = admin.get("/app/api/option-groups").await.body;
        let with_choice = |index: usize, field: &str, value: Value| {
            let mut body = glass_type();
            body["choices"][index][field] = value;
            body
        };
        let mut no_choices = glass_type();
        no_choices["choices"] = json!([]);
        let mut too_many = glass_type();
        too_many["choices"] =
            json!((0..51)
        .map(|i| json!({"label": format!("C{i}"), "modifierType": "FIXED", "modifierValue": "1"}))
        .collect::<Vec<_>>());
        let mut long_name = glass_type();
        long_name["name"] = json!("n".repeat(101));
        let mut bad_requirement = glass_type();
        bad_requirement["requirement"] = json!("SOMETIMES");
        let cases = [
            (with_choice(1, "label", json!("clear")), "choices[1].label"),
            (with_choice(1, "label", json!("")), "choices[1].label"),
            (with_choice(1, "isDefault", json!(true)), "choices"),
            (
                with_choice(2, "modifierValue", json!("12.345")),
                "choices[2].modifierValue",
            ),
            (
                with_choice(2, "modifierValue", json!("-101")),
                "choices[2].modifierValue",
            ),
            (
                with_choice(1, "modifierValue", json!("1.001")),
                "choices[1].modifierValue",
            ),
            (
                with_choice(1, "modifierType", json!("MULTIPLY")),
                "choices[1].modifierType",
            ),
            (no_choices, "choices"),
            (too_many, "choices"),
            (long_name, "name"),
            (bad_requirement, "requirement"),
        ];
        for (body, field) in cases {
            admin
                .post("/app/api/option-groups", body)
                .await
                .assert_problem(422, field);
        }
        let group = before["optionGroups"][0]["id"].as_i64().unwrap();
        admin
            .put(
                &format!("/app/api/option-groups/{group}"),
                with_choice(0, "label", json!("")),
            )
            .await
            .assert_problem(422, "choices[0].label");
        assert_eq!(admin.get("/app/api/option-groups").await.body, before);
        assert!(admin.audit_actions().await.is_empty());
    }
);

/// Percent-encodes a GID for a path segment.
fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
