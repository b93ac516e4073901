//! What an install or re-authentication does once Shopify has granted an offline token.

use pricing::Currency;
use shopify::token::OfflineToken;
use shopify::ShopDomain;

use crate::api_keys::{self, KeyKind, NewKey};
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::stores::storage::{self as stores, Grant, Installed};

/// Records the grant: reads the shop's currency with the new token, stores the token sealed,
/// and gives a new store its first publishable storefront key (shown to the merchant once).
pub async fn complete_install(
    state: &AppState,
    shop: &ShopDomain,
    grant: OfflineToken,
) -> Result<Installed, ApiError> {
    let received = chrono::Utc::now();
    let info = state
        .admin
        .shop(shop, &grant.access_token)
        .shop_info()
        .await?;
    let currency = Currency::from_code(&info.currency_code).map_err(|e| {
        ApiError::BadGateway(format!(
            "Shopify reported a currency Gridprice does not know: {e}"
        ))
    })?;
    let token = crate::stores::service::seal(state, shop, &grant, received);
    let installed = stores::record_install(
        &state.db,
        Grant {
            shop,
            currency,
            token,
            scopes: &grant.scope,
        },
    )
    .await?;
    ensure_first_key(state, &installed).await?;
    tracing::info!(%shop, first_install = installed.first_install, "store installed");
    Ok(installed)
}

/// A store without any key gets one; done after the install so a failure heals on the next one.
async fn ensure_first_key(state: &AppState, installed: &Installed) -> Result<(), ApiError> {
    let store = &installed.store;
    if !api_keys::storage::list(&state.db, store.id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let key = NewKey::generate(KeyKind::Publishable);
    let reveal = state.secrets.seal(&key.full, &key.display_prefix);
    api_keys::storage::create(state.db.connection(), store.id, &key, &[], Some(reveal)).await?;
    Ok(())
}
