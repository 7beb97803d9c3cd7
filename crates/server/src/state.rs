//! Application state shared by all handlers.

use std::sync::Arc;

use risala_core::auth::AuthService;
use risala_core::clock::OffsetClock;
use risala_core::messaging::{MessagingConfig, MessagingService};
use risala_core::store::Store;
use risala_core::templates::TemplateService;
use risala_core::tenancy::TenancyService;

use crate::config::{Config, Mode};
use crate::hub::Hub;
use crate::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub inner: Arc<Inner>,
}

pub struct Inner {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub clock: Arc<OffsetClock>,
    pub auth: AuthService,
    pub tenancy: TenancyService,
    pub metrics: Metrics,
    pub messaging: MessagingService,
    pub hub: Arc<Hub>,
    /// Delivers customers' one-time sign-in codes (platform mode).
    pub code_sender: Arc<dyn CodeSender>,
    /// Key that signs media download URLs (persisted, so links survive restarts).
    pub url_secret: String,
    /// Graph object index entries (kind and owner of an id never change), a minute at most.
    pub objects: risala_core::cache::TtlCache<String, risala_core::model::ObjectRef>,
    /// Webhook delivery: the outbox worker's engine (HTTP client, callbacks, faults).
    pub webhooks: Arc<risala_delivery::Engine>,
    /// Message templates: management, review, quality.
    pub templates: TemplateService,
}

impl AppState {
    pub fn new(config: Config, store: Arc<dyn Store>, clock: Arc<OffsetClock>, url_secret: String) -> Self {
        let auth = AuthService::new(store.clone());
        let tenancy = TenancyService::new(store.clone(), clock.clone());
        let hub = Arc::new(Hub::default());
        let metrics = Metrics::default();
        // `build_state` validated the webhook settings; only a broken TLS setup fails here.
        let webhooks = risala_delivery::Engine::new(
            store.clone(),
            clock.clone(),
            config.webhooks.clone(),
            config.mode == Mode::Sandbox,
            metrics.webhooks.clone(),
        )
        .unwrap_or_else(|e| panic!("webhook delivery cannot start: {e}"));
        let messaging = MessagingService::new(
            store.clone(),
            clock.clone(),
            Arc::new(crate::hub::ServerNotifier { hub: hub.clone(), webhooks: webhooks.clone() }),
            MessagingConfig {
                auto_create_customers: config.mode == Mode::Sandbox && config.auto_create_customers,
                throughput_mps: config.throughput_mps,
                pair_rate_limit: config.pair_rate_limit,
                // `build_state` validated the quality settings.
                quality: config.quality_config().unwrap_or_default(),
                fetcher: crate::fetch::LinkFetcher::new(config.mode == Mode::Sandbox)
                    .map(|f| Arc::new(f) as Arc<dyn risala_core::messaging::model::MediaFetcher>)
                    .map_err(|e| tracing::error!(error = %e, "link media fetching is off"))
                    .ok(),
                ..MessagingConfig::default()
            },
        );
        // `build_state` validated the template settings.
        let templates =
            TemplateService::new(store.clone(), clock.clone(), config.template_config().unwrap_or_default());
        AppState {
            inner: Arc::new(Inner {
                config,
                store,
                clock,
                auth,
                tenancy,
                metrics,
                messaging,
                hub,
                code_sender: Arc::new(ConsoleCodeSender),
                url_secret,
                objects: risala_core::cache::TtlCache::new(std::time::Duration::from_secs(60), 100_000),
                webhooks,
                templates,
            }),
        }
    }
}

/// Sends a customer a one-time sign-in code. Pluggable: an SMS gateway in production.
pub trait CodeSender: Send + Sync {
    fn send(&self, wa_id: &str, code: &str);
}

/// Writes codes to the log: the default, and what a sandbox needs.
pub struct ConsoleCodeSender;

impl CodeSender for ConsoleCodeSender {
    fn send(&self, wa_id: &str, code: &str) {
        tracing::info!(wa_id, code, "customer sign-in code");
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}
