//! The draft order flow (DESIGN §6): nothing lost, nothing doubled.
//!
//! 1. An `Idempotency-Key` already on a record answers from that record (`earlier`, `replay`).
//! 2. The quote is computed on the server (`catalog`); client prices are never read.
//! 3. A `pending` record is committed before Shopify is called.
//! 4. `draftOrderCreate` carries a per-record reference tag.
//! 5. Success marks the record `created` and counts it in one transaction; Shopify's refusal
//!    marks it `failed`; an unknown outcome is looked up by the tag before anything is sent
//!    again, and a record still unresolved when the time budget runs out stays `pending`.
//! 6. A `pending` record is driven to an outcome by a retry with its `Idempotency-Key` or by the
//!    reconciliation job, whichever takes its send lease: looked up by its tag, sent again when
//!    Shopify does not have it, for [`RETRY_WINDOW`]; then `failed`.
//! 7. Shopify denying access — the app not approved for protected customer data, which draft
//!    orders are, or a missing scope — is definitive: the record is `failed` with what to do
//!    about it, and nothing is sent or looked up again. A refused token (401) is retried once
//!    with the store's newer token (`ShopifyAccess::token_after_refusal`) before the store must
//!    reconnect.
//! 8. Shopify's calculation is kept on the record (line price, tax, discounts, total) and a line
//!    price other than the locked price is flagged (`shopify_price_differs`) and logged.

use std::time::Duration;

use gridprice_storage::draft_orders::{
    self as records, DraftOrderRecord, Inserted, NewDraftOrderRecord, RecordStatus,
    ShopifyDraftOrder,
};
use gridprice_storage::stores::{LineItemMode, Store};
use gridprice_storage::Database;
use rand::Rng;
use sha2::{Digest, Sha256};
use shopify::admin::{
    AdminError, Attribute, CreatedDraftOrder, DraftOrderInput, DraftOrderLineItem,
};
use shopify::{AccessToken, ProductGid, VariantGid};
use tokio::time::Instant;

use super::duplicates;
use super::snapshot::priced_snapshot;
use crate::catalog::{CatalogCache, PriceRequest, PricedProduct};
use crate::error::{FieldErrors, ServiceError};
use crate::metrics::{DraftOrderOutcome, Metrics};
use crate::stores::ShopifyAccess;

