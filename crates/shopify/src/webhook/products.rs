//! The `products/update` and `products/delete` payloads (shopify.dev webhook reference: the
//! product as the REST Admin API wrote it — `admin_graphql_api_id`, `title`, `image` (the
//! featured image, or `null`), `images`, `variants`, and since 2024-07 `media` — and, for a
//! deleted product, only its numeric `id`). Parse them only after [`super::verify`] accepted the
//! delivery.

use serde::Deserialize;

use crate::gid::ProductGid;

/// What a `products/update` delivery says about the product's name and picture. Shopify sends
/// the topic for every change to a product (inventory, tags…), so most deliveries change
/// neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductUpdate {
    pub id: ProductGid,
    pub title: String,
    /// The featured image's URL; `None` when the product has no image.
    pub image_url: Option<String>,
}

/// The product a `products/delete` delivery names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductDelete {
    pub id: ProductGid,
}

/// Why a payload is not a product webhook's body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid products webhook payload: {0}")]
pub struct ProductPayloadError(String);

#[derive(Deserialize)]
struct UpdateBody {
    id: u64,
    title: String,
    #[serde(default)]
    image: Option<Image>,
}

#[derive(Deserialize)]
struct Image {
    src: String,
}

#[derive(Deserialize)]
struct DeleteBody {
    id: u64,
}

fn product_gid(id: u64) -> Result<ProductGid, ProductPayloadError> {
    ProductGid::from_numeric(id).map_err(|e| ProductPayloadError(e.to_string()))
}

impl ProductUpdate {
    /// Parses the raw body of a verified delivery.
    pub fn parse(body: &[u8]) -> Result<Self, ProductPayloadError> {
        let body: UpdateBody =
            serde_json::from_slice(body).map_err(|e| ProductPayloadError(e.to_string()))?;
        Ok(Self {
            id: product_gid(body.id)?,
            title: body.title,
            image_url: body.image.map(|image| image.src),
        })
    }
}

impl ProductDelete {
    /// Parses the raw body of a verified delivery.
    pub fn parse(body: &[u8]) -> Result<Self, ProductPayloadError> {
        let body: DeleteBody =
            serde_json::from_slice(body).map_err(|e| ProductPayloadError(e.to_string()))?;
        Ok(Self {
            id: product_gid(body.id)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_shopifys_example_update() {
        // The shape of shopify.dev's example payload, shortened.
        let body = br#"{"admin_graphql_api_id":"gid://shopify/Product/788032119674292922",
            "body_html":"An example T-Shirt","created_at":null,"handle":"example-t-shirt",
            "id":788032119674292922,"product_type":"Shirts","published_at":"2021-12-31T19:00:00-05:00",
            "template_suffix":null,"title":"Example T-Shirt","updated_at":"2021-12-31T19:00:00-05:00",
            "vendor":"Acme","status":"active","published_scope":"web","tags":"example, mens, t-shirt",
            "variants":[{"admin_graphql_api_id":"gid://shopify/ProductVariant/642667041472713922",
            "id":642667041472713922,"price":"19.99","title":"Small"}],
            "options":[],"images":[{"id":1,"src":"https://cdn.shopify.com/a.jpg?v=1"}],
            "image":{"id":1,"src":"https://cdn.shopify.com/a.jpg?v=1","alt":null},"media":[]}"#;
        let update = ProductUpdate::parse(body).unwrap();
        assert_eq!(update.id.numeric_id(), 788_032_119_674_292_922);
        assert_eq!(update.title, "Example T-Shirt");
        assert_eq!(
            update.image_url.as_deref(),
            Some("https://cdn.shopify.com/a.jpg?v=1")
        );
        let without_image = br#"{"id":1,"title":"Plain","image":null,"images":[]}"#;
        assert_eq!(ProductUpdate::parse(without_image).unwrap().image_url, None);
    }

    #[test]
    fn parses_a_delete_and_refuses_garbage() {
        let deleted = ProductDelete::parse(br#"{"id":788032119674292922}"#).unwrap();
        assert_eq!(deleted.id.numeric_id(), 788_032_119_674_292_922);
        assert!(ProductDelete::parse(br#"{"id":0}"#).is_err());
        assert!(ProductDelete::parse(b"[]").is_err());
        assert!(ProductUpdate::parse(br#"{"id":1}"#).is_err(), "no title");
    }
}
