//! The client that POSTs webhooks: to `https` callbacks hyper's pooled client over rustls
//! (HTTP/1.1, or HTTP/2 when the endpoint offers it), to plain `http` ones (the sandbox's)
//! HTTP/1.1 with pipelining (`h1`); each connection's addresses checked by the guard, no
//! redirects, no proxy. reqwest, which carried them before, parsed every POST's URL twice and
//! ran a redirect and a retry layer around each request, about 7 % of the server's CPU with one
//! change per POST; the endpoint's URL is parsed here once, when the endpoint is first used.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{header, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::guard::Guard;
use crate::h1;

/// The most of an answer's body read (its start is kept for a failed attempt's error); a
/// longer body ends the connection instead of being read to its end.
pub(crate) const MAX_ANSWER: usize = 1 << 20;

type Connector = hyper_rustls::HttpsConnector<HttpConnector<GuardedDns>>;

/// How a POST that got no answer failed.
#[derive(Clone)]
pub(crate) enum PostError {
    Timeout,
    Connect(String),
}

/// A POST's answer: its status and its body (the first MiB).
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
}

pub(crate) struct PostClient {
    client: Client<Connector, Full<Bytes>>,
    plain: h1::Pool,
    timeout: Duration,
}

impl PostClient {
    /// `idle_per_host`: connections kept open to one endpoint between POSTs. TLS trusts the
    /// Mozilla roots (`webpki-roots`), as the rest of the server's outgoing calls do.
    pub(crate) fn new(guard: Arc<Guard>, timeout: Duration, idle_per_host: usize) -> Result<PostClient, String> {
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        Self::with_roots(guard, timeout, idle_per_host, roots)
    }

    fn with_roots(
        guard: Arc<Guard>,
        timeout: Duration,
        idle_per_host: usize,
        roots: rustls::RootCertStore,
    ) -> Result<PostClient, String> {
        let plain = h1::Pool::new(guard.clone(), timeout.min(Duration::from_secs(5)), idle_per_host);
        let mut http = HttpConnector::new_with_resolver(GuardedDns(guard));
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(timeout.min(Duration::from_secs(5))));
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS for webhooks: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(idle_per_host)
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_timer(TokioTimer::new())
            .build(https);
        Ok(PostClient { client, plain, timeout })
    }

    /// POST `body` to `uri` with the signature header; the time limit covers connecting,
    /// sending and reading the answer.
    pub(crate) async fn post(&self, uri: &Uri, signature: String, body: String) -> Result<Answer, PostError> {
        if pipelines(uri) {
            let train = self.plain.post(uri, &[h1::Post { signature, body }], self.timeout).await;
            return train.answers.into_iter().next().unwrap_or(Err(PostError::Connect("no answer".into())));
        }
        let req = Request::post(uri.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::USER_AGENT, "facebookexternalua")
            .header("x-hub-signature-256", signature)
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| PostError::Connect(e.to_string()))?;
        let exchange = async {
            let resp =
                self.client.request(req).await.map_err(|e| PostError::Connect(crate::engine::error_chain(&e)))?;
            let status = resp.status();
            // Read the answer so the connection goes back to the pool (one too long is dropped).
            let body = match Limited::new(resp.into_body(), MAX_ANSWER).collect().await {
                Ok(b) => b.to_bytes(),
                Err(_) => Bytes::new(),
            };
            Ok(Answer { status, body })
        };
        tokio::time::timeout(self.timeout, exchange).await.unwrap_or(Err(PostError::Timeout))
    }
}

/// Whether POSTs to `uri` may share a connection and a write ([`PostClient::post_train`]).
pub(crate) fn pipelines(uri: &Uri) -> bool {
    uri.scheme() == Some(&http::uri::Scheme::HTTP)
}

impl PostClient {
    /// POST each of `posts` to `uri`, an `http` URL ([`pipelines`]), down one connection
    /// where the receiver allows; the time limit covers the whole train.
    pub(crate) async fn post_train(&self, uri: &Uri, posts: &[h1::Post]) -> h1::Train {
        self.plain.post(uri, posts, self.timeout).await
    }
}

/// DNS for webhook connections: the system resolver, then only the addresses the guard allows
/// (a name left with none fails to connect), checked at every new connection.
#[derive(Clone)]
pub(crate) struct GuardedDns(Arc<Guard>);

