//! The VFS against real SQLite files: one write per commit, what other connections read, a
//! log restarted and rewritten, and a process that stops without closing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops at the first failed step

use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::Mutex;

const TABLE: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL, body BLOB NOT NULL)";

/// The tests count the process's log writes: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("risala-walbuf-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }
    fn db(&self) -> PathBuf {
        self.0.join("t.db")
    }
    fn log_len(&self) -> u64 {
        std::fs::metadata(self.0.join("t.db-wal")).map(|m| m.len()).unwrap_or(0)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn writer(dir: &Dir, synchronous: &str) -> Connection {
    risala_walbuf::register().unwrap();
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
    let c = Connection::open_with_flags_and_vfs(dir.db(), flags, risala_walbuf::NAME).unwrap();
    c.execute_batch(&format!("PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA wal_autocheckpoint=0"))
        .unwrap();
    c
}

/// A test's start: the others wait, a new directory, the writer (FULL) and its table.
fn start(name: &str) -> (std::sync::MutexGuard<'static, ()>, Dir, Connection) {
    let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Dir::new(name);
    let w = writer(&dir, "FULL");
    w.execute_batch(TABLE).unwrap();
    (serial, dir, w)
}

/// A connection as the store opens its writer, with `synchronous` (in WAL mode).
fn opened(dir: &Dir, synchronous: &str) -> Connection {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
    let w = risala_walbuf::open(&dir.db(), flags, synchronous).unwrap();
    w.execute_batch("PRAGMA journal_mode=WAL").unwrap();
    w
}

fn reader(dir: &Dir) -> Connection {
    Connection::open(dir.db()).unwrap()
}

/// Rows of `n` bytes whose content says which row and version they are.
fn body(id: i64, version: i64, n: usize) -> Vec<u8> {
    let seed = format!("{id}:{version}:");
    seed.bytes().cycle().take(n).collect()
}

fn check_rows(c: &Connection, rows: i64, version: impl Fn(i64) -> i64, n: usize) {
    let count: i64 = c.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
    assert_eq!(count, rows);
    let mut stmt = c.prepare("SELECT id, v, body FROM t ORDER BY id").unwrap();
    let found =
        stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(2)?))).unwrap();
    for row in found {
        let (id, v, b) = row.unwrap();
        assert_eq!(v, version(id), "row {id}");
        assert_eq!(b, body(id, v, n), "row {id}'s body");
    }
}

#[test]
fn each_commit_reaches_the_log_in_one_write_and_another_connection_reads_it_at_once() {
    let (_serial, dir, w) = start("commits");
    let r = reader(&dir);
    let mut rows = 0;
    for commit in 0..40 {
        let (writes, len) = (risala_walbuf::log_writes(), dir.log_len());
        let tx = w.unchecked_transaction().unwrap();
        for _ in 0..(10 + commit * 3) {
            rows += 1;
            tx.execute("INSERT INTO t (id, v, body) VALUES (?1, 0, ?2)", rusqlite::params![rows, body(rows, 0, 1500)])
                .unwrap();
        }
        tx.commit().unwrap();
        let frames = (dir.log_len() - len) / (4096 + 24);
        assert!(frames >= 5, "commit {commit} wrote {frames} frames");
        // In writes of at most 128 KiB - 1 bytes (the unix VFS's largest).
        let bytes = frames * (4096 + 24);
        assert_eq!(risala_walbuf::log_writes() - writes, bytes.div_ceil(0x1ffff), "commit {commit}: {frames} frames");
        check_rows(&r, rows, |_| 0, 1500);
    }
}

#[test]
fn spilled_rewritten_and_restarted_logs_read_back_what_was_committed() {
    let (_serial, dir, w) = start("rewrites");
    // A cache of 10 pages: a transaction spills frames into the log before its commit, reads
    // them back and writes some of them again in place.
    w.execute_batch("PRAGMA cache_size=10").unwrap();
    let r = reader(&dir);
    let rows = 300;
    let tx = w.unchecked_transaction().unwrap();
    for id in 1..=rows {
        tx.execute("INSERT INTO t (id, v, body) VALUES (?1, 0, ?2)", rusqlite::params![id, body(id, 0, 900)]).unwrap();
    }
    tx.commit().unwrap();
    for round in 1..=6 {
        let tx = w.unchecked_transaction().unwrap();
        for pass in 0..3 {
            for id in (1..=rows).filter(|id| id % 3 == pass) {
                tx.execute(
                    "UPDATE t SET v = ?1, body = ?2 WHERE id = ?3",
                    rusqlite::params![round, body(id, round, 900), id],
                )
                .unwrap();
            }
        }
        // One transaction that is rolled back leaves nothing behind.
        tx.commit().unwrap();
        let tx = w.unchecked_transaction().unwrap();
        tx.execute("UPDATE t SET v = -1", []).unwrap();
        tx.rollback().unwrap();
        check_rows(&r, rows, |_| round, 900);
        if round % 2 == 0 {
            // Copy the log into the database and cut it: the next commit starts the log over
            // at its first byte.
            r.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        }
    }
    let ok: String = w.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap();
    assert_eq!(ok, "ok");
    check_rows(&w, rows, |_| 6, 900);
}

