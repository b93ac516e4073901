//! Getting an offline access token from `POST {shop}/admin/oauth/access_token`: by exchanging an
//! authorization code, by token exchange of a session token (`id_token`), by refreshing an
//! expiring token, or by exchanging a non-expiring token for an expiring one.
//!
//! Every grant asks for an *expiring* offline token (`expiring=1`): public apps must use them
//! (Shopify rejects non-expiring tokens of public apps from 2027-01-01). One lasts an hour and
//! comes with a refresh token that Shopify replaces on every use.
//!
//! Only one expiring offline token is active per shop and app: every grant that returns one
//! (code, token exchange, refresh, migration) revokes the earlier ones at once ("About offline
//! access tokens", shopify.dev). Whoever holds an earlier token gets 401 from then on, so store a
//! new token before anything else uses it, renew a shop's token in one place at a time, and on a
//! 401 read the stored token again before concluding the shop must re-authenticate.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use crate::credentials::{AccessToken, AppCredentials, RefreshToken};
use crate::domain::ShopDomain;
use crate::http_body::{read_limited, BodyError};
use crate::shop_url::ShopUrlTemplate;

const ACCESS_TOKEN_PATH: &str = "/admin/oauth/access_token";
const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:id_token";
const OFFLINE_TOKEN_TYPE: &str = "urn:shopify:params:oauth:token-type:offline-access-token";
const REFRESH_GRANT: &str = "refresh_token";
/// Asks for an expiring offline token and its refresh token.
const EXPIRING: &str = "1";
/// Longest lifetime accepted for a token or refresh token (Shopify's are an hour and 90 days):
/// anything longer is a broken response, and would overflow date arithmetic.
const MAX_LIFETIME_SECS: u64 = 400 * 24 * 3600;
/// A token response is a few hundred bytes.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// An offline access token, the scopes it was granted (comma-separated, as Shopify sends), and,
/// when it expires, how long it lives and what renews it.
#[derive(Debug, Clone)]
pub struct OfflineToken {
    pub access_token: AccessToken,
    pub scope: String,
    /// `None` for a non-expiring token (what Shopify issued before expiring tokens).
    pub expiry: Option<Expiry>,
}

/// The lifetime of an expiring offline token, counted from when the response was received.
#[derive(Debug, Clone)]
pub struct Expiry {
    /// How long the access token is valid (`expires_in`).
    pub expires_in: Duration,
    pub refresh_token: RefreshToken,
    /// How long the refresh token is valid (`refresh_token_expires_in`), if Shopify says.
    pub refresh_token_expires_in: Option<Duration>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// 400: the code or session token is invalid, expired or already used.
    #[error("Shopify rejected the grant ({status}): {error}")]
    BadRequest { status: u16, error: String },
    /// 401/403: the app's client credentials were not accepted.
    #[error("Shopify rejected the app credentials ({0})")]
    InvalidCredentials(u16),
    /// 404: no such shop (a closed store, or a domain Shopify never had).
    #[error("Shopify has no shop at this domain")]
    UnknownShop,
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
        "expiring": EXPIRING,
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
        "expiring": EXPIRING,
    });
    request_token(http, template, shop, &body).await
}

/// Trades a refresh token for a new access token and a new refresh token. Store both at once:
/// the next refresh needs the new refresh token (Shopify keeps honouring the old one only until
/// the new one is first used, and for at most 30 days). The access token issued before stops
/// working as soon as this succeeds, even if the answer is lost; a repeat with the same refresh
/// token then issues another pair.
pub async fn refresh(
    http: &reqwest::Client,
    template: &ShopUrlTemplate,
    shop: &ShopDomain,
    credentials: &AppCredentials,
    refresh_token: &RefreshToken,
) -> Result<OfflineToken, TokenError> {
    let body = json!({
        "client_id": credentials.api_key,
        "client_secret": credentials.api_secret.expose_secret(),
        "grant_type": REFRESH_GRANT,
        "refresh_token": refresh_token.expose_secret(),
    });
    request_token(http, template, shop, &body).await
}

