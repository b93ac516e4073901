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
//!
//! Shopify keeps one expiring offline token per shop and app: a renewal anywhere revokes the
//! token other requests and instances may still hold. So a token Shopify refuses (401) is not
//! the end: [`ShopifyAccess::call`] re-reads the row and retries once with the newer token —
//! renewing it first when the row still holds the refused one — and only then concludes that the
//! store must reconnect. A non-expiring token is never used while (or after) its migration to an
//! expiring one may have happened at Shopify: a migration whose answer was lost is sent again by
//! the next request (Shopify answers a repeat with the same pair for 7 days).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use gridprice_storage::stores::{self as storage, Store, StoredExpiry, StoredToken};
use gridprice_storage::{Database, StoreId};
use shopify::admin::{AdminClient, AdminError, ShopClient};
use shopify::token::{self, OfflineToken, TokenError};
use shopify::{AccessToken, RefreshToken, ShopDomain};
use tokio::sync::{Mutex, MutexGuard};

use crate::config::ShopifyConfig;
use crate::crypto::SecretBox;
use crate::error::ServiceError;

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

/// How the app reaches Shopify for its stores: the app's configuration and HTTP clients, and
/// each store's sealed token, renewed when due. Cheap to clone.
#[derive(Clone)]
pub struct ShopifyAccess {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    config: ShopifyConfig,
    /// Token endpoints (OAuth, token exchange, refresh); never follows redirects.
    http: reqwest::Client,
    admin: AdminClient,
    secrets: SecretBox,
    renewals: TokenRenewals,
}

/// One renewal at a time per store: a burst of requests meeting an expired token renews it once.
/// Striped by store id, so the locks stay fixed however many stores there are; failed renewals
/// are remembered per store until one succeeds.
#[derive(Debug)]
struct TokenRenewals {
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

impl ShopifyAccess {
    pub fn new(
        db: Database,
        config: ShopifyConfig,
        secrets: SecretBox,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()?;
        let admin = AdminClient::new(
            http.clone(),
            config.shop_url_template.clone(),
            config.api_version,
            config.client.clone(),
        );
        Ok(Self {
            inner: Arc::new(Inner {
                db,
                config,
                http,
                admin,
                secrets,
                renewals: TokenRenewals::default(),
            }),
        })
    }

    pub fn config(&self) -> &ShopifyConfig {
        &self.inner.config
    }

    /// The client of Shopify's token endpoints; it never follows redirects.
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub fn secrets(&self) -> &SecretBox {
        &self.inner.secrets
    }

