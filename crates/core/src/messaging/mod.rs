//! The messaging service: business sends, customer sends, delivery and read receipts, the
//! customer service window, media. Every accepted change commits together with its webhook
//! changes in the outbox.

mod commerce;
mod customer;
mod echo;
mod media;
mod references;
mod settings;
mod user_ids;

pub use user_ids::{normalize_username, USERNAME_LEN};

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;
use rand::RngCore;
use serde_json::{json, Map, Value};

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
type LinkCache = std::collections::HashMap<(String, String), (String, Millis)>;

/// Media fetched by link is reused for the same URL this long, as Meta caches it.
pub const LINK_CACHE_MS: Millis = 10 * 60_000;

#[derive(Clone)]
pub struct MessagingConfig {
    /// A message to an unknown number creates that customer (sandbox). Off: 131026.
    pub auto_create_customers: bool,
    pub media_retention_ms: Millis,
    /// Fetches `link` media; without one, links are handed to the customer as they are.
    pub fetcher: Option<Arc<dyn MediaFetcher>>,
    /// Messages per second one business number may send (130429 above); 0: no limit. Meta's
    /// default is 80 ([`crate::limits::DEFAULT_THROUGHPUT_MPS`]); Risala's default is 0 so that
    /// load tests measure the server.
    pub throughput_mps: u32,
    /// Enforce the pair rate limit (131056). Default off.
    pub pair_rate_limit: bool,
    /// Messaging limits, quality rating and blocks ([`crate::quality`]).
    pub quality: crate::quality::QualityConfig,
}

