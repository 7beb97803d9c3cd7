//! The compatibility chapter's endpoint table: every operation of Meta's OpenAPI description
//! (`../shared/specs/`, read in place) with what Risala does with it, generated from the route
//! table. A row is *supported* when the route table has the method and path and Risala has
//! objects of the kind the path starts from; *partial* rows name what is missing; the rest are
//! *not yet*, with the reason. The chapter must equal what this test generates (run it with
//! `RISALA_WRITE_DOCS=1` to write it), and every supported or partial row is called on a running
//! server with real ids: none may answer "Unknown path components", "Unsupported request", 405
//! or a server error. On SQLite and PostgreSQL.

use std::collections::BTreeMap;
use std::path::PathBuf;

use risala_testkit::{engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use crate::route_table::{normalise, routes};

const SPEC: &str = "business-messaging-api_v23.0.yaml";
const START: &str = "<!-- endpoints:start -->";
const END: &str = "<!-- endpoints:end -->";

/// Path placeholders of the spec that name objects Risala has, with the kind's name.
const KINDS: &[(&str, &str)] = &[
    ("Application-ID", "app"),
    ("Business-ID", "business"),
    ("Phone-Number-ID", "phone_number"),
    ("WABA-ID", "waba"),
    ("WhatsApp-Business-Account-ID", "waba"),
    ("Media-ID", "media"),
    ("TEMPLATE_ID", "template"),
    ("Flow-ID", "flow"),
];

/// Operations that work but not in full: what is missing.
const PARTIAL: &[(&str, &str)] = &[
    (
        "POST /{Version}/{Phone-Number-ID}/register",
        "`data_localization_region` is refused: one server keeps all its data in one database",
    ),
    ("POST /{Version}/{Flow-ID}", "a JSON or form body; not multipart"),
    (
        "POST /{Version}/{Phone-Number-ID}/official_business_account",
        "the body Meta's guide documents (`business_website_url`, `supporting_links`, …); this file's `action` (`WITHDRAW_APPLICATION`, …) with `application_data` is refused (100)",
    ),
    (
        "POST /{Version}/{WABA-ID}",
        "only `is_enabled_for_insights=true` (template analytics); a WABA's other settings change through the admin API",
    ),
    (
        "GET /{Version}/{Phone-Number-ID}/settings",
        "reports calling, payload encryption and in-country storage off: Risala has none of them",
    ),
    (
        "POST /{Version}/{Phone-Number-ID}/settings",
        "turning calling, payload encryption, the identity-change hold or in-country storage on is refused (100)",
    ),
];

/// Operations whose route exists for other kinds of object but not for this one.
const NOT_FOR_KIND: &[(&str, &str)] = &[];

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One operation of the spec.
struct Operation {
    method: String,
    path: String,
    summary: String,
}

/// The spec's operations, in its order: the paths section read line by line (two spaces before
/// a path, four before a method, six before its summary), so no YAML parser is needed.
fn operations() -> Vec<Operation> {
    let file = repo_root().join("../shared/specs").join(SPEC);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut out: Vec<Operation> = Vec::new();
    let (mut in_paths, mut path) = (false, String::new());
    for line in text.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            in_paths = line == "paths:";
            continue;
        }
        if !in_paths {
            continue;
        }
        if let Some(p) = line.strip_prefix("  /") {
            path = format!("/{}", p.trim_end_matches(':'));
        } else if let Some(m) = line.strip_prefix("    ").and_then(|l| l.strip_suffix(':')) {
            if ["get", "post", "put", "patch", "delete"].contains(&m) {
                out.push(Operation { method: m.to_uppercase(), path: path.clone(), summary: String::new() });
            }
        } else if let Some(s) = line.strip_prefix("      summary: ") {
            if let Some(op) = out.last_mut().filter(|o| o.summary.is_empty()) {
                op.summary = s.trim_matches(|c| c == '\'' || c == '"').to_string();
            }
        }
    }
    assert!(out.len() >= 100, "only {} operations read from {SPEC}", out.len());
    out
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Supported,
    Partial,
    NotYet,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Supported => "supported",
            Status::Partial => "partial",
            Status::NotYet => "not yet",
        }
    }
}

/// The placeholders of a spec path, without `{Version}`.
fn placeholders(path: &str) -> Vec<&str> {
    path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).filter(|p| *p != "Version").collect()
}

fn key(op: &Operation) -> String {
    format!("{} {}", op.method, op.path)
}

/// What Risala does with `op`, and why.
fn status(op: &Operation, table: &BTreeMap<String, std::collections::BTreeSet<String>>) -> (Status, String) {
    let k = key(op);
    if op.path == "/whatsapp/webhooks" {
        return (Status::Supported, "Risala sends these to the business's webhook URL, signed".into());
    }
    let rest = op.path.strip_prefix("/{Version}").unwrap_or(&op.path);
    let first = placeholders(&op.path).first().copied().unwrap_or_default();
    let has_route = if first == "Media-URL" {
        // The `url` of a media object is the server's download route.
        op.method == "GET" && table.contains_key("/media-download/{id}")
    } else {
        let want = normalise(rest);
        table.iter().any(|(p, m)| normalise(p) == want && m.contains(&op.method.to_lowercase()))
    };
    if !has_route {
        return (Status::NotYet, "no route yet".into());
    }
    if first != "Media-URL" && !KINDS.iter().any(|(p, _)| *p == first) {
        return (Status::NotYet, format!("Risala has no `{first}` objects"));
    }
    if let Some((_, why)) = NOT_FOR_KIND.iter().find(|(o, _)| *o == k) {
        return (Status::NotYet, (*why).into());
    }
    match PARTIAL.iter().find(|(o, _)| *o == k) {
        Some((_, missing)) => (Status::Partial, (*missing).into()),
        None => (Status::Supported, String::new()),
    }
}

