//! Webhook POSTs to plain `http://` callbacks (the sandbox's: a developer's receiver on their
//! own machine), over HTTP/1.1 written and read here instead of through hyper's pooled client.
//! Several POSTs to one endpoint can go down one kept-alive connection in one write and be
//! answered in order (pipelining, RFC 9112 §9.3): with one change per POST (the server's
//! default) that saves both sides a write, a read and a wake-up per webhook. The worker decides
//! how many POSTs share a connection (one until the endpoint has shown it answers quickly);
//! a POST is resent on a new connection when the receiver closed (or reset) its connection
//! before answering it, so a receiver that does not keep connections open, or cannot take
//! pipelined requests, still gets every change, one connection each. `https://` callbacks go through hyper (see `client`), where HTTP/2
//! does the same by multiplexing.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes, BytesMut};
use http::{StatusCode, Uri};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::client::{Answer, PostError, MAX_ANSWER};
use crate::guard::Guard;

/// How long a connection may sit unused in the pool before it is closed instead of reused.
const IDLE_FOR: Duration = Duration::from_secs(90);
/// The most an answer's status line and headers may take.
const MAX_HEAD: usize = 64 * 1024;
const MAX_HEADERS: usize = 64;

/// One webhook POST: its `X-Hub-Signature-256` value and its body.
pub(crate) struct Post {
    pub signature: String,
    pub body: String,
}

/// What came of a train of POSTs: an answer or an error per POST, in order, and whether the
/// receiver closed or broke a connection while POSTs were still waiting on it (it should get
/// one POST per connection from now on).
pub(crate) struct Train {
    pub answers: Vec<Result<Answer, PostError>>,
    pub closed_early: bool,
}

struct Conn {
    stream: TcpStream,
    buf: BytesMut,
    idle_since: Instant,
}

/// Kept-alive connections by host and port.
pub(crate) struct Pool {
    guard: Arc<Guard>,
    connect_timeout: Duration,
    max_idle: usize,
    idle: Mutex<HashMap<(String, u16), Vec<Conn>>>,
}

/// How a connection ended an exchange.
enum End {
    /// Every POST written on it was answered, and it stays open.
    Open,
    /// The receiver closed it (or said it would) after the answers pushed so far.
    Closed,
}

impl Pool {
    pub(crate) fn new(guard: Arc<Guard>, connect_timeout: Duration, max_idle: usize) -> Pool {
        Pool { guard, connect_timeout, max_idle, idle: Mutex::new(HashMap::new()) }
    }

