//! Webhook subscriptions and the outbox: claim, lease, attempt results, retry, replay.

use risala_core::model::*;
use risala_core::store::*;
use risala_store::Engine;

use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(
    subscriptions,
    claim_lease_retry_and_replay,
    leases_end,
    a_claim_leases_at_most_per_key_rows_of_a_conversation,
    listing_stats_and_purge,
    paused_endpoints,
    rows_made_or_changed_elsewhere_are_claimed,
    rows_made_elsewhere_between_own_rows_keep_their_order,
);

/// Wall-clock lease times, apart from the service clock `T0` on purpose.
const L0: i64 = 5_000_000_000_000;
const HOOK: &str = "https://hook.example/webhook";

fn event(business: &str, key: &str, at: i64) -> NewOutboxEvent {
    NewOutboxEvent {
        business_id: business.into(),
        waba_id: "w1".into(),
        phone_number_id: Some("p1".into()),
        ordering_key: key.into(),
        field: "messages".into(),
        value: format!("{{\"key\":\"{key}\"}}"),
        created_at: at,
    }
}

fn ids(d: &[Delivery]) -> Vec<i64> {
    d.iter().map(|d| d.id).collect()
}

fn result(ids: &[i64], outcome: Outcome, status: Option<i64>, at: i64) -> AttemptResult {
    AttemptResult {
        ids: ids.to_vec(),
        outcome,
        status,
        error: status.filter(|s| *s >= 400).map(|s| format!("HTTP {s}")),
        endpoint: Some(HOOK.into()),
        at,
    }
}

async fn get(db: &TestStore, id: i64) -> Delivery {
    db.delivery(id).await.unwrap().unwrap_or_else(|| panic!("delivery {id}"))
}

async fn subscriptions(db: TestStore) {
    tenant(&db, 1).await;
    tenant(&db, 2).await;
    let mut sub = AppSubscription {
        app_id: "a1".into(),
        business_id: "b1".into(),
        object: "whatsapp_business_account".into(),
        callback_url: "https://one.example".into(),
        verify_token: "v".into(),
        fields: vec!["messages".into(), "message_template_status_update".into()],
        created_at: T0,
        updated_at: T0,
    };
    db.put_app_subscription(&sub).await.unwrap();
    sub.callback_url = "https://two.example".into();
    sub.fields = vec!["messages".into()];
    sub.updated_at = T0 + 1;
    db.put_app_subscription(&sub).await.unwrap();
    assert_eq!(db.app_subscriptions(Some("a1"), None).await.unwrap(), vec![sub.clone()]);
    assert_eq!(db.app_subscriptions(None, Some("b1")).await.unwrap(), vec![sub.clone()]);
    assert!(db.app_subscriptions(None, Some("b2")).await.unwrap().is_empty());
    assert!(db.delete_app_subscription("a1", &sub.object).await.unwrap());
    assert!(!db.delete_app_subscription("a1", &sub.object).await.unwrap());

    let ws = WabaSubscription {
        waba_id: "w1".into(),
        app_id: "a1".into(),
        business_id: "b1".into(),
        override_callback_uri: Some("https://override.example".into()),
        verify_token: Some("t".into()),
        created_at: T0,
    };
    db.put_waba_subscription(&ws).await.unwrap();
    let plain = WabaSubscription { override_callback_uri: None, verify_token: None, ..ws.clone() };
    db.put_waba_subscription(&plain).await.unwrap();
    assert_eq!(db.waba_subscriptions("w1").await.unwrap(), vec![plain]);
    assert!(db.delete_waba_subscription("w1", "a1").await.unwrap());
    assert!(db.waba_subscriptions("w1").await.unwrap().is_empty());

    let o = NumberOverride {
        phone_number_id: "p1".into(),
        waba_id: "w1".into(),
        business_id: "b1".into(),
        callback_url: "https://number.example".into(),
        verify_token: "n".into(),
        created_at: T0,
    };
    db.put_number_override(&o).await.unwrap();
    assert_eq!(db.number_override("p1").await.unwrap(), Some(o));
    assert!(db.delete_number_override("p1").await.unwrap());
    assert_eq!(db.number_override("p1").await.unwrap(), None);
}

