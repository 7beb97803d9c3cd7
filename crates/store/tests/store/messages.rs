//! Recording messages, changing their status, chat history, customers and their sessions.

use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;
use serde_json::json;

use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(
    record_message_with_new_customer_and_outbox,
    record_message_is_one_commit,
    content_given_as_text_is_stored_as_given,
    message_to_a_stranger_opens_no_conversation,
    change_status_applies_only_from_allowed_statuses,
    chat_history_pages_newest_first,
    undelivered_messages_past_their_ttl,
    undelivered_messages_of_every_conversation,
    long_chats_page_and_deliver_in_any_order,
    customers_and_conversations,
    customer_sessions_and_codes,
    concurrent_messages_of_many_conversations,
);

async fn outbox_values(db: &TestStore) -> Vec<serde_json::Value> {
    let rows = db.deliveries(&DeliveryFilter { limit: 100, ..Default::default() }).await.unwrap();
    // Newest first from the store; oldest first here.
    rows.iter().rev().map(|d| serde_json::from_str(&d.value).unwrap()).collect()
}

async fn record_message_with_new_customer_and_outbox(db: TestStore) {
    let t = tenant(&db, 1).await;
    let c = customer("31612345678");
    let m = message(&t, &c.wa_id, 1, Direction::Inbound);
    let outbox = [
        outbox_row(&t, &c.wa_id, m.created_at, json!({"n": 1})),
        outbox_row(&t, &c.wa_id, m.created_at, json!({"n": 2})),
    ];
    db.record_message(&NewMessage { new_customer: Some(&c), outbox: &outbox, ..plain(&m) }).await.unwrap();

    assert_eq!(db.customer(&c.wa_id).await.unwrap(), Some(c.clone()));
    assert_eq!(db.message(&m.id).await.unwrap(), Some(m.clone()));
    let conv = db.conversation("p1", &c.wa_id).await.unwrap().expect("conversation");
    assert_eq!(conv.business_id, "b1");
    assert_eq!(conv.last_inbound_at, Some(m.created_at));
    assert_eq!(conv.last_outbound_at, None);
    assert_eq!(conv.last_message_at, m.created_at);
    assert_eq!(outbox_values(&db).await, [json!({"n": 1}), json!({"n": 2})]);

    // The business answers: the conversation's outbound and last times follow the messages.
    let reply = message(&t, &c.wa_id, 2, Direction::Outbound);
    record(&db, &reply).await;
    let conv = db.conversation("p1", &c.wa_id).await.unwrap().unwrap();
    assert_eq!(conv.last_inbound_at, Some(m.created_at));
    assert_eq!(conv.last_outbound_at, Some(reply.created_at));
    assert_eq!(conv.last_message_at, reply.created_at);
    assert_eq!(db.message(&reply.id).await.unwrap().unwrap().direction, Direction::Outbound);
}

async fn content_given_as_text_is_stored_as_given(db: TestStore) {
    let t = tenant(&db, 1).await;
    let c = customer("31612345670");
    let m = message(&t, &c.wa_id, 1, Direction::Inbound);
    // The caller's text is what the store writes (callers give the text `content` serializes
    // to; a different one here shows it is not serialized again).
    let text = r#"{"text":{"body":"as given"},"type":"text"}"#;
    db.record_message(&NewMessage { new_customer: Some(&c), content_json: Some(text), ..plain(&m) }).await.unwrap();
    let stored = db.message(&m.id).await.unwrap().unwrap();
    assert_eq!(stored.content, json!({"type": "text", "text": {"body": "as given"}}));
}

async fn record_message_is_one_commit(db: TestStore) {
    let t = tenant(&db, 1).await;
    let m = message(&t, "31600000001", 1, Direction::Inbound);
    let c = customer("31600000001");
    db.record_message(&NewMessage { new_customer: Some(&c), ..plain(&m) }).await.unwrap();

    // The same message id again, with a new customer and a webhook row: all or nothing.
    let c2 = customer("31600000002");
    let again = message(&t, "31600000002", 2, Direction::Inbound);
    let again = risala_core::model::Message { id: m.id.clone(), ..again };
    let outbox = [outbox_row(&t, &c2.wa_id, again.created_at, json!({"dup": true}))];
    let err = db.record_message(&NewMessage { new_customer: Some(&c2), outbox: &outbox, ..plain(&again) }).await;
    assert!(matches!(err, Err(StoreError::Conflict(_))), "{err:?}");
    assert_eq!(db.customer(&c2.wa_id).await.unwrap(), None, "the customer of the failed plan was not created");
    assert!(outbox_values(&db).await.is_empty(), "the failed plan queued no webhook");
    assert!(db.conversation("p1", &c2.wa_id).await.unwrap().is_none());
}

