//! Risala's HTTP server (axum): the Graph API, the customer API and its WebSocket, the admin and
//! sandbox APIs, and the operations endpoints, one folder per surface under [`routes`]; the one
//! Graph error response ([`error`]); the background sweeps and the webhook worker it runs.

/// Every program that runs the server (the `risala` binary, the bench's own server, the tests)
/// allocates with mimalloc: with glibc's allocator, allocation was about a sixth of the
/// server's CPU per message on `send` (hyper's read buffers set off glibc's consolidation of
/// its free lists on nearly every request).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod audit;
pub mod bot_caller;
pub mod broadcast_runner;
pub mod cluster;
mod composer_intake;
pub mod config;
pub mod error;
pub mod extract;
pub mod fetch;
pub mod flow_endpoint;
pub mod hub;
pub mod media;
pub mod metrics;
pub mod middleware;
pub mod multipart;
pub mod net;
pub mod openapi;
pub mod qr;
pub mod routes;
pub mod spool;
pub mod state;
pub mod stripe;
pub mod sweeps;

use std::future::Future;
use std::sync::Arc;

use risala_core::audit::AuditService;
use risala_core::clock::OffsetClock;
use risala_core::privacy::{PrivacyService, RetentionConfig};
use risala_core::store::Store;
use risala_store::{Keyring, SqlStore};
use tokio::net::TcpListener;
use tower::Layer;

pub use config::{Config, Mode};
pub use state::AppState;

/// Setting key of the key that signs media download URLs.
pub const URL_SECRET_SETTING: &str = "media_url_secret";
/// Setting key of the key of the stored form of customers' sign-in codes (HMAC-SHA256).
pub const CODE_SECRET_SETTING: &str = "customer_code_secret";
/// Setting key of the key of the pseudonyms that replace an erased customer's number.
pub const PSEUDONYM_SECRET_SETTING: &str = "erasure_pseudonym_secret";

/// Listen on `addr` (`host:port`, port 0 for any) with a deep accept queue: a burst of
/// thousands of devices connecting at once must not overflow the default queue of 128, where
/// the kernel drops connection attempts and clients retry only after a second.
pub async fn listen(addr: &str) -> std::io::Result<tokio::net::TcpListener> {
    let mut last = None;
    for a in tokio::net::lookup_host(addr).await? {
        let socket = if a.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
        socket.set_reuseaddr(true)?;
        match socket.bind(a).and_then(|()| socket.listen(4096)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("no address in {addr}"))))
}

/// The keys that encrypt secrets at rest, as the configuration names them: `encryption_keys`,
/// else the key file (`key_file`, or `<data_dir>/risala.key` in sandbox mode), created when
/// missing. Platform mode without either is an error: its secrets must not sit in a key the
/// operator never chose to keep.
pub fn keyring(config: &Config) -> anyhow::Result<Keyring> {
    if let Some(keys) = config.encryption_keys.as_deref().filter(|k| !k.trim().is_empty()) {
        return Ok(Keyring::parse(keys, "encryption_keys")?);
    }
    match config.key_path() {
        Some(path) => Ok(Keyring::file(&path, true)?),
        None => anyhow::bail!(
            "platform mode needs keys to encrypt secrets at rest: set key_file (RISALA_KEY_FILE) to a key file \
             (created on the first start) or encryption_keys (RISALA_ENCRYPTION_KEYS)"
        ),
    }
}

/// Open the configured store (migrating it) with the configured keys, encrypting message
/// bodies and webhook payloads at rest when `encrypt_at_rest` says so.
pub async fn open_store(config: &Config) -> anyhow::Result<SqlStore> {
    let keys = keyring(config)?;
    let store =
        SqlStore::open(config.database_url.as_deref(), &config.sqlite_path(), &config.sqlite_synchronous, keys).await?;
    Ok(store.encrypt_at_rest(config.encrypt_at_rest()))
}

