//! Rate cards, per-message pricing and the ledger, written once for both engines.
//!
//! The pricing a message gets is stored in the message's own plan ([`pricing_stmt`]); the
//! charge is copied into the ledger in the plan of the status change that delivers it
//! ([`charge_stmt`]), guarded so it applies only if that change did, and keyed by the message id
//! so a message is charged at most once. A failed message has no pricing row: never charged.

use async_trait::async_trait;
use risala_core::clock::Millis;
use risala_core::model::*;
use risala_core::store::*;

use crate::db::{Plan, Stmt};
use crate::params;
use crate::SqlStore;

/// The pricing row of a message that was sent, and the free entry point window it opens, for
/// the message's own plan.
pub fn pricing_stmts(m: &Message, p: &MessagePricing) -> Vec<Stmt> {
    let mut out = vec![pricing_stmt(m, p)];
    out.extend(crate::cbp::open_stmt(m, p));
    if let Some(w) = p.entry_point.filter(|w| w.opens) {
        out.push(Stmt::new(
            "UPDATE entry_points SET opened_at = $1, expires_at = $2 WHERE phone_number_id = $3 AND wa_id = $4 AND opened_at IS NULL",
            params![w.opened_at, w.expires_at, &m.phone_number_id, &m.wa_id],
        ));
    }
    out
}

/// A customer message that arrives through an ad records the entry point (a new arrival
/// replaces an earlier one whose window is not open).
pub fn referral_stmt(m: &Message) -> Option<Stmt> {
    if m.direction != Direction::Inbound || !is_entry_point(&m.content) {
        return None;
    }
    Some(Stmt::new(
        "INSERT INTO entry_points (phone_number_id, wa_id, referral_at, opened_at, expires_at) VALUES ($1, $2, $3, NULL, NULL) ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET referral_at = CASE WHEN entry_points.expires_at > excluded.referral_at THEN entry_points.referral_at ELSE excluded.referral_at END, opened_at = CASE WHEN entry_points.expires_at > excluded.referral_at THEN entry_points.opened_at ELSE NULL END, expires_at = CASE WHEN entry_points.expires_at > excluded.referral_at THEN entry_points.expires_at ELSE NULL END",
        params![&m.phone_number_id, &m.wa_id, m.created_at],
    ))
}

fn pricing_stmt(m: &Message, p: &MessagePricing) -> Stmt {
    Stmt::new(
        "INSERT INTO message_pricing (message_id, business_id, waba_id, phone_number_id, wa_id, country, category, pricing_type, amount_micros, created_at, tier, conversation_id) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), waba_id, CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS TEXT), CAST($8 AS BIGINT), CAST($9 AS BIGINT), CAST($10 AS TEXT), CAST($11 AS TEXT) FROM phone_numbers WHERE id = $3",
        params![
            &m.id,
            &m.business_id,
            &m.phone_number_id,
            &m.wa_id,
            &p.country,
            p.category.as_str(),
            p.kind.as_str(),
            p.amount_micros,
            m.created_at,
            &p.tier,
            p.cbp.as_ref().map(|c| c.id.as_str())
        ],
    )
}

/// The ledger row of a message this status change delivers (or reads straight from sent),
/// for the change's own plan; nothing when the change did not apply or it was charged before.
/// A message in a CBP conversation carries the conversation's charge if it is the first of it
/// delivered (0 otherwise), and marks the conversation delivered.
pub fn charge_stmt(change: &StatusChange) -> Vec<Stmt> {
    if change.to != MessageStatus::Delivered && change.to != MessageStatus::Read {
        return Vec::new();
    }
    vec![
        Stmt::new(
            "INSERT INTO ledger (message_id, business_id, waba_id, phone_number_id, wa_id, country, category, pricing_type, amount_micros, charged_at, tier, conversation_id) SELECT p.message_id, p.business_id, p.waba_id, p.phone_number_id, p.wa_id, p.country, p.category, p.pricing_type, CASE WHEN p.conversation_id IS NULL THEN p.amount_micros ELSE COALESCE((SELECT c.amount_micros FROM cbp_conversations c WHERE c.id = p.conversation_id AND c.delivered_at IS NULL), 0) END, CAST($1 AS BIGINT), p.tier, p.conversation_id FROM message_pricing p JOIN messages m ON m.id = p.message_id WHERE p.message_id = $2 AND m.status = $3 AND m.updated_at = CAST($1 AS BIGINT) ON CONFLICT (message_id) DO NOTHING",
            params![change.at, &change.message_id, &change.to],
        ),
        crate::cbp::delivered_stmt(change),
    ]
}

