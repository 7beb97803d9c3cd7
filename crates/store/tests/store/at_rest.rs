//! Message bodies and webhook payloads at rest: encrypted in their rows with `encrypt_at_rest`,
//! plain through the store whatever the switch, bound to their row, re-encrypted in batches by
//! a rotation (rows stored in plain text too when the switch is on).

use risala_core::model::*;
use risala_core::store::*;
use risala_store::{Engine, Keyring, Plan, SqlStore};
use serde_json::json;

use crate::fixtures::*;
use crate::harness::{available, engine_tests, Scratch, TestStore};

engine_tests!(bodies_are_encrypted_in_their_rows_and_open_back, a_body_copied_to_another_row_does_not_open,);

const SECRET_TEXT: &str = "the distinctive secret text";

/// The stored (raw) text of `column` of every row of `table`, in id order.
async fn raw(store: &SqlStore, table: &str, column: &str) -> Vec<String> {
    // The store takes statements as static text (its own are constants).
    let sql = format!("SELECT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY id").leak();
    let rows = store.db().query(sql, vec![]).await.unwrap();
    rows.iter().map(|r| r.text(0).unwrap()).collect()
}

/// A message with a body, opaque data and an error that all hold `SECRET_TEXT`, and its webhook.
fn secret_message(t: &Tenant, seq: i64) -> (Message, OutboxRow) {
    let mut m = message(t, "31612345678", seq, Direction::Outbound);
    m.content = json!({"body": format!("{SECRET_TEXT} {seq}")});
    m.biz_opaque = Some(format!("opaque {SECRET_TEXT}"));
    m.error = Some(json!({"code": 131000, "title": format!("failed: {SECRET_TEXT}")}));
    let hook = outbox_row(t, "31612345678", m.created_at, json!({"body": SECRET_TEXT, "seq": seq}));
    (m, hook)
}

async fn record_with_hook(store: &SqlStore, m: &Message, hook: &OutboxRow) {
    let outbox = [hook.clone()];
    store.record_message(&NewMessage { outbox: &outbox, ..plain(m) }).await.unwrap();
}

/// The webhook value a row queued, parsed.
fn json_of(row: &OutboxRow) -> serde_json::Value {
    serde_json::from_str(row.value.as_str()).expect("JSON")
}

async fn hooks(store: &SqlStore) -> Vec<serde_json::Value> {
    let rows = store.deliveries(&DeliveryFilter { limit: 100, ..Default::default() }).await.unwrap();
    rows.iter().rev().map(|d| serde_json::from_str(&d.value).unwrap()).collect()
}

async fn bodies_are_encrypted_in_their_rows_and_open_back(db: TestStore) {
    let t = tenant(&db, 1).await;
    store_customer(&db).await;
    let sealed = db.store.clone().encrypt_at_rest(true);
    let (m1, h1) = secret_message(&t, 1);
    record_with_hook(&sealed, &m1, &h1).await;

    // In the rows: ciphertext under key 1, the text nowhere.
    for (table, column) in
        [("messages", "content"), ("messages", "biz_opaque"), ("messages", "error"), ("outbox", "value")]
    {
        let values = raw(&db, table, column).await;
        assert_eq!(values.len(), 1, "{table}.{column}");
        assert!(values[0].starts_with("v1:1:"), "{table}.{column} not encrypted: {}", values[0]);
        assert!(!values[0].contains("distinctive"), "{table}.{column}: {}", values[0]);
    }
    // Through the store, with the switch on or off: as written.
    assert_eq!(sealed.message(&m1.id).await.unwrap().as_ref(), Some(&m1));
    assert_eq!(db.message(&m1.id).await.unwrap().as_ref(), Some(&m1));
    assert_eq!(hooks(&db).await, [json_of(&h1)]);

    // A status change's error is encrypted too.
    let change = StatusChange {
        message_id: m1.id.clone(),
        from: &[MessageStatus::Sent],
        to: MessageStatus::Failed,
        error: Some(json!({"title": format!("late {SECRET_TEXT}")})),
        at: T0 + 9000,
    };
    assert!(sealed.change_status(&change, &[]).await.unwrap());
    assert!(!raw(&db, "messages", "error").await[0].contains("distinctive"));
    assert_eq!(db.message(&m1.id).await.unwrap().unwrap().error, change.error);

    // With the switch off new rows are plain, and read with the switch on.
    let (m2, h2) = secret_message(&t, 2);
    record_with_hook(&db, &m2, &h2).await;
    assert!(raw(&db, "messages", "content").await.iter().any(|v| v.contains("distinctive secret text 2")));
    assert_eq!(sealed.message(&m2.id).await.unwrap().as_ref(), Some(&m2));
    assert_eq!(hooks(&sealed).await, [json_of(&h1), json_of(&h2)]);

    // Opaque data that reads like an encrypted value is encrypted even with the switch off,
    // so it reads back as itself instead of failing to open.
    let mut m3 = message(&t, "31612345678", 3, Direction::Outbound);
    let lookalike = format!("v1:1:{}", "A".repeat(60));
    m3.biz_opaque = Some(lookalike.clone());
    record(&db, &m3).await;
    assert_eq!(db.message(&m3.id).await.unwrap().unwrap().biz_opaque, Some(lookalike));
}

