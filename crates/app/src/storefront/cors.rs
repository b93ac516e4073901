//! CORS for the storefront API. Preflights carry no API key, so they are answered for any
//! origin before authentication; the key's allowed origins are enforced on the real request
//! (403), whose answer then echoes the origin so the page can read the problem.

use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub const ALLOWED_METHODS: &str = "GET, POST, OPTIONS";
pub const ALLOWED_HEADERS: &str = "X-API-Key, Content-Type, Idempotency-Key";
/// What a page may read from an answer besides the CORS-safelisted headers.
const EXPOSED_HEADERS: &str =
    "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, X-Request-Id";
/// Browsers cache a preflight this many seconds (Chromium caps it at 7200).
const MAX_AGE_SECONDS: u32 = 600;

/// 204 to any preflight: the methods and headers the API accepts.
pub fn preflight(origin: Option<&HeaderValue>) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        ACCESS_CONTROL_ALLOW_ORIGIN,
        origin.cloned().unwrap_or(HeaderValue::from_static("*")),
    );
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOWED_METHODS),
    );
    headers.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOWED_HEADERS),
    );
    headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from(MAX_AGE_SECONDS));
    headers.insert(
        VARY,
        HeaderValue::from_static(
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        ),
    );
    response
}

/// Marks a real answer readable by the page that asked.
pub fn allow(headers: &mut HeaderMap, origin: Option<HeaderValue>) {
    headers.append(VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }
}