type Resolving = Pin<Box<dyn Future<Output = Result<std::vec::IntoIter<SocketAddr>, std::io::Error>> + Send>>;

impl tower_service::Service<Name> for GuardedDns {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Resolving;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let guard = self.0.clone();
        Box::pin(async move { guard.resolve(name.as_str()).await.map(Vec::into_iter).map_err(std::io::Error::other) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    /// The test certificate for `localhost` and 127.0.0.1 that the CLI's TLS tests serve.
    fn fixture(name: &str) -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/tests/cli/tls");
        std::fs::read(dir.join(name)).unwrap()
    }

    /// An HTTPS receiver offering `alpn` that answers each POST with its HTTP version and
    /// the body's length; its port.
    async fn receiver(alpn: &[&[u8]]) -> u16 {
        let cert = CertificateDer::from_pem_slice(&fixture("a.crt")).unwrap();
        let key = PrivateKeyDer::from_pem_slice(&fixture("a.key")).unwrap();
        let mut cfg = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        cfg.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else { return };
                    let service = hyper::service::service_fn(|req: Request<hyper::body::Incoming>| async move {
                        let version = format!("{:?}", req.version());
                        let signed = req.headers().contains_key("x-hub-signature-256");
                        let len = req.into_body().collect().await.map(|b| b.to_bytes().len()).unwrap_or(0);
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(Bytes::from(format!(
                            "{version} {len} {signed}"
                        )))))
                    });
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        port
    }

    fn client(trust_fixture: bool) -> PostClient {
        let mut roots = rustls::RootCertStore::empty();
        if trust_fixture {
            roots.add(CertificateDer::from_pem_slice(&fixture("a.crt")).unwrap()).unwrap();
        }
        // Sandbox rules: loopback may be called.
        let guard = Arc::new(Guard::new(true, &[]).unwrap());
        PostClient::with_roots(guard, Duration::from_secs(5), 4, roots).unwrap()
    }

    #[tokio::test]
    async fn posts_over_tls_with_http2_when_offered_and_http1_otherwise() {
        let c = client(true);
        for (alpn, version) in
            [(&[b"h2".as_slice(), b"http/1.1"][..], "HTTP/2.0"), (&[b"http/1.1".as_slice()][..], "HTTP/1.1")]
        {
            let port = receiver(alpn).await;
            // By name (resolved through the guard) and by address.
            for host in ["localhost", "127.0.0.1"] {
                let uri: Uri = format!("https://{host}:{port}/hook").parse().unwrap();
                for _ in 0..3 {
                    let a = c.post(&uri, "sha256=00".into(), "{\"object\":1}".into()).await.ok().unwrap();
                    assert_eq!(a.status, StatusCode::OK);
                    assert_eq!(a.body, format!("{version} 12 true").as_bytes(), "{host}");
                }
            }
        }
    }

    #[tokio::test]
    async fn refuses_a_certificate_it_does_not_trust() {
        let port = receiver(&[b"http/1.1"]).await;
        let uri: Uri = format!("https://localhost:{port}/hook").parse().unwrap();
        match client(false).post(&uri, "sha256=00".into(), "{}".into()).await {
            Err(PostError::Connect(e)) => assert!(e.contains("certificate"), "{e}"),
            Err(PostError::Timeout) => panic!("timed out"),
            Ok(a) => panic!("answered {}", a.status),
        }
    }

    #[tokio::test]
    async fn a_name_that_resolves_only_to_refused_addresses_is_not_called() {
        // Outside the sandbox, loopback is refused: `localhost` is left with no address.
        let guard = Arc::new(Guard::new(false, &[]).unwrap());
        let c = PostClient::new(guard, Duration::from_secs(5), 4).unwrap();
        let port = receiver(&[b"http/1.1"]).await;
        let uri: Uri = format!("https://localhost:{port}/hook").parse().unwrap();
        match c.post(&uri, "sha256=00".into(), "{}".into()).await {
            Err(PostError::Connect(e)) => assert!(e.contains("non-public"), "{e}"),
            Err(PostError::Timeout) => panic!("timed out"),
            Ok(a) => panic!("answered {}", a.status),
        }
    }
}
