//! Messaging limits, blocks and quality signals, written once for both engines.

use async_trait::async_trait;
use risala_core::clock::Millis;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::db::{Plan, Stmt};
use crate::params;
use crate::value::Row;
use crate::SqlStore;

/// What a business-initiated message writes in its own plan: the customer's latest reach, and
/// the business's limit row (created at the first reach, marking when half the limit is used).
pub fn reach_stmts(r: &Reach) -> Vec<Stmt> {
    let mut out = vec![Stmt::new(
        "INSERT INTO limit_reach (business_id, wa_id, reached_at) VALUES ($1, $2, $3) ON CONFLICT (business_id, wa_id) DO UPDATE SET reached_at = excluded.reached_at",
        params![&r.business_id, &r.wa_id, r.at],
    )];
    if r.create_row || r.half_used {
        out.push(Stmt::new(
            "INSERT INTO business_limits (business_id, tier, tier_since, half_used_first_at, half_used_last_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (business_id) DO UPDATE SET half_used_first_at = COALESCE(business_limits.half_used_first_at, excluded.half_used_first_at), half_used_last_at = COALESCE(excluded.half_used_last_at, business_limits.half_used_last_at)",
            params![&r.business_id, r.tier.as_str(), r.at, r.half_used.then_some(r.at)],
        ));
    }
    out
}

fn limit(r: &Row, from: usize) -> StoreResult<Option<BusinessLimit>> {
    let Some(tier) = r.opt_text(from + 1)? else { return Ok(None) };
    Ok(Some(BusinessLimit {
        business_id: r.text(from)?,
        tier: Tier::parse(&tier).ok_or_else(|| StoreError::Database(format!("unknown tier {tier}")))?,
        tier_since: r.i64(from + 2)?,
        half_used_first_at: r.opt_i64(from + 3)?,
        half_used_last_at: r.opt_i64(from + 4)?,
    }))
}

/// An outbox insert applied only if `sql`'s guard (from `$8`) holds.
fn guarded(plan: &mut Plan, sql: &'static str, rows: &[OutboxRow], guard: impl Fn() -> Vec<crate::value::Value>) {
    for r in rows {
        plan.stmts.push(crate::messages::guarded_outbox_stmt(sql, r, guard()));
    }
}

macro_rules! outbox_insert_where {
    ($guard:literal) => {
        concat!(
            "INSERT INTO outbox (business_id, waba_id, phone_number_id, ordering_key, field, value, created_at, state, attempts, next_attempt_at) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS BIGINT), 'pending', 0, CAST($7 AS BIGINT) WHERE EXISTS (",
            $guard,
            ")"
        )
    };
}

