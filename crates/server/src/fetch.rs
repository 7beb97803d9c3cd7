//! Fetching `link` media for businesses, guarded like webhook callbacks: outside sandbox mode
//! only public addresses (checked on every connection and redirect), in sandbox mode loopback
//! too. Bounded in time and size.

use std::sync::Arc;
use std::time::Duration;

use risala_core::ports::MediaFetcher;
use risala_delivery::guard::{Guard, GuardedResolver};

use crate::media::MAX_UPLOAD;

pub struct LinkFetcher {
    client: reqwest::Client,
    guard: Arc<Guard>,
}

impl LinkFetcher {
    pub fn new(sandbox: bool) -> anyhow::Result<LinkFetcher> {
        let guard = Arc::new(Guard::new(sandbox, &[]).map_err(anyhow::Error::msg)?);
        let redirect_guard = guard.clone();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .dns_resolver(Arc::new(GuardedResolver(guard.clone())))
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= 3 {
                    return attempt.error("too many redirects");
                }
                match redirect_guard.check_static(attempt.url().as_str()) {
                    Ok(_) => attempt.follow(),
                    Err(e) => attempt.error(e),
                }
            }))
            .build()?;
        Ok(LinkFetcher { client, guard })
    }
}

#[async_trait::async_trait]
impl MediaFetcher for LinkFetcher {
    async fn fetch(&self, url: &str) -> Result<(String, Vec<u8>), String> {
        self.guard.check_static(url)?;
        let mut resp = self.client.get(url).send().await.map_err(|e| format!("could not fetch the link: {e}"))?;
        if !resp.status().is_success() {
            return Err(format!("the link answered HTTP {}", resp.status().as_u16()));
        }
        let mime = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .filter(|v| v.contains('/'))
            .ok_or_else(|| "the link did not say what type of file it serves".to_string())?;
        let mut data = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| format!("reading the link: {e}"))? {
            if data.len() + chunk.len() > MAX_UPLOAD {
                return Err("the linked file is larger than 100 MB".into());
            }
            data.extend_from_slice(&chunk);
        }
        if data.is_empty() {
            return Err("the linked file is empty".into());
        }
        Ok((mime, data))
    }
}
