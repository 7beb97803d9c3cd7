//! The server's route table, read from `src/routes/mod.rs` and the files of the sub-routers
//! merged into it: the OpenAPI document and the compatibility chapter are checked against it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const ROUTE_TABLE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes/mod.rs"));
pub const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

/// `{anything}` → `{}`.
pub fn normalise(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// The route table's source, and the other files under `src/routes` that register routes
/// (sub-routers merged into the table, such as the admin API's).
fn route_sources() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let mut out = vec![ROUTE_TABLE.to_string()];
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src/routes") {
            let p = entry.expect("directory entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") && p != root.join("mod.rs") {
                let text = std::fs::read_to_string(&p).expect("read a routes file");
                if text.contains(".route(\"") {
                    out.push(text);
                }
            }
        }
    }
    out
}

/// Every `.route("<path>", <methods>)` of the route table, with the HTTP methods it registers.
/// The path may sit on the next line (`.route(\n    "/{id}",\n    get(…)…)`), as rustfmt
/// writes long routes; the methods are read up to the next `.route(` or the fallbacks.
pub fn routes() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let sources = route_sources();
    for piece in sources.iter().flat_map(|s| s.split(".route(").skip(1)) {
        let Some(piece) = piece.trim_start().strip_prefix('"') else { continue };
        let end = piece.find('"').expect("closing quote of a route path");
        let path = piece[..end].to_string();
        let mut args = &piece[end..];
        // The route's arguments end at the next route, a fallback, or the end of `routes()`.
        for stop in [".fallback(", ".method_not_allowed_fallback(", ".with_state(", "\n}"] {
            if let Some(i) = args.find(stop) {
                args = &args[..i];
            }
        }
        let mut methods = BTreeSet::new();
        for m in METHODS {
            let token = format!("{m}(");
            let found = args
                .match_indices(&token)
                .any(|(i, _)| !args[..i].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_'));
            if found {
                methods.insert(m.to_string());
            }
        }
        assert!(!methods.is_empty(), "no method found for route {path}");
        out.entry(path).or_insert_with(BTreeSet::new).extend(methods);
    }
    out
}