#[async_trait]
impl BillingStore for SqlStore {
    async fn load_rate_card(&self, card: &RateCard, effective_from: Millis, loaded_at: Millis) -> StoreResult<String> {
        let id = risala_core::ids::new_object_id();
        let mut plan = Plan::one(
            "INSERT INTO rate_cards (id, name, currency, effective_from, loaded_at) VALUES ($1, $2, $3, $4, $5)",
            params![&id, &card.name, &card.currency, effective_from, loaded_at],
        );
        for ((country, category), list) in &card.tiers {
            for (from, micros) in list {
                plan.push(
                    "INSERT INTO rate_tiers (card_id, country, category, from_volume, amount_micros) VALUES ($1, $2, $3, $4, $5)",
                    params![&id, country, category.as_str(), *from, *micros],
                );
            }
        }
        for ((country, category), micros) in &card.rates {
            plan.push(
                "INSERT INTO rates (card_id, country, category, amount_micros) VALUES ($1, $2, $3, $4)",
                params![&id, country, category.as_str(), *micros],
            );
        }
        self.db.write(plan).await?;
        Ok(id)
    }

    async fn rate_cards(&self) -> StoreResult<Vec<RateCardInfo>> {
        let rows = self
            .db
            .query(
                "SELECT c.id, c.name, c.currency, c.effective_from, c.loaded_at, (SELECT count(*) FROM rates r WHERE r.card_id = c.id) FROM rate_cards c ORDER BY c.effective_from, c.loaded_at",
                vec![],
            )
            .await?;
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
        // The latest card in effect (a card loaded later for the same date replaces the earlier);
        // the country's own row before the default row `*`.
        let row = self
            .db
            .query_opt(
                "SELECT r.amount_micros FROM rates r WHERE r.card_id = (SELECT id FROM rate_cards WHERE effective_from <= $1 ORDER BY effective_from DESC, loaded_at DESC, id DESC LIMIT 1) AND r.category = $2 AND r.country IN ($3, '*') ORDER BY CASE WHEN r.country = '*' THEN 1 ELSE 0 END LIMIT 1",
                params![at, category.as_str(), country],
            )
            .await?;
        row.map(|r| r.i64(0)).transpose()
    }

