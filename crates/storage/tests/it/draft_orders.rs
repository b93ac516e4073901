//! Draft order records: idempotency, the created counter, transitions, listing, isolation.

use gridprice_storage::draft_orders::{self as records, Inserted, RecordFilter, RecordStatus};
use gridprice_storage::matrices;
use gridprice_storage::stores;
use gridprice_storage::StorageError;

use gridprice_storage::audit::Action;
use gridprice_storage::storage_test;
use gridprice_storage::testing::*;

fn inserted_new(inserted: Inserted) -> records::DraftOrderRecord {
    match inserted {
        Inserted::New(record) => record,
        Inserted::Existing(record) => panic!("expected a new record, got existing {record:?}"),
    }
}

storage_test!(an_idempotency_key_holds_one_record_per_store, |db| {
    let store = new_store(db, "a.myshopify.com", "USD").await.id;
    let other = new_store(db, "b.myshopify.com", "USD").await.id;
    let first = inserted_new(
        records::insert_pending(db, store, new_record(None, Some("k1")), chrono::Utc::now())
            .await
            .unwrap(),
    );
    assert_eq!(first.status, RecordStatus::Pending);
    assert_eq!(first.total.minor(), 6000);
    assert_eq!(first.attempts, 0);

    let again =
        records::insert_pending(db, store, new_record(None, Some("k1")), chrono::Utc::now())
            .await
            .unwrap();
    assert_eq!(again, Inserted::Existing(first.clone()));
    // The same key in another store is another record.
    inserted_new(
        records::insert_pending(db, other, new_record(None, Some("k1")), chrono::Utc::now())
            .await
            .unwrap(),
    );
    // Without a key every request is a new record.
    inserted_new(
        records::insert_pending(db, store, new_record(None, None), chrono::Utc::now())
            .await
            .unwrap(),
    );
    inserted_new(
        records::insert_pending(db, store, new_record(None, None), chrono::Utc::now())
            .await
            .unwrap(),
    );
    let found = records::find_by_idempotency_key(db, store, "k1")
        .await
        .unwrap();
    assert_eq!(found, Some(first));
});

storage_test!(
    marking_created_counts_once_and_failed_only_from_pending,
    |db| {
        let store = new_store(db, "a.myshopify.com", "USD").await.id;
        let record = inserted_new(
            records::insert_pending(db, store, new_record(None, None), chrono::Utc::now())
                .await
                .unwrap(),
        );
        records::record_attempt(db, store, record.id).await.unwrap();

        let (created, changed) =
            records::mark_created(db, store, record.id, &shopify_order(7), &resend_check())
                .await
                .unwrap();
        assert!(changed);
        assert_eq!(created.status, RecordStatus::Created);
        assert_eq!(created.shopify_name.as_deref(), Some("#D7"));
        assert_eq!(created.attempts, 1);
        assert_eq!(
            stores::get(db, store)
                .await
                .unwrap()
                .total_draft_orders_created,
            1
        );

        // A duplicate confirmation (e.g. reconciliation after a lost response) is not counted,
        // and says so.
        let (_, changed) =
            records::mark_created(db, store, record.id, &shopify_order(7), &resend_check())
                .await
                .unwrap();
        assert!(!changed, "already created");
        assert_eq!(
            stores::get(db, store)
                .await
                .unwrap()
                .total_draft_orders_created,
            1
        );
        assert!(!records::mark_failed(db, store, record.id, "late failure")
            .await
            .unwrap());
        assert_eq!(
            records::get(db, store, record.id).await.unwrap().status,
            RecordStatus::Created
        );

        let doomed = inserted_new(
            records::insert_pending(db, store, new_record(None, None), chrono::Utc::now())
                .await
                .unwrap(),
        );
        assert!(
            records::mark_failed(db, store, doomed.id, "Variant not found")
                .await
                .unwrap()
        );
        let failed = records::get(db, store, doomed.id).await.unwrap();
        assert_eq!(
            (failed.status, failed.error.as_deref()),
            (RecordStatus::Failed, Some("Variant not found"))
        );
        assert_eq!(
            stores::get(db, store)
                .await
                .unwrap()
                .total_draft_orders_created,
            1
        );
    }
);

