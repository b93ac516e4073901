use std::time::Duration;

use serde_json::{json, Value};
use shopify_sim::DEMO_SHOP;

use crate::common::*;

async fn draft_count(sim: &shopify_sim::SimHandle) -> usize {
    let listed = get(&format!(
        "{}/_sim/draft-orders?shop={DEMO_SHOP}",
        sim.base_url()
    ))
    .await;
    listed["draftOrders"].as_array().unwrap().len()
}

fn valid_input() -> Value {
    json!({ "input": { "lineItems": [custom_line("Panel", "12.50", 1)], "tags": ["gridprice"] } })
}

#[tokio::test]
async fn a_small_bucket_throttles_then_recovers() {
    let mut config = config("http://127.0.0.1:9/app");
    config.bucket_size = 25;
    config.restore_rate = 10;
    let sim = start_with(config).await;
    let token = token(&sim, DEMO_SHOP).await;
    for _ in 0..2 {
        let (_, body) = gql(&sim, DEMO_SHOP, &token, CREATE_DRAFT, valid_input()).await;
        assert!(
            body["data"]["draftOrderCreate"]["draftOrder"].is_object(),
            "{body}"
        );
    }
    let (status, body) = gql(&sim, DEMO_SHOP, &token, CREATE_DRAFT, valid_input()).await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["message"], "Throttled", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "THROTTLED");
    assert!(body["errors"][0]["extensions"]["documentation"].is_string());
    assert!(body.get("data").is_none());
    let cost = &body["extensions"]["cost"];
    assert_eq!(cost["requestedQueryCost"], 10);
    assert_eq!(cost["actualQueryCost"], Value::Null);
    assert!(
        cost["throttleStatus"]["currentlyAvailable"]
            .as_u64()
            .unwrap()
            < 10
    );
    assert_eq!(cost["throttleStatus"]["maximumAvailable"], 25.0);
    assert_eq!(
        draft_count(&sim).await,
        2,
        "a throttled mutation must not run"
    );

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (_, body) = gql(&sim, DEMO_SHOP, &token, CREATE_DRAFT, valid_input()).await;
    assert_eq!(
        body["data"]["draftOrderCreate"]["draftOrder"]["name"], "#D3",
        "{body}"
    );
    let stats = get(&format!("{}/_sim/requests", sim.base_url())).await;
    assert_eq!(stats["shops"][DEMO_SHOP]["throttled"], 1);
    assert_eq!(stats["shops"][DEMO_SHOP]["graphql"], 4);
    sim.shutdown().await;
}

