//! The team inbox: what the web app shows and changes of a business's conversations. The list
//! with its filters ([`list`]), one conversation with its messages, notes, labels and contact
//! panel, and the team's work on it ([`team`]: assignment, closing, notes, labels). Every read
//! and write is scoped to the business: a conversation, label or person of another business is
//! not found, never shown or changed.

pub mod list;
pub mod team;

use std::sync::Arc;

use crate::clock::{Clock, Millis};
use crate::error::ApiError;
use crate::model::{Message, PhoneNumber, User};
use crate::store::{ChatRow, Label, Note, Store};

pub use list::{ListFilter, PAGE};

/// Messages a conversation shows, the latest.
pub const CHAT_MESSAGES: usize = 100;

/// Why the inbox refused.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// No such conversation, label, person or media in the business.
    #[error("not found")]
    NotFound,
    /// The person's role does not allow it.
    #[error("not allowed")]
    NotAllowed,
    /// A value that cannot be used, and why.
    #[error("{0}")]
    Invalid(#[from] team::Invalid),
    #[error(transparent)]
    Internal(#[from] ApiError),
}

impl From<crate::StoreError> for InboxError {
    fn from(e: crate::StoreError) -> Self {
        InboxError::Internal(e.into())
    }
}

pub type InboxResult<T> = Result<T, InboxError>;

/// One conversation as an agent opens it.
#[derive(Debug, Clone)]
pub struct ChatView {
    pub chat: ChatRow,
    /// The latest messages (before the page's cursor, if it has one), oldest first.
    pub messages: Vec<Message>,
    /// The seq to ask for the page before this one with, when there are earlier messages.
    pub earlier: Option<i64>,
    /// The messages they reply to, when not among `messages` (for the quote).
    pub quoted: Vec<Message>,
    pub notes: Vec<Note>,
    /// Every label of the business (the conversation's are `chat.label_ids`).
    pub labels: Vec<Label>,
    /// The people of the business who may be assigned (not disabled).
    pub agents: Vec<User>,
    /// The customer's other conversations with the business's numbers.
    pub other_chats: Vec<ChatRow>,
    /// When the customer service window closes; `None` when it is closed.
    pub window_ends_at: Option<Millis>,
    /// The orders the customer sent in this conversation, oldest first.
    pub orders: Vec<crate::store::Order>,
    /// The orders the business sent for payment in this conversation (`order_details`), newest
    /// first: their reference, total and statuses.
    pub payment_orders: Vec<crate::store::PaymentOrder>,
}

#[derive(Clone)]
pub struct InboxService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl InboxService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        InboxService { store, clock }
    }

    /// The clock's time (the sandbox clock when it is moved).
    pub fn now(&self) -> Millis {
        self.clock.now_ms()
    }

    /// The business's numbers.
    pub async fn numbers(&self, business_id: &str) -> InboxResult<Vec<PhoneNumber>> {
        Ok(self.store.list_phone_numbers(Some(business_id)).await?)
    }

    /// The people of the business who may be assigned (not disabled).
    pub async fn agents(&self, business_id: &str) -> InboxResult<Vec<User>> {
        Ok(self.store.users(business_id).await?.into_iter().filter(|u| u.disabled_at.is_none()).collect())
    }

    /// The business's labels, by name.
    pub async fn labels(&self, business_id: &str) -> InboxResult<Vec<Label>> {
        Ok(self.store.labels(business_id).await?)
    }

    /// The conversation of number `phone_number_id` with the customer `customer` names (their
    /// number, or their BSUID or username at the business when they hide their number: see
    /// [`ChatRow::customer_key`]), when it is the business's.
    pub async fn chat(&self, business_id: &str, phone_number_id: &str, customer: &str) -> InboxResult<ChatRow> {
        let wa_id = crate::messaging::customer_number(self.store.as_ref(), business_id, customer)
            .await?
            .ok_or(InboxError::NotFound)?;
        self.store
            .chat_row(phone_number_id, &wa_id)
            .await?
            .filter(|c| c.conversation.business_id == business_id)
            .ok_or(InboxError::NotFound)
    }

    /// An agent opens the conversation: everything the page shows, and nothing unread any
    /// more. The second value says whether something was unread (the other agents' lists
    /// change).
    /// `before` (a message's seq) pages back: the latest messages before it.
    pub async fn open(
        &self,
        viewer: &User,
        phone_number_id: &str,
        wa_id: &str,
        before: Option<i64>,
    ) -> InboxResult<(ChatView, bool)> {
        let business_id = &viewer.business_id;
        let mut chat = self.chat(business_id, phone_number_id, wa_id).await?;
        let wa_id = chat.conversation.wa_id.clone();
        let wa_id = wa_id.as_str();
        let was_unread = chat.unread > 0 && self.store.mark_chat_read(phone_number_id, wa_id).await?;
        chat.unread = 0;
        // One more than a page: whether there is a page before this one.
        let mut messages = self.store.chat_history(phone_number_id, wa_id, before, CHAT_MESSAGES + 1).await?;
        let more = messages.len() > CHAT_MESSAGES;
        messages.truncate(CHAT_MESSAGES);
        let earlier = messages.last().map(|m| m.seq).filter(|_| more);
        messages.reverse();
        let mut quoted = Vec::new();
        for id in messages.iter().filter_map(|m| m.context_id.as_deref()) {
            if messages.iter().any(|m| m.id == id) || quoted.iter().any(|q: &Message| q.id == id) {
                continue;
            }
            if let Some(q) = self.store.message(id).await?.filter(|q| q.business_id == *business_id) {
                quoted.push(q);
            }
        }
        let mut other_chats = Vec::new();
        for c in self.store.customer_conversations(wa_id).await? {
            if c.business_id == *business_id && c.phone_number_id != phone_number_id {
                if let Some(row) = self.store.chat_row(&c.phone_number_id, wa_id).await? {
                    other_chats.push(row);
                }
            }
        }
        let window_ends_at = chat
            .conversation
            .last_inbound_at
            .map(|t| t + crate::messaging::SERVICE_WINDOW_MS)
            .filter(|end| *end > self.now());
        let view = ChatView {
            notes: self.store.notes(phone_number_id, wa_id).await?,
            orders: self.store.conversation_orders(phone_number_id, wa_id).await?,
            payment_orders: self.store.chat_payment_orders(phone_number_id, wa_id, 20).await?,
            labels: self.store.labels(business_id).await?,
            agents: self.agents(business_id).await?,
            chat,
            messages,
            earlier,
            quoted,
            other_chats,
            window_ends_at,
        };
        Ok((view, was_unread))
    }

    /// Media a message of the business shows (either direction), with its chunks' count.
    pub async fn media(&self, business_id: &str, id: &str) -> InboxResult<crate::model::Media> {
        self.store.media(id).await?.filter(|m| m.business_id == business_id).ok_or(InboxError::NotFound)
    }

    /// Chunk `seq` of media `id` (checked with [`InboxService::media`] first).
    pub async fn media_chunk(&self, id: &str, seq: i64) -> InboxResult<Vec<u8>> {
        self.store.media_chunk(id, seq).await?.ok_or(InboxError::NotFound)
    }
}
