//! Message bodies and webhook payloads at rest through the running server: with
//! `encrypt_at_rest` the send / receive / status / webhook flow works as before and the
//! database holds none of the texts; without it the texts are there (so the check can fail);
//! and the webhook POST (bytes and signature) is the same with the switch on and off.

use std::time::Duration;

use risala_core::model::NewOutboxEvent;
use risala_server::Config;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{engine_test, text_message, Database, Engine, TestApp};
use serde_json::{json, Value};

use crate::support::send_ok;

const TOKEN: &str = "at-rest-verify-token";
const CUSTOMER: &str = "16505551234";
const INBOUND: &str = "inbound text Zanzibar-4217";
const OUTBOUND: &str = "outbound text Quixotic-7731";
const OPAQUE: &str = "opaque Marmalade-9902";
const MEDIA_TEXT: &str = "Quarzwald media secret 5521";

fn config(db: &Database, encrypt: bool) -> Config {
    Config { encrypt_at_rest: Some(encrypt), ..db.config() }
}

async fn subscribe(app: &TestApp, rcv: &WebhookReceiver) {
    rcv.set_app_secret(&app.demo.app.app_secret);
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": TOKEN, "fields": "messages"});
    let (s, b) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &body).await;
    assert_eq!(s, 200, "{b}");
}

/// Whether any of `texts` is stored in the database in plain text: the SQLite files' bytes
/// after a checkpoint, or PostgreSQL's body columns (the inbox's notes among them).
pub async fn stored_in_plain(app: &TestApp, texts: &[&str]) -> bool {
    app.state.store.checkpoint().await.unwrap();
    let mut haystacks: Vec<Vec<u8>> = Vec::new();
    match app.config.database_url {
        None => {
            for entry in std::fs::read_dir(&app.config.data_dir).unwrap() {
                let path = entry.unwrap().path();
                if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("risala.db")) {
                    haystacks.push(std::fs::read(path).unwrap());
                }
            }
            assert!(!haystacks.is_empty(), "no database file in {}", app.config.data_dir.display());
        }
        Some(_) => {
            let store = risala_server::open_store(&app.config).await.unwrap();
            for sql in [
                "SELECT content || coalesce(biz_opaque, '') || coalesce(error, '') FROM messages",
                "SELECT value FROM outbox",
                "SELECT body FROM conversation_notes",
            ] {
                for r in store.db().query(sql, vec![]).await.unwrap() {
                    haystacks.push(r.text(0).unwrap().into_bytes());
                }
            }
            for r in store.db().query("SELECT data FROM media_chunks", vec![]).await.unwrap() {
                haystacks.push(r.blob(0).unwrap());
            }
        }
    }
    haystacks.iter().any(|h| texts.iter().any(|t| h.windows(t.len()).any(|w| w == t.as_bytes())))
}

/// A customer writes, the business answers, the customer reads; the webhooks carry the texts.
async fn conversation(app: &TestApp, rcv: &WebhookReceiver) {
    let c = app.customer(CUSTOMER, "Alice").await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": INBOUND}})).await;
    let mut send = text_message(CUSTOMER, OUTBOUND);
    send["biz_opaque_callback_data"] = json!(OPAQUE);
    let id = send_ok(app, send).await;
    let mut device = c.connect().await;
    let m = device.next_message().await;
    assert_eq!((m["id"].as_str(), m["text"]["body"].as_str()), (Some(id.as_str()), Some(OUTBOUND)), "{m}");
    let (s, v) = c.ack(&id, "read").await;
    assert_eq!((s, v["changed"].as_bool()), (200, Some(true)), "{v}");

    // The chat history reads the stored bodies back.
    let (s, v) = c.get(&format!("/customer/v1/chats/{}/messages", app.business_number())).await;
    assert_eq!(s, 200, "{v}");
    let texts = v.to_string();
    assert!(texts.contains(INBOUND) && texts.contains(OUTBOUND), "{v}");

    // The webhooks: the inbound text, and sent then read with the opaque data.
    app.state.delivery.wake();
    let statuses = |r: &WebhookReceiver| -> Vec<Value> {
        r.accepted().into_iter().flat_map(|(_, _, v)| v["statuses"].as_array().cloned().unwrap_or_default()).collect()
    };
    let done = rcv
        .wait_until(Duration::from_secs(20), |r| {
            let inbound = r.accepted().iter().any(|(_, _, v)| v["messages"][0]["text"]["body"] == INBOUND);
            inbound && statuses(r).iter().any(|s| s["status"] == "read")
        })
        .await;
    assert!(done, "webhooks: {:?}", rcv.accepted());
    for s in statuses(rcv).iter().filter(|s| s["id"] == id.as_str()) {
        assert_eq!(s["biz_opaque_callback_data"], OPAQUE, "{s}");
    }
    assert!(rcv.posts().iter().all(|p| p.signature_valid == Some(true)), "every POST signed with the app secret");
}

