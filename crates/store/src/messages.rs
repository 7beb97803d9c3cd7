//! Messaging storage, written once for both engines.

use async_trait::async_trait;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;
use serde_json::Value;

use crate::at_rest::{outbox_row, MESSAGE_BIZ_OPAQUE, MESSAGE_CONTENT, MESSAGE_ERROR, OUTBOX_VALUE};
use crate::db::{Engine, Plan, Stmt};
use crate::keyring::Keyring;
use crate::params;
use crate::sql::messages::*;
use crate::sql::tenancy::INSERT_OBJECT;
use crate::sql::webhooks::INSERT_OUTBOX;
use crate::value::Row;
use crate::SqlStore;

/// The columns of an outbox row besides its payload.
pub(crate) struct OutboxFields<'a> {
    pub business_id: &'a str,
    pub waba_id: &'a str,
    pub phone_number_id: Option<&'a str>,
    pub ordering_key: &'a str,
    pub field: &'a str,
    pub created_at: i64,
}

impl SqlStore {
    /// The outbox inserts of `rows`, for producers to put in their own plan (the payloads
    /// encrypted at rest when the store does).
    pub(crate) fn push_outbox(&self, plan: &mut Plan, rows: &[OutboxRow]) -> StoreResult<()> {
        self.push_guarded_outbox(plan, INSERT_OUTBOX, rows, Vec::new)
    }

    /// An outbox insert per row of `rows`, each applied only if a guard holds. `sql` takes
    /// the row as `$1`–`$7` and the guard's own parameters from `$8` on, made by `guard`.
    pub(crate) fn push_guarded_outbox(
        &self,
        plan: &mut Plan,
        sql: &'static str,
        rows: &[OutboxRow],
        guard: impl Fn() -> Vec<crate::value::Value>,
    ) -> StoreResult<()> {
        for r in rows {
            let mut stmt = self.outbox_stmt(
                Stmt::new(sql, Vec::new()),
                OutboxFields {
                    business_id: &r.business_id,
                    waba_id: &r.waba_id,
                    phone_number_id: r.phone_number_id.as_deref(),
                    ordering_key: &r.ordering_key,
                    field: &r.field,
                    created_at: r.created_at,
                },
                r.value.as_str().to_string(),
            )?;
            stmt.params.extend(guard());
            plan.stmts.push(stmt);
        }
        Ok(())
    }

    /// `stmt`, an insert of one outbox row, with the row's parameters `$1`–`$7` (the payload
    /// encrypted at rest when the store does). On SQLite the statement also carries the row,
    /// for the writer to hand to this process's webhook claims once it is committed.
    pub(crate) fn outbox_stmt(&self, mut stmt: Stmt, row: OutboxFields<'_>, value: String) -> StoreResult<Stmt> {
        let OutboxFields { business_id, waba_id, phone_number_id, ordering_key, field, created_at } = row;
        if let Engine::Sqlite = self.db.engine() {
            stmt.outbox = Some(Box::new(Delivery {
                id: 0,
                business_id: business_id.to_string(),
                waba_id: waba_id.to_string(),
                phone_number_id: phone_number_id.map(str::to_string),
                ordering_key: ordering_key.to_string(),
                field: field.to_string(),
                value: value.clone(),
                created_at,
                state: DeliveryState::Pending,
                attempts: 0,
                next_attempt_at: created_at,
                last_status: None,
                last_error: None,
                delivered_at: None,
                endpoint: None,
                updated_at: None,
                retry_from: created_at,
            }));
        }
        let value = self.seal_body_of(OUTBOX_VALUE, || outbox_row(business_id, ordering_key, created_at), value)?;
        stmt.params = params![business_id, waba_id, phone_number_id, ordering_key, field, value, created_at];
        Ok(stmt)
    }

