//! The Admin GraphQL client over real sockets against a small scripted fake of Shopify.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use shopify::admin::{
    documents, AdminClient, AdminError, ClientOptions, DraftOrderInput, DraftOrderLineItem, Money,
    UserError,
};
use shopify::{AccessToken, ApiVersion, ProductGid, ShopDomain, ShopUrlTemplate, VariantGid};

const GRAPHQL_PATH: &str = "/store/{shop}/admin/api/{version}/graphql.json";

/// One scripted answer.
#[derive(Clone)]
struct Reply {
    status: u16,
    body: Value,
    delay: Duration,
}

/// What the fake saw.
#[derive(Clone, Debug)]
struct Seen {
    shop: String,
    version: String,
    token: Option<String>,
    body: Value,
}

#[derive(Default)]
struct Script {
    replies: Mutex<VecDeque<Reply>>,
    seen: Mutex<Vec<Seen>>,
}

impl Script {
    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn scripted(
    State(script): State<Arc<Script>>,
    Path((shop, version)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    script.seen.lock().unwrap().push(Seen {
        shop,
        version,
        token: headers
            .get("x-shopify-access-token")
            .map(|v| v.to_str().unwrap().to_owned()),
        body,
    });
    let reply = script.replies.lock().unwrap().pop_front();
    let reply = reply.expect("the test scripted too few replies");
    tokio::time::sleep(reply.delay).await;
    (
        StatusCode::from_u16(reply.status).unwrap(),
        Json(reply.body),
    )
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

async fn start(replies: Vec<Reply>) -> (SocketAddr, Arc<Script>) {
    let script = Arc::new(Script {
        replies: Mutex::new(replies.into()),
        ..Script::default()
    });
    let router = Router::new()
        .route(GRAPHQL_PATH, post(scripted))
        .with_state(script.clone());
    (serve(router).await, script)
}

fn fast_options() -> ClientOptions {
    ClientOptions {
        request_timeout: Duration::from_secs(2),
        retry_budget: Duration::from_secs(3),
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..ClientOptions::default()
    }
}

fn client(addr: SocketAddr, options: ClientOptions) -> AdminClient {
    let template = ShopUrlTemplate::parse(&format!("http://{addr}/store/{{shop}}")).unwrap();
    AdminClient::new(
        reqwest::Client::new(),
        template,
        ApiVersion::default(),
        options,
    )
}

fn shop() -> ShopDomain {
    ShopDomain::parse("demo-shop.myshopify.com").unwrap()
}

fn token() -> AccessToken {
    AccessToken::new("shpat_test_token")
}

fn cost(requested: f64, available: f64) -> Value {
    json!({
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": requested,
            "throttleStatus": {
                "maximumAvailable": 1000.0,
                "currentlyAvailable": available,
                "restoreRate": 50.0,
            }
        }
    })
}

fn ok(data: Value) -> Reply {
    Reply {
        status: 200,
        body: json!({ "data": data, "extensions": cost(1.0, 999.0) }),
        delay: Duration::ZERO,
    }
}

/// Shopify's THROTTLED shape: a top-level error with `extensions.code`, no data, and the cost.
fn throttled() -> Reply {
    Reply {
        status: 200,
        body: json!({
            "errors": [{
                "message": "Throttled",
                "extensions": {
                    "code": "THROTTLED",
                    "documentation": "https://shopify.dev/api/usage/rate-limits"
                }
            }],
            "extensions": {
                "cost": {
                    "requestedQueryCost": 10,
                    "actualQueryCost": null,
                    "throttleStatus": {
                        "maximumAvailable": 1000.0,
                        "currentlyAvailable": 0,
                        "restoreRate": 1000.0,
                    }
                }
            }
        }),
        delay: Duration::ZERO,
    }
}

fn status(code: u16) -> Reply {
    Reply {
        status: code,
        body: json!({ "errors": "boom" }),
        delay: Duration::ZERO,
    }
}

fn shop_data() -> Value {
    json!({ "shop": {
        "name": "Demo Shop",
        "myshopifyDomain": "demo-shop.myshopify.com",
        "currencyCode": "USD",
    }})
}

fn draft_order_input() -> DraftOrderInput {
    DraftOrderInput {
        line_items: vec![DraftOrderLineItem::Variant {
            variant_id: VariantGid::from_numeric(11).unwrap(),
            quantity: 1,
            price_override: Money {
                amount: "99.50".into(),
                currency_code: "USD".into(),
            },
            custom_attributes: vec![],
        }],
        tags: vec!["gridprice".into(), "gridprice-ref-abc".into()],
        note: Some("made to measure".into()),
        accept_automatic_discounts: None,
    }
}

fn created_data() -> Value {
    json!({ "draftOrderCreate": {
        "draftOrder": {
            "id": "gid://shopify/DraftOrder/5",
            "name": "#D5",
            "status": "OPEN",
            "invoiceUrl": "https://demo-shop.myshopify.com/invoices/abc",
            "tags": ["gridprice", "gridprice-ref-abc"],
            "taxesIncluded": false,
            "subtotalPriceSet": { "shopMoney": { "amount": "99.5", "currencyCode": "USD" } },
            "totalDiscountsSet": { "shopMoney": { "amount": "0.0", "currencyCode": "USD" } },
            "totalTaxSet": { "shopMoney": { "amount": "0.0", "currencyCode": "USD" } },
            "totalPriceSet": { "shopMoney": { "amount": "99.5", "currencyCode": "USD" } },
            "lineItems": { "nodes": [{
                "id": "gid://shopify/DraftOrderLineItem/9",
                "title": "Glass panel",
                "quantity": 1,
                "custom": false,
                "variant": { "id": "gid://shopify/ProductVariant/11" },
                "originalUnitPriceSet": { "shopMoney": { "amount": "99.5", "currencyCode": "USD" } },
                "originalUnitPriceWithCurrency": { "amount": "99.5", "currencyCode": "USD" },
                "discountedTotalSet": { "shopMoney": { "amount": "99.5", "currencyCode": "USD" } },
            }] },
        },
        "userErrors": [],
    }})
}

#[tokio::test]
async fn sends_token_to_the_versioned_endpoint_and_decodes_the_shop() {
    let (addr, script) = start(vec![ok(shop_data())]).await;
    let info = client(addr, fast_options())
        .shop(&shop(), &token())
        .shop_info()
        .await
        .unwrap();
    assert_eq!(info.name, "Demo Shop");
    assert_eq!(info.myshopify_domain, shop());
    assert_eq!(info.currency_code, "USD");
    let seen = script.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].shop, "demo-shop.myshopify.com");
    assert_eq!(seen[0].version, "2026-10");
    assert_eq!(seen[0].token.as_deref(), Some("shpat_test_token"));
    assert_eq!(seen[0].body["query"], documents::SHOP_INFO);
}

