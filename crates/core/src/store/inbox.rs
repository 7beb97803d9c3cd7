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
    /// The customer's username, if they set one.
    pub username: Option<String>,
    /// The customer hides their number from businesses (they have a username).
    pub hide_number: bool,
    /// The customer's business-scoped user id at this business, once given.
    pub user_id: Option<String>,
    /// When the business last sent `to` the customer's number (which shows it a hidden number
    /// for [`NUMBER_SHARED_MS`](crate::model::NUMBER_SHARED_MS)).
    pub number_shared_at: Option<Millis>,
}

impl ChatRow {
    /// Whether the business may see the customer's number at `now`: Meta's rule for webhooks
    /// (the customer does not hide it, or the business sent to it in the last 30 days), which
    /// the inbox follows too.
    pub fn shows_number(&self, now: Millis) -> bool {
        !self.hide_number || self.number_shared_at.is_some_and(|t| now - t < crate::model::NUMBER_SHARED_MS)
    }

    /// What names the customer in the inbox's paths: their number when the business may see
    /// it, else their BSUID (their username until they have one).
    pub fn customer_key(&self, now: Millis) -> &str {
        match (self.shows_number(now), &self.user_id, &self.username) {
            (true, _, _) => &self.conversation.wa_id,
            (false, Some(id), _) => id,
            (false, None, Some(u)) => u,
            (false, None, None) => &self.conversation.wa_id,
        }
    }
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
    /// Text found, case-insensitively, in the customer's name, username, BSUID or number (the
    /// number only when the business may see it, see `number_shared_since`).
    pub search: Option<String>,
    /// Conversations (`(phone_number_id, wa_id)`) whose messages' text matched the search, as
    /// the service found them (the store cannot read text encrypted at rest).
    pub text_matches: Vec<(String, String)>,
    /// A hidden number is the business's to search when it sent to it since this time.
    pub number_shared_since: Millis,
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

/// What makes two label names one label: the same text in any case ("VIP" and "vip"). The
/// store keeps it beside the name and the database holds it unique per business, so two
/// concurrent creates cannot both pass (folded here rather than by SQL's `lower()`, which
/// SQLite applies to ASCII only).
pub fn label_key(name: &str) -> String {
    name.trim().to_lowercase()
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
    /// The messages of the business's latest `limit` conversations, the latest `limit`, their
    /// bodies opened: what the inbox's search reads.
    async fn recent_messages(&self, business_id: &str, limit: usize) -> StoreResult<Vec<Message>>;
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
    /// A new label; [`StoreError::Conflict`](crate::error::StoreError::Conflict) when the
    /// business has one of that name in any case (the same [`label_key`]).
    async fn create_label(&self, label: &Label) -> StoreResult<()>;
    /// Delete the business's label from every conversation and the list; whether it was there.
    async fn delete_label(&self, business_id: &str, id: &str) -> StoreResult<bool>;
    /// Put the label on the conversation (`on`) or take it off; whether it changed.
    async fn set_chat_label(&self, phone_number_id: &str, wa_id: &str, label_id: &str, on: bool) -> StoreResult<bool>;
    async fn add_note(&self, note: &Note) -> StoreResult<()>;
    /// A conversation's notes, oldest first.
    async fn notes(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Vec<Note>>;
}