    async fn entry_point(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<EntryPoint>> {
        let row = self
            .db
            .query_opt(
                "SELECT referral_at, opened_at, expires_at FROM entry_points WHERE phone_number_id = $1 AND wa_id = $2",
                params![phone_number_id, wa_id],
            )
            .await?;
        row.map(|r| Ok(EntryPoint { referral_at: r.i64(0)?, opened_at: r.opt_i64(1)?, expires_at: r.opt_i64(2)? }))
            .transpose()
    }

    async fn conversation_windows(
        &self,
        phone_number_id: &str,
        wa_id: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ConversationWindows>> {
        let rows = self
            .db
            .query(
                concat!(
                    "SELECT * FROM (SELECT c.phone_number_id, c.wa_id, c.last_inbound_at, ",
                    crate::messages::last_message_at!(),
                    " AS last_message_at, e.referral_at, e.opened_at, e.expires_at FROM conversations c LEFT JOIN entry_points e ON e.phone_number_id = c.phone_number_id AND e.wa_id = c.wa_id WHERE c.phone_number_id = $1 AND ($2 = '' OR c.wa_id = $2)) t ORDER BY last_message_at DESC LIMIT $3"
                ),
                params![phone_number_id, wa_id.unwrap_or(""), limit as i64],
            )
            .await?;
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
        let mut plan = Plan::one(
            "INSERT INTO marketing_preferences (business_id, wa_id, value, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (business_id, wa_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![business_id, wa_id, if stop { "stop" } else { "resume" }, at],
        );
        for r in outbox {
            plan.stmts.push(crate::messages::outbox_stmt(r));
        }
        self.db.write(plan).await.map(|_| ())
    }

    async fn marketing_stopped(&self, business_id: &str, wa_id: &str) -> StoreResult<bool> {
        let row = self
            .db
            .query_opt(
                "SELECT value FROM marketing_preferences WHERE business_id = $1 AND wa_id = $2",
                params![business_id, wa_id],
            )
            .await?;
        Ok(row.map(|r| r.text(0)).transpose()?.as_deref() == Some("stop"))
    }

    async fn rate_tiers(&self, country: &str, category: Category, at: Millis) -> StoreResult<Vec<(i64, i64)>> {
        let rows = self
            .db
            .query(
                "SELECT t.from_volume, t.amount_micros FROM rate_tiers t WHERE t.card_id = (SELECT id FROM rate_cards WHERE effective_from <= $1 ORDER BY effective_from DESC, loaded_at DESC, id DESC LIMIT 1) AND t.category = $2 AND t.country = CASE WHEN EXISTS (SELECT 1 FROM rates r WHERE r.card_id = t.card_id AND r.country = $3 AND r.category = $2) THEN $3 ELSE '*' END ORDER BY t.from_volume",
                params![at, category.as_str(), country],
            )
            .await?;
        rows.iter().map(|r| Ok((r.i64(0)?, r.i64(1)?))).collect()
    }

    async fn month_volume(
        &self,
        business_id: &str,
        category: Category,
        country: &str,
        from: Millis,
    ) -> StoreResult<i64> {
        let row = self
            .db
            .query_opt(
                "SELECT count(*) FROM ledger WHERE business_id = $1 AND category = $2 AND country = $3 AND charged_at >= $4 AND pricing_type = 'regular'",
                params![business_id, category.as_str(), country, from],
            )
            .await?;
        row.map(|r| r.i64(0)).transpose().map(|n| n.unwrap_or(0))
    }

    async fn outbound_stats(&self, waba_id: &str, from: Millis, to: Millis) -> StoreResult<Vec<OutboundStat>> {
        let rows = self
            .db
            .query(
                "SELECT p.number, m.wa_id, m.created_at, m.status FROM messages m JOIN phone_numbers p ON p.id = m.phone_number_id WHERE p.waba_id = $1 AND m.direction = 'out' AND m.created_at >= $2 AND m.created_at < $3",
                params![waba_id, from, to],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let status = r.text(3)?;
                let wa_id = risala_core::phone::WaId::from_trusted(r.text(1)?);
                Ok(OutboundStat {
                    phone_number: r.text(0)?,
                    country: wa_id.country().unwrap_or_else(|| "ZZ".into()),
                    created_at: r.i64(2)?,
                    sent: status != "failed",
                    delivered: status == "delivered" || status == "read",
                })
            })
            .collect()
    }

    async fn ledger(&self, waba_id: &str, from: Millis, to: Millis) -> StoreResult<Vec<LedgerEntry>> {
        let rows = self
            .db
            .query(
                "SELECT message_id, waba_id, phone_number_id, country, category, pricing_type, amount_micros, charged_at, tier FROM ledger WHERE waba_id = $1 AND charged_at >= $2 AND charged_at < $3 ORDER BY charged_at, message_id",
                params![waba_id, from, to],
            )
            .await?;
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