    /// A message from its row, its bodies opened.
    pub(crate) fn message(&self, r: &Row) -> StoreResult<Message> {
        let id = r.text(0)?;
        let content = self.open_body(MESSAGE_CONTENT, &id, r.text(7)?)?;
        let error = self.open_body_opt(MESSAGE_ERROR, &id, r.opt_text(11)?)?;
        Ok(Message {
            seq: r.i64(1)?,
            phone_number_id: r.text(2)?,
            business_id: r.text(3)?,
            wa_id: r.text(4)?,
            direction: Direction::parse(&r.text(5)?).ok_or_else(|| StoreError::Database("bad direction".into()))?,
            kind: r.text(6)?,
            content: json(&content, 7)?,
            context_id: r.opt_text(8)?,
            biz_opaque: self.open_body_opt(MESSAGE_BIZ_OPAQUE, &id, r.opt_text(9)?)?,
            status: r.wire(10)?,
            error: error.map(|e| json(&e, 11)).transpose()?,
            created_at: r.i64(12)?,
            updated_at: r.i64(13)?,
            expires_at: r.opt_i64(14)?,
            id,
        })
    }

    pub(crate) fn messages(&self, rows: &[Row]) -> StoreResult<Vec<Message>> {
        rows.iter().map(|r| self.message(r)).collect()
    }
}

fn json(text: &str, column: usize) -> StoreResult<Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Database(format!("column {column}: bad JSON: {e}")))
}

fn media(r: &Row) -> StoreResult<Media> {
    Ok(Media {
        id: r.text(0)?,
        business_id: r.text(1)?,
        phone_number_id: r.opt_text(2)?,
        owner_wa_id: r.opt_text(3)?,
        mime_type: r.text(4)?,
        sha256: r.text(5)?,
        file_size: r.i64(6)?,
        filename: r.opt_text(7)?,
        created_at: r.i64(8)?,
        expires_at: r.i64(9)?,
    })
}

fn conversation(r: &Row) -> StoreResult<Conversation> {
    Ok(Conversation {
        phone_number_id: r.text(0)?,
        wa_id: r.text(1)?,
        business_id: r.text(2)?,
        last_inbound_at: r.opt_i64(3)?,
        last_outbound_at: r.opt_i64(4)?,
        last_message_at: r.i64(5)?,
        created_at: r.i64(6)?,
    })
}

/// What a media chunk is bound to when encrypted: its file's SHA-256 and its place in it. Not
/// the media id: a copy of a file (the media a send makes for the customer) shares its chunks'
/// stored bytes, while a chunk moved to another file, or to another place, does not open.
fn chunk_row(sha256: &str, seq: i64) -> String {
    format!("{sha256}\n{seq}")
}

impl SqlStore {
    /// The one way every media chunk goes into the database: encrypted with the newest key when
    /// `encrypt_at_rest` is on (and always when its plain bytes look encrypted, so they read
    /// back as themselves), else as it is.
    pub(crate) fn chunk_to_store(&self, sha256: &str, seq: i64, data: Vec<u8>) -> StoreResult<Vec<u8>> {
        if self.seal_bodies || Keyring::is_sealed_bytes(&data) {
            return self.keys.seal_row_bytes(MEDIA_CHUNK_DATA_COLUMN, &chunk_row(sha256, seq), &data);
        }
        Ok(data)
    }

    /// The one way every media chunk comes out of the database: the inverse of
    /// [`SqlStore::chunk_to_store`], whatever the switch.
    pub(crate) fn chunk_from_store(&self, sha256: &str, seq: i64, stored: Vec<u8>) -> StoreResult<Vec<u8>> {
        self.keys.open_row_bytes(MEDIA_CHUNK_DATA_COLUMN, &chunk_row(sha256, seq), stored)
    }
}

/// The associated data's column name of encrypted media chunks.
const MEDIA_CHUNK_DATA_COLUMN: &str = "media_chunks.data";

fn customer(r: &Row) -> StoreResult<Customer> {
    Ok(Customer { wa_id: r.text(0)?, profile_name: r.text(1)?, created_at: r.i64(2)? })
}

