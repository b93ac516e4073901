//! Relay connections as Shopify paginates them: `first`/`after`, `last`/`before`, `reverse`,
//! at most 250 items a page, opaque base64 cursors.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{ErrorExtensions, OutputType};
use base64::Engine as _;

/// Shopify's page size limit.
pub const MAX_PAGE_SIZE: i32 = 250;

/// The pagination arguments every connection field takes.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    pub reverse: bool,
}

pub fn encode_cursor(id: u64) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{{\"last_id\":{id}}}"))
}

fn bad_request(message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", "BAD_REQUEST"))
}

fn decode_cursor(cursor: &str) -> async_graphql::Result<u64> {
    let invalid = || bad_request(format!("Invalid cursor: {cursor}"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(cursor)
        .map_err(|_| invalid())?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    json.get("last_id")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(invalid)
}

fn page_size(name: &str, value: Option<i32>) -> async_graphql::Result<Option<usize>> {
    match value {
        None => Ok(None),
        Some(n) if !(0..=MAX_PAGE_SIZE).contains(&n) => Err(bad_request(format!(
            "The `{name}` argument must be between 0 and {MAX_PAGE_SIZE}."
        ))),
        Some(n) => Ok(Some(n as usize)),
    }
}

fn position(ids: &[u64], cursor: &str) -> async_graphql::Result<usize> {
    let id = decode_cursor(cursor)?;
    ids.iter()
        .position(|i| *i == id)
        .ok_or_else(|| bad_request(format!("Invalid cursor: {cursor}")))
}

/// Cuts one page out of `items` (already in the connection's natural order).
pub fn paginate<T: OutputType>(
    mut items: Vec<(u64, T)>,
    args: &PageArgs,
) -> async_graphql::Result<Connection<String, T>> {
    let first = page_size("first", args.first)?;
    let last = page_size("last", args.last)?;
    if first.is_none() && last.is_none() {
        return Err(bad_request("You must provide one of `first` or `last`."));
    }
    if args.reverse {
        items.reverse();
    }
    let ids: Vec<u64> = items.iter().map(|(id, _)| *id).collect();
    let mut start = 0;
    let mut end = items.len();
    if let Some(after) = &args.after {
        start = position(&ids, after)? + 1;
    }
    if let Some(before) = &args.before {
        end = position(&ids, before)?;
    }
    end = end.max(start);
    if let Some(n) = first {
        end = end.min(start + n);
    }
    if let Some(n) = last {
        start = start.max(end.saturating_sub(n));
    }
    let mut connection = Connection::new(start > 0, end < items.len());
    connection.edges.extend(
        items
            .drain(start..end)
            .map(|(id, node)| Edge::new(encode_cursor(id), node)),
    );
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(args: PageArgs) -> (Vec<String>, bool, bool) {
        let items: Vec<(u64, String)> = (1..=5).map(|i| (i, i.to_string())).collect();
        let c = paginate(items, &args).unwrap();
        let nodes = c.edges.iter().map(|e| e.node.clone()).collect();
        (nodes, c.has_previous_page, c.has_next_page)
    }

    #[test]
    fn pages_forward_and_backward() {
        let page = |first, after| PageArgs {
            first: Some(first),
            after,
            ..Default::default()
        };
        assert_eq!(
            ids(page(2, None)),
            (vec!["1".into(), "2".into()], false, true)
        );
        assert_eq!(
            ids(page(2, Some(encode_cursor(2)))),
            (vec!["3".into(), "4".into()], true, true)
        );
        assert_eq!(
            ids(page(10, Some(encode_cursor(4)))),
            (vec!["5".into()], true, false)
        );
        let back = PageArgs {
            last: Some(2),
            ..Default::default()
        };
        assert_eq!(ids(back), (vec!["4".into(), "5".into()], true, false));
        let rev = PageArgs {
            first: Some(1),
            reverse: true,
            ..Default::default()
        };
        assert_eq!(ids(rev), (vec!["5".into()], false, true));
    }

    #[test]
    fn rejects_bad_arguments() {
        let items = || vec![(1u64, "a".to_owned())];
        assert!(paginate(items(), &PageArgs::default()).is_err());
        let too_many = PageArgs {
            first: Some(251),
            ..Default::default()
        };
        assert!(paginate(items(), &too_many).is_err());
        let bad_cursor = PageArgs {
            first: Some(1),
            after: Some("nope".into()),
            ..Default::default()
        };
        assert!(paginate(items(), &bad_cursor).is_err());
    }
}