async fn claim_lease_retry_and_replay(db: TestStore) {
    let queued = db.enqueue(&[event("b1", "A", T0), event("b1", "A", T0), event("b1", "B", T0)]).await.unwrap();
    let [a1, a2, b1] = queued[..] else { panic!("three ids: {queued:?}") };
    assert!(a1 < a2 && a2 < b1);

    // One claim takes a conversation's due rows together, in order; the worker sends them so.
    let claimed = db.claim_due(T0, "w1", L0, L0 + 30_000, 10, 100).await.unwrap();
    assert_eq!(ids(&claimed), [a1, a2, b1]);
    assert_eq!(claimed[0].value, "{\"key\":\"A\"}");
    assert!(
        db.claim_due(T0, "w2", L0 + 1, L0 + 30_000, 10, 100).await.unwrap().is_empty(),
        "leased rows are not claimed"
    );

    // A's first fails and waits for a retry; the worker gives A's second back unsent.
    let at = T0 + 10;
    db.record_attempts(
        "w1",
        &[
            result(&[a1], Outcome::Retry { next_attempt_at: T0 + 1000 }, Some(500), at),
            result(&[b1], Outcome::Delivered, Some(200), at),
        ],
    )
    .await
    .unwrap();
    db.release("w1", &[a2]).await.unwrap();
    let d = get(&db, b1).await;
    assert_eq!(
        (d.state, d.attempts, d.delivered_at, d.last_status),
        (DeliveryState::Delivered, 1, Some(at), Some(200))
    );
    assert_eq!((d.endpoint.as_deref(), d.updated_at, d.last_error), (Some(HOOK), Some(at), None));
    let d = get(&db, a1).await;
    assert_eq!((d.state, d.attempts, d.next_attempt_at), (DeliveryState::Pending, 1, T0 + 1000));
    assert_eq!((d.last_status, d.last_error.as_deref()), (Some(500), Some("HTTP 500")));
    assert_eq!(get(&db, a2).await.attempts, 0, "released without an attempt");

    // A's second is due but waits behind the retry of A's first.
    assert!(db.claim_due(T0 + 999, "w1", L0 + 2, L0 + 30_000, 10, 100).await.unwrap().is_empty());
    let next = match db.engine {
        // The earliest due row, even one that waits behind another.
        Engine::Postgres => T0,
        // The schedule knows that A's second waits for A's first: the worker need not wake
        // before A's first is due again.
        Engine::Sqlite => T0 + 1000,
    };
    assert_eq!(db.next_due_at().await.unwrap(), Some(next));
    assert_eq!(ids(&db.claim_due(T0 + 1000, "w1", L0 + 3, L0 + 30_000, 10, 100).await.unwrap()), [a1, a2]);
    db.record_attempts("w1", &[result(&[a1], Outcome::Dead { counted: true }, Some(400), T0 + 1001)]).await.unwrap();
    db.release("w1", &[a2]).await.unwrap();
    let d = get(&db, a1).await;
    assert_eq!((d.state, d.attempts, d.last_status), (DeliveryState::Dead, 2, Some(400)));

    // A dead letter no longer holds its conversation back.
    assert_eq!(ids(&db.claim_due(T0 + 1001, "w2", L0 + 5, L0 + 30_000, 10, 100).await.unwrap()), [a2]);
    // A paused endpoint defers without counting an attempt.
    db.record_attempts("w2", &[result(&[a2], Outcome::Defer { next_attempt_at: T0 + 5000 }, None, T0 + 1002)])
        .await
        .unwrap();
    let d = get(&db, a2).await;
    assert_eq!((d.state, d.attempts, d.next_attempt_at), (DeliveryState::Pending, 0, T0 + 5000));
    assert_eq!(db.next_due_at().await.unwrap(), Some(T0 + 5000));
    // Not counted: dead without an attempt.
    db.enqueue(&[event("b1", "C", T0)]).await.unwrap();
    let c1 = db.claim_due(T0 + 1003, "w1", L0 + 6, L0 + 30_000, 10, 100).await.unwrap()[0].id;
    db.record_attempts("w1", &[result(&[c1], Outcome::Dead { counted: false }, None, T0 + 1004)]).await.unwrap();
    assert_eq!((get(&db, c1).await.state, get(&db, c1).await.attempts), (DeliveryState::Dead, 0));

    // Replay by id: pending, due now, a fresh retry window; twice is a no-op.
    assert_eq!(db.replay(&[a1], None, T0 + 2000).await.unwrap(), 1);
    let d = get(&db, a1).await;
    assert_eq!((d.state, d.attempts, d.next_attempt_at), (DeliveryState::Pending, 0, T0 + 2000));
    assert_eq!((d.retry_from, d.updated_at), (T0 + 2000, Some(T0 + 2000)));
    assert_eq!(db.replay(&[a1], None, T0 + 2001).await.unwrap(), 0);
    // A delivered row replays too, but only within its business.
    assert_eq!(db.replay(&[b1], Some("b2"), T0 + 2002).await.unwrap(), 0);
    assert_eq!(db.replay(&[b1], Some("b1"), T0 + 2002).await.unwrap(), 1);
    let d = get(&db, b1).await;
    assert_eq!((d.state, d.delivered_at), (DeliveryState::Pending, None));
    // Replay of every dead row (only c1 is left dead).
    assert_eq!(db.replay(&[], Some("b2"), T0 + 2003).await.unwrap(), 0);
    assert_eq!(db.replay(&[], Some("b1"), T0 + 2003).await.unwrap(), 1);
    assert_eq!(get(&db, c1).await.state, DeliveryState::Pending);
    assert_eq!(db.outbox_stats().await.unwrap().dead, 0);
}

