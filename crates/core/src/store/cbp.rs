//! Conversation-based pricing and per-WABA settings.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::*;

/// Storage of CBP conversations (they are written with the message that opens them, and
/// charged in the plan of their first delivery: see `risala-store`'s billing module).
#[async_trait]
pub trait CbpStore: Send + Sync {
    /// Conversations of a business number with a customer still open at `now`.
    async fn open_conversations(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        now: Millis,
    ) -> StoreResult<Vec<OpenConversation>>;
    /// Delivered (so charged) conversations of a WABA opened in `[from, to)`, oldest first.
    async fn conversations(&self, waba_id: &str, from: Millis, to: Millis) -> StoreResult<Vec<ConversationRecord>>;
}

/// Storage of WABA settings.
#[async_trait]
pub trait WabaSettingsStore: Send + Sync {
    /// The settings of a WABA (the defaults when never set).
    async fn waba_settings(&self, waba_id: &str) -> StoreResult<WabaSettings>;
    async fn set_waba_settings(&self, waba_id: &str, settings: &WabaSettings, at: Millis) -> StoreResult<()>;
}
