//! Price matrices: the merchant's width × height grids.

pub mod routes;
pub mod service;
