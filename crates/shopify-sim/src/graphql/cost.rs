//! Shopify's calculated query cost, computed from the document before execution
//! (`requestedQueryCost`) and again from the returned data (`actualQueryCost`).
//!
//! Rules (shopify.dev, GraphQL Admin API rate limits): scalars and enums cost 0, objects 1,
//! a connection 2 plus, for each object it may return (`first`/`last`), the cost of one item;
//! a mutation's root field costs 10. `pageInfo` and `__typename` are free.

use async_graphql::parser::types::{
    ExecutableDocument, Field, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Value, Variables};

/// What one mutation root field costs.
pub const MUTATION_COST: u64 = 10;
/// Shopify refuses any single query above this.
pub const MAX_QUERY_COST: u64 = 1000;
/// Fragment cycles are rejected by validation, which runs after costing; stop well before.
const MAX_WALK_DEPTH: usize = 32;

/// The operation the request will execute, as async-graphql selects it.
pub fn selected_operation<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    let mut ops = doc.operations.iter();
    match name {
        Some(name) => ops
            .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
            .map(|(_, op)| &op.node),
        None => {
            let first = ops.next();
            // Several operations and no name: async-graphql refuses the request.
            if ops.next().is_some() {
                None
            } else {
                first.map(|(_, op)| &op.node)
            }
        }
    }
}

/// Root field names of an operation (fragments included), to recognise `draftOrderCreate`.
pub fn root_fields(doc: &ExecutableDocument, op: &OperationDefinition) -> Vec<String> {
    let mut names = Vec::new();
    collect_fields(doc, &op.selection_set.node, 0, &mut |f| {
        names.push(f.name.node.to_string())
    });
    names
}

fn collect_fields<'a>(
    doc: &'a ExecutableDocument,
    set: &'a SelectionSet,
    depth: usize,
    visit: &mut dyn FnMut(&'a Field),
) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => visit(&f.node),
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    collect_fields(doc, &fragment.node.selection_set.node, depth + 1, visit);
                }
            }
            Selection::InlineFragment(inline) => {
                collect_fields(doc, &inline.node.selection_set.node, depth + 1, visit);
            }
        }
    }
}

/// Where the walk takes its list sizes from.
#[derive(Clone, Copy)]
enum Sizes<'a> {
    /// From `first`/`last`: the most the query may return.
    Requested,
    /// From the response: what it did return (`None` where the value is absent or null).
    Actual(Option<&'a Value>),
}

struct Walker<'a> {
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
}

impl<'a> Walker<'a> {
    fn int_argument(&self, field: &Field, name: &str) -> Option<u64> {
        let value = &field.get_argument(name)?.node;
        let value = value
            .clone()
            .into_const_with(|var| self.variables.get(&var).cloned().ok_or(()))
            .ok()?;
        match value {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    fn set_cost(&self, set: &'a SelectionSet, sizes: Sizes<'a>, depth: usize) -> u64 {
        let mut total = 0u64;
        collect_fields(self.doc, set, depth, &mut |field| {
            total = total.saturating_add(self.field_cost(field, sizes, depth + 1));
        });
        total
    }

    fn child<'v>(sizes: Sizes<'v>, field: &Field) -> Sizes<'v> {
        match sizes {
            Sizes::Requested => Sizes::Requested,
            Sizes::Actual(Some(Value::Object(map))) => {
                let key = field.alias.as_ref().unwrap_or(&field.name);
                Sizes::Actual(
                    map.get(&Name::new(key.node.as_str()))
                        .filter(|v| **v != Value::Null),
                )
            }
            Sizes::Actual(_) => Sizes::Actual(None),
        }
    }

    fn field_cost(&self, field: &'a Field, sizes: Sizes<'a>, depth: usize) -> u64 {
        let name = field.name.node.as_str();
        if field.selection_set.node.items.is_empty() || name == "pageInfo" || depth > MAX_WALK_DEPTH
        {
            return 0;
        }
        let here = Self::child(sizes, field);
        let page = self
            .int_argument(field, "first")
            .or_else(|| self.int_argument(field, "last"));
        match (page, here) {
            (Some(n), Sizes::Requested) => 2u64.saturating_add(n.saturating_mul(self.item_cost(
                field,
                Sizes::Requested,
                depth,
            ))),
            (Some(_), Sizes::Actual(None)) => 2,
            (Some(_), Sizes::Actual(Some(data))) => {
                2u64.saturating_add(self.items_cost(field, data, depth))
            }
            (None, Sizes::Actual(None)) if matches!(sizes, Sizes::Actual(_)) => 1,
            (None, here) => {
                1u64.saturating_add(self.set_cost(&field.selection_set.node, here, depth))
            }
        }
    }

    /// Cost of one item of a connection: its `nodes` element and/or `edges.node`.
    fn item_cost(&self, connection: &'a Field, sizes: Sizes<'a>, depth: usize) -> u64 {
        let mut total = 0u64;
        collect_fields(self.doc, &connection.selection_set.node, depth, &mut |f| {
            let cost = match f.name.node.as_str() {
                "nodes" => 1 + self.set_cost(&f.selection_set.node, sizes, depth + 1),
                "edges" => {
                    let mut edge = 0;
                    collect_fields(self.doc, &f.selection_set.node, depth + 1, &mut |e| {
                        if e.name.node == "node" {
                            edge += 1 + self.set_cost(&e.selection_set.node, sizes, depth + 2);
                        }
                    });
                    edge
                }
                _ => 0,
            };
            total = total.saturating_add(cost);
        });
        total
    }

