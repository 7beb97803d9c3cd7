//! What the web app shows of a business's conversations: the business's numbers, its chats
//! most recent first, and one chat with its latest messages. Every read is scoped to the
//! business: a chat of another business is not found, never shown.

use std::sync::Arc;

use crate::error::ApiError;
use crate::model::{Message, PhoneNumber};
use crate::store::{ChatRow, Store};

/// Most chats a list shows.
pub const MAX_CHATS: usize = 200;
/// Messages a chat shows, the latest.
pub const CHAT_MESSAGES: usize = 50;

/// One chat: its row and its latest messages, oldest first.
#[derive(Debug, Clone)]
pub struct ChatView {
    pub chat: ChatRow,
    pub messages: Vec<Message>,
}

#[derive(Clone)]
pub struct InboxService {
    store: Arc<dyn Store>,
}

impl InboxService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        InboxService { store }
    }

    /// The business's numbers.
    pub async fn numbers(&self, business_id: &str) -> Result<Vec<PhoneNumber>, ApiError> {
        Ok(self.store.list_phone_numbers(Some(business_id)).await?)
    }

    /// The business's chats, most recent first.
    pub async fn chats(&self, business_id: &str) -> Result<Vec<ChatRow>, ApiError> {
        Ok(self.store.business_chats(business_id, MAX_CHATS).await?)
    }

    /// The chat of business number `phone_number_id` with `wa_id`, when it is the business's.
    pub async fn chat(&self, business_id: &str, phone_number_id: &str, wa_id: &str) -> Result<ChatView, ApiError> {
        let not_found = || ApiError::object_not_found(phone_number_id);
        let conversation = self
            .store
            .conversation(phone_number_id, wa_id)
            .await?
            .filter(|c| c.business_id == business_id)
            .ok_or_else(not_found)?;
        let phone = self.store.phone_number(phone_number_id).await?.ok_or_else(not_found)?;
        let profile_name = self.store.customer(wa_id).await?.map(|c| c.profile_name).unwrap_or_else(|| wa_id.into());
        let mut messages = self.store.chat_history(phone_number_id, wa_id, None, CHAT_MESSAGES).await?;
        messages.reverse();
        Ok(ChatView { chat: ChatRow { conversation, profile_name, business_number: phone.number }, messages })
    }
}
