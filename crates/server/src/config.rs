//! Server configuration. Every field has a documented default; `risala config print-default`
//! prints [`DEFAULT_TOML`], and a test checks it parses to `Config::default()`.

use std::path::PathBuf;

use risala_core::clock::parse_duration_ms;
use risala_core::model::Tier;
use risala_core::quality::{QualityConfig, RatingConfig};
use risala_core::templates::{ReviewMode, TemplateConfig};
use serde::{Deserialize, Serialize};

mod default_toml;
pub use default_toml::DEFAULT_TOML;

/// How message templates are reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TemplateReview {
    Auto,
    Manual,
}

/// Sandbox (a developer's local stand-in for Meta) or platform (production).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Sandbox,
    Platform,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sandbox` or `platform`. Default `sandbox`.
    pub mode: Mode,
    /// Address to listen on. Default `127.0.0.1:8080`.
    pub listen: String,
    /// Directory of the SQLite database (media are stored in the database, on either engine);
    /// unused with PostgreSQL. Default `./risala-data`.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL; unset = SQLite in `data_dir`. Default unset.
    pub database_url: Option<String>,
    /// SQLite `synchronous` mode: `FULL` (durable against power loss), `NORMAL`. Default `FULL`.
    pub sqlite_synchronous: String,
    /// Fixed value for the demo token (scripts, CI). Default unset: a random token is made
    /// on the first start and printed once.
    pub demo_token: Option<String>,
    /// Fixed password of the sandbox's demo owner (`owner@demo.test`) of the web app, for
    /// scripts and CI (at least 10 characters). Default unset: a random password is made when
    /// the owner is created and printed once.
    pub demo_owner_password: Option<String>,
    /// Create the demo tenant on the first start. Default `true` in sandbox mode.
    pub seed_demo: bool,
    /// Sandbox: load the built-in starting rate card (`rates/meta-2026-01-01.csv`: Meta's
    /// per-market USD rates as of 2026-01-01) at a start that finds no rate card, so template messages are not priced
    /// at zero. Platform mode never loads it. Default `true`.
    pub starting_rate_card: bool,
    /// `text` or `json`. Default `text`.
    pub log_format: LogFormat,
    /// Log filter (`info`, `risala=debug,info`, …). Default `info`.
    pub log_level: String,
    /// Sandbox: a message to a number that is not yet a customer creates that customer.
    /// Off: such a send fails with 131026. Default `true`.
    pub auto_create_customers: bool,
    /// How new and edited message templates are reviewed: `auto` (the rule set decides after
    /// `template_review_delay`) or `manual` (PENDING until an operator approves or rejects).
    /// Default `auto`.
    pub template_review: TemplateReview,
    /// Delay of an automatic template review decision; `0s` decides at once, in the create
    /// request. Default `0s`.
    pub template_review_delay: String,
    /// Lengths of a template's first and second pause for low quality; the pause after the last
    /// one listed disables the template. Default `["3h", "6h"]`.
    pub template_pauses: Vec<String>,
    /// Negative feedback events (blocks, reports) that make a template RED and pause it (it is
    /// YELLOW from half of them). Default `3`.
    pub template_pause_after_feedback: i64,
    /// Messages per second one business number may send; above it a send fails with 130429.
    /// Default `80`, Meta's; `0`: no limit.
    pub throughput_mps: u32,
    /// Enforce Meta's pair rate limit (about one message every 6 s to the same customer after a
    /// burst of 45): 131056. Default `false`.
    pub pair_rate_limit: bool,
    /// Messaging limit tier of a business that has none yet (`TIER_250`, `TIER_2K`, `TIER_10K`,
    /// `TIER_100K`, `TIER_UNLIMITED`): unique customers reached with business-initiated
    /// templates in a moving 24 hours. Default `TIER_250` (Meta's).
    pub messaging_limit_tier: String,
    /// Upgrade to the next tier automatically once half the limit was used in the last 7 days,
    /// while every number of the business is GREEN. Default `true`.
    pub messaging_limit_upgrades: bool,
    /// How long after half the limit was first used the upgrade happens. Default `6h`.
    pub messaging_limit_upgrade_delay: String,
    /// Quality rating thresholds, in recency-weighted blocks and spam reports per 1,000
    /// messages sent in 7 days: YELLOW from `quality_yellow_per_1000` (default `20`), RED from
    /// `quality_red_per_1000` (default `40`), and from `quality_restrict_per_1000` (default
    /// `80`) business-initiated sends fail with 131048.
    pub quality_yellow_per_1000: f64,
    pub quality_red_per_1000: f64,
    pub quality_restrict_per_1000: f64,
    /// The rating divides by at least this many messages. Default `250`.
    pub quality_min_messages: i64,
    /// Weight of a spam report (a block weighs 1). Default `2.0`.
    pub quality_report_weight: f64,
    /// Base URL clients reach this server at, used in links the server hands out (media, the
    /// web app's reset and invitation links). Default unset: `http://` + `listen` (the web
    /// app's links: the host the browser used in sandbox mode; set it in platform mode).
    pub public_url: Option<String>,
    /// Base URL of Stripe's API, for numbers that take payments with Stripe. Default
    /// `https://api.stripe.com`.
    pub stripe_api_base: String,
    /// Operator token for the admin API (`/admin/v1/…`, `risala webhooks`), sent as
    /// `Authorization: Bearer …`. Default unset: in sandbox mode a business's Graph token may then
    /// use the webhook inspector for its own deliveries; in platform mode the admin API is closed.
    pub admin_token: Option<String>,
    /// File that customers' one-time sign-in codes, and the web app's password-reset and
    /// invitation links, are appended to (created readable by its owner only). Default unset:
    /// the log in sandbox mode, `data_dir/sign-in-codes.log` in platform mode (codes and links
    /// never go to the log there).
    pub sign_in_code_file: Option<PathBuf>,
    /// The key file that encrypts secrets at rest (app secrets, verify tokens, settings):
    /// created (0600, one new key) when missing. Default unset: in sandbox mode
    /// `<data_dir>/risala.key`; platform mode refuses to start without it or `encryption_keys`.
    pub key_file: Option<PathBuf>,
    /// The keys themselves instead of a key file, `<id>:<base64 of 32 bytes>` separated by
    /// commas (for a secret store's environment variable, `RISALA_ENCRYPTION_KEYS`); the highest
    /// id encrypts new writes. Default unset.
    pub encryption_keys: Option<String>,
    /// Encrypt message bodies (`content`, `biz_opaque_callback_data`, errors), the webhook
    /// payloads of the outbox and media (each chunk) at rest with the newest key of the key
    /// ring, each bound to its row; rows stored either way always read, and `risala admin keys rotate` encrypts those
    /// stored before. Default unset: on in platform mode, off in sandbox mode.
    pub encrypt_at_rest: Option<bool>,
    /// PEM file of the TLS certificate chain; with `tls_key`, the listener serves HTTPS (and
    /// rereads both files on SIGHUP). Both or neither. Default unset: plain HTTP.
    pub tls_cert: Option<PathBuf>,
    /// PEM file of the TLS private key (PKCS#8, PKCS#1 or SEC1). Default unset.
    pub tls_key: Option<PathBuf>,
    /// Timeouts of client connections and the cap on connections per client address.
    pub connections: ConnectionConfig,
    /// How long message bodies and media are kept.
    pub retention: RetentionConfig,
    /// Media uploads and link fetches: how many may be received at once.
    pub media: MediaConfig,
    /// Several nodes on one PostgreSQL: how they hear each other.
    pub cluster: ClusterConfig,
    /// Webhook delivery: timeouts, retries, batching, the callback URL guard, sandbox faults.
    pub webhooks: risala_delivery::DeliveryConfig,
    /// The verified badge (official business accounts): the review delay.
    pub badge: BadgeConfig,
}

