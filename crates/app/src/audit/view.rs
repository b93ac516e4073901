//! The audit log as the Settings page shows it: who changed what and when, and each field that
//! changed as "before → after", in the merchant's language. The log keeps JSON snapshots
//! (`AuditEntry`); this reads them back without knowing every feature's shape: objects are
//! walked field by field, lists joined, times and the settings' own values put in words.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use gridprice_storage::audit::LoggedChange;

use crate::pages::Text;

/// How times read everywhere on the page.
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M UTC";
/// What a missing value reads as.
const NOTHING: &str = "—";
/// Snapshot housekeeping, not something the merchant changed.
const UNSHOWN_FIELDS: [&str; 2] = ["id", "version"];

/// One entry of the log, as the merchant reads it.
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    /// The thing changed, by its name or key prefix, when the entry names one.
    pub subject: Option<String>,
    pub changes: Vec<FieldChange>,
}

/// One field that changed: its name and both values, in words.
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

impl AuditRow {
    pub fn new(t: Text, change: &LoggedChange) -> Self {
        let (before, after, beside) = states(t, change);
        let mut changes = field_changes(t, before, after);
        changes.extend(beside);
        Self {
            at: change.at.format(TIME_FORMAT).to_string(),
            actor: actor(t, &change.actor),
            action: action(t, &change.action),
            subject: subject(before).or_else(|| subject(after)),
            changes,
        }
    }
}

/// The states to compare, and what the entry adds beyond them. A rotation records the old key
/// before and after, and the new key beside it: the old key's change is compared, the new key
/// named.
fn states(t: Text, change: &LoggedChange) -> (Option<&Value>, Option<&Value>, Vec<FieldChange>) {
    let before = change.before.as_ref();
    let after = change.after.as_ref();
    if change.action != "storefront_key.rotate" {
        return (before, after, Vec::new());
    }
    let new_prefix = after
        .and_then(|after| after["new"]["key"]["prefix"].as_str())
        .unwrap_or(NOTHING);
    let new_key = FieldChange {
        field: t.get("settings.audit.field.new_key").to_owned(),
        before: NOTHING.to_owned(),
        after: format!("{new_prefix}…"),
    };
    (before, after.map(|after| &after["old"]), vec![new_key])
}

/// Every field whose value differs between the two states (all of them for a creation or a
/// deletion), by field name.
fn field_changes(t: Text, before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let mut fields: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (side, state) in [(0, before), (1, after)] {
        let mut flat = Vec::new();
        if let Some(state) = state {
            flatten(t, "", state, &mut flat);
        }
        for (path, text) in flat {
            let entry = fields
                .entry(path)
                .or_insert_with(|| (NOTHING.to_owned(), NOTHING.to_owned()));
            if side == 0 {
                entry.0 = text;
            } else {
                entry.1 = text;
            }
        }
    }
    fields
        .into_iter()
        .filter(|(_, (before, after))| before != after)
        .map(|(path, (before, after))| FieldChange {
            field: field_name(t, &path),
            before,
            after,
        })
        .collect()
}

/// `value` as `(path, text)` pairs: objects walked into (`old.expiresAt`), everything else one
/// text. A snapshot that is not an object (a currency code, an order name) is one unnamed field.
fn flatten(t: Text, path: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(fields) => {
            for (name, inner) in fields {
                if UNSHOWN_FIELDS.contains(&name.as_str()) {
                    continue;
                }
                let inner_path = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                flatten(t, &inner_path, inner, out);
            }
        }
        other => out.push((path.to_owned(), value_text(t, path, other))),
    }
}

/// The last part of a path: what a field is called wherever it sits.
fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn value_text(t: Text, path: &str, value: &Value) -> String {
    match (leaf(path), value) {
        ("allowedOrigins" | "defaultAllowedOrigins", Value::Array(items)) if items.is_empty() => {
            t.get("settings.origins.any").to_owned()
        }
        ("outOfRangeDefault" | "outOfRange", Value::String(policy)) => policy_label(t, policy),
        ("lineItemMode", Value::String(mode)) => line_item_label(t, mode),
        ("kind", Value::String(kind)) => kind_label(t, kind),
        ("requirement", Value::String(requirement)) => requirement_label(t, requirement),
        ("prefix", Value::String(prefix)) => format!("{prefix}…"),
        (_, Value::Null) => NOTHING.to_owned(),
        (_, Value::Bool(true)) => t.get("settings.audit.yes").to_owned(),
        (_, Value::Bool(false)) => t.get("settings.audit.no").to_owned(),
        (_, Value::String(text)) => time_text(text).unwrap_or_else(|| text.clone()),
        (_, Value::Array(items)) if items.is_empty() => NOTHING.to_owned(),
        (_, Value::Array(items)) => items
            .iter()
            .map(|item| item_text(t, item))
            .collect::<Vec<_>>()
            .join(", "),
        (_, other) => other.to_string(),
    }
}