#[async_trait]
impl QualityStore for SqlStore {
    async fn limit_usage(&self, business_id: &str, wa_id: &str, since: Millis) -> StoreResult<LimitUsage> {
        let r = self
            .db
            .query_opt(
                "SELECT (SELECT COUNT(*) FROM limit_reach WHERE business_id = $1 AND reached_at > $2), (SELECT COUNT(*) FROM limit_reach WHERE business_id = $1 AND wa_id = $3 AND reached_at > $2), b.business_id, b.tier, b.tier_since, b.half_used_first_at, b.half_used_last_at FROM (SELECT 1 AS one) x LEFT JOIN business_limits b ON b.business_id = $1",
                params![business_id, since, wa_id],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(LimitUsage { unique: r.i64(0)?, reached: r.i64(1)? > 0, limit: limit(&r, 2)? })
    }

    async fn business_limit(&self, business_id: &str) -> StoreResult<Option<BusinessLimit>> {
        let r = self
            .db
            .query_opt(
                "SELECT business_id, tier, tier_since, half_used_first_at, half_used_last_at FROM business_limits WHERE business_id = $1",
                params![business_id],
            )
            .await?;
        Ok(match r {
            Some(r) => limit(&r, 0)?,
            None => None,
        })
    }

    async fn change_tier(&self, c: &TierChange<'_>) -> StoreResult<bool> {
        let tier = c.tier.as_str();
        let mut plan = match c.expected {
            Some(old) => Plan::one(
                "UPDATE business_limits SET tier = $1, tier_since = $2, half_used_first_at = NULL, half_used_last_at = NULL WHERE business_id = $3 AND tier = $4 AND tier_since = $5",
                params![tier, c.at, c.business_id, old.tier.as_str(), old.tier_since],
            ),
            None => Plan::one(
                "INSERT INTO business_limits (business_id, tier, tier_since) VALUES ($1, $2, $3) ON CONFLICT (business_id) DO NOTHING",
                params![c.business_id, tier, c.at],
            ),
        };
        plan.push(
            "UPDATE phone_numbers SET messaging_limit_tier = $1 WHERE business_id = $2 AND EXISTS (SELECT 1 FROM business_limits WHERE business_id = $2 AND tier = $1 AND tier_since = $3)",
            params![tier, c.business_id, c.at],
        );
        guarded(
            &mut plan,
            outbox_insert_where!(
                "SELECT 1 FROM business_limits WHERE business_id = $8 AND tier = $9 AND tier_since = $10"
            ),
            c.outbox,
            || params![c.business_id, tier, c.at],
        );
        Ok(self.db.write(plan).await?.first().is_some_and(|o| o.affected == 1))
    }

    async fn limits_due(&self, first_before: Millis, last_after: Millis, limit: usize) -> StoreResult<Vec<String>> {
        let rows = self
            .db
            .query(
                "SELECT business_id FROM business_limits WHERE half_used_first_at <= $1 AND half_used_last_at >= $2 AND tier <> 'TIER_UNLIMITED' ORDER BY business_id LIMIT $3",
                params![first_before, last_after, limit as i64],
            )
            .await?;
        rows.iter().map(|r| r.text(0)).collect()
    }

    async fn number_blocks(&self, phone_number_id: &str) -> StoreResult<Vec<(String, BlockSide)>> {
        let rows = self
            .db
            .query("SELECT wa_id, side FROM chat_blocks WHERE phone_number_id = $1", params![phone_number_id])
            .await?;
        rows.iter()
            .map(|r| {
                let side = r.text(1)?;
                Ok((r.text(0)?, BlockSide::parse(&side).ok_or_else(|| StoreError::Database(side.clone()))?))
            })
            .collect()
    }

    async fn customer_blocks(&self, wa_id: &str) -> StoreResult<Vec<String>> {
        let rows = self
            .db
            .query("SELECT phone_number_id FROM chat_blocks WHERE wa_id = $1 AND side = 'customer'", params![wa_id])
            .await?;
        rows.iter().map(|r| r.text(0)).collect()
    }

    async fn record_feedback(&self, f: &Feedback) -> StoreResult<bool> {
        let mut plan = Plan::new();
        if f.block {
            plan.push(
                "INSERT INTO chat_blocks (phone_number_id, side, wa_id, created_at) VALUES ($1, 'customer', $2, $3) ON CONFLICT DO NOTHING",
                params![&f.phone_number_id, &f.wa_id, f.at],
            );
            // Only a new block is a new signal.
            plan.push(
                "INSERT INTO quality_signals (phone_number_id, wa_id, kind, business_id, at) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), 'block', CAST($3 AS TEXT), CAST($4 AS BIGINT) WHERE EXISTS (SELECT 1 FROM chat_blocks WHERE phone_number_id = $1 AND side = 'customer' AND wa_id = $2 AND created_at = $4) ON CONFLICT (phone_number_id, wa_id, kind) DO UPDATE SET at = excluded.at",
                params![&f.phone_number_id, &f.wa_id, &f.business_id, f.at],
            );
        }
        if f.report {
            plan.push(
                "INSERT INTO quality_signals (phone_number_id, wa_id, kind, business_id, at) VALUES ($1, $2, 'report', $3, $4) ON CONFLICT (phone_number_id, wa_id, kind) DO UPDATE SET at = excluded.at",
                params![&f.phone_number_id, &f.wa_id, &f.business_id, f.at],
            );
        }
        if plan.stmts.is_empty() {
            return Ok(false);
        }
        let out = self.db.write(plan).await?;
        Ok(f.block && out.first().is_some_and(|o| o.affected == 1))
    }

    async fn add_block(&self, phone_number_id: &str, wa_id: &str, side: BlockSide, at: Millis) -> StoreResult<bool> {
        let out = self
            .db
            .write(Plan::one(
                "INSERT INTO chat_blocks (phone_number_id, side, wa_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                params![phone_number_id, side.as_str(), wa_id, at],
            ))
            .await?;
        Ok(out.first().is_some_and(|o| o.affected == 1))
    }

    async fn remove_block(&self, phone_number_id: &str, wa_id: &str, side: BlockSide) -> StoreResult<bool> {
        let out = self
            .db
            .write(Plan::one(
                "DELETE FROM chat_blocks WHERE phone_number_id = $1 AND side = $2 AND wa_id = $3",
                params![phone_number_id, side.as_str(), wa_id],
            ))
            .await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }

    async fn count_blocks(&self, phone_number_id: &str, side: BlockSide) -> StoreResult<i64> {
        let r = self
            .db
            .query_opt(
                "SELECT COUNT(*) FROM chat_blocks WHERE phone_number_id = $1 AND side = $2",
                params![phone_number_id, side.as_str()],
            )
            .await?;
        r.map(|r| r.i64(0)).transpose().map(|n| n.unwrap_or(0))
    }

    async fn page_blocks(
        &self,
        phone_number_id: &str,
        side: BlockSide,
        page: &PageRequest,
    ) -> StoreResult<Page<String>> {
        let limit = page.limit as i64 + 1;
        let backwards = page.before.is_some() && page.after.is_none();
        let mut rows = if backwards {
            self.db
                .query(
                    "SELECT wa_id FROM chat_blocks WHERE phone_number_id = $1 AND side = $2 AND wa_id < $3 ORDER BY wa_id DESC LIMIT $4",
                    params![phone_number_id, side.as_str(), page.before.as_deref(), limit],
                )
                .await?
        } else {
            self.db
                .query(
                    "SELECT wa_id FROM chat_blocks WHERE phone_number_id = $1 AND side = $2 AND (CAST($3 AS TEXT) IS NULL OR wa_id > $3) ORDER BY wa_id LIMIT $4",
                    params![phone_number_id, side.as_str(), page.after.as_deref(), limit],
                )
                .await?
        };
        let more = rows.len() > page.limit;
        rows.truncate(page.limit);
        if backwards {
            rows.reverse();
        }
        let items = rows.iter().map(|r| r.text(0)).collect::<StoreResult<Vec<_>>>()?;
        Ok(if backwards {
            Page { items, has_more_before: more, has_more_after: true }
        } else {
            Page { items, has_more_after: more, has_more_before: page.after.is_some() }
        })
    }

    async fn signals(&self, phone_number_id: &str, since: Millis) -> StoreResult<Vec<Signal>> {
        let rows = self
            .db
            .query(
                "SELECT kind, at FROM quality_signals WHERE phone_number_id = $1 AND at > $2",
                params![phone_number_id, since],
            )
            .await?;
        rows.iter()
            .filter_map(|r| {
                let kind = r.text(0).ok().and_then(|k| SignalKind::parse(&k))?;
                Some(r.i64(1).map(|at| Signal { kind, at }))
            })
            .collect()
    }

    async fn count_sent(&self, phone_number_id: &str, since: Millis, cap: i64) -> StoreResult<i64> {
        let r = self
            .db
            .query_opt(
                "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE phone_number_id = $1 AND direction = 'out' AND status <> 'failed' AND created_at > $2 LIMIT $3) t",
                params![phone_number_id, since, cap],
            )
            .await?;
        r.map(|r| r.i64(0)).transpose().map(|n| n.unwrap_or(0))
    }

    async fn change_rating(&self, c: &RatingChange<'_>) -> StoreResult<bool> {
        let mut plan = Plan::one(
            "UPDATE phone_numbers SET quality_rating = $1, status = $2 WHERE id = $3 AND quality_rating = $4 AND status = $5",
            params![c.rating, c.status, c.phone_number_id, c.expected_rating, c.expected_status],
        );
        guarded(
            &mut plan,
            outbox_insert_where!("SELECT 1 FROM phone_numbers WHERE id = $8 AND quality_rating = $9 AND status = $10"),
            c.outbox,
            || params![c.phone_number_id, c.rating, c.status],
        );
        Ok(self.db.write(plan).await?.first().is_some_and(|o| o.affected == 1))
    }

    async fn numbers_not_green(&self, limit: usize) -> StoreResult<Vec<String>> {
        let rows = self
            .db
            .query(
                "SELECT id FROM phone_numbers WHERE quality_rating IN ('YELLOW', 'RED') OR status IN ('FLAGGED', 'RESTRICTED') ORDER BY id LIMIT $1",
                params![limit as i64],
            )
            .await?;
        rows.iter().map(|r| r.text(0)).collect()
    }

    async fn prune_quality(&self, reach_before: Millis, signals_before: Millis) -> StoreResult<u64> {
        let mut plan = Plan::one("DELETE FROM limit_reach WHERE reached_at < $1", params![reach_before]);
        plan.push("DELETE FROM quality_signals WHERE at < $1", params![signals_before]);
        Ok(self.db.write(plan).await?.iter().map(|o| o.affected).sum())
    }
}
