//! What the web app's pages read of a business's conversations.

use async_trait::async_trait;

use super::StoreResult;
use crate::model::Conversation;

/// A conversation with what a list of chats shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRow {
    pub conversation: Conversation,
    pub profile_name: String,
    /// The business number's display digits.
    pub business_number: String,
}

#[async_trait]
pub trait InboxStore: Send + Sync {
    /// The business's conversations, most recent first, at most `limit`.
    async fn business_chats(&self, business_id: &str, limit: usize) -> StoreResult<Vec<ChatRow>>;
}