#[tokio::test]
async fn product_lookup_and_missing_product() {
    let product = json!({ "product": {
        "id": "gid://shopify/Product/1",
        "title": "Glass panel",
        "handle": "glass-panel",
        "variants": { "nodes": [
            { "id": "gid://shopify/ProductVariant/11", "title": "Clear", "price": "10.00" }
        ]},
    }});
    let (addr, script) = start(vec![ok(product), ok(json!({ "product": null }))]).await;
    let client = client(addr, fast_options());
    let shop = shop();
    let token = token();
    let api = client.shop(&shop, &token);
    let id = ProductGid::from_numeric(1).unwrap();
    let found = api.product(id).await.unwrap().unwrap();
    assert_eq!(found.title, "Glass panel");
    assert_eq!(found.variants[0].id, VariantGid::from_numeric(11).unwrap());
    assert_eq!(found.variants[0].price, "10.00");
    assert_eq!(api.product(id).await.unwrap(), None);
    assert_eq!(
        script.requests()[0].body["variables"]["id"],
        "gid://shopify/Product/1"
    );
}

#[tokio::test]
async fn throttled_query_is_retried_then_succeeds() {
    let (addr, script) = start(vec![throttled(), ok(shop_data())]).await;
    let result = client(addr, fast_options())
        .shop(&shop(), &token())
        .shop_info()
        .await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(script.requests().len(), 2);
}

#[tokio::test]
async fn throttled_mutation_is_retried_because_nothing_ran() {
    let (addr, script) = start(vec![throttled(), ok(created_data())]).await;
    let created = client(addr, fast_options())
        .shop(&shop(), &token())
        .draft_order_create(&draft_order_input())
        .await
        .unwrap();
    assert_eq!(created.name, "#D5");
    assert_eq!(created.total.amount, "99.5");
    assert_eq!(
        created.invoice_url.as_deref(),
        Some("https://demo-shop.myshopify.com/invoices/abc")
    );
    let seen = script.requests();
    assert_eq!(seen.len(), 2);
    let input = &seen[1].body["variables"]["input"];
    assert_eq!(
        input["lineItems"][0]["variantId"],
        "gid://shopify/ProductVariant/11"
    );
    assert_eq!(input["lineItems"][0]["priceOverride"]["amount"], "99.50");
    assert_eq!(input["note"], "made to measure");
}

