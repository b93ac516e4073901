//! The app's layers (DESIGN §2), checked on its source: each module uses only its own layer and
//! those below, and the features' modules import each other without a cycle. The crates
//! enforce the rest (storage, the wire types and the domain crates cannot reach up; the app has
//! no SQL dependency at all).
//!
//! Every module of `src/` must be placed in [`LAYERS`]; a new module fails this test until it
//! is. An import is any `crate::…` or `super::…` path, in a `use` or inline.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// From the bottom up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// Edge-free pieces every layer may use: configuration, secrets, errors, metrics.
    Shared,
    /// What Gridprice does: the services of each feature.
    Feature,
    /// The HTTP edge's own parts: state, request reading, errors as problem+json, middleware.
    EdgeInfra,
    /// Routes and pages: the only place errors become HTTP.
    Edge,
    /// `App::build`: the one way every entry point starts the app.
    App,
    /// The command line and the development stack.
    Cli,
}

use Layer::*;

/// Every module by path (a prefix places its submodules too, unless they are placed
/// themselves). The longest match wins.
const LAYERS: &[(&str, Layer)] = &[
    ("config", Shared),
    ("crypto", Shared),
    ("error", Shared),
    ("metrics", Shared),
    ("names", Shared),
    ("telemetry", Shared),
    ("stores", Feature),
    ("api_keys", Feature),
    ("catalog", Feature),
    ("matrices", Feature),
    ("products", Feature),
    ("options", Feature),
    ("draft_orders", Feature),
    ("jobs", Feature),
    ("webhooks", Feature),
    ("auth", Edge),
    ("auth::service", Feature),
    ("audit", Feature),
    ("http", EdgeInfra),
    ("http::health", Edge),
    ("metrics::routes", Edge),
    ("stores::routes", Edge),
    ("stores::pages", Edge),
    ("api_keys::routes", Edge),
    ("matrices::routes", Edge),
    ("matrices::pages", Edge),
    ("pages", Edge),
    ("products::routes", Edge),
    ("products::pages", Edge),
    ("options::routes", Edge),
    ("options::pages", Edge),
    ("audit::routes", Edge),
    ("audit::view", Edge),
    ("webhooks::routes", Edge),
    ("draft_orders::api", Edge),
    ("draft_orders::pages", Edge),
    ("draft_orders::request", Edge),
    ("storefront", Edge),
    ("proxy", Edge),
    ("home", Feature),
    ("billing", Feature),
    ("billing::plans", Shared),
    ("billing::routes", Edge),
    ("billing::pages", Edge),
    ("home::routes", Edge),
    ("home::pages", Edge),
    ("app", App),
    ("cli", Cli),
    ("dev", Cli),
];

/// Modules that only declare others.
const ROOTS: &[&str] = &["", "main"];

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = check(&read_tree(&source));
    assert!(
        problems.is_empty(),
        "layering violations:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_check_fails_on_an_upward_import_and_on_a_cycle() {
    let upward = BTreeMap::from([
        (
            "catalog".to_owned(),
            "use crate::http::error::ApiError;".to_owned(),
        ),
        (
            "http".to_owned(),
            "use crate::catalog::CatalogCache;".to_owned(),
        ),
    ]);
    let problems = check(&upward);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("catalog") && p.contains("http::error")),
        "{problems:?}"
    );

    let cycle = BTreeMap::from([
        (
            "matrices::service".to_owned(),
            "fn f() { crate::options::service::g(); }".to_owned(),
        ),
        (
            "options::service".to_owned(),
            "use super::super::matrices::service::f;".to_owned(),
        ),
    ]);
    let problems = check(&cycle);
    assert!(problems.iter().any(|p| p.contains("cycle")), "{problems:?}");

    let unplaced = BTreeMap::from([("invoices".to_owned(), String::new())]);
    assert!(check(&unplaced)[0].contains("invoices"));
}

/// Module path → source text.
fn read_tree(root: &Path) -> BTreeMap<String, String> {
    let mut modules = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).expect("below src");
                let text = std::fs::read_to_string(&path).expect("read a module");
                modules.insert(module_path(relative), text);
            }
        }
    }
    modules
}

/// `draft_orders/service.rs` → `draft_orders::service`; `mod.rs` and `lib.rs` name their folder.
fn module_path(file: &Path) -> String {
    let mut parts: Vec<String> = file
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts.join("::")
}

fn layer_of(module: &str) -> Option<Layer> {
    LAYERS
        .iter()
        .filter(|(prefix, _)| module == *prefix || module.starts_with(&format!("{prefix}::")))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, layer)| *layer)
}

fn check(modules: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut feature_graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in modules {
        if ROOTS.contains(&module.as_str()) {
            continue;
        }
        let Some(layer) = layer_of(module) else {
            problems.push(format!(
                "{module}: not placed in a layer (add it to LAYERS)"
            ));
            continue;
        };
        for target in imports(module, text) {
            let Some(target_layer) = layer_of(&target) else {
                continue;
            };
            if target_layer > layer {
                problems.push(format!(
                    "{module} ({layer:?}) imports {target} ({target_layer:?}), a layer above"
                ));
            }
            let (from, to) = (top(module), top(&target));
            if layer == Feature && target_layer == Feature && from != to {
                feature_graph.entry(from).or_default().insert(to);
            }
        }
    }
    if let Some(cycle) = find_cycle(&feature_graph) {
        problems.push(format!(
            "features import each other in a cycle: {}",
            cycle.join(" → ")
        ));
    }
    problems
}

fn top(module: &str) -> String {
    module.split("::").next().unwrap_or_default().to_owned()
}

/// The modules `text` (of `module`) refers to through `crate::` or `super::` paths, including
/// the members of `use …::{a, b::c}` groups.
fn imports(module: &str, text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    for (start, _) in code
        .match_indices("crate::")
        .chain(code.match_indices("super::"))
    {
        let preceded = code[..start]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        if preceded {
            continue;
        }
        for path in expand(&code[start..]) {
            if let Some(absolute) = resolve(module, &path) {
                found.insert(absolute);
            }
        }
    }
    found
}

/// The paths a path expression names: `crate::a::{b, c::d}` → `crate::a::b`, `crate::a::c::d`.
fn expand(text: &str) -> Vec<String> {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    let (prefix, rest) = text.split_at(end);
    if !rest.starts_with('{') {
        return vec![prefix.trim_end_matches(':').to_owned()];
    }
    let mut depth = 0;
    let mut close = rest.len();
    for (index, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = index;
                    break;
                }
            }
            _ => {}
        }
    }
    split_top_level(&rest[1..close])
        .into_iter()
        .flat_map(|member| expand(member.trim()))
        .map(|member| format!("{prefix}{member}"))
        .collect()
}

fn split_top_level(text: &str) -> Vec<&str> {
    let (mut depth, mut start, mut parts) = (0, 0, Vec::new());
    for (index, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// `path` as seen from `module`, without `crate::`; `None` for `self` imports and the like.
fn resolve(module: &str, path: &str) -> Option<String> {
    let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<&str> = Vec::new();
    if segments.first() == Some(&"crate") {
        segments.remove(0);
    } else {
        base = module.split("::").collect();
        while segments.first() == Some(&"super") {
            segments.remove(0);
            base.pop()?;
        }
    }
    base.extend(segments.into_iter().filter(|s| *s != "self"));
    let resolved = base.join("::");
    (!resolved.is_empty()).then_some(resolved)
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}