    /// The Admin API of `shop` with `token`.
    pub fn shop<'a>(&'a self, shop: &'a ShopDomain, token: &'a AccessToken) -> ShopClient<'a> {
        self.inner.admin.shop(shop, token)
    }

    /// The store's offline access token, renewed first when it is due;
    /// [`ServiceError::Reconnect`] when there is none or Shopify will not renew it.
    pub async fn access_token(&self, store: &Store) -> Result<AccessToken, ServiceError> {
        let stored = self.read_token(store).await?;
        let now = Utc::now();
        if !is_due(&stored, now) {
            return self.open_access(&store.shop, &stored);
        }
        let renewals = &self.inner.renewals;
        let _turn = if still_works(&stored, now) {
            match renewals.turn_if_free(store.id) {
                Some(turn) => turn,
                None => return self.open_access(&store.shop, &stored),
            }
        } else {
            renewals.turn(store.id).await
        };
        self.renew(store).await
    }

    /// Runs `operation` against the store's Admin API with its token. When Shopify refuses the
    /// token (401) — revoked because another request or instance renewed it, which revokes the
    /// earlier expiring token — the stored token is read again and the operation retried once
    /// with the newer one ([`Self::token_after_refusal`]); only a second refusal, or no newer
    /// token to be had, marks the store for reconnection. Any other error is
    /// [`Self::failure`]'s.
    ///
    /// `operation` gets the token to use (build the client with [`Self::shop`]).
    pub async fn call<T, F, Fut>(&self, store: &Store, operation: F) -> Result<T, ServiceError>
    where
        F: Fn(AccessToken) -> Fut,
        Fut: Future<Output = Result<T, AdminError>>,
    {
        let mut token = self.access_token(store).await?;
        let mut retried = false;
        loop {
            let outcome = operation(token.clone()).await;
            match outcome {
                Ok(value) => return Ok(value),
                Err(AdminError::Unauthorized(_)) if !retried => {
                    match self.token_after_refusal(store, &token).await? {
                        Some(newer) => {
                            token = newer;
                            retried = true;
                        }
                        None => return Err(self.refused(store).await),
                    }
                }
                Err(error) => return Err(self.failure(store, error).await),
            }
        }
    }

    /// After Shopify refused `refused` (HTTP 401): the token to try instead, if there is one.
    /// Another request or instance may have renewed the store's token meanwhile — Shopify keeps
    /// one expiring offline token per shop and app and revokes the earlier one — so the row is
    /// read again; if it still holds the refused token (a renewal elsewhere that was not stored,
    /// or a clock that ran ahead), the token is renewed now. `None` when Shopify will not renew
    /// it: the store must reconnect (the caller marks it, see [`Self::failure`]). Shopify not
    /// answering the renewal is an error (unavailable), not a reason to reconnect.
    pub async fn token_after_refusal(
        &self,
        store: &Store,
        refused: &AccessToken,
    ) -> Result<Option<AccessToken>, ServiceError> {
        let _turn = self.inner.renewals.turn(store.id).await;
        let stored = self.read_token(store).await?;
        let current = self.open_access(&store.shop, &stored)?;
        let now = Utc::now();
        if current.expose_secret() != refused.expose_secret() && !is_due(&stored, now) {
            tracing::info!(shop = %store.shop, "access token refused; retrying with the token renewed meanwhile");
            return Ok(Some(current));
        }
        tracing::warn!(shop = %store.shop, "Shopify refused the stored access token; renewing it");
        let renewed = self.request_renewal(store, &stored).await;
        self.inner.renewals.record(store.id, renewed.is_ok());
        let error = match renewed {
            Ok(grant) => return self.keep(store, &stored, &grant, now).await.map(Some),
            Err(error) => error,
        };
        if let Some(other) = self.other_renewal(store, &stored, &error).await? {
            return self.open_access(&store.shop, &other).map(Some);
        }
        if error.answer_lost() {
            return Err(error.into());
        }
        tracing::warn!(shop = %store.shop, %error, "Shopify will not renew a refused access token");
        Ok(None)
    }

    /// Seals a token Shopify granted at `received` for keeping.
    pub fn seal(
        &self,
        shop: &ShopDomain,
        grant: &OfflineToken,
        received: DateTime<Utc>,
    ) -> StoredToken {
        let secrets = &self.inner.secrets;
        let expiry = grant.expiry.as_ref().map(|expiry| {
            let lifetime = expiry.expires_in;
            let lead = RENEW_BEFORE_EXPIRY.min(lifetime / 2);
            StoredExpiry {
                refresh_at: received + (lifetime - lead),
                expires_at: received + lifetime,
                refresh_ciphertext: secrets
                    .seal(expiry.refresh_token.expose_secret(), &refresh_owner(shop)),
                refresh_expires_at: expiry.refresh_token_expires_in.map(|ttl| received + ttl),
            }
        });
        StoredToken {
            access_ciphertext: secrets.seal(grant.access_token.expose_secret(), shop.as_str()),
            expiry,
        }
    }

    /// A Shopify failure for `store` as a feature sees it; the store is marked for
    /// reconnection when Shopify refused its token. Callers holding a token use [`Self::call`]
    /// or [`Self::token_after_refusal`] first: a refusal may only mean a newer token exists.
    pub async fn failure(&self, store: &Store, error: AdminError) -> ServiceError {
        if matches!(error, AdminError::Unauthorized(_)) {
            return self.refused(store).await;
        }
        error.into()
    }

    /// Shopify refused the store's token and no newer one is to be had: the store is marked for
    /// reconnection.
    async fn refused(&self, store: &Store) -> ServiceError {
        tracing::warn!(shop = %store.shop, "Shopify refused the access token; re-authentication required");
        if let Err(marking) = storage::mark_reauth_required(&self.inner.db, store.id).await {
            return marking.into();
        }
        AdminError::Unauthorized(401).into()
    }
}