    /// POST every one of `posts` to `uri` (an `http` URL), as many as answered down one
    /// connection; `timeout` covers the whole train.
    pub(crate) async fn post(&self, uri: &Uri, posts: &[Post], timeout: Duration) -> Train {
        let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        let key = (host.to_string(), uri.port_u16().unwrap_or(80));
        let head = Head {
            path: uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"),
            authority: uri.authority().map(|a| a.as_str()).unwrap_or(host),
        };
        let mut answers = Vec::with_capacity(posts.len());
        let mut closed_early = false;
        let run = self.exchange_all(&key, &head, posts, &mut answers, &mut closed_early);
        let failed = match tokio::time::timeout(timeout, run).await {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e),
            Err(_) => Some(PostError::Timeout),
        };
        if let Some(e) = failed {
            while answers.len() < posts.len() {
                answers.push(Err(e.clone()));
            }
        }
        Train { answers, closed_early }
    }

    async fn exchange_all(
        &self,
        key: &(String, u16),
        head: &Head<'_>,
        posts: &[Post],
        answers: &mut Vec<Result<Answer, PostError>>,
        closed_early: &mut bool,
    ) -> Result<(), PostError> {
        // A kept-alive connection the receiver has closed meanwhile is only found out by using
        // it: its POSTs then go again on a new connection.
        let mut pooled = true;
        // Once a receiver closed or broke a connection with POSTs waiting on it, the rest go
        // one per connection (a server that closes with requests unread may reset the
        // connection and lose the answer before them).
        let mut one_at_a_time = false;
        while answers.len() < posts.len() {
            let (mut conn, reused) = match self.checkout(key, pooled) {
                Some(c) => (c, true),
                None => (self.connect(&key.0, key.1).await.map_err(PostError::Connect)?, false),
            };
            let before = answers.len();
            let rest = &posts[before..if one_at_a_time { before + 1 } else { posts.len() }];
            let ended = exchange(&mut conn, head, rest, answers).await;
            let answered = answers.len() > before;
            match ended {
                Ok(End::Open) => self.checkin(key, conn),
                Ok(End::Closed) | Err(_) if reused && !answered => pooled = false,
                Ok(End::Closed) if answered => {
                    if answers.len() < posts.len() {
                        *closed_early = true;
                        one_at_a_time = true;
                    }
                }
                Err(_) if rest.len() > 1 => {
                    *closed_early = true;
                    one_at_a_time = true;
                }
                Ok(End::Closed) => {
                    return Err(PostError::Connect("the receiver closed the connection without answering".into()))
                }
                Err(e) => return Err(PostError::Connect(format!("the connection to the receiver failed: {e}"))),
            }
        }
        Ok(())
    }

    fn checkout(&self, key: &(String, u16), pooled: bool) -> Option<Conn> {
        if !pooled {
            return None;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        let conns = idle.get_mut(key)?;
        while let Some(c) = conns.pop() {
            if c.idle_since.elapsed() < IDLE_FOR {
                return Some(c);
            }
        }
        None
    }

    fn checkin(&self, key: &(String, u16), mut conn: Conn) {
        if !conn.buf.is_empty() {
            // Bytes nobody asked for: the connection is out of step.
            return;
        }
        conn.idle_since = Instant::now();
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        match idle.get_mut(key) {
            Some(conns) if conns.len() >= self.max_idle => {}
            Some(conns) => conns.push(conn),
            None => {
                idle.insert(key.clone(), vec![conn]);
            }
        }
    }

    /// A new connection to one of the addresses `host` resolves to that the guard allows.
    async fn connect(&self, host: &str, port: u16) -> Result<Conn, String> {
        let mut last = String::new();
        for mut addr in self.guard.resolve(host).await? {
            addr.set_port(port);
            match tokio::time::timeout(self.connect_timeout, TcpStream::connect(addr)).await {
                Ok(Ok(stream)) => {
                    stream.set_nodelay(true).map_err(|e| e.to_string())?;
                    return Ok(Conn { stream, buf: BytesMut::with_capacity(8192), idle_since: Instant::now() });
                }
                Ok(Err(e)) => last = format!("tcp connect error: {e}"),
                Err(_) => last = format!("tcp connect to {addr} timed out"),
            }
        }
        Err(format!("cannot connect to {host}:{port}: {last}"))
    }
}

/// The parts of a POST's head that are the same for every POST to one URL.
struct Head<'a> {
    path: &'a str,
    authority: &'a str,
}

/// Write every one of `posts` in one write, then read their answers in order into `answers`.
async fn exchange(
    conn: &mut Conn,
    head: &Head<'_>,
    posts: &[Post],
    answers: &mut Vec<Result<Answer, PostError>>,
) -> io::Result<End> {
    let mut out = Vec::with_capacity(posts.iter().map(|p| p.body.len() + 256).sum());
    for p in posts {
        encode(&mut out, head, p);
    }
    conn.stream.write_all(&out).await?;
    for _ in posts {
        match read_answer(conn).await? {
            None => return Ok(End::Closed),
            Some((answer, keep)) => {
                answers.push(Ok(answer));
                if !keep {
                    return Ok(End::Closed);
                }
            }
        }
    }
    Ok(End::Open)
}

fn encode(out: &mut Vec<u8>, head: &Head<'_>, p: &Post) {
    for part in [
        "POST ",
        head.path,
        " HTTP/1.1\r\nHost: ",
        head.authority,
        "\r\nContent-Type: application/json\r\nUser-Agent: facebookexternalua\r\nX-Hub-Signature-256: ",
        &p.signature,
        "\r\nContent-Length: ",
    ] {
        out.extend_from_slice(part.as_bytes());
    }
    out.extend_from_slice(itoa::Buffer::new().format(p.body.len()).as_bytes());
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(p.body.as_bytes());
}

