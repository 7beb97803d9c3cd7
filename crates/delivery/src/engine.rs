//! The delivery engine: shared HTTP client, callback resolution (number > WABA > app), the
//! verification handshake, fault settings, and the handle the server keeps in its state.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use rand::Rng;
use risala_core::clock::Clock;
use risala_core::model::WABA_OBJECT;
use risala_core::ports::{WebhookControl, WebhookWaker};
use risala_core::store::{Store, StoreResult};
use risala_core::ApiError;
use tokio::sync::{Notify, Semaphore};

use crate::client::{PostClient, PostError};
use crate::config::{DeliveryConfig, Faults};
use crate::guard::{Guard, GuardedResolver};
use crate::stats::DeliveryStats;

/// How long a resolved callback is reused before it is looked up again.
const TARGET_TTL: Duration = Duration::from_secs(5);
/// A callback URL as the worker posts to it.
pub(crate) struct Endpoint {
    /// Its POSTs in flight (`max_in_flight_per_endpoint`).
    pub slots: Arc<Semaphore>,
    /// The URL parsed, or why it may not be called (scheme and literal-address checks).
    url: Result<http::Uri, String>,
    /// How many POSTs go down one connection in one write (`http` callbacks only; see `h1`).
    depth: AtomicUsize,
    /// Whether POSTs may share a connection: an `http` callback whose receiver has not closed
    /// a connection on POSTs still waiting for their answers.
    pipelining: AtomicBool,
    /// The most POSTs one train may carry.
    max_train: usize,
}

/// The most POSTs that share one connection and one write.
const MAX_TRAIN: usize = 16;
/// How long a train may take for the next one to carry a POST more.
const TRAIN_BUDGET: Duration = Duration::from_millis(10);

impl Endpoint {
    /// The URL to POST to, checked and parsed once per endpoint, or why it cannot be called.
    pub(crate) fn uri(&self) -> Result<&http::Uri, PostError> {
        self.url.as_ref().map_err(|e| PostError::Connect(e.clone()))
    }

    /// How many POSTs the next train to this endpoint may carry.
    pub(crate) fn train_len(&self) -> usize {
        if self.pipelining.load(Ordering::Relaxed) {
            self.depth.load(Ordering::Relaxed)
        } else {
            1
        }
    }

    /// Learn from a train of `len` POSTs that took `took`: a full train answered within
    /// `TRAIN_BUDGET` lets the next carry one more, a slower one halves the length (a
    /// receiver that answers a connection's POSTs one at a time, slowly, gets them spread over
    /// connections instead); a receiver that closed a connection on waiting POSTs gets one
    /// POST per connection from then on.
    pub(crate) fn trained(&self, len: usize, took: Duration, closed_early: bool) {
        if closed_early {
            self.pipelining.store(false, Ordering::Relaxed);
        }
        let depth = self.depth.load(Ordering::Relaxed);
        let next = if took > TRAIN_BUDGET {
            (depth / 2).max(1)
        } else if len >= depth {
            (depth + 1).min(self.max_train)
        } else {
            depth
        };
        self.depth.store(next, Ordering::Relaxed);
    }
}

/// Most POSTs in flight from one node across all endpoints.
pub(crate) const MAX_IN_FLIGHT: usize = 256;

/// Where one change goes, and the app secret that signs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub url: String,
    pub app_id: String,
    pub app_secret: String,
}

/// The result of resolving a change's callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    To(Target),
    /// Nowhere to deliver, and why.
    Nowhere(String),
}

type TargetKey = (String, Option<String>, String);

pub struct Engine {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) cfg: DeliveryConfig,
    pub(crate) sandbox: bool,
    /// The handshake's client (a GET now and then).
    pub(crate) client: reqwest::Client,
    /// The webhooks' POSTs.
    pub(crate) poster: PostClient,
    pub(crate) guard: Arc<Guard>,
    pub(crate) notify: Notify,
    pub stats: Arc<DeliveryStats>,
    /// The operator's fault settings (config, or the admin API with the admin token): every
    /// business without settings of its own.
    faults: RwLock<Faults>,
    /// Fault settings a business set for its own deliveries (sandbox, through its Graph token).
    business_faults: RwLock<HashMap<String, Faults>>,
    /// Lease owner name of this node.
    pub(crate) owner: String,
    endpoints: Mutex<HashMap<String, Arc<Endpoint>>>,
    targets: Mutex<HashMap<TargetKey, (Instant, Resolved)>>,
    pub(crate) paused: RwLock<HashSet<String>>,
    pub(crate) inflight: Arc<Semaphore>,
    pub(crate) stopping: AtomicBool,
}