#[tokio::test]
async fn throttling_that_outlasts_the_budget_surfaces_as_throttled() {
    let (addr, script) = start(vec![throttled(); 50]).await;
    let options = ClientOptions {
        retry_budget: Duration::from_millis(300),
        ..fast_options()
    };
    let result = client(addr, options)
        .shop(&shop(), &token())
        .shop_info()
        .await;
    assert!(matches!(result, Err(AdminError::Throttled)), "{result:?}");
    assert!(script.requests().len() >= 2);
}

#[tokio::test]
async fn unauthorized_is_not_retried() {
    let (addr, script) = start(vec![status(401)]).await;
    let result = client(addr, fast_options())
        .shop(&shop(), &token())
        .shop_info()
        .await;
    assert!(
        matches!(result, Err(AdminError::Unauthorized(401))),
        "{result:?}"
    );
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test]
async fn user_errors_are_returned_with_their_field_paths() {
    let refused = json!({ "draftOrderCreate": {
        "draftOrder": null,
        "userErrors": [{ "field": ["lineItems", "0", "quantity"], "message": "must be at least 1" }],
    }});
    let (addr, script) = start(vec![ok(refused)]).await;
    let result = client(addr, fast_options())
        .shop(&shop(), &token())
        .draft_order_create(&draft_order_input())
        .await;
    match result {
        Err(AdminError::UserErrors(errors)) => assert_eq!(
            errors,
            vec![UserError {
                field: vec!["lineItems".into(), "0".into(), "quantity".into()],
                message: "must be at least 1".into(),
            }]
        ),
        other => panic!("expected user errors, got {other:?}"),
    }
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test]
async fn mutation_timeout_is_outcome_unknown_and_sent_once() {
    let slow = Reply {
        delay: Duration::from_secs(3),
        ..ok(created_data())
    };
    let (addr, script) = start(vec![slow, ok(created_data())]).await;
    let options = ClientOptions {
        request_timeout: Duration::from_millis(200),
        ..fast_options()
    };
    let result = client(addr, options)
        .shop(&shop(), &token())
        .draft_order_create(&draft_order_input())
        .await;
    assert!(
        matches!(result, Err(AdminError::OutcomeUnknown(_))),
        "{result:?}"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test]
async fn server_error_on_mutation_is_outcome_unknown_and_sent_once() {
    let (addr, script) = start(vec![status(502), ok(created_data())]).await;
    let result = client(addr, fast_options())
        .shop(&shop(), &token())
        .draft_order_create(&draft_order_input())
        .await;
    assert!(
        matches!(result, Err(AdminError::OutcomeUnknown(_))),
        "{result:?}"
    );
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test]
async fn server_error_on_query_is_retried() {
    let (addr, script) = start(vec![status(503), status(500), ok(shop_data())]).await;
    let result = client(addr, fast_options())
        .shop(&shop(), &token())
        .shop_info()
        .await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(script.requests().len(), 3);
}

#[tokio::test]
async fn query_timeout_is_retried() {
    let slow = Reply {
        delay: Duration::from_secs(3),
        ..ok(shop_data())
    };
    let (addr, script) = start(vec![slow, ok(shop_data())]).await;
    let options = ClientOptions {
        request_timeout: Duration::from_millis(200),
        ..fast_options()
    };
    let result = client(addr, options)
        .shop(&shop(), &token())
        .shop_info()
        .await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(script.requests().len(), 2);
}

#[tokio::test]
async fn graphql_errors_are_final() {
    let invalid = Reply {
        status: 200,
        body: json!({ "errors": [{ "message": "Field 'nope' doesn't exist on type 'Shop'" }] }),
        delay: Duration::ZERO,
    };
    let (addr, script) = start(vec![invalid]).await;
    let result = client(addr, fast_options())
        .shop(&shop(), &token())
        .shop_info()
        .await;
    match result {
        Err(AdminError::GraphQl(messages)) => {
            assert_eq!(messages, vec!["Field 'nope' doesn't exist on type 'Shop'"])
        }
        other => panic!("expected GraphQL errors, got {other:?}"),
    }
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test]
async fn unreachable_shop_fails_with_transport_even_for_mutations() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let options = ClientOptions {
        retry_budget: Duration::from_millis(200),
        ..fast_options()
    };
    let result = client(addr, options)
        .shop(&shop(), &token())
        .draft_order_create(&draft_order_input())
        .await;
    // Connection refused: the request never left, so this is not an unknown outcome.
    assert!(
        matches!(result, Err(AdminError::Transport(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn draft_orders_by_tag_searches_the_exact_tag() {
    let found =
        json!({ "draftOrders": { "nodes": [created_data()["draftOrderCreate"]["draftOrder"]] } });
    let (addr, script) = start(vec![ok(found)]).await;
    let orders = client(addr, fast_options())
        .shop(&shop(), &token())
        .draft_orders_by_tag("gridprice-ref-abc")
        .await
        .unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].id.numeric_id(), 5);
    let variables = &script.requests()[0].body["variables"];
    assert_eq!(variables["query"], "tag:\"gridprice-ref-abc\"");
    assert_eq!(variables["first"], 10);
}

/// A fake with Shopify's leaky bucket: each call costs `COST`; if the bucket holds less, the call
/// is answered THROTTLED (and counted).
struct Bucket {
    available: f64,
    updated: Instant,
    throttled: usize,
    served: usize,
}

const MAX: f64 = 30.0;
const RESTORE: f64 = 100.0;
const COST: f64 = 10.0;

async fn bucketed(State(bucket): State<Arc<Mutex<Bucket>>>) -> Json<Value> {
    let mut b = bucket.lock().unwrap();
    let now = Instant::now();
    b.available = (b.available + RESTORE * (now - b.updated).as_secs_f64()).min(MAX);
    b.updated = now;
    let status = |available: f64| {
        json!({
            "maximumAvailable": MAX, "currentlyAvailable": available, "restoreRate": RESTORE
        })
    };
    if b.available < COST {
        b.throttled += 1;
        return Json(json!({
            "errors": [{ "message": "Throttled", "extensions": { "code": "THROTTLED" } }],
            "extensions": { "cost": {
                "requestedQueryCost": COST, "actualQueryCost": null, "throttleStatus": status(b.available)
            }}
        }));
    }
    b.available -= COST;
    b.served += 1;
    Json(json!({
        "data": shop_data(),
        "extensions": { "cost": {
            "requestedQueryCost": COST, "actualQueryCost": COST, "throttleStatus": status(b.available)
        }}
    }))
}

#[tokio::test]
async fn pacing_keeps_a_busy_shop_out_of_throttling() {
    let bucket = Arc::new(Mutex::new(Bucket {
        available: MAX,
        updated: Instant::now(),
        throttled: 0,
        served: 0,
    }));
    let router = Router::new()
        .route(GRAPHQL_PATH, post(bucketed))
        .with_state(bucket.clone());
    let addr = serve(router).await;
    let client = client(addr, fast_options());
    let shop = shop();
    let token = token();
    // One call teaches the client the bucket and the operation's cost.
    client.shop(&shop, &token).shop_info().await.unwrap();
    // Then a burst of concurrent calls, far more than the bucket holds.
    let calls = (0..12).map(|_| {
        let (client, shop, token) = (client.clone(), shop.clone(), token.clone());
        tokio::spawn(async move { client.shop(&shop, &token).shop_info().await })
    });
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let b = bucket.lock().unwrap();
    assert_eq!(b.served, 13);
    assert_eq!(
        b.throttled, 0,
        "the client should have waited instead of being throttled"
    );
}

#[tokio::test]
async fn draft_order_delete_sends_the_id_and_reports_refusals() {
    let deleted = json!({ "draftOrderDelete": {
        "deletedId": "gid://shopify/DraftOrder/5", "userErrors": [],
    }});
    let refused = json!({ "draftOrderDelete": {
        "deletedId": null,
        "userErrors": [{ "field": ["id"], "message": "Draft order does not exist" }],
    }});
    let (addr, script) = start(vec![ok(deleted), ok(refused)]).await;
    let client = client(addr, fast_options());
    let (shop, token) = (shop(), token());
    let shop_client = client.shop(&shop, &token);
    let id = shopify::DraftOrderGid::parse("gid://shopify/DraftOrder/5").unwrap();
    shop_client.draft_order_delete(&id).await.unwrap();
    let seen = script.requests();
    assert_eq!(seen[0].body["query"], documents::DRAFT_ORDER_DELETE);
    assert_eq!(
        seen[0].body["variables"]["input"]["id"],
        "gid://shopify/DraftOrder/5"
    );
    let refusal = shop_client.draft_order_delete(&id).await;
    assert!(
        matches!(&refusal, Err(AdminError::UserErrors(errors)) if errors[0].message == "Draft order does not exist"),
        "{refusal:?}"
    );
}
