//! CBP conversations and WABA settings, written once for both engines.
//!
//! A conversation row is inserted in the plan of the message that opens it ([`open_stmt`]),
//! unless one of the same category is already open for that number and customer (another node
//! opened it first), so a category is never charged twice in one window. The first delivery of
//! any message in it marks it delivered ([`delivered_stmt`]) in the plan of that status change,
//! right after the ledger row that takes its charge (see `billing::charge_stmt`).

use async_trait::async_trait;
use risala_core::clock::Millis;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::db::{Plan, Stmt};
use crate::params;
use crate::value::Row;
use crate::SqlStore;

/// The conversation a sent message opens, for the message's own plan.
pub fn open_stmt(m: &Message, p: &MessagePricing) -> Option<Stmt> {
    let c = p.cbp.as_ref().filter(|c| c.opens)?;
    Some(Stmt::new(
        "INSERT INTO cbp_conversations (id, business_id, waba_id, phone_number_id, wa_id, country, category, conversation_type, opened_at, expires_at, amount_micros, delivered_at) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), waba_id, CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS TEXT), CAST($8 AS BIGINT), CAST($9 AS BIGINT), CAST($10 AS BIGINT), NULL FROM phone_numbers WHERE id = $3 AND NOT EXISTS (SELECT 1 FROM cbp_conversations c WHERE c.phone_number_id = $3 AND c.wa_id = $4 AND c.category = $6 AND c.expires_at > $8)",
        params![
            &c.id,
            &m.business_id,
            &m.phone_number_id,
            &m.wa_id,
            &p.country,
            c.category.as_str(),
            c.kind.as_str(),
            c.opened_at,
            c.expires_at,
            c.amount_micros
        ],
    ))
}

/// Marks the conversation of a message this change delivers as delivered (charged), if it was
/// not yet; applies only if the change did.
pub fn delivered_stmt(change: &StatusChange) -> Stmt {
    Stmt::new(
        "UPDATE cbp_conversations SET delivered_at = $1 WHERE delivered_at IS NULL AND id = (SELECT p.conversation_id FROM message_pricing p JOIN messages m ON m.id = p.message_id WHERE p.message_id = $2 AND m.status = $3 AND m.updated_at = $1)",
        params![change.at, &change.message_id, &change.to],
    )
}

fn category(r: &Row, i: usize) -> StoreResult<Category> {
    let s = r.text(i)?;
    Category::parse(&s).ok_or_else(|| StoreError::Database(format!("unknown conversation category {s}")))
}

fn kind(r: &Row, i: usize) -> StoreResult<ConversationType> {
    let s = r.text(i)?;
    ConversationType::parse(&s).ok_or_else(|| StoreError::Database(format!("unknown conversation type {s}")))
}

#[async_trait]
impl CbpStore for SqlStore {
    async fn open_conversations(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        now: Millis,
    ) -> StoreResult<Vec<OpenConversation>> {
        let rows = self
            .db
            .query(
                "SELECT id, category, conversation_type, opened_at, expires_at FROM cbp_conversations WHERE phone_number_id = $1 AND wa_id = $2 AND expires_at > $3",
                params![phone_number_id, wa_id, now],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(OpenConversation {
                    id: r.text(0)?,
                    category: category(r, 1)?,
                    kind: kind(r, 2)?,
                    opened_at: r.i64(3)?,
                    expires_at: r.i64(4)?,
                })
            })
            .collect()
    }

    async fn conversations(&self, waba_id: &str, from: Millis, to: Millis) -> StoreResult<Vec<ConversationRecord>> {
        let rows = self
            .db
            .query(
                "SELECT id, phone_number_id, country, category, conversation_type, opened_at, amount_micros FROM cbp_conversations WHERE waba_id = $1 AND opened_at >= $2 AND opened_at < $3 AND delivered_at IS NOT NULL ORDER BY opened_at, id",
                params![waba_id, from, to],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ConversationRecord {
                    id: r.text(0)?,
                    phone_number_id: r.text(1)?,
                    country: r.text(2)?,
                    category: category(r, 3)?,
                    kind: kind(r, 4)?,
                    opened_at: r.i64(5)?,
                    amount_micros: r.i64(6)?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl WabaSettingsStore for SqlStore {
    async fn waba_settings(&self, waba_id: &str) -> StoreResult<WabaSettings> {
        let row = self
            .db
            .query_opt("SELECT pricing_model, verified FROM waba_settings WHERE waba_id = $1", params![waba_id])
            .await?;
        match row {
            None => Ok(WabaSettings::default()),
            Some(r) => Ok(WabaSettings {
                pricing_model: PricingModel::parse(&r.text(0)?).unwrap_or_default(),
                verified: r.bool(1)?,
            }),
        }
    }

    async fn set_waba_settings(&self, waba_id: &str, s: &WabaSettings, at: Millis) -> StoreResult<()> {
        let plan = Plan::one(
            "INSERT INTO waba_settings (waba_id, pricing_model, verified, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (waba_id) DO UPDATE SET pricing_model = excluded.pricing_model, verified = excluded.verified, updated_at = excluded.updated_at",
            params![waba_id, s.pricing_model.as_str(), s.verified, at],
        );
        self.db.write(plan).await.map(|_| ())
    }
}