/// Open the configured store (migrating it) and build the app state.
pub async fn build_state(config: Config) -> anyhow::Result<AppState> {
    config.webhooks.validate().map_err(|e| anyhow::anyhow!("invalid webhook settings: {e}"))?;
    config.template_config().map_err(anyhow::Error::msg)?;
    config.quality_config().map_err(anyhow::Error::msg)?;
    config.listener_limits().map_err(anyhow::Error::msg)?;
    config.retention.durations().map_err(anyhow::Error::msg)?;
    if let Some(u) = config.public_url.as_deref().filter(|u| !u.is_empty()) {
        if !risala_core::weburl::is_http_url(u) {
            anyhow::bail!("public_url: '{u}' is not an http:// or https:// URL");
        }
    }
    // The operator's token opens every business: in platform mode it is as long as a token.
    if config.mode == Mode::Platform && config.admin_token.as_deref().is_some_and(|t| t.chars().count() < 16) {
        anyhow::bail!("admin_token: at least 16 characters in platform mode");
    }
    if !(3..=14).contains(&config.badge.review_days) {
        anyhow::bail!("badge.review_days: must be 3 to 14 days, not {}", config.badge.review_days);
    }
    config.media_intake().map_err(anyhow::Error::msg)?.prepare()?;
    if let (Some(cert), Some(key)) = (&config.tls_cert, &config.tls_key) {
        net::tls::Tls::new(cert, key).map_err(anyhow::Error::msg)?;
    }
    let sql = open_store(&config).await?;
    let cluster = cluster::Cluster::for_config(&config, &sql)?;
    let store: Arc<dyn Store> = Arc::new(sql);
    let clock = Arc::new(OffsetClock::new(risala_core::sandbox::stored_offset(&*store).await?));
    let url_secret = stored_secret(&*store, URL_SECRET_SETTING).await?;
    let code_secret = stored_secret(&*store, CODE_SECRET_SETTING).await?;
    let privacy = privacy_service(&config, store.clone(), clock.clone()).await?;
    Ok(AppState::new(config, store, clock, url_secret, &code_secret, privacy, cluster))
}

/// Retention and erasure over `store`, as the server and the CLI build it: the configured
/// retention, the stored pseudonym key, and the configured sign-in code destination.
pub async fn privacy_service(
    config: &Config,
    store: Arc<dyn Store>,
    clock: Arc<dyn risala_core::clock::Clock>,
) -> anyhow::Result<PrivacyService> {
    let (message_bodies_ms, _) = config.retention.durations().map_err(anyhow::Error::msg)?;
    let key = stored_secret(&*store, PSEUDONYM_SECRET_SETTING).await?;
    let audit = AuditService::new(store.clone(), clock.clone());
    Ok(PrivacyService::new(store, clock, audit, state::sender(config), &key, RetentionConfig { message_bodies_ms }))
}

/// The sandbox's demo tenant, and the owner who signs in to its web app.
pub struct Demo {
    pub tenant: risala_core::tenancy::DemoTenant,
    /// The owner's password when it is known now: `demo_owner_password`, or made at this start
    /// (shown once; only its hash is kept).
    pub owner_password: Option<String>,
}

/// Create the demo tenant and its web app owner when missing (`demo_token` and
/// `demo_owner_password` fix their secrets).
pub async fn seed_demo(state: &AppState) -> anyhow::Result<Demo> {
    let config = &state.config;
    let tenant = state.tenancy.ensure_demo(config.demo_token.as_deref()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let owner_password = state
        .accounts
        .ensure_demo_owner(&tenant.ids.business_id, config.demo_owner_password.as_deref())
        .await
        .map_err(|e| anyhow::anyhow!("demo owner: {e}"))?;
    Ok(Demo { tenant, owner_password })
}

/// The rate card a sandbox starts with: `rates/meta-2026-01-01.csv`, Meta's per-market USD rates
/// as of 2026-01-01 (sources and market groups named in the file).
pub const STARTING_RATE_CARD: &str = include_str!("../../../rates/meta-2026-01-01.csv");

/// The rate card situation at a start, for the banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateCardStart {
    /// The built-in starting card was loaded now (its name).
    Loaded(String),
    /// Cards were loaded before: the newest's name.
    Present(String),
    /// No card: template messages are priced at zero.
    Missing,
}

