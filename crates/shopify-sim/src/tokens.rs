//! The lifecycle of offline access tokens and their refresh tokens, as shopify.dev documents it.
//!
//! - "About offline access tokens"
//!   (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens):
//!   "Only one expiring offline token can be active per app/shop combination: Acquiring a new
//!   expiring token will revoke all previous expiring tokens for that shop." Every grant that
//!   issues an expiring offline token (authorization code, token exchange of an `id_token`,
//!   migration of a non-expiring token, refresh) therefore revokes the earlier expiring offline
//!   access tokens of that shop and app at once. Non-expiring offline tokens and online tokens
//!   are not expiring offline tokens and stay (a migration retires its own subject token).
//! - "More resilient refreshes for expiring offline access tokens"
//!   (https://shopify.dev/changelog/more-resilient-refreshes-for-expiring-offline-access-tokens):
//!   a used refresh token may be used again until one of its replacements is used, for at most
//!   30 days from its first use and never beyond its 90-day lifetime; using a replacement retires
//!   the preceding refresh token.
//! - "More resilient token exchanges when migrating tokens without a user session"
//!   (https://shopify.dev/changelog/more-resilient-token-exchanges-when-migrating-tokens-without-a-user-session):
//!   repeating the migration of a non-expiring token returns the same access and refresh token
//!   pair (the access token's expiry extended when needed, the refresh token's not) until seven
//!   days have passed since the first exchange, the pair has been refreshed, or a later token
//!   acquisition for the store (authorization code, `id_token` exchange) replaced it.
//!
//! A new grant other than a refresh (code, `id_token` exchange, migration) also retires the
//! shop's earlier refresh tokens: it "replaces that pair".

use std::time::Duration;

use tokio::time::Instant;

use crate::state::World;

/// How long after its first use a used refresh token is still honoured (a lost answer).
pub const REFRESH_RETRY_WINDOW: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long a migration of a non-expiring token may be repeated (a lost answer).
pub const MIGRATION_RETRY_WINDOW: Duration = Duration::from_secs(7 * 24 * 3600);

/// A non-expiring token exchanged for an expiring pair, kept so a repeat gets the same pair.
#[derive(Debug, Clone)]
pub struct Migration {
    pub shop: String,
    pub api_key: String,
    pub access_token: String,
    pub refresh_token: String,
    pub at: Instant,
}

/// The answer to a repeated migration: the pair issued the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatedPair {
    pub access_token: String,
    pub refresh_token: String,
    pub scope: String,
    pub expires_in: u64,
    pub refresh_token_expires_in: u64,
}

/// Whole seconds from `now` until `at`, rounded up (0 when past).
fn secs_until(at: Instant, now: Instant) -> u64 {
    let left = at.saturating_duration_since(now);
    left.as_secs() + u64::from(left.subsec_nanos() > 0)
}

impl World {
    /// Removes every access token of `shop`, its refresh tokens and migration records (an
    /// uninstall); returns how many access tokens there were.
    pub fn revoke_tokens(&mut self, shop: &str) -> usize {
        let before = self.tokens.len();
        self.tokens.retain(|_, t| t.shop != shop);
        self.refresh_tokens.retain(|_, r| r.shop != shop);
        self.migrations.retain(|_, m| m.shop != shop);
        before - self.tokens.len()
    }

    /// Called just before a new expiring offline token of `shop`'s app `api_key` is issued:
    /// revokes the earlier expiring offline access tokens. A `new_grant` (anything but a
    /// refresh) also retires the earlier refresh tokens and ends migration recovery. Returns how
    /// many access tokens were revoked.
    pub fn supersede_expiring_tokens(
        &mut self,
        shop: &str,
        api_key: &str,
        new_grant: bool,
    ) -> usize {
        let before = self.tokens.len();
        self.tokens
            .retain(|_, t| !(t.shop == shop && t.api_key == api_key && t.is_expiring_offline()));
        if new_grant {
            self.refresh_tokens
                .retain(|_, r| !(r.shop == shop && r.api_key == api_key));
            self.migrations
                .retain(|_, m| !(m.shop == shop && m.api_key == api_key));
        }
        before - self.tokens.len()
    }

    /// Uses the refresh token `token` of `shop`'s app `api_key`: what it grants, or `None`
    /// when it is unknown, expired, retired, or used more than 30 days ago. Its predecessor and
    /// the predecessor's other replacements retire now.
    pub fn use_refresh_token(&mut self, token: &str, shop: &str, api_key: &str) -> Option<String> {
        let now = Instant::now();
        let record = self.refresh_tokens.get_mut(token)?;
        let retry_expired = record
            .first_used_at
            .is_some_and(|first| now >= first + REFRESH_RETRY_WINDOW);
        if record.shop != shop
            || record.api_key != api_key
            || now >= record.expires_at
            || retry_expired
        {
            return None;
        }
        record.first_used_at.get_or_insert(now);
        let scope = record.scope.clone();
        if let Some(predecessor) = record.replaces.clone() {
            self.refresh_tokens.remove(&predecessor);
            self.refresh_tokens.retain(|other, r| {
                other == token || r.replaces.as_deref() != Some(predecessor.as_str())
            });
        }
        self.stats_mut(shop).token_refreshes += 1;
        Some(scope)
    }