/// How an answer's body is delimited.
enum Framing {
    Length(usize),
    Chunked,
    /// Until the receiver closes the connection.
    Close,
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn cut_short() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "the receiver closed the connection in the middle of an answer")
}

/// Read more of the answer; `false` at the end of the stream.
async fn fill(conn: &mut Conn) -> io::Result<bool> {
    conn.buf.reserve(8192);
    Ok(conn.stream.read_buf(&mut conn.buf).await? > 0)
}

/// The next answer on the connection (informational ones skipped) and whether the connection
/// stays open after it; `None` when the receiver closed it before the answer began.
async fn read_answer(conn: &mut Conn) -> io::Result<Option<(Answer, bool)>> {
    loop {
        let (status, framing, mut keep, head_len) = loop {
            if !conn.buf.is_empty() {
                let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                let mut resp = httparse::Response::new(&mut headers);
                match resp.parse(&conn.buf) {
                    Ok(httparse::Status::Complete(n)) => {
                        let (status, framing, keep) = judge(&resp)?;
                        break (status, framing, keep, n);
                    }
                    Ok(httparse::Status::Partial) if conn.buf.len() > MAX_HEAD => {
                        return Err(invalid("the answer's headers are too long"))
                    }
                    Ok(httparse::Status::Partial) => {}
                    Err(e) => return Err(invalid(format!("the answer is not HTTP/1.1: {e}"))),
                }
            }
            if !fill(conn).await? {
                if conn.buf.is_empty() {
                    return Ok(None);
                }
                return Err(cut_short());
            }
        };
        conn.buf.advance(head_len);
        if status.is_informational() {
            if status == StatusCode::SWITCHING_PROTOCOLS {
                return Err(invalid("the receiver switched protocols"));
            }
            continue;
        }
        let framing = if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
            Framing::Length(0)
        } else {
            framing
        };
        let body = match framing {
            Framing::Length(n) if n > MAX_ANSWER => {
                // Not read to its end: the connection goes.
                keep = false;
                Bytes::new()
            }
            Framing::Length(n) => {
                while conn.buf.len() < n {
                    if !fill(conn).await? {
                        return Err(cut_short());
                    }
                }
                conn.buf.split_to(n).freeze()
            }
            Framing::Chunked => match read_chunked(conn).await? {
                Some(b) => b,
                None => {
                    keep = false;
                    Bytes::new()
                }
            },
            Framing::Close => {
                keep = false;
                while conn.buf.len() <= MAX_ANSWER && fill(conn).await? {}
                let n = conn.buf.len().min(MAX_ANSWER);
                conn.buf.split_to(n).freeze()
            }
        };
        return Ok(Some((Answer { status, body }, keep)));
    }
}

/// An answer's status, how its body is delimited, and whether the connection stays open.
fn judge(resp: &httparse::Response<'_, '_>) -> io::Result<(StatusCode, Framing, bool)> {
    let status = resp.code.and_then(|c| StatusCode::from_u16(c).ok()).ok_or_else(|| invalid("bad status code"))?;
    let mut keep = resp.version == Some(1);
    let mut length: Option<usize> = None;
    let mut chunked = None;
    for h in resp.headers.iter() {
        let value = std::str::from_utf8(h.value).map_err(|_| invalid("a header is not text"))?.trim();
        if h.name.eq_ignore_ascii_case("content-length") {
            let n = value.parse().map_err(|_| invalid("bad content-length"))?;
            if length.is_some_and(|l| l != n) {
                return Err(invalid("conflicting content-length headers"));
            }
            length = Some(n);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            let last = value.rsplit(',').next().unwrap_or("").trim();
            chunked = Some(last.eq_ignore_ascii_case("chunked"));
        } else if h.name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                if token.eq_ignore_ascii_case("close") {
                    keep = false;
                } else if token.eq_ignore_ascii_case("keep-alive") && resp.version == Some(0) {
                    keep = true;
                }
            }
        }
    }
    let framing = match (chunked, length) {
        (Some(true), _) => Framing::Chunked,
        (Some(false), _) => Framing::Close,
        (None, Some(n)) => Framing::Length(n),
        (None, None) => Framing::Close,
    };
    Ok((status, framing, keep))
}

