//! Getting an offline access token from `POST {shop}/admin/oauth/access_token`, either by
//! exchanging an authorization code or by token exchange of a session token (`id_token`).

use std::fmt;

use serde::Deserialize;
use serde_json::json;

use crate::credentials::{AccessToken, AppCredentials};
use crate::domain::ShopDomain;
use crate::http_body::{read_limited, BodyError};
use crate::shop_url::ShopUrlTemplate;

const ACCESS_TOKEN_PATH: &str = "/admin/oauth/access_token";
const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:id_token";
const OFFLINE_TOKEN_TYPE: &str = "urn:shopify:params:oauth:token-type:offline-access-token";
/// A token response is a few hundred bytes.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// An offline access token and the scopes it was granted (comma-separated, as Shopify sends).
#[derive(Clone)]
pub struct OfflineToken {
    pub access_token: AccessToken,
    pub scope: String,
}

impl fmt::Debug for OfflineToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OfflineToken")
            .field("access_token", &self.access_token)
            .field("scope", &self.scope)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// 400: the code or session token is invalid, expired or already used.
    #[error("Shopify rejected the grant ({status}): {error}")]
    BadRequest { status: u16, error: String },
    /// 401/403: the app's client credentials were not accepted.
    #[error("Shopify rejected the app credentials ({0})")]
    InvalidCredentials(u16),
    #[error("unexpected HTTP status {0} from the token endpoint")]
    UnexpectedStatus(u16),
    #[error("the token endpoint did not answer in time")]
    Timeout,
    #[error("could not reach the token endpoint: {0}")]
    Transport(String),
    #[error("the token endpoint sent an unreadable response: {0}")]
    InvalidResponse(String),
}

/// Exchanges the authorization code from a verified callback for an offline token.
pub async fn exchange_code(
    http: &reqwest::Client,
    template: &ShopUrlTemplate,
    shop: &ShopDomain,
    credentials: &AppCredentials,
    code: &str,
) -> Result<OfflineToken, TokenError> {
    let body = json!({
        "client_id": credentials.api_key,
        "client_secret": credentials.api_secret.expose_secret(),
        "code": code,
    });
    request_token(http, template, shop, &body).await
}

/// Exchanges a session token (`id_token`) for an offline token. Verify the session token with
/// `session_token::verify` first: Shopify checks it too, but a local check fails fast and cheaply.
pub async fn token_exchange(
    http: &reqwest::Client,
    template: &ShopUrlTemplate,
    shop: &ShopDomain,
    credentials: &AppCredentials,
    id_token: &str,
) -> Result<OfflineToken, TokenError> {
    let body = json!({
        "client_id": credentials.api_key,
        "client_secret": credentials.api_secret.expose_secret(),
        "grant_type": TOKEN_EXCHANGE_GRANT,
        "subject_token": id_token,
        "subject_token_type": ID_TOKEN_TYPE,
        "requested_token_type": OFFLINE_TOKEN_TYPE,
    });
    request_token(http, template, shop, &body).await
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    scope: String,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: Option<String>,
}

async fn request_token(
    http: &reqwest::Client,
    template: &ShopUrlTemplate,
    shop: &ShopDomain,
    body: &serde_json::Value,
) -> Result<OfflineToken, TokenError> {
    let url = template.url(shop, ACCESS_TOKEN_PATH);
    let response = http
        .post(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .json(body)
        .send()
        .await
        .map_err(transport_error)?;
    let status = response.status().as_u16();
    let bytes = read_limited(response, MAX_RESPONSE_BYTES)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => TokenError::InvalidResponse("response too large".into()),
            BodyError::Transport(e) => transport_error(e),
        })?;
    match status {
        200 => parse_token(&bytes),
        400 => Err(TokenError::BadRequest {
            status,
            error: serde_json::from_slice::<ErrorResponse>(&bytes)
                .ok()
                .and_then(|e| e.error)
                .unwrap_or_else(|| "unspecified".into()),
        }),
        401 | 403 => Err(TokenError::InvalidCredentials(status)),
        _ => Err(TokenError::UnexpectedStatus(status)),
    }
}

fn parse_token(bytes: &[u8]) -> Result<OfflineToken, TokenError> {
    let parsed: TokenResponse =
        serde_json::from_slice(bytes).map_err(|e| TokenError::InvalidResponse(e.to_string()))?;
    if parsed.access_token.is_empty() {
        return Err(TokenError::InvalidResponse("empty access_token".into()));
    }
    Ok(OfflineToken {
        access_token: AccessToken::new(parsed.access_token),
        scope: parsed.scope,
    })
}

fn transport_error(e: reqwest::Error) -> TokenError {
    if e.is_timeout() {
        TokenError::Timeout
    } else {
        // Without the URL: it is ours, and errors should not carry request details around.
        TokenError::Transport(e.without_url().to_string())
    }
}
