//! Webhook delivery end to end, against a local receiver: handshake, retries driven by the
//! clock, restart durability, independent signature checks, per-conversation order, dead
//! letters and replay, the inspector, pause/resume, fault injection, several PostgreSQL nodes.
//! Each test runs on SQLite and PostgreSQL.
//!
//! Retries are scheduled an hour out (`backoff_initial = 1h`), so only moving the server's clock
//! makes them due: nothing here waits for a retry in real time.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use risala_core::clock::Clock;
use risala_core::model::{DeliveryState, NewOutboxEvent};
use risala_delivery::config::Duration as Dur;
use risala_server::Config;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::{json, Value};

const HOUR: i64 = 3_600_000;
const TOKEN: &str = "verify-me-please";

/// Retries an hour apart, and batched delivery (up to 100 changes per POST): most tests here
/// exercise batching; `one_change_per_post_by_default` checks the default.
fn config(db: &Database) -> Config {
    let mut c = db.config();
    c.webhooks.backoff_initial = Dur::secs(3600);
    c.webhooks.backoff_max = Dur::secs(3600);
    c.webhooks.batch_max_count = 100;
    c
}

async fn start(db: &Database) -> TestApp {
    TestApp::start_with(config(db)).await.unwrap()
}

/// Move the server's clock and wake the worker (as the sandbox clock endpoint would).
fn advance(app: &TestApp, ms: i64) {
    app.state.clock.advance(ms, i64::MAX).unwrap();
    app.state.delivery.wake();
}

fn event(app: &TestApp, key: &str, seq: usize) -> NewOutboxEvent {
    NewOutboxEvent {
        business_id: app.demo.ids.business_id.clone(),
        waba_id: app.waba_id().to_string(),
        phone_number_id: Some(app.phone_number_id().to_string()),
        ordering_key: key.to_string(),
        field: "messages".into(),
        value: json!({"messaging_product": "whatsapp", "test_id": format!("{key}/{seq}"), "key": key, "seq": seq})
            .to_string(),
        created_at: app.state.clock.now_ms(),
    }
}

async fn enqueue(app: &TestApp, events: Vec<NewOutboxEvent>) -> Vec<i64> {
    let ids = app.state.store.enqueue(&events).await.unwrap();
    app.state.delivery.wake();
    ids
}

fn test_id(v: &Value) -> String {
    v["test_id"].as_str().unwrap_or_default().to_string()
}

async fn subscribe(app: &TestApp, rcv: &WebhookReceiver) {
    crate::support::subscribe(app, rcv, TOKEN).await
}

/// Wait for `pred`; whenever nothing happens for a while, move the clock an hour and a half on.
async fn drive(app: &TestApp, rcv: &WebhookReceiver, rounds: usize, pred: impl Fn(&WebhookReceiver) -> bool) {
    for _ in 0..rounds {
        if rcv.wait_until(Duration::from_millis(400), &pred).await {
            return;
        }
        advance(app, HOUR + HOUR / 2);
    }
    panic!("condition not reached after {rounds} clock moves; {} posts", rcv.posts().len());
}

