//! Customers, conversations, messages, media and customer sessions.

use async_trait::async_trait;

use super::StoreResult;
use crate::model::*;

/// A status change of one message, applied only if the message is in one of `from`.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub message_id: String,
    pub from: &'static [MessageStatus],
    pub to: MessageStatus,
    pub error: Option<serde_json::Value>,
    pub at: i64,
}

/// A copy of stored media made visible to the other side of a chat under a new id.
#[derive(Debug, Clone)]
pub struct MediaCopy {
    pub new_id: String,
    pub source_id: String,
    pub business_id: String,
    pub owner_wa_id: Option<String>,
    pub phone_number_id: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

impl MediaCopy {
    /// A copy of `media` for the customer `wa_id` under a new id, kept until `expires_at`.
    pub fn for_customer(media: &crate::model::Media, wa_id: &str, now: i64, expires_at: i64) -> MediaCopy {
        MediaCopy {
            new_id: crate::ids::new_object_id(),
            source_id: media.id.clone(),
            business_id: media.business_id.clone(),
            owner_wa_id: Some(wa_id.to_string()),
            phone_number_id: None,
            created_at: now,
            expires_at,
        }
    }
}

/// Everything one accepted message writes, committed together.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    /// Its customer exists, or is `new_customer`, unless it is an outbound message that
    /// failed: a send refused because the number is no customer opens no conversation.
    pub message: &'a Message,
    /// The message's `content` as JSON text, when the caller made it already (exactly the text
    /// `content` serializes to); the store writes it instead of serializing `content` again.
    pub content_json: Option<&'a str>,
    /// Create this customer first (sandbox: a message to an unknown number).
    pub new_customer: Option<&'a Customer>,
    pub outbox: &'a [OutboxRow],
    /// Copies of media made the customer's (a media message or template headers sent by id).
    pub media_copies: Vec<MediaCopy>,
    /// The pricing decided at send (outbound messages that were sent, not failed).
    pub pricing: Option<&'a MessagePricing>,
    /// A business-initiated message's count toward the messaging limit.
    pub reach: Option<&'a Reach>,
}

impl<'a> NewMessage<'a> {
    /// The message and nothing else written with it.
    pub fn plain(message: &'a Message) -> Self {
        NewMessage {
            message,
            content_json: None,
            new_customer: None,
            outbox: &[],
            media_copies: Vec::new(),
            pricing: None,
            reach: None,
        }
    }
}

/// Messaging: customers, conversations, messages, media, customer sessions.
#[async_trait]
pub trait MessageStore: Send + Sync {
    async fn customer(&self, wa_id: &str) -> StoreResult<Option<Customer>>;
    /// Create the customer, or update the profile name when `rename` is set.
    async fn upsert_customer(&self, c: &Customer, rename: bool) -> StoreResult<()>;
    async fn conversation(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<Conversation>>;
    /// A customer's conversations, most recent first.
    async fn customer_conversations(&self, wa_id: &str) -> StoreResult<Vec<Conversation>>;
    /// Store a message, touch its conversation (creating the customer first when given),
    /// and queue its webhook changes: one commit.
    async fn record_message(&self, new: &NewMessage<'_>) -> StoreResult<()>;
    async fn message(&self, id: &str) -> StoreResult<Option<Message>>;
    /// Apply a status change and queue its webhooks; false (and nothing queued) when the
    /// message was not in an allowed state.
    async fn change_status(&self, change: &StatusChange, outbox: &[OutboxRow]) -> StoreResult<bool>;
    /// Outbound messages to `wa_id` still waiting for a device (status `sent`) whose
    /// time-to-live has not ended at `now`, oldest first.
    async fn undelivered(&self, wa_id: &str, now: i64, limit: usize) -> StoreResult<Vec<Message>>;
    /// Outbound messages still waiting for a device whose time-to-live ended at `now`, the
    /// longest expired first.
    async fn expired_undelivered(&self, now: i64, limit: usize) -> StoreResult<Vec<Message>>;
    /// Messages of one chat, newest first, with `seq < before`.
    async fn chat_history(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<Message>>;

    /// Store media's row (and its object index row). Its bytes follow with
    /// [`MessageStore::insert_media_chunk`]; a service writes the row with a short
    /// `expires_at` first and extends it with [`MessageStore::set_media_expiry`] once every chunk
    /// is in, so media left half-written (a crash) expire with their chunks.
    async fn insert_media(&self, m: &Media) -> StoreResult<()>;
    /// Store chunk `seq` (from 0) of media `id`: at most [`MEDIA_CHUNK`] bytes.
    async fn insert_media_chunk(&self, id: &str, seq: i64, data: Vec<u8>) -> StoreResult<()>;
    async fn set_media_expiry(&self, id: &str, expires_at: i64) -> StoreResult<()>;
    async fn media(&self, id: &str) -> StoreResult<Option<Media>>;
    /// Chunk `seq` of media `id`, or `None` when there is no such chunk.
    async fn media_chunk(&self, id: &str, seq: i64) -> StoreResult<Option<Vec<u8>>>;
    /// Delete media and its chunks; false when there was none.
    async fn delete_media(&self, id: &str) -> StoreResult<bool>;
    /// Remove media (and chunks) whose retention ended before `now`; returns how many.
    async fn expire_media(&self, now: i64) -> StoreResult<u64>;

    async fn create_customer_session(
        &self,
        token_hash: &str,
        wa_id: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// The customer a live session token belongs to.
    async fn customer_session(&self, token_hash: &str, now: i64) -> StoreResult<Option<String>>;
    /// Store a number's one-time code, replacing the one before; its failed attempts and lock
    /// stay.
    async fn set_customer_code(&self, wa_id: &str, code_hash: &str, expires_at: i64) -> StoreResult<()>;
    /// Check a one-time code at `now`: a right, live code of a number not locked is consumed
    /// (true). Otherwise, unless the number is locked, a failed attempt counts, and the one that
    /// makes `max_failures` locks the number until `lock_until`.
    async fn check_customer_code(
        &self,
        wa_id: &str,
        code_hash: &str,
        now: i64,
        max_failures: i64,
        lock_until: i64,
    ) -> StoreResult<bool>;
    /// A number's failed attempts since its last sign-in and the end of its lock (0: none).
    async fn customer_code_state(&self, wa_id: &str) -> StoreResult<Option<(i64, i64)>>;
}
