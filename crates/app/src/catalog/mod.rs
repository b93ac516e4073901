//! What the storefront prices with, compiled and kept in memory (DESIGN §9): for each product
//! its assignment, matrix and option groups; for each API key its store, kind and origins. A
//! warm price request reads no database.
//!
//! Coherence:
//! - every admin write commits through [`CatalogCache::commit_change`], which drops the store's
//!   products, matrices and keys here and, on PostgreSQL, tells the other instances with
//!   `NOTIFY gridprice_catalog, '<store id>'` sent in the write's transaction; their listener
//!   ([`spawn_listener`]) drops the same;
//! - a load that raced with an invalidation is not kept (per-store generations, a key epoch);
//! - on PostgreSQL nothing is cached while the listener is not listening, and everything is
//!   dropped whenever it (re)connects, since notifications sent meanwhile are lost;
//! - on SQLite there is one instance (one file, one writer), so nothing crosses processes;
//! - key entries are re-read after [`KEY_TTL`]: store facts that webhooks change (uninstall,
//!   currency) become visible without an admin write.

mod compiled;
mod notify;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;
use sha2::{Digest, Sha256};
use shopify::ProductGid;

pub(crate) use self::compiled::bad_request;
pub use self::compiled::{CompiledMatrix, CompiledProduct, PriceRequest, PricedProduct, Selection};
pub use self::notify::{spawn_listener, CHANNEL};
use crate::api_keys::{self, KeyKind, MAX_KEY_LENGTH};
use crate::db::{Database, StorageResult};
use crate::http::error::ApiError;
use crate::matrices::{self, MatrixId};
use crate::metrics::{CatalogLoad, Metrics};
use crate::stores::{self, Store, StoreId};
use crate::{options, products};

/// How long a cached key (and the store facts it carries) is trusted without a write.
pub const KEY_TTL: Duration = Duration::from_secs(60);
/// How long a cold load may wait for the database before its request gets a 503: the storefront
/// reads' only wait (they have no whole-request deadline, see `http::router`).
pub const LOAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Products known to have no matrix, remembered per store up to this many: enough for a
/// storefront's real catalogue, too few for a scan of made-up ids to fill memory.
const MAX_ABSENT_PER_STORE: usize = 1024;

/// A key that authenticated: whose it is and where it may be used from.
#[derive(Debug, Clone)]
pub struct AuthenticatedKey {
    pub id: i64,
    pub store: Store,
    pub kind: KeyKind,
    /// Lowercase, without a trailing slash; empty means any origin.
    pub allowed_origins: Vec<String>,
    revoked_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
}

impl AuthenticatedKey {
    /// Whether a browser page on `origin` may use this key.
    pub fn allows_origin(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.allowed_origins.is_empty()
            || self
                .allowed_origins
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }

    fn check_usable(&self) -> Result<(), ApiError> {
        if self.revoked_at.is_some() || self.expires_at.is_some_and(|at| at <= Utc::now()) {
            return Err(ApiError::Unauthenticated(
                "This API key was revoked or has expired; use the store's current key.".into(),
            ));
        }
        if self.store.uninstalled_at.is_some() {
            return Err(ApiError::Unauthenticated(
                "The store behind this API key no longer has Gridprice installed.".into(),
            ));
        }
        Ok(())
    }
}

/// The in-memory catalogue. Cheap to clone; every clone shares the same entries.
#[derive(Debug, Clone)]
pub struct CatalogCache {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    stores: RwLock<HashMap<StoreId, StoreEntry>>,
    keys: RwLock<KeyTable>,
    /// False while entries could miss another instance's writes (PostgreSQL, not listening).
    coherent: AtomicBool,
    /// Counts the loads (the misses).
    metrics: Metrics,
}

#[derive(Debug, Default)]
struct StoreEntry {
    /// Moves on with every invalidation; a load keeps its result only if it did not move.
    generation: u64,
    /// By numeric product id; `None` = the product has no matrix.
    products: HashMap<u64, Option<Arc<CompiledProduct>>>,
    absent: usize,
    /// Shared by every product priced with the matrix.
    matrices: HashMap<MatrixId, Arc<CompiledMatrix>>,
}

#[derive(Debug, Default)]
struct KeyTable {
    epoch: u64,
    /// By SHA-256 digest of the full key, as stored (hex) in the database.
    by_digest: HashMap<[u8; 32], CachedKey>,
}

/// What memory knows of a key: the answer, or what loading it needs.
#[derive(Debug)]
pub enum KeyLookup {
    Cached(Result<Arc<AuthenticatedKey>, ApiError>),
    Missing(KeyMiss),
}

