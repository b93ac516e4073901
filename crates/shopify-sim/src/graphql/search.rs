//! Shopify's search syntax, the part the app uses: `key:value` filters (values may be quoted)
//! and free text, all terms combined with AND. Unknown keys are ignored, as Shopify ignores
//! filters it does not support.

use crate::state::{DraftOrderRecord, ProductRecord};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Field { key: String, value: String },
    Text(String),
}

#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    terms: Vec<Term>,
}

/// Splits on whitespace outside double quotes and drops the quotes.
fn tokens(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in query.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

impl SearchQuery {
    pub fn parse(query: &str) -> Self {
        let terms = tokens(query)
            .into_iter()
            .filter(|t| t != "AND")
            .map(|t| match t.split_once(':') {
                Some((key, value)) if !key.is_empty() => Term::Field {
                    key: key.to_lowercase(),
                    value: value.trim_end_matches('*').to_lowercase(),
                },
                _ => Term::Text(t.trim_end_matches('*').to_lowercase()),
            })
            .collect();
        Self { terms }
    }

    pub fn matches_product(&self, product: &ProductRecord) -> bool {
        let title = product.title.to_lowercase();
        self.terms.iter().all(|term| match term {
            Term::Field { key, value } => match key.as_str() {
                "title" => title.contains(value.as_str()),
                "handle" => product.handle == *value,
                "status" => format!("{:?}", product.status).eq_ignore_ascii_case(value),
                "id" => product.id.to_string() == *value,
                "sku" => product.variants.iter().any(|v| {
                    v.sku
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(value))
                }),
                _ => true,
            },
            Term::Text(text) => {
                title.contains(text.as_str()) || product.handle.contains(text.as_str())
            }
        })
    }

    pub fn matches_draft_order(&self, order: &DraftOrderRecord) -> bool {
        self.terms.iter().all(|term| match term {
            Term::Field { key, value } => match key.as_str() {
                "tag" => order.tags.iter().any(|t| t.eq_ignore_ascii_case(value)),
                "tag_not" => !order.tags.iter().any(|t| t.eq_ignore_ascii_case(value)),
                "status" => {
                    format!("{:?}", order.status).eq_ignore_ascii_case(&value.replace('_', ""))
                }
                "name" => order
                    .name
                    .trim_start_matches('#')
                    .eq_ignore_ascii_case(value.trim_start_matches('#')),
                "id" => order.id.to_string() == *value,
                _ => true,
            },
            Term::Text(text) => {
                order.name.to_lowercase().contains(text.as_str())
                    || order
                        .tags
                        .iter()
                        .any(|t| t.to_lowercase().contains(text.as_str()))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenises_quotes_and_fields() {
        let q = SearchQuery::parse(r#"tag:"gridprice ref" AND status:open glass*"#);
        assert_eq!(
            q.terms,
            vec![
                Term::Field {
                    key: "tag".into(),
                    value: "gridprice ref".into()
                },
                Term::Field {
                    key: "status".into(),
                    value: "open".into()
                },
                Term::Text("glass".into()),
            ]
        );
    }
}
