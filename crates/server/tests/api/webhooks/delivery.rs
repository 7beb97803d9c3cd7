//! Delivering: retries driven by the clock, a receiver down across a restart, one change per
//! POST by default, signatures checked by the receiver, a clock jump mid-POST, two PostgreSQL
//! nodes sharing one outbox.

use super::*;

async fn retries(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    rcv.set_app_secret(&app.demo.app.app_secret);
    subscribe(&app, &rcv).await;
    rcv.fail_next(3, 503);
    let ids = enqueue(&app, (0..5).map(|i| event(&app, "conv-a", i)).collect()).await;

    // First attempt fails; the retry is scheduled about an hour out and does not happen before.
    assert!(rcv.wait_until(Duration::from_secs(10), |r| !r.posts().is_empty()).await);
    app.wait_deliveries("first attempt recorded", |rows| rows.iter().all(|d| d.attempts == 1)).await;
    let d = app.state.store.delivery(ids[0]).await.unwrap().unwrap();
    assert_eq!(d.state, DeliveryState::Pending);
    assert_eq!(d.last_status, Some(503));
    let now = app.state.clock.now_ms();
    assert!(d.next_attempt_at > now + HOUR / 2 && d.next_attempt_at <= now + HOUR * 6 / 5 + 1000, "{d:?}");
    assert_eq!(rcv.posts().len(), 1);

    drive(&app, &rcv, 10, |r| r.accepted().len() >= 5).await;
    assert_eq!(rcv.posts().len(), 4, "three failures, then one POST with all five changes");
    let got: Vec<String> = rcv.accepted_once(test_id).iter().map(test_id).collect();
    assert_eq!(got, (0..5).map(|i| format!("conv-a/{i}")).collect::<Vec<_>>());
    assert!(rcv.posts().iter().all(|p| p.signature_valid == Some(true)));
    app.wait_deliveries("delivered", |rows| rows.iter().all(|d| d.state == DeliveryState::Delivered)).await;
    let d = app.state.store.delivery(ids[4]).await.unwrap().unwrap();
    assert_eq!((d.attempts, d.last_status, d.endpoint.as_deref()), (4, Some(200), Some(rcv.url().as_str())));
    app.stop().await;
}
engine_test!(failing_receiver_gets_each_event_after_retries, super::retries);

async fn restart(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let mut rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    subscribe(&app, &rcv).await;
    rcv.stop().await;
    enqueue(&app, (0..20).map(|i| event(&app, &format!("c{}", i % 4), i)).collect()).await;
    app.wait_deliveries("attempts against the down receiver", |rows| {
        rows.len() == 20 && rows.iter().all(|d| d.attempts >= 1 && d.last_status.is_none())
    })
    .await;
    app.stop().await;

    // Both come back: the server on the same database, the receiver on the same port.
    let app = start(&db).await;
    rcv.restart().await.unwrap();
    drive(&app, &rcv, 10, |r| r.accepted_once(test_id).len() >= 20).await;
    let got: HashSet<String> = rcv.accepted_once(test_id).iter().map(test_id).collect();
    assert_eq!(got.len(), 20);
    app.wait_deliveries("delivered", |rows| rows.iter().all(|d| d.state == DeliveryState::Delivered)).await;
    app.stop().await;
}
engine_test!(receiver_down_across_a_restart_gets_everything, super::restart);

async fn one_change_per_post(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    assert_eq!(app.config.webhooks.batch_max_count, 1, "the default");
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    rcv.set_app_secret(&app.demo.app.app_secret);
    subscribe(&app, &rcv).await;
    // Two conversations: each change goes alone, and each conversation's order holds.
    let events: Vec<NewOutboxEvent> = (0..12).map(|i| event(&app, &format!("k{}", i % 2), i)).collect();
    enqueue(&app, events).await;
    assert!(rcv.wait_accepted(12, Duration::from_secs(20)).await, "{} accepted", rcv.accepted().len());
    let posts = rcv.posts();
    assert_eq!(posts.len(), 12, "one POST per change");
    for p in &posts {
        assert_eq!(p.changes().len(), 1, "{}", p.json);
        assert_eq!(p.json["entry"].as_array().map(Vec::len), Some(1));
        assert_eq!(p.signature_valid, Some(true));
    }
    for k in ["k0", "k1"] {
        let seq: Vec<i64> =
            rcv.accepted_once(test_id).iter().filter(|v| v["key"] == k).filter_map(|v| v["seq"].as_i64()).collect();
        let mut sorted = seq.clone();
        sorted.sort();
        assert_eq!(seq, sorted, "order of {k}");
    }
    app.stop().await;
}
engine_test!(one_change_per_post_by_default, super::one_change_per_post);

