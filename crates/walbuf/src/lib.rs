//! A SQLite VFS over the system's default one that hands a write-ahead log's writes to the
//! kernel in one write per commit.
//!
//! SQLite writes each frame of its log with two `pwrite` calls, a 24-byte header and then the
//! page: a commit of 50 pages costs 100 system calls. Measured on the development machine,
//! 112 such writes (a commit of 56 pages) took 177 µs of CPU against 42 µs for the same bytes
//! in one write. This VFS passes every file straight to the default VFS, except a log, whose
//! consecutive writes it gathers in memory until SQLite needs them in the file: before a sync,
//! a read, a size, a truncation, a write anywhere else, a file control or closing.
//!
//! **Only for `PRAGMA synchronous = FULL` or `EXTRA`** ([`open`] uses it only then). SQLite makes a commit's frames
//! visible to other connections (in the shared WAL index) after it wrote them, and with FULL
//! or EXTRA only after the commit's sync, which writes out what was gathered first. With
//! NORMAL or OFF there is no sync at a commit, and another connection could read a frame that
//! is still here. Where SQLite pads a commit to a sector boundary (a file without
//! `SQLITE_IOCAP_POWERSAFE_OVERWRITE`), it writes part of a frame after the sync: such a log
//! is passed through, not gathered.
//!
//! The workspace forbids unsafe code; this crate is the one exception, because a VFS is a
//! table of C function pointers called by SQLite. Every unsafe block says why it is sound.
#![allow(unsafe_code)]

use rusqlite::ffi;
use std::cell::Cell;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The name to open a connection with (`rusqlite::Connection::open_with_flags_and_vfs`).
pub const NAME: &str = "risala-walbuf";
const NAME_C: &CStr = c"risala-walbuf";

/// At most this much is gathered before it is written.
const MOST: usize = 16 << 20;
/// The most one write hands the default VFS: the unix VFS writes at most 128 KiB - 1 bytes
/// per call (it masks the length with `0x1ffff`).
const CHUNK: usize = 0x1ffff;
/// After a commit larger than this, the buffer is given back instead of kept for the next.
const KEEP: usize = 4 << 20;

