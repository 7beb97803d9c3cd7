//! The webhook sink: answers the verification handshake, checks every
//! `X-Hub-Signature-256` against the app secret, and records when each message id's `sent`
//! status (or inbound message) arrived.
//!
//! It speaks HTTP/1.1 itself, as a receiver tuned for throughput would: it reads whatever
//! the server sent, handles every complete request in it (the server pipelines several POSTs
//! down one connection) and answers them all in one write. The sink shares the two cores with
//! the server it measures, so what it spends on each POST is taken from the server's share.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const VERIFY_TOKEN: &str = "risala-bench-verify";

/// The most a request's head may take; a longer one closes the connection.
const MAX_HEAD: usize = 64 * 1024;
/// The most a webhook POST's body may take (Meta's batches are far smaller).
const MAX_BODY: usize = 16 * 1024 * 1024;
/// Room made for each read.
const READ_AT_LEAST: usize = 16 * 1024;

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

    /// Whether `sig` is the body's signature under the app secret.
    fn signed(&self, body: &[u8], sig: &str) -> bool {
        match self.secret.lock() {
            Ok(secret) => risala_delivery::signature::verify(&secret, body, sig),
            Err(_) => false,
        }
    }

    /// A webhook POST's answer status: checks the signature, then records its statuses and
    /// messages.
    fn receive(&self, sig: &str, body: &[u8]) -> u16 {
        let now = Instant::now();
        self.posts.fetch_add(1, Ordering::Relaxed);
        if !self.signed(body, sig) {
            self.bad_signatures.fetch_add(1, Ordering::Relaxed);
            return 401;
        }
        let Ok(post) = serde_json::from_slice::<Post>(body) else { return 400 };
        let mut sent = Vec::new();
        let mut inbound = Vec::new();
        for change in post.entry.into_iter().flat_map(|e| e.changes) {
            self.changes.fetch_add(1, Ordering::Relaxed);
            sent.extend(change.value.statuses.into_iter().filter(|s| s.status == "sent").map(|s| s.id.into_owned()));
            inbound.extend(change.value.messages.into_iter().map(|m| m.id.into_owned()));
        }
        for (ids, map) in [(sent, &self.sent), (inbound, &self.inbound)] {
            if ids.is_empty() {
                continue;
            }
            if let Ok(mut g) = map.lock() {
                for id in ids {
                    g.entry(id).or_insert(now);
                }
            }
        }
        200
    }
}

/// The verification handshake's answer: the challenge when the token is ours (the query
/// decoded as a form, as the server's own handshake encodes it).
fn handshake(target: &str) -> (u16, String) {
    let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
    let q: HashMap<String, String> = serde_urlencoded::from_str(query).unwrap_or_default();
    if q.get("hub.verify_token").map(String::as_str) == Some(VERIFY_TOKEN) {
        (200, q.get("hub.challenge").cloned().unwrap_or_default())
    } else {
        (403, "wrong verify token".into())
    }
}

/// Append an answer with `body` (plain text) to `out`.
fn answer(out: &mut Vec<u8>, status: u16, body: &str, close: bool) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Error",
    };
    let connection = if close { "connection: close\r\n" } else { "" };
    out.extend_from_slice(
        format!("HTTP/1.1 {status} {reason}\r\ncontent-length: {}\r\n{connection}\r\n", body.len()).as_bytes(),
    );
    out.extend_from_slice(body.as_bytes());
}

/// What became of the first request in the buffer.
enum Parsed {
    /// Handled and answered: it took `used` bytes; the connection closes after it when `close`.
    Done { used: usize, close: bool },
    /// Not complete yet: it needs this many bytes in all, when its head says so.
    More(Option<usize>),
}

/// Handle the first request in `buf` if it is complete, appending its answer to `out`;
/// `Err` when the connection is to be dropped.
fn handle_one(sink: &Sink, buf: &[u8], out: &mut Vec<u8>) -> Result<Parsed, ()> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    let head = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => return Ok(Parsed::More(None)),
        _ => return Err(()),
    };
    let mut length = 0usize;
    let mut sig = "";
    let mut close = false;
    for h in req.headers.iter() {
        if h.name.eq_ignore_ascii_case("content-length") {
            length = std::str::from_utf8(h.value).ok().and_then(|v| v.trim().parse().ok()).ok_or(())?;
        } else if h.name.eq_ignore_ascii_case("x-hub-signature-256") {
            sig = std::str::from_utf8(h.value).unwrap_or("");
        } else if h.name.eq_ignore_ascii_case("connection") {
            close = h.value.eq_ignore_ascii_case(b"close");
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            // The server always sends a length; a chunked body is not read here.
            return Err(());
        }
    }
    if length > MAX_BODY {
        return Err(());
    }
    let used = head + length;
    if buf.len() < used {
        return Ok(Parsed::More(Some(used)));
    }
    let body = &buf[head..used];
    match req.method.unwrap_or("") {
        "POST" => answer(out, sink.receive(sig, body), "", close),
        "GET" => {
            let (status, text) = handshake(req.path.unwrap_or("/"));
            answer(out, status, &text, close);
        }
        _ => answer(out, 404, "", close),
    }
    Ok(Parsed::Done { used, close })
}

