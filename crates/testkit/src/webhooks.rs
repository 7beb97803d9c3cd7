//! A fake webhook receiver: a small axum server on 127.0.0.1 that answers Meta's verification
//! GET, records every POST, checks `X-Hub-Signature-256` on its own (RustCrypto `hmac`, not the
//! server's code), and can fail the next N POSTs or be stopped and restarted on the same port.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::{oneshot, Notify};

/// One POST the receiver got.
#[derive(Debug, Clone)]
pub struct Post {
    pub body: Bytes,
    pub json: Value,
    pub signature: Option<String>,
    /// Whether the signature matched the app secret (None when no secret was set).
    pub signature_valid: Option<bool>,
    /// The status the receiver answered.
    pub answered: u16,
}

impl Post {
    /// `(waba id, field, value)` of every change in the envelope, in order.
    pub fn changes(&self) -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        for e in self.json["entry"].as_array().into_iter().flatten() {
            let waba = e["id"].as_str().unwrap_or_default().to_string();
            for c in e["changes"].as_array().into_iter().flatten() {
                out.push((waba.clone(), c["field"].as_str().unwrap_or_default().to_string(), c["value"].clone()));
            }
        }
        out
    }
}

#[derive(Default)]
struct Shared {
    verify_token: Mutex<String>,
    app_secret: Mutex<Option<String>>,
    fail_next: AtomicUsize,
    fail_status: AtomicU16,
    fail_every: AtomicUsize,
    received: AtomicUsize,
    /// POSTs that reached the receiver, counted on arrival (before any delay).
    arrived: AtomicUsize,
    /// Milliseconds each POST waits before it is answered.
    delay_ms: std::sync::atomic::AtomicU64,
    /// POSTs being answered right now, and the most there ever were at once.
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    posts: Mutex<Vec<Post>>,
    handshakes: AtomicUsize,
    notify: Notify,
}

