//! Token renewal against the simulator: a renewal revokes the earlier access token, and a lost
//! migration answer is recovered by repeating the migration.

use serde_json::json;
use shopify::admin::AdminError;
use shopify::token;

use crate::common::*;

#[tokio::test]
async fn a_refresh_revokes_the_access_token_it_replaces() {
    let sim = start().await;
    let id_token = id_token(&sim, json!({})).await;
    let first = token::token_exchange(&http(), &template(&sim), &shop(), &credentials(), &id_token)
        .await
        .unwrap();
    let admin = admin(&sim);
    let shop = shop();
    assert!(admin
        .shop(&shop, &first.access_token)
        .shop_info()
        .await
        .is_ok());
    let expiry = first.expiry.as_ref().expect("an expiring token");
    let second = token::refresh(
        &http(),
        &template(&sim),
        &shop,
        &credentials(),
        &expiry.refresh_token,
    )
    .await
    .unwrap();
    // The first token has not expired, but it is no longer the active one.
    assert!(matches!(
        admin.shop(&shop, &first.access_token).shop_info().await,
        Err(AdminError::Unauthorized(401))
    ));
    assert!(admin
        .shop(&shop, &second.access_token)
        .shop_info()
        .await
        .is_ok());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_migration_whose_answer_is_lost_is_repeated_and_gets_the_pair() {
    let sim = start().await;
    let legacy = legacy_token(&sim).await;
    control(&sim, "/_sim/faults", json!({ "dropNextTokenResponse": 1 })).await;
    let migrated =
        token::migrate_to_expiring(&http(), &template(&sim), &shop(), &credentials(), &legacy)
            .await
            .expect("the repeat gets the pair the lost answer carried");
    let admin = admin(&sim);
    let shop = shop();
    assert!(admin
        .shop(&shop, &migrated.access_token)
        .shop_info()
        .await
        .is_ok());
    assert!(matches!(
        admin.shop(&shop, &legacy).shop_info().await,
        Err(AdminError::Unauthorized(401))
    ));

    // A caller that lost the answer altogether can call again: same pair.
    let again =
        token::migrate_to_expiring(&http(), &template(&sim), &shop, &credentials(), &legacy)
            .await
            .unwrap();
    assert_eq!(again.access_token, migrated.access_token);
    assert_eq!(
        again.expiry.unwrap().refresh_token,
        migrated.expiry.unwrap().refresh_token
    );
    sim.shutdown().await;
}
