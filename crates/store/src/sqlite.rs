//! SQLite: one writer thread that commits plans in shared transactions, a syncer thread that
//! makes each commit durable (one fsync per batch or fewer, not per request) before its
//! requests are answered, and a small pool of reader connections (WAL lets them read while the
//! writer writes).

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};

use risala_core::model::Delivery;
use risala_core::ports::{ClusterEvent, ClusterHandler, EventBus};
use risala_core::StoreError;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, PrepFlags, Statement};
use tokio::sync::{oneshot, Semaphore};

use crate::db::{Plan, StmtOutcome};
use crate::migrate;
use crate::value::{Row, Value};

/// Most plans committed in one transaction.
const MAX_BATCH: usize = 1024;
const READERS: usize = 4;
/// How often the checkpoint thread copies committed log frames into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(200);
/// How soon an idle writer notices another process's commit (see [`SqliteWatch`]); a busy
/// one notices it at its next batch.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(100);
/// Most committed outbox rows kept for the webhook claims (see [`Fresh`]); past it they read
/// the rows from the database, as after a restart.
const FRESH_MAX: usize = 8192;

/// A plan's answer, and the plan itself when it ran: the plan's values were made by the
/// requesting thread, which frees them (a free from another thread costs the allocator more).
type Reply = oneshot::Sender<(Result<Vec<StmtOutcome>, StoreError>, Option<Plan>)>;

/// What the writer thread is told: a plan to commit, or that the syncer has synced every
/// commit handed to it (see [`Writer::run_while_syncing`]).
enum ToWriter {
    Plan(Plan, Reply),
    Synced,
}

/// How long a transaction kept open for a busy syncer waits for its word at most before it
/// commits anyway (a sync that stalls, or a syncer that is gone).
const SYNC_WAIT: std::time::Duration = std::time::Duration::from_millis(20);

#[derive(Clone)]
pub struct SqliteDb {
    path: Arc<std::path::PathBuf>,
    /// The syncer keeps only a weak reference, so the writer stops when the last handle goes.
    writer: Arc<mpsc::Sender<ToWriter>>,
    readers: Arc<Mutex<Vec<Connection>>>,
    permits: Arc<Semaphore>,
    fresh: Arc<Mutex<Fresh>>,
    /// Who hears of other processes' commits ([`SqliteDb::watch`]).
    watcher: Watcher,
}

type Watcher = Arc<OnceLock<Arc<dyn ClusterHandler>>>;

/// How one server on SQLite hears of the commits other processes make to its file (`risala
/// admin` beside it): its writer asks SQLite whether anyone else committed (`data_version`)
/// at every batch and every 0.1 s while idle, and tells the subscribed handler that
/// any table may have changed ([`ClusterEvent::Changed`] for `*`). There are no other nodes
/// to tell: publishing is a no-op.
pub struct SqliteWatch(Watcher);

impl EventBus for SqliteWatch {
    fn publish(&self, _: ClusterEvent) {}

    fn subscribe(&self, handler: Arc<dyn ClusterHandler>) {
        let _ = self.0.set(handler);
    }

    fn shared(&self) -> bool {
        false
    }

    fn hears_changes(&self) -> bool {
        true
    }
}

/// The outbox rows committed since the webhook claims last took them, whole, in the order of
/// their ids: the writer knows every row it inserts, so a claim needs no read to learn of them.
/// Every outbox insert carries its row ([`crate::db::Stmt::outbox`]).
struct Fresh {
    rows: Vec<Delivery>,
    /// Every committed outbox row with a greater id is in `rows`; unknown (`None`) after
    /// `rows` overflowed, until the next take.
    base: Option<i64>,
    /// The greatest outbox id committed.
    last: i64,
}

impl Fresh {
    /// Another process wrote: the claims read the rows until the next take.
    fn forget(&mut self) {
        self.rows = Vec::new();
        self.base = None;
    }

    fn committed(&mut self, rows: Vec<Delivery>) {
        for d in rows {
            self.last = self.last.max(d.id);
            if self.base.is_none() {
                continue;
            }
            if self.rows.len() >= FRESH_MAX {
                self.forget();
                continue;
            }
            self.rows.push(d);
        }
    }
}

/// What [`SqliteDb::take_fresh`] gives: `rows` holds every committed outbox row with an id
/// greater than `base`, or `base` is `None` and the rows must be read. `last` is the greatest
/// outbox id committed before the take: a read made after it that finds no more rows has
/// seen everything up to it (rows between were deleted).
pub struct FreshRows {
    pub rows: Vec<Delivery>,
    pub base: Option<i64>,
    pub last: i64,
}

