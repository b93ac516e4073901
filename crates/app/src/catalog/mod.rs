//! What the storefront prices with, compiled and kept in memory: for each product, its matrix
//! and option groups. Every admin write to a store's catalogue invalidates that store's entries.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use crate::stores::StoreId;

#[derive(Debug, Clone, Default)]
pub struct CatalogCache {
    warm_stores: Arc<RwLock<HashSet<StoreId>>>,
}

impl CatalogCache {
    /// Forgets everything cached for `store`; called after every write to its catalogue.
    pub fn invalidate_store(&self, store: StoreId) {
        if let Ok(mut stores) = self.warm_stores.write() {
            stores.remove(&store);
        }
    }
}
