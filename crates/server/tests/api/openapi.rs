//! `GET /openapi.json`: an OpenAPI 3.1 document that describes every route of the route table
//! (read from `src/routes/mod.rs`, and from the files of sub-routers merged into it, at test
//! time, so a new route without documentation fails here), with every `$ref` resolving and
//! every path parameter declared.

use std::collections::{BTreeMap, BTreeSet};

use risala_testkit::{engine_test, Database, Engine, TestApp};
use serde_json::Value;

use crate::route_table::{normalise, routes, METHODS};

/// The document's paths, normalised (a leading `/{Version}` segment dropped too), with the
/// methods each documents.
fn documented(doc: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, item) in doc["paths"].as_object().expect("paths") {
        let methods: BTreeSet<String> =
            item.as_object().expect("path item").keys().filter(|k| METHODS.contains(&k.as_str())).cloned().collect();
        let mut forms = vec![normalise(key)];
        if let Some(rest) = key.strip_prefix("/{Version}/") {
            forms.push(normalise(&format!("/{rest}")));
        }
        for f in forms {
            out.entry(f).or_default().extend(methods.iter().cloned());
        }
    }
    out
}

/// Every `$ref` (and discriminator mapping) in `v`, with where it was found.
fn refs<'a>(v: &'a Value, at: &str, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let here = format!("{at}/{k}");
                match (k.as_str(), child) {
                    ("$ref", Value::String(r)) => out.push((here, r)),
                    ("discriminator", Value::Object(d)) => {
                        for target in d.get("mapping").and_then(Value::as_object).into_iter().flat_map(|m| m.values()) {
                            out.push((here.clone(), target.as_str().expect("mapping target is a string")));
                        }
                    }
                    _ => refs(child, &here, out),
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                refs(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Follow a `$ref` if `v` is one.
fn deref<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or_else(|| panic!("dangling {r}")),
        None => v,
    }
}

fn check_document(doc: &Value) {
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "openapi: {}", doc["openapi"]);
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    // Every route of the route table, with each of its methods.
    let documented = documented(doc);
    let mut missing = Vec::new();
    for (path, methods) in routes() {
        match documented.get(&normalise(&path)) {
            None => missing.push(format!("{path} (not in paths)")),
            Some(have) => {
                for m in methods.difference(have) {
                    missing.push(format!("{} {path}", m.to_uppercase()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "routes missing from /openapi.json: {missing:#?}");

    // Every reference resolves inside `components`.
    let mut found = Vec::new();
    refs(doc, "#", &mut found);
    assert!(found.len() > 50, "suspiciously few references: {}", found.len());
    for (at, r) in found {
        assert!(r.starts_with("#/components/"), "{at}: {r} does not point into components");
        assert!(doc.pointer(&r[1..]).is_some(), "{at}: {r} does not resolve");
    }

    // Path parameters: each `{name}` of a path is declared as a path parameter, and back;
    // operation ids are unique; every operation has responses.
    let mut ids = BTreeSet::new();
    for (key, item) in doc["paths"].as_object().unwrap() {
        let in_key: BTreeSet<String> =
            key.split('{').skip(1).map(|s| s.split('}').next().unwrap().to_string()).collect();
        let path_level = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        for (method, op) in item.as_object().unwrap().iter().filter(|(k, _)| METHODS.contains(&k.as_str())) {
            let op_level = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            let declared: BTreeSet<String> = path_level
                .iter()
                .chain(op_level.iter())
                .map(|p| deref(doc, p))
                .filter(|p| p["in"] == "path")
                .map(|p| {
                    assert_eq!(p["required"], true, "{method} {key}: path parameter {} must be required", p["name"]);
                    p["name"].as_str().unwrap().to_string()
                })
                .collect();
            assert_eq!(declared, in_key, "{method} {key}: declared path parameters");
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {key}: operationId"));
            assert!(ids.insert(id.to_string()), "operationId {id} is used twice");
            assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {key}: responses");
        }
    }
}

#[test]
fn the_route_table_scan_finds_the_routes() {
    let r = routes();
    assert!(r.len() >= 20, "only {} routes found: {r:?}", r.len());
    assert_eq!(r["/openapi.json"], BTreeSet::from(["get".to_string()]));
    assert!(r["/{id}"].is_superset(&BTreeSet::from(["delete".to_string(), "get".to_string()])), "{r:?}");
    assert_eq!(normalise("/{Version}/{Phone-Number-ID}/messages"), "/{}/{}/messages");
}

#[test]
fn the_document_describes_every_route() {
    check_document(&risala_server::openapi::document());
}

async fn served(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let resp = app.client.get(app.url("/openapi.json")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(ct.starts_with("application/json"), "content type {ct}");
    let doc: Value = resp.json().await.unwrap();
    check_document(&doc);

    // The customer API in detail: the session scheme, every inbound type, the stream frames.
    let components = &doc["components"];
    assert_eq!(components["securitySchemes"]["customerSession"]["scheme"], "bearer");
    let kinds = components["schemas"]["InboundMessage"]["discriminator"]["mapping"].as_object().unwrap();
    for k in risala_core::inbound::InboundKind::ALL {
        assert!(kinds.contains_key(k.as_str()), "inbound type {} is not documented", k.as_str());
    }
    for frame in ["StreamServerFrame", "StreamDeviceFrame"] {
        assert!(components["schemas"][frame]["oneOf"].is_array(), "{frame}");
    }
    let error = &components["schemas"]["GraphError"]["properties"];
    for field in ["message", "type", "code", "error_subcode", "error_data", "is_transient", "fbtrace_id"] {
        assert!(error.get(field).is_some(), "GraphError.{field}");
    }
    let send = &doc["paths"]["/{Version}/{Phone-Number-ID}/messages"]["post"]["responses"]["400"]["$ref"];
    assert_eq!(send, "#/components/responses/Error400");

    // Versioned like every Graph path.
    let (s, v) = app.get_as("/v23.0/openapi.json", None).await;
    assert_eq!(s, 200);
    assert_eq!(v, doc);
    app.stop().await;
}
engine_test!(openapi_is_served, super::served);
