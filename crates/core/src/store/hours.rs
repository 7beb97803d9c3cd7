//! What business hours, the away message and the greeting keep: each number's settings (one
//! JSON document, validated by [`crate::tools::hours`]) and, per customer of a number, when they
//! last wrote and when each automatic message was last sent to them.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;

/// A number's hours, away message and greeting as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct HoursRow {
    pub phone_number_id: String,
    pub business_id: String,
    /// The settings' JSON text.
    pub settings: String,
    pub updated_at: Millis,
}

/// One customer of one number, as the automatic messages see them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AutoReplyState {
    /// Their last message to the number (before the one being answered, when read).
    pub last_inbound_at: Option<Millis>,
    pub greeted_at: Option<Millis>,
    pub away_at: Option<Millis>,
}

#[async_trait]
pub trait HoursStore: Send + Sync {
    async fn hours(&self, phone_number_id: &str) -> StoreResult<Option<HoursRow>>;
    /// Insert or replace a number's settings.
    async fn save_hours(&self, row: &HoursRow) -> StoreResult<()>;
    async fn auto_reply_state(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<AutoReplyState>>;
    /// Insert or replace one customer's state.
    async fn save_auto_reply_state(&self, phone_number_id: &str, wa_id: &str, s: &AutoReplyState) -> StoreResult<()>;
}