/// Serve one connection until the server closes it: read what came, handle every complete
/// request in it, answer them in one write.
async fn serve(sink: Arc<Sink>, mut tcp: TcpStream) {
    let mut buf: Vec<u8> = Vec::with_capacity(READ_AT_LEAST);
    let mut out: Vec<u8> = Vec::with_capacity(1024);
    // The bytes the request at the front of `buf` needs in all, once its head is read.
    let mut need: usize = 0;
    loop {
        buf.reserve(need.saturating_sub(buf.len()).max(READ_AT_LEAST));
        match tcp.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if buf.len() < need {
            continue;
        }
        let mut at = 0;
        let mut close = false;
        need = 0;
        while !close {
            match handle_one(&sink, &buf[at..], &mut out) {
                Ok(Parsed::Done { used, close: c }) => {
                    at += used;
                    close = c;
                }
                Ok(Parsed::More(total)) => {
                    need = total.unwrap_or(0);
                    break;
                }
                Err(()) => {
                    let _ = tcp.write_all(&out).await;
                    return;
                }
            }
        }
        buf.drain(..at);
        if !out.is_empty() {
            if tcp.write_all(&out).await.is_err() {
                return;
            }
            out.clear();
        }
        if close {
            return;
        }
    }
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

/// Start the sink on 127.0.0.1; returns it and its URL.
pub async fn start() -> anyhow::Result<(Arc<Sink>, String)> {
    let sink = Arc::new(Sink::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr: SocketAddr = listener.local_addr()?;
    let accepting = sink.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let _ = tcp.set_nodelay(true);
            tokio::spawn(serve(accepting.clone(), tcp));
        }
    });
    Ok((sink, format!("http://{addr}/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(secret: &str, body: &str) -> String {
        let sig = risala_delivery::signature::signature_header(secret, body.as_bytes());
        format!(
            "POST / HTTP/1.1\r\nhost: x\r\nx-hub-signature-256: {sig}\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    fn status_body(id: &str) -> String {
        format!(
            r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"field":"messages","value":{{"statuses":[{{"id":"{id}","status":"sent","recipient_id":"1"}}]}}}}]}}]}}"#
        )
    }

    #[test]
    fn pipelined_posts_are_checked_recorded_and_answered_in_order() {
        let sink = Sink::default();
        sink.set_secret("s3cret");
        let mut wire = post("s3cret", &status_body("wamid.A"));
        wire.push_str(&post("wrong", &status_body("wamid.B")));
        wire.push_str(&post("s3cret", "not json"));
        let (buf, mut out, mut at) = (wire.as_bytes(), Vec::new(), 0);
        while let Ok(Parsed::Done { used, close }) = handle_one(&sink, &buf[at..], &mut out) {
            assert!(!close);
            at += used;
        }
        assert_eq!(at, buf.len());
        let answers = String::from_utf8(out).unwrap();
        let statuses: Vec<&str> = answers.match_indices("HTTP/1.1 ").map(|(i, _)| &answers[i + 9..i + 12]).collect();
        assert_eq!(statuses, ["200", "401", "400"]);
        let sent = sink.sent.lock().unwrap();
        assert!(sent.contains_key("wamid.A") && !sent.contains_key("wamid.B"));
        assert_eq!(sink.bad_signatures.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_request_cut_short_waits_for_the_rest() {
        let sink = Sink::default();
        let wire = post("k", &status_body("wamid.C"));
        let mut out = Vec::new();
        let head_end = wire.find("\r\n\r\n").unwrap() + 4;
        assert!(matches!(handle_one(&sink, &wire.as_bytes()[..10], &mut out), Ok(Parsed::More(None))));
        match handle_one(&sink, &wire.as_bytes()[..head_end + 3], &mut out) {
            Ok(Parsed::More(Some(n))) => assert_eq!(n, wire.len()),
            _ => panic!("a known length is asked for"),
        }
        assert!(out.is_empty());
    }

    #[test]
    fn the_handshake_echoes_the_challenge_for_our_token_only() {
        let ours = format!("/?hub.mode=subscribe&hub.challenge=12345&hub.verify_token={VERIFY_TOKEN}");
        assert_eq!(handshake(&ours), (200, "12345".to_string()));
        assert_eq!(handshake("/?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x").0, 403);
    }
}