async fn message_to_a_stranger_opens_no_conversation(db: TestStore) {
    let t = tenant(&db, 1).await;
    let mut m = message(&t, "31699999999", 1, Direction::Outbound);
    m.status = MessageStatus::Failed;
    m.error = Some(json!({"code": 131026, "title": "Message undeliverable"}));
    record(&db, &m).await;
    assert_eq!(db.message(&m.id).await.unwrap(), Some(m.clone()));
    assert!(db.conversation("p1", "31699999999").await.unwrap().is_none());
    assert!(db.customer_conversations("31699999999").await.unwrap().is_empty());
}

fn change(id: &str, from: &'static [&'static str], to: &str, at: i64) -> StatusChange {
    let from: &'static [MessageStatus] = Box::leak(
        from.iter().map(|s| MessageStatus::parse(s).expect("a status")).collect::<Vec<_>>().into_boxed_slice(),
    );
    StatusChange { message_id: id.into(), from, to: MessageStatus::parse(to).expect("a status"), error: None, at }
}

async fn change_status_applies_only_from_allowed_statuses(db: TestStore) {
    let t = tenant(&db, 1).await;
    let wa = "31612345678";
    db.upsert_customer(&customer(wa), false).await.unwrap();
    let m = message(&t, wa, 1, Direction::Outbound);
    record(&db, &m).await;

    let at = m.created_at + 500;
    let delivered = [outbox_row(&t, wa, at, json!({"status": "delivered"}))];
    assert!(db.change_status(&change(&m.id, &["sent"], "delivered", at), &delivered).await.unwrap());
    let stored = db.message(&m.id).await.unwrap().unwrap();
    assert_eq!((stored.status.as_str(), stored.updated_at), ("delivered", at));

    // Backwards is refused, and its webhook row is not queued.
    let back = [outbox_row(&t, wa, at + 1, json!({"status": "sent"}))];
    assert!(!db.change_status(&change(&m.id, &["sent"], "sent", at + 1), &back).await.unwrap());
    assert_eq!(db.message(&m.id).await.unwrap().unwrap().status, MessageStatus::Delivered);

    // Any of up to three allowed statuses.
    let read = [outbox_row(&t, wa, at + 2, json!({"status": "read"}))];
    assert!(db.change_status(&change(&m.id, &["sent", "delivered", "failed"], "read", at + 2), &read).await.unwrap());
    assert!(!db.change_status(&change("wamid.none", &["sent"], "read", at + 3), &[]).await.unwrap());

    assert_eq!(outbox_values(&db).await, [json!({"status": "delivered"}), json!({"status": "read"})]);

    // A failure keeps its error; a later change without one leaves it.
    let m2 = message(&t, wa, 2, Direction::Outbound);
    record(&db, &m2).await;
    let err = json!({"code": 131047, "title": "Re-engagement message"});
    let failed = StatusChange { error: Some(err.clone()), ..change(&m2.id, &["sent"], "failed", at) };
    assert!(db.change_status(&failed, &[]).await.unwrap());
    assert!(db.change_status(&change(&m2.id, &["failed"], "failed", at + 1), &[]).await.unwrap());
    let stored = db.message(&m2.id).await.unwrap().unwrap();
    assert_eq!((stored.status.as_str(), stored.error), ("failed", Some(err)));
}

