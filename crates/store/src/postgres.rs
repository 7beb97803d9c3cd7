//! PostgreSQL: a connection pool for reads, and a batching writer that commits concurrent
//! plans in shared transactions. A batch runs without savepoints (no extra round trips); if
//! any plan fails, the batch is rolled back and its plans are retried one transaction each,
//! so only the failing plan fails.

use std::str::FromStr;
use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use risala_core::StoreError;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{mpsc, oneshot};
use tokio_postgres::types::ToSql;
use tokio_postgres::NoTls;

use crate::db::{Plan, Stmt, StmtOutcome};
use crate::migrate;
use crate::sql::engine as sql;
use crate::value::{Row, Value};

const MAX_BATCH: usize = 512;
/// Writer lanes: batches in flight at once, each on its own connection.
const WRITERS: usize = 4;
const POOL_SIZE: usize = 16;

type Reply = oneshot::Sender<Result<Vec<StmtOutcome>, StoreError>>;

#[derive(Clone)]
pub struct PgDb {
    pool: Pool,
    lanes: Arc<Vec<mpsc::UnboundedSender<(Plan, Reply)>>>,
    /// Round robin for plans without a lane key.
    next: Arc<AtomicUsize>,
}

fn map_err(e: tokio_postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        if code.starts_with("23") {
            return StoreError::Conflict(db.message().to_string());
        }
        return StoreError::Database(format!("{}: {}", code, db.message()));
    }
    if e.is_closed() {
        return StoreError::Unavailable(e.to_string());
    }
    StoreError::Database(e.to_string())
}

fn pool_err(e: deadpool_postgres::PoolError) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn params_ref(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

async fn run_query(client: &deadpool_postgres::Client, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
    let stmt = client.prepare_cached(sql).await.map_err(map_err)?;
    let rows = client.query(&stmt, &params_ref(params)).await.map_err(map_err)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let mut vals = Vec::with_capacity(r.len());
        for i in 0..r.len() {
            vals.push(Value::from_pg(r, i).map_err(map_err)?);
        }
        out.push(Row(vals));
    }
    Ok(out)
}

async fn run_stmt(
    client: &deadpool_postgres::Client,
    stmt: tokio_postgres::Statement,
    s: &crate::db::Stmt,
) -> Result<StmtOutcome, StoreError> {
    let params = params_ref(&s.params);
    if s.returning {
        let rows = client.query(&stmt, &params).await.map_err(map_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut vals = Vec::with_capacity(r.len());
            for i in 0..r.len() {
                vals.push(Value::from_pg(r, i).map_err(map_err)?);
            }
            out.push(Row(vals));
        }
        Ok(StmtOutcome { affected: out.len() as u64, rows: out })
    } else {
        let n = client.execute(&stmt, &params).await.map_err(map_err)?;
        Ok(StmtOutcome { affected: n, rows: Vec::new() })
    }
}

/// One statement of a batch: a plan's own, one over the rows of several plans, or a setting
/// without parameters or outcome around a plan's statements.
enum Unit<'a> {
    One(&'a Stmt),
    Setting(&'static str),
    /// `sql` is the form over arrays (from [`crate::sql::MERGED`]) of the statement of `rows`.
    Merged {
        sql: &'static str,
        rows: Vec<&'a Stmt>,
    },
}

/// The order a batch's statements run in, and which unit answers each plan's statements.
struct Schedule<'a> {
    units: Vec<Unit<'a>>,
    /// Per plan, per statement: the index of its unit.
    of_plan: Vec<Vec<usize>>,
}

/// The form over arrays of `sql`, if it has one.
fn merged_form(sql: &str) -> Option<&'static str> {
    crate::sql::MERGED.iter().find(|(one, _)| *one == sql).map(|(_, many)| *many)
}

/// Whether `plan` may share statements with other plans of its batch.
fn merges(plan: &Plan) -> bool {
    plan.mergeable && !plan.replan && plan.lane.is_some()
}

fn same_shape(a: &Plan, b: &Plan) -> bool {
    a.stmts.len() == b.stmts.len() && a.stmts.iter().zip(&b.stmts).all(|(x, y)| x.sql == y.sql)
}

