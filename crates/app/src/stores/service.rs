//! Merchant-visible changes to a store: its settings, its currency as Shopify reports it, and
//! the setup guide's manual step.
//! Each is a unit of work with its audit entry.

use gridprice_storage::audit::{Action, AuditEntry};
use gridprice_storage::stores::{self as storage, Settings};
use gridprice_storage::{Database, Editor, UnitOfWork};
use pricing::{Currency, OutOfRangePolicy, Unit};
use serde::Serialize;

use crate::error::ServiceError;

/// Settings as the admin API shows them and the audit log records them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    unit_preference: Unit,
    out_of_range_default: OutOfRangePolicy,
    line_item_mode: &'static str,
    default_allowed_origins: Vec<String>,
    /// Whether Shopify's automatic discounts may apply to draft orders (off: the locked price
    /// is the price).
    accept_automatic_discounts: bool,
}

impl From<&Settings> for SettingsView {
    fn from(settings: &Settings) -> Self {
        Self {
            unit_preference: settings.unit_preference,
            out_of_range_default: settings.out_of_range_default,
            line_item_mode: settings.line_item_mode.as_str(),
            default_allowed_origins: settings.default_allowed_origins.clone(),
            accept_automatic_discounts: settings.accept_automatic_discounts,
        }
    }
}

/// Saves `after` as the store's settings (nothing happens when they are unchanged).
pub async fn update_settings(
    db: &Database,
    editor: &Editor,
    after: &Settings,
) -> Result<(), ServiceError> {
    let before = editor.store.settings();
    if *after == before {
        return Ok(());
    }
    let work = UnitOfWork::begin(db, editor).await?;
    storage::update_settings(&work, after).await?;
    let entry = AuditEntry::new(Action::SettingsUpdate, editor.store.id.get())
        .before(&SettingsView::from(&before))
        .after(&SettingsView::from(after));
    work.commit(entry).await?;
    Ok(())
}

/// The merchant says the calculator is in their theme: the setup guide's last step is done.
/// Marking it again changes nothing.
pub async fn mark_calculator_placed(db: &Database, editor: &Editor) -> Result<(), ServiceError> {
    if editor.store.calculator_placed_at.is_some() {
        return Ok(());
    }
    let work = UnitOfWork::begin(db, editor).await?;
    storage::mark_calculator_placed(&work).await?;
    work.commit(AuditEntry::new(
        Action::StoreCalculatorPlaced,
        editor.store.id.get(),
    ))
    .await?;
    Ok(())
}

/// Records the shop's currency as Shopify reports it (a sync, or `shop/update`).
pub async fn set_currency(
    db: &Database,
    editor: &Editor,
    currency: Currency,
) -> Result<(), ServiceError> {
    let before = editor.store.currency;
    if before == currency {
        return Ok(());
    }
    let work = UnitOfWork::begin(db, editor).await?;
    storage::update_currency(&work, currency).await?;
    let entry = AuditEntry::new(Action::StoreCurrencyUpdate, editor.store.id.get())
        .before(&before.code())
        .after(&currency.code());
    work.commit(entry).await?;
    Ok(())
}

/// A currency Shopify reported, if Gridprice knows it.
pub fn shopify_currency(code: &str) -> Result<Currency, ServiceError> {
    Currency::from_code(code).map_err(|e| {
        ServiceError::BadGateway(format!(
            "Shopify reported a currency Gridprice does not know: {e}"
        ))
    })
}
