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
use crate::sql::cbp::*;
use crate::value::Row;
use crate::SqlStore;

/// The conversation a sent message opens, for the message's own plan.
pub fn open_stmt(m: &Message, p: &MessagePricing) -> Option<Stmt> {
    let c = p.cbp.as_ref().filter(|c| c.opens)?;
    Some(Stmt::new(
        OPEN_CONVERSATION,
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
    Stmt::new(MARK_DELIVERED, params![change.at, &change.message_id, &change.to])
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
        let rows = self.db.query(OPEN_CONVERSATIONS, params![phone_number_id, wa_id, now]).await?;
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
        let rows = self.db.query(CONVERSATIONS, params![waba_id, from, to]).await?;
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
        let row = self.db.query_opt(WABA_SETTINGS, params![waba_id]).await?;
        match row {
            None => Ok(WabaSettings::default()),
            Some(r) => Ok(WabaSettings {
                pricing_model: PricingModel::parse(&r.text(0)?).unwrap_or_default(),
                verified: r.bool(1)?,
            }),
        }
    }

    async fn set_waba_settings(&self, waba_id: &str, s: &WabaSettings, at: Millis) -> StoreResult<()> {
        let plan = Plan::one(SET_WABA_SETTINGS, params![waba_id, s.pricing_model.as_str(), s.verified, at]);
        self.db.write(plan).await.map(|_| ())
    }
}