/// Plan the batch's statements. Without `merge`, each plan's statements in turn. With it,
/// consecutive [`Plan::mergeable`] plans of the same shape, each in a lane of its own (so of
/// another conversation: they touch different rows), run column by column: a statement that
/// has a form over arrays runs once for the whole group, the others once per plan, in plan
/// order. Each plan's statements keep their order, and a group behaves as its plans one after
/// the other, since they share no rows; an upsert never meets its own row twice. A
/// [`Plan::replanned`] plan's statements run between settings that plan them at each
/// execution (the transaction is shared with other plans, so only for its own).
fn schedule<'a>(plans: &[&'a Plan], merge: bool) -> Schedule<'a> {
    let mut out = Schedule { units: Vec::new(), of_plan: plans.iter().map(|p| vec![0; p.stmts.len()]).collect() };
    let mut i = 0;
    while i < plans.len() {
        // The group that starts at plan i: plans i..j.
        let mut j = i + 1;
        let first = plans[i];
        if merge && merges(first) && first.stmts.iter().any(|s| merged_form(s.sql).is_some()) {
            let mut lanes = std::collections::HashSet::from([first.lane]);
            while j < plans.len() && merges(plans[j]) && same_shape(first, plans[j]) && lanes.insert(plans[j].lane) {
                j += 1;
            }
        }
        if first.replan {
            out.units.push(Unit::Setting(sql::CUSTOM_PLANS));
        }
        for c in 0..first.stmts.len() {
            match merged_form(first.stmts[c].sql).filter(|_| j - i > 1) {
                Some(sql) => {
                    let n = out.units.len();
                    out.units.push(Unit::Merged { sql, rows: plans[i..j].iter().map(|p| &p.stmts[c]).collect() });
                    for k in i..j {
                        out.of_plan[k][c] = n;
                    }
                }
                None => {
                    for (k, plan) in plans.iter().enumerate().take(j).skip(i) {
                        out.of_plan[k][c] = out.units.len();
                        out.units.push(Unit::One(&plan.stmts[c]));
                    }
                }
            }
        }
        if first.replan {
            out.units.push(Unit::Setting(sql::DEFAULT_PLANS));
        }
        i = j;
    }
    out
}

/// Prepare (or take from the cache) every statement of a schedule. Prepared first: a
/// statement still to prepare would take a round trip of its own, and a batch's COMMIT must
/// not go out before its statements.
async fn prepare_units(
    client: &deadpool_postgres::Client,
    schedule: &Schedule<'_>,
) -> Result<Vec<tokio_postgres::Statement>, StoreError> {
    let mut prepared = Vec::with_capacity(schedule.units.len());
    for u in &schedule.units {
        let sql = match u {
            Unit::One(s) => s.sql,
            Unit::Setting(sql) | Unit::Merged { sql, .. } => sql,
        };
        prepared.push(client.prepare_cached(sql).await.map_err(map_err)?);
    }
    Ok(prepared)
}

/// Run a merged statement: its `$N` is the array of its rows' `$N` values.
async fn run_merged(
    client: &deadpool_postgres::Client,
    stmt: tokio_postgres::Statement,
    rows: &[&Stmt],
) -> Result<(), StoreError> {
    let columns: Vec<Vec<&Value>> = (0..stmt.params().len())
        .map(|c| rows.iter().map(|r| r.params.get(c).unwrap_or(&Value::Null)).collect())
        .collect();
    let params: Vec<&(dyn ToSql + Sync)> = columns.iter().map(|c| c as &(dyn ToSql + Sync)).collect();
    client.execute(&stmt, &params).await.map_err(map_err)?;
    Ok(())
}

/// Run a schedule's statements pipelined (each request goes out when its future is first
/// polled: PostgreSQL executes them in order, so a batch costs about one round trip instead
/// of one per statement), and give each plan its outcomes; a merged statement's are empty.
/// Any failure fails the whole call (the transaction is then aborted anyway).
async fn execute_units(
    client: &deadpool_postgres::Client,
    prepared: Vec<tokio_postgres::Statement>,
    schedule: &Schedule<'_>,
) -> Result<Vec<Vec<StmtOutcome>>, StoreError> {
    let runs = prepared.into_iter().zip(&schedule.units).map(|(stmt, u)| async move {
        match u {
            Unit::One(s) => run_stmt(client, stmt, s).await,
            Unit::Setting(_) => client.execute(&stmt, &[]).await.map(|_| StmtOutcome::default()).map_err(map_err),
            Unit::Merged { rows, .. } => run_merged(client, stmt, rows).await.map(|_| StmtOutcome::default()),
        }
    });
    let mut results = Vec::with_capacity(schedule.units.len());
    for r in futures_util::future::join_all(runs).await {
        results.push(r?);
    }
    // Each outcome moves to its plan; a merged statement's (empty) one is taken by the first
    // of its plans and the others get the empty default.
    Ok(schedule.of_plan.iter().map(|units| units.iter().map(|&u| std::mem::take(&mut results[u])).collect()).collect())
}