/// Load the built-in starting rate card when the store has none, in sandbox mode with
/// `starting_rate_card` on. It applies to every message (effective from 1970-01-01) until a
/// card with a later date is loaded.
pub async fn seed_rate_card(state: &AppState) -> anyhow::Result<RateCardStart> {
    let cards = state.store.rate_cards().await?;
    if let Some(newest) = cards.iter().max_by_key(|c| (c.effective_from, c.loaded_at)) {
        return Ok(RateCardStart::Present(newest.name.clone()));
    }
    if state.config.mode != Mode::Sandbox || !state.config.starting_rate_card {
        return Ok(RateCardStart::Missing);
    }
    let card = risala_core::model::RateCard::parse_csv(STARTING_RATE_CARD, "meta-usd-2026-01-01")
        .map_err(|e| anyhow::anyhow!("the built-in rate card: {e}"))?;
    let now = risala_core::clock::Clock::now_ms(&*state.clock);
    state.store.load_rate_card(&card, 0, now).await?;
    Ok(RateCardStart::Loaded(card.name))
}

/// The secret kept in the settings under `key`, made on the first start (persisted, so what it
/// signs survives restarts).
async fn stored_secret(store: &dyn Store, key: &str) -> anyhow::Result<String> {
    if let Some(s) = store.setting(key).await? {
        return Ok(s);
    }
    let s = risala_core::ids::new_secret(40);
    store.set_setting(key, &s).await?;
    Ok(s)
}

/// Serve until `shutdown` resolves; in-flight requests finish first. HTTPS when `tls_cert`
/// and `tls_key` are set (reloaded on SIGHUP); the `[connections]` timeouts and per-address
/// cap apply to every connection.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.config.listener_limits().map_err(std::io::Error::other)?;
    let tls = match (&state.config.tls_cert, &state.config.tls_key) {
        (Some(cert), Some(key)) => Some(net::tls::Tls::new(cert, key).map_err(std::io::Error::other)?),
        _ => None,
    };
    let reloader = tls.clone().map(|t| tokio::spawn(t.reload_on_sighup()));
    let sweeps = [
        tokio::spawn(sweeps::media(state.clone())),
        tokio::spawn(sweeps::templates(state.clone())),
        tokio::spawn(sweeps::quality(state.clone())),
        tokio::spawn(sweeps::retention(state.clone())),
        tokio::spawn(sweeps::undelivered(state.clone())),
        tokio::spawn(sweeps::bot_waits(state.clone())),
        tokio::spawn(sweeps::badges(state.clone())),
        tokio::spawn(broadcast_runner::run(state.clone())),
    ];
    // The webhook worker runs while the server serves; it stops (finishing in-flight POSTs)
    // when shutdown begins.
    let worker = state.delivery.start();
    let feed = state.inbox_feed.clone();
    let shutdown = async move {
        shutdown.await;
        // Open inbox pages' event streams end, so they do not hold the drain up.
        feed.close();
        worker.stop().await;
    };
    let store = state.store.clone();
    let router = routes::router(state);
    let strip: fn(axum::extract::Request) -> axum::extract::Request = middleware::strip_version;
    let app: net::App = tower::util::MapRequestLayer::new(strip).layer(router);
    let served = net::serve(listener, app, limits, tls, shutdown).await;
    if let Some(r) = reloader {
        r.abort();
    }
    for sweep in sweeps {
        sweep.abort();
    }
    if let Err(e) = store.checkpoint().await {
        tracing::warn!(error = %e, "checkpoint at shutdown failed");
    }
    served
}
