//! Price matrices: the merchant's width × height grids.

pub mod routes;
pub mod service;
pub mod storage;

/// A matrix's key; every lookup by it is also scoped by store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct MatrixId(i64);

impl MatrixId {
    pub fn new(id: i64) -> Self {
        Self(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}
