//! The list of a business's conversations: newest first, a page at a time, with the filters an
//! agent picks (mine, unassigned, open, closed, a number, a label) and a search. The search
//! finds the customer's name, username, BSUID and number (a number the customer hides only
//! once the business may see it) in the store, and the text of the messages here, after the
//! store opened them: message bodies may be encrypted at rest, where no `LIKE` reads them.

use std::collections::HashSet;

use serde_json::Value;

use super::{InboxResult, InboxService};
use crate::model::{Message, User, NUMBER_SHARED_MS};
use crate::store::{Assigned, ChatCursor, ChatQuery, ChatRow, ChatState};

/// Conversations a page of the list shows.
pub const PAGE: usize = 50;
/// Longest search text.
pub const MAX_SEARCH: usize = 100;
/// Messages whose text a search reads: the business's latest (those of its latest
/// conversations).
pub const SEARCH_MESSAGES: usize = 5_000;
/// Fields of a message's content that are no text a person reads (ids, types, hashes, links).
const NOT_TEXT: [&str; 13] = [
    "id",
    "type",
    "mime_type",
    "sha256",
    "link",
    "message_id",
    "messaging_product",
    "recipient_type",
    "to",
    "from",
    "wa_id",
    "code",
    "policy",
];

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
        // A search of `+1 555…` finds the digits, one of `@jane` the username.
        let search = some(&self.q).map(|q| {
            let q: String = q.chars().take(MAX_SEARCH).collect();
            match (q.strip_prefix('+'), q.strip_prefix('@')) {
                (Some(d), _) if d.chars().all(|c| c.is_ascii_digit() || c == ' ') => d.replace(' ', ""),
                (_, Some(u)) if !u.is_empty() => u.to_string(),
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
            text_matches: Vec::new(),
            number_shared_since: 0,
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

/// Every text a person reads in `v` (a message's content), lower case.
fn texts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.to_lowercase()),
        Value::Array(items) => items.iter().for_each(|i| texts(i, out)),
        Value::Object(map) => {
            for (k, v) in map {
                if !NOT_TEXT.contains(&k.as_str()) {
                    texts(v, out);
                }
            }
        }
        _ => {}
    }
}

/// Whether `needle` (lower case) is in the text of `m`.
pub fn message_matches(m: &Message, needle: &str) -> bool {
    let mut found = Vec::new();
    texts(&m.content, &mut found);
    found.iter().any(|t| t.contains(needle))
}

impl InboxService {
    /// A page of the conversations of `viewer`'s business that `filter` asks for, newest first.
    pub async fn chats(&self, viewer: &User, filter: &ListFilter) -> InboxResult<Vec<ChatRow>> {
        let mut q = filter.query(viewer);
        q.number_shared_since = self.now() - NUMBER_SHARED_MS;
        if let Some(text) = &q.search {
            q.text_matches = self.text_matches(&viewer.business_id, text).await?;
        }
        Ok(self.store.business_chats(&q).await?)
    }

    /// The business's conversations with a message whose text contains `text` (any case),
    /// among its latest [`SEARCH_MESSAGES`] messages.
    async fn text_matches(&self, business_id: &str, text: &str) -> InboxResult<Vec<(String, String)>> {
        let needle = text.to_lowercase();
        let mut seen = HashSet::new();
        let mut found = Vec::new();
        for m in self.store.recent_messages(business_id, SEARCH_MESSAGES).await? {
            let key = (m.phone_number_id.clone(), m.wa_id.clone());
            if !seen.contains(&key) && message_matches(&m, &needle) {
                seen.insert(key.clone());
                found.push(key);
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_text_of_a_message_is_what_a_person_reads() {
        let mut m = Message {
            id: "wamid.1".into(),
            seq: 1,
            phone_number_id: "1".into(),
            business_id: "b".into(),
            wa_id: "15550001111".into(),
            direction: crate::model::Direction::Inbound,
            kind: "text".into(),
            content: json!({"type": "text", "text": {"body": "Where is Order 1042?"}}),
            context_id: None,
            biz_opaque: None,
            status: crate::model::MessageStatus::Received,
            error: None,
            created_at: 0,
            updated_at: 0,
            expires_at: None,
        };
        assert!(message_matches(&m, "order 1042"));
        assert!(!message_matches(&m, "text"), "a type is no text");
        m.content = json!({"name": "order_ready", "language": {"code": "en_US"}, "body": "Hello Layla"});
        assert!(message_matches(&m, "layla") && !message_matches(&m, "en_us"));
    }
}