async fn store_customer(store: &SqlStore) {
    store.upsert_customer(&customer("31612345678"), false).await.unwrap();
}

async fn a_body_copied_to_another_row_does_not_open(db: TestStore) {
    let t = tenant(&db, 1).await;
    store_customer(&db).await;
    let sealed = db.store.clone().encrypt_at_rest(true);
    let (m1, h1) = secret_message(&t, 1);
    let (m2, mut h2) = secret_message(&t, 2);
    h2.ordering_key = format!("{}:31699999999", t.phone.id);
    record_with_hook(&sealed, &m1, &h1).await;
    record_with_hook(&sealed, &m2, &h2).await;

    let copy = Plan::one(
        "UPDATE messages SET content = (SELECT content FROM messages WHERE id = $1) WHERE id = $2",
        vec![m1.id.clone().into(), m2.id.clone().into()],
    );
    db.db().write(copy).await.unwrap();
    let e = sealed.message(&m2.id).await.expect_err("a copied body must not open").to_string();
    assert!(e.contains("messages.content") && e.contains("copied from another row"), "{e}");

    let ids = db.db().query("SELECT id FROM outbox ORDER BY id", vec![]).await.unwrap();
    let (first, second) = (ids[0].i64(0).unwrap(), ids[1].i64(0).unwrap());
    let copy = Plan::one(
        "UPDATE outbox SET value = (SELECT value FROM outbox WHERE id = $1) WHERE id = $2",
        vec![first.into(), second.into()],
    );
    db.db().write(copy).await.unwrap();
    assert!(sealed.delivery(first).await.unwrap().is_some());
    let e = sealed.delivery(second).await.expect_err("a copied payload must not open").to_string();
    assert!(e.contains("outbox.value") && e.contains("copied from another row"), "{e}");
}

/// A rotation re-encrypts bodies under older keys, in batches; with the switch on it also
/// encrypts rows stored in plain text, and a second run finds nothing left.
async fn rotation_reencrypts_bodies(engine: Engine) {
    if !available(engine) {
        return;
    }
    let scratch = Scratch::new(engine).await;
    let key_file = scratch.sqlite_path().with_file_name("risala.key");
    let keys = Keyring::file(&key_file, true).unwrap();
    let store = SqlStore::open(scratch.url.as_deref(), &scratch.sqlite_path(), "NORMAL", keys.clone()).await.unwrap();
    let sealed = store.clone().encrypt_at_rest(true);
    let t = tenant(&store, 1).await;
    store_customer(&store).await;
    let mut written = Vec::new();
    for seq in 1..=7 {
        let (m, h) = secret_message(&t, seq);
        // Odd rows encrypted with key 1, even ones in plain text.
        record_with_hook(if seq % 2 == 1 { &sealed } else { &store }, &m, &h).await;
        written.push(m);
    }
    let all_columns = [("messages", "content"), ("messages", "biz_opaque"), ("messages", "error"), ("outbox", "value")];
    let count = |prefix: &'static str| {
        let store = store.clone();
        async move {
            let mut n = 0;
            for (table, column) in all_columns {
                n += raw(&store, table, column).await.iter().filter(|v| v.starts_with(prefix)).count();
            }
            n
        }
    };
    assert_eq!(count("v1:1:").await, 4 * 4);
    assert_eq!(keys.add_key_to_file().unwrap(), 2);

    // Switch off: what is encrypted moves to key 2, plain rows stay plain.
    assert_eq!(store.reencrypt_bodies(3).await.unwrap(), 4 * 4);
    assert_eq!((count("v1:1:").await, count("v1:2:").await), (0, 4 * 4));
    // Switch on, two rows per batch: the plain rows too.
    assert_eq!(sealed.reencrypt_bodies(2).await.unwrap(), 3 * 4);
    assert_eq!(count("v1:2:").await, 7 * 4);
    assert_eq!(sealed.reencrypt_bodies(2).await.unwrap(), 0, "nothing left to rotate");
    for m in &written {
        assert_eq!(store.message(&m.id).await.unwrap().as_ref(), Some(m));
    }
    assert_eq!(hooks(&store).await.len(), 7);
    for (table, column) in all_columns {
        assert!(raw(&store, table, column).await.iter().all(|v| !v.contains("distinctive")), "{table}.{column}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_reencrypts_bodies_sqlite() {
    rotation_reencrypts_bodies(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_reencrypts_bodies_postgres() {
    rotation_reencrypts_bodies(Engine::Postgres).await;
}
