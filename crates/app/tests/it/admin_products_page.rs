//! The Products page over HTTP and what keeps it true: the list with pictures, matrices and
//! option groups; a move only with the merchant's consent naming the matrix it leaves; at most
//! five option groups; no crossing between stores; and Shopify's `products/update` and
//! `products/delete`, sent signed by the simulator when a product is edited or deleted there.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::admin_pages::{assert_manifest_names, load};
use crate::admin_support::{small_matrix, Admin};
use crate::support::TestStack;

const DEMO: &str = "demo-shop.myshopify.com";
const GLASS_PANEL: &str = "gid://shopify/Product/8000000000001";
const GLASS_PANEL_ID: u64 = 8_000_000_000_001;
const ROLLER_BLIND: &str = "gid://shopify/Product/8000000000002";
const OTHER_SHOP: &str = "other-shop.myshopify.com";
/// The other shop's copy of the demo catalogue comes after the demo shop's four products
/// (Shopify ids are unique across shops).
const OTHER_GLASS_PANEL: &str = "gid://shopify/Product/8000000000005";

fn matrix_path(product: &str) -> String {
    format!("/app/api/products/{}/matrix", urlencode(product))
}

fn groups_path(product: &str) -> String {
    format!("/app/api/products/{}/option-groups", urlencode(product))
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The assignment of `product` as the admin API lists it, if any.
async fn assignment(admin: &Admin<'_>, product: &str) -> Option<Value> {
    let list = admin.get("/app/api/products").await;
    assert_eq!(list.status, 200, "{list:?}");
    list.body["products"]
        .as_array()
        .expect("products")
        .iter()
        .find(|p| p["productId"] == product)
        .cloned()
}

async fn group_ids(admin: &Admin<'_>, product: &str) -> Vec<i64> {
    admin.get(&groups_path(product)).await.body["optionGroups"]
        .as_array()
        .expect("option groups")
        .iter()
        .map(|g| g["id"].as_i64().expect("an id"))
        .collect()
}

/// Waits (bounded) until every webhook job has run: deliveries are answered at once and
/// worked on in the background.
/// The merchant edits or deletes a product in the simulator's Shopify, which tells the app.
async fn in_shopify(stack: &TestStack, method: reqwest::Method, product: u64, body: Value) {
    let url = stack.sim(&format!("/_sim/shops/{DEMO}/products/{product}"));
    let mut request = stack.http.request(method, url);
    if !body.is_null() {
        request = request.json(&body);
    }
    let report: Value = request.send().await.unwrap().json().await.unwrap();
    assert_eq!(
        report["webhook"]["deliveries"][0]["status"], 200,
        "the app acknowledged: {report}"
    );
    stack.webhooks_processed().await;
}

/// Delivers `topic` and waits until the app has processed it.
async fn deliver(stack: &TestStack, shop: &str, topic: &str, payload: Value, duplicate: bool) {
    stack.deliver_webhook(shop, topic, payload, duplicate).await;
    stack.webhooks_processed().await;
}

stack_test!(
    the_products_page_lists_pictures_matrices_and_option_groups,
    |stack| {
        let admin = Admin::demo(stack).await;
        let demo = admin.matrix_id("Demo glass").await;
        // The dev seed names the demo product offline; assigning asks Shopify for its picture.
        admin
            .put(&matrix_path(ROLLER_BLIND), json!({ "matrixId": demo }))
            .await;
        let (status, policy, html) = load(stack, "/app/products", "en").await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(policy.starts_with("frame-ancestors https://demo-shop.myshopify.com "));
        assert_manifest_names(&html, "/app/products");
        assert!(html.contains("href=\"/app/products?"), "in the navigation");
        for part in [
            "Glass panel",
            "Roller blind",
            "Demo glass",
            "/_sim/images/products/8000000000002.svg?v=1",
            "Glass type, Edge finish",
            &format!("/app/matrices/{demo}?embedded=1"),
            "Choose products",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }

        let (_, _, german) = load(stack, "/app/products", "de").await;
        assert!(german.contains("<html lang=\"de\">"));
        for part in ["Produkte", "Produkte auswählen", "Zuweisung aufheben"] {
            assert!(german.contains(part), "{part}");
        }
        assert!(
            german.contains("Nach oben"),
            "the script's strings in German"
        );
    }
);

stack_test!(empty_states_lead_to_the_first_matrix_and_product, |stack| {
    stack.install_new_shop(OTHER_SHOP).await;
    let token = stack.stack.session_token(OTHER_SHOP).await.unwrap();
    let page = |token: String| async move {
        let url = format!(
            "/app/products?embedded=1&shop={OTHER_SHOP}&host=aG9zdA&locale=en&id_token={token}"
        );
        let response = stack.http.get(stack.app(&url)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    };
    let no_matrix = page(token.clone()).await;
    assert!(
        no_matrix.contains("Create a price matrix first") && no_matrix.contains("/app/matrices?"),
        "{no_matrix}"
    );
    assert!(!no_matrix.contains("assign-pick"));
    let other = Admin::of_shop(stack, OTHER_SHOP).await;
    assert_eq!(
        other
            .post("/app/api/matrices", small_matrix("Blinds"))
            .await
            .status,
        201
    );
    let no_product = page(token).await;
    assert!(
        no_product.contains("Assign your first product") && no_product.contains("assign-pick"),
        "{no_product}"
    );
    assert!(no_product.contains(">Blinds</s-option>"), "{no_product}");
});

stack_test!(
    a_product_moves_only_from_the_matrix_the_merchant_agreed_to,
    |stack| {
        let admin = Admin::demo(stack).await;
        let demo = admin.matrix_id("Demo glass").await;
        let blinds = admin
            .post("/app/api/matrices", small_matrix("Blinds"))
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let third = admin
            .post("/app/api/matrices", small_matrix("Third"))
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let path = matrix_path(GLASS_PANEL);

        let silent = admin.put(&path, json!({ "matrixId": blinds })).await;
        assert_eq!(silent.status, 409, "{silent:?}");
        // The merchant agreed to take it from Third, but it is on Demo glass: refused.
        let stale = admin
            .put(
                &path,
                json!({ "matrixId": blinds, "replace": true, "fromMatrixId": third }),
            )
            .await;
        assert_eq!(stale.status, 409, "{stale:?}");
        assert!(stale.body["detail"]
            .as_str()
            .unwrap()
            .contains("Demo glass"));
        admin
            .put(&path, json!({ "matrixId": blinds, "fromMatrixId": demo }))
            .await
            .assert_problem(400, "fromMatrixId");
        assert_eq!(
            assignment(&admin, GLASS_PANEL).await.unwrap()["matrixId"],
            demo,
            "nothing moved"
        );

        let moved = admin
            .put(
                &path,
                json!({ "matrixId": blinds, "replace": true, "fromMatrixId": demo }),
            )
            .await;
        assert_eq!(moved.status, 200, "{moved:?}");
        assert_eq!(moved.body["matrixName"], "Blinds");
        assert_eq!(
            moved.body["productImageUrl"],
            stack.sim("/_sim/images/products/8000000000001.svg?v=1")
        );
        assert_eq!(
            admin.audit_actions().await[..2],
            ["product.assign_matrix", "matrix.create"]
        );
    }
);

stack_test!(a_product_shows_at_most_five_option_groups, |stack| {
    let admin = Admin::demo(stack).await;
    let mut ids = group_ids(&admin, GLASS_PANEL).await;
    assert_eq!(ids.len(), 2, "the demo product's seeded groups");
    for n in 0..4 {
        let body = json!({
            "name": format!("Extra {n}"),
            "requirement": "OPTIONAL",
            "choices": [{ "label": "None", "modifierType": "FIXED", "modifierValue": "0" }],
        });
        ids.push(
            admin.post("/app/api/option-groups", body).await.body["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let path = groups_path(GLASS_PANEL);
    let mut five: Vec<i64> = ids[..5].to_vec();
    five.reverse();
    let set = admin.put(&path, json!({ "optionGroupIds": five })).await;
    assert_eq!(set.status, 200, "{set:?}");
    let six = admin.put(&path, json!({ "optionGroupIds": ids })).await;
    six.assert_problem(422, "optionGroupIds");
    assert!(
        six.body["errors"]["optionGroupIds"][0]
            .as_str()
            .unwrap()
            .contains("at most 5"),
        "{six:?}"
    );
    assert_eq!(group_ids(&admin, GLASS_PANEL).await, five, "unchanged");
    let (_, _, html) = load(stack, "/app/products", "en").await;
    assert!(
        html.contains("Extra 2, Extra 1, Extra 0, Edge finish, Glass type"),
        "in the merchant's order: {html}"
    );
});

stack_test!(no_store_reaches_another_stores_products, |stack| {
    let admin = Admin::demo(stack).await;
    let demo = admin.matrix_id("Demo glass").await;
    let demo_groups = group_ids(&admin, GLASS_PANEL).await;
    stack.install_new_shop(OTHER_SHOP).await;
    let other = Admin::of_shop(stack, OTHER_SHOP).await;

    // The demo store's matrix and groups are unknown to the other store, and its product's
    // assignment is not the other store's to remove.
    let path = matrix_path(GLASS_PANEL);
    for (method, reply) in [
        (
            "PUT its own product on the demo store's matrix",
            other
                .put(&matrix_path(OTHER_GLASS_PANEL), json!({ "matrixId": demo }))
                .await,
        ),
        (
            "PUT matrix",
            other
                .put(
                    &path,
                    json!({ "matrixId": demo, "replace": true, "fromMatrixId": demo }),
                )
                .await,
        ),
        ("DELETE matrix", other.delete(&path).await),
        (
            "PUT option groups",
            other
                .put(
                    &groups_path(GLASS_PANEL),
                    json!({ "optionGroupIds": demo_groups }),
                )
                .await,
        ),
    ] {
        assert_eq!(reply.status, 404, "{method}: {reply:?}");
    }
    assert!(assignment(&other, GLASS_PANEL).await.is_none());
    let token = stack.stack.session_token(OTHER_SHOP).await.unwrap();
    let url = format!(
        "/app/products?embedded=1&shop={OTHER_SHOP}&host=aG9zdA&locale=en&id_token={token}"
    );
    let page = stack
        .http
        .get(stack.app(&url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Glass panel") && !page.contains("Demo glass"));

    // The other shop's webhooks about the same product id touch only the other store.
    let update = json!({ "id": GLASS_PANEL_ID, "title": "Stolen name", "image": null });
    deliver(stack, OTHER_SHOP, "products/update", update, false).await;
    deliver(
        stack,
        OTHER_SHOP,
        "products/delete",
        json!({ "id": GLASS_PANEL_ID }),
        false,
    )
    .await;
    let kept = assignment(&admin, GLASS_PANEL)
        .await
        .expect("still assigned");
    assert_eq!(
        (&kept["productTitle"], &kept["matrixId"]),
        (&json!("Glass panel"), &json!(demo))
    );
    assert_eq!(group_ids(&admin, GLASS_PANEL).await, demo_groups);
});

stack_test!(
    editing_a_product_in_shopify_refreshes_its_title_and_picture,
    |stack| {
        let admin = Admin::demo(stack).await;
        in_shopify(
            stack,
            reqwest::Method::PUT,
            GLASS_PANEL_ID,
            json!({ "title": "<b>Glass</b> panel, tempered" }),
        )
        .await;
        let refreshed = assignment(&admin, GLASS_PANEL).await.unwrap();
        assert_eq!(refreshed["productTitle"], "<b>Glass</b> panel, tempered");
        assert_eq!(
            refreshed["productImageUrl"],
            stack.sim("/_sim/images/products/8000000000001.svg?v=2")
        );
        let (_, _, html) = load(stack, "/app/products", "en").await;
        assert!(
            html.contains("&#60;b&#62;Glass&#60;/b&#62; panel, tempered"),
            "escaped: {html}"
        );
        assert!(!html.contains("<b>Glass</b>"));

        // An edit that changes neither title nor picture writes nothing; a change delivered
        // twice is taken once. Every entry is Shopify's.
        in_shopify(
            stack,
            reqwest::Method::PUT,
            GLASS_PANEL_ID,
            json!({ "status": "ARCHIVED" }),
        )
        .await;
        let payload = json!({
            "id": GLASS_PANEL_ID,
            "title": "Glass panel",
            "image": { "src": "https://cdn.example/glass.png?v=3" },
        });
        deliver(stack, DEMO, "products/update", payload, true).await;
        let log = admin.get("/app/api/audit-log?limit=100").await;
        let updates: Vec<&Value> = log.body["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "product.update")
            .collect();
        assert_eq!(updates.len(), 2, "{log:?}");
        assert!(
            updates.iter().all(|e| e["actor"] == "shopify"),
            "{updates:?}"
        );
        let now = assignment(&admin, GLASS_PANEL).await.unwrap();
        assert_eq!(
            (&now["productTitle"], &now["productImageUrl"]),
            (
                &json!("Glass panel"),
                &json!("https://cdn.example/glass.png?v=3")
            )
        );
    }
);

stack_test!(
    deleting_a_product_in_shopify_removes_its_assignments_and_keeps_its_orders,
    |stack| {
        let admin = Admin::demo(stack).await;
        let placed = stack
            .http
            .post(stack.app("/api/v1/draft-orders"))
            .header("x-api-key", stack.storefront_key())
            .json(&json!({ "productId": "8000000000001", "width": 450, "height": 250 }))
            .send()
            .await
            .unwrap();
        assert_eq!(placed.status(), StatusCode::CREATED);

        // A forged delivery is refused and changes nothing.
        let forged = stack
            .http
            .post(stack.app("/webhooks"))
            .header("content-type", "application/json")
            .header(
                "x-shopify-hmac-sha256",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            )
            .header("x-shopify-topic", "products/delete")
            .header("x-shopify-shop-domain", DEMO)
            .header("x-shopify-api-version", "2026-10")
            .header("x-shopify-webhook-id", "forged-1")
            .body(json!({ "id": GLASS_PANEL_ID }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
        stack.webhooks_processed().await;
        assert!(assignment(&admin, GLASS_PANEL).await.is_some());

        in_shopify(stack, reqwest::Method::DELETE, GLASS_PANEL_ID, Value::Null).await;
        assert!(assignment(&admin, GLASS_PANEL).await.is_none());
        assert!(group_ids(&admin, GLASS_PANEL).await.is_empty());
        let orders = admin.get("/app/api/draft-orders").await;
        assert_eq!(orders.status, 200, "{orders:?}");
        let records = orders.body["records"].as_array().unwrap();
        assert_eq!(records.len(), 1, "the history stays: {orders:?}");
        assert_eq!(records[0]["productId"], GLASS_PANEL);
        let (_, _, page) = load(stack, "/app/draft-orders", "en").await;
        assert!(page.contains("Glass panel"), "{page}");
        let (_, _, products) = load(stack, "/app/products", "en").await;
        assert!(products.contains("Assign your first product"), "{products}");

        // Delivered again (a retry, the same event twice): nothing more happens.
        deliver(
            stack,
            DEMO,
            "products/delete",
            json!({ "id": GLASS_PANEL_ID }),
            true,
        )
        .await;
        let actions = admin.audit_actions().await;
        assert_eq!(
            actions.iter().filter(|a| *a == "product.delete").count(),
            1,
            "{actions:?}"
        );
        let price = stack
            .http
            .get(stack.app("/api/v1/products/8000000000001/price?width=450&height=250"))
            .header("x-api-key", stack.storefront_key())
            .send()
            .await
            .unwrap();
        assert_eq!(price.status(), StatusCode::NOT_FOUND, "no longer priced");
    }
);