fn map_err(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            StoreError::Conflict(e.to_string())
        }
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) =>
        {
            StoreError::Unavailable(e.to_string())
        }
        _ => StoreError::Database(e.to_string()),
    }
}

/// Open a connection. The writer's (`writes_log`) hands each commit's log frames to the kernel
/// in one write, not two per page, when every commit is synced (`risala_walbuf`).
fn open(path: &Path, synchronous: &str, writes_log: bool) -> Result<Connection, StoreError> {
    risala_walbuf::uncounted();
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if writes_log {
        risala_walbuf::open(path, flags, synchronous)
    } else {
        Connection::open_with_flags(path, flags)
    }
    .map_err(map_err)?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(map_err)?;
    // secure_delete: deleted and overwritten content (an erased customer's messages, expired
    // bodies and media) is zeroed in the file instead of lingering in free space.
    conn.execute_batch(&format!(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; \
         PRAGMA cache_size=-32768; PRAGMA mmap_size=268435456; PRAGMA secure_delete=ON;"
    ))
    .map_err(map_err)?;
    conn.set_prepared_statement_cache_capacity(256);
    // Keep each prepared statement's plan: with STAT4 statistics SQLite would otherwise
    // re-prepare statements whose bound parameters meet a range condition, on every run.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).map_err(map_err)?;
    Ok(conn)
}

fn run_query(conn: &Connection, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
    rows_of(&mut stmt, params)
}

fn rows_of(stmt: &mut Statement<'_>, params: &[Value]) -> Result<Vec<Row>, StoreError> {
    let n = stmt.column_count();
    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter())).map_err(map_err)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(map_err)? {
        let mut vals = Vec::with_capacity(n);
        for i in 0..n {
            vals.push(Value::from_sqlite(r.get_ref(i).map_err(map_err)?));
        }
        out.push(Row(vals));
    }
    Ok(out)
}

/// A plan's outcomes, and the outbox rows it inserted: which statement, and the row's id.
type PlanRun = (Vec<StmtOutcome>, Vec<(usize, i64)>);

/// The writer thread's connection, its statements, and what it tells the webhook claims.
struct Writer<'c> {
    conn: &'c Connection,
    /// Prepared statements by the address and length of their text. Every plan's SQL is a
    /// `&'static str`, so a lookup hashes two words; rusqlite's own cache trims, hashes and
    /// compares the whole text and copies it into a new key on every use, and hashes it again
    /// when the statement goes back (3 % of the server's CPU on `send`).
    prepared: HashMap<(usize, usize), Statement<'c>>,
    fresh: Arc<Mutex<Fresh>>,
    /// Where every commit goes to be synced and answered, in order, when commits are synced
    /// (`synchronous` FULL or EXTRA); without it each is answered at once.
    syncer: Option<mpsc::Sender<Committed>>,
    /// Commits handed to the syncer and not yet synced.
    unsynced: Arc<AtomicUsize>,
    /// SQLite's `data_version` when the writer last asked (see [`Writer::written_elsewhere`]).
    version: Option<i64>,
    watcher: Watcher,
}

impl<'c> Writer<'c> {
    fn new(
        conn: &'c Connection,
        fresh: Arc<Mutex<Fresh>>,
        syncer: Option<mpsc::Sender<Committed>>,
        unsynced: Arc<AtomicUsize>,
        watcher: Watcher,
    ) -> Self {
        let mut w = Writer { conn, prepared: HashMap::new(), fresh, syncer, unsynced, version: None, watcher };
        w.written_elsewhere();
        w
    }

