//! The one mapping from what went wrong — in any layer — to an HTTP answer (problem+json).

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gridprice_storage::StorageError;
use pricing::QuoteError;

use super::problem::Problem;
use crate::error::{CatalogError, FieldErrors, ServiceError};

/// Tells App Bridge to fetch a fresh session token and retry (Shopify's convention).
const RETRY_INVALID_SESSION: &str = "x-shopify-retry-invalid-session-request";
/// Tells the embedded app to send the merchant through install again.
const REAUTHORIZE: &str = "x-shopify-api-request-failure-reauthorize";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed; `errors` names the fields.
    #[error("{detail}")]
    BadRequest {
        detail: String,
        errors: Vec<(String, String)>,
    },
    /// No or a bad session token / key: the client should get a fresh one and retry.
    #[error("{0}")]
    InvalidSession(String),
    /// A credential that is not a session token (a webhook signature, an API key) was refused.
    #[error("{0}")]
    Unauthenticated(String),
    /// The store must be installed again (unknown, uninstalled, or its token was refused).
    #[error("{0}")]
    Reauthenticate(String),
    #[error("{0}")]
    Forbidden(String),
    /// The store's plan does not allow the write (403, with the limit named).
    #[error("{0}")]
    PlanLimit(crate::billing::plans::LimitReached),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The same request is still being worked on; ask again after `retry_after` seconds.
    #[error("{detail}")]
    InProgress { detail: String, retry_after: u64 },
    #[error("{detail}")]
    Unprocessable {
        detail: String,
        errors: Vec<(String, String)>,
    },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{detail}")]
    RateLimited { detail: String, retry_after: u64 },
    /// Shopify answered with an error we cannot fix by retrying.
    #[error("{0}")]
    BadGateway(String),
    /// Shopify (or the database) is unavailable for now; retrying later can help.
    #[error("{detail}")]
    Unavailable { detail: String, retry_after: u64 },
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::BadRequest {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::invalid(FieldErrors::one(field.into(), message.into()))
    }

    /// A malformed request (400), naming every field at fault.
    pub fn invalid(errors: FieldErrors) -> Self {
        Self::BadRequest {
            detail: format!("Invalid request: {errors}."),
            errors: errors.into_pairs(),
        }
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::InvalidSession(_) | Self::Reauthenticate(_) | Self::Unauthenticated(_) => {
                StatusCode::UNAUTHORIZED
            }
            Self::Forbidden(_) | Self::PlanLimit(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) | Self::InProgress { .. } => StatusCode::CONFLICT,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::BadGateway(_) => StatusCode::BAD_GATEWAY,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A well-formed request whose values are not acceptable (422), naming every field at fault.
impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        Self::Unprocessable {
            detail: format!("Invalid input: {errors}."),
            errors: errors.into_pairs(),
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::NotFound(what) => Self::NotFound(format!("No such {what}.")),
            StorageError::Conflict(detail) => Self::Conflict(detail),
            StorageError::StaleVersion { current } => Self::Conflict(format!(
                "It was changed by someone else meanwhile (now at version {current}); \
                 reload it and apply your change again."
            )),
            StorageError::Corrupt(_) | StorageError::Database(_) => Self::internal(error),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let kind = match &self {
            Self::InvalidSession(_) => Signal::RetrySession,
            Self::Reauthenticate(_) => Signal::Reauthorize,
            _ => Signal::None,
        };
        let detail = match &self {
            Self::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                "An unexpected error occurred; it has been logged.".to_owned()
            }
            other => other.to_string(),
        };
        let mut problem = Problem::new(status, detail);
        match self {
            Self::BadRequest { errors, .. } | Self::Unprocessable { errors, .. } => {
                for (field, message) in errors {
                    problem = problem.with_field_error(field, message);
                }
            }
            Self::RateLimited { retry_after, .. }
            | Self::Unavailable { retry_after, .. }
            | Self::InProgress { retry_after, .. } => {
                problem = problem.with_retry_after(retry_after);
            }
            Self::PlanLimit(reached) => problem = problem.with_limit(&reached),
            _ => {}
        }
        let mut response = problem.into_response();
        let signal = match kind {
            Signal::RetrySession => Some(RETRY_INVALID_SESSION),
            Signal::Reauthorize => Some(REAUTHORIZE),
            Signal::None => None,
        };
        if let Some(header) = signal {
            response
                .headers_mut()
                .insert(header, HeaderValue::from_static("1"));
        }
        response
    }
}

