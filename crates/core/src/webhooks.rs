//! Webhooks: where a business's events go (app callback, WABA override, phone-number override),
//! the outbox rows they are delivered from, and the storage the delivery worker needs.
//!
//! Callback precedence mirrors Meta: phone-number override > WABA override > app callback.

use async_trait::async_trait;

use crate::clock::Millis;
use crate::store::StoreResult;

/// The only subscription object Risala serves (`object=whatsapp_business_account`).
pub const WABA_OBJECT: &str = "whatsapp_business_account";

/// An app's callback for an object (`POST /{app-id}/subscriptions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSubscription {
    pub app_id: String,
    pub business_id: String,
    /// `whatsapp_business_account`.
    pub object: String,
    pub callback_url: String,
    pub verify_token: String,
    /// Subscribed `changes[].field` names; empty means every field.
    pub fields: Vec<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl AppSubscription {
    /// True when events of `field` go to this subscription.
    pub fn wants(&self, field: &str) -> bool {
        self.fields.is_empty() || self.fields.iter().any(|f| f == field)
    }
}

/// An app subscribed to a WABA (`POST /{waba-id}/subscribed_apps`), with an optional
/// override callback for that WABA's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WabaSubscription {
    pub waba_id: String,
    pub app_id: String,
    pub business_id: String,
    pub override_callback_uri: Option<String>,
    pub verify_token: Option<String>,
    pub created_at: Millis,
}

/// A phone number's override callback (`POST /{phone-number-id}` with `webhook_configuration`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberOverride {
    pub phone_number_id: String,
    pub waba_id: String,
    pub business_id: String,
    pub callback_url: String,
    pub verify_token: String,
    pub created_at: Millis,
}

/// A webhook change to queue. Producers write it in the same commit as the change it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxEvent {
    pub business_id: String,
    pub waba_id: String,
    pub phone_number_id: Option<String>,
    /// Events with the same key are delivered in order: a conversation
    /// (`{phone_number_id}:{wa_id}`), or a WABA for account-level fields.
    pub ordering_key: String,
    /// `changes[].field`, e.g. `messages`.
    pub field: String,
    /// `changes[].value` as JSON text.
    pub value: String,
    pub created_at: Millis,
}

/// Where an outbox row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Not yet acknowledged: waiting for its first attempt, a retry, or an earlier event of its
    /// conversation.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Retries gave up (or no callback was configured); replayable.
    Dead,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryState> {
        Some(match s {
            "pending" => DeliveryState::Pending,
            "delivered" => DeliveryState::Delivered,
            "dead" => DeliveryState::Dead,
            _ => return None,
        })
    }
}

/// One outbox row: a webhook change and its delivery record.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub business_id: String,
    pub waba_id: String,
    pub phone_number_id: Option<String>,
    pub ordering_key: String,
    pub field: String,
    /// `changes[].value` as JSON text.
    pub value: String,
    pub created_at: Millis,
    pub state: DeliveryState,
    pub attempts: i64,
    pub next_attempt_at: Millis,
    /// HTTP status of the last attempt (absent for connection errors and timeouts).
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub delivered_at: Option<Millis>,
    /// The callback URL of the last attempt.
    pub endpoint: Option<String>,
    /// When the row last changed (an attempt, a replay); unset before the first attempt.
    pub updated_at: Option<Millis>,
    /// Start of the retry window: `created_at`, or the time of the last replay.
    pub retry_from: Millis,
}

/// What happened to one row after an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// 2xx: done.
    Delivered,
    /// Try again at `next_attempt_at` (counted as an attempt).
    Retry { next_attempt_at: Millis },
    /// Give up: a dead letter (counted as an attempt when `counted`).
    Dead { counted: bool },
    /// Not attempted (endpoint paused): look again at `next_attempt_at`, not counted.
    Defer { next_attempt_at: Millis },
}

/// The result of one attempt for a set of rows (one POST, or one decision without a POST).
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptResult {
    pub ids: Vec<i64>,
    pub outcome: Outcome,
    pub status: Option<i64>,
    pub error: Option<String>,
    pub endpoint: Option<String>,
    pub at: Millis,
}

/// Which deliveries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryFilter {
    /// Only this business (scoped callers).
    pub business_id: Option<String>,
    pub state: Option<DeliveryState>,
    /// Only rows last attempted at this callback URL.
    pub endpoint: Option<String>,
    /// Rows with id below this (newest-first paging).
    pub before_id: Option<i64>,
    /// Rows changed after this `(updated_at, id)`, oldest change first (for `tail`).
    pub changed_after: Option<(Millis, i64)>,
    pub limit: usize,
}

