//! Session tokens (App Bridge's `idToken()`): HS256 JWTs signed with the app secret whose
//! claims name the shop by its real domain, never by the simulator's URL.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::signing::random_hex;

/// Shopify's session tokens live one minute.
pub const DEFAULT_TTL_SECS: i64 = 60;
/// Clock skew tolerated when the simulator verifies a token (token exchange).
const LEEWAY_SECS: u64 = 10;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SessionClaims {
    /// `https://{shop}/admin`
    pub iss: String,
    /// `https://{shop}`
    pub dest: String,
    /// The app's API key.
    pub aud: String,
    /// The staff user's id.
    pub sub: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: String,
    pub sid: String,
}

impl SessionClaims {
    pub fn new(shop: &str, api_key: &str, user_id: u64, ttl_secs: i64) -> Self {
        let now = chrono::Utc::now().timestamp();
        Self {
            iss: format!("https://{shop}/admin"),
            dest: format!("https://{shop}"),
            aud: api_key.to_owned(),
            sub: user_id.to_string(),
            exp: now + ttl_secs,
            nbf: now,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            sid: random_hex(16),
        }
    }

    /// The shop the token is for, when `iss` and `dest` agree on it.
    pub fn shop(&self) -> Option<&str> {
        let dest = self.dest.strip_prefix("https://")?;
        let iss = self.iss.strip_prefix("https://")?.strip_suffix("/admin")?;
        (dest == iss).then_some(dest)
    }
}

pub fn mint(claims: &SessionClaims, secret: &str) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("HS256 signing of plain claims cannot fail")
}

/// Checks signature, audience, `exp`/`nbf` (with leeway) and that `iss`/`dest` agree.
pub fn verify(token: &str, secret: &str, api_key: &str) -> Result<SessionClaims, String> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[api_key]);
    validation.leeway = LEEWAY_SECS;
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
    let data = decode::<SessionClaims>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .map_err(|e| format!("session token is invalid: {e}"))?;
    if data.claims.shop().is_none() {
        return Err("session token iss and dest do not name the same shop".to_owned());
    }
    Ok(data.claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_checks() {
        let claims = SessionClaims::new("a.myshopify.com", "key", 7, 60);
        let token = mint(&claims, "secret");
        let back = verify(&token, "secret", "key").unwrap();
        assert_eq!(back, claims);
        assert_eq!(back.shop(), Some("a.myshopify.com"));
        assert!(verify(&token, "other", "key").is_err());
        assert!(verify(&token, "secret", "other-key").is_err());
        let expired = mint(
            &SessionClaims::new("a.myshopify.com", "key", 7, -60),
            "secret",
        );
        assert!(verify(&expired, "secret", "key").is_err());
    }
}
