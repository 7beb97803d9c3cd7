//! The team inbox's storage: the list read from the conversation rows, which every message
//! keeps up to date (last message, unread inbound count, a closed conversation reopened by the
//! customer), its filters and paging; assignment, closing, labels, notes, and what erasure
//! takes of them.

use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(
    the_list_follows_every_message,
    filters_and_paging,
    labels_and_notes,
    concurrent_label_creates_make_one,
    migration_merges_labels_of_one_name
);

fn user(id: &str, business_id: &str) -> User {
    User {
        id: id.into(),
        business_id: business_id.into(),
        email: format!("{id}@example.test"),
        name: format!("Name {id}"),
        password_hash: "h".into(),
        role: Role::Agent,
        created_at: T0,
        disabled_at: None,
    }
}

fn query(business_id: &str) -> ChatQuery {
    ChatQuery {
        business_id: business_id.into(),
        assigned: Assigned::Anyone,
        state: ChatState::Any,
        phone_number_id: None,
        label_id: None,
        search: None,
        text_matches: Vec::new(),
        number_shared_since: 0,
        after: None,
        limit: 50,
    }
}

async fn names(db: &TestStore, q: &ChatQuery) -> Vec<String> {
    db.business_chats(q).await.unwrap().into_iter().map(|c| c.profile_name).collect()
}

async fn customers(db: &TestStore) {
    for (wa, name) in [("15550001", "Layla"), ("15550002", "Omar"), ("15550003", "Zaid_50%")] {
        db.upsert_customer(&Customer { wa_id: wa.into(), profile_name: name.into(), created_at: T0 }, true)
            .await
            .unwrap();
    }
}

async fn the_list_follows_every_message(db: TestStore) {
    let t1 = tenant(&db, 1).await;
    let t2 = tenant(&db, 2).await;
    customers(&db).await;
    // Layla wrote twice, the business answered Omar later: Omar's chat is the most recent.
    record(&db, &message(&t1, "15550001", 1, Direction::Inbound)).await;
    record(&db, &message(&t1, "15550001", 2, Direction::Inbound)).await;
    record(&db, &message(&t1, "15550002", 3, Direction::Outbound)).await;
    record(&db, &message(&t2, "15550001", 4, Direction::Outbound)).await;

    let chats = db.business_chats(&query("b1")).await.unwrap();
    let seen: Vec<_> = chats.iter().map(|c| (c.profile_name.as_str(), c.unread)).collect();
    assert_eq!(seen, [("Omar", 0), ("Layla", 2)], "newest first, inbound messages unread");
    assert!(chats.iter().all(|c| c.conversation.business_id == "b1" && c.business_number == t1.phone.number));
    let omar = &chats[0];
    let last = omar.last.as_ref().unwrap();
    assert_eq!((last.id.as_str(), last.content["body"].as_str()), ("wamid.p1.15550002.3", Some("message 3")));
    assert_eq!(omar.conversation.last_message_at, T0 + 3000);
    assert_eq!(omar.conversation.last_outbound_at, Some(T0 + 3000));
    assert_eq!(names(&db, &query("b2")).await, ["Layla"]);

    // The business answers Layla: her chat moves up, still unread until someone reads it.
    record(&db, &message(&t1, "15550001", 5, Direction::Outbound)).await;
    let layla = db.chat_row(&t1.phone.id, "15550001").await.unwrap().unwrap();
    assert_eq!((layla.unread, layla.conversation.last_message_at), (2, T0 + 5000));
    assert_eq!(layla.conversation.last_inbound_at, Some(T0 + 2000));
    assert_eq!(names(&db, &query("b1")).await, ["Layla", "Omar"]);
    assert!(db.mark_chat_read(&t1.phone.id, "15550001").await.unwrap());
    assert!(!db.mark_chat_read(&t1.phone.id, "15550001").await.unwrap(), "nothing unread");
    assert_eq!(db.chat_row(&t1.phone.id, "15550001").await.unwrap().unwrap().unread, 0);

    // Closed, then the customer writes again: open, one unread.
    assert!(db.close_chat("b1", &t1.phone.id, "15550001", Some(T0 + 6000)).await.unwrap());
    assert!(!db.close_chat("b2", &t1.phone.id, "15550001", Some(T0)).await.unwrap(), "another business's");
    assert_eq!(db.chat_row(&t1.phone.id, "15550001").await.unwrap().unwrap().closed_at, Some(T0 + 6000));
    record(&db, &message(&t1, "15550001", 7, Direction::Inbound)).await;
    let layla = db.chat_row(&t1.phone.id, "15550001").await.unwrap().unwrap();
    assert_eq!((layla.closed_at, layla.unread), (None, 1));
    assert_eq!(db.chat_row(&t1.phone.id, "15550009").await.unwrap(), None);
}

