//! The SQLite data directory: one server at a time, admin commands beside it, and files only
//! the server's user can read.

use std::process::{Command, Stdio};
use std::time::Duration;

use risala_testkit::{eventually_blocking, TempDir};

use crate::support::{admin_combined, Server, BIN};

#[test]
fn a_second_server_on_the_same_data_directory_is_refused() {
    let dir = TempDir::new();
    let first = Server::start(&dir, &[], &[]);

    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .arg("serve")
        .env_remove("RISALA_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Before the lock the second server served: stop it and fail rather than wait forever.
    let exited = eventually_blocking("the second server exits", Duration::from_secs(20), || {
        child.try_wait().ok().flatten().is_some()
    });
    if exited.is_err() {
        let _ = child.kill();
    }
    let second = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "the second server must not start: {stderr}");
    assert!(stderr.contains("another risala server"), "{stderr}");
    let canonical = std::fs::canonicalize(dir.path()).unwrap();
    assert!(stderr.contains(&canonical.display().to_string()), "the message names the directory: {stderr}");
    assert!(stderr.lines().any(|l| l.starts_with("risala: another risala server")), "one line: {stderr}");

    // Commands that open the database beside the server keep working.
    let (ok, out) = admin_combined(&dir, &["businesses", "create", "--name", "Beside the server"]);
    assert!(ok, "{out}");

    // Once the first server stops, another may serve the directory.
    assert!(first.terminate().success());
    let again = Server::start(&dir, &[], &[]);
    assert!(again.terminate().success());
}

#[cfg(unix)]
#[test]
fn the_data_directory_and_its_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = TempDir::new();
    let data = parent.path().join("data");
    let s = Server::start_in(&data, &[], &[]);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data directory");
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&data).unwrap() {
        let p = entry.unwrap().path();
        // Files are the owner's to read; directories (`tmp`, where uploads are received) the
        // owner's to enter.
        let private = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&p), private, "{}", p.display());
        seen.push(p.file_name().unwrap().to_string_lossy().to_string());
    }
    seen.sort();
    for f in ["risala.db", "risala.db-shm", "risala.db-wal", "risala.db.lock", "tmp"] {
        assert!(seen.iter().any(|s| s == f), "{f} in {seen:?}");
    }
    assert!(s.terminate().success());
}
