//! Retention, erasure and the audit log through the running server: bodies older than
//! `[retention] message_bodies` become tombstones once the sandbox clock passes them (statuses
//! and billing stay), the customer's history shows them as deleted; erasing a customer leaves no
//! trace of their words or name in the database file while other customers keep theirs, and a
//! second erasure changes nothing; admin and Graph configuration changes land in the audit log
//! with their actor, never with message text; the audit log and erasure need the admin token.
//! On SQLite and PostgreSQL.

use std::time::Duration;

use risala_core::store::DeliveryFilter;
use risala_testkit::customer::TestCustomer;
use risala_testkit::wait::eventually;
use risala_testkit::{assert_graph_error, engine_test, text_message, Database, Engine, TestApp};
use serde_json::{json, Value};

use crate::support::send_ok;

const ADMIN: &str = "operator-secret-token";
const ALICE: &str = "15550002222";
const BOB: &str = "15550003333";

async fn start(db: &Database, retention: Option<&str>) -> TestApp {
    let mut c = db.config();
    c.admin_token = Some(ADMIN.into());
    c.retention.message_bodies = retention.map(str::to_string);
    c.sign_in_code_file = Some(db.dir.path().join("codes.log"));
    TestApp::start_with(c).await.unwrap()
}

/// The customer's history with the demo number, newest first.
async fn history(app: &TestApp, c: &TestCustomer) -> Vec<Value> {
    let (s, v) = c.get(&format!("/customer/v1/chats/{}/messages", app.business_number())).await;
    assert_eq!(s, 200, "{v}");
    v["data"].as_array().unwrap().clone()
}

fn by_id<'a>(h: &'a [Value], id: &str) -> &'a Value {
    h.iter().find(|m| m["id"] == id).unwrap_or_else(|| panic!("{id} not in the history: {h:?}"))
}

async fn retention(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db, Some("30d")).await;
    let alice = app.customer(ALICE, "Alice").await;
    let said = alice.send(app.business_number(), json!({"type": "text", "text": {"body": "an old secret"}})).await;
    let media = alice.upload("image/png", b"\x89PNG\r\n\x1a\nold png".to_vec()).await;
    let image = alice.send(app.business_number(), json!({"type": "image", "image": {"media_id": media}})).await;
    let business_copy =
        app.state.store.message(&image).await.unwrap().unwrap().content["image"]["id"].as_str().unwrap().to_string();
    assert!(app.state.store.media(&business_copy).await.unwrap().is_some());
    let reply = send_ok(&app, text_message(ALICE, "an old reply")).await;
    let (s, v) = alice.ack(&reply, "read").await;
    assert_eq!(s, 200, "{v}");
    let ledger = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    assert_eq!(ledger.len(), 1, "the reply was charged: {ledger:?}");

    app.advance_clock("29d").await;
    // Sessions last 30 days: the customer signs in again.
    let alice = app.customer(ALICE, "Alice").await;
    let recent = alice.send(app.business_number(), json!({"type": "text", "text": {"body": "a recent one"}})).await;
    app.advance_clock("2d").await;
    let alice = app.customer(ALICE, "Alice").await;
    eventually("the sweep tombstones the old bodies", Duration::from_secs(10), async || {
        by_id(&history(&app, &alice).await, &said).get("deleted").is_some()
    })
    .await
    .unwrap();

    let h = history(&app, &alice).await;
    for (id, kind, status) in [(&said, "text", "received"), (&image, "image", "received"), (&reply, "text", "read")] {
        let m = by_id(&h, id);
        assert_eq!(m["deleted"]["reason"], "retention", "{m}");
        assert_eq!((m["type"].as_str(), m["status"].as_str()), (Some(kind), Some(status)), "{m}");
        assert!(m.get(kind).is_none(), "the body is gone: {m}");
    }
    assert_eq!(by_id(&h, &recent)["text"]["body"], "a recent one", "a body younger than 30 days stays");
    assert!(by_id(&h, &recent).get("deleted").is_none());
    assert_eq!(app.state.store.media(&business_copy).await.unwrap(), None, "the media went with the body");
    assert_eq!(app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap(), ledger, "billing is untouched");
    let (s, v) = alice.ack(&reply, "read").await;
    assert_eq!(s, 200, "statuses still apply to a tombstoned message: {v}");
    app.stop().await;
}