async fn handshake(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    let path = format!("/v23.0/{}/subscriptions", app.demo.ids.app_id);

    // A wrong verify token: the receiver answers 403, the Graph call fails, nothing is saved.
    let wrong = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": "nope", "fields": "messages"});
    let e = assert_graph_error(&app.post(&path, &wrong).await, 400, 100);
    assert!(e["message"].as_str().unwrap().contains("Callback verification failed"), "{e}");
    assert!(e["error_data"]["details"].as_str().unwrap().contains("HTTP Status Code = 403"), "{e}");
    assert_eq!(rcv.handshakes(), 1);
    let (s, list) = app.get(&path).await;
    assert_eq!(s, 200);
    assert_eq!(list, json!({"data": []}));

    // An unreachable callback is refused too.
    let down = json!({"object": "whatsapp_business_account", "callback_url": "http://127.0.0.1:9/webhook", "verify_token": TOKEN});
    assert_graph_error(&app.post(&path, &down).await, 400, 100);

    subscribe(&app, &rcv).await;
    let (_, list) = app.get(&path).await;
    assert_eq!(
        list,
        json!({"data": [{"object": "whatsapp_business_account", "callback_url": rcv.url(), "active": true,
                          "fields": [{"name": "messages", "version": "v23.0"}]}]})
    );

    // WABA override: handshake checked the same way; GET shows it.
    let waba_path = format!("/v23.0/{}/subscribed_apps", app.waba_id());
    let e = assert_graph_error(
        &app.post(&waba_path, &json!({"override_callback_uri": rcv.url(), "verify_token": "nope"})).await,
        400,
        100,
    );
    assert!(e["message"].as_str().unwrap().contains("Callback verification failed"));
    let (s, b) = app.post(&waba_path, &json!({"override_callback_uri": rcv.url(), "verify_token": TOKEN})).await;
    assert_eq!(s, 200, "{b}");
    let (_, b) = app.get(&waba_path).await;
    assert_eq!(b["data"][0]["whatsapp_business_api_data"]["id"], app.demo.ids.app_id.as_str());
    assert_eq!(b["data"][0]["override_callback_uri"], rcv.url());

    // Phone-number override.
    let num = format!("/v23.0/{}", app.phone_number_id());
    let bad = json!({"webhook_configuration": {"override_callback_uri": rcv.url(), "verify_token": "nope"}});
    assert_graph_error(&app.post(&num, &bad).await, 400, 100);
    assert!(app.state.store.number_override(app.phone_number_id()).await.unwrap().is_none());
    let good = json!({"webhook_configuration": {"override_callback_uri": rcv.url(), "verify_token": TOKEN}});
    let (s, b) = app.post(&num, &good).await;
    assert_eq!(s, 200, "{b}");
    assert!(app.state.store.number_override(app.phone_number_id()).await.unwrap().is_some());
    // The number reports every level's callback.
    let (s, b) = app.get(&format!("{num}?fields=webhook_configuration")).await;
    assert_eq!(s, 200, "{b}");
    let url = rcv.url();
    assert_eq!(
        b["webhook_configuration"],
        json!({"application": url, "whatsapp_business_account": url, "phone_number": url})
    );

    // Not a URL; and another business's app is not visible.
    let e = assert_graph_error(
        &app.post(
            &path,
            &json!({"object": "whatsapp_business_account", "callback_url": "not a url", "verify_token": "x"}),
        )
        .await,
        400,
        100,
    );
    assert!(e["error_data"]["details"].as_str().unwrap().contains("callback_url"));
    app.stop().await;
}
engine_test!(handshake_rejects_a_wrong_verify_token, super::handshake);

async fn platform_guard(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = config(&db);
    c.mode = risala_server::Mode::Platform;
    let app = TestApp::start_with(c).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    let path = format!("/v23.0/{}/subscriptions", app.demo.ids.app_id);
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": TOKEN});
    let e = assert_graph_error(&app.post(&path, &body).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("https"), "{e}");
    let https_loopback = body_with(&body, "https://127.0.0.1:1/webhook");
    let e = assert_graph_error(&app.post(&path, &https_loopback).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("non-public"), "{e}");
    let https_private = body_with(&body, "https://10.1.2.3/webhook");
    assert_graph_error(&app.post(&path, &https_private).await, 400, 100);
    assert_eq!(rcv.handshakes(), 0, "no request may reach a refused address");
    app.stop().await;

    // An allow-listed network is reachable (the handshake then fails on TLS, not on the guard).
    let mut c = config(&db);
    c.mode = risala_server::Mode::Platform;
    c.webhooks.allow_private = vec!["127.0.0.0/8".into()];
    let app = TestApp::start_with(c).await.unwrap();
    let e = assert_graph_error(
        &app.post(&path, &body_with(&body, &format!("https://{}/webhook", rcv.addr))).await,
        400,
        100,
    );
    assert!(e["message"].as_str().unwrap().contains("Callback verification failed"), "{e}");
    app.stop().await;
}
engine_test!(platform_mode_refuses_http_and_private_callbacks, super::platform_guard);

fn body_with(body: &Value, url: &str) -> Value {
    let mut b = body.clone();
    b["callback_url"] = Value::String(url.into());
    b
}

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

