//! What broadcasts store: the broadcast (its message, audience summary, state and the lease a
//! runner holds while it sends) and one row per recipient, read back with its message's status.

use async_trait::async_trait;
use serde_json::Value;

use super::StoreResult;
use crate::clock::Millis;

/// A broadcast as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct BroadcastRow {
    pub id: String,
    pub business_id: String,
    pub phone_number_id: String,
    pub name: String,
    /// `broadcast` or `list` (the WhatsApp Business app's broadcast lists).
    pub mode: String,
    /// What is sent: `{"type":"template","template":{name, language}}` or `{"type":"text","text":{body}}`.
    pub message: Value,
    /// Where the audience came from: `{"labels":[…]}`, `{"csv":{…}}`, `{"wa_ids":[…]}`.
    pub audience: Value,
    /// `scheduled`, `running`, `paused`, `cancelled`, `completed`.
    pub state: String,
    /// Why an automatic pause happened (the messaging limit), shown to people.
    pub pause_reason: Option<String>,
    pub start_at: Millis,
    /// When a runner may pick it up next.
    pub next_run_at: Millis,
    /// Rows of the audience that were rejected: `[{row, input, reason}]`.
    pub rejected: Value,
    /// Recipients kept.
    pub total: i64,
    pub created_by: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub started_at: Option<Millis>,
    pub finished_at: Option<Millis>,
}

/// One recipient as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RecipientRow {
    pub seq: i64,
    pub wa_id: String,
    /// Per-recipient parameters: `{"1": "…"}` or `{"name": "…"}`.
    pub params: Value,
    /// `queued`, `sent` (a message was accepted), `failed` (refused before a message existed),
    /// `skipped_opted_out`, `skipped_blocked`.
    pub state: String,
    pub reason: Option<String>,
    pub message_id: Option<String>,
    pub sent_at: Option<Millis>,
}

/// A recipient with its message's status, for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub recipient: RecipientRow,
    /// The message's status (`sent`, `delivered`, `read`, `failed`), when a message exists.
    pub message_status: Option<String>,
    /// The message's error (the webhook error JSON) when it failed.
    pub message_error: Option<String>,
    /// The customer wrote to the number after the message was sent.
    pub replied: bool,
}

/// Counts of a broadcast's recipients by what happened to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecipientCounts {
    pub queued: i64,
    pub sent: i64,
    pub delivered: i64,
    pub read: i64,
    pub failed: i64,
    pub skipped_opted_out: i64,
    pub skipped_blocked: i64,
    pub replied: i64,
}

/// What a recipient became after a send attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct RecipientOutcome<'a> {
    pub seq: i64,
    pub state: &'a str,
    pub reason: Option<&'a str>,
    pub message_id: Option<&'a str>,
    pub at: Millis,
}

#[async_trait]
pub trait BroadcastStore: Send + Sync {
    /// A new broadcast with its recipients, in one commit.
    async fn insert_broadcast(&self, b: &BroadcastRow, recipients: &[RecipientRow]) -> StoreResult<()>;
    async fn broadcast(&self, id: &str) -> StoreResult<Option<BroadcastRow>>;
    /// The business's broadcasts (of one number when given), newest first.
    async fn broadcasts(&self, business_id: &str, phone_number_id: Option<&str>) -> StoreResult<Vec<BroadcastRow>>;
    /// Set the state (and pause reason, next run time) when it is one of `from`; whether it changed.
    async fn set_broadcast_state(
        &self,
        id: &str,
        from: &[&str],
        state: &str,
        pause_reason: Option<&str>,
        next_run_at: Millis,
        now: Millis,
    ) -> StoreResult<bool>;
    /// Broadcasts a runner may claim at `now`: scheduled, running or paused, due, and not
    /// leased by someone else.
    async fn due_broadcasts(&self, owner: &str, now: Millis, limit: usize) -> StoreResult<Vec<String>>;
    /// Take (or renew) the lease of a broadcast until `until`, if nobody else holds a live one.
    async fn lease_broadcast(&self, id: &str, owner: &str, now: Millis, until: Millis) -> StoreResult<bool>;
    /// Give the lease back.
    async fn release_broadcast(&self, id: &str, owner: &str) -> StoreResult<()>;
    /// The next queued recipients, in order.
    async fn queued_recipients(&self, broadcast_id: &str, limit: usize) -> StoreResult<Vec<RecipientRow>>;
    /// Record what happened to recipients that were queued.
    async fn record_recipients(&self, broadcast_id: &str, outcomes: &[RecipientOutcome<'_>]) -> StoreResult<()>;
    async fn recipient_counts(&self, broadcast_id: &str) -> StoreResult<RecipientCounts>;
    /// A page of the report, by recipient order, after `after_seq`.
    async fn report(&self, broadcast_id: &str, after_seq: i64, limit: usize) -> StoreResult<Vec<ReportRow>>;
    /// Customers of the number with one of the labels.
    async fn labelled_customers(&self, phone_number_id: &str, label_ids: &[String]) -> StoreResult<Vec<String>>;
    /// Which of `wa_ids` have ever written to the number (they have it in their chats).
    async fn wrote_to(&self, phone_number_id: &str, wa_ids: &[String]) -> StoreResult<Vec<String>>;
}
