//! Webhooks: where a business's events go (app callback, WABA override, phone-number override),
//! and the outbox rows they are delivered from, with their delivery records.
//!
//! Callback precedence mirrors Meta: phone-number override > WABA override > app callback.

use crate::clock::Millis;

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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
