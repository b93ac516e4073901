//! The app's own browser code: plain ES modules compiled into the binary and served under
//! content-hashed names (`/assets/matrices.1a2b3c4d5e6f.js`), so a page always loads the code
//! it was rendered with and browsers may cache each file for ever.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Every file, by the name pages ask for; beside the feature whose page uses it.
const FILES: &[(&str, &[u8])] = &[
    ("admin.js", include_bytes!("assets/admin.js")),
    ("home.js", include_bytes!("../home/assets/home.js")),
    (
        "draft-orders.js",
        include_bytes!("../draft_orders/assets/draft-orders.js"),
    ),
    (
        "matrices.js",
        include_bytes!("../matrices/assets/matrices.js"),
    ),
    (
        "matrix-editor.js",
        include_bytes!("../matrices/assets/matrix-editor.js"),
    ),
    (
        "settings.js",
        include_bytes!("../stores/assets/settings.js"),
    ),
    (
        "products.js",
        include_bytes!("../products/assets/products.js"),
    ),
    (
        "option-groups.js",
        include_bytes!("../options/assets/option-groups.js"),
    ),
    (
        "option-group-editor.js",
        include_bytes!("../options/assets/option-group-editor.js"),
    ),
    ("plan.js", include_bytes!("../billing/assets/plan.js")),
];

struct Asset {
    /// `matrices.1a2b3c4d5e6f.js`
    hashed: String,
    name: &'static str,
    bytes: &'static [u8],
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(name, bytes)| {
            let digest = hex::encode(&Sha256::digest(bytes)[..6]);
            let (stem, extension) = name.rsplit_once('.').unwrap_or((name, "js"));
            Asset {
                hashed: format!("{stem}.{digest}.{extension}"),
                name,
                bytes,
            }
        })
        .collect()
});

/// The URL of the file `name` as it is now.
pub fn asset_url(name: &str) -> String {
    ASSETS
        .iter()
        .find(|asset| asset.name == name)
        .map_or_else(String::new, |asset| format!("/assets/{}", asset.hashed))
}

/// The layout's import map: `gridprice/<name>` → the file's hashed URL, so a page's module
/// imports another by its plain name (`import { call } from 'gridprice/admin.js'`).
pub fn import_map() -> &'static str {
    static MAP: LazyLock<String> = LazyLock::new(|| {
        let imports: serde_json::Map<String, serde_json::Value> = ASSETS
            .iter()
            .map(|asset| {
                (
                    format!("gridprice/{}", asset.name),
                    format!("/assets/{}", asset.hashed).into(),
                )
            })
            .collect();
        super::script_json(&serde_json::json!({ "imports": imports }))
    });
    &MAP
}

/// `GET /assets/{hashed name}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    let Some(asset) = ASSETS.iter().find(|asset| asset.hashed == file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        asset.bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_has_a_url_that_changes_with_its_content() {
        for (name, bytes) in FILES {
            let url = asset_url(name);
            let digest = hex::encode(&Sha256::digest(bytes)[..6]);
            assert!(
                url.starts_with("/assets/") && url.contains(&digest),
                "{url}"
            );
        }
        assert_eq!(asset_url("nothing.js"), "");
    }

    #[test]
    fn the_import_map_names_every_file_by_its_hashed_url() {
        let map: serde_json::Value = serde_json::from_str(import_map()).unwrap();
        for (name, _) in FILES {
            assert_eq!(map["imports"][format!("gridprice/{name}")], asset_url(name));
        }
    }
}