/// A non-expiring token is always due: it is to be exchanged for an expiring one.
fn is_due(stored: &StoredToken, now: DateTime<Utc>) -> bool {
    stored.expiry.as_ref().is_none_or(|e| now >= e.refresh_at)
}

/// Whether the token may be used as it is while it is being (or failed to be) renewed: an
/// expiring token until it expires; a non-expiring token never, since its migration may have
/// retired it at Shopify even when no answer came back.
fn still_works(stored: &StoredToken, now: DateTime<Utc>) -> bool {
    stored.expiry.as_ref().is_some_and(|e| now < e.expires_at)
}

impl ShopifyAccess {
    async fn read_token(&self, store: &Store) -> Result<StoredToken, ServiceError> {
        storage::stored_token(&self.inner.db, store.id)
            .await?
            .ok_or_else(|| {
                ServiceError::Reconnect(format!(
                    "{} has no access token; install the app again.",
                    store.shop
                ))
            })
    }

    /// Renews the store's token; the caller holds the store's turn.
    async fn renew(&self, store: &Store) -> Result<AccessToken, ServiceError> {
        // Renewed by whoever held the turn before?
        let stored = self.read_token(store).await?;
        let now = Utc::now();
        if !is_due(&stored, now) {
            return self.open_access(&store.shop, &stored);
        }
        let renewed = self.request_renewal(store, &stored).await;
        // A lost answer is not a failure to wait out: the next request asks again (for a
        // migration Shopify repeats the same pair), and an expiring token is used meanwhile.
        let failed = renewed
            .as_ref()
            .is_err_and(|e| stored.expiry.is_some() || !e.answer_lost());
        self.inner.renewals.record(store.id, !failed);
        match renewed {
            Ok(grant) => self.keep(store, &stored, &grant, now).await,
            Err(error) => self.not_renewed(store, &stored, error, now).await,
        }
    }

    /// Asks Shopify for the renewal of `stored`: a refresh of an expiring token, or the
    /// migration of a non-expiring one (which Shopify answers with the same pair when it is
    /// repeated within 7 days, so a lost answer is simply asked for again).
    async fn request_renewal(
        &self,
        store: &Store,
        stored: &StoredToken,
    ) -> Result<OfflineToken, TokenError> {
        let (config, http) = (&self.inner.config, &self.inner.http);
        let (template, credentials) = (&config.shop_url_template, &config.credentials);
        match &stored.expiry {
            Some(expiry) => {
                let refresh_token = self
                    .open_refresh(&store.shop, expiry)
                    .map_err(|e| TokenError::InvalidResponse(e.to_string()))?;
                token::refresh(http, template, &store.shop, credentials, &refresh_token).await
            }
            None => {
                let legacy = self
                    .open_access(&store.shop, stored)
                    .map_err(|e| TokenError::InvalidResponse(e.to_string()))?;
                token::migrate_to_expiring(http, template, &store.shop, credentials, &legacy).await
            }
        }
    }