/// A list's item: a thing by its label or name (an option group's choices), else its value.
fn item_text(t: Text, item: &Value) -> String {
    match item {
        Value::Object(fields) => ["label", "name"]
            .iter()
            .find_map(|name| fields.get(*name)?.as_str())
            .map_or_else(|| item.to_string(), str::to_owned),
        scalar => value_text(t, "", scalar),
    }
}

fn time_text(text: &str) -> Option<String> {
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339(text).ok()?.into();
    Some(at.format(TIME_FORMAT).to_string())
}

pub fn policy_label(t: Text, policy: &str) -> String {
    match policy {
        "reject" => t.get("settings.policy.reject").to_owned(),
        "clamp" => t.get("settings.policy.clamp").to_owned(),
        other => other.to_owned(),
    }
}

pub fn line_item_label(t: Text, mode: &str) -> String {
    match mode {
        "variant" => t.get("settings.line_item.variant").to_owned(),
        "custom" => t.get("settings.line_item.custom").to_owned(),
        other => other.to_owned(),
    }
}

pub fn kind_label(t: Text, kind: &str) -> String {
    match kind {
        "publishable" => t.get("settings.keys.kind.publishable").to_owned(),
        "secret" => t.get("settings.keys.kind.secret").to_owned(),
        other => other.to_owned(),
    }
}

fn requirement_label(t: Text, requirement: &str) -> String {
    match requirement {
        "REQUIRED" => t.get("settings.audit.required").to_owned(),
        "OPTIONAL" => t.get("settings.audit.optional").to_owned(),
        other => other.to_owned(),
    }
}

/// The thing an entry is about, when its snapshot names it.
fn subject(state: Option<&Value>) -> Option<String> {
    let state = state?;
    if let Some(name) = state.get("name").and_then(Value::as_str) {
        return Some(name.to_owned());
    }
    let prefix = state.get("prefix").and_then(Value::as_str)?;
    Some(format!("{prefix}…"))
}

fn field_name(t: Text, path: &str) -> String {
    let known = match leaf(path) {
        "" => t.get("settings.audit.field.value"),
        "unitPreference" => t.get("settings.unit"),
        "outOfRangeDefault" => t.get("settings.policy"),
        "lineItemMode" => t.get("settings.line_item"),
        "defaultAllowedOrigins" => t.get("settings.default_origins"),
        "acceptAutomaticDiscounts" => t.get("settings.discounts"),
        "allowedOrigins" => t.get("settings.keys.column.origins"),
        "expiresAt" => t.get("settings.audit.field.expires_at"),
        "revokedAt" => t.get("settings.audit.field.revoked_at"),
        "prefix" => t.get("settings.keys.column.key"),
        "kind" => t.get("settings.audit.field.kind"),
        "name" => t.get("settings.audit.field.name"),
        "unit" => t.get("settings.audit.field.unit"),
        "outOfRange" => t.get("settings.policy"),
        "widths" => t.get("settings.audit.field.widths"),
        "heights" => t.get("settings.audit.field.heights"),
        "choices" => t.get("settings.audit.field.choices"),
        "matrixId" => t.get("settings.audit.field.matrix"),
        "optionGroupIds" => t.get("settings.audit.field.option_groups"),
        "productIds" => t.get("optionGroups.audit.products"),
        "requirement" => t.get("settings.audit.field.requirement"),
        _ => return path.to_owned(),
    };
    known.to_owned()
}

fn actor(t: Text, actor: &str) -> String {
    match actor {
        "gridprice" => t.get("settings.audit.actor.gridprice").to_owned(),
        "shopify" => t.get("settings.audit.actor.shopify").to_owned(),
        staff => t.format("settings.audit.actor.staff", &[("id", staff)]),
    }
}

