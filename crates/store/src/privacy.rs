//! Retention, erasure and the audit log, written once for both engines.

use async_trait::async_trait;
use risala_core::clock::Millis;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;
use serde_json::Value;

use crate::db::Plan;
use crate::params;
use crate::sql::messages::{DELETE_MEDIA, DELETE_MEDIA_CHUNKS, DELETE_MEDIA_OBJECT};
use crate::sql::privacy::*;
use crate::sql::user_ids::{ERASE_NUMBER_CHANGES, ERASE_USERNAME, ERASE_USER_IDS};
use crate::SqlStore;

/// Move the rows kept one per customer (the messaging limit's reach, the quality signals)
/// from the number `from` to `to` (its pseudonym at an erasure, the new number at a number
/// change), merging them with the rows `to` already has (see `MERGE_REACH_TO`). Returns the
/// positions of the two moves in `plan`.
pub(crate) fn move_kept_rows(plan: &mut Plan, to: &str, from: &str) -> [usize; 2] {
    for sql in [MERGE_REACH_TO, MERGE_REACH_FROM, MERGE_SIGNALS_TO, MERGE_SIGNALS_FROM] {
        plan.push(sql, params![to, from]);
    }
    let reach = plan.stmts.len();
    plan.push(PSEUDONYMIZE_REACH, params![to, from]).push(PSEUDONYMIZE_SIGNALS, params![to, from]);
    [reach, reach + 1]
}

/// Delete media by id, with its chunks and its entry in the object index: three statements
/// each, the media row's last.
fn delete_media(plan: &mut Plan, ids: &[String]) {
    for id in ids {
        plan.push(DELETE_MEDIA_CHUNKS, params![id.as_str()]);
        plan.push(DELETE_MEDIA_OBJECT, params![id.as_str()]);
        plan.push(DELETE_MEDIA, params![id.as_str()]);
    }
}

#[async_trait]
impl PrivacyStore for SqlStore {
    async fn bodies_before(&self, before: Millis, limit: usize) -> StoreResult<Vec<Message>> {
        let rows = self.db.query(BODIES_BEFORE, params![before, limit.clamp(1, 10_000) as i64]).await?;
        self.messages(&rows)
    }

    async fn customer_bodies(&self, wa_id: &str) -> StoreResult<Vec<Message>> {
        let rows = self.db.query(CUSTOMER_BODIES, params![wa_id]).await?;
        self.messages(&rows)
    }

    async fn tombstone(&self, ids: &[String], tombstone: &Value, media: &[String], at: Millis) -> StoreResult<u64> {
        if ids.is_empty() && media.is_empty() {
            return Ok(0);
        }
        let body = tombstone.to_string();
        let mut plan = Plan::new();
        for id in ids {
            plan.push(TOMBSTONE_MESSAGE, params![body.as_str(), at, id.as_str()]);
        }
        delete_media(&mut plan, media);
        let out = self.db.write(plan).await?;
        Ok(out.iter().take(ids.len()).map(|o| o.affected).sum())
    }

