//! Rate cards, per-message pricing and the ledger, written once for both engines.
//!
//! The pricing a message gets is stored on the message's own row (`price_params`); the
//! charge is copied into the ledger in the plan of the status change that delivers it
//! (`charge_stmt`), guarded so it applies only if that change did, and keyed by the message id
//! so a message is charged at most once. A failed message has no price: never charged.

use async_trait::async_trait;
use risala_core::clock::Millis;
use risala_core::model::*;
use risala_core::store::*;

use crate::db::{Plan, Stmt};
use crate::params;
use crate::sql::billing::*;
use crate::SqlStore;

/// What a priced message opens besides its own row (which carries the price, see
/// [`price_params`]): its CBP conversation and the free entry point window it answers.
pub fn pricing_stmts(m: &Message, p: &MessagePricing) -> Vec<Stmt> {
    let mut out = Vec::new();
    out.extend(crate::cbp::open_stmt(m, p));
    if let Some(w) = p.entry_point.filter(|w| w.opens) {
        out.push(Stmt::new(OPEN_ENTRY_POINT, params![w.opened_at, w.expires_at, &m.phone_number_id, &m.wa_id]));
    }
    out
}

/// A customer message that arrives through an ad records the entry point (a new arrival
/// replaces an earlier one whose window is not open).
pub fn referral_stmt(m: &Message) -> Option<Stmt> {
    if m.direction != Direction::Inbound || !is_entry_point(&m.content) {
        return None;
    }
    Some(Stmt::new(RECORD_REFERRAL, params![&m.phone_number_id, &m.wa_id, m.created_at]))
}

/// A message's price as its row's `$16`–`$21` (country, category, type, amount in micros, tier,
/// CBP conversation), all NULL for a message that carries none (inbound, failed).
pub fn price_params(p: Option<&MessagePricing>) -> Vec<crate::value::Value> {
    match p {
        Some(p) => params![
            &p.country,
            p.category.as_str(),
            p.kind.as_str(),
            p.amount_micros,
            &p.tier,
            p.cbp.as_ref().map(|c| c.id.as_str())
        ],
        None => vec![crate::value::Value::Null; 6],
    }
}

/// The ledger row of a message this status change delivers (or reads straight from sent),
/// for the change's own plan; nothing when the change did not apply or it was charged before.
/// A message in a CBP conversation carries the conversation's charge if it is the first of it
/// delivered (0 otherwise), and marks the conversation delivered.
pub fn charge_stmt(change: &StatusChange) -> Vec<Stmt> {
    if !matches!(change.to, MessageStatus::Delivered | MessageStatus::Read | MessageStatus::Played) {
        return Vec::new();
    }
    vec![Stmt::new(CHARGE, params![change.at, &change.message_id, &change.to]), crate::cbp::delivered_stmt(change)]
}

#[async_trait]
impl BillingStore for SqlStore {
    async fn load_rate_card(&self, card: &RateCard, effective_from: Millis, loaded_at: Millis) -> StoreResult<String> {
        let id = risala_core::ids::new_object_id();
        let mut plan = Plan::one(INSERT_RATE_CARD, params![&id, &card.name, &card.currency, effective_from, loaded_at]);
        for ((country, category), list) in &card.tiers {
            for (from, micros) in list {
                plan.push(INSERT_RATE_TIER, params![&id, country, category.as_str(), *from, *micros]);
            }
        }
        for ((country, category), micros) in &card.rates {
            plan.push(INSERT_RATE, params![&id, country, category.as_str(), *micros]);
        }
        self.db.write(plan).await?;
        Ok(id)
    }

    async fn rate_cards(&self) -> StoreResult<Vec<RateCardInfo>> {
        let rows = self.db.query(RATE_CARDS, vec![]).await?;
        rows.iter()
            .map(|r| {
                Ok(RateCardInfo {
                    id: r.text(0)?,
                    name: r.text(1)?,
                    currency: r.text(2)?,
                    effective_from: r.i64(3)?,
                    loaded_at: r.i64(4)?,
                    rates: r.i64(5)?,
                })
            })
            .collect()
    }

    async fn rate(&self, country: &str, category: Category, at: Millis) -> StoreResult<Option<i64>> {
        let row = self.db.query_opt(RATE, params![at, category.as_str(), country]).await?;
        row.map(|r| r.i64(0)).transpose()
    }

