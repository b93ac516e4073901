//! The storefront calculator's script, served to headless sites (DESIGN §13) from the one source
//! file the theme app extension ships: `extensions/gridprice-calculator/assets/
//! gridprice-calculator.js` is compiled into the binary, so there is no copy to drift.
//!
//! - `GET /storefront/gridprice-calculator.{hash}.js` — the script under a content-hashed
//!   (versioned) name: cached for a year as `immutable`, readable from any origin (CORS `*`,
//!   `Cross-Origin-Resource-Policy: cross-origin`), gzip-compressed when the client accepts it.
//! - `GET /storefront/gridprice-calculator.js` (and any stale hash) — a `302` to the current
//!   hashed name, never cached: a page that wants the latest version uses this name.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header::{
    ACCEPT_ENCODING, ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE,
    ETAG, IF_NONE_MATCH, LOCATION, VARY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

use crate::http::problem::Problem;
use crate::http::AppState;

/// The calculator, byte for byte as the theme app extension ships it.
pub const SOURCE: &[u8] =
    include_bytes!("../../../../extensions/gridprice-calculator/assets/gridprice-calculator.js");
/// Where the extension keeps it, from the repository root.
pub const SOURCE_PATH: &str = "extensions/gridprice-calculator/assets/gridprice-calculator.js";
pub const PATH_PREFIX: &str = "/storefront/";
/// The unversioned name: redirects to the current version.
pub const LATEST_NAME: &str = "gridprice-calculator.js";

const CROSS_ORIGIN_RESOURCE_POLICY: HeaderName =
    HeaderName::from_static("cross-origin-resource-policy");

struct Script {
    /// `gridprice-calculator.{first 16 hex digits of the SHA-256}.js`
    name: String,
    etag: HeaderValue,
    gzip: Vec<u8>,
}

static SCRIPT: LazyLock<Script> = LazyLock::new(|| {
    let digest = hex::encode(Sha256::digest(SOURCE));
    let hash = &digest[..16];
    Script {
        name: format!("gridprice-calculator.{hash}.js"),
        etag: HeaderValue::from_str(&format!("\"{hash}\"")).expect("hex is a valid header"),
        gzip: gzip(SOURCE),
    }
});

/// The versioned path of the current script, e.g. `/storefront/gridprice-calculator.0123….js`.
pub fn versioned_path() -> String {
    format!("{PATH_PREFIX}{}", SCRIPT.name)
}

/// The script's size compressed as it is served (gzip, best compression).
pub fn gzipped_len() -> usize {
    SCRIPT.gzip.len()
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/storefront/{file}", get(serve))
}

async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let script = &*SCRIPT;
    if file == script.name {
        return current(script, &headers);
    }
    let stale = file
        .strip_prefix("gridprice-calculator.")
        .and_then(|rest| rest.strip_suffix(".js"))
        .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    if file == LATEST_NAME || stale {
        return (
            StatusCode::FOUND,
            [
                (
                    LOCATION,
                    HeaderValue::from_str(&versioned_path()).expect("ASCII"),
                ),
                (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                (ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")),
            ],
        )
            .into_response();
    }
    Problem::new(StatusCode::NOT_FOUND, "No such file.").into_response()
}

fn current(script: &'static Script, headers: &HeaderMap) -> Response {
    let mut response = if headers
        .get(IF_NONE_MATCH)
        .is_some_and(|tag| tag.as_bytes() == script.etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else if accepts_gzip(headers) {
        let mut response = script.gzip.as_slice().into_response();
        response
            .headers_mut()
            .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        response
    } else {
        SOURCE.into_response()
    };
    let out = response.headers_mut();
    out.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    out.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    out.insert(ETAG, script.etag.clone());
    out.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
    out.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    out.insert(
        CROSS_ORIGIN_RESOURCE_POLICY,
        HeaderValue::from_static("cross-origin"),
    );
    out.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// `gzip` listed in `Accept-Encoding` with a non-zero weight.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q == 0.0))
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .expect("compressing into memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_negotiated() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT_ENCODING, HeaderValue::from_static(value));
            accepts_gzip(&headers)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, GZIP;q=0.5"));
        assert!(with("*"));
        assert!(!with("gzip;q=0"));
        assert!(!with("br"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn the_budget_holds_and_the_name_follows_the_content() {
        // DESIGN §13: at most 10 KB gzipped (the node test checks the same file at level 9).
        assert!(
            gzipped_len() <= 10 * 1024,
            "{} bytes gzipped",
            gzipped_len()
        );
        let hash = hex::encode(Sha256::digest(SOURCE));
        assert_eq!(
            versioned_path(),
            format!("/storefront/gridprice-calculator.{}.js", &hash[..16])
        );
    }
}
