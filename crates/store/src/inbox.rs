//! The team inbox's storage, written once for both engines.

use async_trait::async_trait;
use risala_core::model::{Conversation, Message};
use risala_core::store::*;

use crate::at_rest::NOTE_BODY;
use crate::db::Plan;
use crate::params;
use crate::sql::inbox::*;
use crate::value::Row;
use crate::SqlStore;

/// Where `chat_select!`'s conversation columns start (after the last message's).
const CHAT: usize = 15;

impl SqlStore {
    fn chat_row_of(&self, r: &Row) -> StoreResult<ChatRow> {
        let last = match r.opt_text(0)? {
            Some(_) => Some(self.message(r)?),
            None => None,
        };
        let labels = r.opt_text(CHAT + 12)?.unwrap_or_default();
        let mut label_ids: Vec<String> = labels.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
        label_ids.sort();
        Ok(ChatRow {
            conversation: Conversation {
                phone_number_id: r.text(CHAT)?,
                wa_id: r.text(CHAT + 1)?,
                business_id: r.text(CHAT + 2)?,
                last_inbound_at: r.opt_i64(CHAT + 3)?,
                last_outbound_at: r.opt_i64(CHAT + 4)?,
                last_message_at: r.i64(CHAT + 5)?,
                created_at: r.i64(CHAT + 6)?,
            },
            profile_name: r.text(CHAT + 7)?,
            business_number: r.text(CHAT + 8)?,
            unread: r.i64(CHAT + 9)?,
            assignee_id: r.opt_text(CHAT + 10)?,
            closed_at: r.opt_i64(CHAT + 11)?,
            label_ids,
            last,
            username: r.opt_text(CHAT + 13)?,
            hide_number: r.opt_i64(CHAT + 14)?.unwrap_or(0) != 0,
            user_id: r.opt_text(CHAT + 15)?,
            number_shared_at: r.opt_i64(CHAT + 16)?,
        })
    }
}

/// `text` as a `LIKE` pattern that finds it anywhere, lower case, its wildcards escaped.
fn contains_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Conversations as the list's `$8` names them: a JSON array of `phone_number_id:wa_id`.
fn keys(chats: &[(String, String)]) -> String {
    serde_json::Value::from(chats.iter().map(|(p, w)| format!("{p}:{w}")).collect::<Vec<_>>()).to_string()
}

fn label(r: &Row) -> StoreResult<Label> {
    Ok(Label { id: r.text(0)?, business_id: r.text(1)?, name: r.text(2)?, colour: r.text(3)?, created_at: r.i64(4)? })
}

impl SqlStore {
    /// A note from its row, its body opened (encrypted at rest as message bodies are).
    fn note(&self, r: &Row) -> StoreResult<Note> {
        let id = r.text(0)?;
        Ok(Note {
            body: self.open_body(NOTE_BODY, &id, r.text(6)?)?,
            id,
            business_id: r.text(1)?,
            phone_number_id: r.text(2)?,
            wa_id: r.text(3)?,
            author_id: r.text(4)?,
            author_name: r.text(5)?,
            created_at: r.i64(7)?,
        })
    }
}

#[async_trait]
impl InboxStore for SqlStore {
    async fn business_chats(&self, q: &ChatQuery) -> StoreResult<Vec<ChatRow>> {
        let (mode, agent) = match &q.assigned {
            Assigned::Anyone => ("all", None),
            Assigned::To(id) => ("mine", Some(id.as_str())),
            Assigned::Nobody => ("unassigned", None),
        };
        let search = q.search.as_deref().map(contains_pattern);
        let (at, phone, wa) = match &q.after {
            Some(c) => (Some(c.last_message_at), Some(c.phone_number_id.as_str()), Some(c.wa_id.as_str())),
            None => (None, None, None),
        };
        let rows = self
            .db
            .query(
                self.db.pick(BUSINESS_CHATS),
                params![
                    &q.business_id,
                    mode,
                    agent,
                    q.state.as_str(),
                    q.phone_number_id.as_deref(),
                    q.label_id.as_deref(),
                    search.as_deref(),
                    (!q.text_matches.is_empty()).then(|| keys(&q.text_matches)).as_deref(),
                    q.number_shared_since,
                    at,
                    phone,
                    wa,
                    q.limit as i64
                ],
            )
            .await?;
        rows.iter().map(|r| self.chat_row_of(r)).collect()
    }

    async fn chat_row(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<ChatRow>> {
        let row = self.db.query_opt(self.db.pick(CHAT_ROW), params![phone_number_id, wa_id]).await?;
        row.as_ref().map(|r| self.chat_row_of(r)).transpose()
    }

    async fn mark_chat_read(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<bool> {
        let plan = Plan::one(MARK_CHAT_READ, params![phone_number_id, wa_id])
            .in_lane_of(&format!("{phone_number_id}:{wa_id}"));
        self.changed(plan, 0).await
    }

    async fn assign_chat(
        &self,
        business_id: &str,
        phone_number_id: &str,
        wa_id: &str,
        assignee: Option<&str>,
    ) -> StoreResult<bool> {
        self.changed(Plan::one(ASSIGN_CHAT, params![assignee, business_id, phone_number_id, wa_id]), 0).await
    }

    async fn close_chat(
        &self,
        business_id: &str,
        phone_number_id: &str,
        wa_id: &str,
        closed_at: Option<i64>,
    ) -> StoreResult<bool> {
        self.changed(Plan::one(CLOSE_CHAT, params![closed_at, business_id, phone_number_id, wa_id]), 0).await
    }

    async fn labels(&self, business_id: &str) -> StoreResult<Vec<Label>> {
        let rows = self.db.query(LABELS, params![business_id]).await?;
        rows.iter().map(label).collect()
    }

    async fn create_label(&self, l: &Label) -> StoreResult<()> {
        // No ON CONFLICT: the unique (business, name key) index refuses a name the business has
        // in any case, and the engine's unique violation comes back as Conflict.
        let key = label_key(&l.name);
        let plan = Plan::one(INSERT_LABEL, params![&l.id, &l.business_id, &l.name, &key, &l.colour, l.created_at]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn delete_label(&self, business_id: &str, id: &str) -> StoreResult<bool> {
        let mut plan = Plan::new();
        plan.push(UNLABEL_ALL, params![id, business_id]).push(DELETE_LABEL, params![id, business_id]);
        self.changed(plan, 1).await
    }

    async fn set_chat_label(&self, phone_number_id: &str, wa_id: &str, label_id: &str, on: bool) -> StoreResult<bool> {
        let sql = if on { ADD_CHAT_LABEL } else { REMOVE_CHAT_LABEL };
        self.changed(Plan::one(sql, params![phone_number_id, wa_id, label_id]), 0).await
    }

    async fn recent_messages(&self, business_id: &str, limit: usize) -> StoreResult<Vec<Message>> {
        let rows =
            self.db.query(self.db.pick(RECENT_MESSAGES), params![business_id, limit as i64, limit as i64]).await?;
        rows.iter().map(|r| self.message(r)).collect()
    }

    async fn add_note(&self, n: &Note) -> StoreResult<()> {
        let body = self.seal_body(NOTE_BODY, &n.id, n.body.clone())?;
        let plan = Plan::one(
            INSERT_NOTE,
            params![&n.id, &n.business_id, &n.phone_number_id, &n.wa_id, &n.author_id, &body, n.created_at],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn notes(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Vec<Note>> {
        let rows = self.db.query(CHAT_NOTES, params![phone_number_id, wa_id]).await?;
        rows.iter().map(|r| self.note(r)).collect()
    }
}