fn action(t: Text, action: &str) -> String {
    let known = match action {
        "matrix.create" => t.get("settings.audit.action.matrix_create"),
        "matrix.import" => t.get("settings.audit.action.matrix_import"),
        "matrix.replace" => t.get("settings.audit.action.matrix_replace"),
        "matrix.rename" => t.get("settings.audit.action.matrix_rename"),
        "matrix.duplicate" => t.get("settings.audit.action.matrix_duplicate"),
        "matrix.delete" => t.get("settings.audit.action.matrix_delete"),
        "product.assign_matrix" => t.get("settings.audit.action.product_assign"),
        "product.unassign_matrix" => t.get("settings.audit.action.product_unassign"),
        "product.set_option_groups" => t.get("settings.audit.action.product_options"),
        "option_group.create" => t.get("settings.audit.action.option_group_create"),
        "option_group.replace" => t.get("settings.audit.action.option_group_replace"),
        "option_group.delete" => t.get("settings.audit.action.option_group_delete"),
        "option_group.set_products" => t.get("optionGroups.audit.setProducts"),
        "settings.update" => t.get("settings.audit.action.settings_update"),
        "storefront_key.create" => t.get("settings.audit.action.key_create"),
        "storefront_key.revoke" => t.get("settings.audit.action.key_revoke"),
        "storefront_key.rotate" => t.get("settings.audit.action.key_rotate"),
        "storefront_key.update_origins" => t.get("settings.audit.action.key_origins"),
        "draft_order.test" => t.get("settings.audit.action.draft_order_test"),
        "store.uninstall" => t.get("settings.audit.action.store_uninstall"),
        "store.currency_update" => t.get("settings.audit.action.store_currency"),
        "store.calculator_placed" => t.get("settings.audit.action.calculator_placed"),
        "subscription.request" => t.get("settings.audit.action.subscription_request"),
        "subscription.cancel" => t.get("settings.audit.action.subscription_cancel"),
        "subscription.status" => t.get("settings.audit.action.subscription_status"),
        other => return other.to_owned(),
    };
    known.to_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::pages::Locale;

    fn logged(action: &str, before: Option<Value>, after: Option<Value>) -> LoggedChange {
        LoggedChange {
            id: 1,
            actor: "42".into(),
            action: action.into(),
            entity: "x".into(),
            entity_id: Some("7".into()),
            before,
            after,
            at: "2026-12-04T15:48:00Z".parse().unwrap(),
        }
    }

    fn lines(row: &AuditRow) -> Vec<String> {
        row.changes
            .iter()
            .map(|c| format!("{}: {} → {}", c.field, c.before, c.after))
            .collect()
    }

    #[test]
    fn a_settings_change_shows_only_what_changed_in_words() {
        let t = Text::new(Locale::En);
        let row = AuditRow::new(
            t,
            &logged(
                "settings.update",
                Some(
                    json!({"unitPreference": "mm", "outOfRangeDefault": "reject",
                            "defaultAllowedOrigins": [], "acceptAutomaticDiscounts": false}),
                ),
                Some(json!({"unitPreference": "in", "outOfRangeDefault": "clamp",
                            "defaultAllowedOrigins": ["https://a.example"],
                            "acceptAutomaticDiscounts": false})),
            ),
        );
        assert_eq!(row.action, "Changed the settings");
        assert_eq!(row.actor, "Staff member 42");
        assert_eq!(row.at, "2026-12-04 15:48 UTC");
        assert_eq!(
            lines(&row),
            [
                "Origins for new keys: Any origin → https://a.example",
                "Sizes outside the matrix: Refuse the size → Use the nearest price",
                "Default unit: mm → in",
            ]
        );
    }

    #[test]
    fn the_products_of_an_option_group_read_in_words() {
        let row = AuditRow::new(
            Text::new(Locale::De),
            &logged(
                "option_group.set_products",
                Some(json!({"productIds": []})),
                Some(json!({"productIds": ["gid://shopify/Product/1"]})),
            ),
        );
        assert_eq!(row.action, "Produkte einer Optionsgruppe gewählt");
        assert_eq!(row.changes.len(), 1);
        assert_eq!(row.changes[0].field, "Produkte");
    }

    #[test]
    fn a_rotation_names_both_keys_and_the_end_of_the_grace_period() {
        let t = Text::new(Locale::De);
        let old = json!({"prefix": "gp_pk_aaaaaa", "kind": "publishable", "allowedOrigins": [],
                         "revokedAt": null, "expiresAt": null});
        let mut retiring = old.clone();
        retiring["expiresAt"] = json!("2026-12-05T15:48:00Z");
        let row = AuditRow::new(
            t,
            &logged(
                "storefront_key.rotate",
                Some(old),
                Some(json!({"old": retiring, "new": {"id": 9, "key": {"prefix": "gp_pk_bbbbbb"}}})),
            ),
        );
        assert_eq!(row.subject.as_deref(), Some("gp_pk_aaaaaa…"));
        assert_eq!(
            lines(&row),
            [
                "Gültig bis: — → 2026-12-05 15:48 UTC",
                "Neuer Schlüssel: — → gp_pk_bbbbbb…"
            ]
        );
    }

    #[test]
    fn unknown_shapes_still_read() {
        let t = Text::new(Locale::En);
        let row = AuditRow::new(
            t,
            &logged(
                "store.currency_update",
                Some(json!("USD")),
                Some(json!("EUR")),
            ),
        );
        assert_eq!(lines(&row), ["Value: USD → EUR"]);
        let created = AuditRow::new(
            t,
            &logged(
                "option_group.create",
                None,
                Some(
                    json!({"id": 3, "version": 1, "name": "Glass type", "requirement": "REQUIRED",
                            "choices": [{"id": 5, "label": "Clear"}, {"id": 6, "label": "Tinted"}]}),
                ),
            ),
        );
        assert_eq!(created.subject.as_deref(), Some("Glass type"));
        assert_eq!(
            lines(&created),
            [
                "Choices: — → Clear, Tinted",
                "Name: — → Glass type",
                "Required or optional: — → Required"
            ]
        );
        let actor = AuditRow::new(t, &logged("some.new_action", None, None));
        assert_eq!(actor.action, "some.new_action");
        assert!(actor.changes.is_empty());
    }
}
