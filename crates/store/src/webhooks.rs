//! Webhook subscriptions and the outbox, written once for both engines. The claim and the
//! "rows by id list" statements differ per engine: PostgreSQL claims with `FOR UPDATE SKIP
//! LOCKED` under a transaction advisory lock (so concurrent nodes never split one conversation),
//! SQLite claims through its single writer.

use async_trait::async_trait;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::db::{Plan, Stmt};
use crate::params;
use crate::value::{Row, Value};
use crate::SqlStore;

const INSERT_OUTBOX: &str = "INSERT INTO outbox (business_id, waba_id, phone_number_id, ordering_key, field, value, created_at, state, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $7)";
const INSERT_OUTBOX_RETURNING: &str = "INSERT INTO outbox (business_id, waba_id, phone_number_id, ordering_key, field, value, created_at, state, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $7) RETURNING id";

fn outbox_params(e: &NewOutboxEvent) -> Vec<Value> {
    params![&e.business_id, &e.waba_id, e.phone_number_id.as_deref(), &e.ordering_key, &e.field, &e.value, e.created_at]
}

/// The statement that queues one webhook change, for producers to put in the same [`Plan`] as
/// the change it reports (a message, a status, a template decision), so the event exists if and
/// only if the change committed. After the plan commits, wake the delivery worker
/// (`risala_core::ports::WebhookWaker::wake`); otherwise it finds the row within its
/// fallback poll interval (1 s by default). `e.value` must be JSON text.
pub fn outbox_insert_stmt(e: &NewOutboxEvent) -> Stmt {
    Stmt::new(INSERT_OUTBOX, outbox_params(e))
}

macro_rules! delivery_cols {
    () => {
        "id, business_id, waba_id, phone_number_id, ordering_key, field, value, created_at, state, attempts, next_attempt_at, last_status, last_error, delivered_at, endpoint, updated_at, COALESCE(retry_from, created_at)"
    };
}

/// A statement over a JSON array of row ids bound as parameter `$p`, in each engine's dialect.
/// SQLite numbers `$N` parameters in order of first appearance, so every statement here uses
/// its parameters in ascending order.
macro_rules! by_ids {
    ($head:literal, $p:literal, $tail:literal) => {
        (
            concat!($head, " id IN (SELECT value FROM json_each(", $p, ")) ", $tail),
            concat!(
                $head,
                " id IN (SELECT CAST(jsonb_array_elements_text(CAST(CAST(",
                $p,
                " AS TEXT) AS jsonb)) AS BIGINT)) ",
                $tail
            ),
        )
    };
}

/// A statement that ends a lease: over a JSON array of row ids bound as `$ids`, and on
/// PostgreSQL only while the lease is still `$owner`'s. SQLite keeps leases in memory (one
/// process owns the database), so its statements take no owner parameter: the owner is always
/// the last parameter, and [`SqlStore::lease_params`] drops it there.
macro_rules! leased {
    ($head:literal, $ids:literal, $owner:literal) => {
        (
            concat!($head, " id IN (SELECT value FROM json_each(", $ids, "))"),
            concat!(
                $head,
                " id IN (SELECT CAST(jsonb_array_elements_text(CAST(CAST(",
                $ids,
                " AS TEXT) AS jsonb)) AS BIGINT)) AND lease_owner = ",
                $owner
            ),
        )
    };
}