/// A key to load: its digest, and the key epoch its load must not outlive.
#[derive(Debug)]
pub struct KeyMiss {
    digest: [u8; 32],
    epoch: u64,
}

#[derive(Debug)]
struct CachedKey {
    key: Arc<AuthenticatedKey>,
    loaded_at: Instant,
}

impl CatalogCache {
    /// A cache for `db` counting its loads in `metrics`; on PostgreSQL it publishes
    /// invalidations and stays cold until [`spawn_listener`] listens.
    pub fn new(db: &Database, metrics: Metrics) -> Self {
        let single_instance = notify::postgres_pool(db).is_none();
        Self {
            inner: Arc::new(Inner {
                coherent: AtomicBool::new(single_instance),
                stores: RwLock::default(),
                keys: RwLock::default(),
                metrics,
            }),
        }
    }

    /// Commits `txn`, a change to what `store`'s storefront prices from (catalogue, settings,
    /// keys), and makes every instance forget the store: this one at once, the others by a
    /// `NOTIFY` that PostgreSQL delivers with the commit and never without it.
    pub async fn commit_change(
        &self,
        txn: DatabaseTransaction,
        store: StoreId,
    ) -> StorageResult<()> {
        notify::publish(&txn, store).await?;
        txn.commit().await?;
        self.forget_store(store);
        Ok(())
    }

    /// Forgets everything cached for `store` after a change that committed on its own (the
    /// webhook jobs), and tells the other instances. An error means they may not have heard:
    /// the caller retries.
    pub async fn invalidate_store(&self, db: &Database, store: StoreId) -> StorageResult<()> {
        self.forget_store(store);
        notify::publish(db.connection(), store).await?;
        Ok(())
    }

    /// Prices `request` for `product` of `store` (404 when it has no matrix).
    pub async fn price(
        &self,
        db: &Database,
        store: &Store,
        product: &ProductGid,
        request: &PriceRequest,
    ) -> Result<PricedProduct, ApiError> {
        self.product(db, store.id, *product)
            .await?
            .price(store.currency, request)
    }

    /// The compiled product, from memory or loaded once. Another store's product, or one
    /// without a matrix, is the same 404: existence never leaks across stores.
    pub async fn product(
        &self,
        db: &Database,
        store: StoreId,
        product: ProductGid,
    ) -> Result<Arc<CompiledProduct>, ApiError> {
        let id = product.numeric_id();
        let generation = {
            let stores = read(&self.inner.stores);
            match stores.get(&store) {
                Some(entry) => match entry.products.get(&id) {
                    Some(hit) => return hit.clone().ok_or_else(no_matrix),
                    None => entry.generation,
                },
                None => 0,
            }
        };
        self.inner.metrics.catalog_loaded(CatalogLoad::Product);
        let loaded = in_time(self.load_product(db, store, product, generation)).await?;
        if self.is_coherent() {
            let mut stores = write(&self.inner.stores);
            let entry = stores.entry(store).or_default();
            if entry.generation == generation {
                entry.remember_product(id, loaded.clone());
            }
        }
        loaded.ok_or_else(no_matrix)
    }

    /// The key's store, kind and origins from memory (401 when unknown, revoked or expired), or
    /// what [`Self::load_key`] needs to read it: a warm request is answered without awaiting.
    pub fn cached_key(&self, key: &str) -> KeyLookup {
        if key.is_empty() || key.len() > MAX_KEY_LENGTH {
            return KeyLookup::Cached(Err(unknown_key()));
        }
        let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        let keys = read(&self.inner.keys);
        match keys.by_digest.get(&digest) {
            Some(cached) if cached.loaded_at.elapsed() < KEY_TTL => {
                KeyLookup::Cached(cached.key.check_usable().map(|()| cached.key.clone()))
            }
            _ => KeyLookup::Missing(KeyMiss {
                digest,
                epoch: keys.epoch,
            }),
        }
    }

    /// Reads a key [`Self::cached_key`] did not have, and keeps it unless an invalidation
    /// happened meanwhile.
    pub async fn load_key(
        &self,
        db: &Database,
        miss: KeyMiss,
    ) -> Result<Arc<AuthenticatedKey>, ApiError> {
        self.inner.metrics.catalog_loaded(CatalogLoad::Key);
        let key = in_time(load_key(db, &miss.digest))
            .await?
            .ok_or_else(unknown_key)?;
        if self.is_coherent() {
            let mut keys = write(&self.inner.keys);
            if keys.epoch == miss.epoch {
                let cached = CachedKey {
                    key: key.clone(),
                    loaded_at: Instant::now(),
                };
                keys.by_digest.insert(miss.digest, cached);
            }
        }
        key.check_usable()?;
        Ok(key)
    }

