//! Backup and restore of a SQLite database. A backup is one consistent copy (`VACUUM INTO`
//! reads in one transaction, so it may run while the server writes), media included: they are
//! stored in the database. A restore replaces the database while no server holds the data
//! directory, after checking that the copy is a sound database whose secrets the configured
//! keys decrypt. PostgreSQL is backed up with PostgreSQL's own tools (`pg_dump`).

use std::path::{Path, PathBuf};

use risala_core::StoreError;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::datadir::{database_files, private_file, DataDirLock};
use crate::keyring::Keyring;
use crate::sql::engine::{BACKUP_INTO, QUICK_CHECK};
use crate::sql::tenancy::SETTING;

fn fail(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(format!("{what}: {e}"))
}

/// Copy the database at `db` into `to`, a new file (0600). Returns the copy's size in bytes.
pub fn backup(db: &Path, to: &Path) -> Result<u64, StoreError> {
    if !db.exists() {
        return Err(fail("no database to back up", db.display()));
    }
    if std::fs::metadata(to).is_ok_and(|m| m.len() > 0) {
        return Err(fail("the backup file already exists", to.display()));
    }
    // SQLite writes into the empty file and keeps its mode.
    private_file(to).map_err(|e| fail(&to.display().to_string(), e))?;
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| fail("open", e))?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| fail("open", e))?;
    let target = to.to_string_lossy().to_string();
    if let Err(e) = conn.execute(BACKUP_INTO, [&target]) {
        let _ = std::fs::remove_file(to);
        return Err(fail("backup", e));
    }
    std::fs::metadata(to).map(|m| m.len()).map_err(|e| fail("backup", e))
}

/// Replace the database at `db` with the backup `from`: refused while a server holds the data
/// directory (the lock is held for the whole restore, so none can start meanwhile), and when
/// `from` is not a sound database or `keys` do not decrypt its secrets. The new file is written
/// beside the database and renamed over it, so the database is the old one or the new one,
/// never half of each.
pub fn restore(db: &Path, from: &Path, keys: &Keyring) -> Result<(), StoreError> {
    let _lock = DataDirLock::acquire(db).map_err(|e| StoreError::Unavailable(e.0))?;
    let mut tmp = db.as_os_str().to_owned();
    tmp.push(".restoring");
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    {
        let mut out = private_file(&tmp).map_err(|e| fail(&tmp.display().to_string(), e))?;
        let mut input = std::fs::File::open(from).map_err(|e| fail(&from.display().to_string(), e))?;
        std::io::copy(&mut input, &mut out).map_err(|e| fail("copy", e))?;
        out.sync_all().map_err(|e| fail("copy", e))?;
    }
    if let Err(e) = check(&tmp, keys) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    // The old log and shared memory belong to the old database: SQLite would apply that log to
    // the new file. They go first; a crash before the rename leaves the old database without
    // its last changes, and the restore is simply run again.
    for f in database_files(db).iter().skip(1) {
        match std::fs::remove_file(f) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(fail(&f.display().to_string(), e)),
        }
    }
    std::fs::rename(&tmp, db).map_err(|e| fail("replace the database", e))?;
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename is durable once the directory is synced.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// `path` is a sound SQLite database whose secrets `keys` decrypt.
fn check(path: &Path, keys: &Keyring) -> Result<(), StoreError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| fail("the backup is not a SQLite database", e))?;
    let verdict: String =
        conn.query_row(QUICK_CHECK, [], |r| r.get(0)).map_err(|e| fail("the backup is not a SQLite database", e))?;
    if verdict != "ok" {
        return Err(fail("the backup is damaged", verdict));
    }
    // A backup from before encryption has no check value; one without the table is no
    // Risala database.
    let stored: Option<String> = conn
        .query_row(SETTING, [crate::secrets::KEY_CHECK_SETTING], |r| r.get(0))
        .optional()
        .map_err(|e| fail("the backup is not a Risala database", e))?;
    if let Some(v) = stored {
        keys.open(crate::secrets::SETTING_VALUE, &v)?;
    }
    Ok(())
}
