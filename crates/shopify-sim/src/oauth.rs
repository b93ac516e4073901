//! OAuth as a shop serves it: authorize (auto-approved), the access-token endpoint
//! (authorization code, token exchange of a session token or of a non-expiring offline token,
//! refresh of an expiring offline token). Offline tokens expire when the request says
//! `expiring=1`, as Shopify's do; which earlier tokens a new one revokes, and how a lost answer
//! is recovered, is `tokens.rs`. The embedded app load is the admin's (`admin` module).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Json;
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::embed::host_param;
use crate::server::ConnectionKill;
use crate::session_token;
use crate::signing::{query_hmac, random_hex};
use crate::state::{AccessToken, AuthCode, RefreshRecord, SimState};
use crate::tokens::{Migration, RepeatedPair};

/// How long an authorization code may wait before it is exchanged.
const CODE_TTL: Duration = Duration::from_secs(120);
/// Online tokens expire after a day, as Shopify's do.
const ONLINE_TOKEN_TTL_SECS: u64 = 86_399;
const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:id_token";
const OFFLINE_TOKEN_TYPE: &str = "urn:shopify:params:oauth:token-type:offline-access-token";
const ONLINE_TOKEN_TYPE: &str = "urn:shopify:params:oauth:token-type:online-access-token";
/// Refresh tokens last 90 days.
const REFRESH_TOKEN_TTL_SECS: u64 = 90 * 24 * 3600;
/// The staff user behind authorization-code installs and default session tokens.
pub const DEFAULT_USER_ID: u64 = 1;

/// An OAuth error answer (`{error, error_description}`), small enough to pass around.
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.error, "error_description": self.description });
        (self.status, Json(body)).into_response()
    }
}

fn oauth_error(status: StatusCode, error: &'static str, description: &str) -> OAuthError {
    OAuthError {
        status,
        error,
        description: description.to_owned(),
    }
}

pub(crate) fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Appends signed parameters to `target` and redirects there.
fn signed_redirect(target: &str, mut params: Vec<(String, String)>, secret: &str) -> Response {
    let hmac = query_hmac(secret, &params);
    params.push(("hmac".to_owned(), hmac));
    let Ok(mut url) = url::Url::parse(target) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The redirect URL is invalid",
        )
        .into_response();
    };
    url.query_pairs_mut().extend_pairs(&params);
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

pub(crate) async fn shop_exists(state: &SimState, shop: &str) -> bool {
    state.world.lock().await.shops.contains_key(shop)
}

/// `GET /store/{shop}/admin/oauth/authorize`
pub async fn authorize(
    State(state): State<Arc<SimState>>,
    Path(shop): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    if !shop_exists(&state, &shop).await {
        return crate::graphql::not_found();
    }
    let pairs = query_pairs(raw.as_deref());
    let config = state.config.read().await.clone();
    if param(&pairs, "client_id") != Some(config.api_key.as_str()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The client_id is not a known app",
        )
        .into_response();
    }
    // Shopify redirects only to one of the app's allowed redirection URLs, matched exactly
    // (otherwise "Oauth error invalid_request: The redirect_uri is not whitelisted").
    let redirect_uri = param(&pairs, "redirect_uri").unwrap_or_default();
    if !config
        .allowed_redirect_urls()
        .iter()
        .any(|allowed| allowed == redirect_uri)
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The redirect_uri is not whitelisted",
        )
        .into_response();
    }
    let online = pairs
        .iter()
        .any(|(k, v)| k == "grant_options[]" && v == "per-user");
    let code = random_hex(16);
    state.world.lock().await.codes.insert(
        code.clone(),
        AuthCode {
            shop: shop.clone(),
            scope: param(&pairs, "scope").unwrap_or_default().to_owned(),
            online,
            expires_at: Instant::now() + CODE_TTL,
        },
    );
    let mut params = vec![
        ("code".to_owned(), code),
        ("host".to_owned(), host_param(&shop)),
        ("shop".to_owned(), shop.clone()),
    ];
    if let Some(nonce) = param(&pairs, "state") {
        params.push(("state".to_owned(), nonce.to_owned()));
    }
    params.push((
        "timestamp".to_owned(),
        chrono::Utc::now().timestamp().to_string(),
    ));
    signed_redirect(redirect_uri, params, &state.api_secret)
}

/// Reads a JSON or form body into string pairs.
fn token_request(headers: &HeaderMap, body: &Bytes) -> Option<Vec<(String, String)>> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !is_json {
        return Some(url::form_urlencoded::parse(body).into_owned().collect());
    }
    let Value::Object(map) = serde_json::from_slice::<Value>(body).ok()? else {
        return None;
    };
    Some(
        map.into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect(),
    )
}

struct Grant {
    scope: String,
    online_user: Option<u64>,
    /// An expiring offline token (with a refresh token) rather than a non-expiring one.
    expiring: bool,
    /// The non-expiring token a migration exchanges, recorded so a repeat gets the same pair.
    migrated_from: Option<String>,
}

/// What a token request earns: a new token (with the refresh token a refresh used), or, for a
/// repeated migration, the pair issued the first time.
enum Granted {
    Issue(Grant, Option<String>),
    Repeat(RepeatedPair),
}