/// Writes this VFS made to logs (each gathered run of writes counts once per `CHUNK`).
static LOG_WRITES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Set by [`deferring`]: the next sync of a gathered log on this thread is left to the caller.
    static DEFER: Cell<bool> = const { Cell::new(false) };
    /// Whether a sync was left to the caller since [`deferring`] began.
    static DEFERRED: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` (a `COMMIT`) with the first sync of a gathered log on this thread left to the
/// caller: the commit's frames reach the kernel in one write as always, but the `fsync` is
/// not made, so the thread can go on to its next transaction while another thread syncs the
/// log file (`fsync` on `<database>-wal`, as SQLite's unix VFS syncs). Returns `f`'s result
/// and whether a sync was left out, in which case nothing `f` committed may be acknowledged
/// before the log is synced. Syncs after the first (a checkpoint the commit runs) are made as
/// usual.
///
/// Readers see such a commit before it is on disk; a commit lost to a power cut before its
/// sync was never acknowledged, and SQLite's recovery keeps the log up to its last whole
/// commit, as with `synchronous = NORMAL`.
pub fn deferring<T>(f: impl FnOnce() -> T) -> (T, bool) {
    DEFER.with(|d| d.set(true));
    DEFERRED.with(|d| d.set(false));
    let out = f();
    DEFER.with(|d| d.set(false));
    (out, DEFERRED.with(|d| d.replace(false)))
}

/// Syncs of logs this VFS passed to the default VFS (not those [`deferring`] left out).
static LOG_SYNCS: AtomicU64 = AtomicU64::new(0);

/// How many times this VFS has synced write-ahead logs since the process started.
pub fn log_syncs() -> u64 {
    LOG_SYNCS.load(Ordering::Relaxed)
}

/// How many writes this VFS has made to write-ahead logs since the process started, all
/// files together: a commit that wrote N frames counts 1, not 2N.
pub fn log_writes() -> u64 {
    LOG_WRITES.load(Ordering::Relaxed)
}

/// Open a connection whose log writes are gathered when `synchronous` (which this sets) is
/// FULL or EXTRA, and an ordinary one otherwise.
pub fn open(
    path: &std::path::Path,
    flags: rusqlite::OpenFlags,
    synchronous: &str,
) -> rusqlite::Result<rusqlite::Connection> {
    let conn = match gathers(synchronous).then(register) {
        Some(Err(e)) => return Err(rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_CANTOPEN), Some(e))),
        Some(Ok(())) => rusqlite::Connection::open_with_flags_and_vfs(path, flags, NAME)?,
        None => rusqlite::Connection::open_with_flags(path, flags)?,
    };
    conn.pragma_update(None, "synchronous", synchronous)?;
    Ok(conn)
}

/// Whether [`open`] gathers a log's writes (and [`deferring`] can leave a sync out) with this
/// `synchronous` setting: FULL or EXTRA, where every commit is synced.
pub fn gathers(synchronous: &str) -> bool {
    ["FULL", "EXTRA"].iter().any(|s| s.eq_ignore_ascii_case(synchronous))
}

/// Register the VFS (once per process; later calls return the first call's outcome).
pub fn register() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        // SAFETY: runs once; `install` only reads SQLite's default VFS and registers a copy of
        // it that lives for the rest of the process.
        unsafe { install() }
    })
    .clone()
}

/// Stop SQLite counting the memory it allocates, when this runs before SQLite is first used
/// in the process (later it changes nothing). The count (`sqlite3_memory_used`, which Risala
/// never reads) takes a lock shared by every connection around each of SQLite's allocations
/// and frees.
pub fn uncounted() {
    static DONE: std::sync::Once = std::sync::Once::new();
    DONE.call_once(|| {
        // SAFETY: `sqlite3_config` may be called before SQLite is initialised; after that it
        // returns SQLITE_MISUSE and changes nothing, which is fine. The option takes one int.
        let _ = unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int) };
    });
}

/// Our part of a log's file object; the default VFS's file follows it, at `REAL_AT`.
#[repr(C)]
struct File {
    base: ffi::sqlite3_file,
    real: *mut ffi::sqlite3_file,
    gather: *mut Gather,
}

/// What was written to a log and not yet handed to the kernel: `bytes` belong at `at`.
struct Gather {
    on: bool,
    at: i64,
    bytes: Vec<u8>,
}

/// Where the default VFS's file object starts inside ours (SQLite allocates 8-byte aligned).
const REAL_AT: usize = std::mem::size_of::<File>().next_multiple_of(8);

/// # Safety
/// Call once, after which SQLite keeps the returned VFS for the rest of the process.
unsafe fn install() -> Result<(), String> {
    // SAFETY: initialising SQLite is allowed at any time and from any thread.
    let rc = unsafe { ffi::sqlite3_initialize() };
    if rc != ffi::SQLITE_OK {
        return Err(format!("SQLite did not initialise ({rc})"));
    }
    // SAFETY: a null name asks for the default VFS, which SQLite keeps for the process.
    let base = unsafe { ffi::sqlite3_vfs_find(null()) };
    if base.is_null() {
        return Err("SQLite has no default VFS".into());
    }
    // SAFETY: `base` is a valid VFS; the copy takes its methods, all of which except `xOpen`
    // ignore the VFS they are called with apart from reading `mxPathname`, which is copied.
    let mut vfs = unsafe { std::ptr::read(base) };
    let size = usize::try_from(vfs.szOsFile).map_err(|e| e.to_string())? + REAL_AT;
    vfs.szOsFile = c_int::try_from(size).map_err(|e| e.to_string())?;
    vfs.pNext = null_mut();
    vfs.zName = NAME_C.as_ptr();
    vfs.pAppData = base.cast();
    vfs.xOpen = Some(open_file);
    let vfs = Box::into_raw(Box::new(vfs));
    // SAFETY: `vfs` is valid and never freed (SQLite keeps it), its name is a static string.
    let rc = unsafe { ffi::sqlite3_vfs_register(vfs, 0) };
    if rc != ffi::SQLITE_OK {
        return Err(format!("SQLite did not register the {NAME} VFS ({rc})"));
    }
    Ok(())
}

unsafe extern "C" fn open_file(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out: *mut c_int,
) -> c_int {
    // SAFETY: SQLite calls this with the VFS `install` registered, whose `pAppData` is the
    // default VFS, and `file` points at `szOsFile` zeroed bytes: room for our `File` and,
    // `REAL_AT` bytes in, the default VFS's own file object.
    unsafe {
        let base = (*vfs).pAppData.cast::<ffi::sqlite3_vfs>();
        let Some(base_open) = (*base).xOpen else { return ffi::SQLITE_CANTOPEN };
        if flags & ffi::SQLITE_OPEN_WAL == 0 {
            // Anything but a log is the default VFS's own, with its own methods.
            return base_open(base, name, file, flags, out);
        }
        let f = file.cast::<File>();
        let real = file.cast::<u8>().add(REAL_AT).cast::<ffi::sqlite3_file>();
        (*f).base.pMethods = null();
        (*f).real = real;
        (*f).gather = null_mut();
        let rc = base_open(base, name, real, flags, out);
        if rc != ffi::SQLITE_OK {
            // SQLite closes a file that failed to open only through its methods, unset here.
            if let Some(close) = (*real).pMethods.as_ref().and_then(|m| m.xClose) {
                close(real);
            }
            return rc;
        }
        let caps = (*(*real).pMethods).xDeviceCharacteristics.map_or(0, |d| d(real));
        let on = caps & ffi::SQLITE_IOCAP_POWERSAFE_OVERWRITE != 0;
        (*f).gather = Box::into_raw(Box::new(Gather { on, at: 0, bytes: Vec::new() }));
        (*f).base.pMethods = &METHODS;
        rc
    }
}

static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(close),
    xRead: Some(read),
    xWrite: Some(write),
    xTruncate: Some(truncate),
    xSync: Some(sync),
    xFileSize: Some(file_size),
    xLock: Some(lock),
    xUnlock: Some(unlock),
    xCheckReservedLock: Some(check_reserved_lock),
    xFileControl: Some(file_control),
    xSectorSize: Some(sector_size),
    xDeviceCharacteristics: Some(device_characteristics),
    xShmMap: Some(shm_map),
    xShmLock: Some(shm_lock),
    xShmBarrier: Some(shm_barrier),
    xShmUnmap: Some(shm_unmap),
    xFetch: Some(fetch),
    xUnfetch: Some(unfetch),
};

/// The default VFS's file and methods under one of ours, and what is gathered.
///
/// # Safety
/// `file` was opened by [`open_file`] as a log (its methods are [`METHODS`]) and is not closed.
unsafe fn parts<'a>(
    file: *mut ffi::sqlite3_file,
) -> (*mut ffi::sqlite3_file, &'a ffi::sqlite3_io_methods, &'a mut Gather) {
    // SAFETY: per the contract, `file` is a `File` whose `real` is open and whose `gather` is
    // the box `open_file` made; SQLite calls a file's methods from one thread at a time.
    unsafe {
        let f = file.cast::<File>();
        let real = (*f).real;
        (real, &*(*real).pMethods, &mut *(*f).gather)
    }
}

/// Hand what is gathered to the file.
///
/// # Safety
/// `real` and `m` are an open file of the default VFS and its methods.
unsafe fn flush(real: *mut ffi::sqlite3_file, m: &ffi::sqlite3_io_methods, g: &mut Gather) -> c_int {
    if g.bytes.is_empty() {
        return ffi::SQLITE_OK;
    }
    let Some(write) = m.xWrite else { return ffi::SQLITE_IOERR_WRITE };
    let mut rc = ffi::SQLITE_OK;
    let mut at = g.at;
    for chunk in g.bytes.chunks(CHUNK) {
        // SAFETY: `chunk` is initialised and shorter than the default VFS's largest write;
        // it writes all of it or fails.
        rc = unsafe { write(real, chunk.as_ptr().cast(), chunk.len() as c_int, at) };
        LOG_WRITES.fetch_add(1, Ordering::Relaxed);
        if rc != ffi::SQLITE_OK {
            break;
        }
        at += chunk.len() as i64;
    }
    g.bytes.clear();
    if g.bytes.capacity() > KEEP {
        g.bytes = Vec::new();
    }
    rc
}

/// Flush, then call one of the default VFS's methods (`$name`) with the remaining arguments.
macro_rules! flushed {
    ($file:expr, $name:ident, $missing:expr $(, $arg:expr)*) => {{
        // SAFETY: SQLite calls this method on a file `open_file` opened as a log.
        let (real, m, g) = unsafe { parts($file) };
        // SAFETY: `real` and `m` belong together and are open.
        let rc = unsafe { flush(real, m, g) };
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        match m.$name {
            // SAFETY: the arguments are SQLite's own, passed on unchanged to the file below.
            Some(f) => unsafe { f(real $(, $arg)*) },
            None => $missing,
        }
    }};
}

/// Call one of the default VFS's methods without flushing (nothing it does reads the file).
macro_rules! passed {
    ($file:expr, $name:ident, $missing:expr $(, $arg:expr)*) => {{
        // SAFETY: SQLite calls this method on a file `open_file` opened as a log.
        let (real, m, _) = unsafe { parts($file) };
        match m.$name {
            // SAFETY: the arguments are SQLite's own, passed on unchanged to the file below.
            Some(f) => unsafe { f(real $(, $arg)*) },
            None => $missing,
        }
    }};
}

unsafe extern "C" fn close(file: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: SQLite closes a file once, after its last other call.
    let (real, m, g) = unsafe { parts(file) };
    // SAFETY: `real` and `m` belong together and are open.
    let flushed = unsafe { flush(real, m, g) };
    // SAFETY: as above; the file is not used again.
    let closed = m.xClose.map_or(ffi::SQLITE_OK, |c| unsafe { c(real) });
    // SAFETY: `gather` is the box `open_file` made, freed once here; nothing reads it afterwards.
    unsafe {
        let f = file.cast::<File>();
        drop(Box::from_raw((*f).gather));
        (*f).gather = null_mut();
        (*f).base.pMethods = null();
    }
    if flushed != ffi::SQLITE_OK {
        flushed
    } else {
        closed
    }
}

unsafe extern "C" fn read(file: *mut ffi::sqlite3_file, buf: *mut c_void, amt: c_int, at: i64) -> c_int {
    flushed!(file, xRead, ffi::SQLITE_IOERR_READ, buf, amt, at)
}

unsafe extern "C" fn write(file: *mut ffi::sqlite3_file, data: *const c_void, amt: c_int, at: i64) -> c_int {
    // SAFETY: SQLite calls this method on a file `open_file` opened as a log.
    let (real, m, g) = unsafe { parts(file) };
    let n = usize::try_from(amt).unwrap_or(0);
    let end = g.at + g.bytes.len() as i64;
    let gathered = g.on && n > 0 && n <= CHUNK;
    if !g.bytes.is_empty() && (!gathered || at != end || g.bytes.len() + n > MOST) {
        // SAFETY: `real` and `m` belong together and are open.
        let rc = unsafe { flush(real, m, g) };
        if rc != ffi::SQLITE_OK {
            return rc;
        }
    }
    if !gathered {
        LOG_WRITES.fetch_add(1, Ordering::Relaxed);
        // SAFETY: SQLite's arguments, passed on unchanged.
        return m.xWrite.map_or(ffi::SQLITE_IOERR_WRITE, |w| unsafe { w(real, data, amt, at) });
    }
    if g.bytes.is_empty() {
        g.at = at;
    }
    // SAFETY: SQLite passes `amt` readable bytes at `data`.
    g.bytes.extend_from_slice(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), n) });
    ffi::SQLITE_OK
}

unsafe extern "C" fn truncate(file: *mut ffi::sqlite3_file, size: i64) -> c_int {
    flushed!(file, xTruncate, ffi::SQLITE_IOERR_TRUNCATE, size)
}

unsafe extern "C" fn sync(file: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    // SAFETY: SQLite calls this method on a file `open_file` opened as a log.
    let (real, m, g) = unsafe { parts(file) };
    if g.on && DEFER.with(|d| d.replace(false)) {
        // SAFETY: `real` and `m` belong together and are open.
        let rc = unsafe { flush(real, m, g) };
        if rc == ffi::SQLITE_OK {
            DEFERRED.with(|d| d.set(true));
        }
        return rc;
    }
    LOG_SYNCS.fetch_add(1, Ordering::Relaxed);
    flushed!(file, xSync, ffi::SQLITE_IOERR_FSYNC, flags)
}

unsafe extern "C" fn file_size(file: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    flushed!(file, xFileSize, ffi::SQLITE_IOERR_FSTAT, size)
}

unsafe extern "C" fn lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    passed!(file, xLock, ffi::SQLITE_OK, level)
}

unsafe extern "C" fn unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    passed!(file, xUnlock, ffi::SQLITE_OK, level)
}

unsafe extern "C" fn check_reserved_lock(file: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    passed!(file, xCheckReservedLock, ffi::SQLITE_OK, out)
}

unsafe extern "C" fn file_control(file: *mut ffi::sqlite3_file, op: c_int, arg: *mut c_void) -> c_int {
    flushed!(file, xFileControl, ffi::SQLITE_NOTFOUND, op, arg)
}

unsafe extern "C" fn sector_size(file: *mut ffi::sqlite3_file) -> c_int {
    passed!(file, xSectorSize, 4096)
}

unsafe extern "C" fn device_characteristics(file: *mut ffi::sqlite3_file) -> c_int {
    passed!(file, xDeviceCharacteristics, 0)
}

unsafe extern "C" fn shm_map(
    file: *mut ffi::sqlite3_file,
    page: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    passed!(file, xShmMap, ffi::SQLITE_IOERR_SHMMAP, page, size, extend, out)
}

unsafe extern "C" fn shm_lock(file: *mut ffi::sqlite3_file, at: c_int, n: c_int, flags: c_int) -> c_int {
    passed!(file, xShmLock, ffi::SQLITE_IOERR_SHMLOCK, at, n, flags)
}

unsafe extern "C" fn shm_barrier(file: *mut ffi::sqlite3_file) {
    passed!(file, xShmBarrier, ())
}

unsafe extern "C" fn shm_unmap(file: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    passed!(file, xShmUnmap, ffi::SQLITE_OK, delete)
}

unsafe extern "C" fn fetch(file: *mut ffi::sqlite3_file, at: i64, amt: c_int, out: *mut *mut c_void) -> c_int {
    // A log is never mapped; should SQLite ask, it reads through `read` instead.
    if !out.is_null() {
        // SAFETY: SQLite passes a valid place for the mapped pointer.
        unsafe { *out = null_mut() };
    }
    let _ = (file, at, amt);
    ffi::SQLITE_OK
}

unsafe extern "C" fn unfetch(file: *mut ffi::sqlite3_file, at: i64, page: *mut c_void) -> c_int {
    let _ = (file, at, page);
    ffi::SQLITE_OK
}
