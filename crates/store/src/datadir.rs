//! The SQLite data directory: created private to the server's user (0700, files 0600), and the
//! lock that lets one server at a time serve from it (a second would deliver every webhook
//! twice). Commands such as `risala admin` open the database beside a running server without
//! the lock: SQLite's own locking keeps their writes safe.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use risala_core::StoreError;

/// The files of a database at `db`: the database, its log and its shared memory (SQLite
/// creates the last two with the database file's mode).
pub fn database_files(db: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut s = db.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    [db.to_path_buf(), with("-wal"), with("-shm")]
}

/// Create `dir` (and missing parents) readable by its owner only. An existing directory keeps
/// its mode: it may be shared on purpose, so a warning says when others can read it.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    if dir.is_dir() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir)?.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!(
                    dir = %dir.display(),
                    mode = format!("{:o}", mode & 0o777),
                    "a directory holding Risala's files (the data, or the key file) is readable by other users; chmod 700 it"
                );
            }
        }
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Open (creating if missing) a file readable and writable by its owner only; an existing
/// file's mode is narrowed to 0600.
pub fn private_file(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let f = o.open(path)?;
    restrict(path)?;
    Ok(f)
}

/// Narrow an existing file's mode to 0600 (a file written before Risala did this).
pub fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::metadata(path) {
            Ok(m) if m.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Prepare the database at `db` before SQLite opens it: a private directory, the database
/// file created 0600 (SQLite gives its log and shared memory the database file's mode), and
/// the modes of files written by an older version narrowed.
pub fn prepare(db: &Path) -> Result<(), StoreError> {
    let fail = |p: &Path, e: io::Error| StoreError::Unavailable(format!("{}: {e}", p.display()));
    if let Some(dir) = db.parent() {
        create_private_dir(dir).map_err(|e| fail(dir, e))?;
    }
    private_file(db).map_err(|e| fail(db, e))?;
    for f in database_files(db) {
        restrict(&f).map_err(|e| fail(&f, e))?;
    }
    Ok(())
}

/// The lock file of the database at `db`: `risala.db.lock` beside `risala.db`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

/// Why the data directory could not be locked (or checked): a one-line message for the
/// operator.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DataDirError(pub String);

/// The exclusive lock of a server on its data directory, held until dropped (the operating
/// system releases it when the process ends, however it ends).
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

impl DataDirLock {
    /// Take the lock of the database at `db`, or fail naming the directory when another
    /// process holds it.
    pub fn acquire(db: &Path) -> Result<DataDirLock, DataDirError> {
        prepare(db).map_err(|e| DataDirError(e.to_string()))?;
        let path = lock_path(db);
        let file = private_file(&path).map_err(|e| DataDirError(format!("{}: {e}", path.display())))?;
        match file.try_lock() {
            Ok(()) => Ok(DataDirLock { _file: file, path }),
            Err(std::fs::TryLockError::WouldBlock) => Err(DataDirError(format!(
                "another risala server is already serving from the data directory {} (it holds {}); \
                 stop it first, or give this one another --data-dir",
                dir_of(db).display(),
                path.display()
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(DataDirError(format!("cannot lock {}: {e}", path.display()))),
        }
    }

    /// Whether a server holds the lock of the database at `db` now.
    pub fn held_by_another(db: &Path) -> Result<bool, DataDirError> {
        let path = lock_path(db);
        let file = match OpenOptions::new().read(true).write(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(DataDirError(format!("{}: {e}", path.display()))),
        };
        match file.try_lock() {
            Ok(()) => Ok(false),
            Err(std::fs::TryLockError::WouldBlock) => Ok(true),
            Err(std::fs::TryLockError::Error(e)) => Err(DataDirError(format!("cannot check {}: {e}", path.display()))),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn dir_of(db: &Path) -> PathBuf {
    match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()),
        _ => PathBuf::from("."),
    }
}