/// The verified badge's review (`[badge]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BadgeConfig {
    /// Days, on the service clock (the sandbox clock moves it), within which a request for an
    /// official business account is decided: the operator decides in the console or the admin
    /// API, and a request nobody decided by then is decided by the criteria (approved when
    /// every criterion holds, rejected with the failing ones as reasons). 3 to 14. The operator
    /// can change it at run time with the criteria. Default `5`.
    pub review_days: i64,
}

impl Default for BadgeConfig {
    fn default() -> Self {
        BadgeConfig { review_days: 5 }
    }
}

/// How the nodes of a fleet (several servers on one PostgreSQL database) work together
/// (`[cluster]`): live events, cache invalidation, shared limits and leases of background work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// `auto` (the default): `postgres` on PostgreSQL, `local` on SQLite. `postgres`: events
    /// through `LISTEN`/`NOTIFY`, limits counted in the database, background work leased.
    /// `local`: this node alone (a PostgreSQL database served by one node only).
    pub events: ClusterEvents,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig { events: ClusterEvents::Auto }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterEvents {
    Auto,
    Local,
    Postgres,
}

/// Limits on client connections (`[connections]`), so that slow or idle clients cannot hold the
/// server's connections and file descriptors. A duration of `0s` turns that timeout off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectionConfig {
    /// Time from the opening of a connection (TLS handshake included), or from the first byte of
    /// a later request on it, until the request's headers are complete. Default `10s`.
    pub header_timeout: String,
    /// Time from the end of a request's headers until its whole body has arrived. Default `30s`.
    pub body_timeout: String,
    /// Bytes a second that extend `body_timeout`: every byte received moves the body's deadline
    /// later by 1/`min_body_rate` s, so a large upload arriving at least this fast is not cut.
    /// Default `65536` (64 KiB/s); `0`: the deadline is fixed.
    pub min_body_rate: u32,
    /// How long a keep-alive connection may wait for its next request, and how long a response
    /// may wait for a client that does not read it. WebSockets are exempt. Default `60s`.
    pub idle_timeout: String,
    /// Most open connections (WebSockets included) from one client IP address; the next one is
    /// closed at once. Default `256`; `0`: no cap.
    pub max_per_address: u32,
    /// Reverse proxies (addresses or networks, `10.0.0.0/8`) whose `X-Forwarded-For` names the
    /// client: a request from one of them counts, for every per-address limit and the audit
    /// log, as coming from the last address in that header that is not a trusted proxy itself.
    /// Default empty: the TCP peer is the client.
    pub trusted_proxies: Vec<String>,
}

