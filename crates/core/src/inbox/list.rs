//! The list of a business's conversations: newest first, a page at a time, with the filters an
//! agent picks (mine, unassigned, open, closed, a number, a label) and a search.

use super::{InboxResult, InboxService};
use crate::model::User;
use crate::store::{Assigned, ChatCursor, ChatQuery, ChatRow, ChatState};

/// Conversations a page of the list shows.
pub const PAGE: usize = 50;
/// Longest search text.
pub const MAX_SEARCH: usize = 100;

/// What an agent asked the list for, as the page's query string says it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// `mine`, `unassigned`, or anything else for everyone's.
    pub assigned: Option<String>,
    /// `open`, `closed`, or anything else for both.
    pub state: Option<String>,
    /// A business number's id.
    pub number: Option<String>,
    /// A label's id.
    pub label: Option<String>,
    /// Text in the customer's name, their number, or a message.
    pub q: Option<String>,
    /// Continue after this conversation: `<last_message_at>:<phone_number_id>:<wa_id>`.
    pub after: Option<String>,
}

fn some(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

impl ListFilter {
    /// The store's query for `viewer`'s business.
    pub fn query(&self, viewer: &User) -> ChatQuery {
        let assigned = match self.assigned.as_deref() {
            Some("mine") => Assigned::To(viewer.id.clone()),
            Some("unassigned") => Assigned::Nobody,
            _ => Assigned::Anyone,
        };
        let state = match self.state.as_deref() {
            Some("open") => ChatState::Open,
            Some("closed") => ChatState::Closed,
            _ => ChatState::Any,
        };
        // A search of `+1 555…` finds the digits.
        let search = some(&self.q).map(|q| {
            let q: String = q.chars().take(MAX_SEARCH).collect();
            match q.strip_prefix('+') {
                Some(d) if d.chars().all(|c| c.is_ascii_digit() || c == ' ') => d.replace(' ', ""),
                _ => q,
            }
        });
        let after = some(&self.after).and_then(|a| {
            let mut parts = a.splitn(3, ':');
            let at = parts.next()?.parse().ok()?;
            Some(ChatCursor {
                last_message_at: at,
                phone_number_id: parts.next()?.to_string(),
                wa_id: parts.next()?.to_string(),
            })
        });
        ChatQuery {
            business_id: viewer.business_id.clone(),
            assigned,
            state,
            phone_number_id: some(&self.number),
            label_id: some(&self.label),
            search,
            after,
            limit: PAGE,
        }
    }
}

/// The cursor of the page after `rows` (`None` on the last page).
pub fn next_cursor(rows: &[ChatRow]) -> Option<String> {
    if rows.len() < PAGE {
        return None;
    }
    rows.last().map(|r| {
        let c = &r.conversation;
        format!("{}:{}:{}", c.last_message_at, c.phone_number_id, c.wa_id)
    })
}

impl InboxService {
    /// A page of the conversations of `viewer`'s business that `filter` asks for, newest first.
    pub async fn chats(&self, viewer: &User, filter: &ListFilter) -> InboxResult<Vec<ChatRow>> {
        Ok(self.store.business_chats(&filter.query(viewer)).await?)
    }
}
