//! The whole sandbox as one file (`GET /sandbox/v1/export`, `POST /sandbox/v1/import`): a round
//! trip into a fresh server (other keys, and the other engine when PostgreSQL is available)
//! answers the same Graph reads and serves the same media bytes; a file that fails any check
//! (format version, a missing table, a broken foreign key, media bytes against their hash)
//! changes nothing; only the operator may export or import.

use risala_testkit::{assert_graph_error, engine_test, postgres_or_skip, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::{json, Value};

use std::time::Duration;

use risala_testkit::webhooks::WebhookReceiver;

use crate::support::{customer_in_window, send_ok, subscribe, CUSTOMER};

const ADMIN: &str = "operator-state-token";

/// A sandbox with the admin token; `encrypt`: message bodies, payloads and media sealed at rest.
async fn start_sealed(engine: Engine, encrypt: bool) -> (Database, TestApp) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = db.config();
    c.admin_token = Some(ADMIN.into());
    c.encrypt_at_rest = Some(encrypt);
    let app = TestApp::start_with(c).await.unwrap();
    (db, app)
}

async fn start(engine: Engine) -> (Database, TestApp) {
    start_sealed(engine, false).await
}

async fn export(app: &TestApp) -> Vec<u8> {
    let r = app.client.get(app.url("/sandbox/v1/export")).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/x-ndjson");
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"risala-state-"));
    r.bytes().await.unwrap().to_vec()
}

async fn import(app: &TestApp, file: Vec<u8>) -> (u16, Value) {
    let r = app.client.post(app.url("/sandbox/v1/import")).bearer_auth(ADMIN).body(file).send().await.unwrap();
    risala_testkit::json_response(r).await
}

/// A sandbox with a conversation, a media file sent, and an approved template.
async fn busy(app: &TestApp) -> Objects {
    let _customer = customer_in_window(app).await;
    send_ok(app, json!({"type": "text", "text": {"body": "hello from the business"}})).await;
    let media = app.upload("image/png", b"\x89PNG\r\n\x1a\n state file bytes").await;
    send_ok(app, json!({"type": "image", "image": {"id": media}})).await;
    app.create_approved_templates(&[("order_ready", "UTILITY", "Hi {{1}}, your order is ready")]).await;
    Objects { waba: app.waba_id().to_string(), phone: app.phone_number_id().to_string(), media }
}

/// The objects of a sandbox's demo tenant that the reads ask about: its WABA, its number and a
/// media file (an import brings the exporting server's tenant, so these are that server's).
struct Objects {
    waba: String,
    phone: String,
    media: String,
}

/// What the Graph API answers about the sandbox: templates, numbers, a media file (its
/// download link aside: signed per server) and its bytes, and the conversations.
async fn reads(app: &TestApp, o: &Objects) -> Vec<Value> {
    let mut out = Vec::new();
    for path in [
        format!("/v23.0/{}/message_templates", o.waba),
        format!("/v23.0/{}/phone_numbers", o.waba),
        format!("/v23.0/{}", o.phone),
    ] {
        let (s, v) = app.get(&path).await;
        assert_eq!(s, 200, "{path}: {v}");
        out.push(v);
    }
    let (s, mut info) = app.get(&format!("/v23.0/{}", o.media)).await;
    assert_eq!(s, 200, "{info}");
    let url = info["url"].as_str().unwrap().to_string();
    info.as_object_mut().unwrap().remove("url");
    out.push(info);
    let r = app.client.get(&url).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    assert_eq!(r.status(), 200);
    out.push(json!(r.bytes().await.unwrap().to_vec()));
    let path = format!("/admin/v1/phone_numbers/{}/conversations", o.phone);
    let (s, v) = app.get_as(&path, Some(ADMIN)).await;
    assert_eq!(s, 200, "{v}");
    out.push(v);
    out
}

/// The rows of a state file, in an order that does not depend on the engine's collation. An
/// outbox row keeps what was queued (id to payload): its delivery state is the webhook worker's,
/// which goes on running on either server.
fn rows(file: &[u8]) -> Vec<String> {
    let text = String::from_utf8(file.to_vec()).unwrap();
    let queued = |line: &str| {
        let mut v: Value = serde_json::from_str(line).unwrap();
        if v["t"] == "outbox" {
            v["r"].as_array_mut().unwrap().truncate(7);
        }
        v.to_string()
    };
    let mut rows: Vec<String> = text.lines().skip(1).map(queued).collect();
    rows.sort();
    rows
}

fn header(file: &[u8]) -> Value {
    let text = String::from_utf8(file.to_vec()).unwrap();
    serde_json::from_str(text.lines().next().unwrap()).unwrap()
}