async fn order(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = config(&db);
    c.webhooks.batch_max_count = 7;
    let app = TestApp::start_with(c).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    subscribe(&app, &rcv).await;
    rcv.fail_every(4);
    const CONVS: usize = 40;
    const PER: usize = 15;
    // Interleaved across conversations, one commit per step of every conversation.
    for seq in 0..PER {
        enqueue(&app, (0..CONVS).map(|c| event(&app, &format!("conv{c}"), seq)).collect()).await;
    }
    drive(&app, &rcv, 60, |r| r.accepted_once(test_id).len() >= CONVS * PER).await;
    let mut seen: HashMap<String, Vec<u64>> = HashMap::new();
    for v in rcv.accepted_once(test_id) {
        seen.entry(v["key"].as_str().unwrap().to_string()).or_default().push(v["seq"].as_u64().unwrap());
    }
    assert_eq!(seen.len(), CONVS);
    for (k, seqs) in seen {
        assert_eq!(seqs, (0..PER as u64).collect::<Vec<_>>(), "order of {k}");
    }
    // With failures injected the receiver also saw each accepted change exactly once: a failed
    // POST is not accepted, and a change is only resent after its POST failed.
    assert_eq!(rcv.accepted().len(), CONVS * PER);
    app.stop().await;
}
engine_test!(per_conversation_order_holds_with_many_conversations, super::order);

/// POSTs to one callback URL run concurrently up to `max_in_flight_per_endpoint` (32 by
/// default), never more: a receiver that takes 300 ms to answer gets many changes of
/// different conversations at once, and exactly the configured number when it is lower.
async fn in_flight(engine: Engine) {
    for (limit, changes) in [(None, 40), (Some(3), 12)] {
        let db = Database::fresh(engine).await.unwrap();
        let mut c = db.config();
        if let Some(n) = limit {
            c.webhooks.max_in_flight_per_endpoint = n;
        }
        let app = TestApp::start_with(c).await.unwrap();
        assert_eq!(app.config.webhooks.batch_max_count, 1, "one change per POST");
        let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
        subscribe(&app, &rcv).await;
        rcv.delay(Duration::from_millis(300));
        let events: Vec<NewOutboxEvent> = (0..changes).map(|i| event(&app, &format!("f{i}"), i)).collect();
        enqueue(&app, events).await;
        assert!(rcv.wait_accepted(changes, Duration::from_secs(30)).await, "{} accepted", rcv.accepted().len());
        let most = rcv.most_in_flight();
        match limit {
            Some(n) => assert_eq!(most, n, "POSTs at once with a limit of {n}"),
            None => assert!((9..=32).contains(&most), "{most} POSTs at once with the default limit"),
        }
        app.stop().await;
    }
}
engine_test!(posts_to_one_endpoint_run_concurrently_up_to_the_limit, super::in_flight);

/// A receiver that speaks HTTP/1.0 and closes every connection after one answer, as Python's
/// `http.server` does by default; it reads exactly one request, so requests sent after it on
/// the same connection are left unread and closing resets the connection. Answers the
/// handshake with its challenge; records each POST's changes' values.
async fn closing_receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Value>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = got.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if tcp.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_string();
                let len = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                    .map_or(0, |v| v.parse().unwrap());
                let mut body = vec![0; len];
                tcp.read_exact(&mut body).await.unwrap();
                let answer = match head.split_once("hub.challenge=") {
                    Some((_, rest)) => rest.split(['&', ' ']).next().unwrap_or_default().to_string(),
                    None => {
                        let post: Value = serde_json::from_slice(&body).unwrap();
                        let mut seen = seen.lock().unwrap();
                        for change in post["entry"][0]["changes"].as_array().unwrap() {
                            seen.push(change["value"].clone());
                        }
                        String::new()
                    }
                };
                let _ = tcp.write_all(format!("HTTP/1.0 200 OK\r\n\r\n{answer}").as_bytes()).await;
            });
        }
    });
    (url, got)
}

