//! The audit log as merchants read it. Entries are written by the storage layer's unit of work,
//! in the same transaction as the change they record.

pub mod routes;
pub mod view;
