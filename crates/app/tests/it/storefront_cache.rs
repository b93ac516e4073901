//! The catalogue cache behind the storefront: warm requests are served from memory, a write is
//! visible to the very next request, also across two instances sharing one PostgreSQL
//! database; and the OpenAPI document describes what the API really answers.

use std::time::{Duration, Instant};

use gridprice::catalog::CatalogCache;
use gridprice_storage::api_keys::{self, KeyKind};
use gridprice_storage::audit::Action;
use gridprice_storage::entities::matrix_cells;
use gridprice_storage::options::{self, NewChoice, NewOptionGroup};
use gridprice_storage::testing::{connection, test_editor, write};
use gridprice_storage::{matrices, products, ApiKeyId, Database, StoreId, UnitOfWork};
use pricing::{OutOfRangePolicy, PriceMatrix, Unit};
use reqwest::{Method, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::storefront_support::*;
use crate::support::{usd, TestStack};

const SIZE: &str = "width=600&height=400";

/// The demo grid with every price raised by `cents`.
fn raised_demo(cents: i64) -> PriceMatrix {
    let mut csv = String::new();
    for (h, height) in [200, 400, 600].into_iter().enumerate() {
        for (w, width) in [300, 600, 900].into_iter().enumerate() {
            let base = [[1000, 1500, 2000], [2500, 3000, 3500], [4000, 4500, 5000]][h][w];
            csv.push_str(&format!("{width},{height},{}\n", dollars(base + cents)));
        }
    }
    pricing::csv::import_matrix(
        csv.as_bytes(),
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        usd(),
    )
    .expect("a valid grid")
}

/// Raises every price of the demo store's matrix in the database behind the app's back — no
/// unit of work, so nobody is told: what only a cache that reads memory does not see.
async fn raise_behind_the_back(db: &Database, store: StoreId, cents: i64) {
    let current = matrices::list(db, store).await.expect("list")[0].clone();
    matrix_cells::Entity::update_many()
        .col_expr(
            matrix_cells::Column::PriceMinor,
            Expr::col(matrix_cells::Column::PriceMinor).add(cents),
        )
        .filter(matrix_cells::Column::MatrixId.eq(current.id.get()))
        .exec(connection(db))
        .await
        .expect("raise the prices");
}

/// Replaces the demo store's matrix the way the admin does: one unit of work, which tells this
/// instance's catalogue at once and every other instance by a NOTIFY delivered with the commit.
async fn replace(db: &Database, store: StoreId, matrix: &PriceMatrix) {
    let current = matrices::list(db, store).await.expect("list")[0].clone();
    write(db, store, Action::MatrixReplace, async |work| {
        matrices::replace(work, current.id, current.version, matrix).await
    })
    .await
    .expect("replace");
}

async fn wait_until_coherent(catalog: &CatalogCache) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !catalog.is_coherent() {
        assert!(
            Instant::now() < deadline,
            "the catalogue listener never listened"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn unit_price(http: &reqwest::Client, base: &str, key: &str) -> Value {
    let url = format!("{base}{}", price_path(SIZE));
    let answer = call(http, Method::GET, &url, Some(key), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.json["unitPriceMinor"].clone()
}

/// Polls until `base` answers `expected`: another instance hears of a write within moments.
async fn eventually(http: &reqwest::Client, base: &str, key: &str, expected: i64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let seen = unit_price(http, base, key).await;
        if seen == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{base} still answers {seen}, not {expected}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

stack_test!(storefront_sees_a_write_on_the_very_next_request, |stack| {
    wait_until_coherent(&stack.state().catalog).await;
    let store = demo_store(stack).await;
    let (app, key) = (stack.app(""), stack.storefront_key().to_owned());
    assert_eq!(unit_price(&stack.http, &app, &key).await, 3000);

    // Warm requests read memory, not the database: a change made behind the app's back is not
    // seen...
    raise_behind_the_back(stack.db(), store.id, 50).await;
    assert_eq!(unit_price(&stack.http, &app, &key).await, 3000);
    // ...while a change written as the app writes is seen by the very next request.
    replace(stack.db(), store.id, &raised_demo(100)).await;
    assert_eq!(unit_price(&stack.http, &app, &key).await, 3100);

    // An option edit likewise.
    let ((glass, choices), _) = demo_option_ids(stack).await;
    let tempered = options_param(&[(glass, choices[1])]);
    let url = price_path(&format!("{SIZE}&{tempered}"));
    assert_eq!(get(stack, &url).await.json["unitPriceMinor"], 4600);
    let groups = options::list_groups(stack.db(), store.id)
        .await
        .expect("groups");
    let group = groups
        .iter()
        .find(|g| g.id.get() == glass)
        .expect("glass type");
    let mut edited = NewOptionGroup {
        name: group.name.clone(),
        requirement: group.requirement,
        choices: group
            .choices
            .iter()
            .map(|c| NewChoice {
                label: c.label.clone(),
                modifier: c.modifier,
                is_default: c.is_default,
            })
            .collect(),
    };
    edited.choices[1].modifier = pricing::Modifier::Fixed(2000);
    write(
        stack.db(),
        store.id,
        Action::OptionGroupReplace,
        async |work| options::replace_group(work, group.id, &edited).await,
    )
    .await
    .expect("replace the group");
    // Replacing a group gives its choices new ids: the old selection no longer names one.
    let stale = get(stack, &url).await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST, "{}", stale.text);
    let ((_, choices), _) = demo_option_ids(stack).await;
    let tempered = options_param(&[(glass, choices[1])]);
    let fresh = get(stack, &price_path(&format!("{SIZE}&{tempered}"))).await;
    assert_eq!(fresh.json["unitPriceMinor"], 3100 + 2000, "{}", fresh.text);

    // An unassigned product is a 404 at once.
    write(
        stack.db(),
        store.id,
        Action::ProductUnassignMatrix,
        async |work| products::unassign(work, "gid://shopify/Product/8000000000001").await,
    )
    .await
    .expect("unassign");
    assert_eq!(
        get(stack, &price_path(SIZE)).await.status,
        StatusCode::NOT_FOUND
    );
});

/// Two app instances on one PostgreSQL database: a write through either is seen by the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storefront_instances_share_invalidations_on_postgres() {
    let Some(stack) = TestStack::postgres().await else {
        return;
    };
    let second = stack.second_instance().await;
    let (second_url, second_server) = serve(second.state().clone()).await;
    let (first, other) = (stack.state(), second.state());
    wait_until_coherent(&first.catalog).await;
    wait_until_coherent(&other.catalog).await;

    let store = demo_store(&stack).await;
    let (first_url, key) = (stack.app(""), stack.storefront_key().to_owned());
    assert_eq!(unit_price(&stack.http, &first_url, &key).await, 3000);
    assert_eq!(unit_price(&stack.http, &second_url, &key).await, 3000);

    // Both serve from memory...
    raise_behind_the_back(&first.db, store.id, 50).await;
    assert_eq!(unit_price(&stack.http, &second_url, &key).await, 3000);
    // ...until a write through the first: the second hears it.
    replace(&first.db, store.id, &raised_demo(100)).await;
    assert_eq!(unit_price(&stack.http, &first_url, &key).await, 3100);
    eventually(&stack.http, &second_url, &key, 3100).await;

    // And the other way round.
    replace(&other.db, store.id, &raised_demo(250)).await;
    assert_eq!(unit_price(&stack.http, &second_url, &key).await, 3250);
    eventually(&stack.http, &first_url, &key, 3250).await;

    // A write that rolls back announces nothing and changes nothing.
    let current = matrices::list(&first.db, store.id).await.expect("list")[0].clone();
    let editor = test_editor(&first.db, store.id).await;
    let work = UnitOfWork::begin(&first.db, &editor).await.expect("begin");
    matrices::replace(&work, current.id, current.version, &raised_demo(900))
        .await
        .expect("replace");
    drop(work);
    assert_eq!(unit_price(&stack.http, &first_url, &key).await, 3250);
    assert_eq!(unit_price(&stack.http, &second_url, &key).await, 3250);

    // A key revoked through one instance stops working on the other.
    let (id, revoked) = new_key(&stack, &store, KeyKind::Publishable, &[]).await;
    assert_eq!(unit_price(&stack.http, &second_url, &revoked).await, 3250);
    write(
        &first.db,
        store.id,
        Action::StorefrontKeyRevoke,
        async |work| api_keys::revoke(work, ApiKeyId::new(id), chrono::Utc::now()).await,
    )
    .await
    .expect("revoke");
    let deadline = Instant::now() + Duration::from_secs(10);
    let price_url = format!("{second_url}{}", price_path(SIZE));
    loop {
        let answer = call(&stack.http, Method::GET, &price_url, Some(&revoked), None).await;
        if answer.status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the revoked key still works: {}",
            answer.status
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    second_server.cancel();
    let second_db = other.db.clone();
    second.stop().await;
    second_db.close().await;
    stack.finish().await;
}

stack_test!(storefront_openapi_describes_the_real_answers, |stack| {
    let document = get_with(stack, "/api/v1/openapi.json", None, None).await;
    assert_eq!(document.status, StatusCode::OK, "no key needed");
    let doc = &document.json;
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    for path in [
        "/api/v1/products/{productId}/price",
        "/api/v1/products/{productId}/options",
        "/api/v1/products/{productId}",
        "/api/v1/openapi.json",
    ] {
        assert!(
            doc["paths"][path]["get"].is_object(),
            "{path} is documented"
        );
    }
    let price_doc = &doc["paths"]["/api/v1/products/{productId}/price"]["get"];
    let params: Vec<&str> = price_doc["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        params,
        [
            "productId",
            "width",
            "height",
            "quantity",
            "unit",
            "options"
        ]
    );
    assert!(doc["components"]["securitySchemes"]["apiKey"].is_object());

    let ((glass, choices), _) = demo_option_ids(stack).await;
    let priced = get(
        stack,
        &price_path(&format!("{SIZE}&{}", options_param(&[(glass, choices[2])]))),
    )
    .await;
    let schema = response_schema(price_doc, "200", "application/json");
    conforms(doc, &schema, &priced.json, "price");

    let options_doc = &doc["paths"]["/api/v1/products/{productId}/options"]["get"];
    let options = get(stack, &format!("/api/v1/products/{DEMO_PRODUCT}/options")).await;
    conforms(
        doc,
        &response_schema(options_doc, "200", "application/json"),
        &options.json,
        "options",
    );

    let product_doc = &doc["paths"]["/api/v1/products/{productId}"]["get"];
    let product = get(stack, &format!("/api/v1/products/{DEMO_PRODUCT}")).await;
    conforms(
        doc,
        &response_schema(product_doc, "200", "application/json"),
        &product.json,
        "product",
    );
    // QuoteFlow's `matrix` is a string in the document too.
    let price_schema = resolve(doc, &response_schema(price_doc, "200", "application/json"));
    assert_eq!(price_schema["properties"]["matrix"]["type"], "string");

    let problem_schema = response_schema(price_doc, "400", "application/problem+json");
    let invalid = get(stack, &price_path("width=abc&height=400")).await;
    conforms(doc, &problem_schema, &invalid.json, "400");
    let unauthorised = get_with(stack, &price_path(SIZE), None, None).await;
    conforms(
        doc,
        &response_schema(price_doc, "401", "application/problem+json"),
        &unauthorised.json,
        "401",
    );
});

pub fn response_schema(operation: &Value, status: &str, content_type: &str) -> Value {
    let schema = &operation["responses"][status]["content"][content_type]["schema"];
    assert!(
        schema.is_object(),
        "{status} {content_type} has a schema: {operation}"
    );
    schema.clone()
}

/// Checks `value` against `schema` as far as fields go: the same property names (every
/// required one present, nothing undocumented), matching JSON types, recursively.
pub fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) {
    let schema = resolve(doc, schema);
    if let Some(variants) = schema["oneOf"].as_array() {
        let fits = |variant: &Value| {
            let variant = resolve(doc, variant);
            if value.is_null() {
                variant["type"] == "null"
            } else {
                variant["type"] != "null"
            }
        };
        let variant = variants
            .iter()
            .find(|v| fits(v))
            .unwrap_or_else(|| panic!("{at}: no variant fits {value}"));
        return conforms(doc, variant, value, at);
    }
    assert!(
        type_fits(&schema["type"], value),
        "{at}: {value} is not of type {}",
        schema["type"]
    );
    if let Some(properties) = schema["properties"].as_object() {
        let object = value
            .as_object()
            .unwrap_or_else(|| panic!("{at}: {value} is not an object"));
        for key in object.keys() {
            assert!(
                properties.contains_key(key),
                "{at}.{key} is answered but not documented"
            );
        }
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap_or_default();
            assert!(
                object.contains_key(name),
                "{at}.{name} is required but not answered"
            );
        }
        for (key, field) in object {
            conforms(doc, &properties[key], field, &format!("{at}.{key}"));
        }
    }
    if let (Some(items), Some(elements)) = (schema.get("items"), value.as_array()) {
        for (index, element) in elements.iter().enumerate() {
            conforms(doc, items, element, &format!("{at}[{index}]"));
        }
    }
}

fn resolve(doc: &Value, schema: &Value) -> Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema.clone(),
    }
}

fn type_fits(declared: &Value, value: &Value) -> bool {
    let fits = |name: &str| match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    };
    match declared {
        Value::String(name) => fits(name),
        Value::Array(names) => names.iter().filter_map(Value::as_str).any(fits),
        _ => true,
    }
}