/// How long message bodies and media are kept (`[retention]`). A sweep every second applies it;
/// it reads the service clock, so moving the sandbox clock applies it too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// How long a message's body (text, caption, media, location, contacts…) is kept; after it
    /// the body becomes a tombstone (`"deleted": {"reason": "retention"}`) and its media are
    /// deleted, while the message's id, type, status, times and pricing stay. A duration like
    /// `90d`. Default unset: bodies are kept forever.
    pub message_bodies: Option<String>,
    /// How long media bytes are kept after they expire (inbound media 7 days, uploads 30 days,
    /// as Meta): the APIs refuse expired media at once, the bytes stay this long (for an
    /// operator's backups or a legal hold) before the sweep deletes them. Default `0s`.
    pub media_after_expiry: String,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig { message_bodies: None, media_after_expiry: "0s".into() }
    }
}

impl RetentionConfig {
    /// Body retention (`None`: forever) and the media grace, in milliseconds; an unreadable or
    /// zero body retention is an error naming the key.
    pub fn durations(&self) -> Result<(Option<i64>, i64), String> {
        let bodies = match self.message_bodies.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(v) => match parse_duration_ms(v) {
                Some(ms) if ms > 0 => Some(ms),
                _ => return Err(format!("retention.message_bodies: '{v}' is not a positive duration like 90d, 12h")),
            },
        };
        let media = parse_duration_ms(&self.media_after_expiry).ok_or_else(|| {
            format!("retention.media_after_expiry: '{}' is not a duration like 0s, 7d", self.media_after_expiry)
        })?;
        Ok((bodies, media))
    }
}

/// Media uploads and link fetches (`[media]`). Each streams to a temporary file (in
/// `<data_dir>/tmp` with SQLite, the system's temporary directory with PostgreSQL) and is
/// stored in chunks of 1 MiB, so one in flight holds a few MiB of memory whatever its size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    /// Most uploads (`POST /{phone-number-id}/media`, `POST /customer/v1/media`) and link
    /// fetches in flight at once, together. Default `8`; at least 1.
    pub max_in_flight: u32,
    /// How long one more waits for room before it is refused with Graph's throttling error
    /// (code 4, `Retry-After: 1`). Default `10s`; `0s`: refused at once.
    pub max_wait: String,
}

