//! Webhook subscriptions and the outbox, written once for both engines; the statements that
//! differ per engine are pairs in `sql::webhooks`.

use async_trait::async_trait;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::at_rest::{outbox_row, OUTBOX_VALUE};
use crate::db::{Engine, Plan, Stmt};
use crate::messages::OutboxFields;
use crate::params;
use crate::secrets::{APP_SUBSCRIPTION_TOKEN, NUMBER_OVERRIDE_TOKEN, WABA_SUBSCRIPTION_TOKEN};
use crate::sql::webhooks::*;
use crate::sqlite::FreshRows;
use crate::value::{Row, Value};
use crate::SqlStore;

/// The schedule of the outbox's pending rows and this process's leases (SQLite). The lock is
/// held from a claim's reads until its rows are leased, so two claims never take one row.
#[derive(Default)]
pub(crate) struct OutboxSchedule(tokio::sync::Mutex<crate::schedule::Schedule>);

/// A delivery from its row, its payload opened.
fn delivery(store: &SqlStore, r: &Row) -> StoreResult<Delivery> {
    let state = r.text(8)?;
    let (business_id, ordering_key, created_at) = (r.text(1)?, r.text(4)?, r.i64(7)?);
    let value = store.open_body(OUTBOX_VALUE, &outbox_row(&business_id, &ordering_key, created_at), r.text(6)?)?;
    Ok(Delivery {
        id: r.i64(0)?,
        business_id,
        waba_id: r.text(2)?,
        phone_number_id: r.opt_text(3)?,
        ordering_key,
        field: r.text(5)?,
        value,
        created_at,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| StoreError::Database(format!("unknown outbox state '{state}'")))?,
        attempts: r.i64(9)?,
        next_attempt_at: r.i64(10)?,
        last_status: r.opt_i64(11)?,
        last_error: r.opt_text(12)?,
        delivered_at: r.opt_i64(13)?,
        endpoint: r.opt_text(14)?,
        updated_at: r.opt_i64(15)?,
        retry_from: r.i64(16)?,
    })
}

fn app_sub(r: &Row) -> StoreResult<AppSubscription> {
    let fields = r.text(5)?;
    Ok(AppSubscription {
        app_id: r.text(0)?,
        object: r.text(1)?,
        business_id: r.text(2)?,
        callback_url: r.text(3)?,
        verify_token: r.text(4)?,
        fields: fields.split(',').filter(|f| !f.is_empty()).map(str::to_string).collect(),
        created_at: r.i64(6)?,
        updated_at: r.i64(7)?,
    })
}

fn waba_sub(r: &Row) -> StoreResult<WabaSubscription> {
    Ok(WabaSubscription {
        waba_id: r.text(0)?,
        app_id: r.text(1)?,
        business_id: r.text(2)?,
        override_callback_uri: r.opt_text(3)?,
        verify_token: r.opt_text(4)?,
        created_at: r.i64(5)?,
    })
}

fn ids_json(ids: &[i64]) -> String {
    let mut s = String::with_capacity(ids.len() * 8 + 2);
    s.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&id.to_string());
    }
    s.push(']');
    s
}

/// `results` with the outcomes that set the same values merged into one, so their rows take
/// one statement: with one change per POST every finished POST is an outcome of its own (a
/// statement per row cost the writer 16 µs per webhook), and the rows a claim decides at once
/// (no callback, a paused endpoint) share their outcome.
fn merge_alike(results: &[AttemptResult]) -> Vec<AttemptResult> {
    type Values<'a> = (&'a Outcome, Option<i64>, Option<&'a str>, Option<&'a str>, i64);
    let mut out: Vec<AttemptResult> = Vec::with_capacity(results.len());
    let mut seen: std::collections::HashMap<Values<'_>, usize> = std::collections::HashMap::new();
    for r in results {
        let values = (&r.outcome, r.status, r.error.as_deref(), r.endpoint.as_deref(), r.at);
        match seen.get(&values) {
            Some(&i) => out[i].ids.extend_from_slice(&r.ids),
            None => {
                seen.insert(values, out.len());
                out.push(r.clone());
            }
        }
    }
    out
}