async fn filters_and_paging(db: TestStore) {
    let t1 = tenant(&db, 1).await;
    customers(&db).await;
    db.create_user(&user("u1", "b1")).await.unwrap();
    for (i, wa) in ["15550001", "15550002", "15550003"].iter().enumerate() {
        let mut m = message(&t1, wa, i as i64 + 1, Direction::Inbound);
        m.content = serde_json::json!({"type": "text", "text": {"body": format!("Order #{} ready", 40 + i)}});
        record(&db, &m).await;
    }
    assert!(db.assign_chat("b1", &t1.phone.id, "15550001", Some("u1")).await.unwrap());
    assert!(!db.assign_chat("b2", &t1.phone.id, "15550002", Some("u1")).await.unwrap(), "another business's");
    db.close_chat("b1", &t1.phone.id, "15550002", Some(T0)).await.unwrap();

    let q = |f: fn(&mut ChatQuery)| {
        let mut q = query("b1");
        f(&mut q);
        q
    };
    assert_eq!(names(&db, &q(|q| q.assigned = Assigned::To("u1".into()))).await, ["Layla"]);
    assert_eq!(names(&db, &q(|q| q.assigned = Assigned::Nobody)).await, ["Zaid_50%", "Omar"]);
    assert_eq!(names(&db, &q(|q| q.state = ChatState::Open)).await, ["Zaid_50%", "Layla"]);
    assert_eq!(names(&db, &q(|q| q.state = ChatState::Closed)).await, ["Omar"]);
    assert_eq!(names(&db, &q(|q| q.phone_number_id = Some("p1".into()))).await.len(), 3);
    assert!(names(&db, &q(|q| q.phone_number_id = Some("p2".into()))).await.is_empty());
    // Search: a name (any case), a number, a message's text; wildcards are plain characters.
    assert_eq!(names(&db, &q(|q| q.search = Some("LAY".into()))).await, ["Layla"]);
    assert_eq!(names(&db, &q(|q| q.search = Some("0002".into()))).await, ["Omar"]);
    // A message's text is the service's to find (the store may hold it encrypted): the
    // conversations it found match, and the store reads no message text itself.
    let found = |q: &mut ChatQuery| {
        q.search = Some("order #41".into());
        q.text_matches = vec![("p1".into(), "15550002".into())];
    };
    assert_eq!(names(&db, &q(found)).await, ["Omar"]);
    assert!(names(&db, &q(|q| q.search = Some("order #41".into()))).await.is_empty());
    let recent = db.recent_messages("b1", 2).await.unwrap();
    let bodies: Vec<&str> = recent.iter().map(|m| m.content["text"]["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["Order #42 ready", "Order #41 ready"], "the latest, opened");
    assert!(db.recent_messages("b2", 10).await.unwrap().is_empty(), "another business's");
    assert_eq!(names(&db, &q(|q| q.search = Some("_50%".into()))).await, ["Zaid_50%"]);
    assert!(names(&db, &q(|q| q.search = Some("%".into()))).await.len() == 1, "% is a character, not any text");
    // A customer who hides their number: found by username and BSUID, by number only once
    // the business may see it (it sent to it since `number_shared_since`).
    let hide = UsernameSetting { wa_id: "15550003".into(), username: Some("zaid.k".into()), hide_number: true, at: T0 };
    db.set_username(&hide).await.unwrap();
    db.ensure_user_id("b1", "15550003", "US.1234567", T0).await.unwrap();
    assert_eq!(names(&db, &q(|q| q.search = Some("zaid.k".into()))).await, ["Zaid_50%"]);
    assert_eq!(names(&db, &q(|q| q.search = Some("us.1234".into()))).await, ["Zaid_50%"]);
    assert!(names(&db, &q(|q| q.search = Some("0003".into()))).await.is_empty(), "a hidden number");
    db.share_number("b1", "15550003", T0 + 10).await.unwrap();
    assert_eq!(names(&db, &q(|q| q.search = Some("0003".into()))).await, ["Zaid_50%"], "shared since 0");
    assert!(names(&db, &q(|q| (q.search, q.number_shared_since) = (Some("0003".into()), T0 + 11))).await.is_empty());
    let row = db.chat_row("p1", "15550003").await.unwrap().unwrap();
    assert_eq!(
        (row.username.as_deref(), row.hide_number, row.user_id.as_deref(), row.number_shared_at),
        (Some("zaid.k"), true, Some("US.1234567"), Some(T0 + 10))
    );
    let row = db.chat_row("p1", "15550001").await.unwrap().unwrap();
    assert_eq!((row.username, row.hide_number, row.user_id), (None, false, None));

    // Pages of two: the second starts after the first's last row.
    let first = db.business_chats(&ChatQuery { limit: 2, ..query("b1") }).await.unwrap();
    let last = &first[1].conversation;
    let after = ChatCursor {
        last_message_at: last.last_message_at,
        phone_number_id: last.phone_number_id.clone(),
        wa_id: last.wa_id.clone(),
    };
    let rest = names(&db, &ChatQuery { limit: 2, after: Some(after), ..query("b1") }).await;
    assert_eq!(rest, ["Layla"]);
}

async fn labels_and_notes(db: TestStore) {
    let t1 = tenant(&db, 1).await;
    tenant(&db, 2).await;
    customers(&db).await;
    db.create_user(&user("u1", "b1")).await.unwrap();
    record(&db, &message(&t1, "15550001", 1, Direction::Inbound)).await;
    record(&db, &message(&t1, "15550002", 2, Direction::Inbound)).await;
    let label = |id: &str, business: &str, name: &str| Label {
        id: id.into(),
        business_id: business.into(),
        name: name.into(),
        colour: "#1f7a5c".into(),
        created_at: T0,
    };
    db.create_label(&label("l1", "b1", "VIP")).await.unwrap();
    db.create_label(&label("l2", "b1", "Billing")).await.unwrap();
    for name in ["VIP", "vip", " Vip "] {
        let again = db.create_label(&label("l3", "b1", name)).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "one name per business in any case: {name:?} {again:?}");
    }
    db.create_label(&label("l4", "b2", "vip")).await.unwrap();
    let names_b1: Vec<_> = db.labels("b1").await.unwrap().into_iter().map(|l| l.name).collect();
    assert_eq!(names_b1, ["Billing", "VIP"]);

    assert!(db.set_chat_label(&t1.phone.id, "15550001", "l1", true).await.unwrap());
    assert!(db.set_chat_label(&t1.phone.id, "15550001", "l2", true).await.unwrap());
    assert!(!db.set_chat_label(&t1.phone.id, "15550001", "l2", true).await.unwrap(), "already on");
    let row = db.chat_row(&t1.phone.id, "15550001").await.unwrap().unwrap();
    assert_eq!(row.label_ids, ["l1", "l2"]);
    let by_label = names(&db, &ChatQuery { label_id: Some("l1".into()), ..query("b1") }).await;
    assert_eq!(by_label, ["Layla"]);
    assert!(db.set_chat_label(&t1.phone.id, "15550001", "l2", false).await.unwrap());
    assert!(!db.delete_label("b2", "l1").await.unwrap(), "another business's");
    assert!(db.delete_label("b1", "l1").await.unwrap());
    assert!(db.chat_row(&t1.phone.id, "15550001").await.unwrap().unwrap().label_ids.is_empty());

    let note = Note {
        id: "n1".into(),
        business_id: "b1".into(),
        phone_number_id: t1.phone.id.clone(),
        wa_id: "15550001".into(),
        author_id: "u1".into(),
        author_name: String::new(),
        body: "Called her back".into(),
        created_at: T0 + 5,
    };
    db.add_note(&note).await.unwrap();
    let notes = db.notes(&t1.phone.id, "15550001").await.unwrap();
    assert_eq!(notes, [Note { author_name: "Name u1".into(), ..note }]);
    assert!(db.notes(&t1.phone.id, "15550002").await.unwrap().is_empty());
}

/// Two creates of one name in different cases at the same moment (two people, a form sent
/// twice): the database lets exactly one in and answers the other Conflict, whatever order the
/// writer commits them in.
async fn concurrent_label_creates_make_one(db: TestStore) {
    tenant(&db, 1).await;
    let label = |id: String, name: String| Label {
        id,
        business_id: "b1".into(),
        name,
        colour: "#1f7a5c".into(),
        created_at: T0,
    };
    for round in 0..10 {
        let (a, b) = (db.store.clone(), db.store.clone());
        let (la, lb) = (
            label(format!("a{round}"), format!("Sales {round}")),
            label(format!("b{round}"), format!("SALES {round}")),
        );
        let ta = tokio::spawn(async move { a.create_label(&la).await });
        let tb = tokio::spawn(async move { b.create_label(&lb).await });
        let results = [ta.await.unwrap(), tb.await.unwrap()];
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "round {round}: {results:?}");
        assert!(results.iter().any(|r| matches!(r, Err(StoreError::Conflict(_)))), "round {round}: {results:?}");
    }
    let labels = db.labels("b1").await.unwrap();
    assert_eq!(labels.len(), 10, "one label per name: {labels:?}");
}