impl SqlStore {
    /// Everything one accepted message writes, as one plan (also used by template sends).
    pub(crate) fn record_plan(&self, new: &NewMessage<'_>) -> StoreResult<Plan> {
        let m = new.message;
        // The conversation row is what concurrent plans contend for. Its callers read no
        // outcome, so many messages' rows may be written by one statement.
        let mut plan = Plan::new().in_lane_of(&format!("{}:{}", m.phone_number_id, m.wa_id)).mergeable();
        if let Some(c) = new.new_customer {
            plan.push(INSERT_CUSTOMER, params![&c.wa_id, &c.profile_name, c.created_at]);
        }
        for copy in &new.media_copies {
            plan.push(INSERT_OBJECT, params![&copy.new_id, ObjectKind::Media.as_str(), &copy.business_id]);
            plan.push(
                COPY_MEDIA,
                params![
                    &copy.new_id,
                    &copy.business_id,
                    copy.phone_number_id.as_deref(),
                    copy.owner_wa_id.as_deref(),
                    copy.created_at,
                    copy.expires_at,
                    &copy.source_id
                ],
            );
            plan.push(COPY_MEDIA_CHUNKS, params![&copy.new_id, &copy.source_id]);
        }
        // SQLite links the message to its chat's last; the conversation's touch below must be
        // the next statement (it names the row just inserted as the chat's last).
        let insert = match self.db.engine() {
            Engine::Sqlite => INSERT_CHAT_MESSAGE,
            Engine::Postgres => INSERT_MESSAGE,
        };
        let mut row = params![
            &m.id,
            m.seq,
            &m.phone_number_id,
            &m.business_id,
            &m.wa_id,
            m.direction.as_str(),
            &m.kind,
            self.seal_body(
                MESSAGE_CONTENT,
                &m.id,
                // Straight into a string, not through `Display`'s formatter (a write call per token).
                new.content_json.map_or_else(|| serde_json::to_string(&m.content).unwrap_or_default(), str::to_owned)
            )?,
            m.context_id.as_deref(),
            self.seal_body_opt(MESSAGE_BIZ_OPAQUE, &m.id, m.biz_opaque.clone())?,
            &m.status,
            self.seal_body_opt(MESSAGE_ERROR, &m.id, m.error.as_ref().map(|e| e.to_string()))?,
            m.created_at,
            m.updated_at,
            m.expires_at
        ];
        row.extend(crate::billing::price_params(new.pricing));
        plan.push(insert, row);
        let mut touch = params![&m.phone_number_id, &m.wa_id, &m.business_id, m.created_at, &m.id];
        match (m.direction, self.db.engine()) {
            (Direction::Inbound, Engine::Postgres) => plan.push(TOUCH_CONVERSATION_INBOUND, touch),
            (Direction::Inbound, Engine::Sqlite) => plan.push(TOUCH_CONVERSATION_RECEIVED, touch),
            (Direction::Outbound, Engine::Postgres) => plan.push(TOUCH_CONVERSATION_OUTBOUND, touch),
            // SQLite finds a customer's undelivered messages from their conversations.
            (Direction::Outbound, Engine::Sqlite) => {
                touch.push((m.status == MessageStatus::Sent).then_some(m.seq).into());
                match m.status {
                    MessageStatus::Failed => plan.push(TOUCH_CONVERSATION_FAILED, touch),
                    _ => plan.push(TOUCH_CONVERSATION_SENT, touch),
                }
            }
        };
        if let Some(p) = new.pricing {
            plan.stmts.extend(crate::billing::pricing_stmts(m, p));
        }
        plan.stmts.extend(crate::billing::referral_stmt(m));
        if let Some(r) = new.reach {
            plan.stmts.extend(crate::quality::reach_stmts(r));
        }
        self.push_outbox(&mut plan, new.outbox)?;
        Ok(plan)
    }
}

#[async_trait]
impl MessageStore for SqlStore {
    async fn customer(&self, wa_id: &str) -> StoreResult<Option<Customer>> {
        let row = self.db.query_opt(CUSTOMER, params![wa_id]).await?;
        row.as_ref().map(customer).transpose()
    }

