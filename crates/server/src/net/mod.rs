//! The listener: accepts TCP connections (TLS when configured), applies the per-address cap,
//! serves HTTP/1.1 with hyper (WebSocket upgrades included) under the connection timeouts, and
//! shuts down gracefully (in-flight requests finish).

pub mod address_limit;
pub mod timeouts;
pub mod tls;

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use self::address_limit::{AddressLimit, Permit};
use self::timeouts::{Activity, TimedBody, TimedIo};
use self::tls::Tls;

/// The application every request goes to: the router behind the Graph version prefix
/// stripper.
pub type App = tower::util::MapRequest<axum::Router, fn(axum::extract::Request) -> axum::extract::Request>;

/// The connection limits (`[connections]` of the configuration); `None`: that timeout is off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub header_timeout: Option<Duration>,
    pub body_timeout: Option<Duration>,
    pub idle_timeout: Option<Duration>,
    /// Bytes a second that extend a body's deadline (`0`: the deadline is fixed).
    pub min_body_rate: u32,
    pub max_per_address: u32,
    /// Proxies whose `X-Forwarded-For` names the client (`connections.trusted_proxies`).
    pub trusted_proxies: Arc<[(IpAddr, u8)]>,
}

/// The client of a request from `remote`: behind a trusted proxy, the last address of
/// `X-Forwarded-For` that is not a trusted proxy itself (proxies append the address they saw,
/// so the addresses before it are the client's word and not to be believed).
fn client_addr(remote: SocketAddr, headers: &http::HeaderMap, trusted: &[(IpAddr, u8)]) -> SocketAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|&(net, bits)| risala_delivery::guard::in_net(ip, net, bits));
    if trusted.is_empty() || !is_trusted(remote.ip()) {
        return remote;
    }
    let forwarded = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
    let client = forwarded
        .iter()
        .rev()
        .flat_map(|v| v.rsplit(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .find(|ip| !is_trusted(*ip));
    client.map(|ip| SocketAddr::new(ip, 0)).unwrap_or(remote)
}

/// What the accept loop hands to every connection.
#[derive(Clone)]
struct Shared {
    app: App,
    limits: Limits,
    tls: Option<Tls>,
    /// Becomes "changed" when shutdown begins.
    shutdown: watch::Receiver<()>,
    /// Held by every connection task: the server waits until all are gone.
    _alive: watch::Receiver<()>,
}

/// Accept and serve until `shutdown` resolves; then stop accepting, let in-flight requests
/// finish, and return once every connection has closed. Upgraded connections (WebSockets) are
/// not waited for, as with `axum::serve`.
pub async fn serve(
    listener: TcpListener,
    app: App,
    limits: Limits,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let (shutdown_tx, shutdown_rx) = watch::channel(());
    let (alive_tx, alive_rx) = watch::channel(());
    let cap = AddressLimit::new(limits.max_per_address);
    let shared = Shared { app, limits, tls, shutdown: shutdown_rx, _alive: alive_rx };
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(permit) = cap.acquire(remote.ip()) else {
            // Closed at once: the client sees the connection end before any request.
            tracing::debug!(%remote, "connection refused: too many open from this address");
            drop(stream);
            continue;
        };
        tokio::spawn(connection(stream, remote, permit, shared.clone()));
    }
    drop(listener);
    let _ = shutdown_tx.send(());
    drop(shared);
    alive_tx.closed().await;
    Ok(())
}

/// As `axum::serve`: errors of one connection are ignored; others (such as too many open
/// files) are logged and accepting pauses for a second.
async fn accept_error(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "accept error");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn connection(stream: tokio::net::TcpStream, remote: SocketAddr, permit: Permit, shared: Shared) {
    let activity = Activity::new();
    match shared.tls.clone() {
        None => http(TimedIo::new(stream, activity.clone(), permit), remote, activity, shared).await,
        Some(tls) => {
            // A TLS handshake is bounded like a request's headers.
            let handshake = tls.acceptor().accept(stream);
            let done = match shared.limits.header_timeout.or(shared.limits.idle_timeout) {
                Some(t) => tokio::time::timeout(t, handshake).await.ok(),
                None => Some(handshake.await),
            };
            match done {
                Some(Ok(stream)) => {
                    http(TimedIo::new(stream, activity.clone(), permit), remote, activity, shared).await
                }
                Some(Err(e)) => tracing::debug!(%remote, error = %e, "TLS handshake failed"),
                None => tracing::debug!(%remote, "TLS handshake timed out"),
            }
        }
    }
}

