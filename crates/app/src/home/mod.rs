//! Home (DESIGN §12): the store at a glance — the setup guide's progress, the draft order
//! counters, the latest records — for the page and for `/app/api/dashboard` alike.

pub mod pages;
pub mod routes;

use chrono::{DateTime, Datelike, TimeZone, Utc};

use gridprice_storage::draft_orders::{self, DraftOrderRecord, RecordFilter, RecordStatus};
use gridprice_storage::stores::Store;
use gridprice_storage::{api_keys, matrices, options, products, Database, StorageResult};

/// Draft order records Home shows.
const LATEST_RECORDS: u64 = 5;

/// What Home shows about one store.
#[derive(Debug)]
pub struct Overview {
    /// The store's counter, moved only when a record becomes `created`.
    pub total_draft_orders_created: i64,
    /// Records created since the start of this month (UTC) that Shopify confirmed.
    pub draft_orders_created_this_month: u64,
    pub matrix_count: u64,
    pub assigned_product_count: u64,
    pub option_group_count: u64,
    pub latest_draft_orders: Vec<DraftOrderRecord>,
    pub setup: Setup,
}

/// The setup guide: what a new store still has to do before a shopper can order.
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    pub has_matrix: bool,
    pub has_assignment: bool,
    /// The merchant marked the calculator as added to their theme.
    pub calculator_placed: bool,
    /// A key that works now.
    pub has_storefront_key: bool,
    /// The key made at install has not been shown yet.
    pub first_key_to_reveal: bool,
}

impl Setup {
    /// The guide's steps in order, each done or not.
    pub fn steps(self) -> [bool; 3] {
        [self.has_matrix, self.has_assignment, self.calculator_placed]
    }

    pub fn steps_done(self) -> usize {
        self.steps().iter().filter(|done| **done).count()
    }

    /// The first step not done yet: the one the guide leads to.
    pub fn next_step(self) -> Option<usize> {
        self.steps().iter().position(|done| !done)
    }
}

impl Overview {
    pub async fn load(db: &Database, store: &Store, now: DateTime<Utc>) -> StorageResult<Self> {
        let matrix_count = matrices::count(db, store.id).await?;
        let assigned_product_count = products::count(db, store.id).await?;
        let has_storefront_key = api_keys::list(db, store.id)
            .await?
            .iter()
            .any(|key| key.is_usable(now));
        let this_month = RecordFilter {
            status: Some(RecordStatus::Created),
            created_from: Some(start_of_month(now)),
            ..RecordFilter::default()
        };
        Ok(Self {
            total_draft_orders_created: store.total_draft_orders_created,
            draft_orders_created_this_month: draft_orders::count(db, store.id, &this_month).await?,
            matrix_count,
            assigned_product_count,
            option_group_count: options::count_groups(db, store.id).await?,
            latest_draft_orders: draft_orders::list(
                db,
                store.id,
                &RecordFilter::default(),
                LATEST_RECORDS,
            )
            .await?,
            setup: Setup {
                has_matrix: matrix_count > 0,
                has_assignment: assigned_product_count > 0,
                calculator_placed: store.calculator_placed_at.is_some(),
                has_storefront_key,
                first_key_to_reveal: api_keys::has_pending_reveal(db, store.id).await?,
            },
        })
    }
}

/// Midnight UTC on the first of `now`'s month.
fn start_of_month(now: DateTime<Utc>) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_starts_at_midnight_utc_on_its_first() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 15, 30, 0).unwrap();
        assert_eq!(
            start_of_month(now),
            Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
        );
    }

    #[test]
    fn the_guide_leads_to_the_first_step_not_done() {
        let setup = Setup {
            has_matrix: true,
            has_assignment: false,
            calculator_placed: true,
            has_storefront_key: true,
            first_key_to_reveal: false,
        };
        assert_eq!(setup.steps_done(), 2);
        assert_eq!(setup.next_step(), Some(1));
    }
}
