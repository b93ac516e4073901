//! The merchant admin API's shared edge (`/app/api/…`): extractors that answer bad input with
//! problem+json, size limits, names, pagination and field-error collection; and the dashboard.
//! Each feature's admin routes live in its own module and use these.

mod dashboard;

use std::fmt::Display;

use axum::extract::{FromRequest, FromRequestParts};
use axum::Router;
use serde::Deserialize;

use crate::http::error::ApiError;
use crate::state::AppState;

/// Largest JSON body an admin endpoint accepts: a 100 × 100 matrix of prices is ~120 KiB.
pub const MAX_JSON_BODY_BYTES: usize = 256 * 1024;
/// Longest name of a matrix, option group or choice label, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Records per page when the client does not say.
const DEFAULT_PAGE_SIZE: u64 = 50;
const MAX_PAGE_SIZE: u64 = 100;

pub fn routes() -> Router<AppState> {
    dashboard::routes()
}

/// A JSON body; malformed JSON or the wrong shape is a 400, an oversized body a 413.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct JsonBody<T>(pub T);

/// Query parameters; unparsable ones are a 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct QueryParams<T>(pub T);

/// Path parameters; an id that is not a number is a 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct PathParam<T>(pub T);

/// Every problem found in one input, by field, so the merchant can fix them all at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Display) {
        self.0.push((field.into(), message.to_string()));
    }

    /// The value of a successful parse; a failed one is noted under `field`.
    pub fn check<T, E: Display>(
        &mut self,
        field: impl Into<String>,
        parsed: Result<T, E>,
    ) -> Option<T> {
        parsed.map_err(|error| self.add(field, error)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// 422 naming every field noted.
    pub fn into_error(self) -> ApiError {
        ApiError::unprocessable(self.0)
    }

    /// 422 naming every field at fault, if any: the body was well-formed, its values not.
    pub fn into_result(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    /// The parsed input, or 422 naming every field at fault. `parsed` is what the successful
    /// checks produced; missing although no error was noted, it is a bug in the parser.
    pub fn finish<T>(self, parsed: Option<T>) -> Result<T, ApiError> {
        self.into_result()?;
        parsed.ok_or_else(|| ApiError::internal("an input failed to parse without an error"))
    }

    /// 400 naming every parameter at fault, if any: a bad query string is a malformed request.
    pub fn into_query_result(self) -> Result<(), ApiError> {
        match self.into_result() {
            Err(ApiError::Unprocessable { detail, errors }) => {
                Err(ApiError::BadRequest { detail, errors })
            }
            other => other,
        }
    }
}

/// A trimmed, non-empty name of at most [`MAX_NAME_CHARS`] characters.
pub fn parse_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("must not be empty".to_owned());
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(format!(
            "is {chars} characters long; at most {MAX_NAME_CHARS} are allowed"
        ));
    }
    Ok(name.to_owned())
}

/// `?before=<id>&limit=<n>`: keyset pagination, newest first.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub before: Option<i64>,
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// Only entries with a smaller id.
    pub before: Option<i64>,
    pub limit: u64,
}

impl Page {
    pub fn parse(query: &PageQuery) -> Result<Page, ApiError> {
        let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            return Err(ApiError::invalid_field(
                "limit",
                format!("must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        Ok(Page {
            before: query.before,
            limit,
        })
    }
}

/// The cursor of the page after `items` (the last id), when the page was full.
pub fn next_before<T>(items: &[T], page: Page, id: impl Fn(&T) -> i64) -> Option<i64> {
    let full = u64::try_from(items.len()).is_ok_and(|len| len == page.limit);
    items.last().filter(|_| full).map(id)
}
