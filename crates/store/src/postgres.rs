//! PostgreSQL: a connection pool for reads, and a batching writer that commits concurrent
//! plans in shared transactions. A batch runs without savepoints (no extra round trips); if
//! any plan fails, the batch is rolled back and its plans are retried one transaction each,
//! so only the failing plan fails.

use std::str::FromStr;
use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use risala_core::StoreError;
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio_postgres::types::ToSql;
use tokio_postgres::NoTls;

use crate::db::{Plan, StmtOutcome};
use crate::migrate;
use crate::value::{Row, Value};

const MAX_BATCH: usize = 512;
/// Batches in flight at once (each on its own connection).
const WRITERS: usize = 4;
const POOL_SIZE: usize = 16;

type Reply = oneshot::Sender<Result<Vec<StmtOutcome>, StoreError>>;

#[derive(Clone)]
pub struct PgDb {
    pool: Pool,
    writer: mpsc::UnboundedSender<(Plan, Reply)>,
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

async fn run_plan(client: &deadpool_postgres::Client, plan: &Plan) -> Result<Vec<StmtOutcome>, StoreError> {
    let mut out = Vec::with_capacity(plan.stmts.len());
    for s in &plan.stmts {
        if s.returning {
            let rows = run_query(client, s.sql, &s.params).await?;
            out.push(StmtOutcome { affected: rows.len() as u64, rows });
        } else {
            let stmt = client.prepare_cached(s.sql).await.map_err(map_err)?;
            let n = client.execute(&stmt, &params_ref(&s.params)).await.map_err(map_err)?;
            out.push(StmtOutcome { affected: n, rows: Vec::new() });
        }
    }
    Ok(out)
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
    if batch.len() == 1 {
        let (plan, reply) = batch.into_iter().next().expect("one");
        let _ = reply.send(one_transaction(&client, &plan).await);
        return;
    }
    let shared = async {
        client.batch_execute("BEGIN").await.map_err(map_err)?;
        let mut results = Vec::with_capacity(batch.len());
        for (plan, _) in &batch {
            match run_plan(&client, plan).await {
                Ok(r) => results.push(r),
                Err(e) => {
                    let _ = client.batch_execute("ROLLBACK").await;
                    return Err(e);
                }
            }
        }
        client.batch_execute("COMMIT").await.map_err(map_err)?;
        Ok(results)
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
        let (tx, mut rx) = mpsc::unbounded_channel::<(Plan, Reply)>();
        let wpool = pool.clone();
        tokio::spawn(async move {
            let slots = Arc::new(Semaphore::new(WRITERS));
            while let Some(first) = rx.recv().await {
                let Ok(permit) = slots.clone().acquire_owned().await else {
                    break;
                };
                // Gather what queued up while we waited for a free slot.
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(item) => batch.push(item),
                        Err(_) => break,
                    }
                }
                let pool = wpool.clone();
                tokio::spawn(async move {
                    commit_batch(pool, batch).await;
                    drop(permit);
                });
            }
        });
        Ok(PgDb { pool, writer: tx })
    }

    pub async fn write(&self, plan: Plan) -> Result<Vec<StmtOutcome>, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.writer.send((plan, tx)).map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
        rx.await.map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?
    }

    pub async fn query(&self, sql: &'static str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        let client = self.pool.get().await.map_err(pool_err)?;
        run_query(&client, sql, &params).await
    }
}
