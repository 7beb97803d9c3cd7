//! Messaging limits, blocks and quality signals, written once for both engines.

use async_trait::async_trait;
use risala_core::clock::Millis;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::db::{Plan, Stmt};
use crate::params;
use crate::sql::quality::*;
use crate::value::Row;
use crate::SqlStore;

/// What a business-initiated message writes in its own plan: the customer's latest reach, and
/// the business's limit row (created at the first reach, marking when half the limit is used).
pub fn reach_stmts(r: &Reach) -> Vec<Stmt> {
    let mut out = vec![Stmt::new(RECORD_REACH, params![&r.business_id, &r.wa_id, r.at])];
    if r.create_row || r.half_used {
        out.push(Stmt::new(
            MARK_LIMIT_USE,
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

#[async_trait]
impl QualityStore for SqlStore {
    async fn limit_usage(&self, business_id: &str, wa_id: &str, since: Millis) -> StoreResult<LimitUsage> {
        let r =
            self.db.query_opt(LIMIT_USAGE, params![business_id, since, wa_id]).await?.ok_or(StoreError::NotFound)?;
        Ok(LimitUsage { unique: r.i64(0)?, reached: r.i64(1)? > 0, limit: limit(&r, 2)? })
    }

    async fn business_limit(&self, business_id: &str) -> StoreResult<Option<BusinessLimit>> {
        let r = self.db.query_opt(BUSINESS_LIMIT, params![business_id]).await?;
        Ok(match r {
            Some(r) => limit(&r, 0)?,
            None => None,
        })
    }

    async fn change_tier(&self, c: &TierChange<'_>) -> StoreResult<bool> {
        let tier = c.tier.as_str();
        let mut plan = match c.expected {
            Some(old) => Plan::one(CHANGE_TIER, params![tier, c.at, c.business_id, old.tier.as_str(), old.tier_since]),
            None => Plan::one(INSERT_TIER, params![c.business_id, tier, c.at]),
        };
        plan.push(SET_NUMBERS_TIER, params![tier, c.business_id, c.at]);
        self.push_guarded_outbox(&mut plan, OUTBOX_IF_TIER, c.outbox, || params![c.business_id, tier, c.at])?;
        Ok(self.db.write(plan).await?.first().is_some_and(|o| o.affected == 1))
    }

    async fn limits_due(&self, first_before: Millis, last_after: Millis, limit: usize) -> StoreResult<Vec<String>> {
        let rows = self.db.query(LIMITS_DUE, params![first_before, last_after, limit as i64]).await?;
        rows.iter().map(|r| r.text(0)).collect()
    }

    async fn number_blocks(&self, phone_number_id: &str) -> StoreResult<Vec<(String, BlockSide)>> {
        let rows = self.db.query(NUMBER_BLOCKS, params![phone_number_id]).await?;
        rows.iter()
            .map(|r| {
                let side = r.text(1)?;
                Ok((r.text(0)?, BlockSide::parse(&side).ok_or_else(|| StoreError::Database(side.clone()))?))
            })
            .collect()
    }

    async fn customer_blocks(&self, wa_id: &str) -> StoreResult<Vec<String>> {
        let rows = self.db.query(CUSTOMER_BLOCKS, params![wa_id]).await?;
        rows.iter().map(|r| r.text(0)).collect()
    }

    async fn record_feedback(&self, f: &Feedback) -> StoreResult<bool> {
        let mut plan = Plan::new();
        if f.block {
            plan.push(INSERT_CUSTOMER_BLOCK, params![&f.phone_number_id, &f.wa_id, f.at]);
            plan.push(SIGNAL_NEW_BLOCK, params![&f.phone_number_id, &f.wa_id, &f.business_id, f.at]);
        }
        if f.report {
            plan.push(SIGNAL_REPORT, params![&f.phone_number_id, &f.wa_id, &f.business_id, f.at]);
        }
        if plan.stmts.is_empty() {
            return Ok(false);
        }
        let out = self.db.write(plan).await?;
        Ok(f.block && out.first().is_some_and(|o| o.affected == 1))
    }

    async fn add_block(&self, phone_number_id: &str, wa_id: &str, side: BlockSide, at: Millis) -> StoreResult<bool> {
        let out = self.db.write(Plan::one(INSERT_BLOCK, params![phone_number_id, side.as_str(), wa_id, at])).await?;
        Ok(out.first().is_some_and(|o| o.affected == 1))
    }

    async fn remove_block(&self, phone_number_id: &str, wa_id: &str, side: BlockSide) -> StoreResult<bool> {
        let out = self.db.write(Plan::one(DELETE_BLOCK, params![phone_number_id, side.as_str(), wa_id])).await?;
        Ok(out.first().is_some_and(|o| o.affected > 0))
    }

    async fn count_blocks(&self, phone_number_id: &str, side: BlockSide) -> StoreResult<i64> {
        let r = self.db.query_opt(COUNT_BLOCKS, params![phone_number_id, side.as_str()]).await?;
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
            self.db.query(BLOCKS_BEFORE, params![phone_number_id, side.as_str(), page.before.as_deref(), limit]).await?
        } else {
            self.db.query(BLOCKS_AFTER, params![phone_number_id, side.as_str(), page.after.as_deref(), limit]).await?
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
        let rows = self.db.query(SIGNALS, params![phone_number_id, since]).await?;
        rows.iter()
            .filter_map(|r| {
                let kind = r.text(0).ok().and_then(|k| SignalKind::parse(&k))?;
                Some(r.i64(1).map(|at| Signal { kind, at }))
            })
            .collect()
    }

    async fn count_sent(&self, phone_number_id: &str, since: Millis, cap: i64) -> StoreResult<i64> {
        let r = self.db.query_opt(COUNT_SENT, params![phone_number_id, since, cap]).await?;
        r.map(|r| r.i64(0)).transpose().map(|n| n.unwrap_or(0))
    }

    async fn change_rating(&self, c: &RatingChange<'_>) -> StoreResult<bool> {
        // The webhook rows are guarded by this change's own token: a guard on the new rating
        // would also pass for a concurrent change to the same rating that did not apply.
        let token = risala_core::ids::new_secret(24);
        let mut plan = Plan::one(
            CHANGE_RATING,
            params![c.rating, c.status, &token, c.phone_number_id, c.expected_rating, c.expected_status],
        );
        self.push_guarded_outbox(&mut plan, OUTBOX_IF_RATING, c.outbox, || params![c.phone_number_id, &token])?;
        Ok(self.db.write(plan).await?.first().is_some_and(|o| o.affected == 1))
    }

    async fn numbers_not_green(&self, limit: usize) -> StoreResult<Vec<String>> {
        let rows = self.db.query(NUMBERS_NOT_GREEN, params![limit as i64]).await?;
        rows.iter().map(|r| r.text(0)).collect()
    }

    async fn prune_quality(&self, reach_before: Millis, signals_before: Millis) -> StoreResult<u64> {
        let mut plan = Plan::one(PRUNE_REACH, params![reach_before]);
        plan.push(PRUNE_SIGNALS, params![signals_before]);
        Ok(self.db.write(plan).await?.iter().map(|o| o.affected).sum())
    }
}
