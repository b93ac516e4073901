//! Option groups, their choices, and their order on products.

use gridprice::db::StorageError;
use gridprice::options::{storage as options, OptionGroupId, Requirement};
use gridprice::stores::storage as stores;
use pricing::Modifier;

use crate::storage_stores::glass_type;
use crate::support::{shop, usd};

storage_test!(
    groups_keep_their_choices_in_order_and_replace_them_whole,
    |db| {
        let store = stores::create(db, &shop("a.myshopify.com"), usd())
            .await
            .unwrap()
            .id;
        let group = options::create_group(db, store, &glass_type())
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
        let replaced = options::replace_group(db, store, group.id, &edited)
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
        let store = stores::create(db, &shop("a.myshopify.com"), usd())
            .await
            .unwrap()
            .id;
        let mut twice = glass_type();
        twice.choices[2].label = "Clear".to_owned();
        let result = options::create_group(db, store, &twice).await;
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
        let store = stores::create(db, &shop("a.myshopify.com"), usd())
            .await
            .unwrap()
            .id;
        let other = stores::create(db, &shop("b.myshopify.com"), usd())
            .await
            .unwrap()
            .id;
        let glass = options::create_group(db, store, &glass_type())
            .await
            .unwrap();
        let mut edge = glass_type();
        edge.name = "Edge finish".to_owned();
        let edge = options::create_group(db, store, &edge).await.unwrap();
        let foreign = options::create_group(db, other, &glass_type())
            .await
            .unwrap();
        let product = "gid://shopify/Product/1";

        options::set_product_groups(db, store, product, &[edge.id, glass.id])
            .await
            .unwrap();
        let order: Vec<OptionGroupId> = options::groups_for_product(db, store, product)
            .await
            .unwrap()
            .iter()
            .map(|g| g.id)
            .collect();
        assert_eq!(order, vec![edge.id, glass.id]);

        let crossing =
            options::set_product_groups(db, store, product, &[glass.id, foreign.id]).await;
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
        assert!(!options::delete_group(db, other, glass.id).await.unwrap());
        assert!(matches!(
            options::replace_group(db, other, glass.id, &glass_type()).await,
            Err(StorageError::NotFound(_))
        ));

        assert!(options::delete_group(db, store, glass.id).await.unwrap());
        let left: Vec<_> = options::groups_for_product(db, store, product)
            .await
            .unwrap();
        assert_eq!(left.iter().map(|g| g.id).collect::<Vec<_>>(), vec![edge.id]);
    }
);
