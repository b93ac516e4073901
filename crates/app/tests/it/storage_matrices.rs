//! Matrices saved and loaded whole, versions, assignments, isolation, and the schema's guards.

use gridprice::db::entities::breakpoints;
use gridprice::db::StorageError;
use gridprice::matrices::{storage as matrices, MatrixId};
use gridprice::products::storage::{self as products, NewAssignment};
use gridprice::stores::storage as stores;
use pricing::{Decimal, OutOfRangePolicy, PriceMatrix, Unit};
use sea_orm::{ActiveModelTrait, Set};

use crate::support::{demo_matrix, shop, usd};

fn big_matrix() -> PriceMatrix {
    // 100 × 100 with fractional breakpoints: exercises chunked inserts and exact decimals.
    let axis = |step: i64| {
        (1..=100)
            .map(|i| Decimal::new(i * step + 5, 1))
            .collect::<Vec<_>>()
    };
    let cells = (0..100)
        .map(|h| (0..100).map(|w| Some(i64::from(h * 100 + w))).collect())
        .collect();
    PriceMatrix::new(
        Unit::Centimetre,
        OutOfRangePolicy::Clamp,
        axis(25),
        axis(30),
        cells,
    )
    .unwrap()
}

storage_test!(a_matrix_round_trips_whole_and_exactly, |db| {
    let store = stores::create(db, &shop("a.myshopify.com"), usd())
        .await
        .unwrap()
        .id;
    for (name, matrix) in [("Demo glass", demo_matrix()), ("Big", big_matrix())] {
        let created = matrices::create(db, store, name, &matrix).await.unwrap();
        assert_eq!(created.version, 1);
        let loaded = matrices::load(db, store, created.id).await.unwrap();
        assert_eq!(loaded.matrix, matrix);
        assert_eq!(loaded.name, name);
    }
});

storage_test!(replacing_bumps_the_version_and_refuses_a_stale_one, |db| {
    let store = stores::create(db, &shop("a.myshopify.com"), usd())
        .await
        .unwrap()
        .id;
    let created = matrices::create(db, store, "Demo glass", &demo_matrix())
        .await
        .unwrap();
    let replaced = matrices::replace(db, store, created.id, 1, &big_matrix())
        .await
        .unwrap();
    assert_eq!(replaced.version, 2);
    assert_eq!(
        matrices::load(db, store, created.id).await.unwrap().matrix,
        big_matrix()
    );

    let stale = matrices::replace(db, store, created.id, 1, &demo_matrix()).await;
    assert!(
        matches!(stale, Err(StorageError::StaleVersion { current: 2 })),
        "{stale:?}"
    );
    assert_eq!(
        matrices::load(db, store, created.id).await.unwrap().matrix,
        big_matrix()
    );

    assert_eq!(
        matrices::rename(db, store, created.id, "Blinds")
            .await
            .unwrap(),
        3
    );
    let summary = matrices::list(db, store).await.unwrap();
    assert_eq!(
        (summary[0].name.as_str(), summary[0].version),
        ("Blinds", 3)
    );
    assert_eq!(
        (summary[0].unit, summary[0].out_of_range),
        (Unit::Centimetre, OutOfRangePolicy::Clamp)
    );
});

storage_test!(names_are_unique_per_store, |db| {
    let store = stores::create(db, &shop("a.myshopify.com"), usd())
        .await
        .unwrap()
        .id;
    let other = stores::create(db, &shop("b.myshopify.com"), usd())
        .await
        .unwrap()
        .id;
    matrices::create(db, store, "Demo glass", &demo_matrix())
        .await
        .unwrap();
    matrices::create(db, other, "Demo glass", &demo_matrix())
        .await
        .unwrap();
    let twice = matrices::create(db, store, "Demo glass", &demo_matrix()).await;
    assert!(matches!(twice, Err(StorageError::Conflict(_))), "{twice:?}");
    let second = matrices::create(db, store, "Second", &demo_matrix())
        .await
        .unwrap();
    let renamed = matrices::rename(db, store, second.id, "Demo glass").await;
    assert!(
        matches!(renamed, Err(StorageError::Conflict(_))),
        "{renamed:?}"
    );
});

