//! The architecture as a test: modules of `risala-core` import one way (foundation → model →
//! codecs → store and ports → services, and services in one order), and the workspace's crates
//! depend on each other one way. A lower layer that imports a higher one fails here, naming the
//! file and the import.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops at the first failed step

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every top-level module of `risala-core` and its rank: a module may use modules of a lower
/// rank, and modules of its own rank only inside the foundation (rank 0).
const LAYERS: &[(&str, u32)] = &[
    // foundation
    ("cache", 0),
    ("clock", 0),
    ("error", 0),
    ("filename", 0),
    ("ids", 0),
    ("limits", 0),
    ("phone", 0),
    ("sniff", 0),
    ("weburl", 0),
    // plain data
    ("model", 1),
    // wire codecs and Graph parameters: parse and validate into the model
    ("graph", 2),
    ("health", 2),
    ("inbound", 2),
    ("outbound", 2),
    // storage traits and the other ports
    ("store", 3),
    ("ports", 3),
    // services, lowest first
    ("audit", 10),
    ("numbers", 10),
    ("pricing", 10),
    ("quality", 11),
    ("templates", 12),
    ("messaging", 13),
    ("tenancy", 14),
    ("auth", 14),
    ("accounts", 14),
    ("inbox", 14),
    ("compose", 14),
    ("customers", 14),
    ("flows", 14),
    ("profile", 14),
    ("sandbox", 14),
    ("privacy", 14),
    // the verified badge: its decisions make the send path forget a number
    ("badges", 14),
    ("webhooks", 15),
    // the owners' console reads through most services
    ("console", 16),
    // the business tools (issue #17) send through messaging, read the inbox and quality
    ("tools", 16),
    // catalogs and orders (issue #18) extend messaging and read CSV as the tools do
    ("commerce", 17),
    // payments (issue #18): orders sent through messaging, paid with a provider
    ("payments", 14),
    // Click-to-WhatsApp ads and Status (issue #18): an ad may be made from a catalog item
    ("ads", 18),
];

/// Which workspace crates each crate may depend on (normal and dev dependencies alike, except
/// `testkit`, which only tests use).
const CRATES: &[(&str, &[&str])] = &[
    ("risala-types", &[]),
    ("risala-walbuf", &[]),
    ("risala-core", &["risala-types"]),
    ("risala-store", &["risala-types", "risala-core", "risala-walbuf"]),
    ("risala-delivery", &["risala-types", "risala-core"]),
    ("risala-web", &["risala-types", "risala-core"]),
    ("risala-server", &["risala-types", "risala-core", "risala-store", "risala-delivery", "risala-web"]),
    ("risala", &["risala-types", "risala-core", "risala-store", "risala-delivery", "risala-server", "risala-web"]),
    ("risala-bench", &["risala-types", "risala-core", "risala-store", "risala-delivery", "risala-server"]),
    (
        "risala-testkit",
        &["risala-types", "risala-core", "risala-store", "risala-delivery", "risala-server", "risala-web"],
    ),
];

fn rank(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/pricing/cbp.rs` → `pricing`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("a component").as_os_str().to_string_lossy().to_string();
    first.trim_end_matches(".rs").to_string()
}

/// `crate::x` paths in code, with comments and string literals left out.
fn crate_refs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let before_ok = i == 0 || !rest[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$');
            let after = &rest[i + "crate::".len()..];
            let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if before_ok && !name.is_empty() {
                out.push((n + 1, name));
            }
            rest = after;
        }
    }
    out
}

#[test]
fn core_modules_import_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    for file in &files {
        if file.file_name().is_some_and(|f| f == "lib.rs") {
            continue;
        }
        let from = module_of(&src, file);
        let Some(from_rank) = rank(&from) else {
            violations.push(format!("{}: module `{from}` has no layer in tests/layers.rs", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read");
        for (line, to) in crate_refs(&text) {
            if to == from {
                continue;
            }
            let Some(to_rank) = rank(&to) else {
                continue; // items of lib.rs (re-exports such as `crate::ApiError`) sit in the foundation
            };
            let allowed = to_rank < from_rank || (to_rank == from_rank && from_rank == 0);
            if !allowed {
                violations.push(format!(
                    "{}:{line}: `{from}` (layer {from_rank}) uses `crate::{to}` (layer {to_rank})",
                    file.display()
                ));
            }
        }
    }
    assert!(violations.is_empty(), "imports against the layers:\n{}", violations.join("\n"));
}

#[test]
fn every_module_of_lib_has_a_layer() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).expect("lib.rs");
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod ").or_else(|| l.trim().strip_prefix("mod ")))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    assert!(modules.len() >= LAYERS.len(), "lib.rs declares {modules:?}");
    for m in modules {
        assert!(rank(m).is_some(), "module `{m}` of lib.rs has no layer in tests/layers.rs");
    }
}

/// `[dependencies]`, `[dev-dependencies]` and `[build-dependencies]` entries of a manifest
/// that name a workspace crate.
fn workspace_deps(manifest: &str, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_deps = t.ends_with("dependencies]");
            continue;
        }
        if !in_deps {
            continue;
        }
        let key = t.split(['=', '.', ' ']).next().unwrap_or("").trim();
        if names.contains(&key) {
            out.push(key.to_string());
        }
    }
    out
}

#[test]
fn crates_depend_one_way() {
    let crates_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let names: Vec<&str> = CRATES.iter().map(|(n, _)| *n).collect();
    let mut seen = BTreeMap::new();
    for entry in std::fs::read_dir(&crates_dir).expect("crates/") {
        let manifest = entry.expect("entry").path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else { continue };
        let name = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("name = "))
            .map(|n| n.trim_matches('"').to_string())
            .expect("package name");
        let allowed = CRATES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
            .unwrap_or_else(|| panic!("crate {name} has no place in tests/layers.rs"));
        for dep in workspace_deps(&text, &names) {
            let ok = allowed.contains(&dep.as_str()) || (dep == "risala-testkit" && name != "risala-testkit");
            assert!(ok, "{name} depends on {dep}, against the direction of the crates");
        }
        seen.insert(name, ());
    }
    assert_eq!(seen.len(), CRATES.len(), "crates found: {:?}", seen.keys().collect::<Vec<_>>());
}

#[test]
fn the_checks_catch_a_wrong_import() {
    // The scanner sees a `crate::` path in code and ignores one in a comment.
    let refs = crate_refs("use crate::messaging::X; // crate::tenancy\nlet a = my_crate::b;");
    assert_eq!(refs, vec![(1, "messaging".to_string())]);
    assert!(rank("pricing") < rank("messaging"));
    assert!(rank("model") < rank("store"));
    let deps = workspace_deps(
        "[package]\nname = \"x\"\n[dependencies]\nrisala-core = { workspace = true }\nserde = \"1\"\n",
        &["risala-core"],
    );
    assert_eq!(deps, ["risala-core"]);
}
