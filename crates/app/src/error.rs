//! What can go wrong below the HTTP edge, one error type per layer (the storage layer's is
//! `gridprice_storage::StorageError`). None of them knows HTTP: `http::error` maps each to a
//! problem+json answer, in one place.

use std::fmt;

use gridprice_storage::StorageError;
use pricing::QuoteError;

/// Every problem found in one input, by field (as the client named it), so they can all be
/// fixed at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// One problem.
    pub fn one(field: impl Into<String>, message: impl fmt::Display) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl fmt::Display) {
        self.0.push((field.into(), message.to_string()));
    }

    /// The value of a successful parse; a failed one is noted under `field`.
    pub fn check<T, E: fmt::Display>(
        &mut self,
        field: impl Into<String>,
        parsed: Result<T, E>,
    ) -> Option<T> {
        parsed.map_err(|error| self.add(field, error)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Err(self)` when anything was noted.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// The parsed input, or every problem noted. `parsed` is what the successful checks
    /// produced; missing although nothing was noted, the parser has a bug, reported as such.
    pub fn finish<T>(mut self, parsed: Option<T>) -> Result<T, FieldErrors> {
        match parsed {
            Some(value) if self.0.is_empty() => Ok(value),
            Some(_) => Err(self),
            None => {
                if self.0.is_empty() {
                    self.add("input", "could not be read");
                }
                Err(self)
            }
        }
    }

    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.0
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [(_, only)] => f.write_str(only),
            many => write!(f, "{} problems, listed in `errors`", many.len()),
        }
    }
}

/// Why the catalogue could not price, or authenticate a storefront key.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The product has no matrix — or belongs to another store: existence never leaks.
    #[error("No price matrix is assigned to this product.")]
    NoMatrix,
    #[error("The X-API-Key header does not hold a known Gridprice key.")]
    UnknownKey,
    #[error("This API key was revoked or has expired; use the store's current key.")]
    RetiredKey,
    #[error("The store behind this API key no longer has Gridprice installed.")]
    Uninstalled,
    /// Option selections that do not fit the product.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// The quote itself refused: a size out of range, a total too large.
    #[error(transparent)]
    Quote(#[from] QuoteError),
    /// The database did not answer within the cold-load deadline.
    #[error("The price catalogue could not be read in time; retry shortly.")]
    TooSlow,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Why a feature (a merchant's change, an order, a call to Shopify) did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The request's values do not fit (named by field).
    #[error("{0}")]
    Invalid(FieldErrors),
    /// Well-formed values the store's data cannot take, such as a limit reached (named by
    /// field).
    #[error("{0}")]
    Unacceptable(FieldErrors),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The store's plan does not allow it.
    #[error("{0}")]
    PlanLimit(crate::billing::plans::LimitReached),
    /// Shopify refused what was asked, with its reasons (its `userErrors`).
    #[error("{detail}")]
    Refused {
        detail: String,
        errors: Vec<(String, String)>,
    },
    /// Shopify did not grant the app access.
    #[error("{0}")]
    AccessDenied(String),
    /// The store must reconnect Gridprice to Shopify (no token, or Shopify refused it).
    #[error("{0}")]
    Reconnect(String),
    /// The same request is still being worked on.
    #[error("{detail}")]
    InProgress { detail: String, retry_after: u64 },
    /// Shopify (or the database) cannot answer now; retrying later can help.
    #[error("{detail}")]
    Unavailable { detail: String, retry_after: u64 },
    /// Shopify answered something Gridprice cannot use.
    #[error("{0}")]
    BadGateway(String),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A bug or broken data; logged, never shown.
    #[error("{0}")]
    Internal(String),
}

impl ServiceError {
    pub fn invalid_field(field: &str, message: impl fmt::Display) -> Self {
        Self::Invalid(FieldErrors::one(field, message))
    }

    pub fn internal(error: impl fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    /// Shopify not answering, as callers are told.
    pub fn shopify_unavailable(error: impl fmt::Display) -> Self {
        Self::Unavailable {
            detail: format!("Shopify is not answering right now ({error}); try again shortly."),
            retry_after: 5,
        }
    }
}

/// Shopify's answers as what they mean to a feature. A refused token becomes
/// [`ServiceError::Reconnect`]; the store is marked by `stores::ShopifyAccess::failure`.
impl From<shopify::admin::AdminError> for ServiceError {
    fn from(error: shopify::admin::AdminError) -> Self {
        use shopify::admin::AdminError as E;
        match error {
            E::UserErrors(errors) => Self::Refused {
                detail: errors
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                errors: errors
                    .into_iter()
                    .map(|e| (e.field.join("."), e.message))
                    .collect(),
            },
            E::Unauthorized(_) => {
                Self::Reconnect("Shopify refused the store's access token.".to_owned())
            }
            // Definitive until someone grants the access; never worth retrying as it is.
            E::ProtectedCustomerDataDenied {
                message,
                documentation,
            } => Self::AccessDenied(format!(
                "Shopify has not approved this app for protected customer data, and draft \
                 orders are protected customer data. In the Shopify Partner Dashboard, open the \
                 app's API access page and request access to protected customer data \
                 (shopify.dev/docs/apps/launch/protected-customer-data){link}; draft orders \
                 can be created once Shopify approves it. Shopify said: {message}",
                link = documentation
                    .map(|url| format!(", here: {url}"))
                    .unwrap_or_default(),
            )),
            E::AccessDenied {
                message,
                required_access,
            } => Self::AccessDenied(format!(
                "Shopify denied access{scope}: the store must grant the app the access it \
                 asks for — open the app in the Shopify admin and approve its updated access \
                 scopes (or reinstall it). Shopify said: {message}",
                scope = required_access
                    .map(|scope| format!(" (required: {})", scope.trim_end_matches('.')))
                    .unwrap_or_default(),
            )),
            E::Throttled
            | E::Timeout
            | E::ServerError(_)
            | E::Transport(_)
            | E::OutcomeUnknown(_) => Self::shopify_unavailable(&error),
            other => Self::BadGateway(format!("Shopify answered with an error: {other}")),
        }
    }
}

impl From<shopify::token::TokenError> for ServiceError {
    fn from(error: shopify::token::TokenError) -> Self {
        use shopify::token::TokenError as E;
        match error {
            E::BadRequest { .. } | E::InvalidCredentials(_) => {
                Self::AccessDenied(format!("Shopify did not grant access: {error}"))
            }
            E::UnknownShop => Self::NotFound(error.to_string()),
            E::Timeout | E::Transport(_) => Self::shopify_unavailable(&error),
            other => Self::BadGateway(format!("Shopify answered with an error: {other}")),
        }
    }
}

/// Why a job did not finish.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth trying again later (the database or Shopify was unavailable).
    #[error("{0}")]
    Retry(String),
    /// Trying again cannot help (malformed payload, unknown kind).
    #[error("{0}")]
    Permanent(String),
}

impl From<StorageError> for JobError {
    fn from(error: StorageError) -> Self {
        Self::Retry(error.to_string())
    }
}

impl From<ServiceError> for JobError {
    fn from(error: ServiceError) -> Self {
        match error {
            // Denied access (protected customer data, a scope) fails the same way until someone
            // grants it: not retried blindly.
            ServiceError::Invalid(_)
            | ServiceError::Unacceptable(_)
            | ServiceError::PlanLimit(_)
            | ServiceError::Internal(_)
            | ServiceError::AccessDenied(_) => Self::Permanent(error.to_string()),
            other => Self::Retry(other.to_string()),
        }
    }
}
