//! The demo catalogue of DESIGN §3 — "Demo glass" with "Glass type" and "Edge finish" — on the
//! simulator's demo product, and a storefront key to call it with. Seeding twice changes nothing.

use std::path::Path;

use gridprice_storage::api_keys::{self, KeyKind};
use gridprice_storage::audit::{Action, AuditEntry};
use gridprice_storage::options::{self, NewChoice, NewOptionGroup, Requirement};
use gridprice_storage::products::{self, Move, NewAssignment};
use gridprice_storage::{matrices, stores, Actor, Database, Editor, StorageError, UnitOfWork};
use pricing::{BasisPoints, Modifier, OutOfRangePolicy, Unit};
use shopify::{ProductGid, ShopDomain};
use shopify_sim::{DEMO_PRODUCT_ID, DEMO_VARIANT_ID};

use super::{write_private, DevError, DevStack, STOREFRONT_KEY_FILE};
use crate::api_keys::hash_key;
use crate::billing::Plans;
use crate::error::ServiceError;
use crate::{matrices as matrix_service, options as option_service};

const DEMO_MATRIX: &str = "Demo glass";
/// The demo matrix of DESIGN §3, also the tests' fixture.
const DEMO_MATRIX_CSV: &[u8] = include_bytes!("../../../../fixtures/demo-glass.csv");
const DEMO_PRODUCT_TITLE: &str = "Glass panel";

/// The demo store's seed, written as any change is: units of work with their audit entries,
/// by Gridprice itself.
async fn editor(db: &Database, shop: &ShopDomain) -> Result<Editor, DevError> {
    let store = stores::find_by_shop(db, shop)
        .await?
        .ok_or(StorageError::NotFound("store"))?;
    Ok(Editor {
        store,
        actor: Actor::Gridprice,
    })
}

/// The demo matrix on the demo product with two option groups: what the Free plan allows.
pub async fn demo_catalogue(
    db: &Database,
    plans: &Plans,
    shop: &ShopDomain,
) -> Result<(), DevError> {
    let editor = editor(db, shop).await?;
    let store = &editor.store;
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
            let action = Action::MatrixImport;
            match matrix_service::service::create(db, &editor, plans, DEMO_MATRIX, &grid, action)
                .await
            {
                Ok(created) => created.id,
                // The merchant renamed the demo matrix and the plan has no room for another:
                // the store is kept as the merchant left it.
                Err(ServiceError::PlanLimit(reached)) => {
                    tracing::info!(%reached, "the demo catalogue is not seeded again");
                    return Ok(());
                }
                Err(other) => return Err(other.into()),
            }
        }
    };
    if products::find(db, store.id, DEMO_PRODUCT_ID)
        .await?
        .is_none()
    {
        // The simulator's demo product, named without asking it (the seed runs offline).
        let assignment = NewAssignment {
            product_gid: DEMO_PRODUCT_ID,
            product_title: DEMO_PRODUCT_TITLE,
            product_image_url: None,
            default_variant_gid: Some(DEMO_VARIANT_ID),
            matrix_id,
        };
        let work = UnitOfWork::begin(db, &editor).await?;
        products::assign(&work, assignment, Move::Refuse).await?;
        let entry = AuditEntry::new(Action::ProductAssignMatrix, DEMO_PRODUCT_ID)
            .after(&serde_json::json!({ "matrixId": matrix_id }));
        work.commit(entry).await?;
    }
    let groups = options::list_groups(db, store.id).await?;
    let mut ids = Vec::new();
    for demo in demo_option_groups() {
        let id = match groups.iter().find(|g| g.name == demo.name) {
            Some(group) => group.id,
            None => match option_service::service::create(db, &editor, plans, &demo).await {
                Ok(created) => created.id,
                Err(ServiceError::PlanLimit(reached)) => {
                    tracing::info!(%reached, group = demo.name, "a demo option group is not seeded again");
                    continue;
                }
                Err(other) => return Err(other.into()),
            },
        };
        ids.push(id);
    }
    if options::groups_for_product(db, store.id, DEMO_PRODUCT_ID)
        .await?
        .is_empty()
    {
        let product = ProductGid::parse(DEMO_PRODUCT_ID)
            .map_err(|e| DevError::Io(format!("the demo product: {e}")))?;
        option_service::service::set_product_groups(db, &editor, product, &ids).await?;
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
    let db = &stack.state.db;
    let editor = editor(db, &super::demo_shop()).await?;
    if let Ok(saved) = std::fs::read_to_string(&path) {
        let saved = saved.trim().to_owned();
        let known = api_keys::find_by_hash(db, &hash_key(&saved)).await?;
        if known.is_some_and(|k| k.store_id == editor.store.id && k.is_usable(chrono::Utc::now())) {
            return Ok(saved);
        }
    }
    let issued = crate::api_keys::service::create(db, &editor, KeyKind::Publishable, &[]).await?;
    write_private(&path, &issued.full)?;
    Ok(issued.full)
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