    /// Actual cost of the items a connection returned: each returned item priced on its own data.
    fn items_cost(&self, connection: &'a Field, data: &'a Value, depth: usize) -> u64 {
        let mut total = 0u64;
        collect_fields(self.doc, &connection.selection_set.node, depth, &mut |f| {
            let Some(Value::List(items)) = Self::child_value(data, f) else {
                return;
            };
            for item in items {
                let cost = match f.name.node.as_str() {
                    "nodes" => {
                        1 + self.set_cost(
                            &f.selection_set.node,
                            Sizes::Actual(Some(item)),
                            depth + 1,
                        )
                    }
                    "edges" => {
                        let mut edge = 0;
                        collect_fields(self.doc, &f.selection_set.node, depth + 1, &mut |e| {
                            if e.name.node == "node" {
                                let node = Self::child_value(item, e);
                                edge += 1 + self.set_cost(
                                    &e.selection_set.node,
                                    Sizes::Actual(node),
                                    depth + 2,
                                );
                            }
                        });
                        edge
                    }
                    _ => 0,
                };
                total = total.saturating_add(cost);
            }
        });
        total
    }

    fn child_value(data: &'a Value, field: &Field) -> Option<&'a Value> {
        match Self::child(Sizes::Actual(Some(data)), field) {
            Sizes::Actual(v) => v,
            Sizes::Requested => None,
        }
    }
}

fn operation_cost(walker: &Walker<'_>, op: &OperationDefinition, data: Option<&Value>) -> u64 {
    if op.ty == OperationType::Mutation {
        let mut fields = 0u64;
        collect_fields(walker.doc, &op.selection_set.node, 0, &mut |f| {
            if f.name.node != "__typename" {
                fields += 1;
            }
        });
        return fields.saturating_mul(MUTATION_COST);
    }
    let sizes = data.map_or(Sizes::Requested, |d| Sizes::Actual(Some(d)));
    walker.set_cost(&op.selection_set.node, sizes, 0)
}

/// `requestedQueryCost`: the most the operation can cost.
pub fn requested_cost(
    doc: &ExecutableDocument,
    op: &OperationDefinition,
    variables: &Variables,
) -> u64 {
    operation_cost(&Walker { doc, variables }, op, None)
}

/// `actualQueryCost`: the cost of what the operation returned.
pub fn actual_cost(
    doc: &ExecutableDocument,
    op: &OperationDefinition,
    variables: &Variables,
    data: &Value,
) -> u64 {
    operation_cost(&Walker { doc, variables }, op, Some(data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn cost(query: &str) -> u64 {
        let doc = parse_query(query).unwrap();
        let op = selected_operation(&doc, None).unwrap();
        requested_cost(&doc, op, &Variables::default())
    }

    #[test]
    fn shopify_examples() {
        assert_eq!(cost("{ shop { id name currencyCode } }"), 1);
        assert_eq!(
            cost("{ products(first: 10) { edges { node { id title } } } }"),
            12
        );
        assert_eq!(
            cost("{ products(first: 10) { nodes { id } pageInfo { hasNextPage } } }"),
            12
        );
        assert_eq!(
            cost(
                "{ products(first: 5) { nodes { id variants(first: 3) { nodes { id price } } } } }"
            ),
            2 + 5 * (1 + 2 + 3)
        );
        assert_eq!(cost("{ product(id: \"x\") { id title } }"), 1);
        assert_eq!(
            cost("mutation { draftOrderCreate(input: {}) { draftOrder { id lineItems(first: 50) { nodes { title } } } userErrors { message } } }"),
            10
        );
    }

    #[test]
    fn fragments_and_variables_count() {
        let doc = parse_query(
            "query Q($n: Int) { products(first: $n) { ...P } } fragment P on ProductConnection { nodes { id } }",
        )
        .unwrap();
        let op = selected_operation(&doc, Some("Q")).unwrap();
        let vars = Variables::from_json(serde_json::json!({"n": 20}));
        assert_eq!(requested_cost(&doc, op, &vars), 22);
    }

    #[test]
    fn actual_cost_counts_returned_items() {
        let doc = parse_query("{ products(first: 10) { nodes { id } } }").unwrap();
        let op = selected_operation(&doc, None).unwrap();
        let data = Value::from_json(
            serde_json::json!({"products": {"nodes": [{"id": "a"}, {"id": "b"}]}}),
        )
        .unwrap();
        assert_eq!(actual_cost(&doc, op, &Variables::default(), &data), 4);
    }

    #[test]
    fn fragment_cycles_terminate() {
        let doc = parse_query("{ shop { ...A } } fragment A on Shop { ...A }").unwrap();
        let op = selected_operation(&doc, None).unwrap();
        assert_eq!(requested_cost(&doc, op, &Variables::default()), 1);
    }
}
