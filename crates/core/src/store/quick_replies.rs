//! Quick replies: a business's saved answers, each with a `/shortcut` unique in the business.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;

/// One saved answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickReply {
    pub id: String,
    pub business_id: String,
    /// Without the leading `/`, lower case.
    pub shortcut: String,
    /// The text, with `{{variables}}` left in.
    pub text: String,
    /// `image`, `video`, `audio` or `document` with an uploaded media id, sent with the text as
    /// its caption (audio: before the text).
    pub media_kind: Option<String>,
    pub media_id: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

#[async_trait]
pub trait QuickReplyStore: Send + Sync {
    /// A business's quick replies by shortcut.
    async fn quick_replies(&self, business_id: &str) -> StoreResult<Vec<QuickReply>>;
    async fn quick_reply(&self, business_id: &str, id: &str) -> StoreResult<Option<QuickReply>>;
    /// `false` when the business already has the shortcut, or `max` quick replies (counted
    /// with the insert, so creates at the same moment never pass it).
    async fn create_quick_reply(&self, q: &QuickReply, max: usize) -> StoreResult<bool>;
    /// `Conflict` when another of the business's quick replies has the shortcut; `false` when
    /// there is no such quick reply.
    async fn update_quick_reply(&self, q: &QuickReply) -> StoreResult<bool>;
    async fn delete_quick_reply(&self, business_id: &str, id: &str) -> StoreResult<bool>;
}