/// Every change reaches a receiver that closes each connection after one answer (the server
/// POSTs to `http` callbacks down one connection where the receiver allows), once or more,
/// in order per conversation.
async fn closing(engine: Engine) {
    const CONVS: usize = 20;
    const PER: usize = 6;
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start_with(db.config()).await.unwrap();
    assert_eq!(app.config.webhooks.batch_max_count, 1, "one change per POST");
    let (url, got) = closing_receiver().await;
    let body = json!({"object": "whatsapp_business_account", "callback_url": url, "verify_token": TOKEN, "fields": "messages"});
    let (s, b) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &body).await;
    assert_eq!(s, 200, "{b}");
    for seq in 0..PER {
        enqueue(&app, (0..CONVS).map(|c| event(&app, &format!("c{c}"), seq)).collect()).await;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let distinct = || got.lock().unwrap().iter().map(test_id).collect::<HashSet<_>>().len();
    while distinct() < CONVS * PER {
        assert!(std::time::Instant::now() < deadline, "{} of {} changes arrived", distinct(), CONVS * PER);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut first: HashMap<String, Vec<u64>> = HashMap::new();
    let mut once = HashSet::new();
    for v in got.lock().unwrap().iter() {
        if once.insert(test_id(v)) {
            first.entry(v["key"].as_str().unwrap().to_string()).or_default().push(v["seq"].as_u64().unwrap());
        }
    }
    for (k, seqs) in first {
        assert_eq!(seqs, (0..PER as u64).collect::<Vec<_>>(), "order of {k}");
    }
    app.wait_deliveries("all delivered", |rows| rows.iter().all(|d| d.state == DeliveryState::Delivered)).await;
    app.stop().await;
}
engine_test!(a_receiver_that_closes_every_connection_gets_every_change_in_order, super::closing);

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

async fn dead_letters(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = config(&db);
    c.webhooks.max_retry_age = Dur::secs(2 * 3600);
    let app = TestApp::start_with(c).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    subscribe(&app, &rcv).await;
    rcv.fail_next(usize::MAX, 500);
    let ids = enqueue(&app, vec![event(&app, "d1", 0), event(&app, "d2", 0)]).await;
    for _ in 0..10 {
        // Each change was attempted and its outcome recorded: dead, or a retry in the future
        // that only a clock move makes due.
        app.wait_deliveries("each attempt recorded", |rows| {
            let now = app.state.clock.now_ms();
            rows.iter().all(|d| d.state == DeliveryState::Dead || (d.attempts >= 1 && d.next_attempt_at > now))
        })
        .await;
        if app.deliveries().await.iter().all(|d| d.state == DeliveryState::Dead) {
            break;
        }
        advance(&app, HOUR + HOUR / 2);
    }
    app.wait_deliveries("dead letters", |rows| rows.iter().all(|d| d.state == DeliveryState::Dead)).await;

    // The inspector shows them (sandbox: the Graph token sees its own business).
    let (s, b) = app.get("/admin/v1/webhooks/deliveries?state=dead").await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["data"].as_array().unwrap().len(), 2);
    assert_eq!(b["data"][0]["last_status"], 500);
    assert!(b["data"][0]["attempts"].as_i64().unwrap() >= 2);
    assert!(b["data"][0]["next_attempt_at"].is_null());
    assert_eq!(b["data"][0]["value"]["test_id"], "d2/0");

    rcv.fail_next(0, 500);
    let (s, b) = app.post("/admin/v1/webhooks/dead-letters/replay", &json!({})).await;
    assert_eq!((s, b), (200, json!({"replayed": 2})));
    assert!(rcv.wait_accepted(2, Duration::from_secs(10)).await);
    app.wait_deliveries("delivered after replay", |rows| rows.iter().all(|d| d.state == DeliveryState::Delivered))
        .await;

    // One delivery replayed again on request.
    let (s, b) = app.post(&format!("/admin/v1/webhooks/deliveries/{}/replay", ids[0]), &json!({})).await;
    assert_eq!((s, b), (200, json!({"replayed": 1})));
    assert!(rcv.wait_accepted(3, Duration::from_secs(10)).await);
    app.stop().await;
}
engine_test!(dead_letters_replay, super::dead_letters);