// An earlier pending row of the same key blocks while it waits for a retry or holds a lease,
// even an expired one: an expired lease is first re-claimed (the earlier row is itself due),
// and only its recorded outcome clears it. (On PostgreSQL a row being recorded right now is
// skipped by SKIP LOCKED, and the statement's snapshot still shows its lease.)
/// PostgreSQL: lease due rows in the rows themselves, so several nodes can share the outbox.
const CLAIM_PG: &str = concat!(
    "UPDATE outbox SET lease_until = $1, lease_owner = $2 WHERE id IN (",
    "SELECT o.id FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= $3 ",
    "AND (o.lease_until IS NULL OR o.lease_until < $5) ",
    "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ordering_key = o.ordering_key AND p.state = 'pending' ",
    "AND p.id < o.id AND (p.next_attempt_at > $3 OR p.lease_owner IS NOT NULL)) ",
    "ORDER BY o.id LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING ",
    delivery_cols!()
);
/// SQLite: the same question as a read, with the leases this process holds as parameters
/// (`$2` live leases, `$3` every lease, expired or not), so a claim writes nothing.
const CLAIM_SQLITE: &str = concat!(
    "SELECT ",
    delivery_cols!(),
    " FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= $1 ",
    "AND o.id NOT IN (SELECT value FROM json_each($2)) ",
    "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ordering_key = o.ordering_key AND p.state = 'pending' ",
    "AND p.id < o.id AND (p.next_attempt_at > $1 OR p.id IN (SELECT value FROM json_each($3)))) ",
    "ORDER BY o.id LIMIT $4"
);
/// Serialises claims across nodes for the length of one claim transaction, so two nodes never
/// lease two events of one conversation at once.
const PG_CLAIM_LOCK: &str = "SELECT pg_advisory_xact_lock(7436152)";

/// Outbox rows leased to this process's delivery worker, by id, with the lease's end (SQLite).
/// The lock is held from a claim's query until its rows are recorded here, so two claims never
/// take one row.
#[derive(Default)]
pub(crate) struct Leases(tokio::sync::Mutex<std::collections::HashMap<i64, i64>>);

/// Params: at, status, endpoint, ids, owner.
const DELIVERED: (&str, &str) = leased!(
    "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = $1, updated_at = $1, last_status = $2, last_error = NULL, endpoint = $3, lease_until = NULL, lease_owner = NULL WHERE",
    "$4",
    "$5"
);
/// Params (here and the next two): next_attempt_at / counted, at, status, error, endpoint, ids, owner.
const RETRY: (&str, &str) = leased!(
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, updated_at = $2, last_status = $3, last_error = $4, endpoint = $5, lease_until = NULL, lease_owner = NULL WHERE",
    "$6",
    "$7"
);
const DEAD: (&str, &str) = leased!(
    "UPDATE outbox SET state = 'dead', attempts = attempts + $1, updated_at = $2, last_status = $3, last_error = $4, endpoint = $5, lease_until = NULL, lease_owner = NULL WHERE",
    "$6",
    "$7"
);
const DEFER: (&str, &str) = leased!(
    "UPDATE outbox SET next_attempt_at = $1, updated_at = $2, last_status = $3, last_error = $4, endpoint = $5, lease_until = NULL, lease_owner = NULL WHERE",
    "$6",
    "$7"
);
/// Params: ids, owner.
const RELEASE_PG: &str = leased!("UPDATE outbox SET lease_until = NULL, lease_owner = NULL WHERE", "$1", "$2").1;
/// Params: now, ids, business (optional).
const REPLAY_IDS: (&str, &str) = by_ids!(
    "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, retry_from = $1, updated_at = $1, delivered_at = NULL, lease_until = NULL, lease_owner = NULL WHERE",
    "$2",
    "AND state <> 'pending' AND (CAST($3 AS TEXT) IS NULL OR business_id = $3)"
);