async fn run_plan(client: &deadpool_postgres::Client, plan: &Plan) -> Result<Vec<StmtOutcome>, StoreError> {
    let schedule = schedule(&[plan], false);
    let prepared = prepare_units(client, &schedule).await?;
    Ok(execute_units(client, prepared, &schedule).await?.pop().unwrap_or_default())
}

async fn one_transaction(client: &deadpool_postgres::Client, plan: &Plan) -> Result<Vec<StmtOutcome>, StoreError> {
    client.batch_execute("BEGIN").await.map_err(map_err)?;
    match run_plan(client, plan).await {
        Ok(r) => {
            client.batch_execute("COMMIT").await.map_err(map_err)?;
            Ok(r)
        }
        Err(e) => {
            let _ = client.batch_execute("ROLLBACK").await;
            Err(e)
        }
    }
}

async fn commit_batch(pool: Pool, mut batch: Vec<(Plan, Reply)>) {
    // Every node takes the row locks of its batches in one order: the plans with a lane key
    // by key (the same conversation's plans keep their order), then the others in theirs.
    // Batches of two nodes that share conversations then wait for each other instead of
    // deadlocking (which PostgreSQL breaks only after `deadlock_timeout`, a second, and
    // this writer then retries each plan alone). The plans of one batch are concurrent
    // requests, so any order among different conversations is theirs. A merged statement
    // writes its rows in the order of its arrays (`WITH ORDINALITY … ORDER BY`), whatever plan
    // PostgreSQL chose for it.
    batch.sort_by_key(|(p, _)| (p.lane.is_none(), p.lane));
    let client = match pool.get().await {
        Ok(c) => c,
        Err(e) => {
            let e = pool_err(e);
            for (_, reply) in batch {
                let _ = reply.send(Err(StoreError::Unavailable(e.to_string())));
            }
            return;
        }
    };
    // BEGIN, every statement and COMMIT go out in one pipeline: one round trip per batch. If
    // a statement fails, PostgreSQL aborts the transaction and answers the COMMIT by rolling
    // back, and each plan is then run in a transaction of its own.
    let shared = async {
        let plans: Vec<&Plan> = batch.iter().map(|(p, _)| p).collect();
        let schedule = schedule(&plans, true);
        let prepared = prepare_units(&client, &schedule).await?;
        // `join3` polls its futures in order: BEGIN, the statements, COMMIT.
        let (begun, results, committed) = futures_util::future::join3(
            client.batch_execute("BEGIN"),
            execute_units(&client, prepared, &schedule),
            client.batch_execute("COMMIT"),
        )
        .await;
        begun.map_err(map_err)?;
        match results {
            Ok(results) => {
                committed.map_err(map_err)?;
                Ok(results)
            }
            Err(e) => Err(e),
        }
    }
    .await;
    match shared {
        Ok(results) => {
            for ((_, reply), r) in batch.into_iter().zip(results) {
                let _ = reply.send(Ok(r));
            }
        }
        Err(StoreError::Unavailable(msg)) => {
            for (_, reply) in batch {
                let _ = reply.send(Err(StoreError::Unavailable(msg.clone())));
            }
        }
        Err(_) => {
            // Some plan failed: isolate it by committing each plan alone.
            for (plan, reply) in batch {
                let _ = reply.send(one_transaction(&client, &plan).await);
            }
        }
    }
}