async fn inspector(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = config(&db);
    c.admin_token = Some("operator-secret-token".into());
    let app = TestApp::start_with(c).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    let admin = Some("operator-secret-token");

    // Admin subscription (what `risala webhooks subscribe` calls).
    let (s, b) = app
        .post_as(
            "/admin/v1/webhooks/subscriptions",
            &json!({"app_id": app.demo.ids.app_id, "callback_url": rcv.url(), "verify_token": TOKEN}),
            admin,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    // With an admin token configured, Graph tokens are not admin credentials.
    assert_graph_error(&app.get_as("/admin/v1/webhooks/deliveries", Some(DEMO_TOKEN)).await, 401, 190);
    assert_graph_error(&app.get_as("/admin/v1/webhooks/deliveries", None).await, 400, 104);

    // Pause: changes wait (in order) and are not attempted; resume delivers them.
    let (s, _) = app.post_as("/admin/v1/webhooks/endpoints/pause", &json!({"url": rcv.url()}), admin).await;
    assert_eq!(s, 200);
    // Kept as a bounded wait: the pause applies to this node's worker at once, but a refresh of
    // paused endpoints (about once a second) that read the store just before the pause can
    // still write its older list back, and nothing outside the worker shows when such a
    // refresh has finished. 1.2 s outlasts it.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let ids = enqueue(&app, vec![event(&app, "p", 0), event(&app, "p", 1)]).await;
    app.wait_deliveries("deferred while paused", |rows| {
        rows.iter().any(|d| d.id == ids[0] && d.last_error.as_deref() == Some("the endpoint is paused"))
    })
    .await;
    assert!(rcv.posts().is_empty());
    let (_, eps) = app.get_as("/admin/v1/webhooks/endpoints", admin).await;
    assert_eq!(eps["data"][0]["paused"], true, "{eps}");
    let (s, _) = app.post_as("/admin/v1/webhooks/endpoints/resume", &json!({"url": rcv.url()}), admin).await;
    assert_eq!(s, 200);
    assert!(rcv.wait_accepted(2, Duration::from_secs(10)).await);

    // Fault injection: every attempt fails before reaching the receiver, then recovers.
    let (s, f) = app.post_as("/admin/v1/webhooks/faults", &json!({"fail_rate": 1.0, "fail_status": 502}), admin).await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(f["fail_rate"], 1.0);
    let id = enqueue(&app, vec![event(&app, "f", 0)]).await[0];
    app.wait_deliveries("injected failure", |rows| rows.iter().any(|d| d.id == id && d.attempts == 1)).await;
    let (_, d) = app.get_as(&format!("/admin/v1/webhooks/deliveries/{id}"), admin).await;
    assert_eq!(d["last_status"], 502);
    assert!(d["last_error"].as_str().unwrap().contains("fault injection"), "{d}");
    assert!(d["next_attempt_at"].is_i64());
    assert_eq!(d["body"]["entry"][0]["changes"][0]["value"]["test_id"], "f/0");
    assert_eq!(rcv.posts().len(), 1);
    let (s, _) = app.post_as("/admin/v1/webhooks/faults", &json!({"fail_rate": 0.0}), admin).await;
    assert_eq!(s, 200);
    assert_graph_error(&app.post_as("/admin/v1/webhooks/faults", &json!({"fail_rate": 2}), admin).await, 400, 100);
    drive(&app, &rcv, 5, |r| r.accepted().len() >= 3).await;
    app.wait_deliveries("all delivered", |rows| rows.iter().all(|d| d.state == DeliveryState::Delivered)).await;

    // Tail: changes after a cursor, oldest first.
    let (_, t) = app.get_as("/admin/v1/webhooks/deliveries?changed_after=0&limit=100", admin).await;
    let tail = t["data"].as_array().unwrap();
    assert_eq!(tail.len(), 3);
    assert_eq!(tail.last().unwrap()["id"], id);
    let cursor = t["paging"]["changed_after"].as_str().unwrap().to_string();
    let (_, t2) = app.get_as(&format!("/admin/v1/webhooks/deliveries?changed_after={cursor}"), admin).await;
    assert_eq!(t2["data"], json!([]));

    // Metrics.
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(text.contains("risala_webhook_events_delivered_total 3"), "{text}");
    assert!(text.contains("risala_webhook_failures_total{kind=\"injected\"} 1"), "{text}");
    assert!(text.contains("risala_webhook_queue_depth"));
    assert!(text.contains("risala_webhook_attempt_duration_seconds_count"));
    app.stop().await;
}
engine_test!(inspector_pause_resume_faults_and_metrics, super::inspector);

async fn no_callback(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let id = enqueue(&app, vec![event(&app, "n", 0)]).await[0];
    app.wait_deliveries("dead without a callback", |rows| {
        rows.iter().any(|d| d.id == id && d.state == DeliveryState::Dead)
    })
    .await;
    let d = app.state.store.delivery(id).await.unwrap().unwrap();
    assert_eq!(d.attempts, 0);
    assert!(d.last_error.unwrap().contains("no webhook callback"));
    // Configure one, replay: delivered.
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    subscribe(&app, &rcv).await;
    let (s, b) = app.post("/admin/v1/webhooks/dead-letters/replay", &json!({})).await;
    assert_eq!((s, b), (200, json!({"replayed": 1})));
    assert!(rcv.wait_accepted(1, Duration::from_secs(10)).await);
    app.stop().await;
}
engine_test!(changes_without_a_callback_are_dead_letters_until_replayed, super::no_callback);

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

/// In a sandbox shared by tenants, a business's token pauses only a URL that no other
/// business has as a callback: holding it would hold the other's deliveries too.
async fn pause_scope(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let shared = WebhookReceiver::start(TOKEN).await.unwrap();
    let own = WebhookReceiver::start(TOKEN).await.unwrap();
    let tenancy = &app.state.tenancy;
    let other = tenancy.create_business("Other Shop").await.unwrap();
    let waba = tenancy.create_waba(&other.id, "Other WABA").await.unwrap();
    let new = risala_core::tenancy::NewPhoneNumber {
        waba_id: &waba.id,
        number: "+15550107777",
        verified_name: "Other",
        account_mode: "SANDBOX",
    };
    let theirs = tenancy.create_phone_number(new).await.unwrap();
    let ours = tenancy.phone_number(app.phone_number_id(), None).await.unwrap();
    let hooks = &app.state.webhooks;
    hooks.set_number_override(&theirs, Some((&shared.url(), TOKEN))).await.unwrap();
    hooks.set_number_override(&ours, Some((&shared.url(), TOKEN))).await.unwrap();

    let client = &app;
    let pause = |url: String| async move {
        client.post_as("/admin/v1/webhooks/endpoints/pause", &json!({"url": url}), Some(DEMO_TOKEN)).await
    };
    let e = assert_graph_error(&pause(shared.url()).await, 403, 200);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("another business"), "{e}");
    // Its own URL, once the number points there alone.
    hooks.set_number_override(&ours, Some((&own.url(), TOKEN))).await.unwrap();
    assert_eq!(pause(own.url()).await.0, 200);
    assert_graph_error(&pause(shared.url()).await, 400, 100);
    app.stop().await;
}
engine_test!(a_business_pauses_only_a_url_no_other_business_uses, super::pause_scope);

