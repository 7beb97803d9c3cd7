//! Fetching `link` media for businesses, guarded like webhook callbacks: outside sandbox mode
//! only public addresses (checked on every connection and redirect), in sandbox mode loopback
//! too. Bounded in time and size: the body streams to a temporary file ([`crate::spool`]) under
//! the cap on uploads and fetches in flight, and stops at the size limit of its type.

use std::sync::Arc;
use std::time::Duration;

use risala_core::ports::{FetchError, MediaBody, MediaFetcher};
use risala_delivery::guard::{Guard, GuardedResolver};

use crate::media::{upload_limit, MAX_UPLOAD};
use crate::spool::MediaIntake;

pub struct LinkFetcher {
    client: reqwest::Client,
    guard: Arc<Guard>,
    intake: Arc<MediaIntake>,
}

impl LinkFetcher {
    pub fn new(sandbox: bool, intake: Arc<MediaIntake>) -> anyhow::Result<LinkFetcher> {
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
        Ok(LinkFetcher { client, guard, intake })
    }
}

#[async_trait::async_trait]
impl MediaFetcher for LinkFetcher {
    async fn fetch(&self, url: &str) -> Result<Box<dyn MediaBody>, FetchError> {
        self.guard.check_static(url).map_err(FetchError::Failed)?;
        let permit = self.intake.admit().await.map_err(FetchError::Refused)?;
        let failed = |e: String| FetchError::Failed(e);
        let mut resp =
            self.client.get(url).send().await.map_err(|e| failed(format!("could not fetch the link: {e}")))?;
        if !resp.status().is_success() {
            return Err(failed(format!("the link answered HTTP {}", resp.status().as_u16())));
        }
        let mime = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(crate::media::essence)
            .filter(|v| v.contains('/'))
            .ok_or_else(|| failed("the link did not say what type of file it serves".to_string()))?;
        // Meta's limit for the type; a type it does not take for uploads is judged by the
        // message type afterwards, at most 100 MB read.
        let limit = upload_limit(&mime).unwrap_or(MAX_UPLOAD);
        let mut spool = self.intake.spool(permit).await.map_err(FetchError::Refused)?;
        while let Some(chunk) = resp.chunk().await.map_err(|e| failed(format!("reading the link: {e}")))? {
            if spool.write(&chunk, limit as u64).await.map_err(FetchError::Refused)?.is_err() {
                return Err(failed(format!("the linked file is larger than {limit} bytes, the limit for {mime}")));
            }
        }
        if spool.size() == 0 {
            return Err(failed("the linked file is empty".into()));
        }
        Ok(Box::new(spool.finish(mime).await.map_err(FetchError::Refused)?))
    }
}
