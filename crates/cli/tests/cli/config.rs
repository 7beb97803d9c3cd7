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
