//! The messaging service: business sends, customer sends, delivery and read receipts, the
//! customer service window, media. Every accepted change commits together with its webhook
//! changes in the outbox.

mod commerce;
mod customer;
mod echo;
pub mod fleet;
mod media;
pub mod orders;
mod references;
mod send;
mod settings;
mod user_ids;

pub use send::went_stale;
pub use user_ids::{customer_number, normalize_username, USERNAME_LEN};

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;
use rand::RngCore;
use serde_json::{Map, Value};

use std::time::Duration;

use crate::cache::TtlCache;
use crate::clock::{Clock, Millis};
use crate::error::{ApiError, ErrorCode};
use crate::inbound::{self, InboundMessage, MediaInfo, StatusUpdate, WebhookContact, WebhookError};
use crate::limits::RateLimiter;
use crate::model::PhoneNumber;
use crate::model::*;
use crate::outbound::{self, MediaRef, OutboundMessage, SendRequest};
use crate::phone::WaId;
use crate::ports::*;
use crate::store::{MediaCopy, NewMessage, StatusChange, Store};

pub use commerce::CommerceSettings;

/// The customer service window: 24 hours from the customer's last message.
pub const SERVICE_WINDOW_MS: Millis = 24 * 3_600_000;
/// Uploaded media live 30 days; inbound media 7 days would do, we keep both 30.
pub const MEDIA_RETENTION_MS: Millis = 30 * 86_400_000;

/// (business, URL) → (media id, fetched at).
/// Media fetched by link, by (business, URL): its media id, its MIME type, when fetched.
type LinkCache = std::collections::HashMap<(String, String), (String, String, Millis)>;

/// Media fetched by link is reused for the same URL this long, as Meta caches it.
pub const LINK_CACHE_MS: Millis = 10 * 60_000;

#[derive(Clone)]
pub struct MessagingConfig {
    /// A message to an unknown number creates that customer (sandbox). Off: 131026.
    pub auto_create_customers: bool,
    pub media_retention_ms: Millis,
    /// Fetches `link` media; without one, links are handed to the customer as they are.
    pub fetcher: Option<Arc<dyn MediaFetcher>>,
    /// Signs the `url` of inbound media in webhooks; without one, webhooks carry no `url`.
    pub media_links: Option<Arc<dyn crate::ports::MediaLinks>>,
    /// Messages per second one business number may send (130429 above); 0: no limit. Meta's
    /// default is 80 ([`crate::limits::DEFAULT_THROUGHPUT_MPS`]); Risala's default is 0 so that
    /// load tests measure the server.
    pub throughput_mps: u32,
    /// Enforce the pair rate limit (131056). Default off.
    pub pair_rate_limit: bool,
    /// Messaging limits, quality rating and blocks ([`crate::quality`]).
    pub quality: crate::quality::QualityConfig,
    /// A fleet's shared buckets: throughput and pair rate are counted for every node together
    /// (besides this node's own buckets). `None`: this node alone.
    pub budget: Option<Arc<dyn SharedBudget>>,
    /// Template review and quality settings of the service that looks up the templates sends
    /// name ([`MessagingService::templates`]).
    pub templates: crate::templates::TemplateConfig,
    /// This process hears of every change other processes make to the store's rows (SQLite's
    /// watch on the file, a fleet's notifications: [`crate::ports::EventBus::hears_changes`]):
    /// customers, entry points, blocks and pricing models are then kept
    /// [`crate::cache::HEARD_TTL`] instead of a few seconds ([`CUSTOMERS_TTL`]).
    pub hears_changes: bool,
}

/// How long a process keeps customers (profiles, how each business sees them) when it would
/// not hear of another process's change to them.
pub const CUSTOMERS_TTL: Duration = Duration::from_secs(5);

impl Default for MessagingConfig {
    fn default() -> Self {
        MessagingConfig {
            auto_create_customers: true,
            media_retention_ms: MEDIA_RETENTION_MS,
            fetcher: None,
            media_links: None,
            throughput_mps: 0,
            pair_rate_limit: false,
            quality: crate::quality::QualityConfig::default(),
            budget: None,
            templates: crate::templates::TemplateConfig::default(),
            hears_changes: false,
        }
    }
}