async fn chat_history_pages_newest_first(db: TestStore) {
    let t = tenant(&db, 1).await;
    let (wa, other) = ("31611111111", "31622222222");
    for w in [wa, other] {
        db.upsert_customer(&customer(w), false).await.unwrap();
    }
    for seq in 1..=5 {
        let dir = if seq % 2 == 0 { Direction::Inbound } else { Direction::Outbound };
        record(&db, &message(&t, wa, seq, dir)).await;
    }
    record(&db, &message(&t, other, 6, Direction::Outbound)).await;

    let seqs = |v: Vec<risala_core::model::Message>| v.iter().map(|m| m.seq).collect::<Vec<_>>();
    assert_eq!(seqs(db.chat_history("p1", wa, None, 2).await.unwrap()), [5, 4]);
    assert_eq!(seqs(db.chat_history("p1", wa, Some(4), 2).await.unwrap()), [3, 2]);
    assert_eq!(seqs(db.chat_history("p1", wa, Some(2), 2).await.unwrap()), [1]);
    assert_eq!(seqs(db.chat_history("p1", other, None, 10).await.unwrap()), [6]);

    // Outbound messages still `sent`, oldest first.
    let now = T0 + 9000;
    assert_eq!(seqs(db.undelivered(wa, now, 10).await.unwrap()), [1, 3, 5]);
    assert_eq!(seqs(db.undelivered(wa, now, 2).await.unwrap()), [1, 3]);
    let first = message(&t, wa, 1, Direction::Outbound);
    assert!(db.change_status(&change(&first.id, &["sent"], "delivered", now), &[]).await.unwrap());
    assert_eq!(seqs(db.undelivered(wa, now, 10).await.unwrap()), [3, 5]);
}

/// A chat longer than any walk's shortcut: 300 messages, every seventh pair recorded out of seq
/// order (sends that raced), paged back 50 at a time with each page's oldest seq as the
/// cursor: each message seen once, in seq order. Its 200 outbound messages delivered oldest
/// first, then newest first: the device is always given exactly those still waiting.
async fn long_chats_page_and_deliver_in_any_order(db: TestStore) {
    let t = tenant(&db, 1).await;
    let wa = "31677777777";
    db.upsert_customer(&customer(wa), false).await.unwrap();
    let mut order: Vec<i64> = (1..=300).collect();
    for k in (0..299).step_by(7) {
        order.swap(k, k + 1);
    }
    let direction = |seq: i64| if seq % 3 == 0 { Direction::Inbound } else { Direction::Outbound };
    for &seq in &order {
        record(&db, &message(&t, wa, seq, direction(seq))).await;
    }
    let seqs = |v: Vec<Message>| v.iter().map(|m| m.seq).collect::<Vec<_>>();
    let (mut seen, mut before) = (Vec::new(), None);
    loop {
        let page = seqs(db.chat_history(&t.phone.id, wa, before, 50).await.unwrap());
        let Some(&oldest) = page.last() else { break };
        assert!(page.len() == 50 || oldest == 1, "a short page before the end: {page:?}");
        before = Some(oldest);
        seen.extend(page);
    }
    assert_eq!(seen, (1..=300).rev().collect::<Vec<_>>());

    let now = T0 + 1_000_000;
    let outbound: Vec<i64> = (1..=300).filter(|&s| direction(s) == Direction::Outbound).collect();
    let deliver = |seq: i64| {
        let id = message(&t, wa, seq, Direction::Outbound).id;
        let db = &db;
        async move { assert!(db.change_status(&change(&id, &["sent"], "delivered", now), &[]).await.unwrap()) }
    };
    for &seq in &outbound[..150] {
        deliver(seq).await;
    }
    assert_eq!(seqs(db.undelivered(wa, now, 500).await.unwrap()), outbound[150..]);
    assert_eq!(seqs(db.undelivered(wa, now, 3).await.unwrap()), outbound[150..153]);
    for &seq in outbound[155..].iter().rev() {
        deliver(seq).await;
    }
    assert_eq!(seqs(db.undelivered(wa, now, 500).await.unwrap()), outbound[150..155]);
    for &seq in &outbound[150..155] {
        deliver(seq).await;
    }
    assert!(db.undelivered(wa, now, 500).await.unwrap().is_empty());
}