/// axum's own refusals of a request's body, query or path, answered as problem+json like every
/// other error. `part` names what was wrong ("body", "query", "path").
fn rejected(part: &str, status: StatusCode, text: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge(format!("The request {part} is too large: {text}."));
    }
    if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        return ApiError::UnsupportedMediaType(format!("The request {part} is not JSON: {text}."));
    }
    ApiError::BadRequest {
        detail: format!("The request {part} is not valid: {text}"),
        errors: vec![(part.to_owned(), text)],
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        rejected("body", rejection.status(), rejection.body_text())
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        rejected("body", rejection.status(), rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        rejected("query", rejection.status(), rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        rejected("path", rejection.status(), rejection.body_text())
    }
}

/// What a 401 asks the embedded client to do.
enum Signal {
    RetrySession,
    Reauthorize,
    None,
}

impl From<CatalogError> for ApiError {
    fn from(error: CatalogError) -> Self {
        match error {
            CatalogError::NoMatrix => Self::NotFound(error.to_string()),
            CatalogError::UnknownKey | CatalogError::RetiredKey | CatalogError::Uninstalled => {
                Self::Unauthenticated(error.to_string())
            }
            CatalogError::Invalid(errors) => Self::invalid(errors),
            CatalogError::Quote(quote) => quote_error(quote),
            CatalogError::TooSlow => Self::Unavailable {
                detail: error.to_string(),
                retry_after: 1,
            },
            CatalogError::Storage(storage) => storage.into(),
        }
    }
}

fn quote_error(error: QuoteError) -> ApiError {
    match &error {
        QuoteError::OutOfRange(range) => ApiError::BadRequest {
            detail: format!("The size is outside this product's price matrix: {range}."),
            errors: range
                .axes()
                .iter()
                .map(|axis| (axis.axis.to_string(), axis.to_string()))
                .collect(),
        },
        QuoteError::TotalOverflow { .. } => ApiError::invalid_field("quantity", error.to_string()),
        QuoteError::ModifierOverflow { .. } | QuoteError::UnitPriceOverflow => {
            ApiError::bad_request(format!("This product cannot be priced: {error}."))
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(errors) => Self::invalid(errors),
            ServiceError::Unacceptable(errors) => errors.into(),
            ServiceError::NotFound(detail) => Self::NotFound(detail),
            ServiceError::Conflict(detail) => Self::Conflict(detail),
            ServiceError::PlanLimit(reached) => Self::PlanLimit(reached),
            ServiceError::Refused { detail, errors } => Self::Unprocessable { detail, errors },
            ServiceError::AccessDenied(detail) => Self::Forbidden(detail),
            ServiceError::Reconnect(detail) => Self::Reauthenticate(detail),
            ServiceError::InProgress {
                detail,
                retry_after,
            } => Self::InProgress {
                detail,
                retry_after,
            },
            ServiceError::Unavailable {
                detail,
                retry_after,
            } => Self::Unavailable {
                detail,
                retry_after,
            },
            ServiceError::BadGateway(detail) => Self::BadGateway(detail),
            ServiceError::Catalog(error) => error.into(),
            ServiceError::Storage(error) => error.into(),
            ServiceError::Internal(cause) => Self::Internal(cause),
        }
    }
}

/// Token grants at the edge (install, embedded load) mean what they mean to a feature.
impl From<shopify::token::TokenError> for ApiError {
    fn from(error: shopify::token::TokenError) -> Self {
        ServiceError::from(error).into()
    }
}
