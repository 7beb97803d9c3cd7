//! The timeouts of a connection, enforced by a watchdog next to hyper's connection future:
//!
//! - **header**: from the opening of the connection, or the first byte of a later request,
//!   until its headers are parsed (a slowloris client sending a byte a second, or a client that
//!   connects and sends nothing, is closed after it);
//! - **idle**: a keep-alive connection with no request being handled, that neither sends nor
//!   receives, is closed; and a response the client does not read (writes blocked) is cut;
//! - **body**: the request body is wrapped ([`TimedBody`]) and fails once its deadline passes,
//!   so the handler answers with an error and the connection closes.
//!
//! [`TimedIo`] records reads and writes into an [`Activity`] the watchdog reads; all of it runs
//! on the connection's own task, so the atomics are uncontended. After a WebSocket upgrade
//! hyper's connection future ends, and the watchdog with it: an open WebSocket never idles out.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::address_limit::Permit;
use super::Limits;

/// What the watchdog needs to know about a connection. Times are milliseconds since the
/// connection opened, plus one, so that 0 means "not set".
pub struct Activity {
    opened: Instant,
    in_flight: AtomicU32,
    idle_since: AtomicU64,
    last_write: AtomicU64,
    head_since: AtomicU64,
    write_blocked_since: AtomicU64,
}

impl Activity {
    pub fn new() -> Arc<Activity> {
        Arc::new(Activity {
            opened: Instant::now(),
            in_flight: AtomicU32::new(0),
            idle_since: AtomicU64::new(1),
            last_write: AtomicU64::new(0),
            // The first request's headers are due from the moment the connection opens: a
            // client that connects and sends nothing is a slow client, not an idle one.
            head_since: AtomicU64::new(1),
            write_blocked_since: AtomicU64::new(0),
        })
    }

    fn now(&self) -> u64 {
        self.opened.elapsed().as_millis() as u64 + 1
    }

    fn on_read(&self, n: usize) {
        // Bytes while no request is being handled start the next request's headers.
        if n > 0 && self.in_flight.load(Relaxed) == 0 && self.head_since.load(Relaxed) == 0 {
            self.head_since.store(self.now(), Relaxed);
        }
    }

    fn on_write(&self, blocked: bool) {
        if blocked {
            if self.write_blocked_since.load(Relaxed) == 0 {
                self.write_blocked_since.store(self.now(), Relaxed);
            }
        } else {
            self.write_blocked_since.store(0, Relaxed);
            self.last_write.store(self.now(), Relaxed);
        }
    }

    /// The headers of a request are complete and its handler runs.
    pub fn request_started(&self) {
        self.in_flight.fetch_add(1, Relaxed);
        self.head_since.store(0, Relaxed);
    }

    /// The handler has answered (the response body may still be streaming: its writes count
    /// as activity).
    pub fn request_finished(&self) {
        if self.in_flight.fetch_sub(1, Relaxed) == 1 {
            self.idle_since.store(self.now(), Relaxed);
        }
    }

    /// When the connection must close if nothing changes before then, as a duration from now;
    /// `None` while no timeout applies (a request is being handled and its response is not
    /// blocked). `Some(ZERO)`: now.
    pub fn remaining(&self, limits: &Limits) -> Option<Duration> {
        let mut deadline: Option<u64> = None;
        let mut at = |since: u64, limit: Option<Duration>| {
            if let (true, Some(limit)) = (since > 0, limit) {
                let d = since + limit.as_millis() as u64;
                deadline = Some(deadline.map_or(d, |x| x.min(d)));
            }
        };
        if self.in_flight.load(Relaxed) == 0 {
            let head = self.head_since.load(Relaxed);
            if head > 0 {
                at(head, limits.header_timeout);
            } else {
                let idle = self.idle_since.load(Relaxed).max(self.last_write.load(Relaxed));
                at(idle, limits.idle_timeout);
            }
        }
        at(self.write_blocked_since.load(Relaxed), limits.idle_timeout);
        let now = self.now();
        deadline.map(|d| Duration::from_millis(d.saturating_sub(now)))
    }
}

/// The connection's socket (plain or TLS), recording activity, and holding the connection's
/// place in the per-address cap until it closes.
pub struct TimedIo<T> {
    inner: T,
    activity: Arc<Activity>,
    _permit: Permit,
}

impl<T> TimedIo<T> {
    pub fn new(inner: T, activity: Arc<Activity>, permit: Permit) -> TimedIo<T> {
        TimedIo { inner, activity, _permit: permit }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for TimedIo<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = r {
            self.activity.on_read(buf.filled().len() - before);
        }
        r
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for TimedIo<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.activity.on_write(r.is_pending());
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.activity.on_write(r.is_pending());
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The body did not arrive within `connections.body_timeout`.
#[derive(Debug)]
pub struct BodyTimeout;

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimeout {}

/// A request body that fails with [`BodyTimeout`] when it is still incomplete at its deadline.
/// Each chunk received moves the deadline later by its length at `min_rate` bytes a second, so a
/// large upload that keeps arriving at that rate is not cut. The timer is only made when the
/// body first has to wait, so a body that arrives with its headers (nearly every request) costs
/// no timer.
pub struct TimedBody<B> {
    inner: B,
    deadline: tokio::time::Instant,
    min_rate: u32,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<B> TimedBody<B> {
    pub fn new(inner: B, timeout: Duration, min_rate: u32) -> TimedBody<B> {
        TimedBody { inner, deadline: tokio::time::Instant::now() + timeout, min_rate, sleep: None }
    }

    fn received(&mut self, bytes: usize) {
        if self.min_rate == 0 || bytes == 0 {
            return;
        }
        self.deadline += Duration::from_secs_f64(bytes as f64 / f64::from(self.min_rate));
        let deadline = self.deadline;
        if let Some(sleep) = self.sleep.as_mut() {
            sleep.as_mut().reset(deadline);
        }
    }
}

impl<B> Body for TimedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(r) => {
                if let Some(Ok(frame)) = &r {
                    let n = frame.data_ref().map_or(0, |d| d.len());
                    self.received(n);
                }
                Poll::Ready(r.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => {
                let deadline = self.deadline;
                let sleep = self.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout)))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
