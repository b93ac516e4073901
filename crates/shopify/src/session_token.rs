//! Verification of App Bridge session tokens (`id_token`): HS256 JWTs signed with the app secret.
//!
//! Claims (shopify.dev, "About session tokens"): `iss` = `https://{shop}/admin`, `dest` =
//! `https://{shop}`, `aud` = the app's API key, `sub` = the staff user, `exp`/`nbf`/`iat` in
//! seconds, `jti`, `sid`. Times are checked here against the caller's `now` (not the library's
//! clock) so every failure has its own error and tests need no real clock.

use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::credentials::AppCredentials;
use crate::domain::ShopDomain;

/// Longest token accepted; real ones are well under 1 KiB.
pub const MAX_TOKEN_LEN: usize = 4096;
/// Clock skew tolerated on `exp` and `nbf` by [`verify`] (Shopify's own libraries use 10
/// seconds); [`verify_with_leeway`] takes another.
pub const LEEWAY: Duration = Duration::from_secs(10);
/// How long a session token Shopify issues is valid: one minute
/// (shopify.dev, "Session tokens": "The lifetime of a session token is one minute"). A token
/// that claims to live longer (plus the leeway) was not made by Shopify's admin.
pub const MAX_LIFETIME: Duration = Duration::from_secs(60);

/// The verified content of a session token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionToken {
    pub shop: ShopDomain,
    /// The acting staff user (`sub`).
    pub user: String,
    /// Shopify's session id (`sid`), when present.
    pub session_id: Option<String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionTokenError {
    #[error("session token is too large")]
    TooLarge,
    #[error("session token is not a well-formed JWT")]
    Malformed,
    #[error("session token algorithm {0:?} is not HS256")]
    UnsupportedAlgorithm(String),
    #[error("session token signature is invalid")]
    BadSignature,
    #[error("session token is missing or has an invalid claim {0:?}")]
    InvalidClaim(&'static str),
    #[error("session token audience is not this app")]
    WrongAudience,
    #[error("session token has expired")]
    Expired,
    #[error("session token is not valid yet")]
    NotYetValid,
    #[error("session token lives longer than Shopify's one minute")]
    LifetimeTooLong,
    #[error("session token issuer is not https://<shop>.myshopify.com/admin")]
    InvalidIssuer,
    #[error("session token destination is not https://<shop>.myshopify.com")]
    InvalidDestination,
    #[error("session token issuer and destination name different shops")]
    ShopMismatch,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    dest: String,
    aud: String,
    sub: String,
    exp: i64,
    nbf: i64,
    iat: Option<i64>,
    sid: Option<String>,
}

/// Verifies `token` for `credentials` at time `now`, with [`LEEWAY`] on `exp` and `nbf`.
pub fn verify(
    token: &str,
    credentials: &AppCredentials,
    now: DateTime<Utc>,
) -> Result<SessionToken, SessionTokenError> {
    verify_with_leeway(token, credentials, now, LEEWAY)
}

/// Verifies `token` for `credentials` at time `now`, tolerating `leeway` of clock skew on
/// `exp` and `nbf`.
pub fn verify_with_leeway(
    token: &str,
    credentials: &AppCredentials,
    now: DateTime<Utc>,
    leeway: Duration,
) -> Result<SessionToken, SessionTokenError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(SessionTokenError::TooLarge);
    }
    check_algorithm(token)?;
    let claims = verify_signature(token, credentials)?;
    if claims.aud != credentials.api_key {
        return Err(SessionTokenError::WrongAudience);
    }
    let expires_at = check_times(&claims, now, leeway)?;
    let shop = shop_from_issuer_and_destination(&claims.iss, &claims.dest)?;
    if claims.sub.is_empty() {
        return Err(SessionTokenError::InvalidClaim("sub"));
    }
    Ok(SessionToken {
        shop,
        user: claims.sub,
        session_id: claims.sid,
        expires_at,
    })
}

/// Reads `alg` ourselves so `none` and every non-HS256 algorithm get a clear error before any
/// signature work.
fn check_algorithm(token: &str) -> Result<(), SessionTokenError> {
    let (header, _) = token.split_once('.').ok_or(SessionTokenError::Malformed)?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| SessionTokenError::Malformed)?;
    let header: Header = serde_json::from_slice(&json).map_err(|_| SessionTokenError::Malformed)?;
    if header.alg != "HS256" {
        return Err(SessionTokenError::UnsupportedAlgorithm(header.alg));
    }
    Ok(())
}