fn wants_expiring(params: &[(String, String)]) -> bool {
    param(params, "expiring") == Some("1")
}

/// Exchanges a single-use authorization code.
async fn code_grant(
    state: &SimState,
    shop: &str,
    params: &[(String, String)],
) -> Result<Grant, OAuthError> {
    let invalid = || {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The authorization code was not found or was already used",
        )
    };
    let code = param(params, "code").ok_or_else(invalid)?;
    // Removed whatever happens next: a code is good for one attempt only.
    let record = state
        .world
        .lock()
        .await
        .codes
        .remove(code)
        .ok_or_else(invalid)?;
    if record.shop != shop || Instant::now() >= record.expires_at {
        return Err(invalid());
    }
    Ok(Grant {
        scope: record.scope,
        online_user: record.online.then_some(DEFAULT_USER_ID),
        expiring: wants_expiring(params),
        migrated_from: None,
    })
}

fn invalid_subject(description: &str) -> OAuthError {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_subject_token",
        description,
    )
}

/// Exchanges a session token for an access token.
async fn token_exchange(
    state: &SimState,
    shop: &str,
    params: &[(String, String)],
) -> Result<Granted, OAuthError> {
    match param(params, "subject_token_type") {
        Some(ID_TOKEN_TYPE) => {}
        Some(OFFLINE_TOKEN_TYPE) => return migrate_to_expiring(state, shop, params).await,
        _ => {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "subject_token_type must be an id_token or an offline access token",
            ))
        }
    }
    let online = match param(params, "requested_token_type") {
        Some(OFFLINE_TOKEN_TYPE) => false,
        Some(ONLINE_TOKEN_TYPE) => true,
        _ => {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "requested_token_type must be an online or offline access token type",
            ))
        }
    };
    let token = param(params, "subject_token")
        .ok_or_else(|| invalid_subject("subject_token is missing"))?;
    let api_key = state.config.read().await.api_key.clone();
    let claims = session_token::verify(token, &state.api_secret, &api_key)
        .map_err(|e| invalid_subject(&e))?;
    if claims.shop() != Some(shop) {
        return Err(invalid_subject("The session token is for another shop"));
    }
    let user: u64 = claims
        .sub
        .parse()
        .map_err(|_| invalid_subject("The session token's sub is not a user id"))?;
    let grant = Grant {
        scope: state.initial.scopes.clone(),
        online_user: online.then_some(user),
        expiring: wants_expiring(params),
        migrated_from: None,
    };
    Ok(Granted::Issue(grant, None))
}

/// Exchanges a live non-expiring offline token for an expiring one; the old token stops
/// working. Repeated with the same token within seven days (a lost answer), it answers with
/// the same pair (`tokens.rs`).
async fn migrate_to_expiring(
    state: &SimState,
    shop: &str,
    params: &[(String, String)],
) -> Result<Granted, OAuthError> {
    if param(params, "requested_token_type") != Some(OFFLINE_TOKEN_TYPE) || !wants_expiring(params)
    {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "an offline access token can only be exchanged for an expiring offline access token",
        ));
    }
    let subject = param(params, "subject_token")
        .ok_or_else(|| invalid_subject("subject_token is missing"))?;
    let (api_key, ttl) = {
        let config = state.config.read().await;
        (config.api_key.clone(), config.offline_token_ttl_secs)
    };
    let mut world = state.world.lock().await;
    let ttl = Duration::from_secs(ttl);
    if let Some(pair) = world.repeat_migration(subject, shop, &api_key, ttl) {
        return Ok(Granted::Repeat(pair));
    }
    let record = world
        .tokens
        .get(subject)
        .filter(|t| t.shop == shop && t.api_key == api_key && t.expires_at.is_none())
        .ok_or_else(|| {
            invalid_subject("The subject token is not a non-expiring offline token of this shop")
        })?;
    let scope = record.scope.clone();
    world.tokens.remove(subject);
    let grant = Grant {
        scope,
        online_user: None,
        expiring: true,
        migrated_from: Some(subject.to_owned()),
    };
    Ok(Granted::Issue(grant, None))
}

/// Trades a refresh token for a new expiring offline token and a new refresh token.
async fn refresh_grant(
    state: &SimState,
    shop: &str,
    params: &[(String, String)],
) -> Result<(Grant, String), OAuthError> {
    let token = param(params, "refresh_token").unwrap_or_default();
    let api_key = state.config.read().await.api_key.clone();
    let scope = state
        .world
        .lock()
        .await
        .use_refresh_token(token, shop, &api_key)
        .ok_or_else(|| {
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "The refresh token is invalid, expired or was replaced",
            )
        })?;
    let grant = Grant {
        scope,
        online_user: None,
        expiring: true,
        migrated_from: None,
    };
    Ok((grant, token.to_owned()))
}

