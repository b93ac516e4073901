//! Small helpers for the pages a person sees (online store, theme editor, checkout).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shared look of the simulator's pages: system fonts, a readable measure, visible focus.
pub const BASE_CSS: &str = "*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#202223;background:#f6f6f7}\
a{color:#1a5dab}:focus-visible{outline:2px solid #1a5dab;outline-offset:2px}\
.btn{display:inline-block;font:inherit;font-weight:600;border:0;border-radius:8px;padding:.7rem 1.2rem;background:#1a5dab;color:#fff;cursor:pointer;text-decoration:none}\
.btn.secondary{background:#fff;color:#202223;border:1px solid #8c9196}.notice{padding:.75rem 1rem;border-radius:8px;background:#e3f1df;border:1px solid #95c9b4}\
.notice.error{background:#fff4f4;border-color:#e0b3b2}";

/// A complete HTML document.
pub fn page(status: StatusCode, lang: &str, title: &str, css: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><style>{BASE_CSS}{css}</style></head><body>{body}</body></html>",
        lang = escape(lang),
        title = escape(title),
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// A short page for an error a person sees.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<main style=\"max-width:40rem;margin:3rem auto;padding:0 1rem\"><h1>{}</h1><p>{}</p></main>",
        escape(title),
        escape(message)
    );
    page(status, "en", title, "", &body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            super::escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
