//! Schema migrations: one Rust source of truth rendered by sea-query for SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

mod m20261125_000001_initial;
mod m20261203_000001_expiring_tokens;
mod m20261204_000001_send_leases;
mod m20261205_000001_platform_fidelity;
mod m20261206_000001_product_images;
mod m20261206_000002_setup_guide;
mod m20261207_000001_app_subscriptions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_initial::Migration),
            Box::new(m20261203_000001_expiring_tokens::Migration),
            Box::new(m20261204_000001_send_leases::Migration),
            Box::new(m20261205_000001_platform_fidelity::Migration),
            Box::new(m20261206_000001_product_images::Migration),
            Box::new(m20261206_000002_setup_guide::Migration),
            Box::new(m20261207_000001_app_subscriptions::Migration),
        ]
    }
}