fn verify_signature(
    token: &str,
    credentials: &AppCredentials,
) -> Result<Claims, SessionTokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    // Time and audience are checked by hand afterwards, each with its own error.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let key = DecodingKey::from_secret(credentials.api_secret.expose_secret().as_bytes());
    jsonwebtoken::decode::<Claims>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => SessionTokenError::BadSignature,
            _ => SessionTokenError::Malformed,
        })
}

fn check_times(
    claims: &Claims,
    now: DateTime<Utc>,
    leeway: Duration,
) -> Result<DateTime<Utc>, SessionTokenError> {
    let leeway = i64::try_from(leeway.as_secs()).unwrap_or(i64::MAX);
    let expires_at =
        DateTime::from_timestamp(claims.exp, 0).ok_or(SessionTokenError::InvalidClaim("exp"))?;
    if now.timestamp() > claims.exp.saturating_add(leeway) {
        return Err(SessionTokenError::Expired);
    }
    if now.timestamp() < claims.nbf.saturating_sub(leeway) {
        return Err(SessionTokenError::NotYetValid);
    }
    let issued = claims.iat.unwrap_or(claims.nbf).min(claims.nbf);
    let longest = i64::try_from(MAX_LIFETIME.as_secs()).unwrap_or(i64::MAX);
    if claims.exp.saturating_sub(issued) > longest.saturating_add(leeway) {
        return Err(SessionTokenError::LifetimeTooLong);
    }
    Ok(expires_at)
}

