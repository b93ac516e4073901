//! The OpenAPI 3.1 document of the storefront API, generated from the handlers and wire types.
//! Other `/api/v1` endpoints add their paths to [`ApiDoc`].

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gridprice storefront API",
        version = "1",
        description = "Live made-to-measure prices for storefronts. Authenticate with the store's \
                       publishable key in X-API-Key. Errors are application/problem+json (RFC 9457)."
    ),
    paths(
        routes::price,
        routes::options,
        routes::product,
        routes::openapi,
        super::draft_orders::create
    ),
    components(schemas(crate::http::problem::Problem)),
    modifiers(&KeyScheme),
    tags((name = "storefront", description = "Storefront API v1"))
)]
pub struct ApiDoc;

struct KeyScheme;

impl Modify for KeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
