//! Stores, and the cascade that deletes everything a store owns.

use std::collections::BTreeMap;

use chrono::Utc;
use gridprice::db::entities::{
    api_keys, audit_log, breakpoints, draft_order_records, matrix_cells, option_choices,
    option_groups, price_matrices, product_matrices, product_option_groups, stores as store_rows,
};
use gridprice::db::{Database, StorageError};
use gridprice::draft_orders::storage::{self as records, ShopifyDraftOrder};
use gridprice::matrices::storage as matrices;
use gridprice::options::{storage as options, NewChoice, NewOptionGroup, Requirement};
use gridprice::products::storage::{self as products, NewAssignment};
use gridprice::stores::{storage as stores, StoreId};
use pricing::Modifier;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

use crate::storage_draft_orders::new_record;
use crate::support::{demo_matrix, shop, usd};

storage_test!(
    creates_finds_and_refuses_a_second_store_for_the_same_shop,
    |db| {
        let created = stores::create(db, &shop("a-shop.myshopify.com"), usd())
            .await
            .unwrap();
        assert_eq!(created.total_draft_orders_created, 0);
        assert_eq!(created.currency.code(), "USD");
        let found = stores::find_by_shop(db, &shop("a-shop.myshopify.com"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found, created);
        assert_eq!(stores::get(db, created.id).await.unwrap(), created);
        assert!(stores::find_by_shop(db, &shop("other.myshopify.com"))
            .await
            .unwrap()
            .is_none());
        let again = stores::create(db, &shop("a-shop.myshopify.com"), usd()).await;
        assert!(matches!(again, Err(StorageError::Conflict(_))), "{again:?}");
    }
);

storage_test!(
    deleting_a_store_removes_everything_it_owns_and_nothing_else,
    |db| {
        let survivor = seed_store(db, "survivor.myshopify.com").await;
        let before = row_counts(db).await;
        let doomed = seed_store(db, "doomed.myshopify.com").await;
        assert_ne!(row_counts(db).await, before, "the second store added rows");

        assert!(stores::delete(db, doomed).await.unwrap());
        assert_eq!(
            row_counts(db).await,
            before,
            "every row of the deleted store is gone"
        );
        assert!(matches!(
            stores::get(db, doomed).await,
            Err(StorageError::NotFound(_))
        ));
        assert_eq!(
            stores::get(db, survivor)
                .await
                .unwrap()
                .total_draft_orders_created,
            1
        );
        assert!(
            !stores::delete(db, doomed).await.unwrap(),
            "a second delete finds nothing"
        );
    }
);

/// A store with one of everything: matrix, assignment, option group, records, key, audit entry.
pub async fn seed_store(db: &Database, shop: &str) -> StoreId {
    let store = stores::create(db, &crate::support::shop(shop), usd())
        .await
        .unwrap()
        .id;
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
    let matrix = matrices::create(db, store, "Demo glass", &demo_matrix())
        .await
        .unwrap();
    let product = "gid://shopify/Product/1";
    let assignment = NewAssignment {
        product_gid: product,
        product_title: "Glass panel",
        default_variant_gid: Some("gid://shopify/ProductVariant/11"),
        matrix_id: matrix.id,
    };
    products::assign(db, store, assignment, false)
        .await
        .unwrap();
    let group = options::create_group(db, store, &glass_type())
        .await
        .unwrap();
    options::set_product_groups(db, store, product, &[group.id])
        .await
        .unwrap();
    let pending = records::insert_pending(db, store, new_record(Some(matrix.id), None))
        .await
        .unwrap();
    let created = records::insert_pending(db, store, new_record(Some(matrix.id), None))
        .await
        .unwrap();
    let created = match created {
        records::Inserted::New(record) => record,
        other => panic!("expected a new record, got {other:?}"),
    };
    records::mark_created(db, store, created.id, &shopify_order(1))
        .await
        .unwrap();
    drop(pending);
    insert_key_and_audit_entry(db, store).await;
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
    ])
}