/// Exchanges a non-expiring offline token for an expiring one, without the merchant: how tokens
/// issued before expiring tokens are cycled. The non-expiring token stops working at once.
///
/// Safe to repeat: for seven days after the first exchange, Shopify answers a repeat with the
/// same non-expiring token with the **same** access and refresh token pair (the access token's
/// expiry extended if it ran out), unless the pair was refreshed or replaced by a later grant
/// ("More resilient token exchanges when migrating tokens without a user session", shopify.dev
/// changelog). So when no answer comes back (timeout, reset, 5xx), this call sends the same
/// request again, up to [`MIGRATION_ATTEMPTS`] times in all, and a caller that still got an
/// error may call it again later with the same token and store whatever comes back. After those
/// seven days, or once the pair was refreshed, a repeat is refused (`BadRequest`,
/// `invalid_subject_token`).
pub async fn migrate_to_expiring(
    http: &reqwest::Client,
    template: &ShopUrlTemplate,
    shop: &ShopDomain,
    credentials: &AppCredentials,
    non_expiring: &AccessToken,
) -> Result<OfflineToken, TokenError> {
    let body = json!({
        "client_id": credentials.api_key,
        "client_secret": credentials.api_secret.expose_secret(),
        "grant_type": TOKEN_EXCHANGE_GRANT,
        "subject_token": non_expiring.expose_secret(),
        "subject_token_type": OFFLINE_TOKEN_TYPE,
        "requested_token_type": OFFLINE_TOKEN_TYPE,
        "expiring": EXPIRING,
    });
    let mut attempt = 1;
    loop {
        match request_token(http, template, shop, &body).await {
            Err(error) if answer_lost(&error) && attempt < MIGRATION_ATTEMPTS => {
                tracing::warn!(%shop, %error, attempt, "token migration unanswered; repeating it");
                tokio::time::sleep(MIGRATION_RETRY_DELAY * attempt).await;
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// How many times `migrate_to_expiring` sends its request when no answer comes back.
pub const MIGRATION_ATTEMPTS: u32 = 3;
/// Pause before the second attempt; the third waits twice as long.
const MIGRATION_RETRY_DELAY: Duration = Duration::from_millis(250);

/// No usable answer came back: the grant may or may not have happened.
fn answer_lost(error: &TokenError) -> bool {
    error.answer_lost()
}

impl TokenError {
    /// No usable answer came back (timeout, transport failure, 429 or 5xx): the grant may or
    /// may not have happened at Shopify. Every other error is Shopify's definitive answer.
    pub fn answer_lost(&self) -> bool {
        match self {
            Self::Timeout | Self::Transport(_) => true,
            Self::UnexpectedStatus(status) => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    scope: String,
    expires_in: Option<u64>,
    refresh_token: Option<String>,
    refresh_token_expires_in: Option<u64>,
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
        404 => Err(TokenError::UnknownShop),
        _ => Err(TokenError::UnexpectedStatus(status)),
    }
}

fn parse_token(bytes: &[u8]) -> Result<OfflineToken, TokenError> {
    let parsed: TokenResponse =
        serde_json::from_slice(bytes).map_err(|e| TokenError::InvalidResponse(e.to_string()))?;
    if parsed.access_token.is_empty() {
        return Err(TokenError::InvalidResponse("empty access_token".into()));
    }
    let too_long = |secs: Option<u64>| secs.is_some_and(|s| s > MAX_LIFETIME_SECS);
    if too_long(parsed.expires_in) || too_long(parsed.refresh_token_expires_in) {
        return Err(TokenError::InvalidResponse(
            "token lifetime out of range".into(),
        ));
    }
    let expiry = match (parsed.expires_in, parsed.refresh_token) {
        (None, None) => None,
        (Some(expires_in), Some(refresh_token)) if !refresh_token.is_empty() => Some(Expiry {
            expires_in: Duration::from_secs(expires_in),
            refresh_token: RefreshToken::new(refresh_token),
            refresh_token_expires_in: parsed.refresh_token_expires_in.map(Duration::from_secs),
        }),
        // An expiring token that cannot be renewed (or the reverse) would strand the store an
        // hour from now.
        _ => {
            return Err(TokenError::InvalidResponse(
                "expires_in and refresh_token must come together".into(),
            ))
        }
    };
    Ok(OfflineToken {
        access_token: AccessToken::new(parsed.access_token),
        scope: parsed.scope,
        expiry,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiring_and_non_expiring_responses_are_read_and_half_of_one_is_refused() {
        let expiring = br#"{"access_token":"shpat_a","scope":"read_products","expires_in":3600,
            "refresh_token":"shprt_b","refresh_token_expires_in":7776000}"#;
        let token = parse_token(expiring).unwrap();
        let expiry = token.expiry.expect("an expiring token");
        assert_eq!(expiry.expires_in, Duration::from_secs(3600));
        assert_eq!(expiry.refresh_token.expose_secret(), "shprt_b");
        assert_eq!(
            expiry.refresh_token_expires_in,
            Some(Duration::from_secs(7_776_000))
        );

        let legacy = parse_token(br#"{"access_token":"shpat_a","scope":"read_products"}"#);
        assert!(legacy.unwrap().expiry.is_none());

        let forever = br#"{"access_token":"a","scope":"","expires_in":18446744073709551615,
            "refresh_token":"r"}"#;
        assert!(matches!(
            parse_token(forever),
            Err(TokenError::InvalidResponse(_))
        ));
        for half in [
            br#"{"access_token":"shpat_a","scope":"","expires_in":3600}"#.as_slice(),
            br#"{"access_token":"shpat_a","scope":"","refresh_token":"shprt_b"}"#,
            br#"{"access_token":"shpat_a","scope":"","expires_in":3600,"refresh_token":""}"#,
        ] {
            assert!(matches!(
                parse_token(half),
                Err(TokenError::InvalidResponse(_))
            ));
        }
    }
}