async fn undelivered_messages_past_their_ttl(db: TestStore) {
    let t = tenant(&db, 1).await;
    let wa = "31644444444";
    db.upsert_customer(&customer(wa), false).await.unwrap();
    // Seq n expires at T0 + n * 10 s; seq 4 never; seq 2 is inbound.
    for seq in 1..=4 {
        let dir = if seq == 2 { Direction::Inbound } else { Direction::Outbound };
        let m = message(&t, wa, seq, dir);
        let expires_at = (seq != 4 && dir == Direction::Outbound).then_some(T0 + seq * 10_000);
        record(&db, &risala_core::model::Message { expires_at, ..m }).await;
    }
    let seqs = |v: Vec<risala_core::model::Message>| v.iter().map(|m| m.seq).collect::<Vec<_>>();
    assert_eq!(seqs(db.expired_undelivered(T0 + 9_999, 10).await.unwrap()), Vec::<i64>::new());
    assert_eq!(seqs(db.expired_undelivered(T0 + 10_000, 10).await.unwrap()), [1]);
    assert_eq!(seqs(db.expired_undelivered(T0 + 40_000, 10).await.unwrap()), [1, 3]);
    assert_eq!(seqs(db.expired_undelivered(T0 + 40_000, 1).await.unwrap()), [1]);
    // A device is not given what expired, even before it is failed.
    assert_eq!(seqs(db.undelivered(wa, T0 + 10_000, 10).await.unwrap()), [3, 4]);
    assert_eq!(seqs(db.undelivered(wa, T0 + 30_000, 10).await.unwrap()), [4]);
    let got = db.message(&message(&t, wa, 3, Direction::Outbound).id).await.unwrap().unwrap();
    assert_eq!(got.expires_at, Some(T0 + 30_000));
    // Failed (or delivered) messages are no longer expiring.
    let first = message(&t, wa, 1, Direction::Outbound);
    assert!(db.change_status(&change(&first.id, &["sent"], "failed", T0 + 10_000), &[]).await.unwrap());
    assert_eq!(seqs(db.expired_undelivered(T0 + 40_000, 10).await.unwrap()), [3]);
}

/// A customer's undelivered messages from two businesses' numbers, recorded out of seq order
/// (concurrent sends commit in any order), delivered out of order, and after a state file
/// replaced the store's rows.
async fn undelivered_messages_of_every_conversation(db: TestStore) {
    let (t1, t2) = (tenant(&db, 1).await, tenant(&db, 2).await);
    let (wa, other) = ("31655555555", "31666666666");
    for w in [wa, other] {
        db.upsert_customer(&customer(w), false).await.unwrap();
    }
    for (t, seq, dir) in [(&t1, 5, Direction::Outbound), (&t1, 3, Direction::Outbound), (&t1, 4, Direction::Inbound)] {
        record(&db, &message(t, wa, seq, dir)).await;
    }
    record(&db, &message(&t2, wa, 6, Direction::Outbound)).await;
    let failed = Message { status: MessageStatus::Failed, ..message(&t1, wa, 7, Direction::Outbound) };
    record(&db, &failed).await;
    record(&db, &message(&t1, wa, 8, Direction::Outbound)).await;
    record(&db, &message(&t1, other, 11, Direction::Outbound)).await;
    let seqs = |v: Vec<Message>| v.iter().map(|m| m.seq).collect::<Vec<_>>();
    let now = T0 + 60_000;
    assert_eq!(seqs(db.undelivered(wa, now, 10).await.unwrap()), [3, 5, 6, 8]);
    assert_eq!(seqs(db.undelivered(wa, now, 2).await.unwrap()), [3, 5]);

    let deliver = |t: &Tenant, seq: i64, from: &'static [&'static str], to: &'static str| {
        change(&message(t, wa, seq, Direction::Outbound).id, from, to, now)
    };
    // The oldest first, then one behind the next still waiting, then that one.
    assert!(db.change_status(&deliver(&t1, 3, &["sent"], "delivered"), &[]).await.unwrap());
    assert_eq!(seqs(db.undelivered(wa, now, 10).await.unwrap()), [5, 6, 8]);
    assert!(db.change_status(&deliver(&t1, 8, &["sent"], "delivered"), &[]).await.unwrap());
    assert_eq!(seqs(db.undelivered(wa, now, 10).await.unwrap()), [5, 6]);
    assert!(db.change_status(&deliver(&t1, 5, &["sent"], "delivered"), &[]).await.unwrap());
    assert_eq!(seqs(db.undelivered(wa, now, 10).await.unwrap()), [6]);
    assert!(db.change_status(&deliver(&t2, 6, &["sent", "delivered"], "read"), &[]).await.unwrap());
    assert_eq!(seqs(db.undelivered(wa, now, 10).await.unwrap()), Vec::<i64>::new());
    // A change that does not apply leaves the message waiting.
    record(&db, &message(&t1, wa, 9, Direction::Outbound)).await;
    assert!(!db.change_status(&deliver(&t1, 9, &["delivered"], "read"), &[]).await.unwrap());
    assert_eq!(seqs(db.undelivered(wa, now, 10).await.unwrap()), [9]);
    assert_eq!(seqs(db.undelivered(other, now, 10).await.unwrap()), [11]);

    let file = db.export_state(&[]).await.unwrap();
    db.import_state(&file, &[]).await.unwrap();
    assert_eq!(seqs(db.undelivered(wa, now, 10).await.unwrap()), [9]);
    assert_eq!(seqs(db.undelivered(other, now, 10).await.unwrap()), [11]);
}