impl Default for MediaConfig {
    fn default() -> Self {
        MediaConfig { max_in_flight: 8, max_wait: "10s".into() }
    }
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        ConnectionConfig {
            header_timeout: "10s".into(),
            body_timeout: "30s".into(),
            min_body_rate: 65536,
            idle_timeout: "60s".into(),
            max_per_address: 256,
            trusted_proxies: Vec::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Sandbox,
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./risala-data"),
            database_url: None,
            sqlite_synchronous: "FULL".into(),
            demo_token: None,
            demo_owner_password: None,
            seed_demo: true,
            starting_rate_card: true,
            log_format: LogFormat::Text,
            log_level: "info".into(),
            auto_create_customers: true,
            template_review: TemplateReview::Auto,
            template_review_delay: "0s".into(),
            template_pauses: vec!["3h".into(), "6h".into()],
            template_pause_after_feedback: 3,
            throughput_mps: 80,
            pair_rate_limit: false,
            messaging_limit_tier: "TIER_250".into(),
            messaging_limit_upgrades: true,
            messaging_limit_upgrade_delay: "6h".into(),
            quality_yellow_per_1000: 20.0,
            quality_red_per_1000: 40.0,
            quality_restrict_per_1000: 80.0,
            quality_min_messages: 250,
            quality_report_weight: 2.0,
            public_url: None,
            stripe_api_base: "https://api.stripe.com".into(),
            admin_token: None,
            sign_in_code_file: None,
            key_file: None,
            encryption_keys: None,
            encrypt_at_rest: None,
            tls_cert: None,
            tls_key: None,
            connections: ConnectionConfig::default(),
            retention: RetentionConfig::default(),
            media: MediaConfig::default(),
            cluster: ClusterConfig::default(),
            webhooks: risala_delivery::DeliveryConfig::default(),
            badge: BadgeConfig::default(),
        }
    }
}

impl Config {
    /// The template settings for the template service; an unreadable duration is an error
    /// naming the key.
    pub fn template_config(&self) -> Result<TemplateConfig, String> {
        let dur = |key: &str, v: &str| {
            parse_duration_ms(v).ok_or_else(|| format!("{key}: '{v}' is not a duration like 0s, 90m, 3h"))
        };
        let pause_ms = self.template_pauses.iter().map(|p| dur("template_pauses", p)).collect::<Result<Vec<_>, _>>()?;
        if self.template_pause_after_feedback < 1 {
            return Err("template_pause_after_feedback: must be at least 1".into());
        }
        Ok(TemplateConfig {
            review: match self.template_review {
                TemplateReview::Auto => ReviewMode::Auto,
                TemplateReview::Manual => ReviewMode::Manual,
            },
            review_delay_ms: dur("template_review_delay", &self.template_review_delay)?,
            pause_ms,
            pause_after_feedback: self.template_pause_after_feedback,
        })
    }

    /// The messaging limit and quality settings; a bad value is an error naming the key.
    pub fn quality_config(&self) -> Result<QualityConfig, String> {
        let start_tier = Tier::parse(&self.messaging_limit_tier).ok_or_else(|| {
            format!(
                "messaging_limit_tier: '{}' is not one of TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED",
                self.messaging_limit_tier
            )
        })?;
        let delay = parse_duration_ms(&self.messaging_limit_upgrade_delay).ok_or_else(|| {
            format!("messaging_limit_upgrade_delay: '{}' is not a duration like 6h", self.messaging_limit_upgrade_delay)
        })?;
        let (y, r, x) = (self.quality_yellow_per_1000, self.quality_red_per_1000, self.quality_restrict_per_1000);
        if !(y > 0.0 && y <= r && r <= x) {
            return Err("quality thresholds: need 0 < quality_yellow_per_1000 <= quality_red_per_1000 <= quality_restrict_per_1000".into());
        }
        if self.quality_min_messages < 1 || self.quality_report_weight.is_nan() || self.quality_report_weight < 0.0 {
            return Err("quality_min_messages must be at least 1 and quality_report_weight not negative".into());
        }
        Ok(QualityConfig {
            start_tier,
            upgrades: self.messaging_limit_upgrades,
            upgrade_delay_ms: delay,
            rating: RatingConfig {
                yellow_per_1000: y,
                red_per_1000: r,
                restrict_per_1000: x,
                min_messages: self.quality_min_messages,
                report_weight: self.quality_report_weight,
            },
        })
    }