    async fn entry_point(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<EntryPoint>> {
        let row = self.db.query_opt(ENTRY_POINT, params![phone_number_id, wa_id]).await?;
        row.map(|r| Ok(EntryPoint { referral_at: r.i64(0)?, opened_at: r.opt_i64(1)?, expires_at: r.opt_i64(2)? }))
            .transpose()
    }

    async fn has_entry_points(&self, phone_number_id: &str) -> StoreResult<bool> {
        Ok(self.db.query_opt(ANY_ENTRY_POINT, params![phone_number_id]).await?.is_some())
    }

    async fn conversation_windows(
        &self,
        phone_number_id: &str,
        wa_id: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ConversationWindows>> {
        let rows =
            self.db.query(CONVERSATION_WINDOWS, params![phone_number_id, wa_id.unwrap_or(""), limit as i64]).await?;
        rows.iter()
            .map(|r| {
                let entry_point = match r.opt_i64(4)? {
                    Some(referral_at) => {
                        Some(EntryPoint { referral_at, opened_at: r.opt_i64(5)?, expires_at: r.opt_i64(6)? })
                    }
                    None => None,
                };
                Ok(ConversationWindows {
                    phone_number_id: r.text(0)?,
                    wa_id: r.text(1)?,
                    last_inbound_at: r.opt_i64(2)?,
                    last_message_at: r.i64(3)?,
                    entry_point,
                })
            })
            .collect()
    }

    async fn set_marketing_preference(
        &self,
        business_id: &str,
        wa_id: &str,
        stop: bool,
        at: Millis,
        outbox: &[OutboxRow],
    ) -> StoreResult<()> {
        let mut plan =
            Plan::one(SET_MARKETING_PREFERENCE, params![business_id, wa_id, if stop { "stop" } else { "resume" }, at]);
        self.push_outbox(&mut plan, outbox)?;
        self.db.write(plan).await.map(|_| ())
    }

    async fn marketing_stopped(&self, business_id: &str, wa_id: &str) -> StoreResult<bool> {
        let row = self.db.query_opt(MARKETING_PREFERENCE, params![business_id, wa_id]).await?;
        Ok(row.map(|r| r.text(0)).transpose()?.as_deref() == Some("stop"))
    }

    async fn rate_tiers(&self, country: &str, category: Category, at: Millis) -> StoreResult<Vec<(i64, i64)>> {
        let rows = self.db.query(RATE_TIERS, params![at, category.as_str(), country]).await?;
        rows.iter().map(|r| Ok((r.i64(0)?, r.i64(1)?))).collect()
    }

    async fn month_volume(
        &self,
        business_id: &str,
        category: Category,
        country: &str,
        from: Millis,
    ) -> StoreResult<i64> {
        let row = self.db.query_opt(MONTH_VOLUME, params![business_id, category.as_str(), country, from]).await?;
        row.map(|r| r.i64(0)).transpose().map(|n| n.unwrap_or(0))
    }

    async fn outbound_stats(&self, waba_id: &str, from: Millis, to: Millis) -> StoreResult<Vec<OutboundStat>> {
        let rows = self.db.query(OUTBOUND_STATS, params![waba_id, from, to]).await?;
        rows.iter()
            .map(|r| {
                let status = r.text(3)?;
                let country = risala_core::phone::country_of(&r.text(1)?).unwrap_or("ZZ").to_owned();
                Ok(OutboundStat {
                    phone_number: r.text(0)?,
                    country,
                    created_at: r.i64(2)?,
                    sent: status != "failed",
                    delivered: status == "delivered" || status == "read",
                })
            })
            .collect()
    }

    async fn ledger(&self, waba_id: &str, from: Millis, to: Millis) -> StoreResult<Vec<LedgerEntry>> {
        let rows = self.db.query(LEDGER, params![waba_id, from, to]).await?;
        rows.iter()
            .map(|r| {
                Ok(LedgerEntry {
                    message_id: r.text(0)?,
                    waba_id: r.text(1)?,
                    phone_number_id: r.text(2)?,
                    country: r.text(3)?,
                    category: r.text(4)?,
                    pricing_type: r.text(5)?,
                    amount_micros: r.i64(6)?,
                    charged_at: r.i64(7)?,
                    tier: r.text(8)?,
                })
            })
            .collect()
    }
}