    /// Remembers that `subject` (a non-expiring token) was exchanged for this pair.
    pub fn record_migration(&mut self, subject: &str, migration: Migration) {
        self.migrations.insert(subject.to_owned(), migration);
    }

    /// The pair a repeated migration of `subject` gets, while recovery lasts; the access
    /// token's expiry is extended to `ttl` from now when it has run out.
    pub fn repeat_migration(
        &mut self,
        subject: &str,
        shop: &str,
        api_key: &str,
        ttl: Duration,
    ) -> Option<RepeatedPair> {
        let now = Instant::now();
        let migration = self.migrations.get(subject)?;
        let recoverable = migration.shop == shop
            && migration.api_key == api_key
            && now < migration.at + MIGRATION_RETRY_WINDOW;
        let refresh = self
            .refresh_tokens
            .get(&migration.refresh_token)
            // Refreshing the pair ends recovery.
            .filter(|r| r.first_used_at.is_none() && now < r.expires_at)?;
        let refresh_token_expires_in = secs_until(refresh.expires_at, now);
        let (access_token, refresh_token) = (
            migration.access_token.clone(),
            migration.refresh_token.clone(),
        );
        if !recoverable {
            return None;
        }
        // Revoked by a later grant or a refresh: the pair was replaced.
        let access = self.tokens.get_mut(&access_token)?;
        let expires_at = access.expires_at.get_or_insert(now + ttl);
        if *expires_at <= now {
            *expires_at = now + ttl;
        }
        let expires_in = secs_until(*expires_at, now);
        Some(RepeatedPair {
            access_token,
            refresh_token,
            scope: access.scope.clone(),
            expires_in,
            refresh_token_expires_in,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{AccessToken, RefreshRecord};

    const SHOP: &str = "demo-shop.myshopify.com";
    const APP: &str = "app";

    fn access(world: &mut World, token: &str, expiring: bool, online: bool) {
        world.tokens.insert(
            token.to_owned(),
            AccessToken {
                shop: SHOP.to_owned(),
                api_key: APP.to_owned(),
                scope: "read_products".to_owned(),
                expires_at: expiring.then(|| Instant::now() + Duration::from_secs(3600)),
                online,
            },
        );
    }

    fn refresh(world: &mut World, token: &str, replaces: Option<&str>) {
        world.refresh_tokens.insert(
            token.to_owned(),
            RefreshRecord {
                shop: SHOP.to_owned(),
                api_key: APP.to_owned(),
                scope: "read_products".to_owned(),
                expires_at: Instant::now() + Duration::from_secs(90 * 24 * 3600),
                replaces: replaces.map(str::to_owned),
                first_used_at: None,
            },
        );
    }

    #[test]
    fn a_new_expiring_token_revokes_only_earlier_expiring_offline_tokens() {
        let mut world = World::new(1);
        access(&mut world, "expiring", true, false);
        access(&mut world, "legacy", false, false);
        access(&mut world, "online", true, true);
        refresh(&mut world, "r1", None);
        assert_eq!(world.supersede_expiring_tokens(SHOP, APP, false), 1);
        assert!(world.tokens.contains_key("legacy") && world.tokens.contains_key("online"));
        assert!(
            world.refresh_tokens.contains_key("r1"),
            "a refresh keeps the rotation"
        );
        assert_eq!(world.supersede_expiring_tokens(SHOP, APP, true), 0);
        assert!(
            world.refresh_tokens.is_empty(),
            "a new grant replaces the pair"
        );
        assert_eq!(world.supersede_expiring_tokens(SHOP, "other-app", true), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_used_refresh_token_is_honoured_again_for_30_days() {
        let mut world = World::new(1);
        refresh(&mut world, "r1", None);
        assert!(world.use_refresh_token("r1", SHOP, APP).is_some());
        tokio::time::advance(REFRESH_RETRY_WINDOW - Duration::from_secs(1)).await;
        assert!(world.use_refresh_token("r1", SHOP, APP).is_some());
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(world.use_refresh_token("r1", SHOP, APP).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_migration_repeats_for_seven_days_and_extends_the_access_token() {
        let mut world = World::new(1);
        access(&mut world, "shpat_new", true, false);
        refresh(&mut world, "shprt_new", None);
        let migration = Migration {
            shop: SHOP.to_owned(),
            api_key: APP.to_owned(),
            access_token: "shpat_new".to_owned(),
            refresh_token: "shprt_new".to_owned(),
            at: Instant::now(),
        };
        world.record_migration("shpat_legacy", migration);
        let ttl = Duration::from_secs(3600);
        tokio::time::advance(Duration::from_secs(2 * 3600)).await;
        let pair = world
            .repeat_migration("shpat_legacy", SHOP, APP, ttl)
            .unwrap();
        assert_eq!(
            (pair.access_token.as_str(), pair.refresh_token.as_str()),
            ("shpat_new", "shprt_new")
        );
        assert_eq!(
            pair.expires_in, 3600,
            "the expired access token is extended"
        );
        assert_eq!(pair.refresh_token_expires_in, 90 * 24 * 3600 - 2 * 3600);
        assert!(world
            .repeat_migration("shpat_legacy", SHOP, "other", ttl)
            .is_none());
        tokio::time::advance(MIGRATION_RETRY_WINDOW).await;
        assert!(world
            .repeat_migration("shpat_legacy", SHOP, APP, ttl)
            .is_none());
    }
}