    /// The key file in use: `key_file`, or in sandbox mode `<data_dir>/risala.key`.
    pub fn key_path(&self) -> Option<PathBuf> {
        match (&self.key_file, self.mode) {
            (Some(p), _) if !p.as_os_str().is_empty() => Some(p.clone()),
            (_, Mode::Sandbox) => Some(self.data_dir.join("risala.key")),
            (_, Mode::Platform) => None,
        }
    }

    /// The connection limits for the listener; an unreadable duration, or only one of
    /// `tls_cert` and `tls_key`, is an error naming the key.
    pub fn listener_limits(&self) -> Result<crate::net::Limits, String> {
        let c = &self.connections;
        let dur = |key: &str, v: &str| match parse_duration_ms(v) {
            Some(0) => Ok(None),
            Some(ms) if ms > 0 => Ok(Some(std::time::Duration::from_millis(ms as u64))),
            _ => Err(format!("connections.{key}: '{v}' is not a duration like 10s, 1m (0s: off)")),
        };
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err("tls_cert and tls_key: set both (HTTPS) or neither (HTTP)".into());
        }
        Ok(crate::net::Limits {
            header_timeout: dur("header_timeout", &c.header_timeout)?,
            body_timeout: dur("body_timeout", &c.body_timeout)?,
            idle_timeout: dur("idle_timeout", &c.idle_timeout)?,
            min_body_rate: c.min_body_rate,
            max_per_address: c.max_per_address,
            trusted_proxies: c
                .trusted_proxies
                .iter()
                .map(|p| {
                    risala_delivery::guard::parse_network(p).map_err(|e| format!("connections.trusted_proxies: {e}"))
                })
                .collect::<Result<Vec<_>, _>>()?
                .into(),
        })
    }

    /// Where media are received and how many at once; an unreadable `max_wait` or a
    /// `max_in_flight` of 0 is an error naming the key.
    pub fn media_intake(&self) -> Result<crate::spool::MediaIntake, String> {
        let m = &self.media;
        let wait = parse_duration_ms(&m.max_wait)
            .filter(|ms| *ms >= 0)
            .ok_or_else(|| format!("media.max_wait: '{}' is not a duration like 10s, 1m", m.max_wait))?;
        if m.max_in_flight == 0 {
            return Err("media.max_in_flight: must be at least 1".into());
        }
        let dir = self.database_url.as_deref().is_none_or(str::is_empty).then(|| self.data_dir.join("tmp"));
        Ok(crate::spool::MediaIntake::new(dir, m.max_in_flight as usize, std::time::Duration::from_millis(wait as u64)))
    }

    /// Whether message bodies, outbox payloads and media are encrypted at rest:
    /// `encrypt_at_rest`, or by default on in platform mode only.
    pub fn encrypt_at_rest(&self) -> bool {
        self.encrypt_at_rest.unwrap_or(self.mode == Mode::Platform)
    }

    /// `https` when the listener serves TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls_cert.is_some() {
            "https"
        } else {
            "http"
        }
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("risala.db")
    }

    /// The web app's cookies are `Secure`: the server speaks HTTPS, or `public_url` is https
    /// (TLS ends at a proxy in front).
    pub fn secure_cookies(&self) -> bool {
        self.tls_cert.is_some() || self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }

    pub fn public_url(&self, bound: &str) -> String {
        match &self.public_url {
            Some(u) if !u.is_empty() => u.trim_end_matches('/').to_string(),
            _ => format!("{}://{bound}", self.scheme()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RetentionConfig;

    #[test]
    fn retention_durations() {
        let r = |bodies: Option<&str>, media: &str| {
            RetentionConfig { message_bodies: bodies.map(str::to_string), media_after_expiry: media.into() }.durations()
        };
        assert_eq!(RetentionConfig::default().durations(), Ok((None, 0)), "bodies forever, media at expiry");
        assert_eq!(r(Some("90d"), "1d"), Ok((Some(90 * 86_400_000), 86_400_000)));
        assert_eq!(r(Some(" "), "0s"), Ok((None, 0)), "blank: forever");
        for bad in ["0s", "soon", "-1d"] {
            let e = r(Some(bad), "0s").unwrap_err();
            assert!(e.contains("retention.message_bodies"), "{e}");
        }
        assert!(r(None, "later").unwrap_err().contains("retention.media_after_expiry"));
    }
}
