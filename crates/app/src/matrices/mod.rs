//! Price matrices: the merchant's width × height grids.

pub mod pages;
pub mod routes;
pub mod service;
