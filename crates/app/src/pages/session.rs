//! Authentication of page loads in the admin's iframe (DESIGN §12), without cookies: Shopify
//! loads every page with an `id_token`; a load without a valid one goes through `/bounce`,
//! where App Bridge fetches a fresh token and loads the page again (`shopify-reload`), the
//! original query kept — as Shopify's own libraries do.

use askama::Template;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use shopify::ShopDomain;

use super::i18n::{Locale, Text};
use crate::auth::AdminSession;
use crate::http::error::ApiError;
use crate::http::AppState;

/// The query parameters Shopify adds that identify the embedding and are kept on links and
/// reloads; `id_token`, `hmac`, `timestamp` and `session` are one-time and never carried on.
const EMBED_PARAMETERS: [&str; 4] = ["shop", "host", "embedded", "locale"];
const ID_TOKEN: &str = "id_token";
/// The parameter naming the page App Bridge loads again with a fresh session token.
const RELOAD: &str = "shopify-reload";
/// A page's query is a handful of short parameters; a session token is under 1 KiB.
const MAX_QUERY_BYTES: usize = 4096;

/// A verified page load: the merchant's session and what every page's frame needs.
pub struct PageSession {
    pub admin: AdminSession,
    pub chrome: Chrome,
}

/// What the layout renders around every page: App Bridge and Polaris from the CDN, the app's
/// navigation, and links that keep the embedding's parameters.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub api_key: String,
    pub cdn: String,
    pub t: Text,
    /// `shop=…&host=…&embedded=1&locale=…`, for links within the app.
    embed_query: String,
}

impl Chrome {
    pub fn new(state: &AppState, pairs: &[(String, String)]) -> Self {
        let config = state.shopify.config();
        let locale = pairs
            .iter()
            .find(|(name, _)| name == "locale")
            .map(|(_, value)| value.as_str());
        Self {
            api_key: config.credentials.api_key.clone(),
            cdn: config.cdn_url.as_str().trim_end_matches('/').to_owned(),
            t: Text::new(Locale::from_tag(locale)),
            embed_query: embed_query(pairs),
        }
    }

    /// `path` within the app, with the embedding's parameters.
    pub fn link(&self, path: &str) -> String {
        if self.embed_query.is_empty() {
            return path.to_owned();
        }
        let separator = if path.contains('?') { '&' } else { '?' };
        format!("{path}{separator}{}", self.embed_query)
    }

    /// The embedding's parameters, for a form that reloads the page (a GET filter).
    pub fn embed_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.embed_query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The import map by which the page's modules find each other (`pages::assets`).
    pub fn import_map(&self) -> &'static str {
        super::assets::import_map()
    }

    pub fn lang(&self) -> &'static str {
        self.t.locale().tag()
    }
}

/// Why a page load was not let through: it goes elsewhere first.
pub enum PageRejection {
    Redirect(String),
    Refused(ApiError),
}

impl IntoResponse for PageRejection {
    fn into_response(self) -> Response {
        match self {
            Self::Redirect(location) => Redirect::to(&location).into_response(),
            Self::Refused(error) => error.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for PageSession {
    type Rejection = PageRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, PageRejection> {
        let pairs = query_pairs(parts.uri.query()).map_err(PageRejection::Refused)?;
        let path = parts.uri.path();
        let token = pairs
            .iter()
            .find(|(name, _)| name == ID_TOKEN)
            .map(|(_, value)| value.as_str());
        let Some(token) = token else {
            return Err(PageRejection::Redirect(bounce_location(
                state, path, &pairs,
            )));
        };
        match AdminSession::from_token(state, token).await {
            Ok(admin) => Ok(Self {
                admin,
                chrome: Chrome::new(state, &pairs),
            }),
            Err(ApiError::InvalidSession(_)) => Err(PageRejection::Redirect(bounce_location(
                state, path, &pairs,
            ))),
            // Not installed (or uninstalled): the app's entry installs by token exchange.
            Err(ApiError::Reauthenticate(_)) => Err(PageRejection::Redirect(format!(
                "/?{}",
                parts.uri.query().unwrap_or_default()
            ))),
            Err(error) => Err(PageRejection::Refused(error)),
        }
    }
}

/// A page's query parameters, in order.
pub fn query_pairs(query: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let query = query.unwrap_or_default();
    if query.len() > MAX_QUERY_BYTES {
        return Err(ApiError::invalid_field(
            "query",
            format!("the query string is longer than {MAX_QUERY_BYTES} bytes"),
        ));
    }
    Ok(url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect())
}

fn embed_query(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            pairs
                .iter()
                .filter(|(name, _)| EMBED_PARAMETERS.contains(&name.as_str())),
        )
        .finish()
}

/// Where a page load without a valid `id_token` goes, as Shopify's libraries send it
/// (shopify-app-js `redirectToBouncePage`): `/bounce` with the original query minus `id_token`
/// (and an earlier `shopify-reload`), plus `shopify-reload` = the page's app URL with that same
/// query. App Bridge there fetches a fresh token and loads `shopify-reload` with it.
pub fn bounce_location(state: &AppState, path: &str, pairs: &[(String, String)]) -> String {
    let kept: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(name, _)| name != ID_TOKEN && name != RELOAD)
        .collect();
    let kept_query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept.iter().copied())
        .finish();
    let mut reload = state.shopify.config().app_url(path);
    reload.set_query(Some(kept_query.as_str()).filter(|query| !query.is_empty()));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .append_pair(RELOAD, reload.as_str())
        .finish();
    format!("/bounce?{query}")
}

#[derive(Template)]
#[template(path = "pages/templates/bounce.html")]
struct BouncePage {
    chrome: Chrome,
}

/// `GET /bounce`: App Bridge alone, which fetches a session token and loads `shopify-reload`.
pub async fn bounce(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let pairs = match query_pairs(query.as_deref()) {
        Ok(pairs) => pairs,
        Err(error) => return error.into_response(),
    };
    let shop = pairs
        .iter()
        .find(|(name, _)| name == "shop")
        .and_then(|(_, value)| ShopDomain::parse(value).ok());
    let page = BouncePage {
        chrome: Chrome::new(&state, &pairs),
    };
    super::render(&state, shop.as_ref(), &page)
}
