//! Test databases and helpers, for this crate's tests and the app's (feature `testing`).
//!
//! PostgreSQL tests run when `GRIDPRICE_TEST_POSTGRES_URL` names a server (any database on it;
//! each test creates its own and drops it afterwards). Without it they are skipped with a
//! message — except under `CI=true`, where a missing server fails the run.

use std::collections::BTreeMap;

use chrono::Utc;
use pricing::{Currency, Modifier, Money};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set};
use shopify::admin::billing::AppSubscriptionStatus;
use shopify::AppSubscriptionGid;
use sqlx::Connection;

use crate::audit::{Action, AuditEntry};
use crate::billing;
use crate::draft_orders::{
    self as records, NewDraftOrderRecord, PricedSnapshot, ShopifyDraftOrder,
};
use crate::entities::{
    api_keys, app_subscriptions, audit_log, breakpoints, draft_order_records, matrix_cells,
    option_choices, option_groups, price_matrices, product_matrices, product_option_groups,
    stores as store_rows,
};
use crate::jobs::NewJob;
use crate::options::{self, NewChoice, NewOptionGroup, Requirement};
use crate::products::{self, Move, NewAssignment};
use crate::stores::{self, Store};
use crate::{
    matrices, Actor, Database, DatabaseUrl, Editor, MatrixId, StorageResult, StoreId, UnitOfWork,
};

pub const POSTGRES_URL_VAR: &str = "GRIDPRICE_TEST_POSTGRES_URL";

/// A migrated database that cleans up after itself when [`TestDb::finish`] is called.
pub struct TestDb {
    pub db: Database,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres(Box<PgDatabase>),
}

/// A fresh, empty PostgreSQL database on the configured server, dropped by [`PgDatabase::remove`].
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: DatabaseUrl,
}

impl PgDatabase {
    /// `None` when no PostgreSQL server is configured (and this is not CI).
    pub async fn create() -> Option<PgDatabase> {
        let admin_url = postgres_admin_url()?;
        let name = format!("gridprice_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("reach PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create db");
        admin.close().await.ok();
        let url = with_database(&admin_url, &name).parse().expect("test URL");
        Some(PgDatabase {
            admin_url,
            name,
            url,
        })
    }

    pub async fn remove(self) {
        if let Ok(mut admin) = sqlx::PgConnection::connect(&self.admin_url).await {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            sqlx::query(&drop).execute(&mut admin).await.ok();
        }
    }
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = DatabaseUrl::sqlite_file(&dir.path().join("test.db"));
        let db = Database::connect(&url).await.expect("open SQLite");
        db.migrate().await.expect("migrate SQLite");
        TestDb {
            db,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// `None` when no PostgreSQL server is configured (and this is not CI).
    pub async fn postgres() -> Option<TestDb> {
        let database = PgDatabase::create().await?;
        let db = Database::connect(&database.url)
            .await
            .expect("open PostgreSQL");
        db.migrate().await.expect("migrate PostgreSQL");
        Some(TestDb {
            db,
            cleanup: Cleanup::Postgres(Box::new(database)),
        })
    }

    pub async fn finish(self) {
        self.db.close().await;
        if let Cleanup::Postgres(database) = self.cleanup {
            database.remove().await;
        }
    }
}

/// The configured PostgreSQL server, if any. Under CI its absence is a failure.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(url) => Some(url),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but {POSTGRES_URL_VAR} is not set: the PostgreSQL suite must run in CI")
        }
        None => {
            eprintln!("SKIPPED PostgreSQL test: set {POSTGRES_URL_VAR} to run it");
            None
        }
    }
}

/// The same server URL pointing at another database.
pub fn with_database(server_url: &str, database: &str) -> String {
    let mut url = url::Url::parse(server_url).expect("PostgreSQL URL");
    url.set_path(&format!("/{database}"));
    url.to_string()
}

/// `store` changed by a test's staff user.
pub async fn test_editor(db: &Database, store: StoreId) -> Editor {
    Editor {
        store: stores::get(db, store).await.expect("the store"),
        actor: Actor::Staff("test".to_owned()),
    }
}

