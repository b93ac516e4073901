//! An async-graphql extension that sits between validation and execution: it prices the
//! document, refuses it when the bucket cannot pay (nothing runs), and refunds unused points.

use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{ErrorExtensionValues, Response, ServerError, ServerResult, Variables};
use tokio::time::Instant;

use super::cost::{actual_cost, requested_cost, root_fields, selected_operation, MAX_QUERY_COST};
use super::throttle::Bucket;
use super::RequestCtx;

const RATE_LIMIT_DOCS: &str = "https://shopify.dev/api/usage/rate-limits";

/// How far a request got, for the HTTP layer's answer and counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Outcome {
    /// Not parsed or not valid: nothing ran, nothing was charged.
    #[default]
    Rejected,
    Throttled,
    MaxCostExceeded,
    Executed,
}

/// What the gate learnt about one request.
#[derive(Debug, Clone, Default)]
pub struct CostReport {
    pub requested: Option<u64>,
    pub actual: Option<u64>,
    pub outcome: Outcome,
    pub draft_order_create: bool,
}

pub type SharedReport = Arc<Mutex<CostReport>>;

fn with_report<T>(report: &SharedReport, f: impl FnOnce(&mut CostReport) -> T) -> T {
    f(&mut report.lock().unwrap_or_else(PoisonError::into_inner))
}

pub struct CostGateFactory;

impl ExtensionFactory for CostGateFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostGate::default())
    }
}

#[derive(Default)]
struct CostGate {
    parsed: Mutex<Option<(ExecutableDocument, Variables)>>,
}

fn coded_error(message: String, code: &str, extra: &[(&str, u64)]) -> ServerError {
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    for (key, value) in extra {
        extensions.set(*key, *value);
    }
    extensions.set("documentation", RATE_LIMIT_DOCS);
    let mut error = ServerError::new(message, None);
    error.extensions = Some(extensions);
    error
}

fn throttled() -> Response {
    Response::from_errors(vec![coded_error("Throttled".to_owned(), "THROTTLED", &[])])
}

fn max_cost_exceeded(cost: u64) -> Response {
    let message = format!(
        "Query cost is {cost}, which exceeds the single query max cost limit ({MAX_QUERY_COST})."
    );
    Response::from_errors(vec![coded_error(
        message,
        "MAX_COST_EXCEEDED",
        &[("cost", cost), ("maxCost", MAX_QUERY_COST)],
    )])
}

impl CostGate {
    fn actual(&self, rc: &RequestCtx, data: &async_graphql::Value) -> Option<u64> {
        let parsed = self.parsed.lock().unwrap_or_else(PoisonError::into_inner);
        let (doc, variables) = parsed.as_ref()?;
        let op = selected_operation(doc, rc.operation_name.as_deref())?;
        Some(actual_cost(doc, op, variables, data))
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for CostGate {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if let Some(rc) = ctx.data_opt::<RequestCtx>() {
            if let Some(op) = selected_operation(&doc, rc.operation_name.as_deref()) {
                let requested = requested_cost(&doc, op, variables);
                let creates = op.ty == OperationType::Mutation
                    && root_fields(&doc, op)
                        .iter()
                        .any(|f| f == "draftOrderCreate");
                with_report(&rc.report, |r| {
                    r.requested = Some(requested);
                    r.draft_order_create = creates;
                });
            }
        }
        *self.parsed.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((doc.clone(), variables.clone()));
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let Some(rc) = ctx.data_opt::<RequestCtx>() else {
            return next.run(ctx, operation_name).await;
        };
        let requested = with_report(&rc.report, |r| r.requested.unwrap_or(0));
        if requested > MAX_QUERY_COST {
            with_report(&rc.report, |r| r.outcome = Outcome::MaxCostExceeded);
            return max_cost_exceeded(requested);
        }
        if rc.force_throttle || !rc.charge(requested).await {
            with_report(&rc.report, |r| r.outcome = Outcome::Throttled);
            return throttled();
        }
        let response = next.run(ctx, operation_name).await;
        let actual = self
            .actual(rc, &response.data)
            .unwrap_or(requested)
            .min(requested);
        rc.refund(requested - actual).await;
        with_report(&rc.report, |r| {
            r.actual = Some(actual);
            r.outcome = Outcome::Executed;
        });
        response
    }
}

impl RequestCtx {
    fn bucket_key(&self) -> (String, String) {
        (self.shop.clone(), self.api_key.clone())
    }

    /// Takes `cost` points from this (shop, app) bucket if it holds them.
    async fn charge(&self, cost: u64) -> bool {
        let limits = self.state.limits().await;
        let now = Instant::now();
        let mut world = self.state.world.lock().await;
        let bucket = world
            .buckets
            .entry(self.bucket_key())
            .or_insert_with(|| Bucket::full(limits, now));
        bucket.try_take(cost, limits, now)
    }

    async fn refund(&self, points: u64) {
        let limits = self.state.limits().await;
        let now = Instant::now();
        let mut world = self.state.world.lock().await;
        if let Some(bucket) = world.buckets.get_mut(&self.bucket_key()) {
            bucket.refund(points, limits, now);
        }
    }
}