fn shop_from_issuer_and_destination(
    iss: &str,
    dest: &str,
) -> Result<ShopDomain, SessionTokenError> {
    let from_iss = iss
        .strip_prefix("https://")
        .and_then(|rest| rest.strip_suffix("/admin"))
        .and_then(|host| ShopDomain::parse(host).ok())
        .ok_or(SessionTokenError::InvalidIssuer)?;
    let from_dest = dest
        .strip_prefix("https://")
        .and_then(|host| ShopDomain::parse(host).ok())
        .ok_or(SessionTokenError::InvalidDestination)?;
    if from_iss != from_dest {
        return Err(SessionTokenError::ShopMismatch);
    }
    Ok(from_dest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{encode, EncodingKey, Header as JwtHeader};
    use serde_json::{json, Value};

    const NOW: i64 = 1_700_000_000;

    fn creds() -> AppCredentials {
        AppCredentials::new("api-key-123", "app-secret")
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(NOW, 0).unwrap()
    }

    /// Claims shaped like shopify.dev's session-token example payload.
    fn claims() -> Value {
        json!({
            "iss": "https://demo-shop.myshopify.com/admin",
            "dest": "https://demo-shop.myshopify.com",
            "aud": "api-key-123",
            "sub": "42",
            "exp": NOW + 60,
            "nbf": NOW - 1,
            "iat": NOW - 1,
            "jti": "00000000-0000-4000-8000-000000000000",
            "sid": "session-abc",
        })
    }

    fn sign(claims: &Value, secret: &str) -> String {
        encode(
            &JwtHeader::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    fn with(field: &str, value: Value) -> String {
        let mut c = claims();
        c[field] = value;
        sign(&c, "app-secret")
    }

    #[test]
    fn accepts_a_valid_token() {
        let token = verify(&sign(&claims(), "app-secret"), &creds(), now()).unwrap();
        assert_eq!(token.shop.as_str(), "demo-shop.myshopify.com");
        assert_eq!(token.user, "42");
        assert_eq!(token.session_id.as_deref(), Some("session-abc"));
        assert_eq!(token.expires_at.timestamp(), NOW + 60);
    }

    #[test]
    fn refuses_a_token_that_lives_longer_than_shopify_issues() {
        let mut long = claims();
        long["exp"] = json!(NOW + 3600);
        assert_eq!(
            verify(&sign(&long, "app-secret"), &creds(), now()),
            Err(SessionTokenError::LifetimeTooLong)
        );
        // A minute and its leeway is the most, counted from issue.
        let mut minute_and_leeway = claims();
        minute_and_leeway["exp"] = json!(NOW - 1 + 70);
        assert!(verify(&sign(&minute_and_leeway, "app-secret"), &creds(), now()).is_ok());
        minute_and_leeway["exp"] = json!(NOW - 1 + 71);
        assert!(verify(&sign(&minute_and_leeway, "app-secret"), &creds(), now()).is_err());
    }

    #[test]
    fn rejects_wrong_secret() {
        let token = sign(&claims(), "other-secret");
        assert_eq!(
            verify(&token, &creds(), now()),
            Err(SessionTokenError::BadSignature)
        );
    }

    #[test]
    fn rejects_tampered_payload() {
        let token = sign(&claims(), "app-secret");
        let parts: Vec<&str> = token.split('.').collect();
        let mut c = claims();
        c["dest"] = json!("https://evil.myshopify.com");
        let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&c).unwrap());
        let tampered = format!("{}.{}.{}", parts[0], forged, parts[2]);
        assert_eq!(
            verify(&tampered, &creds(), now()),
            Err(SessionTokenError::BadSignature)
        );
    }

    #[test]
    fn rejects_alg_none_and_other_algorithms() {
        let b64 = |v: &Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
        };
        let none = format!(
            "{}.{}.",
            b64(&json!({"alg": "none", "typ": "JWT"})),
            b64(&claims())
        );
        assert_eq!(
            verify(&none, &creds(), now()),
            Err(SessionTokenError::UnsupportedAlgorithm("none".into()))
        );
        let hs512 = encode(
            &JwtHeader::new(Algorithm::HS512),
            &claims(),
            &EncodingKey::from_secret(b"app-secret"),
        )
        .unwrap();
        assert_eq!(
            verify(&hs512, &creds(), now()),
            Err(SessionTokenError::UnsupportedAlgorithm("HS512".into()))
        );
    }

    #[test]
    fn rejects_wrong_audience() {
        assert_eq!(
            verify(&with("aud", json!("someone-else")), &creds(), now()),
            Err(SessionTokenError::WrongAudience)
        );
    }

    #[test]
    fn expiry_and_not_before_with_leeway() {
        let expired = with("exp", json!(NOW - 11));
        assert_eq!(
            verify(&expired, &creds(), now()),
            Err(SessionTokenError::Expired)
        );
        assert!(verify(&with("exp", json!(NOW - 10)), &creds(), now()).is_ok());
        let early = with("nbf", json!(NOW + 11));
        assert_eq!(
            verify(&early, &creds(), now()),
            Err(SessionTokenError::NotYetValid)
        );
        assert!(verify(&with("nbf", json!(NOW + 10)), &creds(), now()).is_ok());
        let wide = Duration::from_secs(30);
        assert!(verify_with_leeway(&expired, &creds(), now(), wide).is_ok());
        assert!(verify_with_leeway(&early, &creds(), now(), wide).is_ok());
        assert_eq!(
            verify_with_leeway(
                &with("exp", json!(NOW - 1)),
                &creds(),
                now(),
                Duration::ZERO
            ),
            Err(SessionTokenError::Expired)
        );
    }

    #[test]
    fn rejects_bad_issuer_and_destination() {
        use SessionTokenError::*;
        for (field, value, expected) in [
            ("iss", "https://demo-shop.myshopify.com", InvalidIssuer),
            ("iss", "http://demo-shop.myshopify.com/admin", InvalidIssuer),
            ("iss", "https://evil.example.com/admin", InvalidIssuer),
            (
                "dest",
                "https://demo-shop.myshopify.com/admin",
                InvalidDestination,
            ),
            ("dest", "demo-shop.myshopify.com", InvalidDestination),
            (
                "dest",
                "https://demo-shop.myshopify.com.evil.com",
                InvalidDestination,
            ),
            ("dest", "https://other-shop.myshopify.com", ShopMismatch),
        ] {
            assert_eq!(
                verify(&with(field, json!(value)), &creds(), now()),
                Err(expected),
                "{field}={value}"
            );
        }
    }

    #[test]
    fn rejects_missing_claims_and_garbage() {
        let mut c = claims();
        c.as_object_mut().unwrap().remove("sub");
        assert_eq!(
            verify(&sign(&c, "app-secret"), &creds(), now()),
            Err(SessionTokenError::Malformed)
        );
        assert_eq!(
            verify(&with("sub", json!("")), &creds(), now()),
            Err(SessionTokenError::InvalidClaim("sub"))
        );
        assert_eq!(
            verify("not-a-jwt", &creds(), now()),
            Err(SessionTokenError::Malformed)
        );
        assert_eq!(
            verify("", &creds(), now()),
            Err(SessionTokenError::Malformed)
        );
    }

    #[test]
    fn rejects_oversized_tokens() {
        let huge = with("jti", json!("x".repeat(MAX_TOKEN_LEN)));
        assert_eq!(
            verify(&huge, &creds(), now()),
            Err(SessionTokenError::TooLarge)
        );
    }
}