async fn signatures(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = config(&db);
    c.webhooks.batch_max_count = 40;
    let app = TestApp::start_with(c).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    rcv.set_app_secret(&app.demo.app.app_secret);
    subscribe(&app, &rcv).await;
    let mut events: Vec<NewOutboxEvent> = (0..150).map(|i| event(&app, &format!("s{i}"), i)).collect();
    // Non-ASCII and escapes: the signature covers the exact bytes sent.
    events[7].value = json!({"test_id": "s7/7", "text": "مرحبا \"quoted\" \\ 🎉"}).to_string();
    enqueue(&app, events).await;
    assert!(rcv.wait_accepted(150, Duration::from_secs(20)).await, "{} accepted", rcv.accepted().len());
    let posts = rcv.posts();
    assert!(posts.len() >= 4, "batches of at most 40: {} posts", posts.len());
    for p in &posts {
        assert_eq!(p.signature_valid, Some(true), "signature {:?}", p.signature);
        assert!(p.changes().len() <= 40);
        assert_eq!(p.json["object"], "whatsapp_business_account");
        assert_eq!(p.json["entry"][0]["id"], app.waba_id());
    }
    // Meta's bytes: every non-ASCII character escaped as lowercase \uXXXX (a surrogate pair
    // beyond the BMP), signed as sent, and the same text once parsed.
    let p7 = posts.iter().find(|p| p.changes().iter().any(|(_, _, v)| v["test_id"] == "s7/7")).unwrap();
    let raw = std::str::from_utf8(&p7.body).unwrap();
    assert!(raw.is_ascii(), "{raw}");
    assert!(raw.contains(r"\u0645\u0631\u062d\u0628\u0627") && raw.contains(r"\ud83c\udf89"), "{raw}");
    let v7 = p7.changes().into_iter().find(|(_, _, v)| v["test_id"] == "s7/7").unwrap().2;
    assert_eq!(v7["text"], "مرحبا \"quoted\" \\ 🎉");
    // The same receiver with another secret refuses (401): the check can fail.
    assert!(!risala_testkit::webhooks::signature_matches(
        "0123",
        &posts[0].body,
        posts[0].signature.as_deref().unwrap()
    ));
    app.stop().await;
}
engine_test!(receiver_verifying_signatures_accepts_every_delivery, super::signatures);

/// Moving the sandbox clock while a POST is in flight does not end its lease: the change is
/// not sent a second time.
async fn clock_jump_mid_post(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start_with(config(&db)).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    subscribe(&app, &rcv).await;
    rcv.delay(Duration::from_millis(800));
    enqueue(&app, vec![event(&app, "jump", 0)]).await;
    // The POST has reached the receiver, which takes 800 ms to answer it: jump meanwhile.
    assert!(rcv.wait_until(Duration::from_secs(5), |r| r.arrived() >= 1).await, "the first POST never arrived");
    for _ in 0..3 {
        advance(&app, 3 * HOUR);
    }
    assert!(rcv.wait_accepted(1, Duration::from_secs(5)).await);
    // A second claim would follow a jump's wake-up at once, long before the first POST is
    // answered; stopping the server waits for every POST it started, so after it the receiver
    // has seen all there will be.
    app.stop().await;
    assert_eq!(rcv.posts().len(), 1, "the change was posted again while its first POST was in flight");
}
engine_test!(a_clock_jump_does_not_resend_a_change_in_flight, super::clock_jump_mid_post);

/// Two PostgreSQL nodes drain one outbox: every change arrives exactly once.
async fn two_nodes(engine: Engine) {
    if engine != Engine::Postgres {
        return; // SQLite is single-node by design.
    }
    let db = Database::fresh(engine).await.unwrap();
    let mut c = config(&db);
    c.webhooks.batch_max_count = 10;
    c.webhooks.claim_limit = 30;
    let a = TestApp::start_with(c.clone()).await.unwrap();
    let b = TestApp::start_with(c).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    subscribe(&a, &rcv).await;
    b.state.delivery.invalidate_targets();
    for chunk in 0..10 {
        let evs: Vec<_> = (0..60).map(|i| event(&a, &format!("k{}", i % 25), chunk * 60 + i)).collect();
        a.state.store.enqueue(&evs).await.unwrap();
        a.state.delivery.wake();
        b.state.delivery.wake();
    }
    assert!(rcv.wait_accepted(600, Duration::from_secs(30)).await, "{} accepted", rcv.accepted().len());
    // A change claimed by both nodes would be in flight on the other: stopping both waits for
    // every POST they started, so the receiver then has all there will be.
    a.stop().await;
    b.stop().await;
    let all = rcv.accepted();
    assert_eq!(all.len(), 600, "no change delivered twice");
    let mut last: HashMap<String, u64> = HashMap::new();
    for (_, _, v) in all {
        let k = v["key"].as_str().unwrap().to_string();
        let seq = v["seq"].as_u64().unwrap();
        if let Some(prev) = last.insert(k.clone(), seq) {
            assert!(seq > prev, "order of {k}");
        }
    }
}
engine_test!(two_postgres_nodes_deliver_each_change_once, super::two_nodes);