/// Runs `change` as one unit of work of `store`, committed (logged as `action`) when it
/// succeeded and rolled back when it failed — the one way tests write, as the app does.
pub async fn write<T>(
    db: &Database,
    store: StoreId,
    action: Action,
    change: impl AsyncFnOnce(&UnitOfWork<'_>) -> StorageResult<T>,
) -> StorageResult<T> {
    let editor = test_editor(db, store).await;
    let work = UnitOfWork::begin(db, &editor).await?;
    let value = change(&work).await?;
    work.commit(AuditEntry::new(action, "test")).await?;
    Ok(value)
}

/// A store with nothing of its own yet.
pub async fn new_store(db: &Database, shop: &str, currency: &str) -> Store {
    let shop = shopify::ShopDomain::parse(shop).expect("a valid shop domain");
    let currency = pricing::Currency::from_code(currency).expect("a currency");
    stores::create(db, &shop, currency)
        .await
        .expect("create the store")
}

/// The demo matrix of DESIGN §3 (mm, USD), from the repository's fixture.
pub fn demo_matrix() -> pricing::PriceMatrix {
    pricing::csv::import_matrix(
        include_bytes!("../../../fixtures/demo-glass.csv"),
        pricing::Unit::Millimetre,
        pricing::OutOfRangePolicy::Reject,
        pricing::Currency::from_code("USD").expect("USD"),
    )
    .expect("the demo matrix")
}

/// Runs the body once on SQLite and once on PostgreSQL, as two tests named `sqlite` and
/// `postgres` inside a module named after the case.
#[macro_export]
macro_rules! storage_test {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn case($db: &$crate::Database) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let test = $crate::testing::TestDb::sqlite().await;
                case(&test.db).await;
                test.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test) = $crate::testing::TestDb::postgres().await else { return };
                case(&test.db).await;
                test.finish().await;
            }
        }
    };
}

/// The database's connection, for tests that read or write rows as stored.
pub fn connection(db: &Database) -> &DatabaseConnection {
    db.connection()
}

/// A check to schedule with a record marked created (tests do not run jobs).
pub fn resend_check() -> NewJob {
    NewJob {
        kind: "test.resend_check",
        payload: "{}".to_owned(),
        max_attempts: 1,
        run_at: Utc::now(),
    }
}

pub fn new_record(matrix_id: Option<MatrixId>, key: Option<&str>) -> NewDraftOrderRecord {
    NewDraftOrderRecord {
        matrix_id,
        matrix_name: "Demo glass".to_owned(),
        product_gid: "gid://shopify/Product/1".to_owned(),
        variant_gid: Some("gid://shopify/ProductVariant/11".to_owned()),
        width: "450".to_owned(),
        height: "250".to_owned(),
        unit: "mm".to_owned(),
        quantity: 2,
        unit_price: Money::from_minor(3000, Currency::from_code("USD").expect("USD")),
        total: Money::from_minor(6000, Currency::from_code("USD").expect("USD")),
        snapshot: PricedSnapshot {
            base_price_minor: 3000,
            options: Vec::new(),
            product_title: Some("Glass panel".to_owned()),
            breakpoints: Some(("600".to_owned(), "400".to_owned())),
        },
        idempotency_key: key.map(str::to_owned),
        request_hash: "hash".to_owned(),
    }
}

/// A store with one of everything: matrix, assignment, option group, records, key, audit entry.
pub async fn seed_store(db: &Database, shop: &str) -> StoreId {
    let store = new_store(db, shop, "USD").await.id;
    seed_data(db, store).await;
    store
}

/// One of everything for an installed store.
pub async fn seed_store_data(db: &Database, shop: &shopify::ShopDomain) {
    let store = stores::find_by_shop(db, shop)
        .await
        .unwrap()
        .expect("an installed store");
    seed_data(db, store.id).await;
}