impl Engine {
    /// Build the engine (not yet running: see [`Engine::start`]). `sandbox` relaxes the URL guard
    /// and enables fault injection.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        cfg: DeliveryConfig,
        sandbox: bool,
        stats: Arc<DeliveryStats>,
    ) -> Result<Arc<Engine>, String> {
        cfg.validate()?;
        let guard = Arc::new(Guard::new(sandbox, &cfg.allow_private)?);
        let client = reqwest::Client::builder()
            .timeout(cfg.timeout.as_std())
            .connect_timeout(cfg.timeout.as_std().min(Duration::from_secs(5)))
            .pool_max_idle_per_host(cfg.max_in_flight_per_endpoint * 2)
            .pool_idle_timeout(Duration::from_secs(90))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent("facebookexternalua")
            .dns_resolver(Arc::new(GuardedResolver(guard.clone())))
            .build()
            .map_err(|e| format!("cannot build the webhook HTTP client: {e}"))?;
        let poster = PostClient::new(guard.clone(), cfg.timeout.as_std(), cfg.max_in_flight_per_endpoint * 2)?;
        let owner = format!("node-{:016x}", rand::thread_rng().gen::<u64>());
        Ok(Arc::new(Engine {
            store,
            clock,
            faults: RwLock::new(cfg.faults.clone()),
            business_faults: RwLock::new(HashMap::new()),
            cfg,
            sandbox,
            client,
            poster,
            guard,
            notify: Notify::new(),
            stats,
            owner,
            endpoints: Mutex::new(HashMap::new()),
            targets: Mutex::new(HashMap::new()),
            paused: RwLock::new(HashSet::new()),
            inflight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            stopping: AtomicBool::new(false),
        }))
    }

    pub fn config(&self) -> &DeliveryConfig {
        &self.cfg
    }

    pub fn sandbox(&self) -> bool {
        self.sandbox
    }

    /// Wake the worker now (after a commit that queued changes, after the clock moved, after a
    /// replay or a resume) instead of at its next poll.
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// Forget cached callbacks (after a subscription change on this node; other nodes notice
    /// within a few seconds).
    pub fn invalidate_targets(&self) {
        if let Ok(mut t) = self.targets.lock() {
            t.clear();
        }
    }

    /// The fault settings that apply to `business`'s deliveries: its own when it set some, else
    /// the operator's; `None`: the operator's.
    pub fn faults(&self, business: Option<&str>) -> Faults {
        let own = business.and_then(|b| self.business_faults.read().ok()?.get(b).cloned());
        own.unwrap_or_else(|| self.faults.read().map(|f| f.clone()).unwrap_or_default())
    }

    /// Replace the fault settings of `business` (its own deliveries only), or with `None` the
    /// operator's (every business without settings of its own). Sandbox only; they last until
    /// the server restarts.
    pub fn set_faults(&self, business: Option<&str>, f: Faults) -> Result<(), String> {
        if !self.sandbox {
            return Err("fault injection is available in sandbox mode only".into());
        }
        f.validate()?;
        match business {
            Some(b) => {
                if let Ok(mut all) = self.business_faults.write() {
                    all.insert(b.to_string(), f);
                }
            }
            None => {
                if let Ok(mut cur) = self.faults.write() {
                    *cur = f;
                }
            }
        }
        Ok(())
    }

    /// Check a callback URL against the address policy (scheme, DNS).
    pub async fn check_url(&self, url: &str) -> Result<(), String> {
        self.guard.check(url).await
    }

    /// Meta's verification request: `GET <url>?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`;
    /// the receiver must answer 2xx with the challenge as the body. Errors are worded like Meta's.
    pub async fn handshake(&self, url: &str, verify_token: &str) -> Result<(), String> {
        self.guard.check(url).await?;
        let challenge = rand::thread_rng().gen_range(100_000_000u64..10_000_000_000).to_string();
        let resp = self
            .client
            .get(url)
            .query(&[
                ("hub.mode", "subscribe"),
                ("hub.challenge", challenge.as_str()),
                ("hub.verify_token", verify_token),
            ])
            .send()
            .await
            .map_err(|e| {
                let what = if e.is_timeout() { "Operation timed out" } else { "Couldn't connect to server" };
                format!("Callback verification failed with the following errors: {what} ({})", error_chain(&e))
            })?;
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(format!(
                "Callback verification failed with the following errors: HTTP Status Code = {}; HTTP Message = {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            ));
        }
        if body.trim() != challenge {
            return Err("The URL couldn't be validated. Response does not match challenge, expected value=\""
                .to_string()
                + &challenge
                + "\", received=\""
                + &body.chars().take(64).collect::<String>()
                + "\"");
        }
        Ok(())
    }

    /// A callback URL's POST slots and its checked, parsed form (parsed once, not per POST).
    pub(crate) fn endpoint(&self, url: &str) -> Arc<Endpoint> {
        let mut m = match self.endpoints.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        if let Some(e) = m.get(url) {
            return e.clone();
        }
        let parsed = self
            .guard
            .check_static(url)
            .and_then(|u| u.as_str().parse::<http::Uri>().map_err(|e| format!("the callback URL cannot be used: {e}")));
        let e = Arc::new(Endpoint {
            slots: Arc::new(Semaphore::new(self.cfg.max_in_flight_per_endpoint)),
            pipelining: AtomicBool::new(parsed.as_ref().is_ok_and(crate::client::pipelines)),
            url: parsed,
            depth: AtomicUsize::new(1),
            max_train: MAX_TRAIN.min(self.cfg.max_in_flight_per_endpoint).max(1),
        });
        m.insert(url.to_string(), e.clone());
        e
    }

    /// Apply a pause or resume on this node at once (other nodes read it within a second).
    pub fn set_paused_local(&self, url: &str, paused: bool) {
        if let Ok(mut p) = self.paused.write() {
            if paused {
                p.insert(url.to_string());
            } else {
                p.remove(url);
            }
        }
    }

    pub(crate) fn is_paused(&self, url: &str) -> bool {
        self.paused.read().map(|p| p.contains(url)).unwrap_or(false)
    }

    /// Where a change of `field` for this WABA / number goes: the number's override, else the
    /// WABA's override, else the app's callback. The signing app is the app subscribed to the
    /// WABA (the first, when several are), else the business's first app.
    pub async fn resolve(
        &self,
        business_id: &str,
        waba_id: &str,
        phone_number_id: Option<&str>,
        field: &str,
    ) -> StoreResult<Resolved> {
        let key = (waba_id.to_string(), phone_number_id.map(str::to_string), field.to_string());
        if let Ok(t) = self.targets.lock() {
            if let Some((at, r)) = t.get(&key) {
                if at.elapsed() < TARGET_TTL {
                    return Ok(r.clone());
                }
            }
        }
        let r = self.resolve_uncached(business_id, waba_id, phone_number_id, field).await?;
        if let Ok(mut t) = self.targets.lock() {
            if t.len() > 10_000 {
                t.clear();
            }
            t.insert(key, (Instant::now(), r.clone()));
        }
        Ok(r)
    }

    async fn resolve_uncached(
        &self,
        business_id: &str,
        waba_id: &str,
        phone_number_id: Option<&str>,
        field: &str,
    ) -> StoreResult<Resolved> {
        let subs = self.store.waba_subscriptions(waba_id).await?;
        if subs.is_empty() && risala_core::webhooks::waba_unsubscribed(self.store.as_ref(), waba_id).await? {
            return Ok(Resolved::Nowhere(
                "no app is subscribed to the WABA (POST /{waba-id}/subscribed_apps subscribes one)".into(),
            ));
        }
        let app = risala_core::webhooks::signing_app(self.store.as_ref(), business_id, &subs).await?;
        let Some(app) = app else {
            return Ok(Resolved::Nowhere("the business has no app to sign webhooks with".into()));
        };
        let app_sub =
            self.store.app_subscriptions(Some(&app.id), None).await?.into_iter().find(|s| s.object == WABA_OBJECT);
        if let Some(s) = &app_sub {
            if !s.wants(field) {
                return Ok(Resolved::Nowhere(format!("app {} is not subscribed to the field '{field}'", app.id)));
            }
        }
        let target =
            |url: String| Resolved::To(Target { url, app_id: app.id.clone(), app_secret: app.app_secret.clone() });
        if let Some(p) = phone_number_id {
            if let Some(o) = self.store.number_override(p).await? {
                return Ok(target(o.callback_url));
            }
        }
        if let Some(url) = subs.iter().find(|s| s.app_id == app.id).and_then(|s| s.override_callback_uri.clone()) {
            return Ok(target(url));
        }
        Ok(match app_sub {
            Some(s) => target(s.callback_url),
            None => Resolved::Nowhere("no webhook callback URL is configured for this WABA".into()),
        })
    }
}

