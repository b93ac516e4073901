//! Which tokens a new expiring offline token revokes, and how lost answers are recovered
//! (the simulator's `tokens.rs` cites the shopify.dev pages).

use serde_json::{json, Value};
use shopify_sim::DEMO_SHOP;

use crate::common::*;
use crate::oauth::{
    code_from_authorize, exchange, refresh_body, session_token, token_exchange_body, OFFLINE,
};

async fn works(sim: &shopify_sim::SimHandle, token: &str) -> u16 {
    gql(sim, DEMO_SHOP, token, "{ shop { id } }", Value::Null)
        .await
        .0
}

fn expiring(mut body: Value) -> Value {
    body["expiring"] = json!("1");
    body
}

fn migration_body(legacy: &str) -> Value {
    json!({
        "client_id": API_KEY,
        "client_secret": SECRET,
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": legacy,
        "subject_token_type": OFFLINE,
        "requested_token_type": OFFLINE,
        "expiring": "1",
    })
}

fn field(body: &Value, name: &str) -> String {
    body[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {body}"))
        .to_owned()
}

#[tokio::test]
async fn a_refresh_or_a_new_grant_revokes_the_earlier_expiring_access_tokens() {
    let sim = start().await;
    let legacy = token(&sim, DEMO_SHOP).await;
    let code = code_from_authorize(&sim).await;
    let (status, first) = exchange(
        &sim,
        expiring(json!({ "client_id": API_KEY, "client_secret": SECRET, "code": code })),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let (a1, r1) = (
        field(&first, "access_token"),
        field(&first, "refresh_token"),
    );
    assert_eq!(works(&sim, &a1).await, 200);

    // A refresh: the earlier expiring access token stops working at once, long before it expires.
    let (status, second) = exchange(&sim, refresh_body(&r1)).await;
    assert_eq!(status, 200, "{second}");
    let (a2, r2) = (
        field(&second, "access_token"),
        field(&second, "refresh_token"),
    );
    assert_eq!(
        works(&sim, &a1).await,
        401,
        "only one expiring token is active"
    );
    assert_eq!(works(&sim, &a2).await, 200);

    // An online token and the non-expiring token are not expiring offline tokens.
    let id_token = session_token(&sim, json!({})).await;
    let online = "urn:shopify:params:oauth:token-type:online-access-token";
    let (status, user) = exchange(&sim, token_exchange_body(&id_token, online)).await;
    assert_eq!(status, 200, "{user}");
    let online_token = field(&user, "access_token");

    // A new grant (token exchange of an id_token) revokes the refreshed one and replaces the
    // pair: its refresh token is refused too.
    let (status, third) = exchange(&sim, expiring(token_exchange_body(&id_token, OFFLINE))).await;
    assert_eq!(status, 200, "{third}");
    let a3 = field(&third, "access_token");
    assert_eq!(works(&sim, &a2).await, 401);
    assert_eq!(works(&sim, &a3).await, 200);
    let (status, refused) = exchange(&sim, refresh_body(&r2)).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(works(&sim, &legacy).await, 200);
    assert_eq!(works(&sim, &online_token).await, 200);

    // A non-expiring grant revokes nothing.
    let (status, plain) = exchange(&sim, token_exchange_body(&id_token, OFFLINE)).await;
    assert_eq!(status, 200, "{plain}");
    assert!(plain.get("refresh_token").is_none());
    assert_eq!(works(&sim, &a3).await, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_repeated_migration_gets_the_same_pair_until_the_pair_is_refreshed() {
    let sim = start().await;
    let legacy = token(&sim, DEMO_SHOP).await;
    let (status, first) = exchange(&sim, migration_body(&legacy)).await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = exchange(&sim, migration_body(&legacy)).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["access_token"], first["access_token"]);
    assert_eq!(again["refresh_token"], first["refresh_token"]);
    assert_eq!(again["scope"], first["scope"]);
    assert!(again["expires_in"].as_u64().unwrap() <= 3600);
    assert!(again["refresh_token_expires_in"].as_u64().unwrap() <= 90 * 24 * 3600);
    assert_eq!(works(&sim, &field(&first, "access_token")).await, 200);
    assert_eq!(
        works(&sim, &legacy).await,
        401,
        "the old token stays invalid"
    );

    // Refreshing the pair ends recovery.
    let (status, refreshed) = exchange(&sim, refresh_body(&field(&first, "refresh_token"))).await;
    assert_eq!(status, 200, "{refreshed}");
    let (status, refused) = exchange(&sim, migration_body(&legacy)).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (400, Some("invalid_subject_token"))
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_later_grant_for_the_store_ends_migration_recovery() {
    let sim = start().await;
    let legacy = token(&sim, DEMO_SHOP).await;
    let (status, first) = exchange(&sim, migration_body(&legacy)).await;
    assert_eq!(status, 200, "{first}");
    let id_token = session_token(&sim, json!({})).await;
    let (status, _) = exchange(&sim, expiring(token_exchange_body(&id_token, OFFLINE))).await;
    assert_eq!(status, 200);
    assert_eq!(works(&sim, &field(&first, "access_token")).await, 401);
    let (status, refused) = exchange(&sim, migration_body(&legacy)).await;
    assert_eq!(
        (status, refused["error"].as_str()),
        (400, Some("invalid_subject_token"))
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_lost_token_answer_still_grants() {
    let sim = start().await;
    let legacy = token(&sim, DEMO_SHOP).await;
    set_faults(&sim, json!({ "dropNextTokenResponse": 1 })).await;
    let url = format!("{}/admin/oauth/access_token", sim.shop_url(DEMO_SHOP));
    let lost = client()
        .post(&url)
        .json(&migration_body(&legacy))
        .send()
        .await;
    assert!(lost.is_err(), "the connection closes without an answer");
    assert_eq!(works(&sim, &legacy).await, 401, "the exchange happened");
    let faults = get(&format!("{}/_sim/faults", sim.base_url())).await;
    assert_eq!(faults["dropNextTokenResponse"], 0);
    let (status, recovered) = exchange(&sim, migration_body(&legacy)).await;
    assert_eq!(status, 200, "{recovered}");
    assert_eq!(works(&sim, &field(&recovered, "access_token")).await, 200);
    sim.shutdown().await;
}
