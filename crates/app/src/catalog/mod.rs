//! What the storefront prices with, compiled and kept in memory (DESIGN §9): for each product
//! its assignment, matrix and option groups; for each API key its store, kind and origins. A
//! warm price request reads no database.
//!
//! Coherence:
//! - every change to a store commits through the storage layer's unit of work, whose
//!   [`ChangeListener`] call drops the store's products, matrices and keys here at once and, on
//!   PostgreSQL, whose `NOTIFY` (sent in the change's transaction) reaches the other instances'
//!   change listeners, which drop the same;
//! - a load that raced with an invalidation is not kept (per-store generations, a key epoch);
//! - on PostgreSQL nothing is cached while the change listener is not listening, and everything
//!   is dropped whenever it (re)connects, since notifications sent meanwhile are lost;
//! - on SQLite there is one instance (one file, one writer), so nothing crosses processes;
//! - key and shop entries are re-read after [`KEY_TTL`], as a backstop for store facts.

mod compiled;
pub mod request;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use gridprice_storage::api_keys::KeyKind;
use gridprice_storage::stores::Store;
use gridprice_storage::{
    api_keys, matrices, options, products, stores, ApiKeyId, ChangeListener, Database, MatrixId,
    StoreId,
};
use sha2::{Digest, Sha256};
use shopify::{ProductGid, ShopDomain};