    fn statement(&mut self, sql: &'static str) -> Result<&mut Statement<'c>, StoreError> {
        let conn = self.conn;
        match self.prepared.entry((sql.as_ptr() as usize, sql.len())) {
            Entry::Occupied(e) => Ok(e.into_mut()),
            Entry::Vacant(e) => {
                Ok(e.insert(conn.prepare_with_flags(sql, PrepFlags::SQLITE_PREPARE_PERSISTENT).map_err(map_err)?))
            }
        }
    }

    fn run_plan(&mut self, plan: &Plan) -> Result<PlanRun, StoreError> {
        let mut out = Vec::with_capacity(plan.stmts.len());
        let mut inserted = Vec::new();
        for (i, s) in plan.stmts.iter().enumerate() {
            let stmt = self.statement(s.sql)?;
            let outcome = if s.returning {
                let rows = rows_of(stmt, &s.params)?;
                StmtOutcome { affected: rows.len() as u64, rows }
            } else {
                let n = stmt.execute(rusqlite::params_from_iter(s.params.iter())).map_err(map_err)?;
                StmtOutcome { affected: n as u64, rows: Vec::new() }
            };
            if s.outbox.is_some() && outcome.affected == 1 {
                inserted.push((i, self.conn.last_insert_rowid()));
            }
            out.push(outcome);
        }
        Ok((out, inserted))
    }

    /// Whether another connection (another process: `risala admin …`) committed since the
    /// writer last asked; asked inside the writer's transaction, so before any row it inserts.
    /// The watcher hears of it at once.
    fn written_elsewhere(&mut self) -> bool {
        let now = self
            .statement("PRAGMA data_version")
            .and_then(|s| s.query_row([], |r| r.get::<_, i64>(0)).map_err(map_err));
        let elsewhere = match now {
            Ok(v) => self.version.replace(v).is_some_and(|old| old != v),
            Err(_) => true,
        };
        if elsewhere {
            if let Some(watcher) = self.watcher.get() {
                watcher.deliver(ClusterEvent::Changed { table: "*".into() });
            }
        }
        elsewhere
    }

    /// Between batches: the watcher hears of another process's commit now rather than at the
    /// next batch, and the claims learn of it in commit order, as from a batch's commit.
    fn idle(&mut self) {
        if self.written_elsewhere() {
            self.hand_over(Committed { inserted: Vec::new(), elsewhere: true, replies: Vec::new(), unsynced: false });
        }
    }

    /// Commit a batch in one transaction. Plans run back to back; only if one fails is the
    /// batch rolled back and run again with each plan in its own savepoint, so one failing plan
    /// does not sink the rest (savepoints cost a journal frame each, and failures are rare).
    fn commit_batch(&mut self, mut batch: Vec<(Plan, Reply)>, rx: &mpsc::Receiver<ToWriter>) {
        let results = match self.run_batch(&batch, false).and_then(|r| self.run_while_syncing(&mut batch, r, rx)) {
            Ok(results) => Ok(results),
            Err(BatchError::PlanFailed) => self.run_batch(&batch, true),
            Err(e) => Err(e),
        };
        let elsewhere = results.is_ok() && self.written_elsewhere();
        let conn = self.conn;
        // The commit's log sync is left to the syncer thread, so the writer can run the next
        // batch's statements meanwhile; nothing of this batch is answered before that sync.
        let (results, unsynced) = risala_walbuf::deferring(|| {
            results.and_then(|results| match conn.execute_batch("COMMIT") {
                Ok(()) => Ok(results),
                Err(e) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    Err(BatchError::Store(map_err(e)))
                }
            })
        });
        let results = match results {
            Ok(results) => results,
            Err(e) => {
                let e = match e {
                    BatchError::Store(e) => e,
                    BatchError::PlanFailed => StoreError::Database("a plan failed without savepoints".into()),
                };
                for (_, reply) in batch {
                    let _ = reply.send((Err(clone_err(&e)), None));
                }
                return;
            }
        };
        let mut inserted = Vec::new();
        let mut replies = Vec::with_capacity(results.len());
        for ((mut plan, reply), res) in batch.into_iter().zip(results) {
            let res = res.map(|(out, rows)| {
                for (i, id) in rows {
                    if let Some(row) = plan.stmts[i].outbox.take() {
                        inserted.push(Delivery { id, ..*row });
                    }
                }
                out
            });
            replies.push((reply, res, plan));
        }
        self.hand_over(Committed { inserted, elsewhere, replies, unsynced });
    }

    /// While the syncer is still syncing earlier commits, a commit made now would only wait
    /// for the sync after it: the transaction stays open instead and takes in the plans that
    /// arrive meanwhile, and commits once every earlier commit is synced (or at [`MAX_BATCH`]
    /// plans, or after [`SYNC_WAIT`]). Each answer still waits for the sync it would have
    /// waited for, now after the commit's own write of its frames (which used to happen while
    /// the sync ran); in exchange, fewer and larger commits write fewer pages of the log per
    /// message, since the pages every commit rewrites (the ends of the time-ordered indexes,
    /// the outbox's last page, the header) are shared by more messages.
    fn run_while_syncing(
        &mut self,
        batch: &mut Vec<(Plan, Reply)>,
        mut results: Vec<Result<PlanRun, StoreError>>,
        rx: &mpsc::Receiver<ToWriter>,
    ) -> Result<Vec<Result<PlanRun, StoreError>>, BatchError> {
        let since = std::time::Instant::now();
        while batch.len() < MAX_BATCH && self.unsynced.load(Ordering::Acquire) > 0 {
            let (plan, reply) = match rx.recv_timeout(SYNC_WAIT.saturating_sub(since.elapsed())) {
                Ok(ToWriter::Plan(plan, reply)) => (plan, reply),
                Ok(ToWriter::Synced) => continue,
                Err(_) => break,
            };
            let res = self.run_unguarded(&plan);
            batch.push((plan, reply));
            results.push(res?);
        }
        Ok(results)
    }