/// Serve HTTP/1.1 on one connection, with the watchdog that closes it when a timeout passes.
async fn http<IO>(io: TimedIo<IO>, remote: SocketAddr, activity: Arc<Activity>, mut shared: Shared)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let limits = shared.limits.clone();
    let (body_timeout, min_body_rate, trusted) =
        (limits.body_timeout, limits.min_body_rate, limits.trusted_proxies.clone());
    let app = shared.app.clone();
    let service_activity = activity.clone();
    let service = hyper::service::service_fn(move |req: http::Request<Incoming>| {
        service_activity.request_started();
        let mut req = match body_timeout {
            Some(t) if !hyper::body::Body::is_end_stream(req.body()) => {
                req.map(|b| axum::body::Body::new(TimedBody::new(b, t, min_body_rate)))
            }
            _ => req.map(axum::body::Body::new),
        };
        let client = client_addr(remote, req.headers(), &trusted);
        req.extensions_mut().insert(ConnectInfo(client));
        let app = app.clone();
        let activity = service_activity.clone();
        async move {
            let response = app.oneshot(req).await;
            activity.request_finished();
            response
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // Our watchdog times headers: hyper's own header timer also runs while a keep-alive
    // connection waits, which would make the idle timeout the header timeout.
    builder.header_read_timeout(None);
    let conn = builder.serve_connection(TokioIo::new(io), service).with_upgrades();
    tokio::pin!(conn);
    let mut draining = false;
    // The watchdog wakes at least this often: a deadline can move earlier (the first byte of a
    // request's headers starts the shorter header timeout) without waking it.
    let tick = match (limits.header_timeout, limits.idle_timeout) {
        (Some(h), Some(i)) => Some(h.min(i)),
        (h, i) => h.or(i),
    };
    loop {
        let wait = match (activity.remaining(&limits), tick) {
            (Some(r), Some(t)) => Some(r.min(t)),
            (r, t) => r.or(t),
        };
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%remote, error = %e, "connection ended with an error");
                }
                return;
            }
            () = sleep_or_pending(wait) => {
                if activity.remaining(&limits).is_some_and(|r| r.is_zero()) {
                    tracing::debug!(%remote, "connection closed: timeout");
                    return;
                }
            }
            changed = shared.shutdown.changed(), if !draining => {
                let _ = changed;
                draining = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Sleep for `d`, or forever when no timeout is configured.
async fn sleep_or_pending(d: Option<Duration>) {
    match d {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_behind_a_trusted_proxy() {
        let trusted = [("10.0.0.0".parse().unwrap(), 8u8)];
        let proxy: SocketAddr = "10.1.1.1:5000".parse().unwrap();
        let stranger: SocketAddr = "198.51.100.7:5000".parse().unwrap();
        let headers = |values: &[&str]| {
            let mut h = http::HeaderMap::new();
            for v in values {
                h.append("x-forwarded-for", v.parse().unwrap());
            }
            h
        };
        let ip = |remote, h: &http::HeaderMap| client_addr(remote, h, &trusted).ip().to_string();
        // The proxy appended the address it saw; what the client wrote before it is ignored.
        assert_eq!(ip(proxy, &headers(&["1.2.3.4, 203.0.113.9"])), "203.0.113.9");
        // Proxies in a chain are skipped; several headers read as one list.
        assert_eq!(ip(proxy, &headers(&["203.0.113.9", "10.2.2.2"])), "203.0.113.9");
        // Nothing usable: the proxy itself.
        assert_eq!(ip(proxy, &headers(&["garbage"])), "10.1.1.1");
        assert_eq!(ip(proxy, &headers(&[])), "10.1.1.1");
        // Anyone else's header is their own word.
        assert_eq!(ip(stranger, &headers(&["203.0.113.9"])), "198.51.100.7");
        assert_eq!(client_addr(proxy, &headers(&["203.0.113.9"]), &[]).ip().to_string(), "10.1.1.1");
    }
}