/// Export from a server on `from` and import into a fresh one on `to`; `sealed`: whether each
/// encrypts bodies and media at rest (the file holds them opened either way).
async fn round_trip(from: (Engine, bool), to: (Engine, bool)) {
    let (from, a_sealed) = from;
    let (_da, a) = start_sealed(from, a_sealed).await;
    let objects = busy(&a).await;
    let before = reads(&a, &objects).await;
    let file = export(&a).await;
    let h = header(&file);
    assert_eq!((h["format"].as_str(), h["format_version"].as_i64()), (Some("risala-state"), Some(1)), "{h}");
    let engine = if from == Engine::Sqlite { "sqlite" } else { "postgres" };
    assert_eq!(h["engine"], engine);
    assert!(h["schema_version"].as_i64().unwrap() > 0 && h["risala_version"].is_string(), "{h}");
    let text = String::from_utf8(file.clone()).unwrap();
    assert!(text.contains("hello from the business"), "bodies travel opened");
    assert!(!text.contains("\"keyring_check\""), "the key check stays the server's");
    a.stop().await;

    // A fresh server: its own keys, its own demo tenant, maybe the other engine.
    let (_db, b) = start_sealed(to.0, to.1).await;
    // B's own tenant, read (and cached) before the import replaces it.
    let own = format!("/v23.0/{}/phone_numbers", b.waba_id());
    assert_eq!(b.get(&own).await.0, 200);
    let (s, v) = import(&b, file.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["success"], true);
    assert!(v["media"].as_i64().unwrap() >= 2, "the upload and the customer's copy: {v}");
    assert_eq!(reads(&b, &objects).await, before, "the same reads after the import");
    assert_graph_error(&b.get(&own).await, 400, 100);
    // Exported again, the same rows: nothing lost, nothing added but the audit log's record of
    // the import.
    let (imports, again): (Vec<String>, Vec<String>) =
        rows(&export(&b).await).into_iter().partition(|r| r.contains("POST /sandbox/v1/import"));
    assert_eq!(again, rows(&file));
    assert_eq!(imports.len(), 1, "{imports:?}");
    // The imported state is live: the conversation goes on, from the imported number.
    let path = format!("/v23.0/{}/messages", objects.phone);
    let text =
        json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text", "text": {"body": "after the import"}});
    let (s, v) = b.post(&path, &text).await;
    assert_eq!(s, 200, "{v}");
    b.stop().await;
}

async fn same_engine(engine: Engine) {
    round_trip((engine, false), (engine, false)).await;
    // Sealed at rest on the exporting server, in the clear in the file, sealed with the
    // importing server's own keys (its own choice) after.
    round_trip((engine, true), (engine, false)).await;
    round_trip((engine, false), (engine, true)).await;
}
engine_test!(a_state_file_round_trip_answers_the_same_reads, super::same_engine);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_file_moves_between_sqlite_and_postgres() {
    if !postgres_or_skip() {
        return;
    }
    round_trip((Engine::Sqlite, true), (Engine::Postgres, false)).await;
    round_trip((Engine::Postgres, false), (Engine::Sqlite, true)).await;
}

/// Whether `rcv` accepted a status change of message `id`.
fn has_status(rcv: &WebhookReceiver, id: &str) -> bool {
    rcv.accepted().iter().any(|(_, _, v)| v["statuses"].as_array().into_iter().flatten().any(|s| s["id"] == id))
}

/// An import takes effect at once: what the server kept in memory from before it (where
/// webhooks go, the FAQ entries that answer customers) is dropped, not served until it expires.
async fn takes_effect_at_once(engine: Engine) {
    let (_db, app) = start(engine).await;
    let first = WebhookReceiver::start("state-verify").await.unwrap();
    subscribe(&app, &first, "state-verify").await;
    let customer = customer_in_window(&app).await;
    let file = export(&app).await;

    // After the export: another callback and an FAQ entry, each used (so kept in memory).
    let second = WebhookReceiver::start("state-verify").await.unwrap();
    subscribe(&app, &second, "state-verify").await;
    let faq = json!({"question": "Do you deliver?", "answer": "Yes, within the city.", "keywords": ["deliver"]});
    let (s, v) = app.post(&format!("/tools/v1/{}/faq", app.phone_number_id()), &faq).await;
    assert_eq!(s, 200, "{v}");
    let chat = |app: &TestApp| {
        let store = app.state.store.clone();
        let phone = app.phone_number_id().to_string();
        async move { store.chat_history(&phone, CUSTOMER, None, 100).await.unwrap() }
    };
    let question = json!({"type": "text", "text": {"body": "Do you deliver?"}});
    customer.send(app.business_number(), question.clone()).await;
    let latest = chat(&app).await;
    assert_eq!(latest[0].content["body"]["text"], "Yes, within the city.", "answered before the import");
    let before = send_ok(&app, json!({"type": "text", "text": {"body": "before"}})).await;
    assert!(second.wait_until(Duration::from_secs(10), |r| has_status(r, &before)).await);

    // The file's state: the first callback, no FAQ entry.
    let (s, v) = import(&app, file).await;
    assert_eq!(s, 200, "{v}");
    let after = send_ok(&app, json!({"type": "text", "text": {"body": "after"}})).await;
    assert!(first.wait_until(Duration::from_secs(10), |r| has_status(r, &after)).await, "the file's callback");
    assert!(!has_status(&second, &after), "not the callback set after the export");
    let asked = customer.send(app.business_number(), question).await;
    let latest = chat(&app).await;
    assert_eq!(latest[0].id, asked, "no answer from an entry the file does not have: {:?}", latest[0]);
    app.stop().await;
}
engine_test!(an_imported_state_takes_effect_at_once, super::takes_effect_at_once);