engine_test!(retention_tombstones_bodies_older_than_the_setting, super::retention);

/// Everything the database holds, as bytes (SQLite: the file after a checkpoint; PostgreSQL:
/// the rows of every table that names customers or carries bodies).
async fn raw_database(app: &TestApp) -> Vec<u8> {
    app.state.store.checkpoint().await.unwrap();
    match app.config.database_url {
        None => {
            let mut bytes = std::fs::read(app.config.sqlite_path()).unwrap();
            bytes.extend(std::fs::read(app.config.data_dir.join("risala.db-wal")).unwrap_or_default());
            bytes
        }
        Some(ref url) => {
            let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(conn);
            let mut out = Vec::new();
            for table in ["messages", "customers", "outbox", "media", "conversations", "customer_sessions"] {
                for row in client.query(&format!("SELECT CAST(t.* AS TEXT) FROM {table} t"), &[]).await.unwrap() {
                    out.extend(row.get::<_, String>(0).into_bytes());
                }
            }
            out
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The demo number blocks `wa_id` through the Graph API (owner configuration).
async fn block(app: &TestApp, wa_id: &str) {
    let (s, v) = app
        .post(
            &format!("/v23.0/{}/block_users", app.phone_number_id()),
            &json!({"messaging_product": "whatsapp", "block_users": [{"user": wa_id}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
}

async fn erase(app: &TestApp, wa_id: &str) -> (u16, Value) {
    app.post_as(&format!("/admin/v1/customers/{wa_id}/erase"), &json!({}), Some(ADMIN)).await
}

async fn erasure(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db, None).await;
    let alice = app.customer(ALICE, "Zephyrine Quillfeather").await;
    let bob = app.customer(BOB, "Bob").await;
    let (s, v) = app.post_as("/customer/v1/session/code", &json!({"phone": ALICE}), None).await;
    assert_eq!(s, 200, "{v}");
    alice.send(app.business_number(), json!({"type": "text", "text": {"body": "Marmalade-Lighthouse-7731"}})).await;
    let photo = alice.upload("image/png", b"\x89PNG\r\n\x1a\nalice png".to_vec()).await;
    alice.send(app.business_number(), json!({"type": "image", "image": {"media_id": photo}})).await;
    send_ok(&app, text_message(ALICE, "Reply-Tangerine-8842")).await;
    bob.send(app.business_number(), json!({"type": "text", "text": {"body": "Bob-keeps-this-5519"}})).await;
    block(&app, ALICE).await;
    let before = raw_database(&app).await;
    for trace in ["Marmalade-Lighthouse-7731", "Reply-Tangerine-8842", "Zephyrine Quillfeather", "Bob-keeps-this-5519"]
    {
        assert!(contains(&before, trace), "{trace} is stored before the erasure");
    }

    let (s, first) = erase(&app, &format!("+{ALICE}")).await;
    assert_eq!(s, 200, "{first}");
    let counts = &first["erased"];
    assert_eq!(counts["messages"], 3, "{first}");
    assert_eq!(counts["profiles"], 1, "{first}");
    assert_eq!(counts["conversations"], 1, "{first}");
    assert_eq!(counts["sessions"], 1, "{first}");
    assert_eq!(counts["sign_in_codes"], 1, "{first}");
    assert_eq!(counts["contacts"], 1, "the block: {first}");
    assert_eq!(counts["code_file_lines"], 1, "{first}");
    assert!(counts["media"].as_u64().unwrap() >= 2, "the upload and the business's copy: {first}");
    assert!(counts["webhook_deliveries"].as_u64().unwrap() >= 3, "{first}");
    let pseudonym = first["pseudonym"].as_str().unwrap();
    assert!(pseudonym.starts_with("erased-") && !pseudonym.contains(ALICE), "{pseudonym}");

    let after = raw_database(&app).await;
    for trace in ["Marmalade-Lighthouse-7731", "Reply-Tangerine-8842", "Zephyrine Quillfeather", "alice png"] {
        assert!(!contains(&after, trace), "{trace} is still in the database");
    }
    assert!(contains(&after, "Bob-keeps-this-5519"), "another customer's data stay");
    let codes = std::fs::read_to_string(db.dir.path().join("codes.log")).unwrap();
    assert!(!codes.contains(ALICE), "the sign-in code file forgot the number: {codes}");
    let deliveries = app.state.store.deliveries(&DeliveryFilter { limit: 1000, ..Default::default() }).await.unwrap();
    assert!(deliveries.iter().all(|d| !d.ordering_key.ends_with(ALICE)), "no webhook about them is left");
    assert!(deliveries.iter().any(|d| d.ordering_key.ends_with(BOB)), "Bob's webhooks stay");
    assert_eq!(history(&app, &bob).await.len(), 1);
    // Alice's session is gone: her token no longer opens anything.
    assert_graph_error(&alice.get("/customer/v1/chats").await, 401, 190);

    // Twice: the same state, nothing more to erase.
    let (s, second) = erase(&app, ALICE).await;
    assert_eq!(s, 200, "{second}");
    assert_eq!(second["pseudonym"], first["pseudonym"]);
    assert!(second["erased"].as_object().unwrap().values().all(|n| n == 0), "{second}");
    let again = raw_database(&app).await;
    assert!(!contains(&again, "Marmalade-Lighthouse-7731") && contains(&again, "Bob-keeps-this-5519"));
    assert_eq!(history(&app, &bob).await.len(), 1);

    // The audit log has both, under the pseudonym, with counts and no number.
    let (s, log) = app.get_as("/admin/v1/audit?action=customer.erase", Some(ADMIN)).await;
    assert_eq!(s, 200, "{log}");
    let entries = log["data"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{log}");
    assert!(entries.iter().all(|e| e["actor"] == "operator" && e["target"] == pseudonym), "{log}");
    assert!(!log.to_string().contains(ALICE), "{log}");

    // Bad input is a Graph error.
    assert_graph_error(&erase(&app, "not-a-number").await, 400, 131009);
    // A send to the erased number right after: what the server had cached of her (her name as
    // the business saw it, from the send before, and her conversation's window) is gone with
    // her, so the send is answered (not a 500 over rows that are gone) and no webhook brings
    // her name back.
    let (s, v) = app
        .post(
            &format!("/v23.0/{}/messages", app.phone_number_id()),
            &json!({"messaging_product": "whatsapp", "to": ALICE, "type": "text", "text": {"body": "Hello again"}}),
        )
        .await;
    assert!(s == 200 || s == 400, "{v}");
    let queued = serde_json::to_string(&app.outbox().await).unwrap();
    assert!(!queued.contains("Zephyrine Quillfeather"), "{queued}");
    app.stop().await;
}

engine_test!(erasure_removes_every_trace_of_one_customer, super::erasure);

/// A customer who comes back after an erasure (reached by a template again, reporting the
/// number again) is erased again like the first time: what is kept of both visits under the
/// pseudonym (the messaging limit's reach, the quality signals: one row a customer each) is
/// merged, not refused.
async fn erased_twice(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db, None).await;
    let number = app.business_number().to_string();
    let hello =
        json!({"to": ALICE, "type": "template", "template": {"name": "hello_world", "language": {"code": "en_US"}}});
    let mut pseudonyms = Vec::new();
    for visit in 1..=2 {
        let alice = app.customer(ALICE, "Alice").await;
        send_ok(&app, hello.clone()).await;
        let (s, v) = alice.post(&format!("/customer/v1/chats/{number}/report"), &json!({})).await;
        assert_eq!(s, 200, "{v}");
        let (s, v) = erase(&app, ALICE).await;
        assert_eq!(s, 200, "erasure after visit {visit}: {v}");
        assert_eq!((v["erased"]["profiles"].as_u64(), v["erased"]["messages"].as_u64()), (Some(1), Some(1)), "{v}");
        // The reach and the report at least (and the template's price).
        assert!(v["erased"]["pseudonymized"].as_u64().unwrap() >= 2, "{v}");
        pseudonyms.push(v["pseudonym"].clone());
    }
    assert_eq!(pseudonyms[0], pseudonyms[1]);
    let after = raw_database(&app).await;
    assert!(!contains(&after, ALICE), "the number is nowhere in the database");
    app.stop().await;
}

engine_test!(a_customer_erased_before_is_erased_again, super::erased_twice);

/// Another process (`risala admin customers erase` beside the server) erases a customer the
/// server has cached: a send to them right after is answered as a send to a number with no
/// customer (the server hears of the erasure at that send's commit, and reads again), not a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_right_after_another_process_erased_its_customer_reads_again() {
    use risala_core::model::Erasure;
    use risala_core::store::PrivacyStore;
    let db = Database::fresh(Engine::Sqlite).await.unwrap();
    let app = start(&db, None).await;
    let other = risala_server::open_store(&app.config).await.unwrap();
    for round in 0..5 {
        let wa_id = format!("1555000{round:04}");
        let customer = app.customer(&wa_id, "Rafiq").await;
        customer.send(app.business_number(), json!({"type": "text", "text": {"body": "hello"}})).await;
        // The server has them cached as this business sees them.
        send_ok(&app, text_message(&wa_id, "first")).await;
        let erasure = Erasure {
            wa_id: wa_id.clone(),
            pseudonym: format!("erased-test-{round}"),
            tombstone: json!({"erased": true}),
            media_ids: Vec::new(),
            at: 1,
        };
        assert_eq!(other.erase_customer(&erasure).await.unwrap().profiles, 1);
        let (s, v) =
            app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &text_message(&wa_id, "again")).await;
        // The sandbox makes the customer anew; the window their erased message opened is
        // gone with it, so the text is accepted and then fails as outside the window.
        assert_eq!(s, 200, "round {round}: {v}");
        let id = v["messages"][0]["id"].as_str().unwrap().to_string();
        let statuses: Vec<Value> = app.queued_statuses().await.into_iter().filter(|s| s["id"] == id.as_str()).collect();
        assert_eq!(statuses[0]["status"], "failed", "{statuses:?}");
        assert_eq!(statuses[0]["errors"][0]["code"], 131047, "{statuses:?}");
    }
    app.stop().await;
}

async fn audit(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db, None).await;
    let alice = app.customer(ALICE, "Alice").await;
    alice.send(app.business_number(), json!({"type": "text", "text": {"body": "Audit-Never-Sees-This"}})).await;
    send_ok(&app, text_message(ALICE, "Nor-This-Reply")).await;

    // Owner configuration through the Graph API, with the demo token.
    block(&app, ALICE).await;
    // An operator change through the admin API.
    let (s, v) = app
        .post_as(&format!("/admin/v1/wabas/{}/settings", app.waba_id()), &json!({"verified": true}), Some(ADMIN))
        .await;
    assert_eq!(s, 200, "{v}");
    // A refused change is not recorded.
    let (s, _) = app.post_as(&format!("/admin/v1/wabas/{}/settings", app.waba_id()), &json!({}), Some("wrong")).await;
    assert_eq!(s, 401);

    let (s, log) = app.get_as("/admin/v1/audit", Some(ADMIN)).await;
    assert_eq!(s, 200, "{log}");
    let entries = log["data"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{log}");
    let (admin, owner) = (&entries[0], &entries[1]);
    assert_eq!(admin["actor"], "operator");
    assert_eq!(admin["action"], "POST /admin/v1/wabas/{id}/settings");
    assert_eq!(admin["target"], app.waba_id());
    assert_eq!(admin["business_id"], app.demo.ids.business_id.as_str());
    assert_eq!(admin["detail"], "kind=waba fields=verified");
    assert_eq!(admin["address"], "127.0.0.1");
    assert!(owner["actor"].as_str().unwrap().starts_with("token:"), "{owner}");
    assert_eq!(owner["action"], "POST /{id}/block_users");
    assert_eq!(owner["target"], app.phone_number_id());
    assert_eq!(owner["business_id"], app.demo.ids.business_id.as_str());
    assert!(!log.to_string().contains("Audit-Never-Sees-This") && !log.to_string().contains("Nor-This-Reply"));

    // Filters and paging.
    let actor = owner["actor"].as_str().unwrap();
    let (_, only) = app.get_as(&format!("/admin/v1/audit?actor={actor}"), Some(ADMIN)).await;
    assert_eq!(only["data"].as_array().unwrap().len(), 1, "{only}");
    let (_, page) = app.get_as("/admin/v1/audit?limit=1", Some(ADMIN)).await;
    assert_eq!(page["data"][0]["id"], admin["id"]);
    let (_, next) =
        app.get_as(&format!("/admin/v1/audit?limit=1&before={}", page["paging"]["before"]), Some(ADMIN)).await;
    assert_eq!(next["data"][0]["id"], owner["id"], "{next}");
    let (_, none) = app.get_as(&format!("/admin/v1/audit?since={}", i64::MAX), Some(ADMIN)).await;
    assert_eq!(none["data"], json!([]));
    let (_, other) = app.get_as("/admin/v1/audit?business_id=someone-else", Some(ADMIN)).await;
    assert_eq!(other["data"], json!([]));
    assert_graph_error(&app.get_as("/admin/v1/audit?limit=0", Some(ADMIN)).await, 400, 100);
    assert_graph_error(&app.get_as("/admin/v1/audit?since=yesterday", Some(ADMIN)).await, 400, 100);

    // Only the operator: no token, a wrong one, a business's token.
    assert_graph_error(&app.get_as("/admin/v1/audit", None).await, 400, 104);
    assert_graph_error(&app.get_as("/admin/v1/audit", Some("wrong")).await, 401, 190);
    assert_graph_error(&app.get("/admin/v1/audit").await, 401, 190);
    app.stop().await;
}

engine_test!(audit_log_records_admin_and_graph_changes, super::audit);

/// In sandbox mode without an admin token a business's token may use the admin API for its
/// own business, but neither erasure nor the audit log, which span businesses.
async fn business_token(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    assert_graph_error(&app.get("/admin/v1/audit").await, 403, 10);
    assert_graph_error(&app.post(&format!("/admin/v1/customers/{ALICE}/erase"), &json!({})).await, 403, 10);
    app.stop().await;
}

engine_test!(erasure_and_audit_refuse_a_business_token, super::business_token);

/// Behind a trusted reverse proxy the client is the last address of `X-Forwarded-For` the proxy
/// appended; from any other peer the header is the client's word and ignored.
async fn forwarded_clients(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = db.config();
    c.admin_token = Some(ADMIN.into());
    c.connections.trusted_proxies = vec!["127.0.0.0/8".into()];
    let app = TestApp::start_with(c).await.unwrap();
    let settings = format!("{}/admin/v1/wabas/{}/settings", app.base, app.waba_id());
    let resp = app
        .client
        .post(&settings)
        .bearer_auth(ADMIN)
        .header("x-forwarded-for", "10.9.9.9, 203.0.113.9")
        .json(&json!({"verified": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (_, log) = app.get_as("/admin/v1/audit", Some(ADMIN)).await;
    assert_eq!(log["data"][0]["address"], "203.0.113.9", "{log}");
    app.stop().await;

    // Without the setting the same header changes nothing.
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db, None).await;
    let settings = format!("{}/admin/v1/wabas/{}/settings", app.base, app.waba_id());
    let resp = app
        .client
        .post(&settings)
        .bearer_auth(ADMIN)
        .header("x-forwarded-for", "203.0.113.9")
        .json(&json!({"verified": true}));
    assert_eq!(resp.send().await.unwrap().status(), 200);
    let (_, log) = app.get_as("/admin/v1/audit", Some(ADMIN)).await;
    assert_eq!(log["data"][0]["address"], "127.0.0.1", "{log}");
    app.stop().await;
}
engine_test!(behind_a_trusted_proxy_the_forwarded_client_counts, super::forwarded_clients);

/// Wrong admin tokens are limited per address, as on the operator console's sign-in: five,
/// then even the right one waits (code 17, Meta's user request limit).
async fn admin_token_guesses(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db, None).await;
    assert_eq!(app.get_as("/admin/v1/audit", Some(ADMIN)).await.0, 200);
    for i in 0..5 {
        assert_graph_error(&app.get_as("/admin/v1/audit", Some(&format!("guess-{i}"))).await, 401, 190);
    }
    let e = assert_graph_error(&app.get_as("/admin/v1/audit", Some("guess-5")).await, 400, 17);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("Too many wrong admin tokens"), "{e}");
    assert_graph_error(&app.get_as("/admin/v1/audit", Some(ADMIN)).await, 400, 17);
    app.stop().await;
}
engine_test!(wrong_admin_tokens_are_limited_per_address, super::admin_token_guesses);
