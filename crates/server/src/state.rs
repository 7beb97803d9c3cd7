//! Application state shared by all handlers.

use std::sync::Arc;

use risala_core::accounts::AccountService;
use risala_core::audit::AuditService;
use risala_core::auth::AuthService;
use risala_core::clock::OffsetClock;
use risala_core::customers::CustomerService;
use risala_core::inbox::InboxService;
use risala_core::messaging::{MessagingConfig, MessagingService};
use risala_core::numbers::NumberService;
use risala_core::ports::{CodeSender, LinkSender};
use risala_core::pricing::reports::ReportService;
use risala_core::privacy::PrivacyService;
use risala_core::profile::ProfileService;
use risala_core::sandbox::faults::FaultService;
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
    /// Sandbox error-injection rules.
    pub faults: FaultService,
    /// Subscriptions, callbacks and the operator's view of deliveries.
    pub webhooks: WebhookService,
    pub hub: Arc<Hub>,
    /// Live updates of the team inbox's pages on this node.
    pub inbox_feed: Arc<risala_web::live::Feed>,
    /// Key that signs media download URLs (persisted, so links survive restarts).
    pub url_secret: String,
    /// Webhook delivery: the outbox worker's engine (HTTP client, callbacks, faults).
    pub delivery: Arc<risala_delivery::Engine>,
    /// Message templates: management, review, quality.
    pub templates: TemplateService,
    /// WhatsApp Flows: the Flows API and the customer's side of flows.
    pub flows: risala_core::flows::FlowService,
    /// The audit log of operator and owner actions.
    pub audit: AuditService,
    /// Retention of message bodies and customer erasure.
    pub privacy: PrivacyService,
    /// The web app's people: users, sessions, resets, invitations.
    pub accounts: AccountService,
    /// What the web app shows of a business's conversations.
    pub inbox: InboxService,
    /// Where media uploads and link fetches are received, and the cap on them in flight.
    pub intake: Arc<crate::spool::MediaIntake>,
    /// Numbers' lifecycle (verification, registration, PIN, display name) and QR codes.
    pub numbers: NumberService,
    /// Business profiles, conversational components, resumable uploads.
    pub profile: ProfileService,
    /// Business hours, the away message and the greeting (issue #17).
    pub hours: risala_core::tools::hours::HoursService,
    /// Quick replies (issue #17).
    pub quick_replies: risala_core::tools::quick_replies::QuickReplyService,
    /// FAQ answers of each number (a business tool).
    pub faq: risala_core::tools::faq::FaqService,
    /// Contacts as a small CRM (a business tool).
    pub contacts: risala_core::tools::contacts::ContactService,
    /// Broadcasts (business tools): created by the API and the console, sent by the runner.
    pub broadcasts: risala_core::tools::broadcasts::BroadcastService,
    /// Chatbots with hand-off (a business tool).
    pub bots: risala_core::tools::bots::BotService,
    /// Click-to-WhatsApp ads and Status updates (issue #18).
    pub ads: risala_core::ads::AdService,
    /// The verified badge: official business account requests and their review.
    pub badges: risala_core::badges::BadgeService,
    /// Catalogs, products and orders (issue #18).
    pub catalogs: risala_core::commerce::CatalogService,
    /// The other nodes of a fleet: the event bus, the leases of background work.
    pub cluster: crate::cluster::Cluster,
    /// Orders sent with order_details and their payments (sandbox and Stripe providers).
    pub payments: risala_core::payments::PaymentService,
}

impl AppState {
    /// What this process's services keep in memory of the store's tables.
    pub fn caches(&self) -> crate::cluster::Caches {
        crate::cluster::Caches {
            auth: self.auth.clone(),
            tenancy: self.tenancy.clone(),
            messaging: self.messaging.clone(),
            hours: self.hours.clone(),
            faq: self.faq.clone(),
            bots: self.bots.clone(),
            faults: self.faults.clone(),
            delivery: self.delivery.clone(),
        }
    }