fn delivery(r: &Row) -> StoreResult<Delivery> {
    let state = r.text(8)?;
    Ok(Delivery {
        id: r.i64(0)?,
        business_id: r.text(1)?,
        waba_id: r.text(2)?,
        phone_number_id: r.opt_text(3)?,
        ordering_key: r.text(4)?,
        field: r.text(5)?,
        value: r.text(6)?,
        created_at: r.i64(7)?,
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

fn affected(out: &[crate::db::StmtOutcome]) -> u64 {
    out.iter().map(|o| o.affected).sum()
}

impl SqlStore {
    fn pg(&self) -> bool {
        match self.db.engine() {
            Engine::Postgres => true,
            Engine::Sqlite => false,
        }
    }

    /// The parameters of a [`leased!`] statement for this engine: SQLite's take no owner.
    fn lease_params(&self, mut params: Vec<Value>) -> Vec<Value> {
        if !self.pg() {
            params.pop();
        }
        params
    }

    /// Forget this process's leases of these rows (SQLite; a no-op on PostgreSQL).
    async fn end_leases(&self, ids: impl Iterator<Item = &i64>) {
        if !self.pg() {
            let mut leases = self.leases.0.lock().await;
            for id in ids {
                leases.remove(id);
            }
        }
    }

    fn pick(&self, sql: (&'static str, &'static str)) -> &'static str {
        if self.pg() {
            sql.1
        } else {
            sql.0
        }
    }
}

#[async_trait]
impl WebhookStore for SqlStore {
    async fn put_app_subscription(&self, s: &AppSubscription) -> StoreResult<()> {
        let plan = Plan::one(
            "INSERT INTO webhook_app_subscriptions (app_id, object, business_id, callback_url, verify_token, fields, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (app_id, object) DO UPDATE SET callback_url = excluded.callback_url, verify_token = excluded.verify_token, fields = excluded.fields, updated_at = excluded.updated_at",
            params![
                &s.app_id,
                &s.object,
                &s.business_id,
                &s.callback_url,
                &s.verify_token,
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
        let rows = self
            .db
            .query(
                "SELECT app_id, object, business_id, callback_url, verify_token, fields, created_at, updated_at FROM webhook_app_subscriptions WHERE (CAST($1 AS TEXT) IS NULL OR app_id = $1) AND (CAST($2 AS TEXT) IS NULL OR business_id = $2) ORDER BY created_at, app_id",
                params![app_id, business_id],
            )
            .await?;
        rows.iter().map(app_sub).collect()
    }

    async fn delete_app_subscription(&self, app_id: &str, object: &str) -> StoreResult<bool> {
        let out = self
            .db
            .write(Plan::one(
                "DELETE FROM webhook_app_subscriptions WHERE app_id = $1 AND object = $2",
                params![app_id, object],
            ))
            .await?;
        Ok(affected(&out) > 0)
    }

    async fn put_waba_subscription(&self, s: &WabaSubscription) -> StoreResult<()> {
        let plan = Plan::one(
            "INSERT INTO webhook_waba_subscriptions (waba_id, app_id, business_id, override_callback_uri, verify_token, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (waba_id, app_id) DO UPDATE SET override_callback_uri = excluded.override_callback_uri, verify_token = excluded.verify_token",
            params![
                &s.waba_id,
                &s.app_id,
                &s.business_id,
                s.override_callback_uri.as_deref(),
                s.verify_token.as_deref(),
                s.created_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn waba_subscriptions(&self, waba_id: &str) -> StoreResult<Vec<WabaSubscription>> {
        let rows = self
            .db
            .query(
                "SELECT waba_id, app_id, business_id, override_callback_uri, verify_token, created_at FROM webhook_waba_subscriptions WHERE waba_id = $1 ORDER BY created_at, app_id",
                params![waba_id],
            )
            .await?;
        rows.iter().map(waba_sub).collect()
    }

    async fn delete_waba_subscription(&self, waba_id: &str, app_id: &str) -> StoreResult<bool> {
        let out = self
            .db
            .write(Plan::one(
                "DELETE FROM webhook_waba_subscriptions WHERE waba_id = $1 AND app_id = $2",
                params![waba_id, app_id],
            ))
            .await?;
        Ok(affected(&out) > 0)
    }

    async fn put_number_override(&self, o: &NumberOverride) -> StoreResult<()> {
        let plan = Plan::one(
            "INSERT INTO webhook_number_overrides (phone_number_id, waba_id, business_id, callback_url, verify_token, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (phone_number_id) DO UPDATE SET callback_url = excluded.callback_url, verify_token = excluded.verify_token",
            params![&o.phone_number_id, &o.waba_id, &o.business_id, &o.callback_url, &o.verify_token, o.created_at],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn number_override(&self, phone_number_id: &str) -> StoreResult<Option<NumberOverride>> {
        let row = self
            .db
            .query_opt(
                "SELECT phone_number_id, waba_id, business_id, callback_url, verify_token, created_at FROM webhook_number_overrides WHERE phone_number_id = $1",
                params![phone_number_id],
            )
            .await?;
        row.map(|r| {
            Ok(NumberOverride {
                phone_number_id: r.text(0)?,
                waba_id: r.text(1)?,
                business_id: r.text(2)?,
                callback_url: r.text(3)?,
                verify_token: r.text(4)?,
                created_at: r.i64(5)?,
            })
        })
        .transpose()
    }

    async fn delete_number_override(&self, phone_number_id: &str) -> StoreResult<bool> {
        let out = self
            .db
            .write(Plan::one(
                "DELETE FROM webhook_number_overrides WHERE phone_number_id = $1",
                params![phone_number_id],
            ))
            .await?;
        Ok(affected(&out) > 0)
    }

    async fn enqueue(&self, events: &[NewOutboxEvent]) -> StoreResult<Vec<i64>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let mut plan = Plan::new();
        for e in events {
            plan.push_returning(INSERT_OUTBOX_RETURNING, outbox_params(e));
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
    ) -> StoreResult<Vec<Delivery>> {
        let mut rows = if self.pg() {
            let mut plan = Plan::one(PG_CLAIM_LOCK, vec![]);
            plan.push_returning(CLAIM_PG, params![lease_until, owner, now, limit as i64, lease_now]);
            let out = self.db.write(plan).await?;
            out.last().map(|o| o.rows.iter().map(delivery).collect()).unwrap_or(Ok(Vec::new()))?
        } else {
            let mut leases = self.leases.0.lock().await;
            let live: Vec<i64> = leases.iter().filter(|(_, until)| **until >= lease_now).map(|(id, _)| *id).collect();
            let all: Vec<i64> = leases.keys().copied().collect();
            let rows = self
                .db
                .query(CLAIM_SQLITE, params![now, ids_json(&live), ids_json(&all), limit as i64])
                .await?
                .iter()
                .map(delivery)
                .collect::<StoreResult<Vec<_>>>()?;
            for d in &rows {
                leases.insert(d.id, lease_until);
            }
            rows
        };
        rows.sort_by_key(|d: &Delivery| d.id);
        Ok(rows)
    }

    async fn record_attempts(&self, owner: &str, results: &[AttemptResult]) -> StoreResult<()> {
        let mut plan = Plan::new();
        for r in results {
            if r.ids.is_empty() {
                continue;
            }
            let ids = ids_json(&r.ids);
            let endpoint = r.endpoint.as_deref();
            let error = r.error.as_deref();
            let (sql, first) = match &r.outcome {
                Outcome::Delivered => {
                    plan.push(self.pick(DELIVERED), self.lease_params(params![r.at, r.status, endpoint, ids, owner]));
                    continue;
                }
                Outcome::Retry { next_attempt_at } => (RETRY, *next_attempt_at),
                Outcome::Dead { counted } => (DEAD, *counted as i64),
                Outcome::Defer { next_attempt_at } => (DEFER, *next_attempt_at),
            };
            plan.push(self.pick(sql), self.lease_params(params![first, r.at, r.status, error, endpoint, ids, owner]));
        }
        if plan.stmts.is_empty() {
            return Ok(());
        }
        self.db.write(plan).await?;
        self.end_leases(results.iter().flat_map(|r| r.ids.iter())).await;
        Ok(())
    }

    async fn release(&self, owner: &str, ids: &[i64]) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        if self.pg() {
            self.db.write(Plan::one(RELEASE_PG, params![ids_json(ids), owner])).await?;
        }
        self.end_leases(ids.iter()).await;
        Ok(())
    }

    async fn release_all_leases(&self) -> StoreResult<u64> {
        let held = {
            let mut leases = self.leases.0.lock().await;
            let n = leases.len() as u64;
            leases.clear();
            n
        };
        // Rows leased in the table: every lease on PostgreSQL, and on SQLite those left by
        // versions that leased there.
        let out = self
            .db
            .write(Plan::one(
                "UPDATE outbox SET lease_until = NULL, lease_owner = NULL WHERE state = 'pending' AND lease_owner IS NOT NULL",
                vec![],
            ))
            .await?;
        Ok(held + affected(&out))
    }

    async fn next_due_at(&self) -> StoreResult<Option<i64>> {
        let row = self.db.query_opt("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'", vec![]).await?;
        Ok(row.map(|r| r.opt_i64(0)).transpose()?.flatten())
    }

    async fn deliveries(&self, f: &DeliveryFilter) -> StoreResult<Vec<Delivery>> {
        let limit = f.limit.clamp(1, 1000) as i64;
        let state = f.state.map(|s| s.as_str());
        let rows = match f.changed_after {
            Some((at, id)) => {
                self.db
                    .query(
                        concat!(
                            "SELECT ",
                            delivery_cols!(),
                            " FROM outbox WHERE (CAST($1 AS TEXT) IS NULL OR business_id = $1) AND (CAST($2 AS TEXT) IS NULL OR state = $2) AND (CAST($3 AS TEXT) IS NULL OR endpoint = $3) AND updated_at IS NOT NULL AND (updated_at > $4 OR (updated_at = $4 AND id > $5)) ORDER BY updated_at, id LIMIT $6"
                        ),
                        params![f.business_id.as_deref(), state, f.endpoint.as_deref(), at, id, limit],
                    )
                    .await?
            }
            None => {
                self.db
                    .query(
                        concat!(
                            "SELECT ",
                            delivery_cols!(),
                            " FROM outbox WHERE (CAST($1 AS TEXT) IS NULL OR business_id = $1) AND (CAST($2 AS TEXT) IS NULL OR state = $2) AND (CAST($3 AS TEXT) IS NULL OR endpoint = $3) AND (CAST($4 AS BIGINT) IS NULL OR id < $4) ORDER BY id DESC LIMIT $5"
                        ),
                        params![f.business_id.as_deref(), state, f.endpoint.as_deref(), f.before_id, limit],
                    )
                    .await?
            }
        };
        rows.iter().map(delivery).collect()
    }

    async fn delivery(&self, id: i64) -> StoreResult<Option<Delivery>> {
        let row =
            self.db.query_opt(concat!("SELECT ", delivery_cols!(), " FROM outbox WHERE id = $1"), params![id]).await?;
        row.as_ref().map(delivery).transpose()
    }

    async fn replay(&self, ids: &[i64], business_id: Option<&str>, now: i64) -> StoreResult<u64> {
        let out = if ids.is_empty() {
            self.db
                .write(Plan::one(
                    "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, retry_from = $1, updated_at = $1, lease_until = NULL, lease_owner = NULL WHERE state = 'dead' AND (CAST($2 AS TEXT) IS NULL OR business_id = $2)",
                    params![now, business_id],
                ))
                .await?
        } else {
            self.db.write(Plan::one(self.pick(REPLAY_IDS), params![now, ids_json(ids), business_id])).await?
        };
        Ok(affected(&out))
    }

    async fn set_endpoint_paused(&self, url: &str, paused: bool, now: i64) -> StoreResult<()> {
        let mut plan = Plan::one(
            "INSERT INTO webhook_endpoints (url, paused, updated_at) VALUES ($1, $2, $3) ON CONFLICT (url) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at",
            params![url, paused as i64, now],
        );
        if !paused {
            // Rows deferred while the endpoint was paused are due again now.
            plan.push(
                "UPDATE outbox SET next_attempt_at = $1 WHERE state = 'pending' AND endpoint = $2 AND next_attempt_at > $1",
                params![now, url],
            );
        }
        self.db.write(plan).await.map(|_| ())
    }

    async fn endpoints(&self) -> StoreResult<Vec<EndpointState>> {
        let rows = self.db.query("SELECT url, paused, updated_at FROM webhook_endpoints ORDER BY url", vec![]).await?;
        rows.iter().map(|r| Ok(EndpointState { url: r.text(0)?, paused: r.bool(1)?, updated_at: r.i64(2)? })).collect()
    }

    async fn outbox_stats(&self) -> StoreResult<OutboxStats> {
        let row = self
            .db
            .query_opt(
                "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'), (SELECT count(*) FROM outbox WHERE state = 'dead'), (SELECT MIN(created_at) FROM outbox WHERE state = 'pending')",
                vec![],
            )
            .await?;
        let Some(r) = row else { return Ok(OutboxStats::default()) };
        Ok(OutboxStats { pending: r.i64(0)?, dead: r.i64(1)?, oldest_pending_at: r.opt_i64(2)? })
    }

    async fn purge_delivered(&self, before: i64, limit: usize) -> StoreResult<u64> {
        let out = self
            .db
            .write(Plan::one(
                "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state = 'delivered' AND delivered_at < $1 ORDER BY id LIMIT $2)",
                params![before, limit as i64],
            ))
            .await?;
        Ok(affected(&out))
    }
}
