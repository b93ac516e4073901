//! The app proxy (https://shopify.dev/docs/apps/build/online-store/app-proxies and
//! …/authenticate-app-proxies): a storefront request to `{shop}/apps/{subpath}/{path}` is
//! forwarded to `{app_proxy_url}/{path}` with the original query plus `shop`,
//! `logged_in_customer_id`, `path_prefix`, `timestamp` and `signature`, the hex HMAC-SHA256
//! (app secret) of the other parameters: each `name=value` (several values of one name joined
//! by commas), sorted, concatenated with no separator. The body and the `Content-Type`,
//! `Accept` and `Idempotency-Key` headers go along (cookies do not), with the shopper's address
//! in `X-Forwarded-For` (the app sees Shopify as its peer; whatever the browser sent in that
//! header is replaced, not trusted); the app's status, `Content-Type`, `Retry-After`,
//! `Location` and body come back.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderName, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::online_store::CUSTOMER_COOKIE;
use crate::state::SimState;

/// Longest query string forwarded.
const MAX_QUERY_BYTES: usize = 8 * 1024;
/// Largest answer relayed back to the browser.
const MAX_ANSWER_BYTES: usize = 5 * 1024 * 1024;
/// How long the app may take (Shopify does not publish its own limit).
const APP_TIMEOUT: Duration = Duration::from_secs(15);
/// Parameters Shopify sets itself; a storefront cannot pass its own.
const RESERVED: &[&str] = &[
    "shop",
    "logged_in_customer_id",
    "path_prefix",
    "timestamp",
    "signature",
];
/// The simulator's own test parameter: `?customer=N` names the logged-in customer.
const CUSTOMER_PARAM: &str = "customer";
/// Request headers the proxy passes on.
const FORWARDED_REQUEST_HEADERS: [HeaderName; 3] = [
    header::CONTENT_TYPE,
    header::ACCEPT,
    HeaderName::from_static("idempotency-key"),
];
/// The shopper's address, as the proxy tells the app.
const FORWARDED_FOR: &str = "x-forwarded-for";
/// Answer headers relayed to the browser.
const RELAYED_ANSWER_HEADERS: [HeaderName; 3] =
    [header::CONTENT_TYPE, header::RETRY_AFTER, header::LOCATION];

/// The message Shopify signs: `name=value` per name (values joined by `,`), sorted, concatenated.
pub fn signature_message(params: &[(String, String)]) -> String {
    let mut grouped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in params.iter().filter(|(name, _)| name != "signature") {
        grouped.entry(name).or_default().push(value);
    }
    let mut parts: Vec<String> = grouped
        .into_iter()
        .map(|(name, values)| format!("{name}={}", values.join(",")))
        .collect();
    parts.sort();
    parts.concat()
}

/// Hex HMAC-SHA256 of [`signature_message`] with the app secret.
pub fn signature(secret: &str, params: &[(String, String)]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(signature_message(params).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(APP_TIMEOUT)
            .build()
            .expect("a default reqwest client builds")
    })
}

fn plain(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_owned(),
    )
        .into_response()
}

/// The customer from the test parameter, else the storefront session cookie.
fn customer_from_request(params: &[(String, String)], headers: &HeaderMap) -> Option<u64> {
    let from_param = params
        .iter()
        .find(|(name, _)| name == CUSTOMER_PARAM)
        .and_then(|(_, value)| value.parse().ok());
    let from_cookie = || {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == CUSTOMER_COOKIE).then(|| value.parse().ok())?
            })
    };
    from_param.or_else(from_cookie).filter(|id| *id > 0)
}

/// The path after `/store/{shop}/apps/{subpath}/`, still percent-encoded as the browser sent it
/// (a product id `gid%3A%2F%2F…` stays one segment); `None` when a segment is `.` or `..`,
/// which could climb out of the proxy URL.
fn raw_rest(uri: &Uri) -> Option<&str> {
    let rest = uri.path().splitn(6, '/').nth(5).unwrap_or_default();
    let climbs = rest.split('/').any(|segment| {
        let decoded = segment.replace("%2e", ".").replace("%2E", ".");
        decoded == "." || decoded == ".."
    });
    (!climbs).then_some(rest)
}

/// `/store/{shop}/apps/{subpath}`
#[allow(clippy::too_many_arguments)]
pub async fn forward_root(
    state: State<Arc<SimState>>,
    Path((shop, subpath)): Path<(String, String)>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    uri: Uri,
    query: RawQuery,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = Path((shop, subpath, String::new()));
    forward(state, path, peer, uri, query, method, headers, body).await
}

