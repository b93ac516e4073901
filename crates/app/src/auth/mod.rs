//! Installing the app and authenticating the merchant (DESIGN §7): the authorization-code
//! install (`/auth`, `/auth/callback`), token exchange on embedded loads (`/app`), and the
//! session-token extractor for the admin API.

mod embedded;
mod install;
pub mod service;
mod session;

use axum::Router;

use crate::http::AppState;

pub use install::CALLBACK_MAX_AGE;
pub use session::AdminSession;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(install::routes())
        .merge(embedded::routes())
}
