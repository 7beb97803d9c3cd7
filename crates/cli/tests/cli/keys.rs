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

/// `risala --data-dir DIR admin keys rotate` with `RISALA_ENCRYPT_AT_REST` set to `on`.
fn rotate(dir: &TempDir, on: bool) -> String {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["admin", "keys", "rotate"])
        .env_remove("RISALA_DATABASE_URL")
        .env("RISALA_ENCRYPT_AT_REST", on.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// Turning `encrypt_at_rest` on for an existing database: a rotation with the switch off moves
/// only what is encrypted; with it on, it encrypts the bodies stored in plain text.
#[test]
fn keys_rotate_encrypts_plain_bodies_once_encrypt_at_rest_is_on() {
    let dir = TempDir::new();
    let out = rotate(&dir, false);
    assert!(out.contains("0 message bodies and webhook payloads encrypted with key 2"), "{out}");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let open = || async {
        let keys = risala_store::Keyring::file(&dir.path().join("risala.key"), false).unwrap();
        risala_store::SqlStore::open(None, &dir.path().join("risala.db"), "NORMAL", keys).await.unwrap()
    };
    let raw = || async {
        let rows = open().await.db().query("SELECT content FROM messages", vec![]).await.unwrap();
        rows[0].text(0).unwrap()
    };
    // A message a server with the switch off stored in plain text.
    rt.block_on(async {
        let insert = "INSERT INTO messages (id, seq, phone_number_id, business_id, wa_id, direction, type, content, status, created_at, updated_at) VALUES ('wamid.plain', 1, 'p1', 'b1', '15550001111', 'out', 'text', '{\"body\":\"Plain-Text-5521\"}', 'sent', 0, 0)";
        open().await.db().write(risala_store::Plan::one(insert, vec![])).await.unwrap();
    });

    let out = rotate(&dir, false);
    assert!(out.contains("0 message bodies and webhook payloads encrypted with key 3"), "{out}");
    assert!(out.contains("encrypt_at_rest is off"), "{out}");
    assert!(rt.block_on(raw()).contains("Plain-Text-5521"));

    let out = rotate(&dir, true);
    assert!(out.contains("1 message bodies and webhook payloads encrypted with key 4"), "{out}");
    let stored = rt.block_on(raw());
    assert!(stored.starts_with("v1:4:") && !stored.contains("Plain-Text"), "{stored}");
    let message = rt.block_on(async {
        use risala_core::store::MessageStore;
        open().await.message("wamid.plain").await.unwrap().unwrap()
    });
    assert_eq!(message.content["body"], "Plain-Text-5521");
}