/// SQLite's worker keeps the pending rows in memory: rows another process makes, and rows a
/// replay or a resumed endpoint makes due, are claimed all the same.
async fn rows_made_or_changed_elsewhere_are_claimed(db: TestStore) {
    let lease = |n: i64| (L0 + n, L0 + n + 30_000);
    let claim = |at: i64, n: i64| {
        let (now, until) = lease(n);
        let db = &db;
        async move { ids(&db.claim_due(at, "w1", now, until, 10, 100).await.unwrap()) }
    };
    // Rows another process made are read within a second (SQLite's claims learn of their own
    // process's rows from its writer, and read the table at least once a second).
    let within_a_second = |at: i64, n: i64, count: usize| {
        let claim = &claim;
        async move {
            let mut claimed = claim(at, n).await;
            if claimed.len() < count {
                tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
                claimed.extend(claim(at, n + 100).await);
            }
            claimed
        }
    };
    assert!(claim(T0, 0).await.is_empty());
    let other = db.another().await;
    let [a, b] = other.enqueue(&[event("b1", "A", T0), event("b1", "B", T0)]).await.unwrap()[..] else {
        panic!("two ids")
    };
    assert_eq!(within_a_second(T0, 1, 2).await, [a, b]);
    db.record_attempts("w1", &[result(&[a, b], Outcome::Dead { counted: true }, Some(400), T0 + 1)]).await.unwrap();
    assert!(claim(T0 + 2, 2).await.is_empty());
    // A replay of one row, then of every dead row.
    assert_eq!(db.replay(&[a], None, T0 + 3).await.unwrap(), 1);
    assert_eq!(claim(T0 + 3, 3).await, [a]);
    assert_eq!(db.replay(&[], None, T0 + 4).await.unwrap(), 1);
    assert_eq!(claim(T0 + 4, 4).await, [b]);
    // Deferred for a paused endpoint; resumed, they are due at once.
    let later = Outcome::Defer { next_attempt_at: T0 + 60_000 };
    db.record_attempts("w1", &[result(&[a, b], later, None, T0 + 5)]).await.unwrap();
    assert!(claim(T0 + 6, 6).await.is_empty());
    db.set_endpoint_paused(HOOK, true, T0 + 7).await.unwrap();
    db.set_endpoint_paused(HOOK, false, T0 + 8).await.unwrap();
    assert_eq!(claim(T0 + 8, 8).await, [a, b]);
    // A row made after the claims began, by this store and by the other.
    let c = db.enqueue(&[event("b1", "C", T0)]).await.unwrap()[0];
    let d = other.enqueue(&[event("b1", "D", T0)]).await.unwrap()[0];
    assert_eq!(within_a_second(T0 + 9, 9, 2).await, [c, d]);
}

