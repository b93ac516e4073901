//! Helpers of the storefront API tests: HTTP calls, the demo matrix priced by hand, and a
//! fingerprint of what the database holds.

use gridprice::api_keys::NewKey;
use gridprice_storage::api_keys::{self, KeyKind};
use gridprice_storage::audit::Action;
use gridprice_storage::matrices;
use gridprice_storage::stores::{self, Store};
use gridprice_storage::testing::write;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::support::TestStack;

pub const DEMO_PRODUCT: &str = "8000000000001";

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The field names of a problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.json["errors"]
            .as_object()
            .map(|errors| errors.keys().cloned().collect())
            .unwrap_or_default()
    }
}

/// A request to `base` + `path`, with an API key and an `Origin` if given.
pub async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    key: Option<&str>,
    origin: Option<&str>,
) -> Answer {
    let mut request = http.request(method, url);
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    let response = request.send().await.expect("the app answers");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        text,
        json,
    }
}

/// GET `path` on the stack's app with its demo key.
pub async fn get(stack: &TestStack, path: &str) -> Answer {
    get_with(stack, path, Some(stack.storefront_key()), None).await
}

pub async fn get_with(
    stack: &TestStack,
    path: &str,
    key: Option<&str>,
    origin: Option<&str>,
) -> Answer {
    call(
        &stack.http,
        reqwest::Method::GET,
        &stack.app(path),
        key,
        origin,
    )
    .await
}

/// The demo product's price path with `query`.
pub fn price_path(query: &str) -> String {
    format!("/api/v1/products/{DEMO_PRODUCT}/price?{query}")
}

/// `options=` for these (group, choice) ids, URL-encoded.
pub fn options_param(selections: &[(i64, i64)]) -> String {
    let items: Vec<Value> = selections
        .iter()
        .map(|(group, choice)| serde_json::json!({"optionGroupId": group, "choiceId": choice}))
        .collect();
    let json = serde_json::json!({ "selections": items }).to_string();
    format!("options={}", encode(&json))
}

pub fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The demo matrix of DESIGN §3 by hand: the cell's price in cents for a size in micrometres,
/// `None` above the largest breakpoint.
pub fn demo_base_cents(width_um: i64, height_um: i64) -> Option<i64> {
    const WIDTHS_MM: [i64; 3] = [300, 600, 900];
    const HEIGHTS_MM: [i64; 3] = [200, 400, 600];
    const CENTS: [[i64; 3]; 3] = [[1000, 1500, 2000], [2500, 3000, 3500], [4000, 4500, 5000]];
    let column = WIDTHS_MM.iter().position(|mm| mm * 1000 >= width_um)?;
    let row = HEIGHTS_MM.iter().position(|mm| mm * 1000 >= height_um)?;
    Some(CENTS[row][column])
}

/// Cents as the decimal text of a price in dollars: 1234 → "12.34".
pub fn dollars(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

pub async fn demo_store(stack: &TestStack) -> Store {
    stores::find_by_shop(stack.db(), &gridprice::dev::demo_shop())
        .await
        .expect("read the store")
        .expect("the demo store")
}

/// A new key of `kind` for `store`, with these allowed origins.
pub async fn new_key(
    stack: &TestStack,
    store: &Store,
    kind: KeyKind,
    origins: &[&str],
) -> (i64, String) {
    let key = NewKey::generate(kind);
    let origins: Vec<String> = origins.iter().map(|o| (*o).to_owned()).collect();
    let stored = write(
        stack.db(),
        store.id,
        Action::StorefrontKeyCreate,
        async |work| api_keys::create(work, &key.fingerprint(), &origins, None).await,
    )
    .await
    .expect("create a key");
    (stored.id.get(), key.full)
}

/// Everything a storefront request could conceivably change, as one comparable text.
pub async fn fingerprint(stack: &TestStack) -> String {
    let db = stack.db();
    let store = demo_store(stack).await;
    let matrices = matrices::list(db, store.id).await.expect("matrices");
    let keys = api_keys::list(db, store.id).await.expect("keys");
    let groups = gridprice_storage::options::list_groups(db, store.id)
        .await
        .expect("groups");
    format!("{store:?}\n{matrices:?}\n{keys:?}\n{groups:?}")
}

/// The demo option group ids: (glass type, [clear, tempered, laminated]), (edge, [standard, polished]).
pub async fn demo_option_ids(stack: &TestStack) -> ((i64, [i64; 3]), (i64, [i64; 2])) {
    let answer = get(stack, &format!("/api/v1/products/{DEMO_PRODUCT}/options")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let groups = answer.json["optionGroups"]
        .as_array()
        .expect("groups")
        .clone();
    let id = |v: &Value| v["id"].as_i64().expect("id");
    let choices = |group: &Value| -> Vec<i64> {
        group["choices"]
            .as_array()
            .expect("choices")
            .iter()
            .map(id)
            .collect()
    };
    let (glass, edge) = (&groups[0], &groups[1]);
    assert_eq!(glass["name"], "Glass type");
    assert_eq!(edge["name"], "Edge finish");
    let glass_choices = choices(glass);
    let edge_choices = choices(edge);
    (
        (
            id(glass),
            [glass_choices[0], glass_choices[1], glass_choices[2]],
        ),
        (id(edge), [edge_choices[0], edge_choices[1]]),
    )
}

/// Serves `state` on a free port until the token is cancelled.
pub async fn serve(state: gridprice::http::AppState) -> (String, CancellationToken) {
    serve_with(state, Default::default()).await
}

/// [`serve`] with these connection limits.
pub async fn serve_with(
    state: gridprice::http::AppState,
    limits: gridprice::config::ServerLimits,
) -> (String, CancellationToken) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let stop = CancellationToken::new();
    let shutdown = stop.clone();
    tokio::spawn(async move {
        let metrics = state.metrics.clone();
        let router = gridprice::app::router(state);
        let _ = gridprice::http::serve(listener, router, metrics, limits, async move {
            shutdown.cancelled().await;
        })
        .await;
    });
    (url, stop)
}