/// The receiver. Dropping it stops it.
pub struct WebhookReceiver {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Verify `X-Hub-Signature-256` independently of Risala's signer.
pub fn signature_matches(app_secret: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.strip_prefix("sha256=") else { return false };
    let Ok(sig) = hex::decode(hex_sig) else { return false };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else { return false };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

async fn verify(State(s): State<Arc<Shared>>, Query(q): Query<Vec<(String, String)>>) -> (StatusCode, String) {
    s.handshakes.fetch_add(1, Ordering::SeqCst);
    let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let expected = s.verify_token.lock().map(|t| t.clone()).unwrap_or_default();
    if get("hub.mode") == "subscribe" && get("hub.verify_token") == expected {
        (StatusCode::OK, get("hub.challenge"))
    } else {
        (StatusCode::FORBIDDEN, "bad verify token".into())
    }
}

async fn receive(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    s.arrived.fetch_add(1, Ordering::SeqCst);
    let now_in_flight = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    s.most_in_flight.fetch_max(now_in_flight, Ordering::SeqCst);
    s.notify.notify_waiters();
    let delay = s.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    s.in_flight.fetch_sub(1, Ordering::SeqCst);
    let signature = headers.get("x-hub-signature-256").and_then(|v| v.to_str().ok()).map(str::to_string);
    let secret = s.app_secret.lock().ok().and_then(|g| g.clone());
    let signature_valid = secret.map(|sec| signature.as_deref().is_some_and(|h| signature_matches(&sec, &body, h)));
    let nth = s.received.fetch_add(1, Ordering::SeqCst) + 1;
    let every = s.fail_every.load(Ordering::SeqCst);
    let failing = s.fail_next.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
        || (every > 0 && nth % every == 0);
    let status = if failing {
        StatusCode::from_u16(s.fail_status.load(Ordering::SeqCst)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    } else if signature_valid == Some(false) {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if let Ok(mut p) = s.posts.lock() {
        p.push(Post { body, json, signature, signature_valid, answered: status.as_u16() });
    }
    s.notify.notify_waiters();
    status
}

async fn serve(
    addr: SocketAddr,
    shared: Arc<Shared>,
) -> anyhow::Result<(SocketAddr, oneshot::Sender<()>, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = Router::new().route("/webhook", get(verify).post(receive)).with_state(shared);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok((addr, tx, task))
}

impl WebhookReceiver {
    /// Start on a free port; answers the handshake for `verify_token`.
    pub async fn start(verify_token: &str) -> anyhow::Result<WebhookReceiver> {
        let shared = Arc::new(Shared::default());
        shared.fail_status.store(500, Ordering::SeqCst);
        if let Ok(mut t) = shared.verify_token.lock() {
            *t = verify_token.to_string();
        }
        let (addr, stop, task) = serve("127.0.0.1:0".parse()?, shared.clone()).await?;
        Ok(WebhookReceiver { addr, shared, stop: Some(stop), task: Some(task) })
    }

    /// The callback URL.
    pub fn url(&self) -> String {
        format!("http://{}/webhook", self.addr)
    }

    /// Check signatures with this app secret (a mismatch is answered 401 and recorded).
    pub fn set_app_secret(&self, secret: &str) {
        if let Ok(mut s) = self.shared.app_secret.lock() {
            *s = Some(secret.to_string());
        }
    }

    /// Answer the next `n` POSTs with `status`.
    pub fn fail_next(&self, n: usize, status: u16) {
        self.shared.fail_status.store(status, Ordering::SeqCst);
        self.shared.fail_next.store(n, Ordering::SeqCst);
    }

    /// Take this long to answer each POST (a slow receiver).
    pub fn delay(&self, d: Duration) {
        self.shared.delay_ms.store(d.as_millis() as u64, Ordering::SeqCst);
    }

    /// Answer every `n`-th POST with 500 (0 turns it off).
    pub fn fail_every(&self, n: usize) {
        self.shared.fail_every.store(n, Ordering::SeqCst);
    }

    /// POSTs that have arrived, answered or not (a slow receiver answers them later).
    pub fn arrived(&self) -> usize {
        self.shared.arrived.load(Ordering::SeqCst)
    }

    /// The most POSTs this receiver was answering at one time.
    pub fn most_in_flight(&self) -> usize {
        self.shared.most_in_flight.load(Ordering::SeqCst)
    }

    pub fn handshakes(&self) -> usize {
        self.shared.handshakes.load(Ordering::SeqCst)
    }

    /// Every POST so far, in arrival order.
    pub fn posts(&self) -> Vec<Post> {
        self.shared.posts.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// Changes of the POSTs answered 2xx, in arrival order (duplicates included).
    pub fn accepted(&self) -> Vec<(String, String, Value)> {
        self.posts().iter().filter(|p| p.answered < 300).flat_map(|p| p.changes()).collect()
    }

    /// Distinct accepted changes by an id taken from each change value (the receiver's own
    /// idempotency key), in first-arrival order.
    pub fn accepted_once(&self, id: impl Fn(&Value) -> String) -> Vec<Value> {
        let mut seen = HashSet::new();
        self.accepted().into_iter().filter(|(_, _, v)| seen.insert(id(v))).map(|(_, _, v)| v).collect()
    }

    /// Wait (real time, up to `timeout`) until `pred` holds over the receiver; returns whether it did.
    pub async fn wait_until(&self, timeout: Duration, pred: impl Fn(&WebhookReceiver) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.notify.notified();
            if pred(self) {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return pred(self);
            }
        }
    }

    /// Wait until at least `n` changes were accepted.
    pub async fn wait_accepted(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |r| r.accepted().len() >= n).await
    }

    /// Stop listening (connections refused until [`WebhookReceiver::restart`]).
    pub async fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        // Graceful: hyper closes idle keep-alive connections, so the server's pooled
        // connections see the receiver go away too.
        if let Some(mut t) = self.task.take() {
            if tokio::time::timeout(Duration::from_secs(2), &mut t).await.is_err() {
                t.abort();
            }
        }
    }

    /// Listen again on the same address, keeping what was received.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.stop().await;
        let (_, stop, task) = serve(self.addr, self.shared.clone()).await?;
        self.stop = Some(stop);
        self.task = Some(task);
        Ok(())
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}
