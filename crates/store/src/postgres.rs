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

use crate::db::{Plan, StmtOutcome};
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

/// Run the plans' statements pipelined: all are sent at once and PostgreSQL executes them in
/// order, so a batch costs about one round trip instead of one per statement. Outcomes come
/// back per plan; any failure fails the whole call (the transaction is then aborted anyway).
/// Prepare (or take from the cache) every statement of these plans.
async fn prepare_plans<'a>(
    client: &deadpool_postgres::Client,
    plans: &[&'a Plan],
) -> Result<Vec<(tokio_postgres::Statement, &'a crate::db::Stmt)>, StoreError> {
    let mut prepared = Vec::new();
    for plan in plans {
        for s in &plan.stmts {
            prepared.push((client.prepare_cached(s.sql).await.map_err(map_err)?, s));
        }
    }
    Ok(prepared)
}

/// Run prepared statements pipelined (each request goes out when its future is first
/// polled), and regroup the outcomes by plan.
async fn execute_plans(
    client: &deadpool_postgres::Client,
    prepared: Vec<(tokio_postgres::Statement, &crate::db::Stmt)>,
    plans: &[&Plan],
) -> Result<Vec<Vec<StmtOutcome>>, StoreError> {
    let results = futures_util::future::join_all(prepared.into_iter().map(|(stmt, s)| run_stmt(client, stmt, s))).await;
    let mut it = results.into_iter();
    let mut out = Vec::with_capacity(plans.len());
    for plan in plans {
        let mut r = Vec::with_capacity(plan.stmts.len());
        for _ in &plan.stmts {
            r.push(it.next().ok_or_else(|| StoreError::Database("missing statement result".into()))??);
        }
        out.push(r);
    }
    Ok(out)
}

async fn run_plans(client: &deadpool_postgres::Client, plans: &[&Plan]) -> Result<Vec<Vec<StmtOutcome>>, StoreError> {
    let prepared = prepare_plans(client, plans).await?;
    execute_plans(client, prepared, plans).await
}

async fn run_plan(client: &deadpool_postgres::Client, plan: &Plan) -> Result<Vec<StmtOutcome>, StoreError> {
    Ok(run_plans(client, &[plan]).await?.pop().unwrap_or_default())
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

async fn commit_batch(pool: Pool, batch: Vec<(Plan, Reply)>) {
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
        // Prepared first: a statement still to prepare would take a round trip of its own,
        // and the COMMIT must not go out before the statements.
        let prepared = prepare_plans(&client, &plans).await?;
        // `join3` polls its futures in order: BEGIN, the statements, COMMIT.
        let (begun, results, committed) = futures_util::future::join3(
            client.batch_execute("BEGIN"),
            execute_plans(&client, prepared, &plans),
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

    pub async fn write(&self, mut plan: Plan) -> Result<Vec<StmtOutcome>, StoreError> {
        let replan = plan.replan;
        if replan {
            // Only for this plan's statements: the transaction is shared with other plans.
            plan.stmts.insert(0, crate::db::Stmt::new(sql::CUSTOM_PLANS, vec![]));
            plan.stmts.push(crate::db::Stmt::new(sql::DEFAULT_PLANS, vec![]));
        }
        let lane = match plan.lane {
            Some(h) => (h % self.lanes.len() as u64) as usize,
            None => self.next.fetch_add(1, Ordering::Relaxed) % self.lanes.len(),
        };
        let (tx, rx) = oneshot::channel();
        self.lanes[lane].send((plan, tx)).map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
        let mut out = rx.await.map_err(|_| StoreError::Unavailable("the writer has stopped".into()))??;
        if replan && out.len() >= 2 {
            out.pop();
            out.remove(0);
        }
        Ok(out)
    }

    pub async fn query(&self, sql: &'static str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        let client = self.pool.get().await.map_err(pool_err)?;
        run_query(&client, sql, &params).await
    }
}