#[derive(Clone)]
pub struct MessagingService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    notifier: Arc<dyn Notifier>,
    config: MessagingConfig,
    last_seq: Arc<AtomicI64>,
    link_cache: Arc<std::sync::Mutex<LinkCache>>,
    /// Hot lookups kept off the database: business numbers by id and by digits (5 s even where
    /// changes are heard: the quality service's rating and tier changes do not drop them), and the
    /// last inbound message time per (number, customer), which only ever moves forward, so a
    /// cached open window is never wrong; a miss reads the store.
    phones_by_id: Arc<TtlCache<String, Arc<PhoneNumber>>>,
    phones_by_number: Arc<TtlCache<String, Arc<PhoneNumber>>>,
    windows: Arc<TtlCache<(String, String), Millis>>,
    /// Customers by `wa_id` for their messages' webhooks ([`CUSTOMERS_TTL`], or
    /// [`crate::cache::HEARD_TTL`]); a rename through this process drops the entry at once
    /// ([`MessagingService::forget_customer`]), another process's when this one hears of it.
    customers: Arc<TtlCache<String, Customer>>,
    /// Customers as each business sees them (BSUID, username, hidden number) by (business,
    /// number), kept and dropped as `customers`. About four in five reads of a `send` with
    /// 1,000 customers were this lookup when it was kept 5 s.
    contacts: Arc<TtlCache<(String, String), Arc<crate::model::ContactRow>>>,
    throughput: Arc<RateLimiter<String>>,
    /// Entry points (ad arrivals) per (number, customer), mostly none: kept 5 s (or
    /// [`crate::cache::HEARD_TTL`]) so a send needs no extra read. This process's own changes drop the entry
    /// at once; another process's within the 5 s, or when this one hears of it.
    entry_points: Arc<TtlCache<(String, String), Option<EntryPoint>>>,
    /// Per number, whether any customer ever arrived through an ad (as `entry_points`, dropped as the
    /// entries above are): a number without ads reads no entry point per customer.
    entry_point_numbers: Arc<TtlCache<String, bool>>,
    pair_rate: Arc<RateLimiter<(String, String)>>,
    /// The fleet's throughput and pair rate buckets, on a fleet of nodes.
    fleet: Option<Arc<(fleet::FleetLimiter, fleet::FleetLimiter)>>,
    /// Blocks, the RED restriction and the messaging limit at send.
    quality: crate::quality::QualityService,
    /// The templates sends name, looked up and rendered; the process's one template service,
    /// so a template written on this node is seen by the next send at once.
    templates: crate::templates::TemplateService,
    /// Conversation-based pricing for WABAs that use it (pricing model cached per WABA).
    cbp: Arc<crate::pricing::cbp::CbpPricer>,
}

/// A new `wamid.…`: opaque to clients, like Meta's, but time-ordered (16 hex digits of
/// microseconds, then URL-safe base64 of random bytes), so new ids land at the end of the
/// index instead of on a random page: far fewer pages written per commit. Within a process
/// each id's time is past the last one's, so ids made one after the other sort in that order
/// (the customer web chat orders a second's messages by id).
pub fn new_wamid() -> String {
    static LAST: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut b = [0u8; 18];
    rand::thread_rng().fill_bytes(&mut b);
    let now = crate::clock::system_now_ms() as u64 * 1000 + (b[0] as u64 % 1000);
    let previous =
        LAST.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| Some(now.max(last + 1))).unwrap_or_default();
    wamid_of(now.max(previous + 1), &b)
}

/// `wamid.`, 16 hex digits of `micros`, then `random` in URL-safe base64, written straight
/// into one string (`format!` goes through the formatter part by part).
fn wamid_of(micros: u64, random: &[u8; 18]) -> String {
    let mut time = [0u8; 16];
    // Cannot fail: 8 bytes make 16 hex digits.
    let _ = hex::encode_to_slice(micros.to_be_bytes(), &mut time);
    let mut id = String::with_capacity(6 + 16 + 24);
    id.push_str("wamid.");
    id.extend(time.iter().map(|&d| char::from(d)));
    URL_SAFE.encode_string(random, &mut id);
    id
}

fn ordering_key(phone_number_id: &str, wa_id: &str) -> String {
    format!("{phone_number_id}:{wa_id}")
}

/// How a message is sent: the endpoint, whether a person sent it from the web app (it is
/// echoed to the business's webhook), and a failure a sandbox fault rule forces on it.
#[derive(Debug, Default, Clone)]
struct SendOptions {
    endpoint: Endpoint,
    echo: bool,
    forced: Option<ApiError>,
}

