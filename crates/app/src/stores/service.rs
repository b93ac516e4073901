//! Calling Shopify on a store's behalf: its sealed token opened — and renewed before it expires
//! — and a refused token turned into "re-authenticate" both for the caller and on the store row.
//!
//! Offline tokens expire after an hour (Shopify requires expiring tokens of public apps). A
//! token is renewed once it is past its renewal time, some minutes before it expires, by one
//! request at a time per store in this instance ([`TokenRenewals`]); across instances the
//! renewal that is stored first wins ([`storage::replace_token`] compares and swaps), and the
//! others use it — Shopify honours the refresh token they used until its replacement is used.
//! A store still holding a non-expiring token gets it exchanged for an expiring one the same way.
//! A token that still works is never waited on: while another request renews it, or for a while
//! after a renewal failed, requests use it as it is.

use std::collections::HashMap;
use std::sync::PoisonError;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use shopify::admin::AdminError;
use shopify::token::{self, OfflineToken, TokenError};
use shopify::{AccessToken, RefreshToken, ShopDomain};
use tokio::sync::{Mutex, MutexGuard};

use super::storage::{self, StoredExpiry, StoredToken};
use super::{Store, StoreId};
use crate::http::error::ApiError;
use crate::state::AppState;

/// How long before it expires a token is renewed (or half its lifetime, if that is shorter).
const RENEW_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);
/// Renewals that may run at once in one instance, each for different stores.
const RENEWAL_STRIPES: usize = 64;
/// After a failed renewal of a token that still works, how long requests just use it.
const RETRY_RENEWAL_AFTER: Duration = Duration::from_secs(30);
/// How long a refused renewal waits for another instance's renewal to appear on the row (the
/// refusal may be Shopify retiring what that renewal used) before concluding anything.
const OTHER_RENEWAL_WAIT: Duration = Duration::from_secs(2);
const OTHER_RENEWAL_POLL: Duration = Duration::from_millis(100);

/// One renewal at a time per store: a burst of requests meeting an expired token renews it once.
/// Striped by store id, so the locks stay fixed however many stores there are; failed renewals
/// are remembered per store until one succeeds.
#[derive(Debug)]
pub struct TokenRenewals {
    stripes: Vec<Mutex<()>>,
    failed: std::sync::Mutex<HashMap<StoreId, Instant>>,
}

impl Default for TokenRenewals {
    fn default() -> Self {
        Self {
            stripes: (0..RENEWAL_STRIPES).map(|_| Mutex::new(())).collect(),
            failed: std::sync::Mutex::default(),
        }
    }
}

impl TokenRenewals {
    fn stripe(&self, store: StoreId) -> &Mutex<()> {
        let index = usize::try_from(store.get().unsigned_abs()).unwrap_or_default();
        &self.stripes[index % self.stripes.len()]
    }

    /// The turn to renew `store`'s token, waiting for it.
    async fn turn(&self, store: StoreId) -> MutexGuard<'_, ()> {
        self.stripe(store).lock().await
    }

    /// The turn if it is free and no renewal failed lately.
    fn turn_if_free(&self, store: StoreId) -> Option<MutexGuard<'_, ()>> {
        let failed_lately = self
            .failures()
            .get(&store)
            .is_some_and(|at| at.elapsed() < RETRY_RENEWAL_AFTER);
        if failed_lately {
            return None;
        }
        self.stripe(store).try_lock().ok()
    }

    fn record(&self, store: StoreId, renewed: bool) {
        let mut failures = self.failures();
        if renewed {
            failures.remove(&store);
        } else {
            failures.insert(store, Instant::now());
        }
    }

    fn failures(&self) -> std::sync::MutexGuard<'_, HashMap<StoreId, Instant>> {
        self.failed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The store's offline access token, renewed first when it is due; a request to
/// re-authenticate when there is none or Shopify will not renew it.
pub async fn access_token(state: &AppState, store: &Store) -> Result<AccessToken, ApiError> {
    let stored = read_token(state, store).await?;
    let now = Utc::now();
    if !is_due(&stored, now) {
        return open_access(state, &store.shop, &stored);
    }
    let renewals = &state.token_renewals;
    let _turn = if still_works(&stored, now) {
        match renewals.turn_if_free(store.id) {
            Some(turn) => turn,
            None => return open_access(state, &store.shop, &stored),
        }
    } else {
        renewals.turn(store.id).await
    };
    renew(state, store).await
}

/// Seals a token Shopify granted at `received` for keeping.
pub fn seal(
    state: &AppState,
    shop: &ShopDomain,
    grant: &OfflineToken,
    received: DateTime<Utc>,
) -> StoredToken {
    let expiry = grant.expiry.as_ref().map(|expiry| {
        let lifetime = expiry.expires_in;
        let lead = RENEW_BEFORE_EXPIRY.min(lifetime / 2);
        StoredExpiry {
            refresh_at: received + (lifetime - lead),
            expires_at: received + lifetime,
            refresh_ciphertext: state
                .secrets
                .seal(expiry.refresh_token.expose_secret(), &refresh_owner(shop)),
            refresh_expires_at: expiry.refresh_token_expires_in.map(|ttl| received + ttl),
        }
    });
    StoredToken {
        access_ciphertext: state
            .secrets
            .seal(grant.access_token.expose_secret(), shop.as_str()),
        expiry,
    }
}

/// Maps a Shopify failure for `store`, marking the store when Shopify refused its token.
pub async fn shopify_failure(state: &AppState, store: &Store, error: AdminError) -> ApiError {
    if matches!(error, AdminError::Unauthorized(_)) {
        tracing::warn!(shop = %store.shop, "Shopify refused the access token; re-authentication required");
        if let Err(marking) = storage::mark_reauth_required(&state.db, store.id).await {
            return marking.into();
        }
    }
    error.into()
}

