//! The `/proxy` gate, a plain `tower` layer like the `/api/v1` one: the per-IP limit and the
//! query's length, then Shopify's `signature` and `timestamp` (DESIGN §13) — before anything
//! is read — then the shop's store from the catalogue (warm: no await), then the shop's own
//! limit; the store goes to the handler as [`ProxyShop`]. Every answer carries `RateLimit-*`.

use std::convert::Infallible;
use std::future::{Future, Ready};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::HeaderName;
use axum::response::{IntoResponse, Response};
use futures::future::BoxFuture;
use gridprice_storage::stores::Store;
use shopify::app_proxy::{ProxyError, ProxyVerifier};
use tower::{Layer, Service};

use crate::catalog::{ShopLookup, ShopMiss};
use crate::error::CatalogError;
use crate::http::error::ApiError;
use crate::http::rate_limit::{Allowance, Limited, Limiters};
use crate::http::AppState;
use crate::storefront::query::MAX_QUERY_BYTES;

/// Longest query string accepted: the storefront's own 2 KiB, plus the five parameters
/// Shopify's proxy adds (shop, customer, prefix, timestamp, a 64-digit signature).
pub const MAX_PROXY_QUERY_BYTES: usize = MAX_QUERY_BYTES + 512;

/// Where the shopper's address is when the request came through Shopify's proxy (the peer is
/// Shopify): the last entry of `X-Forwarded-For`, unless the operator named another header.
pub(super) const FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The shop a verified proxy request is for: every query of the request is scoped to its store.
/// Only routes behind the `/proxy` gate can extract it.
#[derive(Debug, Clone)]
pub struct ProxyShop(pub Arc<Store>);

impl<S: Send + Sync> FromRequestParts<S> for ProxyShop {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<ProxyShop>().cloned().ok_or_else(|| {
            ApiError::Unauthenticated(signature_refused(ProxyError::MissingSignature))
        })
    }
}

/// One gate: the routes it wraps share its limiters.
#[derive(Clone)]
pub(super) struct ProxyGateLayer {
    gate: Arc<Gate>,
}

impl ProxyGateLayer {
    pub fn new(state: &AppState) -> Self {
        let mut limits = state.rate_limits.clone();
        limits.client_ip_header.get_or_insert(FORWARDED_FOR);
        Self {
            gate: Arc::new(Gate {
                state: state.clone(),
                verifier: ProxyVerifier::new(&state.shopify.config().credentials.api_secret),
                limiters: Limiters::new(&limits),
            }),
        }
    }
}

impl<S> Layer<S> for ProxyGateLayer {
    type Service = ProxyGateService<S>;

    fn layer(&self, inner: S) -> ProxyGateService<S> {
        ProxyGateService {
            gate: self.gate.clone(),
            inner,
        }
    }
}

#[derive(Clone)]
pub(super) struct ProxyGateService<S> {
    gate: Arc<Gate>,
    inner: S,
}

struct Gate {
    state: AppState,
    verifier: ProxyVerifier,
    limiters: Limiters,
}

enum Admission {
    Admitted(Allowance),
    LoadShop(ShopMiss, Allowance),
}

impl<S> Service<Request> for ProxyGateService<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = ProxyFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        match self.gate.admit(&mut request) {
            Ok(Admission::Admitted(allowance)) => ProxyFuture::Admitted {
                inner: self.inner.call(request),
                allowance,
            },
            Ok(Admission::LoadShop(miss, by_ip)) => {
                let clone = self.inner.clone();
                let inner = std::mem::replace(&mut self.inner, clone);
                let gate = self.gate.clone();
                ProxyFuture::Loading {
                    future: Box::pin(gate.admit_loaded(miss, by_ip, request, inner)),
                }
            }
            Err(refusal) => ProxyFuture::Answered {
                response: std::future::ready(Ok(refusal.into_response())),
            },
        }
    }
}