/// The endpoint a message was sent through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Endpoint {
    /// `POST /{phone-number-id}/messages`.
    #[default]
    Messages,
    /// `POST /{phone-number-id}/marketing_messages` (Marketing Messages Lite API).
    MarketingMessages,
}

/// The answer to a send request.
#[derive(Debug, Clone, PartialEq)]
pub enum SendOutcome {
    /// `{messaging_product, contacts, messages}`: `contacts[]` is `{input, wa_id}` for a send
    /// `to` a number, `{input, user_id}` for one to a `recipient` BSUID (`user_id` set).
    Accepted { input: String, wa_id: String, user_id: Option<String>, message_id: String },
    /// `{"success":true}` for mark-as-read / typing.
    Success,
}

/// Written straight to the response, keys in the order a `Value` would write them.
impl serde::Serialize for SendOutcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Contact<'a> {
            input: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            user_id: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            wa_id: Option<&'a str>,
        }
        #[derive(serde::Serialize)]
        struct Id<'a> {
            id: &'a str,
        }
        #[derive(serde::Serialize)]
        struct Accepted<'a> {
            contacts: [Contact<'a>; 1],
            messages: [Id<'a>; 1],
            messaging_product: &'static str,
        }
        #[derive(serde::Serialize)]
        struct Success {
            success: bool,
        }
        match self {
            SendOutcome::Accepted { input, wa_id, user_id, message_id } => Accepted {
                // `{input, user_id}` to a BSUID, `{input, wa_id}` to a number.
                contacts: [Contact {
                    input,
                    user_id: user_id.as_deref(),
                    wa_id: user_id.is_none().then_some(wa_id.as_str()),
                }],
                messages: [Id { id: message_id }],
                messaging_product: "whatsapp",
            }
            .serialize(s),
            SendOutcome::Success => Success { success: true }.serialize(s),
        }
    }
}