impl WebhookWaker for Engine {
    fn wake(&self) {
        Engine::wake(self);
    }
}

/// An error and its causes on one line.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

/// Stop flag helper for the worker.
impl Engine {
    pub(crate) fn stopped(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }
}

#[async_trait::async_trait]
impl WebhookControl for Engine {
    async fn verify_callback(&self, url: &str, verify_token: &str) -> Result<(), ApiError> {
        if url.len() > 2048 {
            return Err(ApiError::invalid("The callback URL is longer than 2048 characters."));
        }
        self.check_url(url).await.map_err(|e| ApiError::invalid(format!("callback_url: {e}")))?;
        self.handshake(url, verify_token).await.map_err(|e| {
            // Meta's title for a failed handshake, unless the URL itself could not be reached.
            let title = if e.starts_with("The URL couldn't be validated") {
                e.clone()
            } else {
                "Callback verification failed".to_string()
            };
            ApiError::invalid(e).with_message(title)
        })
    }

    fn targets_changed(&self) {
        self.invalidate_targets();
    }

    fn endpoint_paused(&self, url: &str, paused: bool) {
        self.set_paused_local(url, paused);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(url: &str, max_train: usize) -> Endpoint {
        let url: http::Uri = url.parse().unwrap();
        Endpoint {
            slots: Arc::new(Semaphore::new(32)),
            pipelining: AtomicBool::new(crate::client::pipelines(&url)),
            url: Ok(url),
            depth: AtomicUsize::new(1),
            max_train,
        }
    }

    #[test]
    fn trains_grow_while_answered_quickly_and_shrink_when_not() {
        let e = endpoint("http://127.0.0.1:9/hook", 16);
        let quick = Duration::from_millis(1);
        assert_eq!(e.train_len(), 1);
        for want in 2..=16 {
            e.trained(e.train_len(), quick, false);
            assert_eq!(e.train_len(), want);
        }
        e.trained(16, quick, false);
        assert_eq!(e.train_len(), 16, "at most MAX_TRAIN");
        // A train shorter than allowed says nothing about a longer one.
        e.trained(3, quick, false);
        assert_eq!(e.train_len(), 16);
        e.trained(16, TRAIN_BUDGET * 2, false);
        assert_eq!(e.train_len(), 8);
        for _ in 0..5 {
            e.trained(1, Duration::from_millis(300), false);
        }
        assert_eq!(e.train_len(), 1);
        // A receiver that closed a connection on waiting POSTs gets one per connection.
        e.trained(1, quick, true);
        for _ in 0..5 {
            e.trained(e.train_len(), quick, false);
        }
        assert_eq!(e.train_len(), 1);
        // `https` callbacks multiplex over HTTP/2 instead; a low in-flight limit caps trains.
        let tls = endpoint("https://example.com/hook", 16);
        tls.trained(1, quick, false);
        assert_eq!(tls.train_len(), 1);
        let capped = endpoint("http://127.0.0.1:9/hook", 3);
        for _ in 0..5 {
            capped.trained(capped.train_len(), quick, false);
        }
        assert_eq!(capped.train_len(), 3);
    }
}
