//! The option groups pages over HTTP (the browser test drives them in Chromium) and the admin
//! API they use: modifiers typed as money or percent and stored exactly, bad ones refused at
//! their field, names rendered as text, assignment to products within the per-product limit,
//! delete naming the products, and another shop kept out.

use gridprice_storage::options as storage;
use gridprice_storage::{stores, OptionGroupId};
use pricing::{BasisPoints, Modifier};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::admin_support::{Admin, Reply};
use crate::support::{shop, TestStack};

const DEMO: &str = "demo-shop.myshopify.com";
const RIVAL: &str = "rival-options.myshopify.com";
const DEMO_PRODUCT: &str = "gid://shopify/Product/8000000000001";

/// A page as the simulator's admin loads it in its iframe, for the demo shop.
async fn load(stack: &TestStack, path: &str, locale: &str) -> (StatusCode, String) {
    load_as(stack, DEMO, path, locale).await
}

async fn load_as(stack: &TestStack, shop: &str, path: &str, locale: &str) -> (StatusCode, String) {
    let token = stack
        .stack
        .session_token(shop)
        .await
        .expect("session token");
    let url = format!("{path}?embedded=1&shop={shop}&host=aG9zdA&locale={locale}&id_token={token}");
    let response = stack.http.get(stack.app(&url)).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// A group body with one choice per modifier text, labelled by position.
fn group(name: &str, modifiers: &[&str]) -> Value {
    let choices: Vec<Value> = modifiers
        .iter()
        .enumerate()
        .map(|(i, modifier)| json!({ "label": format!("Choice {i}"), "modifier": modifier }))
        .collect();
    json!({ "name": name, "requirement": "OPTIONAL", "choices": choices })
}

async fn create(admin: &Admin<'_>, body: Value) -> i64 {
    let created = admin.post("/app/api/option-groups", body).await;
    assert_eq!(created.status, 201, "{created:?}");
    created.body["id"].as_i64().expect("a group id")
}

async fn stored_modifiers(stack: &TestStack, id: i64) -> Vec<Modifier> {
    let store = stores::find_by_shop(stack.db(), &shop(DEMO))
        .await
        .unwrap()
        .expect("the demo store");
    storage::get_group(stack.db(), store.id, OptionGroupId::new(id))
        .await
        .unwrap()
        .choices
        .iter()
        .map(|choice| choice.modifier)
        .collect()
}

/// Not found, as a problem: another shop's things do not exist for it.
fn assert_not_found(reply: Reply) {
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{reply:?}");
    assert_eq!(reply.content_type, "application/problem+json", "{reply:?}");
}

fn percent(basis_points: i32) -> Modifier {
    Modifier::Percentage(BasisPoints::new(basis_points).unwrap())
}

stack_test!(
    option_group_pages_render_names_as_text_in_both_languages,
    |stack| {
        let admin = Admin::demo(stack).await;
        let id = create(
            &admin,
            group("<script>alert(1)</script> Frame", &["+15.00", "20%"]),
        )
        .await;
        for path in [
            "/app/option-groups".to_owned(),
            "/app/option-groups/new".to_owned(),
            format!("/app/option-groups/{id}"),
        ] {
            let (status, html) = load(stack, &path, "en").await;
            assert_eq!(status, StatusCode::OK, "{path}: {html}");
            assert!(!html.contains("<script>alert(1)"), "{path} escapes names");
            assert!(
                html.contains("/app/option-groups?embedded=1"),
                "{path}: the nav links to the option groups"
            );
        }
        let (_, index) = load(stack, "/app/option-groups", "en").await;
        assert!(
            index.contains("&#60;script&#62;alert(1)&#60;/script&#62; Frame"),
            "{index}"
        );
        assert!(index.contains("Glass type") && index.contains("Required"));
        assert!(index.contains("Create option group"));
        let (_, editor) = load(stack, &format!("/app/option-groups/{id}"), "en").await;
        assert!(
            editor.contains(r"\u003cscript>alert(1)\u003c/script> Frame"),
            "the editor's data cannot close its script element"
        );
        assert!(
            editor.contains(r#""modifier":"+15.00""#) && editor.contains(r#""modifier":"+20%""#)
        );
        assert!(
            editor.contains(r#"value="gid://shopify/Product/8000000000001" label="Glass panel""#),
            "the demo product can be chosen: {editor}"
        );
        let (_, german) = load(stack, "/app/option-groups", "de").await;
        assert!(german.contains("<html lang=\"de\">"));
        assert!(german.contains("Optionsgruppen") && german.contains("Optionsgruppe erstellen"));
        assert!(german.contains("Pflicht") && german.contains("Löschen"));
        let (_, german_editor) = load(stack, "/app/option-groups/new", "de").await;
        assert!(
            german_editor.contains("Neue Optionsgruppe") && german_editor.contains("Preisänderung")
        );

        // Another shop's group is not found, and this page does not exist for it.
        let (missing, _) = load(stack, "/app/option-groups/999999", "en").await;
        assert_eq!(missing, StatusCode::NOT_FOUND);
        let (bad, _) = load(stack, "/app/option-groups/abc", "en").await;
        assert_eq!(bad, StatusCode::BAD_REQUEST);

        // Without groups, the index leads to creating the first.
        let groups = admin.get("/app/api/option-groups").await.body;
        for group in groups["optionGroups"].as_array().unwrap() {
            let path = format!("/app/api/option-groups/{}", group["id"]);
            assert_eq!(admin.delete(&path).await.status, 204);
        }
        let (_, empty) = load(stack, "/app/option-groups", "en").await;
        assert!(empty.contains("<s-empty-state"), "{empty}");
        assert!(
            empty.contains("href=\"/app/option-groups/new?embedded=1"),
            "{empty}"
        );
    }
);

stack_test!(
    modifiers_typed_as_money_or_percent_are_stored_exactly,
    |stack| {
        let admin = Admin::demo(stack).await;
        let id = create(
            &admin,
            group("Frame", &["+15.00", "15.00", "-2.50", "20%", "-5%"]),
        )
        .await;
        assert_eq!(
            stored_modifiers(stack, id).await,
            vec![
                Modifier::Fixed(1500),
                Modifier::Fixed(1500),
                Modifier::Fixed(-250),
                percent(2000),
                percent(-500)
            ]
        );
        let shown = admin
            .get(&format!("/app/api/option-groups/{id}"))
            .await
            .body;
        let texts: Vec<&str> = shown["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["modifier"].as_str().unwrap())
            .collect();
        assert_eq!(texts, ["+15.00", "+15.00", "-2.50", "+20%", "-5%"]);
        assert_eq!(shown["choices"][2]["modifierValue"], "-2.50");
        assert_eq!(shown["choices"][4]["modifierType"], "PERCENTAGE");

        // Bad ones are refused at their field and nothing is written.
        let before = admin.get("/app/api/option-groups").await.body;
        for (bad, why) in [
            ("abc", "neither an amount"),
            ("20%%", "neither an amount"),
            ("+-5", "neither an amount"),
            ("15.001", "more decimals than USD allows"),
            ("12.345%", "at most 2 decimals"),
            ("-101%", "between -100% and +10000%"),
        ] {
            let refused = admin
                .post("/app/api/option-groups", group("Bad", &["1.00", bad]))
                .await;
            refused.assert_problem(422, "choices[1].modifier");
            let message = refused.errors()["choices[1].modifier"].to_string();
            assert!(message.contains(why), "{bad}: {message}");
            let replaced = admin
                .put(
                    &format!("/app/api/option-groups/{id}"),
                    group("Frame", &[bad]),
                )
                .await;
            replaced.assert_problem(422, "choices[0].modifier");
        }
        // One form of a modifier per choice.
        let both = json!({ "name": "Both", "requirement": "OPTIONAL", "choices": [
            { "label": "A", "modifier": "1.00", "modifierType": "FIXED", "modifierValue": "1.00" }
        ]});
        admin
            .post("/app/api/option-groups", both)
            .await
            .assert_problem(422, "choices[0].modifier");
        assert_eq!(admin.get("/app/api/option-groups").await.body, before);
        assert_eq!(
            stored_modifiers(stack, id).await.len(),
            5,
            "the group is unchanged"
        );
    }
);

stack_test!(
    a_group_goes_on_products_within_the_limit_and_delete_names_them,
    |stack| {
        let admin = Admin::demo(stack).await;
        let id = create(&admin, group("Frame", &["0.00", "+15.00"])).await;
        let products = format!("/app/api/option-groups/{id}/products");
        let set = admin
            .put(&products, json!({ "productIds": [DEMO_PRODUCT] }))
            .await;
        assert_eq!(set.status, 200, "{set:?}");
        assert_eq!(set.body, json!({ "productIds": [DEMO_PRODUCT] }));

        // The storefront shows it after the demo product's two seeded groups.
        let options: Value = stack
            .http
            .get(stack.app("/api/v1/products/8000000000001/options"))
            .header("x-api-key", stack.storefront_key())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let names: Vec<&str> = options["optionGroups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Glass type", "Edge finish", "Frame"]);

        // The index names the product, for the delete confirmation too.
        let (_, index) = load(stack, "/app/option-groups", "en").await;
        assert!(
            index.contains("data-name=\"Frame\" data-products=\"Glass panel\""),
            "{index}"
        );

        // Two more fill the product's five; a sixth is refused naming it, and nothing changes.
        let fourth = create(&admin, group("Hinges", &["+1.00"])).await;
        let fifth = create(&admin, group("Handle", &["+2.00"])).await;
        for group in [fourth, fifth] {
            let path = format!("/app/api/option-groups/{group}/products");
            let set = admin
                .put(&path, json!({ "productIds": [DEMO_PRODUCT] }))
                .await;
            assert_eq!(set.status, 200, "{set:?}");
        }
        let sixth = create(&admin, group("Seal", &["+3.00"])).await;
        let refused = admin
            .put(
                &format!("/app/api/option-groups/{sixth}/products"),
                json!({ "productIds": [DEMO_PRODUCT] }),
            )
            .await;
        refused.assert_problem(422, "productIds[0]");
        let message = refused.errors()["productIds[0]"].to_string();
        assert!(
            message.contains("Glass panel") && message.contains('5'),
            "{message}"
        );
        let (_, sixth_page) = load(stack, &format!("/app/option-groups/{sixth}"), "en").await;
        assert!(sixth_page.contains("data-others=\"5\""), "{sixth_page}");
        assert!(
            !sixth_page.contains(" checked>"),
            "the sixth is on no product"
        );

        // A product without a matrix in this store cannot get it; malformed ids are named.
        assert_not_found(
            admin
                .put(
                    &products,
                    json!({ "productIds": ["gid://shopify/Product/8000000000999"] }),
                )
                .await,
        );
        admin
            .put(&products, json!({ "productIds": ["not a product"] }))
            .await
            .assert_problem(422, "productIds[0]");
        admin
            .put(
                &products,
                json!({ "productIds": [DEMO_PRODUCT, DEMO_PRODUCT] }),
            )
            .await
            .assert_problem(422, "productIds");

        // Off again: the product keeps its other groups in their order.
        let cleared = admin.put(&products, json!({ "productIds": [] })).await;
        assert_eq!(cleared.body, json!({ "productIds": [] }));
        let (_, index) = load(stack, "/app/option-groups", "en").await;
        assert!(
            index.contains("data-name=\"Frame\" data-products=\"\""),
            "{index}"
        );
        assert!(
            index.contains("data-name=\"Glass type\" data-products=\"Glass panel\""),
            "{index}"
        );
        let actions = admin.audit_actions().await;
        assert_eq!(
            actions
                .iter()
                .filter(|a| *a == "option_group.set_products")
                .count(),
            4,
            "{actions:?}"
        );
    }
);

stack_test!(
    another_shop_can_neither_see_nor_assign_this_shops_groups,
    |stack| {
        let admin = Admin::demo(stack).await;
        let id = create(&admin, group("Frame", &["+15.00"])).await;
        stack.install_new_shop(RIVAL).await;
        let rival = Admin::of_shop(stack, RIVAL).await;

        let (status, _) = load_as(stack, RIVAL, &format!("/app/option-groups/{id}"), "en").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, index) = load_as(stack, RIVAL, "/app/option-groups", "en").await;
        assert!(
            !index.contains("Frame") && index.contains("<s-empty-state"),
            "{index}"
        );
        assert_not_found(
            rival
                .put(
                    &format!("/app/api/option-groups/{id}/products"),
                    json!({ "productIds": [] }),
                )
                .await,
        );
        // Its own group cannot go on this shop's product either.
        let own = create(&rival, group("Rival", &["+1.00"])).await;
        assert_not_found(
            rival
                .put(
                    &format!("/app/api/option-groups/{own}/products"),
                    json!({ "productIds": [DEMO_PRODUCT] }),
                )
                .await,
        );
        let (_, editor) = load_as(stack, RIVAL, &format!("/app/option-groups/{own}"), "en").await;
        assert!(
            !editor.contains("Glass panel"),
            "another shop's products are not offered"
        );
        let products = admin
            .get("/app/api/products/8000000000001/option-groups")
            .await;
        assert_eq!(products.body["optionGroups"].as_array().unwrap().len(), 2);
    }
);
