//! Connection limits: the header, body and idle timeouts close slow or idle clients, and one
//! address may hold only `connections.max_per_address` connections; normal requests and
//! customer WebSockets are untouched. Short timeouts from the configuration; each test waits
//! for the timeout it checks (bounded), never a fixed time.

use std::time::{Duration, Instant};

use risala_server::config::ConnectionConfig;
use risala_testkit::{eventually, Database, Engine, TestApp};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn start(connections: ConnectionConfig) -> (Database, TestApp) {
    let db = Database::fresh(Engine::Sqlite).await.unwrap();
    let app = TestApp::start_with(risala_server::Config { connections, ..db.config() }).await.unwrap();
    (db, app)
}

fn limits(header: &str, body: &str, idle: &str, max: u32) -> ConnectionConfig {
    ConnectionConfig {
        header_timeout: header.into(),
        body_timeout: body.into(),
        min_body_rate: 65536,
        idle_timeout: idle.into(),
        max_per_address: max,
        trusted_proxies: Vec::new(),
    }
}

/// Read until the server closes the connection (EOF or reset), at most `limit`; the bytes read.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(all),
            Ok(Ok(n)) => all.extend_from_slice(&buf[..n]),
        }
    }
}

/// One complete keep-alive GET on `stream`; the response's head and body as text.
async fn get_healthz(stream: &mut TcpStream) -> String {
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n").await.unwrap();
    let mut buf = vec![0u8; 4096];
    let mut got = Vec::new();
    // The health answer is small: read until its body (a JSON object) is complete.
    while !got.ends_with(b"}") {
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0, "closed before the answer: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slowloris_client_is_dropped_at_the_header_timeout() {
    // The idle timeout is long: only the header timeout can close this connection in time.
    let (_db, app) = start(limits("2s", "30s", "60s", 256)).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let started = Instant::now();
    let head = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut closed_after = None;
    for byte in head.iter().take(20) {
        tick.tick().await;
        if stream.write_all(&[*byte]).await.is_err() {
            closed_after = Some(started.elapsed());
            break;
        }
        let mut b = [0u8; 64];
        if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(Duration::from_millis(1), stream.read(&mut b)).await {
            closed_after = Some(started.elapsed());
            break;
        }
    }
    let closed_after = closed_after.expect("the slow client was still connected after 20 s");
    assert!(closed_after >= Duration::from_millis(1900), "closed too early: {closed_after:?}");
    assert!(closed_after < Duration::from_secs(5), "closed late: {closed_after:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_sends_nothing_is_closed_at_the_header_timeout() {
    let (_db, app) = start(limits("1s", "30s", "60s", 256)).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let started = Instant::now();
    let got = read_until_closed(&mut stream, Duration::from_secs(10)).await.expect("still open after 10 s");
    assert!(got.is_empty());
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(4), "closed after {took:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    // Idle (3 s) longer than the header timeout (1 s): an idle connection outlives the header
    // timeout, and goes at the idle timeout.
    let (_db, app) = start(limits("1s", "30s", "3s", 256)).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let answer = get_healthz(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let idle_from = Instant::now();
    let rest = read_until_closed(&mut stream, Duration::from_secs(10)).await.expect("still open after 10 s");
    let closed_after = idle_from.elapsed();
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    assert!(
        closed_after >= Duration::from_millis(2800),
        "closed at the header timeout, not the idle one: {closed_after:?}"
    );
    assert!(closed_after < Duration::from_secs(6), "closed late: {closed_after:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_body_is_cut_at_the_body_timeout() {
    let (_db, app) = start(limits("10s", "1s", "60s", 256)).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let path = format!("/v23.0/{}/messages", app.phone_number_id());
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"messaging_product\"",
        risala_testkit::DEMO_TOKEN
    );
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.unwrap();
    // The rest of the body never comes: the server answers with a Graph error and closes.
    let got = read_until_closed(&mut stream, Duration::from_secs(10)).await.expect("still open after 10 s");
    let took = started.elapsed();
    let text = String::from_utf8_lossy(&got);
    assert!(took >= Duration::from_millis(900), "cut too early: {took:?}");
    assert!(took < Duration::from_secs(5), "cut late: {took:?}");
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("\"fbtrace_id\"") && text.contains("did not arrive in time"), "{text}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_arriving_faster_than_the_minimum_rate_outlives_the_body_timeout() {
    // 1 s for the body, extended by every byte at 100 bytes a second; the client sends 20
    // bytes every 100 ms (200 bytes a second) for about 3 s.
    let db = Database::fresh(Engine::Sqlite).await.unwrap();
    let mut connections = limits("10s", "1s", "60s", 256);
    connections.min_body_rate = 100;
    let app = TestApp::start_with(risala_server::Config { connections, ..db.config() }).await.unwrap();
    let body = json!({"messaging_product": "whatsapp", "to": "15550001111", "type": "text",
        "text": {"body": "x".repeat(520)}})
    .to_string();
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /v23.0/{}/messages HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        app.phone_number_id(),
        risala_testkit::DEMO_TOKEN,
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    for chunk in body.as_bytes().chunks(20) {
        tick.tick().await;
        stream.write_all(chunk).await.unwrap();
    }
    assert!(started.elapsed() > Duration::from_secs(2), "the body must take longer than the body timeout");
    let got = read_until_closed(&mut stream, Duration::from_secs(10)).await.expect("no answer");
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_over_the_per_address_cap_is_refused() {
    let (_db, app) = start(limits("10s", "30s", "60s", 3)).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut s = TcpStream::connect(app.addr).await.unwrap();
        assert!(get_healthz(&mut s).await.starts_with("HTTP/1.1 200"));
        open.push(s);
    }
    // The kernel completes the handshake; the server closes the 4th at once, unanswered.
    let mut fourth = TcpStream::connect(app.addr).await.unwrap();
    let _ = fourth.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n").await;
    let got = read_until_closed(&mut fourth, Duration::from_secs(5)).await.expect("the 4th connection stayed open");
    assert!(got.is_empty(), "the 4th connection was answered: {}", String::from_utf8_lossy(&got));
    // One closes: its place is free again once the server has seen it go.
    drop(open.pop());
    eventually("a new connection is served after one closed", Duration::from_secs(5), async || {
        let Ok(mut s) = TcpStream::connect(app.addr).await else { return false };
        if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").await.is_err() {
            return false;
        }
        let got = read_until_closed(&mut s, Duration::from_secs(5)).await.unwrap_or_default();
        got.starts_with(b"HTTP/1.1 200")
    })
    .await
    .unwrap();
    // The ones still open are served as before.
    for s in &mut open {
        assert!(get_healthz(s).await.starts_with("HTTP/1.1 200"));
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_and_customer_websockets_outlive_the_timeouts() {
    let (_db, app) = start(limits("1s", "1s", "1s", 256)).await;
    // Ordinary requests, a body included, are unaffected.
    let (s, v) = app
        .post(
            &format!("/v23.0/{}/messages", app.phone_number_id()),
            &json!({"messaging_product": "whatsapp", "to": "15550001111", "type": "text", "text": {"body": "hi"}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let customer = app.customer("15550002222", "Device").await;
    let mut device = customer.connect().await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "hello"}})).await;
    assert!(device.frames_before_reply().await.is_empty());
    // Silent for longer than the idle timeout: a WebSocket is not an idle HTTP connection.
    let quiet_until = tokio::time::Instant::now() + Duration::from_millis(2500);
    assert!(device.next_within(Duration::from_millis(2500)).await.is_none());
    tokio::time::sleep_until(quiet_until).await;
    assert!(device.frames_before_reply().await.is_empty(), "the WebSocket still answers");
    let (s, v) = app
        .post(
            &format!("/v23.0/{}/messages", app.phone_number_id()),
            &json!({"messaging_product": "whatsapp", "to": customer.wa_id, "type": "text", "text": {"body": "still there?"}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(device.next_message().await["text"]["body"], "still there?");
    app.stop().await;
}
