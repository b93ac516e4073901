//! JSON answers written into a buffer sized for the API's answers: axum's `Json` starts at 128
//! bytes and grows, copying, three times for a price answer (docs/PERFORMANCE.md).

use axum::body::Bytes;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::ApiError;

#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

/// Room for a price answer with a few options without growing.
const JSON_CAPACITY: usize = 1024;

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(JSON_CAPACITY);
        match serde_json::to_writer(&mut body, &self.0) {
            Ok(()) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                Bytes::from(body),
            )
                .into_response(),
            Err(error) => ApiError::internal(error).into_response(),
        }
    }
}