impl Gate {
    fn admit(&self, request: &mut Request) -> Result<Admission, Refusal> {
        let by_ip = self.limiters.check_ip(request)?;
        let query = request.uri().query().unwrap_or_default();
        if query.len() > MAX_PROXY_QUERY_BYTES {
            return Err(ApiError::invalid_field(
                "query",
                format!("the query string is longer than {MAX_PROXY_QUERY_BYTES} bytes"),
            )
            .into());
        }
        let now = chrono::Utc::now().timestamp();
        let verified = self
            .verifier
            .verify(query, now)
            .map_err(|e| ApiError::Unauthenticated(signature_refused(e)))?;
        match self.state.catalog.cached_shop(&verified.shop) {
            ShopLookup::Cached(store) => self
                .admit_store(store.map_err(shop_refused)?, request, by_ip)
                .map(Admission::Admitted),
            ShopLookup::Missing(miss) => Ok(Admission::LoadShop(miss, by_ip)),
        }
    }

    async fn admit_loaded<S>(
        self: Arc<Self>,
        miss: ShopMiss,
        by_ip: Allowance,
        mut request: Request,
        mut inner: S,
    ) -> Result<Response, Infallible>
    where
        S: Service<Request, Response = Response, Error = Infallible>,
    {
        let loaded = self.state.catalog.load_shop(miss).await;
        let admitted = loaded
            .map_err(|e| Refusal::from(shop_refused(e)))
            .and_then(|store| self.admit_store(store, &mut request, by_ip));
        Ok(match admitted {
            Ok(allowance) => {
                let Ok(mut response) = inner.call(request).await;
                allowance.write(response.headers_mut());
                response
            }
            Err(refusal) => refusal.into_response(),
        })
    }

    fn admit_store(
        &self,
        store: Arc<Store>,
        request: &mut Request,
        by_ip: Allowance,
    ) -> Result<Allowance, Refusal> {
        let by_shop = self.limiters.check_shop(store.id.get())?;
        request.extensions_mut().insert(ProxyShop(store));
        Ok(by_ip.tighter(by_shop))
    }
}

fn signature_refused(error: ProxyError) -> String {
    format!(
        "This request must come through the shop's app proxy (/apps/gridprice on the shop's \
         domain), signed by Shopify: {error}."
    )
}

/// A correctly signed request for a shop that has not installed Gridprice (or uninstalled it).
fn shop_refused(error: CatalogError) -> ApiError {
    match error {
        CatalogError::Uninstalled => {
            ApiError::Unauthenticated("This shop does not have Gridprice installed.".into())
        }
        other => other.into(),
    }
}

pin_project_lite::pin_project! {
    #[project = ProxyProjection]
    pub(super) enum ProxyFuture<F> {
        Admitted {
            #[pin]
            inner: F,
            allowance: Allowance,
        },
        Answered {
            #[pin]
            response: Ready<Result<Response, Infallible>>,
        },
        Loading {
            future: BoxFuture<'static, Result<Response, Infallible>>,
        },
    }
}

impl<F> Future for ProxyFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            ProxyProjection::Admitted { inner, allowance } => {
                let Ok(mut response) = ready!(inner.poll(cx));
                allowance.write(response.headers_mut());
                Poll::Ready(Ok(response))
            }
            ProxyProjection::Answered { response } => response.poll(cx),
            ProxyProjection::Loading { future } => future.as_mut().poll(cx),
        }
    }
}

/// Why a request was not let through, and the allowance when a rate limit refused it.
struct Refusal {
    error: ApiError,
    allowance: Option<Allowance>,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            allowance: None,
        }
    }
}

impl From<Limited> for Refusal {
    fn from(limited: Limited) -> Self {
        Self {
            error: limited.error,
            allowance: Some(limited.allowance),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = self.error.into_response();
        if let Some(allowance) = self.allowance {
            allowance.write(response.headers_mut());
        }
        response
    }
}