#[tokio::test]
async fn over_the_single_query_limit_is_refused() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let query = "{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }";
    let (_, body) = gql(&sim, DEMO_SHOP, &token, query, Value::Null).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "MAX_COST_EXCEEDED",
        "{body}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn fail_next_and_error_rate_answer_5xx() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    set_faults(&sim, json!({ "failNext": { "count": 2, "status": 502 } })).await;
    for _ in 0..2 {
        let (status, _) = gql(&sim, DEMO_SHOP, &token, "{ shop { id } }", Value::Null).await;
        assert_eq!(status, 502);
    }
    let (status, _) = gql(&sim, DEMO_SHOP, &token, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 200);

    set_faults(&sim, json!({ "errorRate": 1.0, "seed": 3 })).await;
    let (status, _) = gql(&sim, DEMO_SHOP, &token, "{ shop { id } }", Value::Null).await;
    assert!((500..=503).contains(&status), "{status}");
    let cleared = client()
        .delete(format!("{}/_sim/faults", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200);
    let (status, _) = gql(&sim, DEMO_SHOP, &token, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 200);
    let (status, _) = post_json(
        &format!("{}/_sim/faults", sim.base_url()),
        json!({ "errorRate": 2 }),
    )
    .await;
    assert_eq!(status, 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn latency_delays_answers() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    set_faults(&sim, json!({ "latencyMs": 300 })).await;
    let started = std::time::Instant::now();
    let (status, _) = gql(&sim, DEMO_SHOP, &token, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    sim.shutdown().await;
}

async fn raw_call(
    sim: &shopify_sim::SimHandle,
    token: &str,
    timeout: Option<Duration>,
    body: Value,
) -> Result<reqwest::Response, reqwest::Error> {
    let mut request = client()
        .post(graphql_url(sim, DEMO_SHOP))
        .header("X-Shopify-Access-Token", token)
        .json(&body);
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    request.send().await
}

#[tokio::test]
async fn timeouts_hold_then_close_without_answering() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let query = json!({ "query": "{ shop { id } }" });
    set_faults(
        &sim,
        json!({ "timeoutNext": { "count": 1, "holdMs": 5000 } }),
    )
    .await;
    let error = raw_call(
        &sim,
        &token,
        Some(Duration::from_millis(300)),
        query.clone(),
    )
    .await
    .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");

    set_faults(
        &sim,
        json!({ "timeoutNext": { "count": 1, "holdMs": 200 } }),
    )
    .await;
    let error = raw_call(&sim, &token, None, query.clone())
        .await
        .unwrap_err();
    assert!(!error.is_timeout() && error.status().is_none(), "{error:?}");

    let response = raw_call(&sim, &token, None, query).await.unwrap();
    assert_eq!(response.status(), 200);
    let stats = get(&format!("{}/_sim/requests", sim.base_url())).await;
    assert_eq!(stats["shops"][DEMO_SHOP]["timedOut"], 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_dropped_response_still_commits_the_draft_order() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    set_faults(&sim, json!({ "dropNextDraftOrderCreate": 1 })).await;
    // Queries are not affected by the pending drop.
    let (status, _) = gql(&sim, DEMO_SHOP, &token, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 200);
    let body = json!({ "query": CREATE_DRAFT, "variables": valid_input() });
    let error = raw_call(&sim, &token, None, body.clone())
        .await
        .unwrap_err();
    assert!(error.status().is_none(), "{error:?}");
    assert_eq!(
        draft_count(&sim).await,
        1,
        "the order exists though the client saw nothing"
    );
    let response = raw_call(&sim, &token, None, body).await.unwrap();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(
        answer["data"]["draftOrderCreate"]["draftOrder"]["name"],
        "#D2"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn throttle_next_answers_throttled_without_running() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    set_faults(&sim, json!({ "throttleNext": 1 })).await;
    let (_, body) = gql(&sim, DEMO_SHOP, &token, CREATE_DRAFT, valid_input()).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "THROTTLED");
    assert_eq!(draft_count(&sim).await, 0);
    let (_, body) = gql(&sim, DEMO_SHOP, &token, CREATE_DRAFT, valid_input()).await;
    assert_eq!(
        body["data"]["draftOrderCreate"]["draftOrder"]["name"],
        "#D1"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn reset_restores_the_initial_world() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let (_, body) = gql(&sim, DEMO_SHOP, &token, CREATE_DRAFT, valid_input()).await;
    assert!(body["data"]["draftOrderCreate"]["draftOrder"].is_object());
    let (status, _) = post_json(&format!("{}/_sim/reset", sim.base_url()), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(draft_count(&sim).await, 0);
    let (status, _) = gql(&sim, DEMO_SHOP, &token, "{ shop { id } }", Value::Null).await;
    assert_eq!(status, 401, "tokens are gone after a reset");
    sim.shutdown().await;
}

const BY_TAG: &str = r#"query($q: String!) { draftOrders(first: 10, query: $q) { nodes { id } } }"#;

async fn found_by_tag(sim: &shopify_sim::SimHandle, token: &str) -> usize {
    let (_, body) = gql(
        sim,
        DEMO_SHOP,
        token,
        BY_TAG,
        json!({ "q": "tag:gridprice" }),
    )
    .await;
    body["data"]["draftOrders"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .len()
}

#[tokio::test]
async fn a_lagging_search_index_finds_new_orders_only_later() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    set_faults(&sim, json!({ "searchLagMs": 400 })).await;
    let (_, created) = gql(&sim, DEMO_SHOP, &token, CREATE_DRAFT, valid_input()).await;
    let id = created["data"]["draftOrderCreate"]["draftOrder"]["id"].clone();
    assert_eq!(found_by_tag(&sim, &token).await, 0, "not indexed yet");
    // A lookup by id reads the order itself, not the index.
    let (_, direct) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        "query($id: ID!) { draftOrder(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(direct["data"]["draftOrder"]["id"], id);
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(found_by_tag(&sim, &token).await, 1, "indexed after the lag");
    sim.shutdown().await;
}

const DELETE_DRAFT: &str = r#"mutation($input: DraftOrderDeleteInput!) {
  draftOrderDelete(input: $input) { deletedId userErrors { field message } }
}"#;

#[tokio::test]
async fn draft_orders_can_be_deleted_once() {
    let sim = start().await;
    let token = token(&sim, DEMO_SHOP).await;
    let (_, created) = gql(&sim, DEMO_SHOP, &token, CREATE_DRAFT, valid_input()).await;
    let id = created["data"]["draftOrderCreate"]["draftOrder"]["id"].clone();
    let input = json!({ "input": { "id": id } });
    let (_, deleted) = gql(&sim, DEMO_SHOP, &token, DELETE_DRAFT, input.clone()).await;
    assert_eq!(
        deleted["data"]["draftOrderDelete"]["deletedId"], id,
        "{deleted}"
    );
    assert_eq!(draft_count(&sim).await, 0);
    let (_, again) = gql(&sim, DEMO_SHOP, &token, DELETE_DRAFT, input).await;
    let payload = &again["data"]["draftOrderDelete"];
    assert_eq!(payload["deletedId"], Value::Null);
    assert_eq!(payload["userErrors"][0]["field"], json!(["id"]));
    assert_eq!(
        payload["userErrors"][0]["message"],
        "Draft order does not exist"
    );
    let (_, malformed) = gql(
        &sim,
        DEMO_SHOP,
        &token,
        DELETE_DRAFT,
        json!({ "input": { "id": "77" } }),
    )
    .await;
    assert!(malformed["errors"][0]["message"].is_string(), "{malformed}");
    sim.shutdown().await;
}