/// `/store/{shop}/apps/{subpath}/{*path}`
#[allow(clippy::too_many_arguments)]
pub async fn forward(
    State(state): State<Arc<SimState>>,
    Path((shop, subpath, _decoded)): Path<(String, String, String)>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    uri: Uri,
    RawQuery(raw): RawQuery,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if subpath != state.initial.app_proxy_subpath {
        return plain(StatusCode::NOT_FOUND, "Not Found");
    }
    let Some(path) = raw_rest(&uri) else {
        return plain(StatusCode::NOT_FOUND, "Not Found");
    };
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_QUERY_BYTES {
        return plain(StatusCode::URI_TOO_LONG, "The query string is too long.");
    }
    let original: Vec<(String, String)> = url::form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect();
    let session_customer = {
        let world = state.world.lock().await;
        let Some(found) = world.shops.get(&shop) else {
            return plain(StatusCode::NOT_FOUND, "Not Found");
        };
        found.storefront.customer_id
    };
    let customer = customer_from_request(&original, &headers).or(session_customer);
    let mut params: Vec<(String, String)> = original
        .into_iter()
        .filter(|(name, _)| name != CUSTOMER_PARAM && !RESERVED.contains(&name.as_str()))
        .collect();
    params.push(("shop".to_owned(), shop.clone()));
    params.push((
        "logged_in_customer_id".to_owned(),
        customer.map(|id| id.to_string()).unwrap_or_default(),
    ));
    params.push(("path_prefix".to_owned(), format!("/apps/{subpath}")));
    params.push((
        "timestamp".to_owned(),
        chrono::Utc::now().timestamp().to_string(),
    ));
    let signed = signature(&state.api_secret, &params);
    params.push(("signature".to_owned(), signed));
    let target = state.config.read().await.app_proxy_target();
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    let url = if path.is_empty() {
        format!("{target}?{query}")
    } else {
        format!("{target}/{path}?{query}")
    };
    let Ok(method) = reqwest::Method::from_bytes(method.as_str().as_bytes()) else {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    };
    let mut request = client().request(method, &url);
    for name in &FORWARDED_REQUEST_HEADERS {
        if let Some(value) = headers.get(name) {
            request = request.header(name.as_str(), value.as_bytes());
        }
    }
    if let Some(Extension(ConnectInfo(peer))) = peer {
        request = request.header(FORWARDED_FOR, peer.ip().to_string());
    }
    if !body.is_empty() {
        request = request.body(body);
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(error) if error.is_timeout() => {
            return plain(
                StatusCode::GATEWAY_TIMEOUT,
                "The app did not answer in time.",
            )
        }
        Err(error) => {
            tracing::debug!(%error, %url, "app proxy target unreachable");
            return plain(StatusCode::BAD_GATEWAY, "The app could not be reached.");
        }
    };
    relay(answer).await
}

async fn relay(mut answer: reqwest::Response) -> Response {
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut relayed = Response::builder().status(status);
    for name in &RELAYED_ANSWER_HEADERS {
        if let Some(value) = answer.headers().get(name.as_str()) {
            relayed = relayed.header(name, value.as_bytes());
        }
    }
    if answer
        .content_length()
        .is_some_and(|len| len > MAX_ANSWER_BYTES as u64)
    {
        return plain(StatusCode::BAD_GATEWAY, "The app's answer is too large.");
    }
    let mut body = Vec::new();
    loop {
        match answer.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return plain(StatusCode::BAD_GATEWAY, "The app's answer is too large.");
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(error) if error.is_timeout() => {
                return plain(
                    StatusCode::GATEWAY_TIMEOUT,
                    "The app did not answer in time.",
                )
            }
            Err(_) => return plain(StatusCode::BAD_GATEWAY, "The app's answer was cut off."),
        }
    }
    relayed
        .body(Body::from(body))
        .unwrap_or_else(|_| plain(StatusCode::BAD_GATEWAY, "The app's answer had bad headers."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn message_follows_shopify() {
        // Shopify's documented example: extra=1&extra=2 → "extra=1,2"; sorted, no separator.
        let params = pairs(&[
            ("extra", "1"),
            ("extra", "2"),
            ("shop", "shop-name.myshopify.com"),
            ("logged_in_customer_id", "1"),
            ("path_prefix", "/apps/awesome_reviews"),
            ("timestamp", "1317327555"),
            ("signature", "ignored"),
        ]);
        assert_eq!(
            signature_message(&params),
            "extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviewsshop=shop-name.myshopify.comtimestamp=1317327555"
        );
        // Sorted as whole `name=value` strings, as Shopify's libraries do: "a1=…" before "a=…".
        assert_eq!(
            signature_message(&pairs(&[("a", "x"), ("a1", "y")])),
            "a1=ya=x"
        );
    }

    #[test]
    fn signature_is_hex_hmac() {
        let params = pairs(&[("shop", "a.myshopify.com"), ("timestamp", "1")]);
        let sig = signature("hush", &params);
        assert_eq!(sig.len(), 64);
        assert_ne!(sig, signature("other", &params));
    }

    #[test]
    fn raw_paths() {
        let uri: Uri =
            "/store/a/apps/gridprice/products/gid%3A%2F%2Fshopify%2FProduct%2F1/price?x=1"
                .parse()
                .unwrap();
        assert_eq!(
            raw_rest(&uri),
            Some("products/gid%3A%2F%2Fshopify%2FProduct%2F1/price")
        );
        let root: Uri = "/store/a/apps/gridprice".parse().unwrap();
        assert_eq!(raw_rest(&root), Some(""));
        for bad in [
            "/store/a/apps/gridprice/../admin",
            "/store/a/apps/gridprice/x/%2E%2e/y",
        ] {
            assert_eq!(raw_rest(&bad.parse().unwrap()), None, "{bad}");
        }
    }

    #[test]
    fn customer_sources() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            customer_from_request(&pairs(&[("customer", "7")]), &headers),
            Some(7)
        );
        assert_eq!(
            customer_from_request(&pairs(&[("customer", "x")]), &headers),
            None
        );
        headers.insert(header::COOKIE, "a=b; _sim_customer=9".parse().unwrap());
        assert_eq!(customer_from_request(&[], &headers), Some(9));
        assert_eq!(
            customer_from_request(&pairs(&[("customer", "7")]), &headers),
            Some(7)
        );
    }
}
