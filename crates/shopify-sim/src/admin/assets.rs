//! Static files compiled into the simulator: the CDN stand-ins (`/shopifycloud/…`) and the admin
//! frame's own script and style sheet (`/_sim/assets/…`). Each answer carries a strong `ETag`
//! and is revalidated cheaply (`304`).

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// A file served as is.
pub struct Asset {
    pub body: &'static str,
    pub content_type: &'static str,
}

pub const APP_BRIDGE_JS: Asset = Asset {
    body: include_str!("../../assets/app-bridge.js"),
    content_type: "text/javascript; charset=utf-8",
};

pub const POLARIS_JS: Asset = Asset {
    body: include_str!("../../assets/polaris-1.js"),
    content_type: "text/javascript; charset=utf-8",
};

const ADMIN_JS: Asset = Asset {
    body: include_str!("../../assets/admin.js"),
    content_type: "text/javascript; charset=utf-8",
};

const ADMIN_CSS: Asset = Asset {
    body: include_str!("../../assets/admin.css"),
    content_type: "text/css; charset=utf-8",
};

impl Asset {
    fn etag(&self) -> String {
        let digest = Sha256::digest(self.body.as_bytes());
        format!("\"{}\"", hex::encode(&digest[..12]))
    }

    /// The file with CORS open to every origin (the CDN scripts are loaded cross-origin by the
    /// app's pages), cacheable for five minutes and revalidated by `ETag`.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let etag = self.etag();
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
        let mut response = if fresh {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            ([(header::CONTENT_TYPE, self.content_type)], self.body).into_response()
        };
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, value);
        }
        response
    }
}

/// `GET /shopifycloud/app-bridge.js`
pub async fn app_bridge(headers: HeaderMap) -> Response {
    APP_BRIDGE_JS.respond(&headers)
}

/// `GET /shopifycloud/polaris-1.js`
pub async fn polaris(headers: HeaderMap) -> Response {
    POLARIS_JS.respond(&headers)
}

/// `GET /_sim/assets/{name}`: the admin frame's script and style sheet.
pub async fn admin_asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    match name.as_str() {
        "admin.js" => ADMIN_JS.respond(&headers),
        "admin.css" => ADMIN_CSS.respond(&headers),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /_sim/images/products/{id}.svg`: a product's picture, drawn from its title (the demo
/// catalogue has no photos, and nothing outside this machine can be fetched).
pub fn product_svg(id: u64, title: &str) -> String {
    const PALETTE: [(&str, &str); 6] = [
        ("#dbeafe", "#1e3a8a"),
        ("#dcfce7", "#14532d"),
        ("#fef3c7", "#78350f"),
        ("#fce7f3", "#831843"),
        ("#ede9fe", "#4c1d95"),
        ("#e0f2fe", "#0c4a6e"),
    ];
    let (background, ink) = PALETTE[(id % PALETTE.len() as u64) as usize];
    let initials: String = title
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .take(2)
        .collect();
    let initials = super::html::escape(&initials);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"160\" viewBox=\"0 0 160 160\">\
         <rect width=\"160\" height=\"160\" rx=\"16\" fill=\"{background}\"/>\
         <text x=\"80\" y=\"96\" text-anchor=\"middle\" font-family=\"-apple-system, Segoe UI, Roboto, sans-serif\" \
         font-size=\"52\" font-weight=\"600\" fill=\"{ink}\">{initials}</text></svg>"
    )
}
