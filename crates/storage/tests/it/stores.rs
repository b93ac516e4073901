//! Stores, and the cascade that deletes everything a store owns.

use gridprice_storage::StorageError;
use gridprice_storage::{stores, UnitOfWork};

use crate::support::{shop, usd};
use gridprice_storage::storage_test;
use gridprice_storage::testing::*;

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

        let editor = test_editor(db, doomed).await;
        let erase = async || {
            UnitOfWork::begin(db, &editor)
                .await
                .unwrap()
                .erase_store()
                .await
        };
        assert!(erase().await.unwrap());
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
        assert!(!erase().await.unwrap(), "a second erasure finds nothing");
    }
);