/// Queue figures from the row of `OUTBOX_STATS` or `BUSINESS_OUTBOX_STATS`.
fn stats_row(row: Option<Row>) -> StoreResult<OutboxStats> {
    let Some(r) = row else { return Ok(OutboxStats::default()) };
    Ok(OutboxStats { pending: r.i64(0)?, dead: r.i64(1)?, oldest_pending_at: r.opt_i64(2)? })
}

fn affected(out: &[crate::db::StmtOutcome]) -> u64 {
    out.iter().map(|o| o.affected).sum()
}

impl SqlStore {
    /// The parameters of a `leased!` statement (`sql::webhooks`) for this engine: SQLite's take no owner.
    fn lease_params(&self, mut params: Vec<Value>) -> Vec<Value> {
        match self.db.engine() {
            Engine::Sqlite => {
                params.pop();
            }
            Engine::Postgres => {}
        }
        params
    }

    /// Forget this process's leases of these rows (SQLite; PostgreSQL keeps them in the rows).
    async fn end_leases(&self, ids: impl Iterator<Item = &i64>) {
        match self.db.engine() {
            Engine::Sqlite => {
                let mut schedule = self.schedule.0.lock().await;
                for id in ids {
                    schedule.end_lease(*id);
                }
            }
            Engine::Postgres => {}
        }
    }

    /// Have SQLite's schedule read every pending row again: a statement changed many at once.
    pub(crate) async fn reschedule(&self) {
        if let Engine::Sqlite = self.db.engine() {
            self.schedule.0.lock().await.invalidate();
        }
    }

    /// SQLite's claim: the rows chosen by the schedule, once it has learnt of the rows made
    /// since the last claim (whole, as they are usually the ones chosen: from the writer, or
    /// read, and kept until chosen); chosen rows not kept are read again by id. The chosen
    /// rows are leased.
    async fn claim_sqlite(
        &self,
        now: i64,
        lease_now: i64,
        lease_until: i64,
        limit: usize,
        per_key: usize,
    ) -> StoreResult<Vec<Delivery>> {
        let mut schedule = self.schedule.0.lock().await;
        if !schedule.loaded() {
            // The rows the writer kept are read with the rest (and one erased since is not).
            let _ = self.db.take_fresh();
            let last = self.db.query_opt(OUTBOX_LAST_ID, vec![]).await?.map(|r| r.i64(0)).transpose()?.unwrap_or(0);
            let rows = self.db.query(OUTBOX_PENDING_UPTO, params![last]).await?;
            schedule.reset(last);
            for r in &rows {
                schedule.add(r.i64(0)?, &r.text(1)?, r.i64(2)?, true);
            }
        }
        // The rows made since the last claim: as the writer handed them over when it has them
        // all, else read (at most a few claims' worth at a time: the rest are newer than all of
        // these and wait for the next claim).
        let seen = schedule.seen();
        let taken = self.db.take_fresh();
        let made = match taken {
            Some(FreshRows { rows, base: Some(base), .. }) if base <= seen && !schedule.read_due() => {
                rows.into_iter().filter(|d| d.id > seen).collect::<Vec<_>>()
            }
            _ => {
                schedule.read_now();
                let most = 4 * limit.max(1);
                let read = self
                    .db
                    .query(OUTBOX_AFTER, params![seen, most as i64])
                    .await?
                    .iter()
                    .map(|r| delivery(self, r))
                    .collect::<StoreResult<Vec<_>>>()?;
                // Read to the end: every row the writer had committed before the take is seen,
                // even the greatest ids if they were deleted since.
                if let (Some(taken), true) = (&taken, read.len() < most) {
                    schedule.saw(taken.last);
                }
                read
            }
        };
        for d in made {
            let pending = d.state == DeliveryState::Pending;
            schedule.add(d.id, &d.ordering_key, d.next_attempt_at, pending);
            if pending {
                schedule.keep(d);
            }
        }
        let picked = schedule.pick(now, lease_now, limit, per_key);
        let mut rows: Vec<Delivery> = Vec::with_capacity(picked.len());
        let mut older = Vec::new();
        for id in picked {
            match schedule.take_kept(id) {
                Some(d) => rows.push(d),
                None => older.push(id),
            }
        }
        if !older.is_empty() {
            let found = self
                .db
                .query(OUTBOX_CLAIMED, params![ids_json(&older)])
                .await?
                .iter()
                .map(|r| delivery(self, r))
                .collect::<StoreResult<Vec<_>>>()?;
            // A chosen row that is gone (erased) or no longer pending leaves the schedule.
            let ids: std::collections::HashSet<i64> = found.iter().map(|d| d.id).collect();
            for id in older.iter().filter(|id| !ids.contains(id)) {
                schedule.forget(*id);
            }
            rows.extend(found);
        }
        for d in &rows {
            schedule.lease(d.id, lease_until);
        }
        Ok(rows)
    }
}