/// Issues a token and answers as Shopify does for online, expiring offline or non-expiring
/// offline access. `replaces` is the refresh token a refresh used. A new expiring offline token
/// revokes the shop's earlier ones (`tokens.rs`).
async fn issue_token(
    state: &SimState,
    shop: &str,
    grant: Grant,
    replaces: Option<String>,
) -> Value {
    let (api_key, offline_ttl) = {
        let config = state.config.read().await;
        (config.api_key.clone(), config.offline_token_ttl_secs)
    };
    let online = grant.online_user.is_some();
    let expiring_offline = grant.expiring && !online;
    let token = format!(
        "{}{}",
        if online { "shpua_" } else { "shpat_" },
        random_hex(16)
    );
    let ttl = match (online, expiring_offline) {
        (true, _) => Some(ONLINE_TOKEN_TTL_SECS),
        (false, true) => Some(offline_ttl),
        (false, false) => None,
    };
    let now = Instant::now();
    let mut world = state.world.lock().await;
    if expiring_offline {
        world.supersede_expiring_tokens(shop, &api_key, replaces.is_none());
    }
    world.tokens.insert(
        token.clone(),
        AccessToken {
            shop: shop.to_owned(),
            api_key: api_key.clone(),
            scope: grant.scope.clone(),
            expires_at: ttl.map(|secs| now + Duration::from_secs(secs)),
            online,
        },
    );
    let mut body = json!({ "access_token": token, "scope": grant.scope });
    if expiring_offline {
        let refresh_token = format!("shprt_{}", random_hex(16));
        world.refresh_tokens.insert(
            refresh_token.clone(),
            RefreshRecord {
                shop: shop.to_owned(),
                api_key: api_key.clone(),
                scope: grant.scope.clone(),
                expires_at: now + Duration::from_secs(REFRESH_TOKEN_TTL_SECS),
                replaces,
                first_used_at: None,
            },
        );
        if let Some(subject) = &grant.migrated_from {
            let migration = Migration {
                shop: shop.to_owned(),
                api_key,
                access_token: token.clone(),
                refresh_token: refresh_token.clone(),
                at: now,
            };
            world.record_migration(subject, migration);
        }
        body["expires_in"] = json!(offline_ttl);
        body["refresh_token"] = json!(refresh_token);
        body["refresh_token_expires_in"] = json!(REFRESH_TOKEN_TTL_SECS);
    }
    drop(world);
    if let Some(user) = grant.online_user {
        body["expires_in"] = json!(ONLINE_TOKEN_TTL_SECS);
        body["associated_user_scope"] = json!(grant.scope);
        body["associated_user"] = json!({
            "id": user,
            "first_name": "Demo",
            "last_name": "Staff",
            "email": format!("staff{user}@{shop}"),
            "email_verified": true,
            "account_owner": user == DEFAULT_USER_ID,
            "locale": "en",
            "collaborator": false,
        });
    }
    body
}

/// Issues an offline token directly (the `/_sim` shortcut for tests of the client).
pub(crate) async fn issue_offline_token(state: &SimState, shop: &str) -> Value {
    let grant = Grant {
        scope: state.initial.scopes.clone(),
        online_user: None,
        expiring: false,
        migrated_from: None,
    };
    issue_token(state, shop, grant, None).await
}

/// The JSON a repeated migration answers with: the pair issued the first time.
fn repeated_pair_json(pair: RepeatedPair) -> Value {
    json!({
        "access_token": pair.access_token,
        "scope": pair.scope,
        "expires_in": pair.expires_in,
        "refresh_token": pair.refresh_token,
        "refresh_token_expires_in": pair.refresh_token_expires_in,
    })
}

/// `POST /store/{shop}/admin/oauth/access_token`
pub async fn access_token(
    State(state): State<Arc<SimState>>,
    Path(shop): Path<String>,
    Extension(kill): Extension<ConnectionKill>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !shop_exists(&state, &shop).await {
        return crate::graphql::not_found();
    }
    let Some(params) = token_request(&headers, &body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request body is not valid JSON",
        )
        .into_response();
    };
    let api_key = state.config.read().await.api_key.clone();
    let client_ok = param(&params, "client_id") == Some(api_key.as_str())
        && param(&params, "client_secret") == Some(state.api_secret.as_str());
    if !client_ok {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client credentials are invalid",
        )
        .into_response();
    }
    let granted = match param(&params, "grant_type") {
        None | Some("authorization_code") => code_grant(&state, &shop, &params)
            .await
            .map(|g| Granted::Issue(g, None)),
        Some(TOKEN_EXCHANGE) => token_exchange(&state, &shop, &params).await,
        Some("refresh_token") => refresh_grant(&state, &shop, &params)
            .await
            .map(|(g, used)| Granted::Issue(g, Some(used))),
        Some(_) => Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The grant type is not supported",
        )),
    };
    let answer = match granted {
        Ok(Granted::Issue(grant, replaces)) => issue_token(&state, &shop, grant, replaces).await,
        Ok(Granted::Repeat(pair)) => repeated_pair_json(pair),
        Err(refused) => return refused.into_response(),
    };
    // The `dropNextTokenResponse` fault: granted, but the answer is lost on the way.
    if state.world.lock().await.faults.take_token_drop() {
        return kill.close_without_answer().await;
    }
    Json(answer).into_response()
}