    /// Run a plan without a savepoint. A plan of several statements that fails leaves part
    /// of itself behind: the transaction is rolled back, for the batch to run again with a
    /// savepoint per plan.
    fn run_unguarded(&mut self, plan: &Plan) -> Result<Result<PlanRun, StoreError>, BatchError> {
        let res = self.run_plan(plan);
        if res.is_err() && plan.stmts.len() > 1 {
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(BatchError::PlanFailed);
        }
        Ok(res)
    }

    /// Finish `committed` after the commits before it: through the syncer when there is one.
    fn hand_over(&self, committed: Committed) {
        // Even a commit that needed no sync goes through the syncer: its answers may rest on
        // what the commits before it wrote.
        match &self.syncer {
            Some(syncer) => {
                self.unsynced.fetch_add(1, Ordering::AcqRel);
                if let Err(mpsc::SendError(c)) = syncer.send(committed) {
                    self.unsynced.fetch_sub(1, Ordering::AcqRel);
                    c.finish(&self.fresh, Some(&StoreError::Unavailable("the log's syncer has stopped".into())));
                }
            }
            None => committed.finish(&self.fresh, None),
        }
    }

    /// Run every plan of a batch inside `BEGIN IMMEDIATE`, leaving the transaction open.
    fn run_batch(
        &mut self,
        batch: &[(Plan, Reply)],
        savepoints: bool,
    ) -> Result<Vec<Result<PlanRun, StoreError>>, BatchError> {
        let conn = self.conn;
        conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| BatchError::Store(map_err(e)))?;
        let mut results = Vec::with_capacity(batch.len());
        for (plan, _) in batch {
            // A single statement is atomic by itself: it needs no savepoint.
            let res = if !savepoints {
                self.run_unguarded(plan)?
            } else if plan.stmts.len() == 1 {
                self.run_plan(plan)
            } else {
                let _ = conn.execute_batch("SAVEPOINT p");
                let r = self.run_plan(plan);
                if r.is_err() {
                    let _ = conn.execute_batch("ROLLBACK TO p");
                }
                let _ = conn.execute_batch("RELEASE p");
                r
            };
            results.push(res);
        }
        Ok(results)
    }
}

/// A committed batch: its outbox rows for the webhook claims and its answers, given out once
/// its log is on disk.
struct Committed {
    inserted: Vec<Delivery>,
    /// Another process committed before this batch (see [`Writer::written_elsewhere`]).
    elsewhere: bool,
    replies: Vec<(Reply, Result<Vec<StmtOutcome>, StoreError>, Plan)>,
    /// Its log sync was left out (see [`risala_walbuf::deferring`]).
    unsynced: bool,
}

impl Committed {
    /// Tell the claims of the batch's rows, then answer each plan (with `unsynced`, the
    /// error of a log that could not be synced, instead of a success).
    fn finish(self, fresh: &Mutex<Fresh>, unsynced: Option<&StoreError>) {
        // Before any reply: whoever learns of a commit and claims finds its rows.
        if self.elsewhere || !self.inserted.is_empty() {
            if let Ok(mut f) = fresh.lock() {
                if self.elsewhere {
                    f.forget();
                }
                f.committed(self.inserted);
            }
        }
        for (reply, res, plan) in self.replies {
            let res = match (res, unsynced) {
                (Ok(_), Some(e)) => Err(clone_err(e)),
                (res, _) => res,
            };
            let _ = reply.send((res, Some(plan)));
        }
    }
}

