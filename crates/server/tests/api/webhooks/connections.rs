//! Order and connections: per-conversation order over many conversations, POSTs in flight
//! to one endpoint, a receiver that closes every connection.

use super::*;

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
