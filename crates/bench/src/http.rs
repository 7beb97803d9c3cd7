//! A minimal HTTP/1.1 client: one keep-alive connection per load task, no pool, so the
//! client costs as little as possible and the baseline and scenarios pay the same.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

pub struct Conn {
    sender: SendRequest<Full<Bytes>>,
    host: String,
    /// The last token's `authorization` value: a load task sends every request with the same
    /// token, so it is built once.
    auth: Option<(String, hyper::header::HeaderValue)>,
}

pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

impl Conn {
    pub async fn open(base: &str) -> anyhow::Result<Conn> {
        let host = base.trim_start_matches("http://").trim_end_matches('/').to_string();
        let stream = tokio::net::TcpStream::connect(&host).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Conn { sender, host, auth: None })
    }

    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Bytes>,
    ) -> anyhow::Result<Answer> {
        self.sender.ready().await?;
        let mut b = hyper::Request::builder().method(method).uri(path).header("host", &self.host);
        if let Some(t) = token {
            let value = match &self.auth {
                Some((last, value)) if last == t => value.clone(),
                _ => {
                    let value = hyper::header::HeaderValue::try_from(format!("Bearer {t}"))?;
                    self.auth = Some((t.to_string(), value.clone()));
                    value
                }
            };
            b = b.header(hyper::header::AUTHORIZATION, value);
        }
        if body.is_some() {
            b = b.header("content-type", "application/json");
        }
        let req = b.body(Full::new(body.unwrap_or_default()))?;
        let resp = self.sender.send_request(req).await?;
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await?.to_bytes();
        Ok(Answer { status, body })
    }
}

impl Conn {
    /// Send a request the caller built (with its own headers; `host` is added): status,
    /// headers and body.
    pub async fn send(
        &mut self,
        b: hyper::http::request::Builder,
        body: Bytes,
    ) -> anyhow::Result<(u16, hyper::HeaderMap, Bytes)> {
        self.sender.ready().await?;
        let req = b.header("host", &self.host).body(Full::new(body))?;
        let resp = self.sender.send_request(req).await?;
        let (parts, body) = resp.into_parts();
        Ok((parts.status.as_u16(), parts.headers, body.collect().await?.to_bytes()))
    }
}

/// The Graph error code in an error body, as a label.
pub fn error_label(a: &Answer) -> String {
    serde_json::from_slice::<serde_json::Value>(&a.body)
        .ok()
        .and_then(|v| v["error"]["code"].as_i64())
        .map(|c| format!("{}#{c}", a.status))
        .unwrap_or_else(|| format!("http{}", a.status))
}