#[test]
fn what_a_commit_returned_for_survives_a_process_that_stops_without_closing() {
    let (_serial, dir, w) = start("stop");
    for id in 1..=50 {
        w.execute("INSERT INTO t (id, v, body) VALUES (?1, 7, ?2)", rusqlite::params![id, body(id, 7, 3000)]).unwrap();
    }
    // An open transaction at the stop is not in the file afterwards.
    w.execute_batch("BEGIN; INSERT INTO t (id, v, body) VALUES (51, 7, x'00')").unwrap();
    // As if the process stopped: the connection is never closed, nothing more is flushed.
    std::mem::forget(w);
    let after = reader(&dir);
    check_rows(&after, 50, |_| 7, 3000);
}

#[test]
fn without_a_sync_at_each_commit_nothing_is_held_back() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Dir::new("normal");
    for (synchronous, gathered) in [("normal", false), ("OFF", false), ("extra", true), ("FULL", true)] {
        let w = opened(&dir, synchronous);
        assert_eq!(risala_walbuf::gathers(synchronous), gathered);
        w.execute_batch("DROP TABLE IF EXISTS t").unwrap();
        w.execute_batch(TABLE).unwrap();
        let mode: i64 = w.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!(
            mode,
            [("normal", 1), ("OFF", 0), ("extra", 3), ("FULL", 2)].iter().find(|m| m.0 == synchronous).unwrap().1
        );
        let r = reader(&dir);
        let before = risala_walbuf::log_writes();
        w.execute("INSERT INTO t (id, v, body) VALUES (1, 1, ?1)", [body(1, 1, 100)]).unwrap();
        assert_eq!(risala_walbuf::log_writes() > before, gathered, "{synchronous}");
        check_rows(&r, 1, |_| 1, 100);
    }
}

#[test]
fn a_deferred_commit_is_in_the_log_for_readers_and_only_its_own_sync_is_left_out() {
    let (_serial, dir, w) = start("deferred");
    let r = reader(&dir);
    let commit = |id: i64| {
        w.execute_batch("BEGIN").unwrap();
        w.execute("INSERT INTO t (id, v, body) VALUES (?1, 3, ?2)", rusqlite::params![id, body(id, 3, 2000)]).unwrap();
        w.execute_batch("COMMIT")
    };
    // Deferred: written (another connection reads it), not synced.
    let (syncs, len) = (risala_walbuf::log_syncs(), dir.log_len());
    let (done, deferred) = risala_walbuf::deferring(|| commit(1));
    done.unwrap();
    assert!(deferred);
    assert_eq!(risala_walbuf::log_syncs(), syncs);
    assert!(dir.log_len() > len);
    check_rows(&r, 1, |_| 3, 2000);
    // The next commit outside `deferring` syncs as usual.
    commit(2).unwrap();
    assert_eq!(risala_walbuf::log_syncs(), syncs + 1);
    // Only the first sync inside is left out: the checkpoint after the commit syncs the log.
    let (done, deferred) = risala_walbuf::deferring(|| {
        commit(3)?;
        w.execute_batch("PRAGMA wal_checkpoint(FULL)")
    });
    done.unwrap();
    assert!(deferred);
    assert!(risala_walbuf::log_syncs() > syncs + 1);
    // Nothing to sync: nothing left out.
    let syncs = risala_walbuf::log_syncs();
    let (n, deferred) = risala_walbuf::deferring(|| w.query_row("SELECT count(*) FROM t", [], |x| x.get::<_, i64>(0)));
    assert_eq!((n.unwrap(), deferred), (3, false));
    // A failed commit leaves nothing behind and nothing left out.
    w.execute_batch("BEGIN").unwrap();
    let (e, deferred) = risala_walbuf::deferring(|| {
        w.execute("INSERT INTO t (id, v, body) VALUES (1, 0, x'00')", [])?;
        w.execute_batch("COMMIT")
    });
    assert!(e.is_err() && !deferred);
    w.execute_batch("ROLLBACK").unwrap();
    assert_eq!(risala_walbuf::log_syncs(), syncs);
    check_rows(&r, 3, |_| 3, 2000);
}

#[test]
fn without_a_sync_at_each_commit_nothing_is_deferred() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Dir::new("deferred-normal");
    let w = opened(&dir, "NORMAL");
    w.execute_batch(TABLE).unwrap();
    let insert = || w.execute("INSERT INTO t (id, v, body) VALUES (1, 1, ?1)", [body(1, 1, 10)]);
    let (done, deferred) = risala_walbuf::deferring(insert);
    assert_eq!((done.unwrap(), deferred), (1, false));
    check_rows(&reader(&dir), 1, |_| 1, 10);
}