/// How long one request may spend getting its draft order into Shopify.
const FLOW_BUDGET: Duration = Duration::from_secs(12);
/// How long a sender holds a record: its budget and a margin. A sender that crashed is taken
/// over after it.
const SEND_LEASE: Duration = Duration::from_secs(20);
/// How long a record Shopify has not confirmed is still sent again — by a retry with its
/// `Idempotency-Key` or by the reconciliation job — before it is given up as `failed`.
pub const RETRY_WINDOW: chrono::Duration = chrono::Duration::hours(24);
/// How long a repeat of an in-flight request waits for the first one's outcome.
const REPLAY_WAIT: Duration = Duration::from_secs(15);
const REPLAY_POLL: Duration = Duration::from_millis(100);
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// Every Gridprice order carries this tag, and `REFERENCE_TAG_PREFIX` + its record's reference.
pub const TAG: &str = "gridprice";
pub const REFERENCE_TAG_PREFIX: &str = "gridprice-ref-";
/// Longest `Idempotency-Key` accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// A client's `Idempotency-Key`: 1–255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(text: &str) -> Result<Self, FieldErrors> {
        let valid = !text.is_empty()
            && text.len() <= MAX_IDEMPOTENCY_KEY
            && text.bytes().all(|b| b.is_ascii_graphic());
        if !valid {
            return Err(FieldErrors::one(
                "Idempotency-Key",
                "must be 1–255 visible ASCII characters",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A shopper's order as the storefront sent it, parsed.
#[derive(Debug, Clone)]
pub struct OrderRequest {
    pub product: ProductGid,
    pub variant: Option<VariantGid>,
    pub price: PriceRequest,
    pub idempotency_key: Option<IdempotencyKey>,
}

/// The record answering the request; `replayed` when an earlier request with the same key made it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub record: DraftOrderRecord,
    pub replayed: bool,
}

/// The draft order flow with what it needs: the catalogue that prices, Shopify, the records.
#[derive(Clone)]
pub struct DraftOrders {
    pub(super) db: Database,
    catalog: CatalogCache,
    pub(super) shopify: ShopifyAccess,
    pub(super) metrics: Metrics,
}

impl DraftOrders {
    pub fn new(
        db: Database,
        catalog: CatalogCache,
        shopify: ShopifyAccess,
        metrics: Metrics,
    ) -> Self {
        Self {
            db,
            catalog,
            shopify,
            metrics,
        }
    }

    pub async fn create(
        &self,
        store: &Store,
        request: &OrderRequest,
    ) -> Result<Outcome, ServiceError> {
        let hash = request_hash(request);
        let priced = self
            .catalog
            .price(store, &request.product, &request.price)
            .await?;
        // Before anything is recorded: without a usable token the request leaves no record, and
        // its Idempotency-Key stays free for a retry.
        let token = self.store_token(store).await?;
        let variant = self.chosen_variant(store, request, &priced).await?;
        let new = new_record(request, &priced, hash.clone(), variant.as_ref());
        let lease = lease_until();
        let record = match records::insert_pending(&self.db, store.id, new, lease).await? {
            Inserted::New(record) => record,
            Inserted::Existing(existing) => return self.settled(store, existing, &hash).await,
        };
        self.send(store, token, record, FLOW_BUDGET).await
    }

    /// Sends a record this caller holds the lease of, then gives the lease back.
    async fn send(
        &self,
        store: &Store,
        token: AccessToken,
        record: DraftOrderRecord,
        budget: Duration,
    ) -> Result<Outcome, ServiceError> {
        let id = record.id;
        let sent = self.submit(store, token, record, budget).await;
        records::release_send(&self.db, store.id, id).await?;
        match sent? {
            Sent::Created(record) => {
                self.metrics.draft_order(DraftOrderOutcome::Created);
                Ok(Outcome {
                    record: *record,
                    replayed: false,
                })
            }
            Sent::Unconfirmed => Err(self.still_pending()),
        }
    }

    /// Drives a `pending` record this caller holds the lease of to an outcome: found in Shopify
    /// by its tag (the first send made it), or sent again while the retry window lasts.
    async fn resume(
        &self,
        store: &Store,
        record: DraftOrderRecord,
    ) -> Result<Outcome, ServiceError> {
        let id = record.id;
        let resumed = self.look_up_or_resend(store, record).await;
        records::release_send(&self.db, store.id, id).await?;
        resumed
    }

    async fn look_up_or_resend(
        &self,
        store: &Store,
        record: DraftOrderRecord,
    ) -> Result<Outcome, ServiceError> {
        let found = self.find(store, &record.reference).await;
        match found {
            Ok(Some(order)) => {
                let record = self.complete(&record, &order).await?;
                self.metrics.draft_order(DraftOrderOutcome::Replayed);
                return Ok(Outcome {
                    record,
                    replayed: true,
                });
            }
            Ok(None) => {}
            Err(ServiceError::AccessDenied(reason)) => {
                return Err(self.denied(store, &record, reason).await?);
            }
            Err(ServiceError::Reconnect(_)) => return Err(reconnect_needed()),
            Err(error) => {
                tracing::warn!(record = record.id.get(), %error, "cannot look the order up");
                return Err(self.still_pending());
            }
        }
        if chrono::Utc::now() - record.created_at > RETRY_WINDOW {
            return Err(self.give_up(store, &record).await?);
        }
        let token = self.store_token(store).await?;
        match self.submit(store, token, record, FLOW_BUDGET).await? {
            Sent::Created(record) => {
                self.metrics.draft_order(DraftOrderOutcome::Created);
                Ok(Outcome {
                    record: *record,
                    replayed: false,
                })
            }
            Sent::Unconfirmed => Err(self.still_pending()),
        }
    }

    /// A record Shopify never had, past its retry window: `failed`, and the refusal to answer.
    async fn give_up(
        &self,
        store: &Store,
        record: &DraftOrderRecord,
    ) -> Result<ServiceError, ServiceError> {
        records::mark_failed(&self.db, store.id, record.id, NEVER_PLACED).await?;
        Ok(refused(NEVER_PLACED))
    }

    /// Shopify denied the app access (not approved for protected customer data, or a missing
    /// scope): definitive, so the record is `failed` with `reason` — what to do about it — and
    /// the refusal to answer. Nothing is sent or looked up again: every call would be denied
    /// until access is granted.
    pub(super) async fn denied(
        &self,
        store: &Store,
        record: &DraftOrderRecord,
        reason: String,
    ) -> Result<ServiceError, ServiceError> {
        tracing::warn!(shop = %store.shop, record = record.id.get(), %reason, "Shopify denied access; the draft order failed");
        records::mark_failed(&self.db, store.id, record.id, &reason).await?;
        self.metrics.draft_order(DraftOrderOutcome::Refused);
        Ok(ServiceError::AccessDenied(reason))
    }

    /// The record made by an earlier request with this key, if any.
    pub async fn earlier(
        &self,
        store: &Store,
        key: &IdempotencyKey,
    ) -> Result<Option<DraftOrderRecord>, ServiceError> {
        Ok(records::find_by_idempotency_key(&self.db, store.id, key.as_str()).await?)
    }

    /// Answers a repeat of `request` from the first request's record — however the catalogue has
    /// changed since — waiting (bounded) while the first is in flight.
    pub async fn replay(
        &self,
        store: &Store,
        record: DraftOrderRecord,
        request: &OrderRequest,
    ) -> Result<Outcome, ServiceError> {
        self.settled(store, record, &request_hash(request)).await
    }

    /// The unit sizes are read in: the matrix unit of the product, unless the request names one.
    pub async fn unit_of(
        &self,
        store: &Store,
        product: ProductGid,
    ) -> Result<pricing::Unit, ServiceError> {
        Ok(self.catalog.product(store.id, product).await?.unit())
    }

    async fn settled(
        &self,
        store: &Store,
        mut record: DraftOrderRecord,
        hash: &str,
    ) -> Result<Outcome, ServiceError> {
        if record.request_hash != hash {
            return Err(ServiceError::Refused {
                detail: "This Idempotency-Key was used for a different request.".to_owned(),
                errors: vec![(
                    "Idempotency-Key".to_owned(),
                    "already used with another body".to_owned(),
                )],
            });
        }
        let give_up = Instant::now() + REPLAY_WAIT;
        while record.status == RecordStatus::Pending && Instant::now() < give_up {
            // Nobody sending it (a send that failed before reaching Shopify, or a crash): this
            // request takes it over.
            if records::claim_send(&self.db, store.id, record.id, lease_until()).await? {
                return self.resume(store, record).await;
            }
            tokio::time::sleep(REPLAY_POLL).await;
            record = records::get(&self.db, store.id, record.id).await?;
        }
        match record.status {
            RecordStatus::Created => {
                self.metrics.draft_order(DraftOrderOutcome::Replayed);
                Ok(Outcome {
                    record,
                    replayed: true,
                })
            }
            RecordStatus::Failed => Err(refused(
                record.error.as_deref().unwrap_or("Shopify refused it"),
            )),
            RecordStatus::Pending => Err(ServiceError::InProgress {
                detail: "The first request with this Idempotency-Key is still in progress."
                    .to_owned(),
                retry_after: 2,
            }),
        }
    }

    /// The variant the line item refers to: the one asked for (it must be the product's), else the
    /// product's default; `None` in custom line-item mode.
    async fn chosen_variant(
        &self,
        store: &Store,
        request: &OrderRequest,
        priced: &PricedProduct,
    ) -> Result<Option<VariantGid>, ServiceError> {
        if store.line_item_mode == LineItemMode::Custom {
            return Ok(None);
        }
        let default = priced
            .default_variant_gid()
            .and_then(|gid| VariantGid::parse(gid).ok());
        let Some(asked) = &request.variant else {
            return Ok(default);
        };
        if Some(asked) == default.as_ref() {
            return Ok(default);
        }
        // Any other variant is checked against Shopify: a price override on another product's
        // variant would sell that product at this product's price.
        let shopify = &self.shopify;
        let product = shopify
            .call(store, |token| async move {
                shopify
                    .shop(&store.shop, &token)
                    .product(request.product)
                    .await
            })
            .await
            .map_err(for_shopper)?;
        let belongs = product.is_some_and(|p| p.variants.iter().any(|v| &v.id == asked));
        if !belongs {
            return Err(ServiceError::invalid_field(
                "variantId",
                "is not a variant of this product",
            ));
        }
        Ok(Some(*asked))
    }

    /// Calls Shopify until the record is settled or `budget` runs out (one send when it is
    /// zero); never sends again while an earlier attempt may have created the order. The caller
    /// holds the record's send lease.
    pub(super) async fn submit(
        &self,
        store: &Store,
        mut token: AccessToken,
        record: DraftOrderRecord,
        budget: Duration,
    ) -> Result<Sent, ServiceError> {
        let input = draft_order_input(&record, store.accept_automatic_discounts);
        let deadline = Instant::now() + budget;
        let mut backoff = FIRST_BACKOFF;
        let mut token_renewed = false;
        loop {
            records::record_attempt(&self.db, store.id, record.id).await?;
            self.metrics.draft_order_sent();
            let shop = self.shopify.shop(&store.shop, &token);
            let error = match shop.draft_order_create(&input).await {
                Ok(order) => {
                    return Ok(Sent::Created(Box::new(
                        self.complete(&record, &order).await?,
                    )))
                }
                Err(error) => error,
            };
            match error {
                AdminError::UserErrors(errors) => {
                    let message = errors
                        .iter()
                        .map(|e| e.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; ");
                    records::mark_failed(&self.db, store.id, record.id, &message).await?;
                    self.metrics.draft_order(DraftOrderOutcome::Refused);
                    return Err(AdminError::UserErrors(errors).into());
                }
                // Refused before anything ran: nothing was created. The token may have been
                // revoked by a renewal elsewhere; the newer one is tried once.
                AdminError::Unauthorized(_) if !token_renewed => {
                    let newer = self
                        .shopify
                        .token_after_refusal(store, &token)
                        .await
                        .map_err(for_shopper)?;
                    if let Some(newer) = newer {
                        token = newer;
                        token_renewed = true;
                        continue;
                    }
                    return Err(self.token_refused(store, &record).await?);
                }
                AdminError::Unauthorized(_) => {
                    return Err(self.token_refused(store, &record).await?);
                }
                error @ (AdminError::ProtectedCustomerDataDenied { .. }
                | AdminError::AccessDenied { .. }) => {
                    let reason = ServiceError::from(error).to_string();
                    return Err(self.denied(store, &record, reason).await?);
                }
                error => {
                    tracing::warn!(record = record.id.get(), %error, "draft order not confirmed yet")
                }
            }
            if Instant::now() + backoff >= deadline {
                return Ok(Sent::Unconfirmed);
            }
            tokio::time::sleep(jittered(backoff)).await;
            backoff = backoff.saturating_mul(2);
            // The attempt may have created the order even though no answer came back.
            match find_by_reference(&shop, &record.reference).await {
                Ok(Some(order)) => {
                    return Ok(Sent::Created(Box::new(
                        self.complete(&record, &order).await?,
                    )))
                }
                Ok(None) => {}
                // Denied now, denied for every later look or send: nothing can settle it but
                // the access being granted.
                Err(
                    error @ (AdminError::ProtectedCustomerDataDenied { .. }
                    | AdminError::AccessDenied { .. }),
                ) => {
                    let reason = ServiceError::from(error).to_string();
                    return Err(self.denied(store, &record, reason).await?);
                }
                // Without knowing, sending again could make a second order.
                Err(error) => {
                    tracing::warn!(record = record.id.get(), %error, "cannot look the order up");
                    return Ok(Sent::Unconfirmed);
                }
            }
        }
    }

    /// Shopify refused the store's token and no newer one is to be had: the record is `failed`
    /// (nothing was created) and the store marked for reconnection.
    async fn token_refused(
        &self,
        store: &Store,
        record: &DraftOrderRecord,
    ) -> Result<ServiceError, ServiceError> {
        records::mark_failed(
            &self.db,
            store.id,
            record.id,
            "Shopify refused the store's token",
        )
        .await?;
        self.metrics.draft_order(DraftOrderOutcome::Refused);
        self.shopify
            .failure(store, AdminError::Unauthorized(401))
            .await;
        Ok(reconnect_needed())
    }

    /// The order with the record's reference, found with the store's token (a refused token is
    /// retried once with a newer one).
    pub(super) async fn find(
        &self,
        store: &Store,
        reference: &str,
    ) -> Result<Option<CreatedDraftOrder>, ServiceError> {
        let shopify = &self.shopify;
        shopify
            .call(store, |token| async move {
                find_by_reference(&shopify.shop(&store.shop, &token), reference).await
            })
            .await
    }

    async fn complete(
        &self,
        record: &DraftOrderRecord,
        order: &CreatedDraftOrder,
    ) -> Result<DraftOrderRecord, ServiceError> {
        Ok(mark_created(&self.db, record, order).await?.0)
    }

    /// The store's token for this order. A storefront cannot act on "reconnect": to the shopper
    /// that is the store being unavailable for now.
    async fn store_token(&self, store: &Store) -> Result<AccessToken, ServiceError> {
        self.shopify.access_token(store).await.map_err(for_shopper)
    }

    /// The answer when Shopify did not confirm in time; the record stays `pending`.
    fn still_pending(&self) -> ServiceError {
        self.metrics.draft_order(DraftOrderOutcome::Pending);
        ServiceError::Unavailable {
            detail: "Shopify did not confirm the draft order in time. It is recorded and will be \
                 reconciled; retry with the same Idempotency-Key to get its outcome."
                .to_owned(),
            retry_after: 10,
        }
    }
}

/// Marks `record` created as `order` (counted once), scheduling the duplicate check a record
/// that took more than one send needs; true when this call made the change.
pub async fn mark_created(
    db: &Database,
    record: &DraftOrderRecord,
    order: &CreatedDraftOrder,
) -> Result<(DraftOrderRecord, bool), ServiceError> {
    let check = duplicates::check(record)?;
    let order = shopify_order(record, order);
    if order.price_differs {
        tracing::warn!(
            record = record.id.get(), draft_order = %order.gid,
            locked_unit_price = %record.unit_price, locked_total = %record.total,
            shopify_unit_price = order.unit_price.as_deref().unwrap_or("none"),
            shopify_total = %order.total, shopify_discounts = %order.total_discounts,
            "Shopify's line price is not the locked price"
        );
    }
    Ok(records::mark_created(db, record.store_id, record.id, &order, &check).await?)
}

/// The Shopify draft order carrying the record's reference tag, if there is one.
pub async fn find_by_reference(
    shop: &shopify::admin::ShopClient<'_>,
    reference: &str,
) -> Result<Option<CreatedDraftOrder>, AdminError> {
    Ok(orders_tagged(shop, reference).await?.into_iter().next())
}

/// Every Shopify draft order carrying the record's reference tag (the search matches words;
/// only the exact tag counts).
pub async fn orders_tagged(
    shop: &shopify::admin::ShopClient<'_>,
    reference: &str,
) -> Result<Vec<CreatedDraftOrder>, AdminError> {
    let tag = reference_tag(reference);
    let mut orders = shop.draft_orders_by_tag(&tag).await?;
    orders.retain(|order| order.tags.iter().any(|t| t == &tag));
    Ok(orders)
}

/// The tag that finds a record's order again.
pub fn reference_tag(reference: &str) -> String {
    format!("{REFERENCE_TAG_PREFIX}{reference}")
}

/// What is kept of Shopify's order: its identity and its calculation, with the line checked
/// against the locked price. The line differs when its unit price is not the locked unit price
/// (in the record's currency) or its total after discounts is not the locked total — an
/// automatic discount, a conversion, an override Shopify did not take; a missing line differs
/// too. Tax is not a difference: it comes on top of (or, with `taxes_included`, inside) the price.
pub fn shopify_order(record: &DraftOrderRecord, order: &CreatedDraftOrder) -> ShopifyDraftOrder {
    let line = order.line_items.first();
    let price_differs = line.is_none_or(|line| {
        !line.unit_price.same_value(&shop_money(&record.unit_price))
            || !line.discounted_total.same_value(&shop_money(&record.total))
    });
    ShopifyDraftOrder {
        gid: order.id.to_string(),
        name: order.name.clone(),
        invoice_url: order.invoice_url.clone().unwrap_or_default(),
        total: order.total.amount.clone(),
        unit_price: line.map(|line| line.unit_price.amount.clone()),
        total_tax: order.total_tax.amount.clone(),
        total_discounts: order.total_discounts.amount.clone(),
        price_differs,
    }
}

fn shop_money(money: &pricing::Money) -> shopify::admin::Money {
    shopify::admin::Money {
        amount: money.to_string(),
        currency_code: money.currency().code().to_owned(),
    }
}

fn new_record(
    request: &OrderRequest,
    priced: &PricedProduct,
    request_hash: String,
    variant: Option<&VariantGid>,
) -> NewDraftOrderRecord {
    let quote = &priced.quote;
    NewDraftOrderRecord {
        matrix_id: Some(priced.matrix_id()),
        matrix_name: priced.matrix_name().to_owned(),
        product_gid: request.product.to_string(),
        variant_gid: variant.map(ToString::to_string),
        width: priced.width.value().to_string(),
        height: priced.height.value().to_string(),
        unit: priced.width.unit().as_str().to_owned(),
        quantity: quote.quantity().get(),
        unit_price: quote.unit_price(),
        total: quote.total(),
        snapshot: priced_snapshot(priced),
        idempotency_key: request
            .idempotency_key
            .as_ref()
            .map(|k| k.as_str().to_owned()),
        request_hash,
    }
}

/// The draft order a record asks for, from the record alone: the first send and every resend
/// carry the same line, attributes, tags and note. Automatic discounts apply only when the
/// store's setting accepts them.
fn draft_order_input(
    record: &DraftOrderRecord,
    accept_automatic_discounts: bool,
) -> DraftOrderInput {
    let unit = &record.unit;
    let snapshot = &record.snapshot;
    let mut attributes = vec![
        attribute("Width", format!("{} {unit}", record.width)),
        attribute("Height", format!("{} {unit}", record.height)),
    ];
    attributes.extend(
        snapshot
            .options
            .iter()
            .map(|o| attribute(&o.option_group, o.choice.clone())),
    );
    let price = shop_money(&record.unit_price);
    let variant = record
        .variant_gid
        .as_deref()
        .and_then(|gid| VariantGid::parse(gid).ok());
    let line_item = match variant {
        Some(variant_id) => DraftOrderLineItem::Variant {
            variant_id,
            quantity: record.quantity,
            price_override: price,
            custom_attributes: attributes,
        },
        None => DraftOrderLineItem::Custom {
            title: snapshot
                .product_title
                .clone()
                .unwrap_or_else(|| record.matrix_name.clone()),
            quantity: record.quantity,
            unit_price: price,
            custom_attributes: attributes,
        },
    };
    let cell = snapshot
        .breakpoints
        .as_ref()
        .map(|(width, height)| format!(" ({width} × {height} {unit} breakpoint)"))
        .unwrap_or_default();
    DraftOrderInput {
        line_items: vec![line_item],
        tags: vec![TAG.to_owned(), reference_tag(&record.reference)],
        note: Some(format!(
            "Priced by Gridprice from the matrix \"{}\"{cell}.",
            record.matrix_name
        )),
        // Said either way, never left out: Shopify does not document what it does then. Off
        // (the default setting), the locked price is the price.
        accept_automatic_discounts: Some(accept_automatic_discounts),
    }
}

fn attribute(key: &str, value: String) -> Attribute {
    Attribute {
        key: key.to_owned(),
        value,
    }
}

/// Identifies the request by what it asks for, not by how its JSON was written.
fn request_hash(request: &OrderRequest) -> String {
    let price = &request.price;
    let mut selections: Vec<_> = price
        .selections
        .iter()
        .map(|s| (s.group.get(), s.choice.get()))
        .collect();
    selections.sort_unstable();
    let canonical = format!(
        "{}|{}|{}|{}|{}|{}|{selections:?}",
        request.product,
        request
            .variant
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        price.width.value(),
        price.height.value(),
        price.width.unit().as_str(),
        price.quantity.get(),
    );
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

fn jittered(base: Duration) -> Duration {
    base.mul_f64(rand::thread_rng().gen_range(0.5..=1.0))
}

/// The end of a record whose order Shopify never had.
pub(super) const NEVER_PLACED: &str =
    "Shopify has no draft order for this request and it could not be placed within the retry window";

/// How a send ended that did not end in a refusal.
pub(super) enum Sent {
    Created(Box<DraftOrderRecord>),
    /// Not confirmed within the budget: the record stays `pending`.
    Unconfirmed,
}

/// Until when a send that starts now holds its record.
pub(super) fn lease_until() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() + SEND_LEASE
}

/// A storefront cannot act on "reconnect": to the shopper that is the store being unavailable
/// for now.
fn for_shopper(error: ServiceError) -> ServiceError {
    match error {
        ServiceError::Reconnect(_) => reconnect_needed(),
        other => other,
    }
}

fn reconnect_needed() -> ServiceError {
    ServiceError::Unavailable {
        detail: "The store must reconnect Gridprice to Shopify before it can take orders.".into(),
        retry_after: 60,
    }
}

fn refused(reason: &str) -> ServiceError {
    ServiceError::Refused {
        detail: format!("Shopify did not create the draft order: {reason}"),
        errors: Vec::new(),
    }
}