/// A row another process makes between two of this process's own is claimed with them, and
/// no later than they are: the writer notices the other process's commit before its own next
/// row, so the claims read the table instead of taking its rows (and so never step past the
/// other row's id without it).
async fn rows_made_elsewhere_between_own_rows_keep_their_order(db: TestStore) {
    let claim = |at: i64| {
        let db = &db;
        async move { ids(&db.claim_due(at, "w1", L0 + at, L0 + at + 30_000, 10, 100).await.unwrap()) }
    };
    assert!(claim(T0).await.is_empty());
    let other = db.another().await;
    let a = db.enqueue(&[event("b1", "A", T0)]).await.unwrap()[0];
    assert_eq!(claim(T0 + 1).await, [a]);
    let b = db.enqueue(&[event("b1", "B", T0)]).await.unwrap()[0];
    let c = other.enqueue(&[event("b1", "C", T0)]).await.unwrap()[0];
    let d = db.enqueue(&[event("b1", "D", T0)]).await.unwrap()[0];
    assert_eq!(claim(T0 + 2).await, [b, c, d]);
}

async fn leases_end(db: TestStore) {
    let e1 = db.enqueue(&[event("b1", "A", T0)]).await.unwrap()[0];
    assert_eq!(ids(&db.claim_due(T0, "w1", L0, L0 + 10, 10, 100).await.unwrap()), [e1]);
    // A later row of the conversation waits while an earlier one is leased.
    let e2 = db.enqueue(&[event("b1", "A", T0)]).await.unwrap()[0];
    assert!(db.claim_due(T0, "w2", L0 + 10, L0 + 100, 10, 100).await.unwrap().is_empty(), "live until its end");
    // The lease ran out (the worker died): another worker takes the row, and the later row
    // still waits, until the earlier one's outcome is recorded.
    assert_eq!(ids(&db.claim_due(T0, "w2", L0 + 11, L0 + 100, 10, 100).await.unwrap()), [e1]);
    match db.engine {
        // Leases live in the rows: the first worker's late result does not apply.
        Engine::Postgres => {
            db.record_attempts("w1", &[result(&[e1], Outcome::Delivered, Some(200), T0 + 1)]).await.unwrap();
            assert_eq!(get(&db, e1).await.state, DeliveryState::Pending);
        }
        // One process owns the database and its leases: nothing to check.
        Engine::Sqlite => {}
    }
    // At start every lease is dropped (the previous process is gone).
    assert!(db.release_all_leases().await.unwrap() >= 1);
    assert_eq!(ids(&db.claim_due(T0, "w3", L0 + 12, L0 + 100, 10, 100).await.unwrap()), [e1, e2]);
    db.record_attempts("w3", &[result(&[e1, e2], Outcome::Delivered, Some(200), T0 + 2)]).await.unwrap();
    assert_eq!(get(&db, e2).await.state, DeliveryState::Delivered);
    // At most `limit` rows per claim, oldest first.
    let more = db.enqueue(&[event("b1", "X", T0), event("b1", "Y", T0), event("b1", "Z", T0)]).await.unwrap();
    assert_eq!(ids(&db.claim_due(T0, "w3", L0 + 13, L0 + 100, 2, 100).await.unwrap()), more[..2]);
}

/// A conversation's rows beyond what one POST carries are not leased with it: they wait, as
/// behind a lease, and go once the leased ones' outcome is recorded.
async fn a_claim_leases_at_most_per_key_rows_of_a_conversation(db: TestStore) {
    let a = db
        .enqueue(&[event("b1", "A", T0), event("b1", "A", T0), event("b1", "B", T0), event("b1", "A", T0)])
        .await
        .unwrap();
    assert_eq!(ids(&db.claim_due(T0, "w1", L0, L0 + 100, 10, 1).await.unwrap()), [a[0], a[2]]);
    assert!(db.claim_due(T0, "w1", L0 + 1, L0 + 100, 10, 1).await.unwrap().is_empty(), "A's next waits");
    db.record_attempts("w1", &[result(&[a[0], a[2]], Outcome::Delivered, Some(200), T0 + 1)]).await.unwrap();
    assert_eq!(ids(&db.claim_due(T0, "w1", L0 + 2, L0 + 100, 10, 2).await.unwrap()), [a[1], a[3]]);
}

