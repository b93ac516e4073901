//! What Shopify's admin adds to the app URL when it loads an embedded app: `embedded`, `host`,
//! `id_token`, `locale`, `session`, `shop`, `timestamp` and the `hmac` over all of them (and over
//! the query the admin URL carried for the app). Shared by the admin frame and the old redirect.

use base64::Engine as _;

use crate::session_token::{self, SessionClaims};
use crate::signing::{query_hmac, random_hex};

/// Query parameters the admin sets itself; an admin URL's own values of these never reach the
/// app (they would clash with, or forge, the signed ones).
pub const RESERVED_PARAMS: [&str; 9] = [
    "embedded",
    "host",
    "id_token",
    "locale",
    "session",
    "shop",
    "timestamp",
    "hmac",
    "signature",
];

/// Shopify's `host` parameter: base64url (no padding) of `admin.shopify.com/store/{shop-name}`.
pub fn host_param(shop: &str) -> String {
    let store = shop.strip_suffix(".myshopify.com").unwrap_or(shop);
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("admin.shopify.com/store/{store}"))
}

/// An IETF language tag as the admin passes it (`en`, `de`, `pt-BR`, `zh-Hant-TW`).
pub fn is_locale(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let Some(language) = parts.next() else {
        return false;
    };
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
        && tag.len() <= 35
}

/// Why an app URL cannot be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AppUrlError {
    #[error("the app URL is not a valid URL")]
    AppUrl,
    #[error("the app path must start with a single '/' and contain no backslash")]
    Path,
}

/// Everything needed to sign one embedded load.
pub struct EmbeddedLoad<'a> {
    pub app_url: &'a str,
    pub api_key: &'a str,
    pub secret: &'a str,
    pub shop: &'a str,
    pub user: u64,
    pub locale: &'a str,
    /// The app path after the app's handle (`/app/matrices/3`), empty for the app's root.
    pub path: &'a str,
    /// The admin URL's query for the app, reserved parameters already removed.
    pub query: &'a [(String, String)],
}

impl EmbeddedLoad<'_> {
    /// `{app_url}{path}?{query}&embedded=1&host=…&id_token=…&locale=…&session=…&shop=…&timestamp=…&hmac=…`
    pub fn url(&self) -> Result<url::Url, AppUrlError> {
        let mut url = url::Url::parse(self.app_url).map_err(|_| AppUrlError::AppUrl)?;
        if !self.path.is_empty() {
            if !self.path.starts_with('/')
                || self.path.starts_with("//")
                || self.path.contains('\\')
            {
                return Err(AppUrlError::Path);
            }
            let base = url.path().trim_end_matches('/').to_owned();
            url.set_path(&format!("{base}{}", self.path));
        }
        let claims = SessionClaims::new(
            self.shop,
            self.api_key,
            self.user,
            session_token::DEFAULT_TTL_SECS,
        );
        let mut params: Vec<(String, String)> = self.query.to_vec();
        params.extend([
            ("embedded".to_owned(), "1".to_owned()),
            ("host".to_owned(), host_param(self.shop)),
            (
                "id_token".to_owned(),
                session_token::mint(&claims, self.secret),
            ),
            ("locale".to_owned(), self.locale.to_owned()),
            ("session".to_owned(), random_hex(32)),
            ("shop".to_owned(), self.shop.to_owned()),
            (
                "timestamp".to_owned(),
                chrono::Utc::now().timestamp().to_string(),
            ),
        ]);
        let hmac = query_hmac(self.secret, &params);
        params.push(("hmac".to_owned(), hmac));
        url.set_query(None);
        url.query_pairs_mut().extend_pairs(&params);
        url.set_fragment(None);
        Ok(url)
    }
}

/// Splits `/app/x?a=1#f` into the path and its query pairs (the fragment is dropped).
pub fn split_app_path(target: &str) -> (&str, Vec<(String, String)>) {
    let target = target.split('#').next().unwrap_or_default();
    match target.split_once('?') {
        Some((path, query)) => (
            path,
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .filter(|(k, _)| !RESERVED_PARAMS.contains(&k.as_str()))
                .collect(),
        ),
        None => (target, Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_is_base64url_of_the_admin_location() {
        let host = host_param("demo-shop.myshopify.com");
        let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&host)
            .unwrap();
        assert_eq!(decoded, b"admin.shopify.com/store/demo-shop");
        assert!(!host.contains('='));
    }

    #[test]
    fn locales() {
        for good in ["en", "de", "pt-BR", "zh-Hant-TW", "fil"] {
            assert!(is_locale(good), "{good}");
        }
        for bad in [
            "",
            "e",
            "english",
            "de_DE",
            "de-",
            "<x>",
            "de-DE-toolongtag",
        ] {
            assert!(!is_locale(bad), "{bad}");
        }
    }

    fn load<'a>(path: &'a str, query: &'a [(String, String)]) -> EmbeddedLoad<'a> {
        EmbeddedLoad {
            app_url: "http://127.0.0.1:9/base",
            api_key: "key",
            secret: "secret",
            shop: "a.myshopify.com",
            user: 1,
            locale: "de",
            path,
            query,
        }
    }

    #[test]
    fn the_path_goes_below_the_app_url_and_stays_on_its_origin() {
        let url = load("/app/matrices/3", &[]).url().unwrap();
        assert_eq!(url.path(), "/base/app/matrices/3");
        assert_eq!(url.host_str(), Some("127.0.0.1"));
        assert_eq!(load("", &[]).url().unwrap().path(), "/base");
        for bad in ["//evil.example/x", "/\\evil.example", "relative"] {
            assert_eq!(
                load(bad, &[]).url().unwrap_err(),
                AppUrlError::Path,
                "{bad}"
            );
        }
    }

    #[test]
    fn the_query_is_kept_and_signed() {
        let query = vec![("x".to_owned(), "1 2".to_owned())];
        let url = load("/app", &query).url().unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs[0], ("x".to_owned(), "1 2".to_owned()));
        let hmac = &pairs.last().unwrap().1;
        assert_eq!(*hmac, query_hmac("secret", &pairs[..pairs.len() - 1]));
    }

    #[test]
    fn split_drops_reserved_parameters_and_fragments() {
        let (path, query) = split_app_path("/app/x?a=1&hmac=evil&id_token=t#frag");
        assert_eq!(path, "/app/x");
        assert_eq!(query, vec![("a".to_owned(), "1".to_owned())]);
        assert_eq!(split_app_path("/app").0, "/app");
    }
}