impl MessagingService {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        notifier: Arc<dyn Notifier>,
        config: MessagingConfig,
    ) -> Self {
        // Changes made here drop these at once; blocks and the number's restriction are the
        // quality service's, pricing models the CBP pricer's.
        let changing = crate::cache::kept(config.hears_changes, CUSTOMERS_TTL);
        MessagingService {
            cbp: Arc::new(crate::pricing::cbp::CbpPricer::new(store.clone(), changing)),
            quality: crate::quality::QualityService::new(store.clone(), clock.clone(), config.quality.clone())
                .keeping(changing),
            templates: crate::templates::TemplateService::new(store.clone(), clock.clone(), config.templates.clone()),
            store,
            clock,
            notifier,
            last_seq: Arc::new(AtomicI64::new(0)),
            link_cache: Arc::default(),
            phones_by_id: Arc::new(TtlCache::new(Duration::from_secs(5), 100_000)),
            phones_by_number: Arc::new(TtlCache::new(Duration::from_secs(5), 100_000)),
            windows: Arc::new(TtlCache::new(Duration::from_secs(3600), 1_000_000)),
            customers: Arc::new(TtlCache::new(changing, 100_000)),
            contacts: Arc::new(TtlCache::new(changing, 100_000)),
            throughput: Arc::new(RateLimiter::new(config.throughput_mps.max(1), config.throughput_mps.max(1) * 60)),
            pair_rate: Arc::new(RateLimiter::new(crate::limits::PAIR_BURST, crate::limits::PAIR_PER_MINUTE)),
            fleet: config.budget.clone().map(|b| {
                let mps = config.throughput_mps.max(1);
                Arc::new((
                    fleet::FleetLimiter::new(b.clone(), "throughput", mps, mps * 60, 60_000),
                    fleet::FleetLimiter::new(
                        b,
                        "pair",
                        crate::limits::PAIR_BURST,
                        crate::limits::PAIR_PER_MINUTE,
                        60_000,
                    ),
                ))
            }),
            entry_points: Arc::new(TtlCache::new(changing, 1_000_000)),
            entry_point_numbers: Arc::new(TtlCache::new(changing, 100_000)),
            config,
        }
    }

    pub fn now(&self) -> Millis {
        self.clock.now_ms()
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Messaging limits, quality and blocks: the same service (and caches) the send path uses.
    pub fn quality(&self) -> &crate::quality::QualityService {
        &self.quality
    }

    pub fn templates(&self) -> &crate::templates::TemplateService {
        &self.templates
    }

    /// The messages per second a business number may send: the configured throughput, or
    /// Meta's default (80) where none is enforced. Paced senders (broadcasts) keep to it.
    pub fn throughput_mps(&self) -> u32 {
        match self.config.throughput_mps {
            0 => crate::limits::DEFAULT_THROUGHPUT_MPS,
            n => n,
        }
    }

    /// Whether the number's throughput allows a message now, without taking it; when it does
    /// not, how many milliseconds until it does (a paced sender waits instead of meeting 130429).
    pub fn throughput_ready(&self, phone_number_id: &str) -> Result<(), Millis> {
        if self.config.throughput_mps == 0 {
            return Ok(());
        }
        self.throughput.check(&phone_number_id.to_string(), self.now())
    }

    /// A business number by id, cached for a few seconds. Shared, not copied: every send and
    /// every inbound message (and each tool that answers it) looks its number up, and a copy
    /// is 18 strings.
    pub async fn phone(&self, id: &str) -> Result<Option<Arc<PhoneNumber>>, ApiError> {
        let find = || async { Ok::<_, ApiError>(self.store.phone_number(id).await?.map(Arc::new)) };
        self.phones_by_id.get_or_find(id, find).await
    }

    /// A business number by its digits, cached for a few seconds (shared, as [`Self::phone`]).
    pub async fn phone_by_number(&self, number: &str) -> Result<Option<Arc<PhoneNumber>>, ApiError> {
        let find = || async { Ok::<_, ApiError>(self.store.phone_number_by_number(number).await?.map(Arc::new)) };
        self.phones_by_number.get_or_find(number, find).await
    }

    /// Drop every cached row (numbers, windows, customers, contacts, entry points, fetched
    /// links, quality standings, pricing models, templates): after the whole state was
    /// replaced (a state file import), what this process serves is read from the store again.
    pub fn forget_all(&self) {
        self.phones_by_id.clear();
        self.phones_by_number.clear();
        self.windows.clear();
        self.customers.clear();
        self.contacts.clear();
        self.entry_points.clear();
        self.entry_point_numbers.clear();
        if let Ok(mut links) = self.link_cache.lock() {
            links.clear();
        }
        self.quality.forget_all();
        self.cbp.forget_all();
        self.templates.forget_all();
    }

    /// Drop a number from the caches after its lifecycle changed (registration, name), so this
    /// process sees the change at once (other nodes within the caches' 5 s).
    pub fn forget_phone(&self, p: &PhoneNumber) {
        self.phones_by_id.remove(&p.id);
        self.phones_by_number.remove(&p.number);
    }

    /// A customer who is writing (their session is valid): from the cache, else the store.
    async fn known_customer(&self, wa_id: &str) -> Result<Customer, ApiError> {
        let store = &self.store;
        self.customers
            .get_or_find(wa_id, || store.customer(wa_id))
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::AccessDenied, "unknown customer"))
    }

    /// Drop a customer's cached profile after it changed.
    pub fn forget_customer(&self, wa_id: &str) {
        self.customers.remove(wa_id);
        // How businesses see them is cached by business too: rare enough to drop it all.
        self.contacts.clear();
    }

    /// When the customer last wrote to this number, if ever: from the cache when it shows an
    /// open window, else from the store.
    async fn last_inbound(&self, phone_number_id: &str, wa_id: &str, now: Millis) -> Result<Option<Millis>, ApiError> {
        let key = crate::cache::Pair(phone_number_id, wa_id);
        if let Some(t) = self.windows.get(&key) {
            if now - t < SERVICE_WINDOW_MS {
                return Ok(Some(t));
            }
        }
        let t = self.store.conversation(phone_number_id, wa_id).await?.and_then(|c| c.last_inbound_at);
        if let Some(t) = t {
            self.windows.insert(key.to_key(), t);
        }
        Ok(t)
    }

    /// Strictly increasing sequence numbers, close to wall-clock microseconds.
    fn next_seq(&self) -> i64 {
        let now_us = crate::clock::system_now_ms() * 1000;
        let mut last = self.last_seq.load(Ordering::Relaxed);
        loop {
            let next = now_us.max(last + 1);
            match self.last_seq.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return next,
                Err(actual) => last = actual,
            }
        }
    }

    pub(crate) fn outbox(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        field: &str,
        value: impl Into<ChangeValue>,
        now: Millis,
    ) -> OutboxRow {
        OutboxRow {
            business_id: phone.business_id.clone(),
            waba_id: phone.waba_id.clone(),
            phone_number_id: Some(phone.id.clone()),
            ordering_key: ordering_key(&phone.id, wa_id),
            field: field.to_string(),
            value: value.into(),
            created_at: now,
        }
    }

    /// Rows were queued in the outbox for a conversation: wake the delivery worker and tell
    /// the inbox.
    pub(crate) fn notify_outbox(&self, business_id: &str, phone_number_id: &str, wa_id: &str) {
        self.notifier.outbox_written();
        self.notifier.chat_changed(business_id, phone_number_id, wa_id);
    }

    fn status_row(
        &self,
        phone: &PhoneNumber,
        m: &Message,
        contact: &WebhookContact,
        status: MessageStatus,
        error: Option<&ApiError>,
        now: Millis,
    ) -> OutboxRow {
        self.status_row_priced(phone, m, contact, status, error, now, None)
    }

    /// A status webhook row; `pricing` goes on the `sent` status (Meta puts it on one of
    /// sent/delivered only).
    #[allow(clippy::too_many_arguments)]
    fn status_row_priced(
        &self,
        phone: &PhoneNumber,
        m: &Message,
        contact: &WebhookContact,
        status: MessageStatus,
        error: Option<&ApiError>,
        now: Millis,
        pricing: Option<&MessagePricing>,
    ) -> OutboxRow {
        let pricing = pricing.filter(|_| status == MessageStatus::Sent);
        let conversation = pricing.and_then(|p| p.conversation_json(&phone.id, &m.wa_id));
        let pricing = pricing.map(MessagePricing::status_pricing);
        let update = StatusUpdate {
            wamid: m.id.clone(),
            status: status.as_str().to_string(),
            timestamp_ms: now,
            biz_opaque_callback_data: m.biz_opaque.clone(),
            conversation,
            pricing,
            errors: error.map(|e| vec![WebhookError::from_api(e)]).unwrap_or_default(),
        };
        let value = inbound::status_change(&phone.id, &phone.number, contact, &update);
        self.outbox(phone, &m.wa_id, "messages", value, now)
    }
}

