//! Broadcasts' storage, written once for both engines.

use async_trait::async_trait;
use risala_core::store::*;
use risala_core::StoreError;

use crate::at_rest::MESSAGE_ERROR;
use crate::db::Plan;
use crate::params;
use crate::sql::broadcasts::*;
use crate::value::Row;
use crate::SqlStore;

fn json_col(r: &Row, i: usize, what: &str) -> StoreResult<serde_json::Value> {
    serde_json::from_str(&r.text(i)?).map_err(|e| StoreError::Database(format!("broadcast {what}: {e}")))
}

fn broadcast(r: &Row) -> StoreResult<BroadcastRow> {
    Ok(BroadcastRow {
        id: r.text(0)?,
        business_id: r.text(1)?,
        phone_number_id: r.text(2)?,
        name: r.text(3)?,
        mode: r.text(4)?,
        message: json_col(r, 5, "message")?,
        audience: json_col(r, 6, "audience")?,
        state: r.text(7)?,
        pause_reason: r.opt_text(8)?,
        start_at: r.i64(9)?,
        next_run_at: r.i64(10)?,
        rejected: json_col(r, 11, "rejected")?,
        total: r.i64(12)?,
        created_by: r.opt_text(13)?,
        created_at: r.i64(14)?,
        updated_at: r.i64(15)?,
        started_at: r.opt_i64(16)?,
        finished_at: r.opt_i64(17)?,
    })
}

fn recipient(r: &Row) -> StoreResult<RecipientRow> {
    Ok(RecipientRow {
        seq: r.i64(0)?,
        wa_id: r.text(1)?,
        params: json_col(r, 2, "params")?,
        state: r.text(3)?,
        reason: r.opt_text(4)?,
        message_id: r.opt_text(5)?,
        sent_at: r.opt_i64(6)?,
    })
}

/// Recipients written per plan: one commit each, so a large import does not hold the
/// writer for long.
const INSERT_CHUNK: usize = 2_000;

#[async_trait]
impl BroadcastStore for SqlStore {
    async fn insert_broadcast(&self, b: &BroadcastRow, recipients: &[RecipientRow]) -> StoreResult<()> {
        let rows = recipients.chunks(INSERT_CHUNK);
        let mut plans = Vec::new();
        for chunk in rows {
            let mut plan = Plan::new();
            for r in chunk {
                plan.push(
                    INSERT_RECIPIENT,
                    params![
                        &b.id,
                        r.seq,
                        &r.wa_id,
                        r.params.to_string(),
                        &r.state,
                        r.reason.as_deref(),
                        r.message_id.as_deref(),
                        r.sent_at
                    ],
                );
            }
            plans.push(plan);
        }
        let head = Plan::one(
            INSERT_BROADCAST,
            params![
                &b.id,
                &b.business_id,
                &b.phone_number_id,
                &b.name,
                &b.mode,
                b.message.to_string(),
                b.audience.to_string(),
                &b.state,
                b.pause_reason.as_deref(),
                b.start_at,
                b.next_run_at,
                b.rejected.to_string(),
                b.total,
                b.created_by.as_deref(),
                b.created_at,
                b.updated_at,
                b.started_at,
                b.finished_at
            ],
        );
        // The broadcast row first (the recipients reference it), in the first plan.
        match plans.first_mut() {
            Some(first) => {
                let mut p = head;
                p.stmts.append(&mut first.stmts);
                *first = p;
            }
            None => plans.push(head),
        }
        for plan in plans {
            self.db.write(plan).await?;
        }
        Ok(())
    }

    async fn broadcast(&self, id: &str) -> StoreResult<Option<BroadcastRow>> {
        self.db.query_opt(BROADCAST, params![id]).await?.as_ref().map(broadcast).transpose()
    }

    async fn broadcasts(&self, business_id: &str, phone_number_id: Option<&str>) -> StoreResult<Vec<BroadcastRow>> {
        let rows = self.db.query(BROADCASTS, params![business_id, phone_number_id]).await?;
        rows.iter().map(broadcast).collect()
    }

