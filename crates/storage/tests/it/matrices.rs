//! Matrices saved and loaded whole, versions, assignments, isolation, and the schema's guards.

use gridprice_storage::entities::breakpoints;
use gridprice_storage::options::{self, NewChoice, NewOptionGroup, Requirement};
use gridprice_storage::products::{self, Move, NewAssignment};
use gridprice_storage::StorageError;
use gridprice_storage::{matrices, MatrixId};
use pricing::{Decimal, Modifier, OutOfRangePolicy, PriceMatrix, Unit};
use sea_orm::{ActiveModelTrait, Set};

use gridprice_storage::audit::Action;
use gridprice_storage::storage_test;
use gridprice_storage::testing::*;

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
    let store = new_store(db, "a.myshopify.com", "USD").await.id;
    for (name, matrix) in [("Demo glass", demo_matrix()), ("Big", big_matrix())] {
        let created = write(db, store, Action::MatrixCreate, async |w| {
            matrices::create(w, name, &matrix).await
        })
        .await
        .unwrap();
        assert_eq!(created.version, 1);
        let loaded = matrices::load(db, store, created.id).await.unwrap();
        assert_eq!(loaded.matrix, matrix);
        assert_eq!(loaded.name, name);
    }
});

storage_test!(replacing_bumps_the_version_and_refuses_a_stale_one, |db| {
    let store = new_store(db, "a.myshopify.com", "USD").await.id;
    let created = write(db, store, Action::MatrixCreate, async |w| {
        matrices::create(w, "Demo glass", &demo_matrix()).await
    })
    .await
    .unwrap();
    let replaced = write(db, store, Action::MatrixReplace, async |w| {
        matrices::replace(w, created.id, 1, &big_matrix()).await
    })
    .await
    .unwrap();
    assert_eq!(replaced.version, 2);
    assert_eq!(
        matrices::load(db, store, created.id).await.unwrap().matrix,
        big_matrix()
    );

    let stale = write(db, store, Action::MatrixReplace, async |w| {
        matrices::replace(w, created.id, 1, &demo_matrix()).await
    })
    .await;
    assert!(
        matches!(stale, Err(StorageError::StaleVersion { current: 2 })),
        "{stale:?}"
    );
    assert_eq!(
        matrices::load(db, store, created.id).await.unwrap().matrix,
        big_matrix()
    );

    assert_eq!(
        write(db, store, Action::MatrixRename, async |w| matrices::rename(
            w, created.id, "Blinds"
        )
        .await)
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
    let store = new_store(db, "a.myshopify.com", "USD").await.id;
    let other = new_store(db, "b.myshopify.com", "USD").await.id;
    write(db, store, Action::MatrixCreate, async |w| {
        matrices::create(w, "Demo glass", &demo_matrix()).await
    })
    .await
    .unwrap();
    write(db, other, Action::MatrixCreate, async |w| {
        matrices::create(w, "Demo glass", &demo_matrix()).await
    })
    .await
    .unwrap();
    let twice = write(db, store, Action::MatrixCreate, async |w| {
        matrices::create(w, "Demo glass", &demo_matrix()).await
    })
    .await;
    assert!(matches!(twice, Err(StorageError::Conflict(_))), "{twice:?}");
    let second = write(db, store, Action::MatrixCreate, async |w| {
        matrices::create(w, "Second", &demo_matrix()).await
    })
    .await
    .unwrap();
    let renamed = write(db, store, Action::MatrixRename, async |w| {
        matrices::rename(w, second.id, "Demo glass").await
    })
    .await;
    assert!(
        matches!(renamed, Err(StorageError::Conflict(_))),
        "{renamed:?}"
    );
});

storage_test!(another_store_can_neither_see_nor_change_a_matrix, |db| {
    let owner = new_store(db, "owner.myshopify.com", "USD").await.id;
    let intruder = new_store(db, "intruder.myshopify.com", "USD").await.id;
    let matrix = write(db, owner, Action::MatrixCreate, async |w| {
        matrices::create(w, "Demo glass", &demo_matrix()).await
    })
    .await
    .unwrap();
    let not_found = |r: &Result<_, StorageError>| matches!(r, Err(StorageError::NotFound(_)));

    assert!(not_found(
        &matrices::load(db, intruder, matrix.id).await.map(|_| ())
    ));
    assert!(not_found(
        &write(db, intruder, Action::MatrixReplace, async |w| {
            matrices::replace(w, matrix.id, 1, &big_matrix()).await
        })
        .await
        .map(|_| ())
    ));
    assert!(not_found(
        &write(db, intruder, Action::MatrixRename, async |w| {
            matrices::rename(w, matrix.id, "Mine").await
        })
        .await
        .map(|_| ())
    ));
    assert!(!write(db, intruder, Action::MatrixDelete, async |w| {
        matrices::delete(w, matrix.id).await
    })
    .await
    .unwrap());
    assert!(matrices::list(db, intruder).await.unwrap().is_empty());
    let assignment = NewAssignment {
        product_gid: "gid://shopify/Product/9",
        product_title: "Stolen",
        product_image_url: None,
        default_variant_gid: None,
        matrix_id: matrix.id,
    };
    assert!(not_found(
        &write(db, intruder, Action::ProductAssignMatrix, async |w| {
            products::assign(w, assignment, Move::Refuse).await
        })
        .await
        .map(|_| ())
    ));

    let untouched = matrices::load(db, owner, matrix.id).await.unwrap();
    assert_eq!((untouched.version, untouched.matrix), (1, demo_matrix()));
});

storage_test!(a_product_has_one_matrix_and_moves_only_when_asked, |db| {
    let store = new_store(db, "a.myshopify.com", "USD").await.id;
    let glass = write(db, store, Action::MatrixCreate, async |w| {
        matrices::create(w, "Demo glass", &demo_matrix()).await
    })
    .await
    .unwrap();
    let blinds = write(db, store, Action::MatrixCreate, async |w| {
        matrices::create(w, "Blinds", &big_matrix()).await
    })
    .await
    .unwrap();
    let assign = |matrix_id: MatrixId| NewAssignment {
        product_gid: "gid://shopify/Product/1",
        product_title: "Glass panel",
        product_image_url: None,
        default_variant_gid: Some("gid://shopify/ProductVariant/11"),
        matrix_id,
    };
    write(db, store, Action::ProductAssignMatrix, async |w| {
        products::assign(w, assign(glass.id), Move::Refuse).await
    })
    .await
    .unwrap();
    write(db, store, Action::ProductAssignMatrix, async |w| {
        products::assign(w, assign(glass.id), Move::Refuse).await
    })
    .await
    .unwrap();

    let refused = write(db, store, Action::ProductAssignMatrix, async |w| {
        products::assign(w, assign(blinds.id), Move::Refuse).await
    })
    .await;
    match refused {
        Err(StorageError::Conflict(message)) => {
            assert!(message.contains("Demo glass"), "{message}")
        }
        other => panic!("expected a conflict naming the current matrix, got {other:?}"),
    }
    // Agreeing to take it from Blinds does not take it from Demo glass.
    let stale = write(db, store, Action::ProductAssignMatrix, async |w| {
        products::assign(w, assign(blinds.id), Move::From(blinds.id)).await
    })
    .await;
    match stale {
        Err(StorageError::Conflict(message)) => {
            assert!(message.contains("Demo glass"), "{message}")
        }
        other => panic!("expected a conflict naming the current matrix, got {other:?}"),
    }
    let moved = write(db, store, Action::ProductAssignMatrix, async |w| {
        products::assign(w, assign(blinds.id), Move::From(glass.id)).await
    })
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

    assert!(
        write(db, store, Action::MatrixDelete, async |w| matrices::delete(
            w, blinds.id
        )
        .await)
        .await
        .unwrap()
    );
    assert_eq!(
        products::find(db, store, "gid://shopify/Product/1")
            .await
            .unwrap(),
        None
    );
    assert!(!write(db, store, Action::ProductUnassignMatrix, async |w| {
        products::unassign(w, "gid://shopify/Product/1").await
    })
    .await
    .unwrap());
});

storage_test!(
    a_product_is_refreshed_and_forgotten_in_its_store_only,
    |db| {
        const PRODUCT: &str = "gid://shopify/Product/1";
        let mut stores = Vec::new();
        for shop in ["a.myshopify.com", "b.myshopify.com"] {
            let store = new_store(db, shop, "USD").await.id;
            let matrix = write(db, store, Action::MatrixCreate, async |w| {
                matrices::create(w, "Demo glass", &demo_matrix()).await
            })
            .await
            .unwrap();
            let group = write(db, store, Action::OptionGroupCreate, async |w| {
                options::create_group(w, &glass_type()).await
            })
            .await
            .unwrap();
            write(db, store, Action::ProductAssignMatrix, async |w| {
                let new = NewAssignment {
                    product_gid: PRODUCT,
                    product_title: "Glass panel",
                    product_image_url: None,
                    default_variant_gid: None,
                    matrix_id: matrix.id,
                };
                products::assign(w, new, Move::Refuse).await
            })
            .await
            .unwrap();
            write(db, store, Action::ProductSetOptionGroups, async |w| {
                options::set_product_groups(w, PRODUCT, &[group.id]).await
            })
            .await
            .unwrap();
            stores.push(store);
        }
        let (store, other) = (stores[0], stores[1]);

        let image = "https://cdn.shopify.com/s/files/glass.png?v=2";
        assert!(write(db, store, Action::ProductUpdate, async |w| {
            products::refresh(w, PRODUCT, "Glass panel, tempered", Some(image)).await
        })
        .await
        .unwrap());
        let refreshed = products::find(db, store, PRODUCT).await.unwrap().unwrap();
        assert_eq!(refreshed.product_title, "Glass panel, tempered");
        assert_eq!(refreshed.product_image_url.as_deref(), Some(image));
        let untouched = products::find(db, other, PRODUCT).await.unwrap().unwrap();
        assert_eq!(
            (
                untouched.product_title.as_str(),
                untouched.product_image_url
            ),
            ("Glass panel", None)
        );

        assert!(write(db, store, Action::ProductDelete, async |w| {
            products::forget(w, PRODUCT).await
        })
        .await
        .unwrap());
        assert_eq!(products::find(db, store, PRODUCT).await.unwrap(), None);
        assert!(options::groups_for_product(db, store, PRODUCT)
            .await
            .unwrap()
            .is_empty());
        assert!(!write(db, store, Action::ProductDelete, async |w| {
            products::forget(w, PRODUCT).await
        })
        .await
        .unwrap());
        assert!(!write(db, store, Action::ProductUpdate, async |w| {
            products::refresh(w, PRODUCT, "Gone", None).await
        })
        .await
        .unwrap());
        assert!(products::find(db, other, PRODUCT).await.unwrap().is_some());
        assert_eq!(
            options::groups_for_product(db, other, PRODUCT)
                .await
                .unwrap()
                .len(),
            1
        );
    }
);

fn glass_type() -> NewOptionGroup {
    NewOptionGroup {
        name: "Glass type".into(),
        requirement: Requirement::Required,
        choices: vec![NewChoice {
            label: "Clear".into(),
            modifier: Modifier::Fixed(0),
            is_default: true,
        }],
    }
}

storage_test!(the_schema_enforces_foreign_keys_on_every_backend, |db| {
    let orphan = breakpoints::ActiveModel {
        matrix_id: Set(999_999),
        axis: Set("width".to_owned()),
        position: Set(0),
        value_e4: Set(1),
        ..Default::default()
    };
    assert!(
        orphan.insert(connection(db)).await.is_err(),
        "a breakpoint needs its matrix"
    );
});
