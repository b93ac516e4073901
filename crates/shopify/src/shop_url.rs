//! Where shops live. Every URL this crate builds (authorize, access token, GraphQL) is derived
//! from a `ShopUrlTemplate`, so pointing the app at the local simulator is configuration only.

use std::fmt;
use std::str::FromStr;

use url::Url;

use crate::domain::ShopDomain;

const PLACEHOLDER: &str = "{shop}";

/// A base URL with one `{shop}` placeholder: `https://{shop}` (Shopify, the default) or e.g.
/// `http://127.0.0.1:8081/store/{shop}` (the simulator).
#[derive(Clone, PartialEq, Eq)]
pub struct ShopUrlTemplate(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShopUrlTemplateError {
    #[error("the template must contain {PLACEHOLDER} exactly once")]
    Placeholder,
    #[error("the template is not an absolute http(s) URL without query, fragment or credentials")]
    NotABaseUrl,
}

impl ShopUrlTemplate {
    pub fn parse(template: &str) -> Result<Self, ShopUrlTemplateError> {
        if template.matches(PLACEHOLDER).count() != 1 {
            return Err(ShopUrlTemplateError::Placeholder);
        }
        let trimmed = template.trim_end_matches('/');
        let probe = Url::parse(&trimmed.replace(PLACEHOLDER, "probe.myshopify.com"))
            .map_err(|_| ShopUrlTemplateError::NotABaseUrl)?;
        let is_base = matches!(probe.scheme(), "http" | "https")
            && probe.host().is_some()
            && probe.query().is_none()
            && probe.fragment().is_none()
            && probe.username().is_empty()
            && probe.password().is_none();
        if !is_base {
            return Err(ShopUrlTemplateError::NotABaseUrl);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// `base + path` for `shop`; `path` starts with `/`.
    pub fn url(&self, shop: &ShopDomain, path: &str) -> Url {
        // ShopDomain is [a-z0-9.-] only, so substitution cannot change the URL's structure.
        let raw = format!("{}{path}", self.0.replace(PLACEHOLDER, shop.as_str()));
        Url::parse(&raw).expect("template was validated and shop domains are URL-safe")
    }
}

impl Default for ShopUrlTemplate {
    fn default() -> Self {
        Self::parse("https://{shop}").expect("the default template is valid")
    }
}

impl FromStr for ShopUrlTemplate {
    type Err = ShopUrlTemplateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for ShopUrlTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ShopUrlTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ShopUrlTemplate({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shop() -> ShopDomain {
        ShopDomain::parse("demo-shop.myshopify.com").unwrap()
    }

    #[test]
    fn default_points_at_shopify() {
        let url = ShopUrlTemplate::default().url(&shop(), "/admin/oauth/authorize");
        assert_eq!(
            url.as_str(),
            "https://demo-shop.myshopify.com/admin/oauth/authorize"
        );
    }

    #[test]
    fn simulator_template_keeps_its_path_prefix() {
        let t = ShopUrlTemplate::parse("http://127.0.0.1:8081/store/{shop}/").unwrap();
        assert_eq!(
            t.url(&shop(), "/admin/api/2026-10/graphql.json").as_str(),
            "http://127.0.0.1:8081/store/demo-shop.myshopify.com/admin/api/2026-10/graphql.json"
        );
    }

    #[test]
    fn rejects_bad_templates() {
        use ShopUrlTemplateError::*;
        assert_eq!(
            ShopUrlTemplate::parse("https://example.com"),
            Err(Placeholder)
        );
        assert_eq!(
            ShopUrlTemplate::parse("https://{shop}/{shop}"),
            Err(Placeholder)
        );
        for bad in [
            "ftp://{shop}",
            "{shop}",
            "https://{shop}?x=1",
            "https://{shop}#x",
            "https://user:pw@{shop}",
        ] {
            assert_eq!(ShopUrlTemplate::parse(bad), Err(NotABaseUrl), "{bad}");
        }
    }
}
