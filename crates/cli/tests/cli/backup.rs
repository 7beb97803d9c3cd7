//! `risala admin backup|restore` with the real binary: a backup taken while messages are being
//! sent holds every message acknowledged before it began, restores into a fresh directory, and
//! a server starts and answers on it; a restore is refused while a server holds the directory.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use risala_core::store::MessageStore;
use risala_testkit::{eventually_blocking, TempDir};
use serde_json::json;

use crate::support::{admin, admin_combined, get, Server};

const TOKEN: &str = "EAARbackup-test-token-000001";
const BURST: usize = 1000;

#[test]
fn a_backup_taken_under_load_restores_every_acknowledged_message() {
    let dir = TempDir::new();
    let s = Server::start(&dir, &["--demo-token", TOKEN], &[("RISALA_THROUGHPUT_MPS", "0")]);
    let phone = s.field("phone number id");
    let url = format!("{}/v23.0/{phone}/messages", s.base());

    // A bounded burst of sends, each id recorded once the server acknowledged it.
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let sender = {
        let acked = acked.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let _ = rustls::crypto::ring::default_provider().install_default();
                let client = reqwest::Client::new();
                for i in 0..BURST {
                    let body = json!({"messaging_product": "whatsapp", "to": "15550001111", "type": "text",
                                      "text": {"body": format!("message {i}")}});
                    let r = client.post(&url).bearer_auth(TOKEN).json(&body).send().await.unwrap();
                    let (status, v) = risala_testkit::json_response(r).await;
                    assert_eq!(status, 200, "{v}");
                    acked.lock().unwrap().push(v["messages"][0]["id"].as_str().unwrap().to_string());
                }
            })
        })
    };
    eventually_blocking("some messages acknowledged", Duration::from_secs(30), || acked.lock().unwrap().len() >= 50)
        .unwrap();
    let before_backup = acked.lock().unwrap().clone();
    let backup = dir.path().join("backup.db");
    let (ok, out) = admin_combined(&dir, &["backup", "--to", backup.to_str().unwrap()]);
    assert!(ok, "{out}");
    let during = acked.lock().unwrap().len();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777, 0o600, "the backup is private");
    }
    sender.join().unwrap();
    assert!(during < BURST, "the backup ran while messages were being sent ({during} of {BURST} before its end)");

    // Restore is refused while the server holds its directory.
    let (ok, out) = admin_combined(&dir, &["restore", "--from", backup.to_str().unwrap()]);
    assert!(!ok && out.contains("another risala server"), "{out}");
    assert!(s.terminate().success());

    // Into a fresh directory, with the key file kept apart from the backup.
    let fresh = TempDir::new();
    std::fs::copy(dir.path().join("risala.key"), fresh.path().join("risala.key")).unwrap();
    let (ok, out, err) = admin(&fresh, &["restore", "--from", backup.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    let restored = Server::start(&fresh, &["--demo-token", TOKEN], &[]);
    let (status, body) = get(&format!("{}/v23.0/{phone}", restored.base()), TOKEN);
    assert_eq!(status, 200, "the restored server answers: {body}");
    assert!(restored.terminate().success());

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let keys = risala_store::Keyring::file(&fresh.path().join("risala.key"), false).unwrap();
        let store = risala_store::SqlStore::open(None, &fresh.path().join("risala.db"), "NORMAL", keys).await.unwrap();
        for id in &before_backup {
            assert!(store.message(id).await.unwrap().is_some(), "{id}, acknowledged before the backup, is missing");
        }
    });

    // A restore without the key the secrets were encrypted with is refused.
    let other = TempDir::new();
    let (ok, out) = admin_combined(&other, &["restore", "--from", backup.to_str().unwrap()]);
    assert!(!ok && out.contains("does not decrypt"), "{out}");
    assert!(
        !other.path().join("risala.db").exists()
            || std::fs::metadata(other.path().join("risala.db")).unwrap().len() == 0
    );
}