#[cfg(test)]
mod wamid_tests {
    use base64::{engine::general_purpose::URL_SAFE, Engine};

    #[test]
    fn an_id_is_its_time_in_hex_then_its_random_part() {
        let random: [u8; 18] = std::array::from_fn(|i| (i * 37 + 250) as u8);
        for micros in [0, 1, 0xabc, 1_796_620_233_000_123, u64::MAX] {
            let expected = format!("wamid.{micros:016x}{}", URL_SAFE.encode(random));
            assert_eq!(super::wamid_of(micros, &random), expected);
        }
    }

    #[test]
    fn ids_made_one_after_the_other_sort_in_that_order() {
        let ids: Vec<String> = (0..10_000).map(|_| super::new_wamid()).collect();
        for pair in ids.windows(2) {
            assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
            assert_eq!(pair[0].len(), pair[1].len());
        }
    }
}

#[cfg(test)]
mod outcome_tests {
    use super::SendOutcome;

    #[test]
    fn answers_are_written_as_the_cloud_api_writes_them() {
        let to_number = SendOutcome::Accepted {
            input: "+1 555 0100".into(),
            wa_id: "15550100".into(),
            user_id: None,
            message_id: "wamid.A".into(),
        };
        assert_eq!(
            serde_json::to_string(&to_number).unwrap(),
            r#"{"contacts":[{"input":"+1 555 0100","wa_id":"15550100"}],"messages":[{"id":"wamid.A"}],"messaging_product":"whatsapp"}"#
        );
        let to_user = SendOutcome::Accepted {
            input: "US.13491208655302741918".into(),
            wa_id: "15550100".into(),
            user_id: Some("US.13491208655302741918".into()),
            message_id: "wamid.B".into(),
        };
        assert_eq!(
            serde_json::to_string(&to_user).unwrap(),
            r#"{"contacts":[{"input":"US.13491208655302741918","user_id":"US.13491208655302741918"}],"messages":[{"id":"wamid.B"}],"messaging_product":"whatsapp"}"#
        );
        assert_eq!(serde_json::to_string(&SendOutcome::Success).unwrap(), r#"{"success":true}"#);
    }
}
