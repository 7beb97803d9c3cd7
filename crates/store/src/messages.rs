//! Messaging storage, written once for both engines.

use async_trait::async_trait;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;
use serde_json::Value;

use crate::db::{Plan, Stmt};
use crate::params;
use crate::sql::messages::*;
use crate::sql::tenancy::INSERT_OBJECT;
use crate::sql::webhooks::INSERT_OUTBOX;
use crate::value::Row;
use crate::SqlStore;

/// The outbox insert, for producers to put in their own plan.
pub fn outbox_stmt(r: &OutboxRow) -> Stmt {
    Stmt::new(
        INSERT_OUTBOX,
        params![
            &r.business_id,
            &r.waba_id,
            r.phone_number_id.as_deref(),
            &r.ordering_key,
            &r.field,
            r.value.to_string(),
            r.created_at
        ],
    )
}

/// An outbox insert that applies only if a guard holds. `sql` takes the row as `$1`–`$7` and
/// the guard's own parameters from `$8` on, given in `guard`.
pub(crate) fn guarded_outbox_stmt(sql: &'static str, r: &OutboxRow, guard: Vec<crate::value::Value>) -> Stmt {
    let mut p = params![
        &r.business_id,
        &r.waba_id,
        r.phone_number_id.as_deref(),
        &r.ordering_key,
        &r.field,
        r.value.to_string(),
        r.created_at
    ];
    p.extend(guard);
    Stmt::new(sql, p)
}

fn json(r: &Row, i: usize) -> StoreResult<Value> {
    serde_json::from_str(&r.text(i)?).map_err(|e| StoreError::Database(format!("column {i}: bad JSON: {e}")))
}

pub(crate) fn message(r: &Row) -> StoreResult<Message> {
    Ok(Message {
        id: r.text(0)?,
        seq: r.i64(1)?,
        phone_number_id: r.text(2)?,
        business_id: r.text(3)?,
        wa_id: r.text(4)?,
        direction: Direction::parse(&r.text(5)?).ok_or_else(|| StoreError::Database("bad direction".into()))?,
        kind: r.text(6)?,
        content: json(r, 7)?,
        context_id: r.opt_text(8)?,
        biz_opaque: r.opt_text(9)?,
        status: r.wire(10)?,
        error: r
            .opt_text(11)?
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|e| StoreError::Database(e.to_string()))?,
        created_at: r.i64(12)?,
        updated_at: r.i64(13)?,
        expires_at: r.opt_i64(14)?,
    })
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

/// The one way every media chunk goes into the database: the place for a per-chunk transform
/// (sealing each chunk for encryption at rest, with its media id and `seq` as associated data).
/// Today the bytes are stored as they are.
fn chunk_to_store(_media_id: &str, _seq: i64, data: Vec<u8>) -> StoreResult<Vec<u8>> {
    Ok(data)
}

/// The one way every media chunk comes out of the database: the inverse of [`chunk_to_store`].
fn chunk_from_store(_media_id: &str, _seq: i64, stored: Vec<u8>) -> StoreResult<Vec<u8>> {
    Ok(stored)
}

fn customer(r: &Row) -> StoreResult<Customer> {
    Ok(Customer { wa_id: r.text(0)?, profile_name: r.text(1)?, created_at: r.i64(2)? })
}

/// Everything one accepted message writes, as one plan (also used by template sends).
pub(crate) fn record_plan(new: &NewMessage<'_>) -> Plan {
    let m = new.message;
    // The conversation row is what concurrent plans contend for.
    let mut plan = Plan::new().in_lane_of(&format!("{}:{}", m.phone_number_id, m.wa_id));
    if let Some(c) = new.new_customer {
        plan.push(INSERT_CUSTOMER, params![&c.wa_id, &c.profile_name, c.created_at]);
    }
    if let Some(copy) = &new.media_copy {
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
    plan.push(
        INSERT_MESSAGE,
        params![
            &m.id,
            m.seq,
            &m.phone_number_id,
            &m.business_id,
            &m.wa_id,
            m.direction.as_str(),
            &m.kind,
            m.content.to_string(),
            m.context_id.as_deref(),
            m.biz_opaque.as_deref(),
            &m.status,
            m.error.as_ref().map(|e| e.to_string()),
            m.created_at,
            m.updated_at,
            m.expires_at
        ],
    );
    let sql = match m.direction {
        Direction::Inbound => TOUCH_CONVERSATION_INBOUND,
        Direction::Outbound => OPEN_CONVERSATION_OUTBOUND,
    };
    plan.push(sql, params![&m.phone_number_id, &m.wa_id, &m.business_id, m.created_at]);
    if let Some(p) = new.pricing {
        plan.stmts.extend(crate::billing::pricing_stmts(m, p));
    }
    plan.stmts.extend(crate::billing::referral_stmt(m));
    if let Some(r) = new.reach {
        plan.stmts.extend(crate::quality::reach_stmts(r));
    }
    for r in new.outbox {
        plan.stmts.push(outbox_stmt(r));
    }
    plan
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
        self.db.write(record_plan(new)).await.map(|_| ())
    }

    async fn message(&self, id: &str) -> StoreResult<Option<Message>> {
        let row = self.db.query_opt(MESSAGE, params![id]).await?;
        row.as_ref().map(message).transpose()
    }

    async fn change_status(&self, change: &StatusChange, outbox: &[OutboxRow]) -> StoreResult<bool> {
        let mut from = change.from.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
        from.resize(3, None);
        let mut plan = Plan::new();
        plan.push(
            CHANGE_STATUS,
            params![
                &change.to,
                change.error.as_ref().map(|e| e.to_string()),
                change.at,
                &change.message_id,
                from[0].clone(),
                from[1].clone(),
                from[2].clone()
            ],
        );
        // A delivery charges the message in the same commit (guarded the same way).
        plan.stmts.extend(crate::billing::charge_stmt(change));
        // Queue the webhooks only if the update applied: a guarded insert per row keeps it
        // one commit without a read-then-write race.
        for r in outbox {
            plan.stmts.push(guarded_outbox_stmt(
                OUTBOX_IF_STATUS,
                r,
                params![&change.message_id, &change.to, change.at],
            ));
        }
        let out = self.db.write(plan).await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }

    async fn undelivered(&self, wa_id: &str, now: i64, limit: usize) -> StoreResult<Vec<Message>> {
        let rows = self.db.query(UNDELIVERED, params![wa_id, now, limit as i64]).await?;
        rows.iter().map(message).collect()
    }

    async fn expired_undelivered(&self, now: i64, limit: usize) -> StoreResult<Vec<Message>> {
        let rows = self.db.query(EXPIRED_UNDELIVERED, params![now, limit as i64]).await?;
        rows.iter().map(message).collect()
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
            .query(CHAT_HISTORY, params![phone_number_id, wa_id, before.unwrap_or(i64::MAX), limit as i64])
            .await?;
        rows.iter().map(message).collect()
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
        let stored = chunk_to_store(id, seq, data)?;
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
        row.map(|r| chunk_from_store(id, seq, r.blob(0)?)).transpose()
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
