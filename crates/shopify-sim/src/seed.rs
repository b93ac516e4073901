//! The demo shop and the product seeds accepted by `POST /_sim/shops`.

use chrono::Utc;
use serde::Deserialize;

use crate::graphql::schema::ProductStatus;
use crate::money::{parse_minor, CurrencyCode};
use crate::state::{ProductRecord, Shop, VariantRecord, World};

/// The shop every simulator starts with.
pub const DEMO_SHOP: &str = "demo-shop.myshopify.com";
/// The well-known demo product ("Glass panel"); `gridprice dev` assigns the demo matrix to it.
pub const DEMO_PRODUCT_ID: &str = "gid://shopify/Product/8000000000001";
/// The demo product's handle: its page is `/store/{DEMO_SHOP}/products/glass-panel`.
pub const DEMO_PRODUCT_HANDLE: &str = "glass-panel";
/// The demo product's first (default) variant ("Clear").
pub const DEMO_VARIANT_ID: &str = "gid://shopify/ProductVariant/45000000000001";

pub(crate) const FIRST_PRODUCT_ID: u64 = 8_000_000_000_001;
pub(crate) const FIRST_VARIANT_ID: u64 = 45_000_000_000_001;

/// A product to create in a shop.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductSeed {
    pub title: String,
    pub handle: Option<String>,
    pub status: Option<ProductStatus>,
    pub variants: Vec<VariantSeed>,
}

/// A variant of a [`ProductSeed`]; `price` is a decimal string in the shop's currency.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VariantSeed {
    pub title: String,
    pub price: String,
    pub sku: Option<String>,
}

fn variant(title: &str, price: &str, sku: &str) -> VariantSeed {
    VariantSeed {
        title: title.to_owned(),
        price: price.to_owned(),
        sku: Some(sku.to_owned()),
    }
}

fn product(title: &str, status: ProductStatus, variants: Vec<VariantSeed>) -> ProductSeed {
    ProductSeed {
        title: title.to_owned(),
        handle: None,
        status: Some(status),
        variants,
    }
}

/// Products suited to made-to-measure pricing. The first one becomes [`DEMO_PRODUCT_ID`].
pub fn demo_products() -> Vec<ProductSeed> {
    vec![
        product(
            "Glass panel",
            ProductStatus::Active,
            vec![
                variant("Clear", "10.00", "GP-CLEAR"),
                variant("Tempered", "25.00", "GP-TEMPERED"),
                variant("Laminated", "30.00", "GP-LAMINATED"),
            ],
        ),
        product(
            "Roller blind",
            ProductStatus::Active,
            vec![
                variant("White", "45.00", "RB-WHITE"),
                variant("Blackout", "59.50", "RB-BLACKOUT"),
            ],
        ),
        product(
            "Acrylic sign",
            ProductStatus::Active,
            vec![variant("Default Title", "19.99", "AS-DEFAULT")],
        ),
        product(
            "Cut steel sheet",
            ProductStatus::Draft,
            vec![variant("2 mm", "12.00", "CS-2MM")],
        ),
    ]
}

pub(crate) fn seed_demo_shop(world: &mut World) {
    let id = world.ids.shop();
    world.shops.insert(
        DEMO_SHOP.to_owned(),
        Shop::new(id, DEMO_SHOP, "Demo Shop", CurrencyCode::Usd),
    );
    add_products(world, DEMO_SHOP, &demo_products()).expect("the demo catalogue is valid");
}

/// `"Glass panel"` → `"glass-panel"`.
pub fn handleize(title: &str) -> String {
    let mut handle = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            handle.push(c);
        } else if !handle.ends_with('-') && !handle.is_empty() {
            handle.push('-');
        }
    }
    handle.trim_end_matches('-').to_owned()
}

/// Checks every seed before creating any product, so a bad request changes nothing.
pub(crate) fn add_products(
    world: &mut World,
    shop: &str,
    seeds: &[ProductSeed],
) -> Result<Vec<u64>, String> {
    let currency = world.shops.get(shop).ok_or("unknown shop")?.currency;
    for (i, seed) in seeds.iter().enumerate() {
        if seed.title.trim().is_empty() || seed.title.len() > 255 {
            return Err(format!("products[{i}].title: must be 1-255 characters"));
        }
        if seed.variants.is_empty() || seed.variants.len() > 100 {
            return Err(format!("products[{i}].variants: must have 1-100 variants"));
        }
        for (j, v) in seed.variants.iter().enumerate() {
            match parse_minor(&v.price, currency) {
                Ok(minor) if minor >= 0 => {}
                _ => return Err(format!("products[{i}].variants[{j}].price: invalid price")),
            }
        }
    }
    let mut ids = Vec::with_capacity(seeds.len());
    let now = Utc::now();
    for seed in seeds {
        let product_id = world.ids.product();
        let variants = seed
            .variants
            .iter()
            .map(|v| VariantRecord {
                id: world.ids.variant(),
                product_id,
                title: v.title.clone(),
                price_minor: parse_minor(&v.price, currency).expect("validated above"),
                sku: v.sku.clone(),
            })
            .collect();
        let record = ProductRecord {
            id: product_id,
            title: seed.title.clone(),
            handle: seed
                .handle
                .clone()
                .unwrap_or_else(|| handleize(&seed.title)),
            status: seed.status.unwrap_or(ProductStatus::Active),
            variants,
            created_at: now,
            updated_at: now,
            image_version: 1,
        };
        world
            .shops
            .get_mut(shop)
            .expect("checked above")
            .products
            .push(record);
        ids.push(product_id);
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_product_is_the_first_seeded() {
        let world = World::new(1);
        let shop = &world.shops[DEMO_SHOP];
        assert_eq!(
            format!("gid://shopify/Product/{}", shop.products[0].id),
            DEMO_PRODUCT_ID
        );
        assert_eq!(
            format!(
                "gid://shopify/ProductVariant/{}",
                shop.products[0].variants[0].id
            ),
            DEMO_VARIANT_ID
        );
        assert_eq!(shop.products[0].title, "Glass panel");
    }

    #[test]
    fn handles() {
        assert_eq!(handleize("Glass panel"), "glass-panel");
        assert_eq!(handleize(&demo_products()[0].title), DEMO_PRODUCT_HANDLE);
        assert_eq!(handleize("  Cut -- steel 2mm! "), "cut-steel-2mm");
    }
}