/// The syncer thread: syncs the log once for every commit that arrived since its last sync
/// (several, when a sync takes longer than a batch), then finishes them in commit order.
/// When it has synced every commit handed to it, it tells the writer, which may be holding
/// its transaction open until then.
fn sync_commits(
    rx: mpsc::Receiver<Committed>,
    wal: std::path::PathBuf,
    fresh: Arc<Mutex<Fresh>>,
    unsynced: Arc<AtomicUsize>,
    writer: std::sync::Weak<mpsc::Sender<ToWriter>>,
) {
    let mut file = None;
    while let Ok(first) = rx.recv() {
        let mut done = vec![first];
        done.extend(rx.try_iter());
        let synced = if done.iter().any(|c| c.unsynced) { sync_log(&mut file, &wal) } else { Ok(()) };
        if unsynced.fetch_sub(done.len(), Ordering::AcqRel) == done.len() {
            if let Some(writer) = writer.upgrade() {
                let _ = writer.send(ToWriter::Synced);
            }
        }
        let synced = synced.map_err(|e| {
            tracing::error!(error = %e, "SQLite's log could not be synced; its last commits are answered with an error");
            file = None;
            StoreError::Unavailable(format!("the database log could not be synced: {e}"))
        });
        for c in done {
            c.finish(&fresh, synced.as_ref().err());
        }
    }
}

/// `fsync` the log, as SQLite's unix VFS does; the first time also its directory, where the
/// log's entry was made.
fn sync_log(file: &mut Option<std::fs::File>, wal: &Path) -> std::io::Result<()> {
    let log = match file {
        Some(log) => log,
        None => {
            let log = std::fs::File::open(wal)?;
            if let Some(dir) = wal.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::File::open(dir)?.sync_all()?;
            }
            file.insert(log)
        }
    };
    log.sync_all()
}

enum BatchError {
    /// A plan failed in a run without savepoints; the transaction was rolled back.
    PlanFailed,
    /// The transaction could not begin.
    Store(StoreError),
}

fn clone_err(e: &StoreError) -> StoreError {
    match e {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Conflict(s) => StoreError::Conflict(s.clone()),
        StoreError::Database(s) => StoreError::Database(s.clone()),
        StoreError::Unavailable(s) => StoreError::Unavailable(s.clone()),
    }
}