    async fn upsert_customer(&self, c: &Customer, rename: bool) -> StoreResult<()> {
        let sql = if rename { UPSERT_CUSTOMER } else { INSERT_CUSTOMER };
        self.db.write(Plan::one(sql, params![&c.wa_id, &c.profile_name, c.created_at])).await.map(|_| ())
    }

    async fn conversation(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<Conversation>> {
        let row = self.db.query_opt(CONVERSATION, params![phone_number_id, wa_id]).await?;
        row.as_ref().map(conversation).transpose()
    }

    async fn customer_conversations(&self, wa_id: &str) -> StoreResult<Vec<Conversation>> {
        let rows = self.db.query(CUSTOMER_CONVERSATIONS, params![wa_id]).await?;
        rows.iter().map(conversation).collect()
    }

    async fn record_message(&self, new: &NewMessage<'_>) -> StoreResult<()> {
        self.db.write(self.record_plan(new)?).await.map(|_| ())
    }

    async fn message(&self, id: &str) -> StoreResult<Option<Message>> {
        let row = self.db.query_opt(MESSAGE, params![id]).await?;
        row.as_ref().map(|r| self.message(r)).transpose()
    }

    async fn change_status(&self, change: &StatusChange, outbox: &[OutboxRow]) -> StoreResult<bool> {
        let mut from = change.from.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
        from.resize(3, None);
        let mut plan = Plan::new();
        plan.push(
            CHANGE_STATUS,
            params![
                &change.to,
                self.seal_body_opt(MESSAGE_ERROR, &change.message_id, change.error.as_ref().map(|e| e.to_string()))?,
                change.at,
                &change.message_id,
                from[0].clone(),
                from[1].clone(),
                from[2].clone()
            ],
        );
        // A delivery charges the message in the same commit (guarded the same way).
        plan.stmts.extend(crate::billing::charge_stmt(change));
        // A message leaving `sent` may be the one its conversation's `undelivered_from` names.
        if self.db.engine() == Engine::Sqlite && change.from.contains(&MessageStatus::Sent) {
            plan.push(ADVANCE_UNDELIVERED, params![&change.message_id]);
        }
        // Queue the webhooks only if the update applied: a guarded insert per row keeps it
        // one commit without a read-then-write race.
        self.push_guarded_outbox(&mut plan, OUTBOX_IF_STATUS, outbox, || {
            params![&change.message_id, &change.to, change.at]
        })?;
        let out = self.db.write(plan).await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }

    async fn undelivered(&self, wa_id: &str, now: i64, limit: usize) -> StoreResult<Vec<Message>> {
        let rows = self.db.query(self.db.pick(UNDELIVERED), params![wa_id, now, limit as i64]).await?;
        self.messages(&rows)
    }

    async fn expired_undelivered(&self, now: i64, limit: usize) -> StoreResult<Vec<Message>> {
        let rows = self.db.query(EXPIRED_UNDELIVERED, params![now, limit as i64]).await?;
        self.messages(&rows)
    }

    async fn chat_history(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<Message>> {
        let rows = self
            .db
            .query(
                self.db.pick(CHAT_HISTORY),
                params![phone_number_id, wa_id, before.unwrap_or(i64::MAX), limit as i64],
            )
            .await?;
        self.messages(&rows)
    }

    async fn insert_media(&self, m: &Media) -> StoreResult<()> {
        let mut plan = Plan::one(INSERT_OBJECT, params![&m.id, ObjectKind::Media.as_str(), &m.business_id]);
        plan.push(
            INSERT_MEDIA,
            params![
                &m.id,
                &m.business_id,
                m.phone_number_id.as_deref(),
                m.owner_wa_id.as_deref(),
                &m.mime_type,
                &m.sha256,
                m.file_size,
                m.filename.as_deref(),
                m.created_at,
                m.expires_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn insert_media_chunk(&self, id: &str, seq: i64, data: Vec<u8>) -> StoreResult<()> {
        if data.len() > risala_core::model::MEDIA_CHUNK {
            return Err(StoreError::Database(format!(
                "media chunk of {} bytes (at most {})",
                data.len(),
                risala_core::model::MEDIA_CHUNK
            )));
        }
        let sha256 = self
            .media(id)
            .await?
            .map(|m| m.sha256)
            .ok_or_else(|| StoreError::Database(format!("a chunk of media {id}, which is not stored")))?;
        let stored = self.chunk_to_store(&sha256, seq, data)?;
        self.db.write(Plan::one(INSERT_MEDIA_CHUNK, params![id, seq, stored])).await.map(|_| ())
    }

    async fn set_media_expiry(&self, id: &str, expires_at: i64) -> StoreResult<()> {
        self.db.write(Plan::one(SET_MEDIA_EXPIRY, params![expires_at, id])).await.map(|_| ())
    }

    async fn media(&self, id: &str) -> StoreResult<Option<Media>> {
        let row = self.db.query_opt(MEDIA, params![id]).await?;
        row.as_ref().map(media).transpose()
    }

    async fn media_chunk(&self, id: &str, seq: i64) -> StoreResult<Option<Vec<u8>>> {
        let row = self.db.query_opt(MEDIA_CHUNK_DATA, params![id, seq]).await?;
        row.map(|r| self.chunk_from_store(&r.text(1)?, seq, r.blob(0)?)).transpose()
    }

    async fn delete_media(&self, id: &str) -> StoreResult<bool> {
        let mut plan = Plan::one(DELETE_MEDIA_CHUNKS, params![id]);
        plan.push(DELETE_MEDIA, params![id]);
        plan.push(DELETE_MEDIA_OBJECT, params![id]);
        let out = self.db.write(plan).await?;
        Ok(out.get(1).is_some_and(|o| o.affected > 0))
    }

    async fn expire_media(&self, now: i64) -> StoreResult<u64> {
        let mut plan = Plan::one(EXPIRE_MEDIA_OBJECTS, params![now]);
        plan.push(EXPIRE_MEDIA_CHUNKS, params![now]);
        plan.push(EXPIRE_MEDIA, params![now]);
        let out = self.db.write(plan).await?;
        Ok(out.get(2).map(|o| o.affected).unwrap_or(0))
    }

    async fn create_customer_session(
        &self,
        token_hash: &str,
        wa_id: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        self.db.write(Plan::one(INSERT_CUSTOMER_SESSION, params![token_hash, wa_id, now, expires_at])).await.map(|_| ())
    }

    async fn customer_session(&self, token_hash: &str, now: i64) -> StoreResult<Option<String>> {
        let row = self.db.query_opt(CUSTOMER_SESSION, params![token_hash, now]).await?;
        row.map(|r| r.text(0)).transpose()
    }

    async fn set_customer_code(&self, wa_id: &str, code_hash: &str, expires_at: i64) -> StoreResult<()> {
        self.db.write(Plan::one(SET_CUSTOMER_CODE, params![wa_id, code_hash, expires_at])).await.map(|_| ())
    }

    async fn check_customer_code(
        &self,
        wa_id: &str,
        code_hash: &str,
        now: i64,
        max_failures: i64,
        lock_until: i64,
    ) -> StoreResult<bool> {
        // One plan: concurrent guesses are checked and counted one after the other, so no more
        // than `max_failures` get past the count before the lock.
        let mut plan = Plan::new();
        plan.push(CONSUME_CUSTOMER_CODE, params![wa_id, code_hash, now]);
        // After a consumed code the row is gone and this counts nothing.
        plan.push(COUNT_CUSTOMER_CODE_ATTEMPT, params![max_failures, lock_until, wa_id, now]);
        let out = self.db.write(plan).await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }

    async fn customer_code_state(&self, wa_id: &str) -> StoreResult<Option<(i64, i64)>> {
        let row = self.db.query_opt(CUSTOMER_CODE_STATE, params![wa_id]).await?;
        row.map(|r| Ok((r.i64(0)?, r.i64(1)?))).transpose()
    }
}
