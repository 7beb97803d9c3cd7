//! `risala admin keys` beside a running server: rotation keeps every secret readable, by the
//! server and the CLI; the wrong key is a clear one-line error.

use std::process::Command;

use risala_testkit::TempDir;
use serde_json::Value;

use crate::support::{admin, get, Server, BIN};

#[test]
fn keys_rotate_beside_a_running_server_and_the_wrong_key_is_refused() {
    let dir = TempDir::new();
    let s = Server::start(&dir, &[], &[]);
    let secret = s.field("app secret");
    let token = s.field("access token").split_whitespace().next().unwrap().to_string();
    let key_file = dir.path().join("risala.key");
    assert_eq!(std::fs::read_to_string(&key_file).unwrap().lines().count(), 1);

    let (ok, out, err) = admin(&dir, &["keys", "rotate"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("secrets encrypted with key 2"), "{out}");
    assert_eq!(std::fs::read_to_string(&key_file).unwrap().lines().count(), 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // The CLI and the running server read the rotated secrets.
    let (ok, out, err) = admin(&dir, &["demo", "--json"]);
    assert!(ok, "{out}{err}");
    let demo: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(demo["app_secret"].as_str(), Some(secret.as_str()));
    let (status, body) = get(&format!("{}/v23.0/{}", s.base(), s.field("phone number id")), &token);
    assert_eq!(status, 200, "{body}");
    assert!(s.terminate().success());

    // The wrong key: a clear error, nothing opened.
    let cwd = TempDir::new();
    let generated = Command::new(BIN).args(["admin", "keys", "generate", "--id", "2"]).current_dir(cwd.path()).output();
    let wrong = String::from_utf8(generated.unwrap().stdout).unwrap();
    assert_eq!(std::fs::read_dir(cwd.path()).unwrap().count(), 0, "generate opens no database");
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["admin", "demo"])
        .env("RISALA_ENCRYPTION_KEYS", wrong.trim())
        .env_remove("RISALA_DATABASE_URL")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("does not decrypt with key 2 of encryption_keys"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}
