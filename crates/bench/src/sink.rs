//! The webhook sink: answers the verification handshake, checks every
//! `X-Hub-Signature-256` against the app secret, and records when each message id's `sent`
//! status (or inbound message) arrived.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use std::borrow::Cow;

pub const VERIFY_TOKEN: &str = "risala-bench-verify";

#[derive(Default)]
pub struct Sink {
    secret: Mutex<String>,
    /// wamid → when its `sent` status arrived.
    pub sent: Mutex<HashMap<String, Instant>>,
    /// wamid → when the inbound message arrived.
    pub inbound: Mutex<HashMap<String, Instant>>,
    pub posts: AtomicU64,
    pub bad_signatures: AtomicU64,
    pub changes: AtomicU64,
}

impl Sink {
    pub fn set_secret(&self, s: &str) {
        if let Ok(mut g) = self.secret.lock() {
            *g = s.to_string();
        }
    }
}

async fn handshake(Query(q): Query<HashMap<String, String>>) -> (StatusCode, String) {
    if q.get("hub.verify_token").map(String::as_str) == Some(VERIFY_TOKEN) {
        (StatusCode::OK, q.get("hub.challenge").cloned().unwrap_or_default())
    } else {
        (StatusCode::FORBIDDEN, "wrong verify token".into())
    }
}

async fn receive(State(sink): State<Arc<Sink>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let now = Instant::now();
    sink.posts.fetch_add(1, Ordering::Relaxed);
    let secret = sink.secret.lock().map(|s| s.clone()).unwrap_or_default();
    let sig = headers.get("x-hub-signature-256").and_then(|v| v.to_str().ok()).unwrap_or("");
    if !risala_delivery::signature::verify(&secret, &body, sig) {
        sink.bad_signatures.fetch_add(1, Ordering::Relaxed);
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(post) = serde_json::from_slice::<Post>(&body) else { return StatusCode::BAD_REQUEST };
    let mut sent = Vec::new();
    let mut inbound = Vec::new();
    for change in post.entry.into_iter().flat_map(|e| e.changes) {
        sink.changes.fetch_add(1, Ordering::Relaxed);
        sent.extend(change.value.statuses.into_iter().filter(|s| s.status == "sent").map(|s| s.id.into_owned()));
        inbound.extend(change.value.messages.into_iter().map(|m| m.id.into_owned()));
    }
    if let Ok(mut g) = sink.sent.lock() {
        for id in sent {
            g.entry(id).or_insert(now);
        }
    }
    if let Ok(mut g) = sink.inbound.lock() {
        for id in inbound {
            g.entry(id).or_insert(now);
        }
    }
    StatusCode::OK
}

/// The parts of a webhook POST the sink reads, borrowed from the body where they can be: the
/// sink shares the cores with the server it measures, so it skips everything else unbuilt.
#[derive(Deserialize)]
struct Post<'a> {
    #[serde(borrow, default)]
    entry: Vec<Entry<'a>>,
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow, default)]
    changes: Vec<Change<'a>>,
}

#[derive(Deserialize)]
struct Change<'a> {
    #[serde(borrow)]
    value: ChangeValue<'a>,
}

#[derive(Deserialize)]
struct ChangeValue<'a> {
    #[serde(borrow, default)]
    statuses: Vec<Status<'a>>,
    #[serde(borrow, default)]
    messages: Vec<Identified<'a>>,
}

#[derive(Deserialize)]
struct Status<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    status: Cow<'a, str>,
}

/// Anything the sink only needs the `id` of (an inbound message, an accepted send's message).
#[derive(Deserialize)]
pub(crate) struct Identified<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
}

/// A send's answer: `{"messages": [{"id": …}]}`.
#[derive(Deserialize)]
pub(crate) struct Accepted<'a> {
    #[serde(borrow)]
    pub messages: Vec<Identified<'a>>,
}

/// Start the sink on 127.0.0.1; returns it and its URL. Its connections answer pipelined
/// POSTs (the server sends several down one connection to a receiver that answers quickly)
/// with one write for the answers ready together, as a receiver tuned for throughput would.
pub async fn start() -> anyhow::Result<(Arc<Sink>, String)> {
    let sink = Arc::new(Sink::default());
    let app = Router::new().route("/", get(handshake).post(receive)).with_state(sink.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr: SocketAddr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let _ = tcp.set_nodelay(true);
            let service = hyper_util::service::TowerToHyperService::new(app.clone());
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .pipeline_flush(true)
                    .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                    .await;
            });
        }
    });
    Ok((sink, format!("http://{addr}/")))
}