impl SqliteDb {
    /// Open (creating if needed) the database file, run migrations, start the writer.
    pub fn open(path: &Path, synchronous: &str) -> Result<SqliteDb, StoreError> {
        crate::datadir::prepare(path)?;
        let synchronous = match synchronous.to_ascii_uppercase().as_str() {
            s @ ("OFF" | "NORMAL" | "FULL" | "EXTRA") => s.to_string(),
            other => return Err(StoreError::Database(format!("unknown SQLite synchronous mode {other}"))),
        };
        let mut writer = open(path, &synchronous, true)?;
        migrate::sqlite(&mut writer)?;
        let last: i64 = writer.query_row(crate::sql::webhooks::OUTBOX_LAST_ID, [], |r| r.get(0)).map_err(map_err)?;
        let fresh = Arc::new(Mutex::new(Fresh { rows: Vec::new(), base: Some(last), last }));
        let committed = fresh.clone();
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let c = open(path, &synchronous, false)?;
            c.execute_batch("PRAGMA query_only=1").map_err(map_err)?;
            readers.push(c);
        }
        // A thread of its own copies the log into the database on the other core while the
        // writer goes on committing. Under steady load its checkpoints never catch up with the
        // last frame, and only a checkpoint that does lets the log start over: the writer
        // itself finishes one when the log passes 64 MiB (by then little is left to copy), and
        // the file is cut back to that size when the log restarts.
        //
        // The writer keeps a small page cache (2 MiB): when a B-tree page splits, SQLite parks a
        // page under a temporary number past the end of the file, and the commit after it then
        // walks the writer's whole cache to drop pages past the end. With the readers' 32 MiB
        // that walk grew with the cache to 4 % of the server's CPU on `send` and more, and
        // reading a dropped page again (from the map or the log) barely shows in a profile.
        writer
            .execute_batch(
                "PRAGMA wal_autocheckpoint=16384; PRAGMA journal_size_limit=67108864; PRAGMA cache_size=-2048",
            )
            .map_err(map_err)?;
        let stop = Arc::new(AtomicBool::new(false));
        let checkpointer = open(path, &synchronous, false)?;
        let stop_checkpoints = stop.clone();
        std::thread::Builder::new()
            .name("risala-sqlite-checkpoint".into())
            .spawn(move || {
                while !stop_checkpoints.load(Ordering::Relaxed) {
                    std::thread::sleep(CHECKPOINT_EVERY);
                    if let Err(e) = checkpointer.execute_batch("PRAGMA wal_checkpoint(PASSIVE)") {
                        tracing::warn!(error = %e, "SQLite checkpoint failed");
                    }
                }
            })
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let (tx, rx) = mpsc::channel::<ToWriter>();
        let tx = Arc::new(tx);
        let unsynced = Arc::new(AtomicUsize::new(0));
        let watcher = Watcher::default();
        let watcher_here = watcher.clone();
        // With every commit synced, the syncer makes the syncs the writer leaves out.
        let (to_sync, syncer) = if risala_walbuf::gathers(&synchronous) {
            let (to_sync, commits) = mpsc::channel::<Committed>();
            let [_, wal, _] = crate::datadir::database_files(path);
            let fresh = committed.clone();
            let (unsynced, writer) = (unsynced.clone(), Arc::downgrade(&tx));
            let syncer = std::thread::Builder::new()
                .name("risala-sqlite-sync".into())
                .spawn(move || sync_commits(commits, wal, fresh, unsynced, writer))
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            (Some(to_sync), Some(syncer))
        } else {
            (None, None)
        };
        std::thread::Builder::new()
            .name("risala-sqlite-writer".into())
            .spawn(move || {
                let mut w = Writer::new(&writer, committed, to_sync, unsynced, watcher);
                loop {
                    let first = match rx.recv_timeout(WATCH_EVERY) {
                        Ok(ToWriter::Plan(plan, reply)) => (plan, reply),
                        Ok(ToWriter::Synced) => continue,
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            w.idle();
                            continue;
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    };
                    let mut batch = Vec::with_capacity(64);
                    batch.push(first);
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(ToWriter::Plan(plan, reply)) => batch.push((plan, reply)),
                            Ok(ToWriter::Synced) => {}
                            Err(_) => break,
                        }
                    }
                    w.commit_batch(batch, &rx);
                }
                drop(w);
                // Every commit answered before the log is cut back.
                if let Some(syncer) = syncer {
                    let _ = syncer.join();
                }
                // All senders gone: checkpoint so the WAL does not linger.
                stop.store(true, Ordering::Relaxed);
                let _ = writer.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
            })
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(SqliteDb {
            path: Arc::new(path.to_path_buf()),
            writer: tx,
            readers: Arc::new(Mutex::new(readers)),
            permits: Arc::new(Semaphore::new(READERS)),
            fresh,
            watcher: watcher_here,
        })
    }

    /// How this server hears of other processes' commits to the file (see [`SqliteWatch`]).
    pub fn watch(&self) -> SqliteWatch {
        SqliteWatch(self.watcher.clone())
    }

    /// Whether a claim would learn of rows made after id `seen`: rows kept since the last
    /// take, or rows it must read.
    pub fn fresh_waiting(&self, seen: i64) -> bool {
        self.fresh
            .lock()
            .map_or(true, |f| f.base.is_none_or(|b| b > seen) || f.rows.last().is_some_and(|d| d.id > seen))
    }

    /// The outbox rows committed since the last take. From this take on, the
    /// rows kept are complete after the greatest id committed so far.
    pub fn take_fresh(&self) -> FreshRows {
        let Ok(mut f) = self.fresh.lock() else { return FreshRows { rows: Vec::new(), base: None, last: 0 } };
        let taken = FreshRows { rows: std::mem::take(&mut f.rows), base: f.base, last: f.last };
        f.base = Some(f.last);
        taken
    }

    /// Copy the whole log into the database and truncate it (at a clean shutdown, when
    /// nothing else writes).
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let conn = Connection::open(path.as_path()).map_err(map_err)?;
            conn.busy_timeout(std::time::Duration::from_secs(2)).map_err(map_err)?;
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").map_err(map_err)
        })
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?
    }

    pub async fn write(&self, plan: Plan) -> Result<Vec<StmtOutcome>, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.writer
            .send(ToWriter::Plan(plan, tx))
            .map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
        let (res, plan) = rx.await.map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
        drop(plan);
        res
    }

    pub async fn query(&self, sql: &'static str, params: Vec<Value>) -> Result<Vec<Row>, StoreError> {
        let _permit = self.permits.acquire().await.map_err(|_| StoreError::Unavailable("closed".into()))?;
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let conn = readers.lock().ok().and_then(|mut v| v.pop());
            let Some(conn) = conn else {
                return Err(StoreError::Unavailable("no reader connection".into()));
            };
            let res = run_query(&conn, sql, &params);
            if let Ok(mut v) = readers.lock() {
                v.push(conn);
            }
            res
        })
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?
    }
}