/// `file` with each line passed through `edit` (line number, parsed line).
fn edited(file: &[u8], edit: impl Fn(usize, &mut Value) -> bool) -> Vec<u8> {
    let text = String::from_utf8(file.to_vec()).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut v: Value = serde_json::from_str(line).unwrap();
        if edit(i, &mut v) {
            out.push_str(&v.to_string());
            out.push('\n');
        }
    }
    out.into_bytes()
}

async fn broken_files(engine: Engine) {
    let (_d, app) = start(engine).await;
    let objects = busy(&app).await;
    let file = export(&app).await;
    let before = reads(&app, &objects).await;
    let state_before = rows(&export(&app).await);

    let bad_version = edited(&file, |i, v| {
        if i == 0 {
            v["format_version"] = json!(99);
        }
        true
    });
    let no_table = edited(&file, |i, v| {
        if i == 0 {
            let tables = v["tables"].as_array_mut().unwrap();
            tables.retain(|t| t["name"] != "templates");
        }
        v["t"] != "templates"
    });
    // A phone number of a WABA the file does not hold.
    let broken_fk = {
        let h = header(&file);
        let cols = h["tables"].as_array().unwrap().iter().find(|t| t["name"] == "phone_numbers").unwrap()["columns"]
            .as_array()
            .unwrap()
            .clone();
        let waba = cols.iter().position(|c| c == "waba_id").unwrap();
        edited(&file, |_, v| {
            if v["t"] == "phone_numbers" {
                v["r"][waba] = json!("999000999");
            }
            true
        })
    };
    let wrong_media = {
        let h = header(&file);
        let cols = h["tables"].as_array().unwrap().iter().find(|t| t["name"] == "media_chunks").unwrap()["columns"]
            .as_array()
            .unwrap()
            .clone();
        let data = cols.iter().position(|c| c == "data").unwrap();
        edited(&file, |_, v| {
            if v["t"] == "media_chunks" {
                v["r"][data] = json!({"base64": "AAAA"});
            }
            true
        })
    };
    // The same length, other bytes: one base64 character changed.
    let wrong_hash = {
        let text = String::from_utf8(file.clone()).unwrap();
        let at = text.find("{\"base64\":\"").unwrap() + 11;
        let mut bytes = text.into_bytes();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        bytes
    };
    let cut_short = {
        let text = String::from_utf8(file.clone()).unwrap();
        let n = text.lines().count();
        text.lines().take(n - 1).collect::<Vec<_>>().join("\n").into_bytes()
    };
    for (file, says) in [
        (bad_version, "format version 99"),
        (no_table, "no table 'templates'"),
        (broken_fk, "waba_id '999000999' names no row of wabas"),
        (wrong_media, "bytes where its file_size says"),
        (wrong_hash, "do not match its sha256"),
        (cut_short, "cut short"),
        (b"not a state file".to_vec(), "not a Risala state file"),
    ] {
        let e = assert_graph_error(&import(&app, file).await, 400, 100);
        let msg = e["error_data"]["details"].as_str().unwrap();
        assert!(msg.contains(says), "{says}: {e}");
    }
    assert_eq!(reads(&app, &objects).await, before, "the refused files changed nothing");
    assert_eq!(rows(&export(&app).await), state_before);
    app.stop().await;
}
engine_test!(an_invalid_state_file_changes_nothing, super::broken_files);

async fn operator_only(engine: Engine) {
    let (_d, app) = start(engine).await;
    let file = export(&app).await;
    for token in [None, Some(DEMO_TOKEN), Some("wrong-token")] {
        let mut get = app.client.get(app.url("/sandbox/v1/export"));
        let mut post = app.client.post(app.url("/sandbox/v1/import")).body(file.clone());
        if let Some(t) = token {
            get = get.bearer_auth(t);
            post = post.bearer_auth(t);
        }
        for req in [get, post] {
            let (s, v) = risala_testkit::json_response(req.send().await.unwrap()).await;
            assert!(matches!(s, 400 | 401 | 403), "{token:?}: {s} {v}");
            assert!(v["error"]["code"].is_i64(), "{v}");
        }
    }
    app.stop().await;
}
engine_test!(only_the_operator_exports_and_imports, super::operator_only);
