//! What the team inbox reads and writes of a business's conversations: the list with its
//! filters, one chat's inbox state, assignment, closing, labels and internal notes.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::{Conversation, Message};

/// A conversation with what the inbox shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRow {
    pub conversation: Conversation,
    pub profile_name: String,
    /// The business number's display digits.
    pub business_number: String,
    /// Inbound messages since an agent of the business last opened the conversation.
    pub unread: i64,
    /// The user the conversation is assigned to.
    pub assignee_id: Option<String>,
    /// When it was closed; `None` while open.
    pub closed_at: Option<Millis>,
    /// Its labels' ids.
    pub label_ids: Vec<String>,
    /// Its last message (`None` when there is none any more).
    pub last: Option<Message>,
}

/// Which conversations by assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assigned {
    Anyone,
    /// Assigned to this user.
    To(String),
    Nobody,
}

/// Which conversations by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatState {
    Any,
    Open,
    Closed,
}

impl ChatState {
    /// `all`, `open`, `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatState::Any => "all",
            ChatState::Open => "open",
            ChatState::Closed => "closed",
        }
    }
}

/// Where a page of the list continues: after this row (the last of the page before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatCursor {
    pub last_message_at: Millis,
    pub phone_number_id: String,
    pub wa_id: String,
}

/// A page of a business's conversations, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatQuery {
    pub business_id: String,
    pub assigned: Assigned,
    pub state: ChatState,
    /// One business number.
    pub phone_number_id: Option<String>,
    /// One label.
    pub label_id: Option<String>,
    /// Text found, case-insensitively, in the customer's name, number, or a message's text.
    pub search: Option<String>,
    pub after: Option<ChatCursor>,
    pub limit: usize,
}

/// A label a business gives conversations, with its colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub id: String,
    pub business_id: String,
    pub name: String,
    /// `#rrggbb`.
    pub colour: String,
    pub created_at: Millis,
}

/// An internal note on a conversation: seen by the business's people, never by the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: String,
    pub business_id: String,
    pub phone_number_id: String,
    pub wa_id: String,
    pub author_id: String,
    /// The author's name (read with the note).
    pub author_name: String,
    pub body: String,
    pub created_at: Millis,
}

#[async_trait]
pub trait InboxStore: Send + Sync {
    /// A page of the business's conversations matching `q`, most recent first.
    async fn business_chats(&self, q: &ChatQuery) -> StoreResult<Vec<ChatRow>>;
    /// One conversation as the inbox shows it.
    async fn chat_row(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<ChatRow>>;
    /// Nothing unread any more; whether something was.
    async fn mark_chat_read(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<bool>;
    /// Assign the business's conversation to `assignee` (`None`: to nobody).
    async fn assign_chat(
        &self,
        business_id: &str,
        phone_number_id: &str,
        wa_id: &str,
        assignee: Option<&str>,
    ) -> StoreResult<bool>;
    /// Close the business's conversation at `closed_at`, or reopen it (`None`).
    async fn close_chat(
        &self,
        business_id: &str,
        phone_number_id: &str,
        wa_id: &str,
        closed_at: Option<Millis>,
    ) -> StoreResult<bool>;
    /// The business's labels, by name.
    async fn labels(&self, business_id: &str) -> StoreResult<Vec<Label>>;
    /// A new label; `false` when the business has one of that name.
    async fn create_label(&self, label: &Label) -> StoreResult<bool>;
    /// Delete the business's label from every conversation and the list; whether it was there.
    async fn delete_label(&self, business_id: &str, id: &str) -> StoreResult<bool>;
    /// Put the label on the conversation (`on`) or take it off; whether it changed.
    async fn set_chat_label(&self, phone_number_id: &str, wa_id: &str, label_id: &str, on: bool) -> StoreResult<bool>;
    async fn add_note(&self, note: &Note) -> StoreResult<()>;
    /// A conversation's notes, oldest first.
    async fn notes(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Vec<Note>>;
}