pub use self::compiled::{CompiledMatrix, CompiledProduct, PriceRequest, PricedProduct, Selection};
use crate::api_keys::MAX_KEY_LENGTH;
use crate::error::CatalogError;
use crate::metrics::{CatalogLoad, Metrics};

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
    pub id: ApiKeyId,
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

    fn check_usable(&self) -> Result<(), CatalogError> {
        if self.revoked_at.is_some() || self.expires_at.is_some_and(|at| at <= Utc::now()) {
            return Err(CatalogError::RetiredKey);
        }
        if self.store.uninstalled_at.is_some() {
            return Err(CatalogError::Uninstalled);
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
    db: Database,
    stores: RwLock<HashMap<StoreId, StoreEntry>>,
    keys: RwLock<KeyTable>,
    /// Stores by shop domain, for requests that name their shop (the app proxy).
    shops: RwLock<ShopTable>,
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

#[derive(Debug, Default)]
struct ShopTable {
    epoch: u64,
    by_shop: HashMap<ShopDomain, CachedShop>,
}

#[derive(Debug)]
struct CachedShop {
    store: Arc<Store>,
    loaded_at: Instant,
}

/// What memory knows of a shop's store: the answer, or what loading it needs.
#[derive(Debug)]
pub enum ShopLookup {
    Cached(Result<Arc<Store>, CatalogError>),
    Missing(ShopMiss),
}

/// A shop to load, and the shop epoch its load must not outlive.
#[derive(Debug)]
pub struct ShopMiss {
    shop: ShopDomain,
    epoch: u64,
}

/// What memory knows of a key: the answer, or what loading it needs.
#[derive(Debug)]
pub enum KeyLookup {
    Cached(Result<Arc<AuthenticatedKey>, CatalogError>),
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
    /// A cache of `db` counting its loads in `metrics`. It hears of every change through `db`;
    /// on PostgreSQL it stays cold until `db`'s change listener listens.
    pub fn new(db: &Database, metrics: Metrics) -> Self {
        let inner = Arc::new(Inner {
            db: db.clone(),
            coherent: AtomicBool::new(!db.is_shared()),
            stores: RwLock::default(),
            keys: RwLock::default(),
            shops: RwLock::default(),
            metrics,
        });
        let listener: Arc<dyn ChangeListener> = inner.clone();
        db.subscribe(Arc::downgrade(&listener));
        Self { inner }
    }

    /// Prices `request` for `product` of `store` (no matrix: [`CatalogError::NoMatrix`]).
    pub async fn price(
        &self,
        store: &Store,
        product: &ProductGid,
        request: &PriceRequest,
    ) -> Result<PricedProduct, CatalogError> {
        self.product(store.id, *product)
            .await?
            .price(store.currency, request)
    }

    /// The compiled product, from memory or loaded once. Another store's product, or one
    /// without a matrix, is the same [`CatalogError::NoMatrix`]: existence never leaks across
    /// stores.
    pub async fn product(
        &self,
        store: StoreId,
        product: ProductGid,
    ) -> Result<Arc<CompiledProduct>, CatalogError> {
        let id = product.numeric_id();
        let generation = {
            let stores = read(&self.inner.stores);
            match stores.get(&store) {
                Some(entry) => match entry.products.get(&id) {
                    Some(hit) => return hit.clone().ok_or(CatalogError::NoMatrix),
                    None => entry.generation,
                },
                None => 0,
            }
        };
        self.inner.metrics.catalog_loaded(CatalogLoad::Product);
        let loaded = in_time(self.load_product(store, product, generation)).await?;
        if self.is_coherent() {
            let mut stores = write(&self.inner.stores);
            let entry = stores.entry(store).or_default();
            if entry.generation == generation {
                entry.remember_product(id, loaded.clone());
            }
        }
        loaded.ok_or(CatalogError::NoMatrix)
    }

    /// The key's store, kind and origins from memory (refused when unknown, revoked or
    /// expired), or what [`Self::load_key`] needs to read it: a warm request is answered
    /// without awaiting.
    pub fn cached_key(&self, key: &str) -> KeyLookup {
        if key.is_empty() || key.len() > MAX_KEY_LENGTH {
            return KeyLookup::Cached(Err(CatalogError::UnknownKey));
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
    pub async fn load_key(&self, miss: KeyMiss) -> Result<Arc<AuthenticatedKey>, CatalogError> {
        self.inner.metrics.catalog_loaded(CatalogLoad::Key);
        let key = in_time(load_key(&self.inner.db, &miss.digest))
            .await?
            .ok_or(CatalogError::UnknownKey)?;
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

    /// The store of `shop` from memory (refused when it is uninstalled), or what
    /// [`Self::load_shop`] needs to read it: a warm request is answered without awaiting.
    pub fn cached_shop(&self, shop: &ShopDomain) -> ShopLookup {
        let shops = read(&self.inner.shops);
        match shops.by_shop.get(shop) {
            Some(cached) if cached.loaded_at.elapsed() < KEY_TTL => {
                ShopLookup::Cached(usable_store(&cached.store).map(|()| cached.store.clone()))
            }
            _ => ShopLookup::Missing(ShopMiss {
                shop: shop.clone(),
                epoch: shops.epoch,
            }),
        }
    }

    /// Reads a shop's store [`Self::cached_shop`] did not have, and keeps it unless an
    /// invalidation happened meanwhile. A shop without a store has not installed Gridprice:
    /// [`CatalogError::Uninstalled`], as for an uninstalled one.
    pub async fn load_shop(&self, miss: ShopMiss) -> Result<Arc<Store>, CatalogError> {
        self.inner.metrics.catalog_loaded(CatalogLoad::Shop);
        let store = in_time(async { Ok(stores::find_by_shop(&self.inner.db, &miss.shop).await?) })
            .await?
            .map(Arc::new)
            .ok_or(CatalogError::Uninstalled)?;
        if self.is_coherent() {
            let mut shops = write(&self.inner.shops);
            if shops.epoch == miss.epoch {
                let cached = CachedShop {
                    store: store.clone(),
                    loaded_at: Instant::now(),
                };
                shops.by_shop.insert(miss.shop, cached);
            }
        }
        usable_store(&store)?;
        Ok(store)
    }

    async fn load_product(
        &self,
        store: StoreId,
        product: ProductGid,
        generation: u64,
    ) -> Result<Option<Arc<CompiledProduct>>, CatalogError> {
        let db = &self.inner.db;
        let gid = product.to_string();
        let Some(assignment) = products::find(db, store, &gid).await? else {
            return Ok(None);
        };
        let matrix = self.matrix(store, assignment.matrix_id, generation).await?;
        let groups = options::groups_for_product(db, store, &gid).await?;
        Ok(Some(Arc::new(CompiledProduct::new(
            assignment, matrix, groups,
        ))))
    }

    async fn matrix(
        &self,
        store: StoreId,
        id: MatrixId,
        generation: u64,
    ) -> Result<Arc<CompiledMatrix>, CatalogError> {
        let cached = read(&self.inner.stores)
            .get(&store)
            .and_then(|entry| entry.matrices.get(&id).cloned());
        if let Some(matrix) = cached {
            return Ok(matrix);
        }
        let stored = matrices::load(&self.inner.db, store, id).await?;
        let matrix = Arc::new(CompiledMatrix::from(stored));
        if self.is_coherent() {
            let mut stores = write(&self.inner.stores);
            let entry = stores.entry(store).or_default();
            if entry.generation == generation {
                entry.matrices.insert(id, matrix.clone());
            }
        }
        Ok(matrix)
    }

    /// Whether loads are kept: always on SQLite; on PostgreSQL while the listener listens.
    pub fn is_coherent(&self) -> bool {
        self.inner.coherent.load(Ordering::Acquire)
    }
}

impl ChangeListener for Inner {
    fn store_changed(&self, store: StoreId) {
        write(&self.stores).entry(store).or_default().forget();
        let mut keys = write(&self.keys);
        keys.epoch += 1;
        keys.by_digest
            .retain(|_, cached| cached.key.store.id != store);
        drop(keys);
        let mut shops = write(&self.shops);
        shops.epoch += 1;
        shops.by_shop.retain(|_, cached| cached.store.id != store);
    }

    fn changes_missed(&self, listening: bool) {
        write(&self.stores)
            .values_mut()
            .for_each(StoreEntry::forget);
        let mut keys = write(&self.keys);
        keys.epoch += 1;
        keys.by_digest.clear();
        drop(keys);
        let mut shops = write(&self.shops);
        shops.epoch += 1;
        shops.by_shop.clear();
        self.coherent.store(listening, Ordering::Release);
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

/// A store's own requests (the app proxy) are answered while it has Gridprice installed.
fn usable_store(store: &Store) -> Result<(), CatalogError> {
    if store.installed_at.is_none() || store.uninstalled_at.is_some() {
        return Err(CatalogError::Uninstalled);
    }
    Ok(())
}

async fn load_key(
    db: &Database,
    digest: &[u8; 32],
) -> Result<Option<Arc<AuthenticatedKey>>, CatalogError> {
    let Some(key) = api_keys::find_by_hash(db, &hex::encode(digest)).await? else {
        return Ok(None);
    };
    let store = stores::get(db, key.store_id).await?;
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
    load: impl std::future::Future<Output = Result<T, CatalogError>>,
) -> Result<T, CatalogError> {
    tokio::time::timeout(LOAD_TIMEOUT, load)
        .await
        .unwrap_or(Err(CatalogError::TooSlow))
}

// The critical sections never panic; a poisoned lock still holds consistent maps.
fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}
