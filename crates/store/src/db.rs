//! The database handle both engines share: reads, and writes as plans that a batching writer
//! commits together (group commit), acknowledging each plan only after its commit.

use risala_core::model::Delivery;
pub use risala_core::store::Engine;
use risala_core::StoreError;

use crate::postgres::PgDb;
use crate::sqlite::{FreshRows, SqliteDb};
use crate::value::{Row, Value};

/// One statement of a write plan.
#[derive(Debug, Clone)]
pub struct Stmt {
    pub sql: &'static str,
    pub params: Vec<Value>,
    /// Collect the rows a `RETURNING` clause gives.
    pub returning: bool,
    /// The outbox row this statement inserts (if it inserts one), without its id: SQLite's
    /// writer hands it to the process's webhook claims once committed (see
    /// `SqliteDb::take_fresh`), so they need not read it back.
    pub outbox: Option<Box<Delivery>>,
}

impl Stmt {
    pub fn new(sql: &'static str, params: Vec<Value>) -> Self {
        Stmt { sql, params, returning: false, outbox: None }
    }

    pub fn returning(sql: &'static str, params: Vec<Value>) -> Self {
        Stmt { sql, params, returning: true, outbox: None }
    }
}

/// What one statement did.
#[derive(Debug, Clone, Default)]
pub struct StmtOutcome {
    pub affected: u64,
    pub rows: Vec<Row>,
}

/// Statements that commit or fail together. Plans from concurrent requests share one
/// transaction; a failing plan is rolled back alone and the others still commit.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub stmts: Vec<Stmt>,
    /// Plans that lock the same rows (one conversation) carry the same key, so an engine that
    /// commits several batches at once (PostgreSQL) keeps them in one lane: batches in
    /// different lanes never wait on each other's row locks or deadlock.
    pub lane: Option<u64>,
    /// Plan these statements at each execution (see [`Plan::replanned`]).
    pub replan: bool,
    /// Its outcomes are not read (see [`Plan::mergeable`]).
    pub mergeable: bool,
}

impl Plan {
    pub fn new() -> Self {
        Plan::default()
    }

    pub fn one(sql: &'static str, params: Vec<Value>) -> Self {
        Plan { stmts: vec![Stmt::new(sql, params)], ..Plan::default() }
    }

    /// Put this plan in the lane of `key` (see [`Plan::lane`]).
    pub fn in_lane_of(mut self, key: &str) -> Self {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        self.lane = Some(h.finish());
        self
    }

    /// Have PostgreSQL plan this plan's statements each time they run, with their parameters
    /// and the tables' current size, instead of reusing the generic plan of a prepared
    /// statement. For statements whose best plan depends on how many rows a table holds (the
    /// outbox's claims and ends of leases): a generic plan made while the table was nearly
    /// empty (a new database, before autovacuum's first ANALYZE) scans instead of using the
    /// index, and is kept until the table's statistics change. SQLite ignores it.
    pub fn replanned(mut self) -> Self {
        self.replan = true;
        self
    }

    /// Let PostgreSQL run this plan's statements together with the same statements of other
    /// plans of its batch, as one statement over arrays of their rows (see `postgres::schedule`),
    /// for plans of the same shape in different lanes. For plans that many requests commit at
    /// once (a message and its webhook) and whose caller reads no outcome: a merged
    /// statement's outcomes are empty.
    pub fn mergeable(mut self) -> Self {
        self.mergeable = true;
        self
    }

    pub fn push(&mut self, sql: &'static str, params: Vec<Value>) -> &mut Self {
        self.stmts.push(Stmt::new(sql, params));
        self
    }

    pub fn push_returning(&mut self, sql: &'static str, params: Vec<Value>) -> &mut Self {
        self.stmts.push(Stmt::returning(sql, params));
        self
    }
}

/// The engine behind a store.
#[derive(Clone)]
pub enum Db {
    Sqlite(SqliteDb),
    Postgres(PgDb),
}

impl Db {
    pub async fn query(&self, sql: &'static str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        match self {
            Db::Sqlite(d) => d.query(sql, params).await,
            Db::Postgres(d) => d.query(sql, params).await,
        }
    }

    pub async fn query_opt(&self, sql: &'static str, params: Vec<Value>) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// Commit a plan; returns once it is durable.
    pub async fn write(&self, plan: Plan) -> Result<Vec<StmtOutcome>, StoreError> {
        match self {
            Db::Sqlite(d) => d.write(plan).await,
            Db::Postgres(d) => d.write(plan).await,
        }
    }

    /// The outbox rows committed since the last take (SQLite; PostgreSQL's nodes share the
    /// outbox, so none is kept there).
    pub fn take_fresh(&self) -> Option<FreshRows> {
        match self {
            Db::Sqlite(d) => Some(d.take_fresh()),
            Db::Postgres(_) => None,
        }
    }

    /// Whether the outbox rows committed after id `seen` are more than a claim has seen
    /// (SQLite; `None` on PostgreSQL).
    pub fn fresh_waiting(&self, seen: i64) -> Option<bool> {
        match self {
            Db::Sqlite(d) => Some(d.fresh_waiting(seen)),
            Db::Postgres(_) => None,
        }
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        self.query(crate::sql::engine::PING, vec![]).await.map(|_| ())
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// This engine's statement of a `pair` (SQLite's, PostgreSQL's).
    pub fn pick(&self, pair: (&'static str, &'static str)) -> &'static str {
        match self.engine() {
            Engine::Sqlite => pair.0,
            Engine::Postgres => pair.1,
        }
    }
}