storage_test!(concurrent_confirmations_never_lose_a_count, |db| {
    let store = new_store(db, "a.myshopify.com", "USD").await.id;
    let mut ids = Vec::new();
    for _ in 0..20 {
        ids.push(
            inserted_new(
                records::insert_pending(db, store, new_record(None, None), chrono::Utc::now())
                    .await
                    .unwrap(),
            )
            .id,
        );
    }
    // Every record confirmed twice, all at once: 20 transitions, 20 counts.
    let tasks: Vec<_> = ids
        .iter()
        .chain(ids.iter())
        .enumerate()
        .map(|(n, id)| {
            let (db, id) = (db.clone(), *id);
            tokio::spawn(async move {
                records::mark_created(&db, store, id, &shopify_order(n as u32), &resend_check())
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(
        stores::get(db, store)
            .await
            .unwrap()
            .total_draft_orders_created,
        20
    );
    let created = RecordFilter {
        status: Some(RecordStatus::Created),
        ..Default::default()
    };
    assert_eq!(
        records::list(db, store, &created, 100).await.unwrap().len(),
        20
    );
});

storage_test!(
    records_are_listed_newest_first_with_filters_and_stay_in_their_store,
    |db| {
        let store = new_store(db, "a.myshopify.com", "USD").await.id;
        let other = new_store(db, "b.myshopify.com", "USD").await.id;
        let mut ids = Vec::new();
        for _ in 0..5 {
            ids.push(
                inserted_new(
                    records::insert_pending(db, store, new_record(None, None), chrono::Utc::now())
                        .await
                        .unwrap(),
                )
                .id,
            );
        }
        records::mark_created(db, store, ids[1], &shopify_order(1), &resend_check())
            .await
            .unwrap();
        let mut other_record = new_record(None, None);
        other_record.product_gid = "gid://shopify/Product/2".to_owned();
        let foreign = inserted_new(
            records::insert_pending(db, other, other_record, chrono::Utc::now())
                .await
                .unwrap(),
        );

        let all = records::list(db, store, &RecordFilter::default(), 100)
            .await
            .unwrap();
        let listed: Vec<_> = all.iter().map(|r| r.id).collect();
        assert_eq!(listed, ids.iter().rev().copied().collect::<Vec<_>>());

        let page = RecordFilter {
            before: Some(ids[3]),
            ..Default::default()
        };
        let page: Vec<_> = records::list(db, store, &page, 2)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(page, vec![ids[2], ids[1]]);

        let pending = RecordFilter {
            status: Some(RecordStatus::Pending),
            ..Default::default()
        };
        assert_eq!(
            records::list(db, store, &pending, 100).await.unwrap().len(),
            4
        );
        let by_product = RecordFilter {
            product_gid: Some("gid://shopify/Product/2".into()),
            ..Default::default()
        };
        assert!(records::list(db, store, &by_product, 100)
            .await
            .unwrap()
            .is_empty());

        // Another store's record is invisible and immovable from this store.
        assert!(matches!(
            records::get(db, store, foreign.id).await,
            Err(StorageError::NotFound(_))
        ));
        assert!(matches!(
            records::mark_created(db, store, foreign.id, &shopify_order(9), &resend_check()).await,
            Err(StorageError::NotFound(_))
        ));
        assert!(!records::mark_failed(db, store, foreign.id, "x")
            .await
            .unwrap());
        assert_eq!(
            stores::get(db, store)
                .await
                .unwrap()
                .total_draft_orders_created,
            1
        );
        assert_eq!(
            stores::get(db, other)
                .await
                .unwrap()
                .total_draft_orders_created,
            0
        );
    }
);

storage_test!(
    pending_records_older_than_the_cutoff_are_found_for_reconciliation,
    |db| {
        let store = new_store(db, "a.myshopify.com", "USD").await.id;
        let record = inserted_new(
            records::insert_pending(db, store, new_record(None, None), chrono::Utc::now())
                .await
                .unwrap(),
        );
        let past = chrono::Utc::now() - chrono::Duration::minutes(1);
        assert!(records::pending_before(db, past, 10)
            .await
            .unwrap()
            .is_empty());
        let future = chrono::Utc::now() + chrono::Duration::minutes(1);
        let due = records::pending_before(db, future, 10).await.unwrap();
        assert_eq!(
            due.iter().map(|r| (r.id, r.store_id)).collect::<Vec<_>>(),
            vec![(record.id, store)]
        );
    }
);

storage_test!(
    deleting_a_matrix_keeps_its_records_with_the_name_snapshot,
    |db| {
        let store = new_store(db, "a.myshopify.com", "USD").await.id;
        let matrix = write(db, store, Action::MatrixCreate, async |w| {
            matrices::create(w, "Demo glass", &demo_matrix()).await
        })
        .await
        .unwrap();
        let record = inserted_new(
            records::insert_pending(
                db,
                store,
                new_record(Some(matrix.id), None),
                chrono::Utc::now(),
            )
            .await
            .unwrap(),
        );
        records::mark_created(db, store, record.id, &shopify_order(1), &resend_check())
            .await
            .unwrap();
        assert!(
            write(db, store, Action::MatrixDelete, async |w| matrices::delete(
                w, matrix.id
            )
            .await)
            .await
            .unwrap()
        );
        let kept = records::get(db, store, record.id).await.unwrap();
        assert_eq!(kept.matrix_id, None);
        assert_eq!(kept.matrix_name, "Demo glass");
        assert_eq!(kept.status, RecordStatus::Created);
    }
);
