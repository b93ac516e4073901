//! What can go wrong calling the Admin GraphQL API, separated by what the caller should do.

use serde::Deserialize;

/// A `userErrors` entry: Shopify understood the request and refused the input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UserError {
    /// Path to the offending input field; empty when the error is not about one field.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub field: Vec<String>,
    pub message: String,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The mutation ran and was refused; nothing was created. Show the messages.
    #[error("Shopify refused the input: {}", join_user_errors(.0))]
    UserErrors(Vec<UserError>),
    /// Still THROTTLED when the retry budget ran out. Nothing was executed.
    #[error("Shopify throttled the request and the retry budget ran out")]
    Throttled,
    /// HTTP 401/403: the token is invalid or was revoked; the shop must re-authenticate.
    #[error("Shopify rejected the access token (HTTP {0})")]
    Unauthorized(u16),
    /// HTTP 404: no such shop or API version at this address.
    #[error("Shopify answered 404 (unknown shop or API version)")]
    NotFound,
    /// Top-level GraphQL errors other than THROTTLED and ACCESS_DENIED (schema, validation).
    #[error("GraphQL errors: {}", .0.join("; "))]
    GraphQl(Vec<String>),
    /// Top-level `ACCESS_DENIED` because the token lacks an access scope: the field was refused
    /// before it ran, so a mutation changed nothing. Definitive: the same call fails until the
    /// merchant grants the scope (re-install / re-authorize with the scopes).
    #[error("Shopify denied access: {message}")]
    AccessDenied {
        message: String,
        /// Shopify's `extensions.requiredAccess`, e.g. "`write_draft_orders` access scope.".
        required_access: Option<String>,
    },
    /// Top-level `ACCESS_DENIED` because the app is not approved for protected customer data
    /// (orders, draft orders, customers…): "This app is not approved to access the DraftOrder
    /// object. See … for more details." The field was refused before it ran, so
    /// `draftOrderCreate` created nothing. Definitive: not retried, and retrying later fails
    /// the same way until the app's protected customer data access is approved in the Partner
    /// Dashboard (https://shopify.dev/docs/apps/launch/protected-customer-data); no merchant
    /// action or re-authentication helps.
    #[error("Shopify denied access to protected customer data: {message}")]
    ProtectedCustomerDataDenied {
        message: String,
        /// Shopify's `extensions.documentation`: the app's Partner Dashboard page.
        documentation: Option<String>,
    },
    /// Another 4xx (e.g. 402 shop frozen, 423 shop locked); not retried.
    #[error("Shopify rejected the request (HTTP {0})")]
    Rejected(u16),
    /// 5xx on a query, still failing when the retry budget ran out.
    #[error("Shopify server error (HTTP {0})")]
    ServerError(u16),
    /// A query timed out and the retry budget ran out.
    #[error("Shopify did not answer in time")]
    Timeout,
    /// A query could not reach Shopify and the retry budget ran out.
    #[error("could not reach Shopify: {0}")]
    Transport(String),
    /// A query's response could not be understood.
    #[error("unreadable response from Shopify: {0}")]
    InvalidResponse(String),
    /// A mutation may or may not have been applied: the request may have reached Shopify but no
    /// usable answer came back (timeout after sending, connection reset, 5xx, garbled body).
    /// Never retried here; the caller reconciles (e.g. `draft_orders_by_tag`).
    #[error("the mutation's outcome is unknown: {0}")]
    OutcomeUnknown(String),
}

impl AdminError {
    /// Whether the call may have changed something at Shopify that the caller does not know
    /// about. Only `OutcomeUnknown` (mutations) is; every other error means nothing was
    /// applied (a query changes nothing anyway).
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, Self::OutcomeUnknown(_))
    }
}

fn join_user_errors(errors: &[UserError]) -> String {
    errors
        .iter()
        .map(|e| match e.field.is_empty() {
            true => e.message.clone(),
            false => format!("{}: {}", e.field.join("."), e.message),
        })
        .collect::<Vec<_>>()
        .join("; ")
}