async fn listing_stats_and_purge(db: TestStore) {
    assert_eq!(db.outbox_stats().await.unwrap(), OutboxStats::default());
    assert_eq!(db.next_due_at().await.unwrap(), None);
    let q = db.enqueue(&[event("b1", "A", T0), event("b2", "B", T0 + 1), event("b1", "C", T0 + 2)]).await.unwrap();
    assert_eq!(ids(&db.claim_due(T0 + 5, "w", L0, L0 + 100, 10, 100).await.unwrap()), q);
    db.record_attempts(
        "w",
        &[
            result(&[q[0]], Outcome::Delivered, Some(200), T0 + 10),
            result(&[q[1]], Outcome::Dead { counted: true }, Some(410), T0 + 11),
        ],
    )
    .await
    .unwrap();
    db.release("w", &[q[2]]).await.unwrap();
    let stats = db.outbox_stats().await.unwrap();
    assert_eq!(stats, OutboxStats { pending: 1, dead: 1, oldest_pending_at: Some(T0 + 2) });
    // One business's figures count its own rows only.
    let b1 = db.business_outbox_stats("b1").await.unwrap();
    assert_eq!(b1, OutboxStats { pending: 1, dead: 0, oldest_pending_at: Some(T0 + 2) });
    let b2 = db.business_outbox_stats("b2").await.unwrap();
    assert_eq!(b2, OutboxStats { pending: 0, dead: 1, oldest_pending_at: None });
    assert_eq!(db.business_outbox_stats("b3").await.unwrap(), OutboxStats::default());

    let db = &db;
    let list =
        |f: DeliveryFilter| async move { ids(&db.deliveries(&DeliveryFilter { limit: 10, ..f }).await.unwrap()) };
    assert_eq!(list(DeliveryFilter::default()).await, [q[2], q[1], q[0]], "newest first");
    assert_eq!(list(DeliveryFilter { before_id: Some(q[2]), ..Default::default() }).await, [q[1], q[0]]);
    assert_eq!(list(DeliveryFilter { business_id: Some("b1".into()), ..Default::default() }).await, [q[2], q[0]]);
    assert_eq!(list(DeliveryFilter { state: Some(DeliveryState::Dead), ..Default::default() }).await, [q[1]]);
    assert_eq!(list(DeliveryFilter { endpoint: Some(HOOK.into()), ..Default::default() }).await, [q[1], q[0]]);
    // The change feed: rows changed after a point, oldest change first.
    assert_eq!(list(DeliveryFilter { changed_after: Some((0, 0)), ..Default::default() }).await, [q[0], q[1]]);
    assert_eq!(list(DeliveryFilter { changed_after: Some((T0 + 10, q[0])), ..Default::default() }).await, [q[1]]);
    let one = db.deliveries(&DeliveryFilter { limit: 1, ..Default::default() }).await.unwrap();
    assert_eq!(ids(&one), [q[2]]);

    // Purge delivered rows delivered before a time, at most `limit` at once.
    assert_eq!(db.purge_delivered(T0 + 10, 10).await.unwrap(), 0);
    assert_eq!(db.purge_delivered(T0 + 11, 10).await.unwrap(), 1);
    assert!(db.delivery(q[0]).await.unwrap().is_none());
    assert!(db.delivery(q[1]).await.unwrap().is_some(), "dead rows stay for replay");
}

async fn paused_endpoints(db: TestStore) {
    db.set_endpoint_paused(HOOK, true, T0).await.unwrap();
    db.set_endpoint_paused("https://other.example", false, T0).await.unwrap();
    let eps = db.endpoints().await.unwrap();
    let got: Vec<_> = eps.iter().map(|e| (e.url.as_str(), e.paused, e.updated_at)).collect();
    assert_eq!(got, [("https://hook.example/webhook", true, T0), ("https://other.example", false, T0)]);

    let q = db.enqueue(&[event("b1", "A", T0), event("b1", "B", T0)]).await.unwrap();
    db.claim_due(T0, "w", L0, L0 + 100, 10, 100).await.unwrap();
    db.record_attempts("w", &[result(&q, Outcome::Defer { next_attempt_at: T0 + 60_000 }, None, T0 + 1)])
        .await
        .unwrap();
    // Resuming makes what it deferred due at once.
    db.set_endpoint_paused(HOOK, false, T0 + 5).await.unwrap();
    for id in &q {
        assert_eq!(get(&db, *id).await.next_attempt_at, T0 + 5);
    }
    assert!(!db.endpoints().await.unwrap()[0].paused);
    assert_eq!(db.endpoints().await.unwrap()[0].updated_at, T0 + 5);
}