    /// `url_secret` signs media download URLs, `code_secret` keys the stored form of customers'
    /// sign-in codes; `privacy` is built by [`crate::privacy_service`].
    pub fn new(
        config: Config,
        store: Arc<dyn Store>,
        clock: Arc<OffsetClock>,
        url_secret: String,
        code_secret: &str,
        privacy: PrivacyService,
        cluster: crate::cluster::Cluster,
    ) -> Self {
        let hears_changes = cluster.bus.hears_changes();
        let auth = AuthService::new(store.clone(), clock.clone())
            .keeping(risala_core::cache::kept(hears_changes, risala_core::auth::CACHE_TTL));
        let tenancy = TenancyService::new(store.clone(), clock.clone());
        let hub = Arc::new(Hub::default());
        let inbox_feed = Arc::new(risala_web::live::Feed::default());
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
        let notifier: Arc<dyn risala_core::ports::Notifier> = Arc::new(crate::hub::ServerNotifier {
            hub: hub.clone(),
            bus: cluster.bus.clone(),
            webhooks: delivery.clone(),
            inbox: inbox_feed.clone(),
        });
        let messaging = MessagingService::new(
            store.clone(),
            clock.clone(),
            notifier.clone(),
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
                media_links: Some(Arc::new(crate::media::WebhookMediaLinks {
                    secret: url_secret.clone(),
                    base: config.public_url(&config.listen),
                })),
                budget: cluster.budget.clone(),
                // `build_state` validated the template settings.
                templates: config.template_config().unwrap_or_default(),
                hears_changes,
                ..MessagingConfig::default()
            },
        );
        // One template service: the one sends use, so what it keeps is dropped by every write.
        let templates = messaging.templates().clone();
        // Only a broken TLS setup fails here, as for webhook delivery.
        let flow_endpoint = crate::flow_endpoint::HttpFlowEndpoint::new(config.mode == Mode::Sandbox)
            .unwrap_or_else(|e| panic!("flow endpoint client cannot start: {e}"));
        let flows = risala_core::flows::FlowService::new(
            store.clone(),
            clock.clone(),
            messaging.clone(),
            Arc::new(flow_endpoint),
        );
        let sender = sender(&config);
        let accounts = AccountService::new(store.clone(), clock.clone(), sender.clone());
        let inbox = InboxService::new(store.clone(), clock.clone());
        let numbers = NumberService::new(store.clone(), clock.clone(), sender.clone(), code_secret);
        let customers = CustomerService::new(
            messaging.clone(),
            templates.clone(),
            sender,
            config.mode == Mode::Platform,
            code_secret,
        );
        let reports = ReportService::new(store.clone(), clock.clone());
        let sandbox = SandboxService::new(store.clone(), clock.clone(), delivery.clone());
        let faults = FaultService::new(store.clone(), clock.clone());
        let webhooks = WebhookService::new(store.clone(), clock.clone(), delivery.clone());
        let audit = AuditService::new(store.clone(), clock.clone());
        let profile = ProfileService::new(store.clone(), clock.clone(), messaging.clone());
        let hours = risala_core::tools::hours::HoursService::new(store.clone(), messaging.clone());
        let quick_replies = risala_core::tools::quick_replies::QuickReplyService::new(store.clone(), clock.clone());
        let catalogs = risala_core::commerce::CatalogService::new(store.clone(), clock.clone());
        let faq =
            risala_core::tools::faq::FaqService::new(store.clone(), clock.clone(), messaging.clone(), notifier.clone());
        let contacts =
            risala_core::tools::contacts::ContactService::new(store.clone(), clock.clone(), notifier.clone());
        let bots = risala_core::tools::bots::BotService::new(
            store.clone(),
            clock.clone(),
            messaging.clone(),
            contacts.clone(),
            hours.clone(),
            notifier,
            // Only a broken TLS setup fails here, as for webhook delivery.
            Arc::new(
                crate::bot_caller::HttpBotCaller::new(config.mode == Mode::Sandbox, &config.webhooks.allow_private)
                    .unwrap_or_else(|e| panic!("the bots' HTTP client cannot start: {e}")),
            ),
        );
        let broadcasts = risala_core::tools::broadcasts::BroadcastService::new(
            messaging.clone(),
            Arc::new(crate::broadcast_runner::FeedWatcher(inbox_feed.clone())),
        );
        let ads = risala_core::ads::AdService::new(store.clone(), clock.clone());
        let badges = risala_core::badges::BadgeService::new(
            store.clone(),
            clock.clone(),
            messaging.clone(),
            config.badge.review_days,
        );
        let stripe = crate::stripe::HttpStripe::new(
            &config.stripe_api_base,
            format!("{}/chat/", config.public_url(&config.listen).trim_end_matches('/')),
        )
        .map(|s| Arc::new(s) as Arc<dyn risala_core::payments::StripeConnector>)
        .map_err(|e| tracing::error!(error = %e, "Stripe payments are off"))
        .ok();
        let payments = risala_core::payments::PaymentService::new(messaging.clone(), stripe);
        let state = AppState {
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
                faults,
                webhooks,
                hub,
                inbox_feed,
                url_secret,
                delivery,
                templates,
                flows,
                audit,
                privacy,
                accounts,
                inbox,
                intake,
                numbers,
                profile,
                hours,
                quick_replies,
                faq,
                bots,
                contacts,
                broadcasts,
                ads,
                badges,
                catalogs,
                cluster,
                payments,
            }),
        };
        if state.cluster.budget.is_some() {
            // A fleet: this node's inbox events go to the other nodes.
            crate::cluster::relay_inbox(&state.inbox_feed, state.cluster.bus.clone());
        }
        // The other nodes' events, or other processes' changes to one server's SQLite file.
        state.cluster.bus.subscribe(Arc::new(crate::cluster::Dispatch {
            hub: state.hub.clone(),
            feed: state.inbox_feed.clone(),
            store: state.store.clone(),
            caches: state.caches(),
        }));
        state
    }
}

