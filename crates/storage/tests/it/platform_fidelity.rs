//! Issue 15 in storage: the automatic-discount setting, Shopify's calculation on a created
//! record, and webhook deliveries deduplicated by event id, else webhook id.

use gridprice_storage::audit::Action;
use gridprice_storage::draft_orders::{self as records, Inserted, ShopifyDraftOrder};
use gridprice_storage::jobs::NewJob;
use gridprice_storage::storage_test;
use gridprice_storage::stores::{self, Settings};
use gridprice_storage::testing::*;
use gridprice_storage::webhooks::{self, Intake};
use sea_orm::{EntityTrait, PaginatorTrait};
use shopify::webhook::{WebhookDelivery, WebhookTopic};

use crate::support::shop;

storage_test!(
    automatic_discounts_are_off_until_the_merchant_accepts_them,
    |db| {
        let store = new_store(db, "a.myshopify.com", "USD").await;
        assert!(!store.accept_automatic_discounts, "off by default");
        let accepting = Settings {
            accept_automatic_discounts: true,
            ..store.settings()
        };
        write(db, store.id, Action::SettingsUpdate, async |work| {
            stores::update_settings(work, &accepting).await
        })
        .await
        .unwrap();
        let store = stores::get(db, store.id).await.unwrap();
        assert!(store.accept_automatic_discounts);
        assert_eq!(store.settings(), accepting);
    }
);

storage_test!(a_created_record_keeps_shopifys_calculation, |db| {
    let store = new_store(db, "a.myshopify.com", "USD").await.id;
    let Inserted::New(record) =
        records::insert_pending(db, store, new_record(None, Some("k")), chrono::Utc::now())
            .await
            .unwrap()
    else {
        panic!("a new record");
    };
    assert_eq!(record.shopify_price_differs, None, "unknown until created");
    let order = ShopifyDraftOrder {
        unit_price: Some("27.0".to_owned()),
        total_tax: "10.8".to_owned(),
        total_discounts: "6.0".to_owned(),
        total: "64.8".to_owned(),
        price_differs: true,
        ..shopify_order(3)
    };
    let (created, _) = records::mark_created(db, store, record.id, &order, &resend_check())
        .await
        .unwrap();
    assert_eq!(created.shopify_unit_price.as_deref(), Some("27.0"));
    assert_eq!(created.shopify_total_tax.as_deref(), Some("10.8"));
    assert_eq!(created.shopify_total_discounts.as_deref(), Some("6.0"));
    assert_eq!(created.shopify_total.as_deref(), Some("64.8"));
    assert_eq!(created.shopify_price_differs, Some(true));
    assert_eq!(records::get(db, store, record.id).await.unwrap(), created);
});

fn delivery(webhook_id: &str, event_id: Option<&str>) -> WebhookDelivery {
    WebhookDelivery {
        topic: WebhookTopic::ShopUpdate,
        shop: shop("a.myshopify.com"),
        webhook_id: webhook_id.to_owned(),
        event_id: event_id.map(str::to_owned),
        api_version: "2026-10".to_owned(),
        triggered_at: None,
    }
}

fn job() -> NewJob {
    NewJob {
        kind: "test.webhook",
        payload: "{}".to_owned(),
        max_attempts: 1,
        run_at: chrono::Utc::now() + chrono::Duration::days(1),
    }
}

storage_test!(
    deliveries_are_taken_once_per_event_else_per_webhook_id,
    |db| {
        let accept =
            |d: WebhookDelivery| async move { webhooks::accept(db, &d, &job()).await.unwrap() };
        // With an event id: the same event under another webhook id (another subscription) is the
        // same event.
        assert_eq!(accept(delivery("w1", Some("e1"))).await, Intake::Accepted);
        assert_eq!(accept(delivery("w1", Some("e1"))).await, Intake::Duplicate);
        assert_eq!(accept(delivery("w2", Some("e1"))).await, Intake::Duplicate);
        assert_eq!(accept(delivery("w3", Some("e2"))).await, Intake::Accepted);
        // Without one (compliance topics, some header sets): once per webhook id.
        assert_eq!(accept(delivery("w4", None)).await, Intake::Accepted);
        assert_eq!(accept(delivery("w4", None)).await, Intake::Duplicate);
        assert_eq!(accept(delivery("w5", None)).await, Intake::Accepted);
        let jobs = gridprice_storage::entities::jobs::Entity::find()
            .count(connection(db))
            .await
            .unwrap();
        assert_eq!(jobs, 4, "one job per event taken");
    }
);