async fn flow(engine: Engine, encrypt: bool) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start_with(config(&db, encrypt)).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    subscribe(&app, &rcv).await;
    conversation(&app, &rcv).await;
    // A file the business uploads is stored in chunks, encrypted as the bodies are, and comes
    // back byte for byte.
    let file = format!("%PDF-1.4\n{MEDIA_TEXT}\n").into_bytes();
    let (s, v) = app.upload_raw("application/pdf", "terms.pdf", file.clone()).await;
    assert_eq!(s, 200, "{v}");
    let (s, info) = app.get(&format!("/v23.0/{}", v["id"].as_str().unwrap())).await;
    assert_eq!(s, 200, "{info}");
    let got =
        app.client.get(info["url"].as_str().unwrap()).bearer_auth(risala_testkit::DEMO_TOKEN).send().await.unwrap();
    assert_eq!(got.bytes().await.unwrap().to_vec(), file);
    assert_eq!(stored_in_plain(&app, &[INBOUND, OUTBOUND, OPAQUE, MEDIA_TEXT]).await, !encrypt);
    app.stop().await;
}

async fn encrypted(engine: Engine) {
    flow(engine, true).await;
}
engine_test!(with_encrypt_at_rest_the_flow_works_and_no_text_is_stored, super::encrypted);

async fn plain(engine: Engine) {
    flow(engine, false).await;
}
engine_test!(without_encrypt_at_rest_texts_are_stored_as_before, super::plain);

/// The same event queued with the switch off, then (restarted on the same data) on: the
/// receiver gets the same bytes with the same signature, and only the second row is encrypted.
async fn same_post(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    let mut stored = Vec::new();
    for (n, encrypt) in [false, true].into_iter().enumerate() {
        let app = TestApp::start_with(config(&db, encrypt)).await.unwrap();
        if n == 0 {
            subscribe(&app, &rcv).await;
        }
        let event = NewOutboxEvent {
            business_id: app.demo.ids.business_id.clone(),
            waba_id: app.waba_id().to_string(),
            phone_number_id: Some(app.phone_number_id().to_string()),
            ordering_key: format!("{}:{CUSTOMER}", app.phone_number_id()),
            field: "messages".into(),
            value: json!({"messaging_product": "whatsapp", "text": {"body": OUTBOUND}, "ünïcode": "مرحبا"}).to_string(),
            created_at: 1_700_000_000_000,
        };
        let ids = app.state.store.enqueue(&[event]).await.unwrap();
        app.state.delivery.wake();
        assert!(rcv.wait_until(Duration::from_secs(20), |r| r.posts().len() > n).await, "POST {n}");
        let store = risala_server::open_store(&app.config).await.unwrap();
        let row = store.db().query("SELECT value FROM outbox WHERE id = $1", vec![ids[0].into()]).await.unwrap();
        stored.push(row[0].text(0).unwrap());
        app.stop().await;
    }
    let posts = rcv.posts();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].body, posts[1].body, "the same bytes with encryption on and off");
    assert_eq!(posts[0].signature, posts[1].signature);
    assert_eq!(posts[1].signature_valid, Some(true));
    assert!(std::str::from_utf8(&posts[1].body).unwrap().contains(OUTBOUND));
    assert!(stored[0].contains(OUTBOUND), "switch off: stored as before: {}", stored[0]);
    assert!(stored[1].starts_with("v1:1:") && !stored[1].contains(OUTBOUND), "switch on: {}", stored[1]);
}
engine_test!(webhook_bytes_and_signature_are_the_same_with_encryption_on_and_off, super::same_post);