/// The chapter's table, as markdown.
fn table() -> String {
    let routes = routes();
    let ops = operations();
    let rows: Vec<(&Operation, Status, String)> = ops
        .iter()
        .map(|op| {
            let (s, why) = status(op, &routes);
            (op, s, why)
        })
        .collect();
    let count = |s: Status| rows.iter().filter(|r| r.1 == s).count();
    let mut out = format!(
        "Generated from the route table by the API tests (`compatibility` module; do not edit by hand). \
         Of the {} operations of Meta's OpenAPI description (`{SPEC}`): **{} supported**, {} partial, {} not yet.\n\n\
         | method | path | what it does | status | note |\n|---|---|---|---|---|\n",
        rows.len(),
        count(Status::Supported),
        count(Status::Partial),
        count(Status::NotYet),
    );
    for (op, s, why) in &rows {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            op.method,
            op.path,
            op.summary.replace('|', "\\|"),
            s.label(),
            why.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn the_compatibility_chapter_lists_every_endpoint_of_the_spec() {
    let file = repo_root().join("docs/src/compatibility.md");
    let chapter = std::fs::read_to_string(&file).unwrap();
    let (Some(a), Some(b)) = (chapter.find(START), chapter.find(END)) else {
        panic!("{} has no {START} … {END} markers", file.display())
    };
    let generated = format!("{START}\n{}{END}", table());
    let current = &chapter[a..b + END.len()];
    if std::env::var_os("RISALA_WRITE_DOCS").is_some() {
        std::fs::write(&file, chapter.replacen(current, &generated, 1)).unwrap();
    } else {
        assert!(
            current == generated,
            "docs/src/compatibility.md's endpoint table is out of date: run the API tests' `compatibility` \
             module with RISALA_WRITE_DOCS=1 and commit the result"
        );
    }
}

/// Ids of real objects of each kind the table calls supported.
async fn ids(app: &TestApp) -> BTreeMap<&'static str, String> {
    let media = app.upload("text/plain", b"compatibility probe").await;
    app.create_approved_templates(&[("compat_probe", "UTILITY", "Hello {{1}}, your order is ready.")]).await;
    let (s, list) = app.get(&format!("/v23.0/{}/message_templates?name=compat_probe", app.waba_id())).await;
    assert_eq!(s, 200, "{list}");
    let template = list["data"][0]["id"].as_str().unwrap().to_string();
    let flow = crate::flows::published(app, "compat_probe").await;
    BTreeMap::from([
        ("app", app.demo.ids.app_id.clone()),
        ("business", app.demo.ids.business_id.clone()),
        ("phone_number", app.phone_number_id().to_string()),
        ("waba", app.waba_id().to_string()),
        ("media", media),
        ("template", template),
        ("flow", flow),
    ])
}

/// Is `v` Graph's answer for a path or an object kind it does not serve?
fn unserved(status: u16, v: &Value) -> bool {
    let e = &v["error"];
    let message = e["message"].as_str().unwrap_or_default();
    status == 405
        || status >= 500
        || message.contains("Unknown path components")
        || (e["code"] == 100 && e["error_subcode"] == 33)
}

async fn every_supported_row_is_served(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let ids = ids(&app).await;
    let routes = routes();
    let mut ops: Vec<Operation> = operations().into_iter().filter(|op| op.path != "/whatsapp/webhooks").collect();
    // Reads first, deletions last, so a probe does not remove what a later one needs.
    ops.sort_by_key(|op| match op.method.as_str() {
        "GET" => 0,
        "DELETE" => 2,
        _ => 1,
    });
    let mut wrong = Vec::new();
    for op in ops.iter().filter(|op| status(op, &routes).0 != Status::NotYet) {
        let mut path = String::from("/v23.0");
        for seg in op.path.split('/').skip(2) {
            path.push('/');
            match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some("Media-URL") => {
                    let (_, m) = app.get(&format!("/v23.0/{}", ids["media"])).await;
                    let url = m["url"].as_str().unwrap().to_string();
                    path = url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap();
                    break;
                }
                Some(p) => match KINDS.iter().find(|(k, _)| *k == p) {
                    Some((_, kind)) => path.push_str(&ids[kind]),
                    None => path.push('0'),
                },
                None => path.push_str(seg),
            }
        }
        let req = match op.method.as_str() {
            "GET" => app.client.get(app.url(&path)),
            "POST" => app.client.post(app.url(&path)).json(&json!({})),
            "DELETE" => app.client.delete(app.url(&path)),
            other => panic!("method {other}"),
        };
        let resp = req.bearer_auth(risala_testkit::DEMO_TOKEN).send().await.unwrap();
        let s = resp.status().as_u16();
        let v: Value = resp.json().await.unwrap_or(Value::Null);
        if unserved(s, &v) {
            wrong.push(format!("{} {path} ({}): {s} {v}", op.method, op.path));
        }
    }
    assert!(wrong.is_empty(), "rows marked supported that the server does not serve: {wrong:#?}");
    app.stop().await;
}
engine_test!(every_supported_endpoint_is_served, super::every_supported_row_is_served);