/// `DELETE /{waba-id}/subscribed_apps` stops the WABA's webhooks, as on Meta's platform (events
/// meanwhile are dead letters that say why, for a replay); subscribing again resumes them. A
/// WABA that was never subscribed keeps the sandbox's default: its business's app callback.
async fn unsubscribed_waba(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    subscribe(&app, &rcv).await;
    enqueue(&app, vec![event(&app, "u", 0)]).await;
    assert!(rcv.wait_accepted(1, Duration::from_secs(10)).await, "delivered before any subscribed_apps call");

    let waba_path = format!("/v23.0/{}/subscribed_apps", app.waba_id());
    assert_eq!(app.post(&waba_path, &json!({})).await.0, 200);
    let resp = app.client.delete(app.url(&waba_path)).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(app.get(&waba_path).await.1, json!({"data": []}));
    let id = enqueue(&app, vec![event(&app, "u", 1)]).await[0];
    app.wait_deliveries("dead while unsubscribed", |rows| {
        rows.iter().any(|d| {
            d.id == id
                && d.state == DeliveryState::Dead
                && d.last_error.as_deref().is_some_and(|e| e.contains("no app is subscribed"))
        })
    })
    .await;
    assert_eq!(rcv.posts().len(), 1);

    assert_eq!(app.post(&waba_path, &json!({})).await.0, 200);
    enqueue(&app, vec![event(&app, "u", 2)]).await;
    assert!(rcv.wait_accepted(2, Duration::from_secs(10)).await, "delivered again once subscribed");
    assert_eq!(rcv.accepted().iter().map(|(_, _, v)| test_id(v)).collect::<Vec<_>>(), ["u/0", "u/2"]);
    app.stop().await;
}
engine_test!(an_unsubscribed_waba_gets_no_webhooks, super::unsubscribed_waba);
