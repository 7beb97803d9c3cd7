//! `risala config print-default` and `risala migrate` of the real binary, on an empty data
//! directory.

use std::process::Command;

use risala_testkit::TempDir;

use crate::support::BIN;

#[test]
fn config_print_default_and_migrate() {
    let out = Command::new(BIN).args(["config", "print-default"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("listen = \"127.0.0.1:8080\""));
    let dir = TempDir::new();
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .arg("migrate")
        .env_remove("RISALA_DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("risala.db").exists());
    let out = Command::new(BIN)
        .args(["--database-url", "mysql://x"])
        .arg("--data-dir")
        .arg(dir.path())
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

/// A reader that stops reading (`… | head`) closes the pipe before the command writes: the
/// command ends quietly, with no panic and no backtrace.
#[test]
fn a_closed_pipe_ends_a_command_quietly() {
    let dir = TempDir::new();
    let data = dir.path().join("data");
    let mut child = Command::new(BIN)
        .args(["admin", "apps", "list", "--json", "--data-dir"])
        .arg(&data)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !err.contains("panicked"), "{:?}: {err}", out.status);
}