async fn seed_data(db: &Database, store: StoreId) {
    let matrix = write(db, store, Action::MatrixCreate, async |w| {
        matrices::create(w, "Demo glass", &demo_matrix()).await
    })
    .await
    .unwrap();
    let product = "gid://shopify/Product/1";
    let assignment = NewAssignment {
        product_gid: product,
        product_title: "Glass panel",
        product_image_url: None,
        default_variant_gid: Some("gid://shopify/ProductVariant/11"),
        matrix_id: matrix.id,
    };
    write(db, store, Action::ProductAssignMatrix, async |w| {
        products::assign(w, assignment, Move::Refuse).await
    })
    .await
    .unwrap();
    let group = write(db, store, Action::OptionGroupCreate, async |w| {
        options::create_group(w, &glass_type()).await
    })
    .await
    .unwrap();
    write(db, store, Action::ProductSetOptionGroups, async |w| {
        options::set_product_groups(w, product, &[group.id]).await
    })
    .await
    .unwrap();
    let pending = records::insert_pending(
        db,
        store,
        new_record(Some(matrix.id), None),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let created = records::insert_pending(
        db,
        store,
        new_record(Some(matrix.id), None),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let created = match created {
        records::Inserted::New(record) => record,
        other => panic!("expected a new record, got {other:?}"),
    };
    records::mark_created(db, store, created.id, &shopify_order(1), &resend_check())
        .await
        .unwrap();
    drop(pending);
    insert_key_and_audit_entry(db, store).await;
    let subscription = billing::Report {
        shopify_id: AppSubscriptionGid::from_numeric(1).expect("an id"),
        name: "Gridprice Pro",
        status: AppSubscriptionStatus::Active,
        test: true,
        trial_days: 14,
        current_period_end: None,
        status_at: Utc::now(),
    };
    write(db, store, Action::SubscriptionStatus, async |w| {
        billing::apply(w, &subscription).await
    })
    .await
    .unwrap();
}

pub fn glass_type() -> NewOptionGroup {
    let choice = |label: &str, modifier, is_default| NewChoice {
        label: label.to_owned(),
        modifier,
        is_default,
    };
    NewOptionGroup {
        name: "Glass type".to_owned(),
        requirement: Requirement::Required,
        choices: vec![
            choice("Clear", Modifier::Fixed(0), true),
            choice("Tempered", Modifier::Fixed(1500), false),
            choice(
                "Laminated",
                Modifier::Percentage(pricing::BasisPoints::new(2000).unwrap()),
                false,
            ),
        ],
    }
}

pub fn shopify_order(n: u32) -> ShopifyDraftOrder {
    ShopifyDraftOrder {
        gid: format!("gid://shopify/DraftOrder/{n}"),
        name: format!("#D{n}"),
        invoice_url: format!("https://shop.example/invoices/{n}"),
        total: "30.00".to_owned(),
        unit_price: Some("30.0".to_owned()),
        total_tax: "0.0".to_owned(),
        total_discounts: "0.0".to_owned(),
        price_differs: false,
    }
}

async fn insert_key_and_audit_entry(db: &Database, store: StoreId) {
    let now = Utc::now();
    api_keys::ActiveModel {
        store_id: Set(store.get()),
        kind: Set("publishable".to_owned()),
        prefix: Set("gp_pk_1234".to_owned()),
        key_hash: Set(format!("hash-{}", store.get())),
        allowed_origins: Set("[]".to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db.connection())
    .await
    .unwrap();
    audit_log::ActiveModel {
        store_id: Set(store.get()),
        actor: Set("staff-1".to_owned()),
        action: Set("matrix.create".to_owned()),
        entity: Set("matrix".to_owned()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db.connection())
    .await
    .unwrap();
}

/// Rows per table, for before/after comparisons.
pub async fn row_counts(db: &Database) -> BTreeMap<&'static str, u64> {
    let c = db.connection();
    BTreeMap::from([
        ("stores", store_rows::Entity::find().count(c).await.unwrap()),
        ("api_keys", api_keys::Entity::find().count(c).await.unwrap()),
        (
            "price_matrices",
            price_matrices::Entity::find().count(c).await.unwrap(),
        ),
        (
            "breakpoints",
            breakpoints::Entity::find().count(c).await.unwrap(),
        ),
        (
            "matrix_cells",
            matrix_cells::Entity::find().count(c).await.unwrap(),
        ),
        (
            "product_matrices",
            product_matrices::Entity::find().count(c).await.unwrap(),
        ),
        (
            "option_groups",
            option_groups::Entity::find().count(c).await.unwrap(),
        ),
        (
            "option_choices",
            option_choices::Entity::find().count(c).await.unwrap(),
        ),
        (
            "product_option_groups",
            product_option_groups::Entity::find()
                .count(c)
                .await
                .unwrap(),
        ),
        (
            "draft_order_records",
            draft_order_records::Entity::find().count(c).await.unwrap(),
        ),
        (
            "audit_log",
            audit_log::Entity::find().count(c).await.unwrap(),
        ),
        (
            "app_subscriptions",
            app_subscriptions::Entity::find().count(c).await.unwrap(),
        ),
    ])
}