async fn customers_and_conversations(db: TestStore) {
    let t1 = tenant(&db, 1).await;
    let t2 = tenant(&db, 2).await;
    let wa = "31633333333";
    db.upsert_customer(&customer(wa), false).await.unwrap();
    let renamed = risala_core::model::Customer { profile_name: "New name".into(), ..customer(wa) };
    db.upsert_customer(&renamed, false).await.unwrap();
    assert_eq!(db.customer(wa).await.unwrap().unwrap().profile_name, customer(wa).profile_name, "kept without rename");
    db.upsert_customer(&renamed, true).await.unwrap();
    assert_eq!(db.customer(wa).await.unwrap(), Some(renamed));

    record(&db, &message(&t1, wa, 1, Direction::Inbound)).await;
    record(&db, &message(&t2, wa, 2, Direction::Inbound)).await;
    record(&db, &message(&t1, wa, 3, Direction::Outbound)).await;
    // Most recent first: t1's conversation has the last message.
    let convs = db.customer_conversations(wa).await.unwrap();
    let order: Vec<_> = convs.iter().map(|c| (c.phone_number_id.as_str(), c.last_message_at)).collect();
    assert_eq!(order, [("p1", T0 + 3000), ("p2", T0 + 2000)]);
}

async fn customer_sessions_and_codes(db: TestStore) {
    let wa = "31644444444";
    db.upsert_customer(&customer(wa), false).await.unwrap();
    db.create_customer_session("session-hash", wa, T0, T0 + 1000).await.unwrap();
    assert_eq!(db.customer_session("session-hash", T0 + 999).await.unwrap().as_deref(), Some(wa));
    assert_eq!(db.customer_session("session-hash", T0 + 1000).await.unwrap(), None, "expired");
    assert_eq!(db.customer_session("other", T0).await.unwrap(), None);

    // (max failures 3, locked until T0 + 500 once reached)
    let check = |hash: &'static str, at: i64| db.check_customer_code(wa, hash, at, 3, at + 500);
    db.set_customer_code(wa, "right", T0 + 60_000).await.unwrap();
    assert_eq!(db.customer_code_state(wa).await.unwrap(), Some((0, 0)));
    assert!(!check("wrong", T0).await.unwrap());
    assert_eq!(db.customer_code_state(wa).await.unwrap(), Some((1, 0)));
    assert!(check("right", T0).await.unwrap());
    assert!(!check("right", T0).await.unwrap(), "a code is used once");
    assert_eq!(db.customer_code_state(wa).await.unwrap(), None, "a sign-in clears the failures");

    // Failures count across new codes; the one that reaches the limit locks the number.
    db.set_customer_code(wa, "right", T0 + 60_000).await.unwrap();
    assert!(!check("wrong", T0).await.unwrap());
    assert!(!check("wrong", T0).await.unwrap());
    db.set_customer_code(wa, "again", T0 + 60_000).await.unwrap();
    assert_eq!(db.customer_code_state(wa).await.unwrap(), Some((2, 0)), "a new code keeps the count");
    assert!(!check("wrong", T0 + 1).await.unwrap());
    assert_eq!(db.customer_code_state(wa).await.unwrap(), Some((3, T0 + 501)));
    // Locked: the right code does not pass, and tries are not counted.
    assert!(!check("again", T0 + 2).await.unwrap());
    assert_eq!(db.customer_code_state(wa).await.unwrap(), Some((3, T0 + 501)));
    // After the lock the right code passes; an expired one never does.
    assert!(check("again", T0 + 501).await.unwrap());
    db.set_customer_code(wa, "late", T0 + 10).await.unwrap();
    assert!(!check("late", T0 + 10).await.unwrap());
}