#[async_trait]
impl WebhookStore for SqlStore {
    async fn put_app_subscription(&self, s: &AppSubscription) -> StoreResult<()> {
        let plan = Plan::one(
            PUT_APP_SUBSCRIPTION,
            params![
                &s.app_id,
                &s.object,
                &s.business_id,
                &s.callback_url,
                self.seal(APP_SUBSCRIPTION_TOKEN, &s.verify_token)?,
                s.fields.join(","),
                s.created_at,
                s.updated_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn app_subscriptions(
        &self,
        app_id: Option<&str>,
        business_id: Option<&str>,
    ) -> StoreResult<Vec<AppSubscription>> {
        let rows = self.db.query(APP_SUBSCRIPTIONS, params![app_id, business_id]).await?;
        rows.iter()
            .map(|r| {
                let mut s = app_sub(r)?;
                s.verify_token = self.reveal(APP_SUBSCRIPTION_TOKEN, s.verify_token)?;
                Ok(s)
            })
            .collect()
    }

    async fn delete_app_subscription(&self, app_id: &str, object: &str) -> StoreResult<bool> {
        let out = self.db.write(Plan::one(DELETE_APP_SUBSCRIPTION, params![app_id, object])).await?;
        Ok(affected(&out) > 0)
    }

    async fn put_waba_subscription(&self, s: &WabaSubscription) -> StoreResult<()> {
        let plan = Plan::one(
            PUT_WABA_SUBSCRIPTION,
            params![
                &s.waba_id,
                &s.app_id,
                &s.business_id,
                s.override_callback_uri.as_deref(),
                self.seal_opt(WABA_SUBSCRIPTION_TOKEN, s.verify_token.as_deref())?,
                s.created_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn waba_subscriptions(&self, waba_id: &str) -> StoreResult<Vec<WabaSubscription>> {
        let rows = self.db.query(WABA_SUBSCRIPTIONS, params![waba_id]).await?;
        rows.iter()
            .map(|r| {
                let mut s = waba_sub(r)?;
                s.verify_token = self.reveal_opt(WABA_SUBSCRIPTION_TOKEN, s.verify_token)?;
                Ok(s)
            })
            .collect()
    }

    async fn delete_waba_subscription(&self, waba_id: &str, app_id: &str) -> StoreResult<bool> {
        let out = self.db.write(Plan::one(DELETE_WABA_SUBSCRIPTION, params![waba_id, app_id])).await?;
        Ok(affected(&out) > 0)
    }

    async fn put_number_override(&self, o: &NumberOverride) -> StoreResult<()> {
        let plan = Plan::one(
            PUT_NUMBER_OVERRIDE,
            params![
                &o.phone_number_id,
                &o.waba_id,
                &o.business_id,
                &o.callback_url,
                self.seal(NUMBER_OVERRIDE_TOKEN, &o.verify_token)?,
                o.created_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn number_override(&self, phone_number_id: &str) -> StoreResult<Option<NumberOverride>> {
        let row = self.db.query_opt(NUMBER_OVERRIDE, params![phone_number_id]).await?;
        row.map(|r| {
            Ok(NumberOverride {
                phone_number_id: r.text(0)?,
                waba_id: r.text(1)?,
                business_id: r.text(2)?,
                callback_url: r.text(3)?,
                verify_token: self.reveal(NUMBER_OVERRIDE_TOKEN, r.text(4)?)?,
                created_at: r.i64(5)?,
            })
        })
        .transpose()
    }

    async fn delete_number_override(&self, phone_number_id: &str) -> StoreResult<bool> {
        let out = self.db.write(Plan::one(DELETE_NUMBER_OVERRIDE, params![phone_number_id])).await?;
        Ok(affected(&out) > 0)
    }

    async fn enqueue(&self, events: &[NewOutboxEvent]) -> StoreResult<Vec<i64>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let mut plan = Plan::new();
        for e in events {
            let fields = OutboxFields {
                business_id: &e.business_id,
                waba_id: &e.waba_id,
                phone_number_id: e.phone_number_id.as_deref(),
                ordering_key: &e.ordering_key,
                field: &e.field,
                created_at: e.created_at,
            };
            plan.stmts.push(self.outbox_stmt(
                Stmt::returning(INSERT_OUTBOX_RETURNING, Vec::new()),
                fields,
                e.value.clone(),
            )?);
        }
        let out = self.db.write(plan).await?;
        out.iter().map(|o| o.rows.first().ok_or(StoreError::NotFound).and_then(|r| r.i64(0))).collect()
    }

    async fn claim_due(
        &self,
        now: i64,
        owner: &str,
        lease_now: i64,
        lease_until: i64,
        limit: usize,
        per_key: usize,
    ) -> StoreResult<Vec<Delivery>> {
        let per_key = per_key.max(1);
        let mut rows = match self.db.engine() {
            Engine::Postgres => {
                let mut plan = Plan::one(PG_CLAIM_LOCK, vec![]);
                let per_key = i64::try_from(per_key).unwrap_or(i64::MAX);
                plan.push_returning(CLAIM_PG, params![lease_until, owner, now, lease_now, limit as i64, per_key]);
                let out = self.db.write(plan.replanned()).await?;
                out.last().map(|o| o.rows.iter().map(|r| delivery(self, r)).collect()).unwrap_or(Ok(Vec::new()))?
            }
            Engine::Sqlite => self.claim_sqlite(now, lease_now, lease_until, limit, per_key).await?,
        };
        rows.sort_by_key(|d: &Delivery| d.id);
        Ok(rows)
    }

    async fn record_attempts(&self, owner: &str, results: &[AttemptResult]) -> StoreResult<()> {
        let mut plan = Plan::new();
        for r in &merge_alike(results) {
            if r.ids.is_empty() {
                continue;
            }
            let ids = ids_json(&r.ids);
            let endpoint = r.endpoint.as_deref();
            let error = r.error.as_deref();
            let (sql, first) = match &r.outcome {
                Outcome::Delivered => {
                    plan.push(
                        self.db.pick(DELIVERED),
                        self.lease_params(params![r.at, r.status, endpoint, ids, owner]),
                    );
                    continue;
                }
                Outcome::Retry { next_attempt_at } => (RETRY, *next_attempt_at),
                Outcome::Dead { counted } => (DEAD, *counted as i64),
                Outcome::Defer { next_attempt_at } => (DEFER, *next_attempt_at),
            };
            plan.push(
                self.db.pick(sql),
                self.lease_params(params![first, r.at, r.status, error, endpoint, ids, owner]),
            );
        }
        if plan.stmts.is_empty() {
            return Ok(());
        }
        self.db.write(plan.replanned()).await?;
        if let Engine::Sqlite = self.db.engine() {
            let mut schedule = self.schedule.0.lock().await;
            for r in results {
                let due = match r.outcome {
                    Outcome::Delivered | Outcome::Dead { .. } => None,
                    Outcome::Retry { next_attempt_at } | Outcome::Defer { next_attempt_at } => Some(next_attempt_at),
                };
                for id in &r.ids {
                    schedule.recorded(*id, due);
                }
            }
        }
        Ok(())
    }

    async fn release(&self, owner: &str, ids: &[i64]) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        match self.db.engine() {
            Engine::Postgres => {
                self.db.write(Plan::one(RELEASE_PG, params![ids_json(ids), owner]).replanned()).await?;
            }
            Engine::Sqlite => {}
        }
        self.end_leases(ids.iter()).await;
        Ok(())
    }

    async fn release_all_leases(&self) -> StoreResult<u64> {
        let held = self.schedule.0.lock().await.clear_leases();
        let out = self.db.write(Plan::one(RELEASE_ALL_LEASES, vec![])).await?;
        Ok(held + affected(&out))
    }

    async fn next_due_at(&self) -> StoreResult<Option<i64>> {
        if let Engine::Sqlite = self.db.engine() {
            // The schedule knows every pending row up to the last it saw; a row made since then
            // is due at once (it is due when made). This process's writer says whether there
            // are such rows; another process's are read by a claim within a second (and the
            // worker sleeps no longer than its poll interval).
            let schedule = self.schedule.0.lock().await;
            if schedule.loaded() {
                if self.db.fresh_waiting(schedule.seen()).unwrap_or(true) {
                    return Ok(Some(0));
                }
                return Ok(schedule.next_due());
            }
        }
        let row = self.db.query_opt(NEXT_DUE_AT, vec![]).await?;
        Ok(row.map(|r| r.opt_i64(0)).transpose()?.flatten())
    }

    async fn deliveries(&self, f: &DeliveryFilter) -> StoreResult<Vec<Delivery>> {
        let limit = f.limit.clamp(1, 1000) as i64;
        let state = f.state.map(|s| s.as_str());
        let rows = match f.changed_after {
            Some((at, id)) => {
                self.db
                    .query(
                        DELIVERIES_CHANGED_AFTER,
                        params![f.business_id.as_deref(), state, f.endpoint.as_deref(), at, id, limit],
                    )
                    .await?
            }
            None => {
                self.db
                    .query(
                        DELIVERIES_BEFORE,
                        params![f.business_id.as_deref(), state, f.endpoint.as_deref(), f.before_id, limit],
                    )
                    .await?
            }
        };
        rows.iter().map(|r| delivery(self, r)).collect()
    }

    async fn delivery(&self, id: i64) -> StoreResult<Option<Delivery>> {
        let row = self.db.query_opt(DELIVERY, params![id]).await?;
        row.as_ref().map(|r| delivery(self, r)).transpose()
    }

    async fn replay(&self, ids: &[i64], business_id: Option<&str>, now: i64) -> StoreResult<u64> {
        let out = if ids.is_empty() {
            self.db.write(Plan::one(REPLAY_DEAD, params![now, business_id])).await?
        } else {
            self.db.write(Plan::one(self.db.pick(REPLAY_IDS), params![now, ids_json(ids), business_id])).await?
        };
        let n = affected(&out);
        if n > 0 {
            self.reschedule().await;
        }
        Ok(n)
    }

    async fn set_endpoint_paused(&self, url: &str, paused: bool, now: i64) -> StoreResult<()> {
        let mut plan = Plan::one(SET_ENDPOINT_PAUSED, params![url, paused as i64, now]);
        if !paused {
            plan.push(UNDEFER_ENDPOINT, params![now, url]);
        }
        self.db.write(plan).await?;
        if !paused {
            self.reschedule().await;
        }
        Ok(())
    }

    async fn endpoints(&self) -> StoreResult<Vec<EndpointState>> {
        let rows = self.db.query(ENDPOINTS, vec![]).await?;
        rows.iter().map(|r| Ok(EndpointState { url: r.text(0)?, paused: r.bool(1)?, updated_at: r.i64(2)? })).collect()
    }

    async fn outbox_stats(&self) -> StoreResult<OutboxStats> {
        stats_row(self.db.query_opt(OUTBOX_STATS, vec![]).await?)
    }

    async fn business_outbox_stats(&self, business_id: &str) -> StoreResult<OutboxStats> {
        stats_row(self.db.query_opt(BUSINESS_OUTBOX_STATS, params![business_id]).await?)
    }

    async fn purge_delivered(&self, before: i64, limit: usize) -> StoreResult<u64> {
        let out = self.db.write(Plan::one(PURGE_DELIVERED, params![before, limit as i64])).await?;
        Ok(affected(&out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(ids: &[i64], outcome: Outcome, at: i64) -> AttemptResult {
        AttemptResult { ids: ids.to_vec(), outcome, status: Some(200), error: None, endpoint: Some("u".into()), at }
    }

    #[test]
    fn outcomes_with_the_same_values_share_a_statement() {
        let retry = Outcome::Retry { next_attempt_at: 9 };
        let merged = merge_alike(&[
            result(&[1], Outcome::Delivered, 5),
            result(&[2], retry.clone(), 5),
            result(&[3], Outcome::Delivered, 5),
            result(&[4], Outcome::Delivered, 6),
            result(&[5], retry.clone(), 5),
            result(&[6], Outcome::Retry { next_attempt_at: 10 }, 5),
        ]);
        let ids: Vec<(Vec<i64>, i64)> = merged.iter().map(|r| (r.ids.clone(), r.at)).collect();
        assert_eq!(ids, [(vec![1, 3], 5), (vec![2, 5], 5), (vec![4], 6), (vec![6], 5)]);
        assert_eq!(merged[1].outcome, retry);
    }
}
