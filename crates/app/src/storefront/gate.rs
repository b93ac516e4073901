//! The `/api/v1` gate as a plain `tower` layer. A warm request — its key cached — is admitted
//! without awaiting anything and its answer is finished in place; only a key that must be read
//! from the database takes a boxed future. (`axum::middleware::from_fn` boxes every request's
//! future and clones the route behind it: on the hot path that was measurable.)

use std::convert::Infallible;
use std::future::{Future, Ready};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use futures::future::BoxFuture;
use tower::{Layer, Service};

use super::key::{self, StorefrontKey};
use super::query::MAX_QUERY_BYTES;
use crate::catalog::{AuthenticatedKey, KeyLookup, KeyMiss};
use crate::error::CatalogError;
use crate::http::error::ApiError;
use crate::http::rate_limit::{Allowance, Limited, Limiters};
use crate::http::AppState;

/// One gate: the routes it wraps share its limiters.
#[derive(Clone)]
pub(super) struct GateLayer {
    gate: Arc<Gate>,
}

impl GateLayer {
    pub fn new(state: &AppState) -> Self {
        Self {
            gate: Arc::new(Gate {
                state: state.clone(),
                limiters: Limiters::new(&state.rate_limits),
            }),
        }
    }
}

impl<S> Layer<S> for GateLayer {
    type Service = GateService<S>;

    fn layer(&self, inner: S) -> GateService<S> {
        GateService {
            gate: self.gate.clone(),
            inner,
        }
    }
}

#[derive(Clone)]
pub(super) struct GateService<S> {
    gate: Arc<Gate>,
    inner: S,
}

struct Gate {
    state: AppState,
    limiters: Limiters,
}

/// How far memory alone got with a request that was not refused.
enum Admission {
    /// Let through; its key, if it sent one, is in its extensions.
    Admitted(Allowance),
    /// Its key must be read from the database; the per-IP allowance it already took.
    LoadKey(KeyMiss, Allowance),
}

impl<S> Service<Request> for GateService<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = GateFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let origin = request.headers().get(header::ORIGIN).cloned();
        if request.method() == Method::OPTIONS {
            return GateFuture::answered(super::cors::preflight(origin.as_ref()));
        }
        match self.gate.admit(&mut request, origin.as_ref()) {
            Ok(Admission::Admitted(allowance)) => GateFuture::Admitted {
                inner: self.inner.call(request),
                allowance,
                origin,
            },
            Ok(Admission::LoadKey(miss, by_ip)) => {
                // The service that was polled ready goes with the request.
                let clone = self.inner.clone();
                let inner = std::mem::replace(&mut self.inner, clone);
                let gate = self.gate.clone();
                GateFuture::Loading {
                    future: Box::pin(gate.admit_loaded(miss, by_ip, request, origin, inner)),
                }
            }
            Err(refusal) => GateFuture::answered(with_cors(refusal.into_response(), origin)),
        }
    }
}

impl Gate {
    /// What memory can decide: the per-IP limit, the query's length, and the key if it is
    /// cached.
    fn admit(
        &self,
        request: &mut Request,
        origin: Option<&HeaderValue>,
    ) -> Result<Admission, Refusal> {
        let by_ip = self.limiters.check_ip(request)?;
        if request
            .uri()
            .query()
            .is_some_and(|query| query.len() > MAX_QUERY_BYTES)
        {
            return Err(query_too_long().into());
        }
        let presented = key::presented(request.headers())?;
        let Some(raw) = presented else {
            return Ok(Admission::Admitted(by_ip));
        };
        match self.state.catalog.cached_key(raw) {
            KeyLookup::Cached(key) => self
                .admit_key(key?, request, origin, by_ip)
                .map(Admission::Admitted),
            KeyLookup::Missing(miss) => Ok(Admission::LoadKey(miss, by_ip)),
        }
    }

    /// The rest of [`Self::admit`] once the key is read, and the answer.
    async fn admit_loaded<S>(
        self: Arc<Self>,
        miss: KeyMiss,
        by_ip: Allowance,
        mut request: Request,
        origin: Option<HeaderValue>,
        mut inner: S,
    ) -> Result<Response, Infallible>
    where
        S: Service<Request, Response = Response, Error = Infallible>,
    {
        let loaded = self.state.catalog.load_key(miss).await;
        let admitted = loaded
            .map_err(Refusal::from)
            .and_then(|key| self.admit_key(key, &mut request, origin.as_ref(), by_ip));
        let response = match admitted {
            Ok(allowance) => {
                let Ok(mut response) = inner.call(request).await;
                allowance.write(response.headers_mut());
                response
            }
            Err(refusal) => refusal.into_response(),
        };
        Ok(with_cors(response, origin))
    }

    /// Checks an authenticated key against the request's origin and the key's own limit, and
    /// hands it to the handler.
    fn admit_key(
        &self,
        key: Arc<AuthenticatedKey>,
        request: &mut Request,
        origin: Option<&HeaderValue>,
        by_ip: Allowance,
    ) -> Result<Allowance, Refusal> {
        if let Some(origin) = origin {
            key::admit_origin(&key, origin)?;
        }
        let by_key = self.limiters.check_key(key.id.get())?;
        request.extensions_mut().insert(StorefrontKey(key));
        Ok(by_ip.tighter(by_key))
    }
}

pin_project_lite::pin_project! {
    #[project = GateProjection]
    pub(super) enum GateFuture<F> {
        Admitted {
            #[pin]
            inner: F,
            allowance: Allowance,
            origin: Option<HeaderValue>,
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

impl<F> GateFuture<F> {
    fn answered(response: Response) -> Self {
        Self::Answered {
            response: std::future::ready(Ok(response)),
        }
    }
}

impl<F> Future for GateFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            GateProjection::Admitted {
                inner,
                allowance,
                origin,
            } => {
                let Ok(mut response) = ready!(inner.poll(cx));
                allowance.write(response.headers_mut());
                Poll::Ready(Ok(with_cors(response, origin.take())))
            }
            GateProjection::Answered { response } => response.poll(cx),
            GateProjection::Loading { future } => future.as_mut().poll(cx),
        }
    }
}

/// Every answer, refusals included, is readable by the page that asked.
fn with_cors(mut response: Response, origin: Option<HeaderValue>) -> Response {
    super::cors::allow(response.headers_mut(), origin);
    response
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

impl From<CatalogError> for Refusal {
    fn from(error: CatalogError) -> Self {
        ApiError::from(error).into()
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

fn query_too_long() -> ApiError {
    ApiError::invalid_field(
        "query",
        format!("the query string is longer than {MAX_QUERY_BYTES} bytes"),
    )
}