/// A label as the migration test reads it back: id, business, name, name key.
type LabelRow = (String, String, String, String);

/// Migration 0050 on labels that already share a name in some case (as the race left them):
/// each business's first label of the name (oldest, then lowest id) stays, the conversations
/// of the later ones move to it (once), the later ones go, and the unique key then refuses the
/// name. Run on the engine's own SQL over tables of the old shape under other names.
async fn migration_merges_labels_of_one_name(db: TestStore) {
    let (sqlite, postgres) = (
        include_str!("../../migrations/sqlite/0050_label_names_unique.sql"),
        include_str!("../../migrations/postgres/0050_label_names_unique.sql"),
    );
    let rename = |sql: &str| sql.replace("inbox_labels", "il50").replace("conversation_labels", "cl50");
    let create = "CREATE TABLE il50 (id TEXT PRIMARY KEY, business_id TEXT NOT NULL, name TEXT NOT NULL, \
                  colour TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (business_id, name)); \
                  CREATE TABLE cl50 (phone_number_id TEXT NOT NULL, wa_id TEXT NOT NULL, label_id TEXT NOT NULL \
                  REFERENCES il50(id), PRIMARY KEY (phone_number_id, wa_id, label_id));";
    // b1: "VIP" four times (k0 and k1 of the same moment: k0 is first), "Billing" once; b2 its
    // own "vip". Chats: p/1 has k1 and k2 (one link after), p/2 k2, p/3 k0 and k3, p/4 Billing.
    let rows = "INSERT INTO il50 VALUES ('k1', 'b1', 'VIP', '#1f7a5c', 1000), ('k0', 'b1', 'vIp', '#1565c0', 1000), \
                ('k2', 'b1', 'vip', '#6a1b9a', 2000), ('k3', 'b1', ' Vip ', '#b45309', 500000), \
                ('bill', 'b1', 'Billing', '#1f7a5c', 3000), ('x', 'b2', 'vip', '#1f7a5c', 4000); \
                INSERT INTO cl50 VALUES ('p', '1', 'k1'), ('p', '1', 'k2'), ('p', '2', 'k2'), ('p', '3', 'k0'), \
                ('p', '3', 'k3'), ('p', '4', 'bill');";
    let labels_sql = "SELECT id, business_id, name, name_key FROM il50 ORDER BY id";
    let links_sql = "SELECT phone_number_id || '/' || wa_id || ' ' || label_id FROM cl50 ORDER BY 1";
    let again = "INSERT INTO il50 (id, business_id, name, name_key, colour, created_at) \
                 VALUES ('new', 'b1', 'VIP', 'vip', '#1f7a5c', 9000)";
    let raw = db.raw().await;
    raw.create(create).await;
    raw.batch(rows).await.unwrap();
    raw.batch(&rename(raw.pick(sqlite, postgres))).await.unwrap();
    let labels: Vec<LabelRow> = raw
        .texts(labels_sql)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()))
        .collect();
    let links: Vec<String> = raw.texts(links_sql).await.unwrap().into_iter().flatten().collect();
    let refused = raw.batch(again).await.is_err();
    let t = |a: &str, b: &str, c: &str, d: &str| (a.to_string(), b.to_string(), c.to_string(), d.to_string());
    assert_eq!(
        labels,
        [t("bill", "b1", "Billing", "billing"), t("k0", "b1", "vIp", "vip"), t("x", "b2", "vip", "vip")]
    );
    assert_eq!(links, ["p/1 k0", "p/2 k0", "p/3 k0", "p/4 bill"]);
    assert!(refused, "the name is unique per business after the migration");
}
