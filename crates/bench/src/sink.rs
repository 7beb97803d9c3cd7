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
use serde_json::Value;

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
    let Ok(v) = serde_json::from_slice::<Value>(&body) else { return StatusCode::BAD_REQUEST };
    let mut sent = Vec::new();
    let mut inbound = Vec::new();
    for entry in v["entry"].as_array().into_iter().flatten() {
        for change in entry["changes"].as_array().into_iter().flatten() {
            sink.changes.fetch_add(1, Ordering::Relaxed);
            let value = &change["value"];
            for s in value["statuses"].as_array().into_iter().flatten() {
                if s["status"] == "sent" {
                    if let Some(id) = s["id"].as_str() {
                        sent.push(id.to_string());
                    }
                }
            }
            for m in value["messages"].as_array().into_iter().flatten() {
                if let Some(id) = m["id"].as_str() {
                    inbound.push(id.to_string());
                }
            }
        }
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

/// Start the sink on 127.0.0.1; returns it and its URL.
pub async fn start() -> anyhow::Result<(Arc<Sink>, String)> {
    let sink = Arc::new(Sink::default());
    let app = Router::new().route("/", get(handshake).post(receive)).with_state(sink.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr: SocketAddr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((sink, format!("http://{addr}/")))
}