/// Many conversations' messages committed at once, as a burst of sends and arrivals does: on
/// PostgreSQL the plans of one batch share statements over arrays of their rows. Every row is
/// written, each plan's webhooks keep their order, a conversation's later message is its last,
/// and a plan that fails (a message id used twice) fails alone.
async fn concurrent_messages_of_many_conversations(db: TestStore) {
    let t = tenant(&db, 1).await;
    let wa = |i: usize| format!("3161000{i:04}");
    for i in 0..60 {
        db.upsert_customer(&customer(&wa(i)), false).await.unwrap();
    }
    let price = crate::billing::pricing(Category::Marketing, PricingType::Regular, 1000);
    // Two messages per conversation: arrivals in the first 30, sends in the others.
    let mut messages = Vec::new();
    for round in 0..2 {
        for i in 0..60 {
            let direction = if i < 30 { Direction::Inbound } else { Direction::Outbound };
            messages.push(message(&t, &wa(i), 1 + round * 100 + i as i64, direction));
        }
    }
    let outboxes: Vec<Vec<OutboxRow>> = messages
        .iter()
        .map(|m| (1..=2).map(|n| outbox_row(&t, &m.wa_id, m.created_at, json!({"id": m.id, "n": n}))).collect())
        .collect();
    // The duplicate is in the first one's conversation, so it is the later of the two there: a
    // batch orders different conversations' plans by its own key, not by their arrival.
    let dup = Message { id: messages[31].id.clone(), ..message(&t, &wa(31), 999, Direction::Outbound) };
    let news: Vec<NewMessage<'_>> = messages
        .iter()
        .zip(&outboxes)
        .map(|(m, o)| NewMessage {
            outbox: o,
            pricing: (m.direction == Direction::Outbound).then_some(&price),
            ..plain(m)
        })
        .chain([plain(&dup)])
        .collect();
    let results = futures_util::future::join_all(news.iter().map(|n| db.record_message(n))).await;
    let (dup_result, results) = results.split_last().unwrap();
    assert!(matches!(dup_result, Err(StoreError::Conflict(_))), "{dup_result:?}");
    for r in results {
        r.as_ref().expect("recorded");
    }

    for m in &messages {
        assert_eq!(db.message(&m.id).await.unwrap().as_ref(), Some(m));
    }
    for i in 0..60 {
        let conv = db.conversation("p1", &wa(i)).await.unwrap().expect("conversation");
        let last = &messages[60 + i];
        assert_eq!(conv.last_message_at, last.created_at, "{}", wa(i));
        if i < 30 {
            assert_eq!(conv.last_inbound_at, Some(last.created_at));
            assert_eq!(conv.last_outbound_at, None);
        } else {
            assert_eq!(conv.last_outbound_at, Some(last.created_at));
            assert_eq!(conv.last_inbound_at, None);
        }
    }
    let rows = db.deliveries(&DeliveryFilter { limit: 1000, ..Default::default() }).await.unwrap();
    let values: Vec<serde_json::Value> = rows.iter().rev().map(|d| serde_json::from_str(&d.value).unwrap()).collect();
    assert_eq!(values.len(), 240);
    for m in &messages {
        let at = |n: i64| values.iter().position(|v| v["id"] == m.id.as_str() && v["n"] == n).expect("queued");
        assert!(at(1) < at(2), "{}'s webhooks out of order", m.id);
    }
    // Each send's price was recorded: delivering charges it.
    for m in messages.iter().filter(|m| m.direction == Direction::Outbound) {
        assert!(crate::billing::deliver(&db, &m.id, &["sent"], "delivered", T0 + 500_000).await);
    }
    assert_eq!(db.ledger("w1", T0, T0 + 1_000_000).await.unwrap().len(), 60);
}