/// A chunked body, joined; `None` when it grew past `MAX_ANSWER` (left unread).
async fn read_chunked(conn: &mut Conn) -> io::Result<Option<Bytes>> {
    let mut body = BytesMut::new();
    loop {
        let line = read_line(conn).await?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| invalid("bad chunk size"))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(conn).await?.is_empty() {}
            return Ok(Some(body.freeze()));
        }
        if body.len() + size > MAX_ANSWER {
            return Ok(None);
        }
        while conn.buf.len() < size + 2 {
            if !fill(conn).await? {
                return Err(cut_short());
            }
        }
        body.extend_from_slice(&conn.buf[..size]);
        if &conn.buf[size..size + 2] != b"\r\n" {
            return Err(invalid("bad chunk"));
        }
        conn.buf.advance(size + 2);
    }
}

/// One line of a chunked body, without its line end.
async fn read_line(conn: &mut Conn) -> io::Result<String> {
    loop {
        if let Some(i) = conn.buf.iter().position(|&b| b == b'\n') {
            let line = conn.buf.split_to(i + 1);
            let text = std::str::from_utf8(&line).map_err(|_| invalid("bad chunk line"))?;
            return Ok(text.trim_end_matches(['\r', '\n']).to_string());
        }
        if conn.buf.len() > MAX_HEAD {
            return Err(invalid("a chunk line is too long"));
        }
        if !fill(conn).await? {
            return Err(cut_short());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncBufReadExt;
    use tokio::net::TcpListener;

    /// What an answer function returns to have the receiver say nothing and keep the
    /// connection open.
    const HANG: &[u8] = b"hang";

    fn pool() -> Pool {
        Pool::new(Arc::new(Guard::new(true, &[]).unwrap()), Duration::from_secs(2), 8)
    }

    fn posts(n: usize) -> Vec<Post> {
        (0..n).map(|i| Post { signature: format!("sha256={i:02}"), body: format!("{{\"n\":{i}}}") }).collect()
    }

    /// A receiver that reads requests one after another on each connection and answers each
    /// with `answer(i, body)` (`i` counts requests on that connection); the count of
    /// connections it accepted.
    async fn receiver(answer: fn(usize, &str) -> Vec<u8>) -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut r = tokio::io::BufReader::new(tcp);
                    for i in 0.. {
                        let mut len = 0;
                        let mut line = String::new();
                        loop {
                            line.clear();
                            if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                                return;
                            }
                            if line == "\r\n" {
                                break;
                            }
                            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                                len = v.trim().parse().unwrap();
                            }
                        }
                        let mut body = vec![0; len];
                        r.read_exact(&mut body).await.unwrap();
                        let out = answer(i, std::str::from_utf8(&body).unwrap());
                        if out.is_empty() {
                            return;
                        }
                        if out == HANG {
                            tokio::time::sleep(Duration::from_secs(10)).await;
                            return;
                        }
                        r.get_mut().write_all(&out).await.unwrap();
                        if out.starts_with(b"HTTP/1.0") || out.windows(17).any(|w| w == b"Connection: close") {
                            // Closing with requests unread resets the connection, as a server
                            // that closes without reading them would.
                            if !r.buffer().is_empty() {
                                let _ = r.get_ref().set_zero_linger();
                            }
                            return;
                        }
                    }
                });
            }
        });
        (port, accepted)
    }

    fn uri(port: u16) -> Uri {
        format!("http://127.0.0.1:{port}/hook?x=1").parse().unwrap()
    }

    fn bodies(t: &Train) -> Vec<String> {
        t.answers
            .iter()
            .map(|a| match a {
                Ok(a) => format!("{} {}", a.status.as_u16(), String::from_utf8_lossy(&a.body)),
                Err(PostError::Timeout) => "timeout".into(),
                Err(PostError::Connect(e)) => format!("error {e}"),
            })
            .collect()
    }

    #[tokio::test]
    async fn a_train_is_answered_in_order_on_one_kept_connection() {
        let (port, conns) = receiver(|i, body| {
            // Alternately a length and a chunked body, and a 100 Continue before the third.
            let mut out = Vec::new();
            if i == 2 {
                out.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
            }
            let text = format!("{i}:{body}");
            if i % 2 == 0 {
                out.extend(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{text}", text.len()).bytes());
            } else {
                out.extend(format!("HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\n{}\r\n{:x}\r\n{}\r\n0\r\nT: 1\r\n\r\n", &text[..2], text.len() - 2, &text[2..]).bytes());
            }
            out
        })
        .await;
        let p = pool();
        let t = p.post(&uri(port), &posts(4), Duration::from_secs(5)).await;
        assert_eq!(bodies(&t), ["200 0:{\"n\":0}", "202 1:{\"n\":1}", "200 2:{\"n\":2}", "202 3:{\"n\":3}"]);
        assert!(!t.closed_early);
        // The connection was kept: the next train goes down it.
        let t = p.post(&uri(port), &posts(2), Duration::from_secs(5)).await;
        assert_eq!(bodies(&t), ["200 4:{\"n\":0}", "202 5:{\"n\":1}"]);
        assert_eq!(conns.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn posts_left_unanswered_by_a_closing_receiver_go_again_one_connection_each() {
        // HTTP/1.0 without keep-alive (the body ends with the connection), and HTTP/1.1 with
        // `Connection: close`: one answer, then the connection closes.
        for answer in [
            (|_, body| format!("HTTP/1.0 200 OK\r\n\r\nok {body}").into_bytes()) as fn(usize, &str) -> Vec<u8>,
            |_, body| {
                format!("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {}\r\n\r\nok {body}", body.len() + 3)
                    .into_bytes()
            },
        ] {
            let (port, conns) = receiver(answer).await;
            let t = pool().post(&uri(port), &posts(3), Duration::from_secs(5)).await;
            assert_eq!(bodies(&t), ["200 ok {\"n\":0}", "200 ok {\"n\":1}", "200 ok {\"n\":2}"]);
            assert!(t.closed_early);
            // One connection per POST, and one more when the reset took an answer with it.
            assert!((3..=4).contains(&conns.load(std::sync::atomic::Ordering::SeqCst)));
        }
    }

    #[tokio::test]
    async fn a_receiver_that_never_answers_is_an_error_for_every_post() {
        let (port, _) = receiver(|_, _| Vec::new()).await;
        let t = pool().post(&uri(port), &posts(2), Duration::from_secs(5)).await;
        let b = bodies(&t);
        assert_eq!(b.len(), 2);
        assert!(b.iter().all(|e| e.contains("closed the connection without answering")), "{b:?}");
        // Nothing listening: a connect error.
        let closed = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
        let t = pool().post(&uri(closed), &posts(1), Duration::from_secs(5)).await;
        assert!(bodies(&t)[0].contains("tcp connect error"), "{:?}", bodies(&t));
    }

    #[tokio::test]
    async fn the_time_limit_covers_the_train() {
        let (port, _) =
            receiver(
                |i, _| {
                    if i == 0 {
                        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec()
                    } else {
                        HANG.to_vec()
                    }
                },
            )
            .await;
        let t = pool().post(&uri(port), &posts(2), Duration::from_millis(300)).await;
        assert_eq!(bodies(&t), ["200 ", "timeout"]);
    }

    #[tokio::test]
    async fn malformed_answers_are_errors_not_panics() {
        for answer in [
            (|_, _| b"garbage\r\n\r\n".to_vec()) as fn(usize, &str) -> Vec<u8>,
            |_, _| b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab".to_vec(),
            |_, _| b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
            |_, _| b"HTTP/1.1 101 Switching Protocols\r\n\r\n".to_vec(),
        ] {
            let (port, _) = receiver(answer).await;
            let t = pool().post(&uri(port), &posts(1), Duration::from_secs(5)).await;
            assert!(bodies(&t)[0].starts_with("error "), "{:?}", bodies(&t));
        }
    }
}