    async fn set_broadcast_state(
        &self,
        id: &str,
        from: &[&str],
        state: &str,
        pause_reason: Option<&str>,
        next_run_at: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let s = |i: usize| from.get(i).copied().unwrap_or("");
        let plan = Plan::one(SET_BROADCAST_STATE, params![state, pause_reason, next_run_at, now, id, s(0), s(1), s(2)]);
        self.changed(plan, 0).await
    }

    async fn due_broadcasts(&self, owner: &str, now: i64, limit: usize) -> StoreResult<Vec<String>> {
        let rows = self.db.query(DUE_BROADCASTS, params![now, owner, limit as i64]).await?;
        rows.iter().map(|r| r.text(0)).collect()
    }

    async fn lease_broadcast(&self, id: &str, owner: &str, now: i64, until: i64) -> StoreResult<bool> {
        self.changed(Plan::one(LEASE_BROADCAST, params![owner, until, id, now]), 0).await
    }

    async fn release_broadcast(&self, id: &str, owner: &str) -> StoreResult<()> {
        self.db.write(Plan::one(RELEASE_BROADCAST, params![id, owner])).await.map(|_| ())
    }

    async fn queued_recipients(&self, broadcast_id: &str, limit: usize) -> StoreResult<Vec<RecipientRow>> {
        let rows = self.db.query(QUEUED_RECIPIENTS, params![broadcast_id, limit as i64]).await?;
        rows.iter().map(recipient).collect()
    }

    async fn record_recipients(&self, broadcast_id: &str, outcomes: &[RecipientOutcome<'_>]) -> StoreResult<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let mut plan = Plan::new();
        for o in outcomes {
            plan.push(RECORD_RECIPIENT, params![o.state, o.reason, o.message_id, o.at, broadcast_id, o.seq]);
        }
        self.db.write(plan).await.map(|_| ())
    }

    async fn recipient_counts(&self, broadcast_id: &str) -> StoreResult<RecipientCounts> {
        let Some(r) = self.db.query_opt(RECIPIENT_COUNTS, params![broadcast_id]).await? else {
            return Ok(RecipientCounts::default());
        };
        Ok(RecipientCounts {
            queued: r.i64(0)?,
            sent: r.i64(1)?,
            delivered: r.i64(2)?,
            read: r.i64(3)?,
            failed: r.i64(4)?,
            skipped_opted_out: r.i64(5)?,
            skipped_blocked: r.i64(6)?,
            replied: r.i64(7)?,
        })
    }

    async fn report(&self, broadcast_id: &str, after_seq: i64, limit: usize) -> StoreResult<Vec<ReportRow>> {
        let rows = self.db.query(REPORT, params![broadcast_id, after_seq, limit as i64]).await?;
        rows.iter()
            .map(|r| {
                let recipient = recipient(r)?;
                // The error is sealed at rest under its message's id, like the message.
                let message_error = match &recipient.message_id {
                    Some(id) => self.open_body_opt(MESSAGE_ERROR, id, r.opt_text(8)?)?,
                    None => None,
                };
                Ok(ReportRow { recipient, message_status: r.opt_text(7)?, message_error, replied: r.i64(9)? != 0 })
            })
            .collect()
    }

    async fn labelled_customers(&self, phone_number_id: &str, label_ids: &[String]) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        for label in label_ids {
            for r in self.db.query(LABELLED_CUSTOMERS, params![phone_number_id, label]).await? {
                out.push(r.text(0)?);
            }
        }
        Ok(out)
    }

    async fn wrote_to(&self, phone_number_id: &str, wa_ids: &[String]) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        for wa in wa_ids {
            if let Some(r) = self.db.query_opt(WROTE_TO, params![phone_number_id, wa]).await? {
                out.push(r.text(0)?);
            }
        }
        Ok(out)
    }
}