/// Both senders: of customers' sign-in codes and of the web app's links.
pub trait Sender: CodeSender + LinkSender {}
impl<T: CodeSender + LinkSender> Sender for T {}

/// Where sign-in codes and web links go: `sign_in_code_file` when set; else the log in sandbox
/// mode, and in platform mode `sign-in-codes.log` in `data_dir` (never the log, which is often
/// shipped to places an operator does not control).
pub fn sender(config: &Config) -> Arc<dyn Sender> {
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

    fn send_number_code(&self, number: &str, method: &str, code: &str) -> Result<(), String> {
        tracing::info!(number, method, code, "phone number verification code (sandbox)");
        Ok(())
    }

    /// Lines already written to the log are the log's own retention's to remove.
    fn forget(&self, _wa_id: &str) -> Result<u64, String> {
        Ok(0)
    }
}

/// Held while the code file is appended to or rewritten, so an erasure's rewrite never drops a
/// line written meanwhile by this process (another process, such as the CLI's erasure, is not
/// covered: erase through the admin API while the server runs).
static CODE_FILE: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl LinkSender for LogCodeSender {
    fn send_link(&self, email: &str, purpose: &str, link: &str) -> Result<(), String> {
        tracing::info!(email, purpose, link, "web app link (sandbox)");
        Ok(())
    }
}

/// Appends `<ms since epoch> <wa_id> <code>` lines to a file created readable by its owner only,
/// for the operator (or a script that texts the codes on) to read.
pub struct FileCodeSender {
    pub path: std::path::PathBuf,
}

impl FileCodeSender {
    /// Append `<ms since epoch> <rest>` as a line.
    fn append(&self, rest: &str) -> Result<(), String> {
        use std::io::Write;
        let mut open = std::fs::OpenOptions::new();
        open.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
        let line = format!("{} {rest}\n", risala_core::clock::system_now_ms());
        let _held = CODE_FILE.lock().unwrap_or_else(|e| e.into_inner());
        open.open(&self.path)
            .and_then(|mut f| f.write_all(line.as_bytes()))
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

impl CodeSender for FileCodeSender {
    fn send(&self, wa_id: &str, code: &str) -> Result<(), String> {
        self.append(&format!("{wa_id} {code}"))?;
        tracing::info!(wa_id, file = %self.path.display(), "customer sign-in code written");
        Ok(())
    }

    /// `<ms> <number> <code> number-verification <SMS|VOICE>`: the same first three columns
    /// as a sign-in code, so a script that forwards codes reads both.
    fn send_number_code(&self, number: &str, method: &str, code: &str) -> Result<(), String> {
        self.append(&format!("{number} {code} number-verification {method}"))?;
        tracing::info!(number, file = %self.path.display(), "phone number verification code written");
        Ok(())
    }

    /// Rewrite the file without `wa_id`'s lines (through a temporary file renamed over it, so a
    /// reader never sees half a file); returns how many lines went.
    fn forget(&self, wa_id: &str) -> Result<u64, String> {
        use std::io::Write;
        let err = |e: std::io::Error| format!("{}: {e}", self.path.display());
        let _held = CODE_FILE.lock().unwrap_or_else(|e| e.into_inner());
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(err(e)),
        };
        let (gone, kept): (Vec<&str>, Vec<&str>) =
            text.lines().partition(|l| l.split_whitespace().nth(1) == Some(wa_id));
        if gone.is_empty() {
            return Ok(0);
        }
        let tmp = self.path.with_extension("erasing");
        let mut open = std::fs::OpenOptions::new();
        open.create(true).write(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
        let mut f = open.open(&tmp).map_err(err)?;
        for l in kept {
            writeln!(f, "{l}").map_err(err)?;
        }
        f.sync_all().map_err(err)?;
        std::fs::rename(&tmp, &self.path).map_err(err)?;
        Ok(gone.len() as u64)
    }
}

impl LinkSender for FileCodeSender {
    fn send_link(&self, email: &str, purpose: &str, link: &str) -> Result<(), String> {
        self.append(&format!("{email} {purpose}: {link}"))?;
        tracing::info!(email, purpose, file = %self.path.display(), "web app link written");
        Ok(())
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}
