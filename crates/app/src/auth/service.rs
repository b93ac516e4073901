//! What an install or re-authentication does once Shopify has granted an offline token.

use gridprice_storage::stores::{self as stores, Grant, Installed};
use gridprice_storage::{api_keys, Actor, Database, Editor};
use shopify::token::OfflineToken;
use shopify::ShopDomain;

use crate::error::ServiceError;
use crate::stores::service::shopify_currency;
use crate::stores::ShopifyAccess;

/// Records the grant: reads the shop's currency with the new token, stores the token sealed,
/// and gives a new store its first publishable storefront key (shown to the merchant once).
pub async fn complete_install(
    db: &Database,
    shopify: &ShopifyAccess,
    shop: &ShopDomain,
    grant: OfflineToken,
) -> Result<Installed, ServiceError> {
    let received = chrono::Utc::now();
    let info = shopify.shop(shop, &grant.access_token).shop_info().await?;
    let currency = shopify_currency(&info.currency_code)?;
    let token = shopify.seal(shop, &grant, received);
    let installed = stores::record_install(
        db,
        Grant {
            shop,
            currency,
            token,
            scopes: &grant.scope,
        },
    )
    .await?;
    ensure_first_key(db, shopify, &installed).await?;
    tracing::info!(%shop, first_install = installed.first_install, "store installed");
    Ok(installed)
}

/// A store without any key gets one; done after the install so a failure heals on the next one.
async fn ensure_first_key(
    db: &Database,
    shopify: &ShopifyAccess,
    installed: &Installed,
) -> Result<(), ServiceError> {
    let store = &installed.store;
    if !api_keys::list(db, store.id).await?.is_empty() {
        return Ok(());
    }
    let editor = Editor {
        store: store.clone(),
        actor: Actor::Gridprice,
    };
    crate::api_keys::service::create_first(db, &editor, shopify.secrets()).await
}