    async fn erase_customer(&self, e: &Erasure) -> StoreResult<ErasureCounts> {
        let wa = e.wa_id.as_str();
        let ps = e.pseudonym.as_str();
        let mut plan = Plan::new();
        // Order matters: the index rows before the media they name, children before the
        // customer row; each count below reads its statement by position.
        plan.push(ERASE_OUTBOX, params![wa]) // 0
            .push(ERASE_OWNED_MEDIA_CHUNKS, params![wa]) // 1
            .push(ERASE_OWNED_MEDIA_OBJECTS, params![wa]) // 2
            .push(ERASE_OWNED_MEDIA, params![wa]) // 3
            // Each message's price category (NULL for none): a price is kept for billing.
            .push_returning(ERASE_MESSAGES, params![e.tombstone.to_string(), e.at, ps, wa]) // 4
            .push(ERASE_SESSIONS, params![wa]) // 5
            .push(ERASE_CODES, params![wa]) // 6
            .push(ERASE_BLOCKS, params![wa]) // 7
            .push(ERASE_PREFERENCES, params![wa]) // 8
            .push(ERASE_ENTRY_POINTS, params![wa]) // 9
            .push(ERASE_CONVERSATIONS, params![wa]) // 10
            .push(ERASE_CUSTOMER, params![wa]) // 11
            .push(PSEUDONYMIZE_LEDGER, params![ps, wa]) // 12
            .push(PSEUDONYMIZE_CBP, params![ps, wa]); // 13

        // A customer erased before already has rows under the pseudonym: merged, not doubled.
        let kept = move_kept_rows(&mut plan, ps, wa);
        // The inbox's notes on their conversations and the labels on them go with them.
        plan.push(crate::sql::inbox::ERASE_NOTES, params![wa]).push(crate::sql::inbox::ERASE_CHAT_LABELS, params![wa]);
        // When the away message and the greeting last answered them.
        plan.push(crate::sql::hours::ERASE_AUTO_REPLIES, params![wa]);
        // Their contact rows and opt-in records in the businesses' CRMs.
        plan.push(crate::sql::contacts::ERASE_CRM_CONTACTS, params![wa])
            .push(crate::sql::contacts::ERASE_OPT_INS, params![wa]);
        plan.push(crate::sql::broadcasts::ERASE_BROADCAST_RECIPIENTS, params![wa]);
        // Their bot runs: the answers they gave and the transcript.
        plan.push(crate::sql::bots::ERASE_BOT_RUNS, params![wa]);
        // Their impressions and taps on ads stay in the ads' figures under the pseudonym.
        plan.push(crate::sql::ads::MERGE_AD_IMPRESSIONS_TO, params![ps, wa])
            .push(crate::sql::ads::MERGE_AD_IMPRESSIONS_FROM, params![ps, wa])
            .push(crate::sql::ads::PSEUDONYMIZE_AD_IMPRESSIONS, params![ps, wa])
            .push(crate::sql::ads::PSEUDONYMIZE_AD_TAPS, params![ps, wa]);
        // Their orders (payments) stay the business's records, under the pseudonym.
        plan.push(crate::sql::payments::PSEUDONYMIZE_PAYMENT_ORDERS, params![ps, wa]);
        // Their catalog orders too (the note they wrote is removed).
        plan.push(crate::sql::catalogs::PSEUDONYMIZE_ORDERS, params![ps, wa]);
        // Their username, business-scoped user ids and number changes (not counted).
        for sql in [ERASE_USERNAME, ERASE_USER_IDS, ERASE_NUMBER_CHANGES] {
            plan.push(sql, params![wa]);
        }
        let triples = plan.stmts.len();
        delete_media(&mut plan, &e.media_ids); // then triples: chunks, object, media
        let out = self.db.write(plan).await?;
        if out.first().is_some_and(|o| o.affected > 0) {
            // Their webhooks are gone from the outbox.
            self.reschedule().await;
        }
        let n = |i: usize| out.get(i).map(|o| o.affected).unwrap_or(0);
        let sum = |r: std::ops::Range<usize>| r.map(n).sum::<u64>();
        let copies: u64 = (triples..out.len()).skip(2).step_by(3).map(n).sum();
        let priced = out.get(4).map_or(0, |o| o.rows.iter().filter(|r| matches!(r.opt_text(0), Ok(Some(_)))).count());
        Ok(ErasureCounts {
            messages: n(4),
            media: n(3) + copies,
            conversations: n(10),
            profiles: n(11),
            sessions: n(5),
            sign_in_codes: n(6),
            contacts: sum(7..10),
            webhook_deliveries: n(0),
            // The messages' prices stay with them, under the pseudonym.
            pseudonymized: priced as u64 + sum(12..14) + kept.into_iter().map(n).sum::<u64>(),
            code_file_lines: 0,
        })
    }

    async fn record_audit(&self, e: &AuditEntry) -> StoreResult<i64> {
        let plan = {
            let mut p = Plan::new();
            p.push_returning(
                INSERT_AUDIT,
                params![
                    e.at,
                    e.business_id.as_deref(),
                    e.actor.as_str(),
                    e.action.as_str(),
                    e.target.as_str(),
                    e.detail.as_str(),
                    e.address.as_deref()
                ],
            );
            p
        };
        let out = self.db.write(plan).await?;
        let row = out.first().and_then(|o| o.rows.first()).ok_or(StoreError::NotFound)?;
        row.i64(0)
    }

    async fn audit_entries(&self, f: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let rows = self
            .db
            .query(
                AUDIT_ENTRIES,
                params![
                    f.business_id.as_deref(),
                    f.actor.as_deref(),
                    f.action.as_deref(),
                    f.since,
                    f.before_id,
                    f.limit.clamp(1, 1000) as i64
                ],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.i64(0)?,
                    at: r.i64(1)?,
                    business_id: r.opt_text(2)?,
                    actor: r.text(3)?,
                    action: r.text(4)?,
                    target: r.text(5)?,
                    detail: r.text(6)?,
                    address: r.opt_text(7)?,
                })
            })
            .collect()
    }
}