impl Default for MessagingConfig {
    fn default() -> Self {
        MessagingConfig {
            auto_create_customers: true,
            media_retention_ms: MEDIA_RETENTION_MS,
            fetcher: None,
            throughput_mps: 0,
            pair_rate_limit: false,
            quality: crate::quality::QualityConfig::default(),
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
    /// Hot lookups kept off the database: business numbers by id and by digits (5 s), and the
    /// last inbound message time per (number, customer), which only ever moves forward, so a
    /// cached open window is never wrong; a miss reads the store.
    phones_by_id: Arc<TtlCache<String, PhoneNumber>>,
    phones_by_number: Arc<TtlCache<String, PhoneNumber>>,
    windows: Arc<TtlCache<(String, String), Millis>>,
    /// Customers by `wa_id` (5 s) for their messages' webhooks; a rename through this process
    /// drops the entry at once ([`MessagingService::forget_customer`]).
    customers: Arc<TtlCache<String, Customer>>,
    /// Customers as each business sees them (BSUID, username, hidden number) by (business,
    /// number), 5 s; dropped at once when this process changes one.
    contacts: Arc<TtlCache<(String, String), crate::model::ContactRow>>,
    throughput: Arc<RateLimiter<String>>,
    /// Entry points (ad arrivals) per (number, customer), mostly none: kept 5 s so a send
    /// needs no extra read. This process's own changes drop the entry at once; another node's
    /// show within the 5 s.
    entry_points: Arc<TtlCache<(String, String), Option<EntryPoint>>>,
    pair_rate: Arc<RateLimiter<(String, String)>>,
    /// Blocks, the RED restriction and the messaging limit at send.
    quality: crate::quality::QualityService,
    /// Conversation-based pricing for WABAs that use it (pricing model cached per WABA).
    cbp: Arc<crate::pricing::cbp::CbpPricer>,
}

/// A new `wamid.…`: opaque to clients, like Meta's, but time-ordered (16 hex digits of
/// microseconds, then URL-safe base64 of random bytes), so new ids land at the end of the
/// index instead of on a random page: far fewer pages written per commit.
pub fn new_wamid() -> String {
    let mut b = [0u8; 18];
    rand::thread_rng().fill_bytes(&mut b);
    let micros = crate::clock::system_now_ms() as u64 * 1000 + (b[0] as u64 % 1000);
    format!("wamid.{micros:016x}{}", URL_SAFE.encode(b))
}

fn ordering_key(phone_number_id: &str, wa_id: &str) -> String {
    format!("{phone_number_id}:{wa_id}")
}

/// How a message is sent: the endpoint, whether a person sent it from the web app (it is
/// echoed to the business's webhook), and a failure a sandbox fault rule forces on it.
#[derive(Debug, Default)]
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

impl SendOutcome {
    pub fn to_json(&self) -> Value {
        match self {
            SendOutcome::Accepted { input, wa_id, user_id, message_id } => {
                let contact = match user_id {
                    Some(u) => json!({"input": input, "user_id": u}),
                    None => json!({"input": input, "wa_id": wa_id}),
                };
                json!({
                    "messaging_product": "whatsapp",
                    "contacts": [contact],
                    "messages": [{"id": message_id}],
                })
            }
            SendOutcome::Success => json!({"success": true}),
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
        MessagingService {
            cbp: Arc::new(crate::pricing::cbp::CbpPricer::new(store.clone())),
            quality: crate::quality::QualityService::new(store.clone(), clock.clone(), config.quality.clone()),
            store,
            clock,
            notifier,
            last_seq: Arc::new(AtomicI64::new(0)),
            link_cache: Arc::default(),
            phones_by_id: Arc::new(TtlCache::new(Duration::from_secs(5), 100_000)),
            phones_by_number: Arc::new(TtlCache::new(Duration::from_secs(5), 100_000)),
            windows: Arc::new(TtlCache::new(Duration::from_secs(3600), 1_000_000)),
            customers: Arc::new(TtlCache::new(Duration::from_secs(5), 100_000)),
            contacts: Arc::new(TtlCache::new(Duration::from_secs(5), 100_000)),
            throughput: Arc::new(RateLimiter::new(config.throughput_mps.max(1), config.throughput_mps.max(1) * 60)),
            pair_rate: Arc::new(RateLimiter::new(crate::limits::PAIR_BURST, crate::limits::PAIR_PER_MINUTE)),
            entry_points: Arc::new(TtlCache::new(Duration::from_secs(5), 1_000_000)),
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

    /// A business number by id, cached for a few seconds.
    pub async fn phone(&self, id: &str) -> Result<Option<PhoneNumber>, ApiError> {
        if let Some(p) = self.phones_by_id.get(&id.to_string()) {
            return Ok(Some(p));
        }
        let p = self.store.phone_number(id).await?;
        if let Some(p) = &p {
            self.phones_by_id.insert(id.to_string(), p.clone());
        }
        Ok(p)
    }

    /// A business number by its digits, cached for a few seconds.
    pub async fn phone_by_number(&self, number: &str) -> Result<Option<PhoneNumber>, ApiError> {
        if let Some(p) = self.phones_by_number.get(&number.to_string()) {
            return Ok(Some(p));
        }
        let p = self.store.phone_number_by_number(number).await?;
        if let Some(p) = &p {
            self.phones_by_number.insert(number.to_string(), p.clone());
        }
        Ok(p)
    }

    /// Drop a number from the caches after its lifecycle changed (registration, name), so this
    /// process sees the change at once (other nodes within the caches' 5 s).
    pub fn forget_phone(&self, p: &PhoneNumber) {
        self.phones_by_id.remove(&p.id);
        self.phones_by_number.remove(&p.number);
    }

    /// A customer who is writing (their session is valid): from the cache, else the store.
    async fn known_customer(&self, wa_id: &str) -> Result<Customer, ApiError> {
        if let Some(c) = self.customers.get(&wa_id.to_string()) {
            return Ok(c);
        }
        let c = self
            .store
            .customer(wa_id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::AccessDenied, "unknown customer"))?;
        self.customers.insert(wa_id.to_string(), c.clone());
        Ok(c)
    }

    /// Drop a customer's cached profile after it changed.
    pub fn forget_customer(&self, wa_id: &str) {
        self.customers.remove(&wa_id.to_string());
        // How businesses see them is cached by business too: rare enough to drop it all.
        self.contacts.clear();
    }

    /// When the customer last wrote to this number, if ever: from the cache when it shows an
    /// open window, else from the store.
    async fn last_inbound(&self, phone_number_id: &str, wa_id: &str, now: Millis) -> Result<Option<Millis>, ApiError> {
        let key = (phone_number_id.to_string(), wa_id.to_string());
        if let Some(t) = self.windows.get(&key) {
            if now - t < SERVICE_WINDOW_MS {
                return Ok(Some(t));
            }
        }
        let t = self.store.conversation(phone_number_id, wa_id).await?.and_then(|c| c.last_inbound_at);
        if let Some(t) = t {
            self.windows.insert(key, t);
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

    pub(super) fn outbox(&self, phone: &PhoneNumber, wa_id: &str, field: &str, value: Value, now: Millis) -> OutboxRow {
        OutboxRow {
            business_id: phone.business_id.clone(),
            waba_id: phone.waba_id.clone(),
            phone_number_id: Some(phone.id.clone()),
            ordering_key: ordering_key(&phone.id, wa_id),
            field: field.to_string(),
            value,
            created_at: now,
        }
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
        let pricing = pricing.map(MessagePricing::to_json);
        let update = StatusUpdate {
            wamid: m.id.clone(),
            status: status.as_str().to_string(),
            timestamp_ms: now,
            biz_opaque_callback_data: m.biz_opaque.clone(),
            conversation,
            pricing,
            errors: error.map(|e| vec![WebhookError::from_api(e)]).unwrap_or_default(),
        };
        let value =
            inbound::statuses_value(&phone.id, &phone.number, contact, vec![inbound::status_json(&update, contact)]);
        self.outbox(phone, &m.wa_id, "messages", value, now)
    }

    /// `POST /{phone-number-id}/messages`.
    pub async fn send(&self, phone: &PhoneNumber, body: &Map<String, Value>) -> Result<SendOutcome, ApiError> {
        self.send_via(phone, body, SendOptions::default()).await
    }

    /// A send whose message, once accepted, fails with `failure` (a sandbox fault rule's
    /// `status_error`): answered 200 with its id, then a `failed` status webhook carrying the
    /// error, as Meta reports 131026 and the like. A mark-as-read request is unaffected.
    pub async fn send_failing(
        &self,
        phone: &PhoneNumber,
        body: &Map<String, Value>,
        failure: Option<ApiError>,
    ) -> Result<SendOutcome, ApiError> {
        self.send_via(phone, body, SendOptions { forced: failure, ..Default::default() }).await
    }

    /// `POST /{phone-number-id}/marketing_messages` (the Marketing Messages Lite API): the
    /// body of `/messages`, but only a MARKETING template is accepted. Anything that is not a
    /// template is `100` ("Message must be a template message."), as Meta answers; a template
    /// of another category is `131055`. The message is priced `marketing_lite`.
    pub async fn send_marketing(
        &self,
        phone: &PhoneNumber,
        body: &Map<String, Value>,
    ) -> Result<SendOutcome, ApiError> {
        let ty = body.get("type").and_then(Value::as_str);
        if body.contains_key("status") || ty != Some("template") {
            return Err(ApiError::invalid("Message must be a template message."));
        }
        self.send_via(phone, body, SendOptions { endpoint: Endpoint::MarketingMessages, ..Default::default() }).await
    }

    async fn send_via(
        &self,
        phone: &PhoneNumber,
        body: &Map<String, Value>,
        opts: SendOptions,
    ) -> Result<SendOutcome, ApiError> {
        // Meta answers 133010 to any send from a number that is not registered.
        if !phone.registered {
            return Err(ApiError::new(
                ErrorCode::NotRegistered,
                format!(
                    "+{} is not registered: register it (POST /{}/register) before sending.",
                    phone.number, phone.id
                ),
            ));
        }
        let cc = WaId::from_trusted(phone.number.clone()).calling_code();
        // `recipient` (a business-scoped user id) addresses the customer when there is no `to`;
        // with both, `to` wins, as Meta documents.
        let mut by_user_id = None;
        let mut addressed;
        let mut body = body;
        if let Some(user_id) = outbound::recipient_only(body)? {
            let wa_id = self.resolve_recipient(phone, &user_id).await?;
            addressed = body.clone();
            addressed.insert("to".into(), Value::String(wa_id));
            body = &addressed;
            by_user_id = Some(user_id);
        }
        match outbound::parse_send(body, &cc)? {
            SendRequest::MarkRead { message_id, typing_indicator } => {
                self.mark_read(phone, &message_id, typing_indicator).await?;
                Ok(SendOutcome::Success)
            }
            SendRequest::Message(msg) => {
                let now = self.now();
                if self.config.throughput_mps > 0 && !self.throughput.take(&phone.id, now) {
                    return Err(ApiError::new(
                        ErrorCode::RateLimitHit,
                        format!(
                            "Message throughput of {} messages per second for this phone number was exceeded.",
                            self.config.throughput_mps
                        ),
                    ));
                }
                if self.config.pair_rate_limit
                    && !self.pair_rate.take(&(phone.id.clone(), msg.to.as_str().to_string()), now)
                {
                    return Err(ApiError::new(
                        ErrorCode::PairRateLimit,
                        "Too many messages sent to this customer in a short time; wait and try again.",
                    ));
                }
                self.send_message(phone, msg, opts, by_user_id).await
            }
        }
    }

    async fn mark_read(&self, phone: &PhoneNumber, message_id: &str, typing: bool) -> Result<(), ApiError> {
        let m = self.store.message(message_id).await?;
        let m = match m {
            Some(m) if m.phone_number_id == phone.id => m,
            _ => {
                return Err(ApiError::bad_value(format!(
                    "message_id: no message {message_id} was received by this number"
                )))
            }
        };
        if m.direction != Direction::Inbound {
            return Err(ApiError::bad_value(
                "message_id: only messages received from a customer can be marked as read",
            ));
        }
        let now = self.now();
        let change = StatusChange {
            message_id: m.id.clone(),
            from: &[MessageStatus::Received],
            to: MessageStatus::Read,
            error: None,
            at: now,
        };
        if self.store.change_status(&change, &[]).await? {
            self.notifier.chat_changed(&m.business_id, &m.phone_number_id, &m.wa_id);
            self.notifier
                .customer_event(&m.wa_id, CustomerEvent::Read { message_id: m.id.clone(), from: phone.number.clone() });
        }
        if typing {
            self.notifier.customer_event(
                &m.wa_id,
                CustomerEvent::Typing { from: phone.number.clone(), phone_number_id: phone.id.clone() },
            );
        }
        Ok(())
    }

    /// Send `msg` as `opts` says; `by_user_id` is the `recipient` BSUID it was addressed to, if it was.
    async fn send_message(
        &self,
        phone: &PhoneNumber,
        msg: OutboundMessage,
        opts: SendOptions,
        by_user_id: Option<String>,
    ) -> Result<SendOutcome, ApiError> {
        let SendOptions { endpoint, echo, forced } = opts;
        let wa_id = msg.to.as_str().to_string();
        if wa_id == phone.number {
            return Err(ApiError::new(
                ErrorCode::RecipientIsSender,
                "to: the recipient is this business phone number.",
            ));
        }
        self.check_references(phone, &wa_id, &msg).await?;
        let now = self.now();
        let mut content = msg.content.clone();
        let mut media_copy = None;
        // A template is looked up, checked and rendered: the customer receives the rendering.
        let mut template_id = None;
        let mut template_category = None;
        // Meta's default time-to-live of a message; a template's own TTL replaces it.
        let mut ttl_ms = crate::model::THIRTY_DAYS_MS;
        if msg.kind == outbound::MessageKind::Template {
            let templates = crate::templates::TemplateService::new(
                self.store.clone(),
                self.clock.clone(),
                crate::templates::TemplateConfig::default(),
            );
            let prepared = templates.prepare_send(phone, &wa_id, &msg.content).await?;
            content = prepared.content;
            template_category = content["category"].as_str().map(str::to_string);
            media_copy = prepared.media_copy;
            ttl_ms = prepared.ttl_ms;
            template_id = Some(prepared.template_id);
            // One-tap, zero-tap and copy-code authentication templates still need a number.
            if by_user_id.is_some()
                && template_category.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("authentication"))
            {
                return Err(ApiError::new(
                    ErrorCode::UserIdRecipientUnsupported,
                    "recipient: authentication templates can only be sent to a phone number (to), not to a business-scoped user ID.",
                ));
            }
        }
        let marketing = template_category.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("marketing"));
        if endpoint == Endpoint::MarketingMessages && !marketing {
            return Err(ApiError::new(
                ErrorCode::MethodNotAllowed,
                format!(
                    "Only MARKETING templates can be sent with the Marketing Messages Lite API; template {} is {}: send it with /messages.",
                    msg.content["name"].as_str().unwrap_or_default(),
                    template_category.as_deref().unwrap_or("not a template"),
                ),
            ));
        }
        let mut failure: Option<ApiError> = forced;
        // A customer who stopped marketing messages does not get them: a failed status, not charged.
        if failure.is_none() && marketing && self.store.marketing_stopped(&phone.business_id, &wa_id).await? {
            failure = Some(ApiError::new(
                ErrorCode::MarketingStopped,
                "Unable to deliver the marketing message: the user has stopped marketing messages from this business.",
            ));
        }
        let media_ref = match msg.media_ref() {
            Some(MediaRef::Link(url)) => match self.fetch_link(phone, msg.kind.as_str(), &url).await? {
                Ok(Some(id)) => Some(MediaRef::Id(id)),
                Ok(None) => None,
                Err(e) => {
                    failure = Some(e);
                    None
                }
            },
            other => other,
        };
        if let Some(MediaRef::Id(media_id)) = media_ref {
            let media = self.store.media(&media_id).await?;
            let media = match media {
                Some(m) if m.business_id == phone.business_id && m.owner_wa_id.is_none() && m.expires_at > now => m,
                _ => {
                    return Err(ApiError::bad_value(format!(
                        "{}.id: no media with id {media_id} was uploaded by this business",
                        msg.kind.as_str()
                    )))
                }
            };
            let kind = inbound::InboundKind::parse(msg.kind.as_str());
            if let Some(k) = kind {
                if !k.accepts_mime(&media.mime_type) {
                    return Err(ApiError::new(
                        ErrorCode::MediaUploadError,
                        format!(
                            "{}.id: media of type {} cannot be sent as {}",
                            msg.kind.as_str(),
                            media.mime_type,
                            msg.kind.as_str()
                        ),
                    ));
                }
            }
            // The customer gets their own copy, under a new id they may download.
            let copy_id = crate::ids::new_object_id();
            if let Some(obj) = content.as_object_mut() {
                obj.insert("id".into(), Value::String(copy_id.clone()));
                obj.insert("mime_type".into(), Value::String(media.mime_type.clone()));
                obj.insert("sha256".into(), Value::String(media.sha256.clone()));
                if msg.kind == outbound::MessageKind::Document && !obj.contains_key("filename") {
                    if let Some(f) = &media.filename {
                        obj.insert("filename".into(), Value::String(f.clone()));
                    }
                }
            }
            media_copy = Some(MediaCopy {
                new_id: copy_id,
                source_id: media.id,
                business_id: phone.business_id.clone(),
                owner_wa_id: Some(wa_id.clone()),
                phone_number_id: None,
                created_at: now,
                expires_at: now + self.config.media_retention_ms,
            });
        }

        let last_inbound = if failure.is_none() { self.last_inbound(&phone.id, &wa_id, now).await? } else { None };
        // The customer as this business sees them (cached): `None` for no customer.
        let contact = self.recipient_contact(phone, &wa_id, by_user_id.is_none(), now).await?;
        let customer_known = contact.is_some();
        let mut new_customer = None;
        if failure.is_none() && !customer_known {
            if self.moved_to(&wa_id).await?.is_some() {
                // Meta: the old number of a user who changed number is no longer theirs.
                failure = Some(ApiError::new(
                    ErrorCode::Undeliverable,
                    format!("to: the WhatsApp user of {wa_id} changed their number; messages to it are not delivered."),
                ));
            } else if self.config.auto_create_customers {
                new_customer =
                    Some(Customer { wa_id: wa_id.clone(), profile_name: format!("+{wa_id}"), created_at: now });
            } else {
                failure = Some(ApiError::new(
                    ErrorCode::Undeliverable,
                    format!("to: {wa_id} is not a customer of this platform."),
                ));
            }
        }
        if failure.is_none() {
            let open = last_inbound.is_some_and(|t| now - t < SERVICE_WINDOW_MS);
            // Templates are how a business reaches a customer outside the window.
            if !open && template_id.is_none() {
                failure = Some(ApiError::new(
                    ErrorCode::ReEngagement,
                    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
                ));
            }
        }
        let mut reach = None;
        if failure.is_none() {
            // Blocks, the RED restriction and the messaging limit (business-initiated: a
            // template outside the window).
            let open = last_inbound.is_some_and(|t| now - t < SERVICE_WINDOW_MS);
            let check = self.quality.check_send(phone, &wa_id, template_id.is_some() && !open, now).await?;
            (failure, reach) = (check.failure, check.reach);
        }
        let status = if failure.is_some() { MessageStatus::Failed } else { MessageStatus::Sent };
        let message = Message {
            id: new_wamid(),
            seq: self.next_seq(),
            phone_number_id: phone.id.clone(),
            business_id: phone.business_id.clone(),
            wa_id: wa_id.clone(),
            direction: Direction::Outbound,
            kind: msg.kind.as_str().to_string(),
            content,
            context_id: msg.context_message_id.clone(),
            biz_opaque: msg.biz_opaque_callback_data.clone(),
            status,
            error: failure.as_ref().map(|e| WebhookError::from_api(e).to_json()),
            created_at: now,
            updated_at: now,
            expires_at: Some(now + ttl_ms),
        };
        let pricing = match failure {
            None => Some(self.price(phone, &wa_id, template_category.as_deref(), endpoint, last_inbound, now).await?),
            Some(_) => None,
        };
        let contact = match contact {
            Some(c) => c,
            None => self.webhook_contact(&phone.business_id, &wa_id).await?,
        };
        let status_row =
            self.status_row_priced(phone, &message, &contact, status, failure.as_ref(), now, pricing.as_ref());
        // The echo goes first, so the business knows the message its status is about.
        let outbox = match echo {
            true => vec![self.echo_row(phone, &message, &msg, now), status_row],
            false => vec![status_row],
        };
        let media_copy = if failure.is_none() { media_copy } else { None };
        let new = NewMessage {
            message: &message,
            new_customer: new_customer.as_ref(),
            outbox: &outbox,
            media_copy,
            pricing: pricing.as_ref(),
            reach: reach.as_ref(),
        };
        match &template_id {
            Some(t) => self.store.record_template_message(&new, t).await?,
            None => self.store.record_message(&new).await?,
        }
        if pricing.as_ref().is_some_and(|p| p.entry_point.is_some_and(|w| w.opens)) {
            self.entry_points.remove(&(phone.id.clone(), wa_id.clone()));
        }
        self.notifier.outbox_written();
        self.notifier.chat_changed(&message.business_id, &message.phone_number_id, &wa_id);
        if failure.is_none() {
            self.notifier.customer_event(&wa_id, CustomerEvent::Message(Box::new(message.clone())));
        }
        let input = by_user_id.clone().unwrap_or(msg.to_input);
        Ok(SendOutcome::Accepted { input, wa_id, user_id: by_user_id, message_id: message.id })
    }

    /// The PMP decision for a message about to be sent: category × recipient country, free
    /// inside the windows the rules name, the rate from the card in effect now.
    async fn price(
        &self,
        phone: &PhoneNumber,
        wa_id: &str,
        template_category: Option<&str>,
        endpoint: Endpoint,
        last_inbound: Option<Millis>,
        now: Millis,
    ) -> Result<MessagePricing, ApiError> {
        let country = WaId::from_trusted(wa_id.to_string()).country().unwrap_or_else(|| "ZZ".to_string());
        // Inside a free entry point window (or the answer that opens one) everything is free.
        let key = (phone.id.clone(), wa_id.to_string());
        let entry = match self.entry_points.get(&key) {
            Some(e) => e,
            None => {
                let e = self.store.entry_point(&phone.id, wa_id).await?;
                self.entry_points.insert(key, e);
                e
            }
        };
        let entry_point = entry.and_then(|e| e.window_at(now));
        let windows = Windows {
            service: last_inbound.is_some_and(|t| now - t < SERVICE_WINDOW_MS),
            entry_point: entry_point.is_some(),
        };
        // Authentication to a country other than the business's own is priced at the
        // authentication-international rate where the card has one for that country.
        let foreign_auth = template_category.is_some_and(|c| c.eq_ignore_ascii_case("authentication"))
            && WaId::from_trusted(phone.number.clone()).country().as_deref() != Some(country.as_str());
        let international =
            foreign_auth && self.store.rate(&country, Category::AuthenticationInternational, now).await?.is_some();
        let (mut category, kind) = crate::pricing::classify(template_category, windows, international);
        if endpoint == Endpoint::MarketingMessages && category == Category::Marketing {
            category = Category::MarketingLite;
        }
        let tier = crate::model::BASE_TIER.to_string();
        let mut pricing = MessagePricing { category, kind, country, amount_micros: 0, entry_point, tier, cbp: None };
        if pricing.billable() {
            pricing.amount_micros =
                crate::pricing::category_rate(&*self.store, &pricing.country, category, now).await?.unwrap_or(0);
            // Monthly volume tiers (utility, authentication): the price of the business's n-th
            // charged message of the month in this category and country.
            if matches!(category, Category::Utility | Category::Authentication | Category::AuthenticationInternational)
            {
                let tiers = self.store.rate_tiers(&pricing.country, category, now).await?;
                if !tiers.is_empty() {
                    let (month_start, _) = crate::pricing::dates::month_bounds(now);
                    let n =
                        self.store.month_volume(&phone.business_id, category, &pricing.country, month_start).await? + 1;
                    let (micros, tier) = crate::pricing::volume_tier(&tiers, n);
                    pricing.amount_micros = micros.unwrap_or(pricing.amount_micros);
                    pricing.tier = tier;
                }
            }
        }
        self.cbp.apply(phone, wa_id, &mut pricing, now).await?;
        Ok(pricing)
    }
}
