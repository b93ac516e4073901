//! The storage layer on SQLite and PostgreSQL: every case runs on both (`storage_test!`).

mod draft_orders;
mod matrices;
mod options;
mod platform_fidelity;
mod stores;
mod support;
