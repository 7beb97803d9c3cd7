//! The operator's view of webhook deliveries: the outbox rows and their attempts, replays of
//! delivered or dead changes, callback URLs and pausing them, queue figures. A business using
//! the admin API with its own token (sandbox) sees only its rows (`scope`).

use std::collections::BTreeMap;

use super::WebhookService;
use crate::error::{ApiError, ErrorCode};
use crate::model::{Delivery, OutboxStats};
use crate::store::DeliveryFilter;

/// Where a callback URL is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackLevel {
    App,
    Waba,
    PhoneNumber,
}

impl CallbackLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackLevel::App => "app",
            CallbackLevel::Waba => "waba",
            CallbackLevel::PhoneNumber => "phone_number",
        }
    }
}

/// A callback URL and whether deliveries to it are held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub url: String,
    /// `None`: paused, but no longer configured anywhere (the operator's view only).
    pub level: Option<CallbackLevel>,
    pub paused: bool,
}

impl WebhookService {
    pub async fn deliveries(&self, filter: &DeliveryFilter) -> Result<Vec<Delivery>, ApiError> {
        Ok(self.store.deliveries(filter).await?)
    }

    /// One delivery the caller may see.
    pub async fn delivery(&self, id: &str, scope: Option<&str>) -> Result<Delivery, ApiError> {
        let not_found = || ApiError::new(ErrorCode::ObjectNotFound, format!("No webhook delivery {id}."));
        let n: i64 = id.parse().map_err(|_| not_found())?;
        match self.store.delivery(n).await? {
            Some(d) if scope.is_none_or(|b| b == d.business_id) => Ok(d),
            _ => Err(not_found()),
        }
    }

    /// Deliver a delivered or dead change again; returns how many rows were replayed.
    pub async fn replay(&self, id: &str, scope: Option<&str>) -> Result<u64, ApiError> {
        let d = self.delivery(id, scope).await?;
        let n = self.store.replay(&[d.id], scope, self.clock.now_ms()).await?;
        self.control.wake();
        Ok(n)
    }

    /// Deliver every dead letter (of the caller's business) again.
    pub async fn replay_dead(&self, scope: Option<&str>) -> Result<u64, ApiError> {
        let n = self.store.replay(&[], scope, self.clock.now_ms()).await?;
        self.control.wake();
        Ok(n)
    }

    /// Callback URLs configured for a business (or every business): app callbacks, WABA and
    /// number overrides.
    async fn callback_urls(&self, scope: Option<&str>) -> Result<BTreeMap<String, CallbackLevel>, ApiError> {
        Ok(self.callbacks(scope).await?.into_iter().map(|(_, url, level)| (url, level)).collect())
    }

    /// Every callback URL of `scope`'s business (`None`: every business), at each level, with
    /// the business that configured it.
    async fn callbacks(&self, scope: Option<&str>) -> Result<Vec<(String, String, CallbackLevel)>, ApiError> {
        let mut out = Vec::new();
        for s in self.store.app_subscriptions(None, scope).await? {
            out.push((s.business_id, s.callback_url, CallbackLevel::App));
        }
        for w in self.store.list_wabas(scope).await? {
            for s in self.store.waba_subscriptions(&w.id).await? {
                if let Some(u) = s.override_callback_uri {
                    out.push((w.business_id.clone(), u, CallbackLevel::Waba));
                }
            }
        }
        for p in self.store.list_phone_numbers(scope).await? {
            if let Some(o) = self.store.number_override(&p.id).await? {
                out.push((p.business_id.clone(), o.callback_url, CallbackLevel::PhoneNumber));
            }
        }
        Ok(out)
    }

    /// Whether a business other than `business` has `url` as a callback, at any level.
    async fn configured_by_another(&self, url: &str, business: &str) -> Result<bool, ApiError> {
        Ok(self.callbacks(None).await?.iter().any(|(b, u, _)| u == url && b != business))
    }

    /// Configured callback URLs and whether each is paused; the operator also sees paused URLs
    /// that nothing configures any more.
    pub async fn endpoints(&self, scope: Option<&str>) -> Result<Vec<Endpoint>, ApiError> {
        let urls = self.callback_urls(scope).await?;
        let states = self.store.endpoints().await?;
        let mut out: Vec<Endpoint> = urls
            .iter()
            .map(|(url, level)| Endpoint {
                url: url.clone(),
                level: Some(*level),
                paused: states.iter().any(|e| &e.url == url && e.paused),
            })
            .collect();
        if scope.is_none() {
            for e in states.iter().filter(|e| e.paused && !urls.contains_key(&e.url)) {
                out.push(Endpoint { url: e.url.clone(), level: None, paused: true });
            }
        }
        Ok(out)
    }

    /// Hold (`paused`) or release deliveries to a callback URL; a business may only pause its
    /// own URLs.
    pub async fn set_paused(&self, url: &str, paused: bool, scope: Option<&str>) -> Result<(), ApiError> {
        if url.is_empty() {
            return Err(ApiError::invalid("The parameter url is required"));
        }
        if let Some(business) = scope {
            if !self.callback_urls(scope).await?.contains_key(url) {
                return Err(ApiError::invalid(format!("{url} is not a callback URL of this business")));
            }
            // Holding a URL holds every business's deliveries to it.
            if self.configured_by_another(url, business).await? {
                return Err(ApiError::new(
                    ErrorCode::MissingPermission,
                    format!("{url} also receives another business's webhooks: only the operator may pause it"),
                ));
            }
        }
        self.store.set_endpoint_paused(url, paused, self.clock.now_ms()).await?;
        self.control.endpoint_paused(url, paused);
        self.control.wake();
        Ok(())
    }

    /// Queue figures (of `scope`'s business, or every business for the operator) and the
    /// service clock's now.
    pub async fn stats(&self, scope: Option<&str>) -> Result<(OutboxStats, crate::clock::Millis), ApiError> {
        let stats = match scope {
            Some(b) => self.store.business_outbox_stats(b).await?,
            None => self.store.outbox_stats().await?,
        };
        Ok((stats, self.clock.now_ms()))
    }
}