    /// Stores the renewal unless another instance stored one first; either way answers with the
    /// token now on the row.
    async fn keep(
        &self,
        store: &Store,
        previous: &StoredToken,
        grant: &OfflineToken,
        received: DateTime<Utc>,
    ) -> Result<AccessToken, ServiceError> {
        let renewed = self.seal(&store.shop, grant, received);
        if storage::replace_token(&self.inner.db, store.id, previous, &renewed).await? {
            tracing::info!(shop = %store.shop, "offline access token renewed");
            return Ok(grant.access_token.clone());
        }
        let current = self.read_token(store).await?;
        self.open_access(&store.shop, &current)
    }

    /// A renewal that failed: another instance's renewal is used if there is one, else a token that
    /// still works; a refresh token Shopify refuses (`invalid_grant`), or a non-expiring token it
    /// will not migrate, means the merchant must open the app again. A migration whose answer
    /// was lost leaves the non-expiring token unused (Shopify may have retired it): the request
    /// fails as unavailable and the next one repeats the migration.
    async fn not_renewed(
        &self,
        store: &Store,
        stored: &StoredToken,
        error: TokenError,
        now: DateTime<Utc>,
    ) -> Result<AccessToken, ServiceError> {
        if let Some(current) = self.other_renewal(store, stored, &error).await? {
            return self.open_access(&store.shop, &current);
        }
        let refused = match &stored.expiry {
            Some(_) => {
                matches!(&error, TokenError::BadRequest { error, .. } if error == "invalid_grant")
            }
            None => matches!(&error, TokenError::BadRequest { .. }),
        };
        if refused {
            tracing::warn!(shop = %store.shop, %error, "Shopify will not renew the offline token");
            storage::mark_reauth_required(&self.inner.db, store.id).await?;
            return Err(ServiceError::Reconnect(format!(
                "Shopify no longer renews Gridprice's access to {}; open the app in the Shopify admin to reconnect it.",
                store.shop
            )));
        }
        if still_works(stored, now) {
            tracing::warn!(shop = %store.shop, %error, "offline token not renewed yet; using the current one");
            return self.open_access(&store.shop, stored);
        }
        if stored.expiry.is_none() && error.answer_lost() {
            tracing::warn!(shop = %store.shop, %error, "the token migration's answer was lost; the next request repeats it");
            return Err(ServiceError::Unavailable {
                detail: format!(
                    "Shopify did not answer the renewal of {}'s access token; try again shortly.",
                    store.shop
                ),
                retry_after: 2,
            });
        }
        Err(error.into())
    }

    /// Another instance's renewal of `stored`, if one is on the row. A refusal (400) is waited on
    /// briefly: it may be Shopify retiring the token this instance sent because another instance
    /// used it a moment earlier and is storing the result.
    async fn other_renewal(
        &self,
        store: &Store,
        stored: &StoredToken,
        error: &TokenError,
    ) -> Result<Option<StoredToken>, ServiceError> {
        let patient = matches!(error, TokenError::BadRequest { .. });
        let give_up = Instant::now()
            + if patient {
                OTHER_RENEWAL_WAIT
            } else {
                Duration::ZERO
            };
        loop {
            let current = self.read_token(store).await?;
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
        &self,
        shop: &ShopDomain,
        stored: &StoredToken,
    ) -> Result<AccessToken, ServiceError> {
        let token = self
            .inner
            .secrets
            .open(&stored.access_ciphertext, shop.as_str())
            .map_err(ServiceError::internal)?;
        Ok(AccessToken::new(token))
    }

    fn open_refresh(
        &self,
        shop: &ShopDomain,
        expiry: &StoredExpiry,
    ) -> Result<RefreshToken, ServiceError> {
        let token = self
            .inner
            .secrets
            .open(&expiry.refresh_ciphertext, &refresh_owner(shop))
            .map_err(ServiceError::internal)?;
        Ok(RefreshToken::new(token))
    }
}

/// What a refresh token is sealed to: its store, and being a refresh token (so neither token's
/// ciphertext opens as the other).
fn refresh_owner(shop: &ShopDomain) -> String {
    format!("{shop}#refresh")
}