/// A non-expiring token is always due: it is to be exchanged for an expiring one.
fn is_due(stored: &StoredToken, now: DateTime<Utc>) -> bool {
    stored.expiry.as_ref().is_none_or(|e| now >= e.refresh_at)
}

/// Whether Shopify still accepts the token (a non-expiring one until it is exchanged).
fn still_works(stored: &StoredToken, now: DateTime<Utc>) -> bool {
    stored.expiry.as_ref().is_none_or(|e| now < e.expires_at)
}

async fn read_token(state: &AppState, store: &Store) -> Result<StoredToken, ApiError> {
    storage::stored_token(&state.db, store.id)
        .await?
        .ok_or_else(|| {
            ApiError::Reauthenticate(format!(
                "{} has no access token; install the app again.",
                store.shop
            ))
        })
}

/// Renews the store's token; the caller holds the store's turn.
async fn renew(state: &AppState, store: &Store) -> Result<AccessToken, ApiError> {
    // Renewed by whoever held the turn before?
    let stored = read_token(state, store).await?;
    let now = Utc::now();
    if !is_due(&stored, now) {
        return open_access(state, &store.shop, &stored);
    }
    let config = &state.shopify;
    let (template, credentials) = (&config.shop_url_template, &config.credentials);
    let renewed = match &stored.expiry {
        Some(expiry) => {
            let refresh_token = open_refresh(state, &store.shop, expiry)?;
            token::refresh(
                &state.http,
                template,
                &store.shop,
                credentials,
                &refresh_token,
            )
            .await
        }
        None => {
            let legacy = open_access(state, &store.shop, &stored)?;
            token::migrate_to_expiring(&state.http, template, &store.shop, credentials, &legacy)
                .await
        }
    };
    state.token_renewals.record(store.id, renewed.is_ok());
    match renewed {
        Ok(grant) => keep(state, store, &stored, &grant, now).await,
        Err(error) => not_renewed(state, store, &stored, error, now).await,
    }
}

/// Stores the renewal unless another instance stored one first; either way answers with the
/// token now on the row.
async fn keep(
    state: &AppState,
    store: &Store,
    previous: &StoredToken,
    grant: &OfflineToken,
    received: DateTime<Utc>,
) -> Result<AccessToken, ApiError> {
    let renewed = seal(state, &store.shop, grant, received);
    if storage::replace_token(&state.db, store.id, previous, &renewed).await? {
        tracing::info!(shop = %store.shop, "offline access token renewed");
        return Ok(grant.access_token.clone());
    }
    let current = read_token(state, store).await?;
    open_access(state, &store.shop, &current)
}

/// A renewal that failed: another instance's renewal is used if there is one, else a token that
/// still works; a refresh token Shopify refuses (`invalid_grant`) means the merchant must open
/// the app again.
async fn not_renewed(
    state: &AppState,
    store: &Store,
    stored: &StoredToken,
    error: TokenError,
    now: DateTime<Utc>,
) -> Result<AccessToken, ApiError> {
    if let Some(current) = other_renewal(state, store, stored, &error).await? {
        return open_access(state, &store.shop, &current);
    }
    let refused =
        matches!(&error, TokenError::BadRequest { error, .. } if error == "invalid_grant");
    match &stored.expiry {
        Some(_) if refused => {
            tracing::warn!(shop = %store.shop, %error, "Shopify will not renew the offline token");
            storage::mark_reauth_required(&state.db, store.id).await?;
            Err(ApiError::Reauthenticate(format!(
                "Shopify no longer renews Gridprice's access to {}; open the app in the Shopify admin to reconnect it.",
                store.shop
            )))
        }
        _ if still_works(stored, now) => {
            tracing::warn!(shop = %store.shop, %error, "offline token not renewed yet; using the current one");
            open_access(state, &store.shop, stored)
        }
        _ => Err(error.into()),
    }
}

/// Another instance's renewal of `stored`, if one is on the row. A refusal (400) is waited on
/// briefly: it may be Shopify retiring the token this instance sent because another instance
/// used it a moment earlier and is storing the result.
async fn other_renewal(
    state: &AppState,
    store: &Store,
    stored: &StoredToken,
    error: &TokenError,
) -> Result<Option<StoredToken>, ApiError> {
    let patient = matches!(error, TokenError::BadRequest { .. });
    let give_up = Instant::now()
        + if patient {
            OTHER_RENEWAL_WAIT
        } else {
            Duration::ZERO
        };
    loop {
        let current = read_token(state, store).await?;
        if current != *stored {
            return Ok(Some(current));
        }
        if Instant::now() >= give_up {
            return Ok(None);
        }
        tokio::time::sleep(OTHER_RENEWAL_POLL).await;
    }
}

fn open_access(
    state: &AppState,
    shop: &ShopDomain,
    stored: &StoredToken,
) -> Result<AccessToken, ApiError> {
    let token = state
        .secrets
        .open(&stored.access_ciphertext, shop.as_str())
        .map_err(ApiError::internal)?;
    Ok(AccessToken::new(token))
}

fn open_refresh(
    state: &AppState,
    shop: &ShopDomain,
    expiry: &StoredExpiry,
) -> Result<RefreshToken, ApiError> {
    let token = state
        .secrets
        .open(&expiry.refresh_ciphertext, &refresh_owner(shop))
        .map_err(ApiError::internal)?;
    Ok(RefreshToken::new(token))
}

/// What a refresh token is sealed to: its store, and being a refresh token (so neither token's
/// ciphertext opens as the other).
fn refresh_owner(shop: &ShopDomain) -> String {
    format!("{shop}#refresh")
}
