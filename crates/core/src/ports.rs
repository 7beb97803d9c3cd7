//! What services need from the world outside storage, implemented by the server: telling
//! connected devices about events, fetching media by link, waking the webhook worker.

use crate::model::CustomerEvent;

/// Tells connected customer devices about events. The server implements it over WebSockets.
pub trait Notifier: Send + Sync + 'static {
    fn customer_event(&self, wa_id: &str, event: CustomerEvent);
    /// Webhook changes were committed to the outbox: the delivery worker may start at once.
    fn outbox_written(&self) {}
    /// A conversation of `business_id` changed (a message was written, a status moved): the
    /// team inbox's open pages are told.
    fn chat_changed(&self, _business_id: &str, _phone_number_id: &str, _wa_id: &str) {}
}

/// A notifier that tells nobody (CLI tools, tests of services).
pub struct NoNotifier;

impl Notifier for NoNotifier {
    fn customer_event(&self, _: &str, _: CustomerEvent) {}
}

/// Media received whole before it is stored: a temporary file the server wrote while it
/// arrived, with its size and SHA-256 computed on the way and its first bytes kept for
/// [`crate::sniff`]. Read back chunk by chunk, so no path holds a whole file in memory.
#[async_trait::async_trait]
pub trait MediaBody: Send {
    /// The MIME type the file was declared (or served) with, lowercase, without parameters.
    fn mime_type(&self) -> &str;
    fn size(&self) -> u64;
    fn sha256(&self) -> [u8; 32];
    /// The first bytes of the file (up to [`crate::sniff::HEAD_LEN`]).
    fn head(&self) -> &[u8];
    /// The next at most `max` bytes, in order from the start; empty at the end.
    async fn next_chunk(&mut self, max: usize) -> std::io::Result<Vec<u8>>;
}

/// Why link media could not be fetched.
#[derive(Debug)]
pub enum FetchError {
    /// The link failed (unreachable, an error status, too large, …): the message fails with
    /// 131053 and this reason, as on Meta's platform.
    Failed(String),
    /// The request itself is refused with this error: too many uploads and fetches in flight
    /// (throttling, worth a retry), or the server could not receive the file.
    Refused(crate::error::ApiError),
}

/// Fetches media a business sends by `link`. The server implements it over HTTP with the
/// address guard; a failure becomes a `failed` status with 131053, as on Meta's platform.
#[async_trait::async_trait]
pub trait MediaFetcher: Send + Sync + 'static {
    /// The file, received whole, with its MIME type from the link's `Content-Type`.
    async fn fetch(&self, url: &str) -> Result<Box<dyn MediaBody>, FetchError>;
}

/// Download links of stored media, as a business's webhooks carry them (inbound media's `url`,
/// which Meta includes since November 2025). The server signs them; fetching one still takes
/// the business's token, as `GET /{media-id}`'s `url` does.
pub trait MediaLinks: Send + Sync {
    /// The download URL of media `media_id`, valid until `until` (ms, on the service's clock).
    fn download_url(&self, media_id: &str, until: crate::clock::Millis) -> String;
}

/// Wakes the delivery worker after a commit that queued webhook changes, so it does not wait
/// for its fallback poll. Producers that hold one call [`WebhookWaker::wake`] after `write`.
pub trait WebhookWaker: Send + Sync {
    fn wake(&self);
}

/// The webhook delivery engine, as the webhook service drives it: checks callbacks before they
/// are saved and learns of changes at once. The delivery crate implements it.
#[async_trait::async_trait]
pub trait WebhookControl: WebhookWaker {
    /// Check a callback URL against the address policy and run Meta's verification GET
    /// (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`); an error says why it failed.
    async fn verify_callback(&self, url: &str, verify_token: &str) -> Result<(), crate::error::ApiError>;
    /// Subscriptions or overrides changed: where events go must be looked up again.
    fn targets_changed(&self);
    /// An endpoint was paused or resumed through this process.
    fn endpoint_paused(&self, url: &str, paused: bool);
}

/// Sends a customer a one-time sign-in code. Pluggable: the server writes it to the log in
/// sandbox mode and to a file only the operator reads in platform mode.
pub trait CodeSender: Send + Sync {
    /// Hand `code` on for `wa_id`; an error when it could not be (the client is told so).
    fn send(&self, wa_id: &str, code: &str) -> Result<(), String>;
    /// Hand on the code that proves a business owns `number` (`POST /{phone-number-id}/request_code`):
    /// the operator reads it where sign-in codes go and passes it to the business.
    fn send_number_code(&self, number: &str, method: &str, code: &str) -> Result<(), String>;
    /// Remove what was kept of `wa_id`'s codes (customer erasure); returns how many records
    /// went. A sender that keeps nothing it can rewrite answers 0.
    fn forget(&self, wa_id: &str) -> Result<u64, String>;
}

/// Hands a person of a business a one-time link (a password reset, an invitation) by email.
/// Pluggable like [`CodeSender`]: the server writes it to the log in sandbox mode and to the
/// operator's file in platform mode.
pub trait LinkSender: Send + Sync {
    /// Hand `link` on to `email`; `purpose` says what it is for (`password reset`, `invitation`).
    fn send_link(&self, email: &str, purpose: &str, link: &str) -> Result<(), String>;
}

