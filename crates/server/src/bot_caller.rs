//! The requests of bots' `http` steps to a business's endpoint: one HTTP client for every call,
//! guarded like webhook callbacks (outside sandbox mode only public https addresses, or those
//! the operator allows for webhooks with `[webhooks] allow_private`), no redirects, the step's
//! timeout, the answer read up to its limit.

use std::sync::Arc;
use std::time::Duration;

use risala_core::ports::{BotCaller, BotRequest, BOT_ANSWER_MAX};
use risala_delivery::guard::{guarded_client, Guard};

pub struct HttpBotCaller {
    client: reqwest::Client,
    guard: Arc<Guard>,
}

impl HttpBotCaller {
    pub fn new(sandbox: bool, allow_private: &[String]) -> anyhow::Result<HttpBotCaller> {
        let guard = Arc::new(Guard::new(sandbox, allow_private).map_err(anyhow::Error::msg)?);
        let client = guarded_client(&guard).user_agent(concat!("Risala-Bot/", env!("CARGO_PKG_VERSION"))).build()?;
        Ok(HttpBotCaller { client, guard })
    }
}

#[async_trait::async_trait]
impl BotCaller for HttpBotCaller {
    async fn call(&self, req: BotRequest) -> Result<(u16, Vec<u8>), String> {
        let url = self.guard.check_static(&req.url)?;
        let builder = match req.method {
            "GET" => self.client.get(url),
            _ => self.client.post(url).header("content-type", "application/json").body(req.body),
        };
        let builder = match &req.signature {
            Some(s) => builder.header("x-hub-signature-256", s),
            None => builder,
        };
        let timeout = Duration::from_millis(req.timeout_ms);
        let exchange = async {
            let mut resp = builder.send().await.map_err(|e| format!("could not reach the endpoint: {e}"))?;
            let status = resp.status().as_u16();
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| format!("reading the answer: {e}"))? {
                body.extend_from_slice(&chunk);
                if body.len() > BOT_ANSWER_MAX {
                    break;
                }
            }
            Ok((status, body))
        };
        // The whole exchange, answer included, within the step's timeout.
        tokio::time::timeout(timeout, exchange)
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {} ms", req.timeout_ms)))
    }
}
