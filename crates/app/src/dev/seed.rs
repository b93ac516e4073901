//! The demo catalogue of DESIGN §3 — "Demo glass" with "Glass type" and "Edge finish" — on the
//! simulator's demo product, and a storefront key to call it with. Seeding twice changes nothing.

use std::path::Path;

use pricing::{BasisPoints, Modifier, OutOfRangePolicy, Unit};
use shopify::ShopDomain;
use shopify_sim::{DEMO_PRODUCT_ID, DEMO_VARIANT_ID};

use super::{write_private, DevError, DevStack, STOREFRONT_KEY_FILE};
use crate::api_keys::{self, KeyKind, NewKey};
use crate::db::StorageError;
use crate::matrices::storage as matrices;
use crate::options::{storage as options, NewChoice, NewOptionGroup, Requirement};
use crate::products::storage::{self as products, NewAssignment};
use crate::state::AppState;
use crate::stores::storage as stores;

const DEMO_MATRIX: &str = "Demo glass";
const DEMO_MATRIX_CSV: &[u8] = include_bytes!("demo-glass.csv");
const DEMO_PRODUCT_TITLE: &str = "Glass panel";

pub async fn demo_catalogue(state: &AppState, shop: &ShopDomain) -> Result<(), DevError> {
    let db = &state.db;
    let store = stores::find_by_shop(db, shop)
        .await?
        .ok_or(StorageError::NotFound("store"))?;
    let existing = matrices::list(db, store.id).await?;
    let matrix_id = match existing.iter().find(|m| m.name == DEMO_MATRIX) {
        Some(matrix) => matrix.id,
        None => {
            let grid = pricing::csv::import_matrix(
                DEMO_MATRIX_CSV,
                Unit::Millimetre,
                OutOfRangePolicy::Reject,
                store.currency,
            )
            .map_err(|e| DevError::Io(format!("the demo matrix: {e}")))?;
            matrices::create(db, store.id, DEMO_MATRIX, &grid).await?.id
        }
    };
    if products::find(db, store.id, DEMO_PRODUCT_ID)
        .await?
        .is_none()
    {
        let assignment = NewAssignment {
            product_gid: DEMO_PRODUCT_ID,
            product_title: DEMO_PRODUCT_TITLE,
            default_variant_gid: Some(DEMO_VARIANT_ID),
            matrix_id,
        };
        products::assign(db, store.id, assignment, false).await?;
    }
    let groups = options::list_groups(db, store.id).await?;
    let mut ids = Vec::new();
    for demo in demo_option_groups() {
        let id = match groups.iter().find(|g| g.name == demo.name) {
            Some(group) => group.id,
            None => options::create_group(db, store.id, &demo).await?.id,
        };
        ids.push(id);
    }
    if options::groups_for_product(db, store.id, DEMO_PRODUCT_ID)
        .await?
        .is_empty()
    {
        options::set_product_groups(db, store.id, DEMO_PRODUCT_ID, &ids).await?;
    }
    Ok(())
}

fn demo_option_groups() -> Vec<NewOptionGroup> {
    let choice = |label: &str, modifier, is_default| NewChoice {
        label: label.to_owned(),
        modifier,
        is_default,
    };
    let twenty_percent = BasisPoints::new(2000).expect("20% is a valid modifier");
    vec![
        NewOptionGroup {
            name: "Glass type".to_owned(),
            requirement: Requirement::Required,
            choices: vec![
                choice("Clear", Modifier::Fixed(0), true),
                choice("Tempered", Modifier::Fixed(1500), false),
                choice("Laminated", Modifier::Percentage(twenty_percent), false),
            ],
        },
        NewOptionGroup {
            name: "Edge finish".to_owned(),
            requirement: Requirement::Optional,
            choices: vec![
                choice("Standard", Modifier::Fixed(0), true),
                choice("Polished", Modifier::Fixed(500), false),
            ],
        },
    ]
}

/// The demo store's publishable key: revealed once through the admin API after the first
/// install and kept in the data directory; made anew if that file was lost.
pub async fn storefront_key(stack: &DevStack, data_dir: &Path) -> Result<String, DevError> {
    let path = data_dir.join(STOREFRONT_KEY_FILE);
    if let Some(key) = reveal_first_key(stack).await? {
        write_private(&path, &key)?;
        return Ok(key);
    }
    let state = &stack.state;
    let store = stores::find_by_shop(&state.db, &super::demo_shop())
        .await?
        .ok_or(StorageError::NotFound("store"))?;
    if let Ok(saved) = std::fs::read_to_string(&path) {
        let saved = saved.trim().to_owned();
        let known = api_keys::storage::find_by_hash(&state.db, &api_keys::hash_key(&saved)).await?;
        if known.is_some_and(|k| k.store_id == store.id && k.is_usable(chrono::Utc::now())) {
            return Ok(saved);
        }
    }
    let key = NewKey::generate(KeyKind::Publishable);
    api_keys::storage::create(state.db.connection(), store.id, &key, &[], None).await?;
    write_private(&path, &key.full)?;
    Ok(key.full)
}

async fn reveal_first_key(stack: &DevStack) -> Result<Option<String>, DevError> {
    #[derive(serde::Deserialize)]
    struct Revealed {
        key: String,
    }
    let token = stack.session_token(&stack.ready.shop).await?;
    let response = reqwest::Client::new()
        .post(format!(
            "{}/app/api/onboarding/storefront-key",
            stack.ready.app_url
        ))
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| DevError::Install(format!("revealing the storefront key: {e}")))?;
    if response.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    let revealed: Revealed = response
        .error_for_status()
        .map_err(|e| DevError::Install(format!("revealing the storefront key: {e}")))?
        .json()
        .await
        .map_err(|e| DevError::Install(format!("revealing the storefront key: {e}")))?;
    Ok(Some(revealed.key))
}