/// Calls a flow's data endpoint as WhatsApp does: the request encrypted for the business's
/// public key (an AES-128-GCM key wrapped with RSA-OAEP-SHA256), the answer decrypted with the
/// same key and the bit-flipped IV. The server implements it over HTTP.
#[async_trait::async_trait]
pub trait FlowEndpoint: Send + Sync + 'static {
    /// Send `payload` to `url`; the decrypted answer, or why there is none.
    async fn exchange(
        &self,
        url: &str,
        public_key_pem: &str,
        payload: &serde_json::Value,
    ) -> Result<serde_json::Value, String>;
    /// Whether `pem` is an RSA public key requests can be encrypted for.
    fn check_key(&self, pem: &str) -> Result<(), String>;
}

/// A request a bot's `http` step makes to the business's endpoint: signed by the caller
/// (`X-Hub-Signature-256`), sent as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct BotRequest {
    /// `GET` or `POST`.
    pub method: &'static str,
    pub url: String,
    /// The exact bytes sent (empty for `GET`).
    pub body: Vec<u8>,
    /// The `X-Hub-Signature-256` value, when the number has an app to sign with.
    pub signature: Option<String>,
    pub timeout_ms: u64,
}

/// Makes the requests of bots' `http` steps. The server implements it over one shared HTTP
/// client with the address guard (outside sandbox mode only public addresses).
#[async_trait::async_trait]
pub trait BotCaller: Send + Sync + 'static {
    /// The answer's status and body (at most [`BOT_ANSWER_MAX`] bytes), or why there is none
    /// (refused address, unreachable, timed out, too large).
    async fn call(&self, req: BotRequest) -> Result<(u16, Vec<u8>), String>;
}

/// The largest answer a bot's `http` step reads.
pub const BOT_ANSWER_MAX: usize = 64 * 1024;
/// What one node of a fleet tells the others (several `risala` servers on one PostgreSQL).
/// Small on purpose — ids and kinds, never message bodies: a PostgreSQL notification carries
/// at most 8000 bytes, and the receiving node reads the details from the store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum ClusterEvent {
    /// A business message for `wa_id` was stored: a node with one of the customer's devices
    /// reads it and pushes it.
    Message { wa_id: String, id: String },
    /// The business is typing to `wa_id`.
    Typing { wa_id: String, from: String, phone_number_id: String },
    /// The business read the customer's message.
    Read { wa_id: String, message_id: String, from: String },
    /// Something the team inbox's pages of `business_id` show changed: the web app's live
    /// event, as JSON (the pages reload what it names).
    Inbox { business_id: String, event: serde_json::Value },
    /// Rows of `table` changed (`*`: of any table): what a node cached from it is dropped.
    /// Sent by the database itself (a trigger; SQLite's writer noticing another process's
    /// commit), so a change made by any process — a node, `risala admin` — counts.
    Changed { table: String },
}

/// Receives the events other nodes publish.
pub trait ClusterHandler: Send + Sync {
    fn deliver(&self, event: ClusterEvent);
    /// Events may have been missed (the connection that hears them dropped and came back):
    /// drop every cache and have connected devices and pages read the store again, so nothing
    /// is lost, only late.
    fn missed(&self);
}

/// How the nodes of a fleet hear each other. Each node delivers its own events to its own
/// devices and pages directly; the bus carries them to the *other* nodes.
pub trait EventBus: Send + Sync {
    /// Tell the other nodes (fire and forget: a node that misses it catches up through
    /// [`ClusterHandler::missed`]).
    fn publish(&self, event: ClusterEvent);
    /// Start hearing the other nodes' events.
    fn subscribe(&self, handler: std::sync::Arc<dyn ClusterHandler>);
    /// Whether there are other nodes to tell (publishers skip building events when not).
    fn shared(&self) -> bool {
        true
    }
    /// Whether the subscribed handler hears of every change another process (a node,
    /// `risala admin`) makes to customers (profiles, usernames, business-scoped ids), as
    /// [`ClusterEvent::Changed`] or [`ClusterHandler::missed`]: then this process may keep
    /// them long.
    fn hears_changes(&self) -> bool {
        false
    }
}

/// One node alone (SQLite, or one server on PostgreSQL): there is nobody to tell, at no cost.
pub struct LocalBus;

impl EventBus for LocalBus {
    fn publish(&self, _: ClusterEvent) {}
    fn subscribe(&self, _: std::sync::Arc<dyn ClusterHandler>) {}
    fn shared(&self) -> bool {
        false
    }
}

/// Background work that must run on one node of a fleet at a time (sweeps): a node asks
/// before each round whether it holds the task's lease.
#[async_trait::async_trait]
pub trait Leases: Send + Sync {
    /// Whether this node holds (or just took) the lease of `task`; a node that dies loses its
    /// leases, and another node takes them at its next round.
    async fn hold(&self, task: &str) -> bool;
}

/// One node alone: every task is its own.
pub struct SoleNode;

#[async_trait::async_trait]
impl Leases for SoleNode {
    async fn hold(&self, _: &str) -> bool {
        true
    }
}

/// The fleet's token buckets (throughput 130429, pair rate 131056), kept in the database so
/// every node draws from the same one. A node takes a few tokens at a time and spends them
/// from memory, so a send costs no round trip of its own.
#[async_trait::async_trait]
pub trait SharedBudget: Send + Sync {
    /// Take up to `want` tokens from the bucket `key` — `capacity` tokens, refilled at `refill`
    /// tokens every `period_ms` — at `now`; how many were taken (0 when it is empty).
    async fn take(
        &self,
        key: &str,
        want: u32,
        capacity: u32,
        refill: u32,
        period_ms: crate::clock::Millis,
        now: crate::clock::Millis,
    ) -> Result<u32, crate::StoreError>;
}