/// Queue figures for metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxStats {
    pub pending: i64,
    pub dead: i64,
    /// `created_at` of the oldest pending row.
    pub oldest_pending_at: Option<Millis>,
}

/// A paused (or resumed) callback URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointState {
    pub url: String,
    pub paused: bool,
    pub updated_at: Millis,
}

/// Wakes the delivery worker after a commit that queued webhook changes, so it does not wait
/// for its fallback poll. Producers that hold one call [`WebhookWaker::wake`] after `write`.
pub trait WebhookWaker: Send + Sync {
    fn wake(&self);
}

/// Storage for subscriptions and the outbox.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Create or replace an app's subscription for its object.
    async fn put_app_subscription(&self, s: &AppSubscription) -> StoreResult<()>;
    /// Subscriptions of one app, or of every app of a business.
    async fn app_subscriptions(
        &self,
        app_id: Option<&str>,
        business_id: Option<&str>,
    ) -> StoreResult<Vec<AppSubscription>>;
    async fn delete_app_subscription(&self, app_id: &str, object: &str) -> StoreResult<bool>;

    async fn put_waba_subscription(&self, s: &WabaSubscription) -> StoreResult<()>;
    /// Apps subscribed to a WABA, oldest first.
    async fn waba_subscriptions(&self, waba_id: &str) -> StoreResult<Vec<WabaSubscription>>;
    async fn delete_waba_subscription(&self, waba_id: &str, app_id: &str) -> StoreResult<bool>;

    async fn put_number_override(&self, o: &NumberOverride) -> StoreResult<()>;
    async fn number_override(&self, phone_number_id: &str) -> StoreResult<Option<NumberOverride>>;
    async fn delete_number_override(&self, phone_number_id: &str) -> StoreResult<bool>;

    /// Queue changes (state `pending`, due at `created_at`); returns their ids. Producers that
    /// write their own plan use `risala_store::webhooks::outbox_insert_stmt` instead.
    async fn enqueue(&self, events: &[NewOutboxEvent]) -> StoreResult<Vec<i64>>;

    /// Lease up to `limit` due rows to `owner` until `lease_until`, oldest first. A row is due
    /// when it is pending, `next_attempt_at <= now`, not leased (or its lease ended before
    /// `lease_now`), and no earlier pending row of its ordering key is waiting for a retry or
    /// holds a lease. `now` is the service clock (the sandbox clock moves it); leases are in
    /// wall-clock milliseconds (`lease_now`, `lease_until`), so moving the sandbox clock never
    /// ends a lease while its POST is in flight.
    async fn claim_due(
        &self,
        now: Millis,
        owner: &str,
        lease_now: Millis,
        lease_until: Millis,
        limit: usize,
    ) -> StoreResult<Vec<Delivery>>;
    /// Apply attempt results (only rows still leased by `owner`).
    async fn record_attempts(&self, owner: &str, results: &[AttemptResult]) -> StoreResult<()>;
    /// Give leased rows back without an attempt.
    async fn release(&self, owner: &str, ids: &[i64]) -> StoreResult<()>;
    /// Drop every lease (single-node SQLite at start: the previous process is gone).
    async fn release_all_leases(&self) -> StoreResult<u64>;
    /// The earliest `next_attempt_at` of a pending row.
    async fn next_due_at(&self) -> StoreResult<Option<Millis>>;

    async fn deliveries(&self, filter: &DeliveryFilter) -> StoreResult<Vec<Delivery>>;
    async fn delivery(&self, id: i64) -> StoreResult<Option<Delivery>>;
    /// Make rows pending again, due now, with a fresh retry window. `ids` empty = every dead row
    /// (of `business_id` when given). Returns how many.
    async fn replay(&self, ids: &[i64], business_id: Option<&str>, now: Millis) -> StoreResult<u64>;

    async fn set_endpoint_paused(&self, url: &str, paused: bool, now: Millis) -> StoreResult<()>;
    async fn endpoints(&self) -> StoreResult<Vec<EndpointState>>;
    async fn outbox_stats(&self) -> StoreResult<OutboxStats>;
    /// Delete delivered rows delivered before `before`; returns how many.
    async fn purge_delivered(&self, before: Millis, limit: usize) -> StoreResult<u64>;
}