storage_test!(another_store_can_neither_see_nor_change_a_matrix, |db| {
    let owner = stores::create(db, &shop("owner.myshopify.com"), usd())
        .await
        .unwrap()
        .id;
    let intruder = stores::create(db, &shop("intruder.myshopify.com"), usd())
        .await
        .unwrap()
        .id;
    let matrix = matrices::create(db, owner, "Demo glass", &demo_matrix())
        .await
        .unwrap();
    let not_found = |r: &Result<_, StorageError>| matches!(r, Err(StorageError::NotFound(_)));

    assert!(not_found(
        &matrices::load(db, intruder, matrix.id).await.map(|_| ())
    ));
    assert!(not_found(
        &matrices::replace(db, intruder, matrix.id, 1, &big_matrix())
            .await
            .map(|_| ())
    ));
    assert!(not_found(
        &matrices::rename(db, intruder, matrix.id, "Mine")
            .await
            .map(|_| ())
    ));
    assert!(!matrices::delete(db, intruder, matrix.id).await.unwrap());
    assert!(matrices::list(db, intruder).await.unwrap().is_empty());
    let assignment = NewAssignment {
        product_gid: "gid://shopify/Product/9",
        product_title: "Stolen",
        default_variant_gid: None,
        matrix_id: matrix.id,
    };
    assert!(not_found(
        &products::assign(db, intruder, assignment, false)
            .await
            .map(|_| ())
    ));

    let untouched = matrices::load(db, owner, matrix.id).await.unwrap();
    assert_eq!((untouched.version, untouched.matrix), (1, demo_matrix()));
});

storage_test!(a_product_has_one_matrix_and_moves_only_when_asked, |db| {
    let store = stores::create(db, &shop("a.myshopify.com"), usd())
        .await
        .unwrap()
        .id;
    let glass = matrices::create(db, store, "Demo glass", &demo_matrix())
        .await
        .unwrap();
    let blinds = matrices::create(db, store, "Blinds", &big_matrix())
        .await
        .unwrap();
    let assign = |matrix_id: MatrixId| NewAssignment {
        product_gid: "gid://shopify/Product/1",
        product_title: "Glass panel",
        default_variant_gid: Some("gid://shopify/ProductVariant/11"),
        matrix_id,
    };
    products::assign(db, store, assign(glass.id), false)
        .await
        .unwrap();
    products::assign(db, store, assign(glass.id), false)
        .await
        .unwrap();

    let refused = products::assign(db, store, assign(blinds.id), false).await;
    match refused {
        Err(StorageError::Conflict(message)) => {
            assert!(message.contains("Demo glass"), "{message}")
        }
        other => panic!("expected a conflict naming the current matrix, got {other:?}"),
    }
    let moved = products::assign(db, store, assign(blinds.id), true)
        .await
        .unwrap();
    assert_eq!(moved.matrix_id, blinds.id);
    assert_eq!(
        products::list(db, store).await.unwrap(),
        vec![moved.clone()]
    );
    let counts: Vec<_> = matrices::list(db, store)
        .await
        .unwrap()
        .iter()
        .map(|m| m.assigned_products)
        .collect();
    assert_eq!(
        counts,
        vec![1, 0],
        "Blinds has the product, Demo glass none"
    );

    assert!(matrices::delete(db, store, blinds.id).await.unwrap());
    assert_eq!(
        products::find(db, store, "gid://shopify/Product/1")
            .await
            .unwrap(),
        None
    );
    assert!(!products::unassign(db, store, "gid://shopify/Product/1")
        .await
        .unwrap());
});

storage_test!(the_schema_enforces_foreign_keys_on_every_backend, |db| {
    let orphan = breakpoints::ActiveModel {
        matrix_id: Set(999_999),
        axis: Set("width".to_owned()),
        position: Set(0),
        value_e4: Set(1),
        ..Default::default()
    };
    assert!(
        orphan.insert(db.connection()).await.is_err(),
        "a breakpoint needs its matrix"
    );
});
