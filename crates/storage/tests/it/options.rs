//! Option groups, their choices, and their order on products.

use gridprice_storage::options::{self, Requirement};
use gridprice_storage::OptionGroupId;
use gridprice_storage::StorageError;
use pricing::Modifier;

use gridprice_storage::audit::Action;
use gridprice_storage::storage_test;
use gridprice_storage::testing::*;

storage_test!(
    groups_keep_their_choices_in_order_and_replace_them_whole,
    |db| {
        let store = new_store(db, "a.myshopify.com", "USD").await.id;
        let group = write(db, store, Action::OptionGroupCreate, async |w| {
            options::create_group(w, &glass_type()).await
        })
        .await
        .unwrap();
        let labels: Vec<_> = group.choices.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Clear", "Tempered", "Laminated"]);
        assert_eq!(group.choices[1].modifier, Modifier::Fixed(1500));
        assert!(group.choices[0].is_default);
        assert_eq!(group.version, 1);

        let mut edited = glass_type();
        edited.name = "Glass".to_owned();
        edited.requirement = Requirement::Optional;
        edited.choices.truncate(2);
        let replaced = write(db, store, Action::OptionGroupReplace, async |w| {
            options::replace_group(w, group.id, &edited).await
        })
        .await
        .unwrap();
        assert_eq!(
            (
                replaced.name.as_str(),
                replaced.version,
                replaced.choices.len()
            ),
            ("Glass", 2, 2)
        );
        assert_eq!(
            options::get_group(db, store, group.id).await.unwrap(),
            replaced
        );
        assert_eq!(
            options::list_groups(db, store).await.unwrap(),
            vec![replaced]
        );
    }
);

storage_test!(
    a_label_is_unique_within_its_group_and_nothing_is_half_saved,
    |db| {
        let store = new_store(db, "a.myshopify.com", "USD").await.id;
        let mut twice = glass_type();
        twice.choices[2].label = "Clear".to_owned();
        let result = write(db, store, Action::OptionGroupCreate, async |w| {
            options::create_group(w, &twice).await
        })
        .await;
        assert!(
            matches!(result, Err(StorageError::Conflict(_))),
            "{result:?}"
        );
        assert!(
            options::list_groups(db, store).await.unwrap().is_empty(),
            "the group was rolled back"
        );
    }
);

storage_test!(
    products_list_their_groups_in_display_order_and_only_their_stores,
    |db| {
        let store = new_store(db, "a.myshopify.com", "USD").await.id;
        let other = new_store(db, "b.myshopify.com", "USD").await.id;
        let glass = write(db, store, Action::OptionGroupCreate, async |w| {
            options::create_group(w, &glass_type()).await
        })
        .await
        .unwrap();
        let mut edge = glass_type();
        edge.name = "Edge finish".to_owned();
        let edge = write(db, store, Action::OptionGroupCreate, async |w| {
            options::create_group(w, &edge).await
        })
        .await
        .unwrap();
        let foreign = write(db, other, Action::OptionGroupCreate, async |w| {
            options::create_group(w, &glass_type()).await
        })
        .await
        .unwrap();
        let product = "gid://shopify/Product/1";

        write(db, store, Action::ProductSetOptionGroups, async |w| {
            options::set_product_groups(w, product, &[edge.id, glass.id]).await
        })
        .await
        .unwrap();
        let order: Vec<OptionGroupId> = options::groups_for_product(db, store, product)
            .await
            .unwrap()
            .iter()
            .map(|g| g.id)
            .collect();
        assert_eq!(order, vec![edge.id, glass.id]);
        let listed = options::group_ids_by_product(db, store).await.unwrap();
        assert_eq!(listed.get(product), Some(&vec![edge.id, glass.id]));
        assert!(options::group_ids_by_product(db, other)
            .await
            .unwrap()
            .is_empty());

        let crossing = write(db, store, Action::ProductSetOptionGroups, async |w| {
            options::set_product_groups(w, product, &[glass.id, foreign.id]).await
        })
        .await;
        assert!(
            matches!(crossing, Err(StorageError::NotFound(_))),
            "{crossing:?}"
        );
        assert_eq!(
            options::groups_for_product(db, store, product)
                .await
                .unwrap()
                .len(),
            2,
            "unchanged"
        );
        assert!(options::groups_for_product(db, other, product)
            .await
            .unwrap()
            .is_empty());
        assert!(matches!(
            options::get_group(db, other, glass.id).await,
            Err(StorageError::NotFound(_))
        ));
        assert!(!write(db, other, Action::OptionGroupDelete, async |w| {
            options::delete_group(w, glass.id).await
        })
        .await
        .unwrap());
        assert!(matches!(
            write(db, other, Action::OptionGroupReplace, async |w| {
                options::replace_group(w, glass.id, &glass_type()).await
            })
            .await,
            Err(StorageError::NotFound(_))
        ));

        assert!(write(db, store, Action::OptionGroupDelete, async |w| {
            options::delete_group(w, glass.id).await
        })
        .await
        .unwrap());
        let left: Vec<_> = options::groups_for_product(db, store, product)
            .await
            .unwrap();
        assert_eq!(left.iter().map(|g| g.id).collect::<Vec<_>>(), vec![edge.id]);
    }
);