    async fn load_product(
        &self,
        db: &Database,
        store: StoreId,
        product: ProductGid,
        generation: u64,
    ) -> Result<Option<Arc<CompiledProduct>>, ApiError> {
        let gid = product.to_string();
        let Some(assignment) = products::storage::find(db, store, &gid).await? else {
            return Ok(None);
        };
        let matrix = self
            .matrix(db, store, assignment.matrix_id, generation)
            .await?;
        let groups = options::storage::groups_for_product(db, store, &gid).await?;
        Ok(Some(Arc::new(CompiledProduct::new(
            assignment, matrix, groups,
        ))))
    }

    async fn matrix(
        &self,
        db: &Database,
        store: StoreId,
        id: MatrixId,
        generation: u64,
    ) -> Result<Arc<CompiledMatrix>, ApiError> {
        let cached = read(&self.inner.stores)
            .get(&store)
            .and_then(|entry| entry.matrices.get(&id).cloned());
        if let Some(matrix) = cached {
            return Ok(matrix);
        }
        let stored = matrices::storage::load(db, store, id).await?;
        let matrix = Arc::new(CompiledMatrix::try_from(stored).map_err(ApiError::internal)?);
        if self.is_coherent() {
            let mut stores = write(&self.inner.stores);
            let entry = stores.entry(store).or_default();
            if entry.generation == generation {
                entry.matrices.insert(id, matrix.clone());
            }
        }
        Ok(matrix)
    }

    fn forget_store(&self, store: StoreId) {
        write(&self.inner.stores).entry(store).or_default().forget();
        let mut keys = write(&self.inner.keys);
        keys.epoch += 1;
        keys.by_digest
            .retain(|_, cached| cached.key.store.id != store);
    }

    /// Drops every entry: notifications may have been missed.
    fn forget_everything(&self) {
        write(&self.inner.stores)
            .values_mut()
            .for_each(StoreEntry::forget);
        let mut keys = write(&self.inner.keys);
        keys.epoch += 1;
        keys.by_digest.clear();
    }

    /// Whether loads are kept: always on SQLite; on PostgreSQL while the listener listens.
    pub fn is_coherent(&self) -> bool {
        self.inner.coherent.load(Ordering::Acquire)
    }

    fn set_coherent(&self, coherent: bool) {
        self.inner.coherent.store(coherent, Ordering::Release);
    }
}

impl StoreEntry {
    fn forget(&mut self) {
        self.generation += 1;
        self.products.clear();
        self.matrices.clear();
        self.absent = 0;
    }

    fn remember_product(&mut self, id: u64, product: Option<Arc<CompiledProduct>>) {
        if product.is_none() {
            if self.absent >= MAX_ABSENT_PER_STORE {
                return;
            }
            self.absent += 1;
        }
        self.products.insert(id, product);
    }
}

async fn load_key(
    db: &Database,
    digest: &[u8; 32],
) -> Result<Option<Arc<AuthenticatedKey>>, ApiError> {
    let Some(key) = api_keys::storage::find_by_hash(db, &hex::encode(digest)).await? else {
        return Ok(None);
    };
    let store = stores::storage::get(db, key.store_id).await?;
    Ok(Some(Arc::new(AuthenticatedKey {
        id: key.id,
        store,
        kind: key.kind,
        allowed_origins: key
            .allowed_origins
            .iter()
            .map(|origin| origin.trim_end_matches('/').to_ascii_lowercase())
            .collect(),
        revoked_at: key.revoked_at,
        expires_at: key.expires_at,
    })))
}

async fn in_time<T>(
    load: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    tokio::time::timeout(LOAD_TIMEOUT, load)
        .await
        .unwrap_or_else(|_| {
            Err(ApiError::Unavailable {
                detail: "The price catalogue could not be read in time; retry shortly.".into(),
                retry_after: 1,
            })
        })
}

fn no_matrix() -> ApiError {
    ApiError::NotFound("No price matrix is assigned to this product.".into())
}

fn unknown_key() -> ApiError {
    ApiError::Unauthenticated("The X-API-Key header does not hold a known Gridprice key.".into())
}

// The critical sections never panic; a poisoned lock still holds consistent maps.
fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}
