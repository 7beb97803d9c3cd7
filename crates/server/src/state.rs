//! Application state shared by all handlers.

use std::sync::Arc;

use risala_core::auth::AuthService;
use risala_core::clock::OffsetClock;
use risala_core::customers::CustomerService;
use risala_core::messaging::{MessagingConfig, MessagingService};
use risala_core::ports::CodeSender;
use risala_core::pricing::reports::ReportService;
use risala_core::sandbox::SandboxService;
use risala_core::store::Store;
use risala_core::templates::TemplateService;
use risala_core::tenancy::TenancyService;
use risala_core::webhooks::WebhookService;

use crate::config::{Config, Mode};
use crate::hub::Hub;
use crate::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub inner: Arc<Inner>,
}

/// The services handlers call, and what the server itself runs (the store for health checks and
/// background sweeps, the hub of customer connections, the webhook worker's engine).
pub struct Inner {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub clock: Arc<OffsetClock>,
    pub auth: AuthService,
    /// Businesses, numbers, apps, tokens, and the Graph object index.
    pub tenancy: TenancyService,
    pub metrics: Metrics,
    /// Sending and receiving, media, WABA settings.
    pub messaging: MessagingService,
    /// The customer's side: sessions, chats, the chat menu.
    pub customers: CustomerService,
    /// Analytics and conversation windows.
    pub reports: ReportService,
    /// The sandbox clock.
    pub sandbox: SandboxService,
    /// Subscriptions, callbacks and the operator's view of deliveries.
    pub webhooks: WebhookService,
    pub hub: Arc<Hub>,
    /// Key that signs media download URLs (persisted, so links survive restarts).
    pub url_secret: String,
    /// Webhook delivery: the outbox worker's engine (HTTP client, callbacks, faults).
    pub delivery: Arc<risala_delivery::Engine>,
    /// Message templates: management, review, quality.
    pub templates: TemplateService,
    /// Where media uploads and link fetches are received, and the cap on them in flight.
    pub intake: Arc<crate::spool::MediaIntake>,
}

impl AppState {
    /// `url_secret` signs media download URLs, `code_secret` keys the stored form of customers'
    /// sign-in codes.
    pub fn new(
        config: Config,
        store: Arc<dyn Store>,
        clock: Arc<OffsetClock>,
        url_secret: String,
        code_secret: &str,
    ) -> Self {
        let auth = AuthService::new(store.clone());
        let tenancy = TenancyService::new(store.clone(), clock.clone());
        let hub = Arc::new(Hub::default());
        let metrics = Metrics::default();
        // `build_state` validated the media settings.
        let intake = Arc::new(
            config
                .media_intake()
                .unwrap_or_else(|_| crate::spool::MediaIntake::new(None, 1, std::time::Duration::ZERO)),
        );
        // `build_state` validated the webhook settings; only a broken TLS setup fails here.
        let delivery = risala_delivery::Engine::new(
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
            Arc::new(crate::hub::ServerNotifier { hub: hub.clone(), webhooks: delivery.clone() }),
            MessagingConfig {
                auto_create_customers: config.mode == Mode::Sandbox && config.auto_create_customers,
                throughput_mps: config.throughput_mps,
                pair_rate_limit: config.pair_rate_limit,
                // `build_state` validated the quality settings.
                quality: config.quality_config().unwrap_or_default(),
                fetcher: crate::fetch::LinkFetcher::new(config.mode == Mode::Sandbox, intake.clone())
                    .map(|f| Arc::new(f) as Arc<dyn risala_core::ports::MediaFetcher>)
                    .map_err(|e| tracing::error!(error = %e, "link media fetching is off"))
                    .ok(),
                ..MessagingConfig::default()
            },
        );
        // `build_state` validated the template settings.
        let templates =
            TemplateService::new(store.clone(), clock.clone(), config.template_config().unwrap_or_default());
        let customers = CustomerService::new(
            messaging.clone(),
            templates.clone(),
            code_sender(&config),
            config.mode == Mode::Platform,
            code_secret,
        );
        let reports = ReportService::new(store.clone(), clock.clone());
        let sandbox = SandboxService::new(store.clone(), clock.clone(), delivery.clone());
        let webhooks = WebhookService::new(store.clone(), clock.clone(), delivery.clone());
        AppState {
            inner: Arc::new(Inner {
                config,
                store,
                clock,
                auth,
                tenancy,
                metrics,
                messaging,
                customers,
                reports,
                sandbox,
                webhooks,
                hub,
                url_secret,
                delivery,
                templates,
                intake,
            }),
        }
    }
}

/// Where sign-in codes go: `sign_in_code_file` when set; else the log in sandbox mode, and in
/// platform mode `sign-in-codes.log` in `data_dir` (never the log, which is often shipped to
/// places an operator does not control).
fn code_sender(config: &Config) -> Arc<dyn CodeSender> {
    match (&config.sign_in_code_file, config.mode) {
        (Some(path), _) => Arc::new(FileCodeSender { path: path.clone() }),
        (None, Mode::Sandbox) => Arc::new(LogCodeSender),
        (None, Mode::Platform) => Arc::new(FileCodeSender { path: config.data_dir.join("sign-in-codes.log") }),
    }
}

/// Writes codes to the log: what a sandbox needs.
pub struct LogCodeSender;

impl CodeSender for LogCodeSender {
    fn send(&self, wa_id: &str, code: &str) -> Result<(), String> {
        tracing::info!(wa_id, code, "customer sign-in code (sandbox)");
        Ok(())
    }
}

/// Appends `<ms since epoch> <wa_id> <code>` lines to a file created readable by its owner only,
/// for the operator (or a script that texts the codes on) to read.
pub struct FileCodeSender {
    pub path: std::path::PathBuf,
}

impl CodeSender for FileCodeSender {
    fn send(&self, wa_id: &str, code: &str) -> Result<(), String> {
        use std::io::Write;
        let mut open = std::fs::OpenOptions::new();
        open.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
        let line = format!("{} {wa_id} {code}\n", risala_core::clock::system_now_ms());
        open.open(&self.path)
            .and_then(|mut f| f.write_all(line.as_bytes()))
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        tracing::info!(wa_id, file = %self.path.display(), "customer sign-in code written");
        Ok(())
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}