impl PgDb {
    pub async fn connect(url: &str) -> Result<PgDb, StoreError> {
        let cfg = tokio_postgres::Config::from_str(url)
            .map_err(|e| StoreError::Database(format!("bad database URL: {e}")))?;
        let mgr = Manager::from_config(cfg, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(mgr)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Database(e.to_string()))?;
        {
            let mut client = pool.get().await.map_err(pool_err)?;
            migrate::postgres(&mut client).await?;
        }
        // One serial writer per lane; a plan's lane comes from its key (same conversation,
        // same lane), so concurrent batches never contend for the same rows.
        let mut lanes = Vec::with_capacity(WRITERS);
        for _ in 0..WRITERS {
            let (tx, mut rx) = mpsc::unbounded_channel::<(Plan, Reply)>();
            let pool = pool.clone();
            tokio::spawn(async move {
                while let Some(first) = rx.recv().await {
                    // Gather what queued up while the previous batch committed.
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(item) => batch.push(item),
                            Err(_) => break,
                        }
                    }
                    commit_batch(pool.clone(), batch).await;
                }
            });
            lanes.push(tx);
        }
        Ok(PgDb { pool, lanes: Arc::new(lanes), next: Arc::new(AtomicUsize::new(0)) })
    }

    pub async fn write(&self, plan: Plan) -> Result<Vec<StmtOutcome>, StoreError> {
        let lane = match plan.lane {
            Some(h) => (h % self.lanes.len() as u64) as usize,
            None => self.next.fetch_add(1, Ordering::Relaxed) % self.lanes.len(),
        };
        let (tx, rx) = oneshot::channel();
        self.lanes[lane].send((plan, tx)).map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
        rx.await.map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?
    }

    pub async fn query(&self, sql: &'static str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        let client = self.pool.get().await.map_err(pool_err)?;
        run_query(&client, sql, &params).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{messages, webhooks};

    /// A message's plan in the lane of conversation `lane`: its row, an upsert without a
    /// merged form (the customer), its webhook.
    fn message_plan(lane: &str) -> Plan {
        let mut plan = Plan::new().in_lane_of(lane).mergeable();
        plan.push(messages::INSERT_MESSAGE, vec![Value::Text(lane.into())]);
        plan.push(messages::INSERT_CUSTOMER, vec![Value::Text(lane.into())]);
        plan.push(webhooks::INSERT_OUTBOX, vec![Value::Text(lane.into())]);
        plan
    }

    /// Each unit as its SQL's first word after INSERT INTO and the lanes of its rows.
    fn shape(s: &Schedule<'_>) -> Vec<(bool, Vec<String>)> {
        let lane = |st: &Stmt| match &st.params[0] {
            Value::Text(t) => t.clone(),
            _ => unreachable!(),
        };
        s.units
            .iter()
            .map(|u| match u {
                Unit::One(st) => (false, vec![lane(st)]),
                Unit::Setting(sql) => (false, vec![sql.to_string()]),
                Unit::Merged { rows, .. } => (true, rows.iter().map(|r| lane(r)).collect()),
            })
            .collect()
    }

    fn v(lanes: &[&str]) -> Vec<String> {
        lanes.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn plans_of_one_shape_in_different_lanes_run_column_by_column() {
        let plans = [message_plan("a"), message_plan("b"), message_plan("c")];
        let refs: Vec<&Plan> = plans.iter().collect();
        let s = schedule(&refs, true);
        assert_eq!(
            shape(&s),
            [
                (true, v(&["a", "b", "c"])),
                (false, v(&["a"])),
                (false, v(&["b"])),
                (false, v(&["c"])),
                (true, v(&["a", "b", "c"]))
            ]
        );
        assert_eq!(s.of_plan, [vec![0, 1, 4], vec![0, 2, 4], vec![0, 3, 4]]);
        // Without merging: each plan in turn.
        let s = schedule(&refs, false);
        assert_eq!(s.units.len(), 9);
        assert_eq!(s.of_plan, [vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8]]);
    }

    #[test]
    fn a_replanned_plan_runs_between_its_settings_and_alone() {
        let plans = [message_plan("a"), message_plan("b").replanned(), message_plan("c")];
        let refs: Vec<&Plan> = plans.iter().collect();
        let s = schedule(&refs, true);
        let units = shape(&s);
        assert!(units.iter().all(|(merged, _)| !merged), "a replanned plan merges with none");
        assert_eq!(units[3], (false, v(&[sql::CUSTOM_PLANS])));
        assert_eq!(units[7], (false, v(&[sql::DEFAULT_PLANS])));
        // Its outcomes are its own statements' only.
        assert_eq!(s.of_plan[1], [4, 5, 6]);
    }

    #[test]
    fn a_lane_twice_another_shape_or_a_plan_that_reads_its_outcomes_starts_a_new_group() {
        let mut other = message_plan("d");
        other.push(webhooks::INSERT_OUTBOX, vec![Value::Text("d".into())]);
        let mut read = message_plan("e");
        read.mergeable = false;
        let plans = [message_plan("a"), message_plan("b"), message_plan("a"), other, read, message_plan("f")];
        let refs: Vec<&Plan> = plans.iter().collect();
        let s = schedule(&refs, true);
        let merged: Vec<Vec<String>> = shape(&s).into_iter().filter(|(m, _)| *m).map(|(_, l)| l).collect();
        // Only "a" and "b" share statements; the second "a" follows them, and the rest run alone.
        assert_eq!(merged, [v(&["a", "b"]), v(&["a", "b"])]);
        assert_eq!(s.units.len(), 4 + 3 + 4 + 3 + 3);
        // Every statement of every plan has a unit, and each plan's units keep its order.
        for (plan, units) in plans.iter().zip(&s.of_plan) {
            assert_eq!(units.len(), plan.stmts.len());
            assert!(units.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
