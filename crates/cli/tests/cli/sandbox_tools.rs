//! The sandbox's starting rate card and error-injection commands of the real binary: a fresh
//! sandbox loads the built-in card once and says so; without one the banner warns and the
//! invoice says prices are zero; `risala sandbox faults add|list|clear` drive a running server;
//! `risala sandbox export|import` move the whole state from one server to another.

use std::process::Command;

use risala_testkit::TempDir;
use serde_json::{json, Value};

use crate::support::{admin, get, run_json, Server, BIN};

const TOKEN: &str = "EAARsandbox-tools-token-0001";

fn cards(dir: &TempDir) -> Value {
    let (ok, out, err) = admin(dir, &["rates", "list", "--json"]);
    assert!(ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn a_fresh_sandbox_starts_with_the_built_in_rate_card_once() {
    let dir = TempDir::new();
    let s = Server::start(&dir, &["--demo-token", TOKEN], &[]);
    assert!(
        s.banner.contains("Rate card: meta-usd-2026-01-01 (the built-in starting card, loaded now"),
        "{}",
        s.banner
    );
    assert!(!s.banner.contains("no rate card"), "{}", s.banner);
    s.terminate();
    let c = cards(&dir);
    assert_eq!(c.as_array().unwrap().len(), 1, "{c}");
    assert_eq!((c[0]["name"].as_str(), c[0]["effective_from"].as_i64()), (Some("meta-usd-2026-01-01"), Some(0)), "{c}");
    // A restart finds it and loads nothing more.
    let s = Server::start(&dir, &["--demo-token", TOKEN], &[]);
    assert!(s.banner.contains("Rate card: meta-usd-2026-01-01\n"), "{}", s.banner);
    s.terminate();
    assert_eq!(cards(&dir).as_array().unwrap().len(), 1);
}

#[test]
fn without_a_rate_card_the_banner_warns_and_the_invoice_says_prices_are_zero() {
    let dir = TempDir::new();
    let s = Server::start(&dir, &["--demo-token", TOKEN], &[("RISALA_STARTING_RATE_CARD", "false")]);
    assert!(s.banner.contains("WARNING: no rate card: template messages are priced at zero"), "{}", s.banner);
    let waba = s.field("WABA id");
    s.terminate();
    assert_eq!(cards(&dir), json!([]));
    let (ok, table, err) = admin(&dir, &["billing", "invoice", "--waba", &waba, "--month", "2026-11"]);
    assert!(ok, "{err}");
    assert!(table.starts_with("NOTE: no rate card: prices are zero\n"), "{table}");
    let (ok, out, err) =
        admin(&dir, &["billing", "invoice", "--waba", &waba, "--month", "2026-11", "--format", "json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["note"], "no rate card: prices are zero", "{v}");
    let (ok, _, err) = admin(&dir, &["billing", "invoice", "--waba", &waba, "--month", "2026-11", "--format", "csv"]);
    assert!(ok && err.contains("no rate card: prices are zero"), "{err}");
}

#[test]
fn faults_add_list_clear_drive_a_running_server() {
    let dir = TempDir::new();
    let s = Server::start(&dir, &["--demo-token", TOKEN], &[]);
    let base = s.base();
    let phone = s.field("phone number id");
    let auth = ["--token", TOKEN, "--server", base.as_str()];
    let mut add = vec!["sandbox", "faults", "add", "--path", "POST /{phone-number-id}/messages", "--when", "next"];
    add.extend(["--count", "1", "--code", "130429", "--retry-after", "5"]);
    add.extend(auth);
    let rule = run_json(&add);
    assert_eq!(
        (&rule["code"], &rule["remaining"], &rule["retry_after"]),
        (&json!(130429), &json!(1), &json!(5)),
        "{rule}"
    );
    let mut list = vec!["sandbox", "faults", "list"];
    list.extend(auth);
    assert_eq!(run_json(&list)["data"][0]["id"], rule["id"]);
    // The next send answers the rule's error; the one after goes through.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let send = || {
        let body =
            json!({"messaging_product": "whatsapp", "to": "15550001111", "type": "text", "text": {"body": "hi"}});
        let url = format!("{base}/v23.0/{phone}/messages");
        rt.block_on(async { reqwest::Client::new().post(url).bearer_auth(TOKEN).json(&body).send().await.unwrap() })
            .status()
            .as_u16()
    };
    assert_eq!(send(), 429);
    assert_eq!(send(), 200);
    let mut bad = vec!["sandbox", "faults", "add", "--path", "/x", "--code", "999999"];
    bad.extend(auth);
    let out = Command::new(BIN).args(&bad).output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("131009"));
    let mut clear = vec!["sandbox", "faults", "clear"];
    clear.extend(auth);
    assert_eq!(run_json(&clear)["deleted"], 1);
    assert_eq!(run_json(&list)["data"], json!([]));
}

#[test]
fn sandbox_export_and_import_move_the_state_between_servers() {
    const ADMIN: &str = "operator-token-for-state-files";
    let env = [("RISALA_ADMIN_TOKEN", ADMIN)];
    let (da, db) = (TempDir::new(), TempDir::new());
    let a = Server::start(&da, &["--demo-token", TOKEN], &env);
    let waba = a.field("WABA id");
    let file = da.path().join("state.jsonl");
    let file = file.to_str().unwrap();
    let out = Command::new(BIN)
        .args(["sandbox", "export", file, "--token", ADMIN, "--server", a.base().as_str()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("exported the sandbox state"));
    // It holds secrets: readable by its owner only, as a backup is.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    a.terminate();

    let b = Server::start(&db, &["--demo-token", TOKEN], &env);
    let base = b.base();
    let numbers = format!("{base}/v23.0/{waba}/phone_numbers");
    assert_eq!(get(&numbers, TOKEN).0, 400, "A's WABA is not on B before the import");
    let imported = run_json(&["sandbox", "import", file, "--token", ADMIN, "--server", base.as_str()]);
    assert_eq!(imported["success"], true, "{imported}");
    let (s, v) = get(&numbers, TOKEN);
    assert_eq!(s, 200, "{v}");
    // A file that is not a state file: refused with the reason, and B keeps A's state.
    let junk = db.path().join("junk.jsonl");
    std::fs::write(&junk, "{\"format\":\"something-else\"}\n").unwrap();
    let out = Command::new(BIN)
        .args(["sandbox", "import", junk.to_str().unwrap(), "--token", ADMIN, "--server", base.as_str()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Risala state file"), "{out:?}");
    assert_eq!(get(&numbers, TOKEN).0, 200);
}

/// `risala webhooks replay` takes a delivery id or `--dead`; both at once is refused as such,
/// before anything is sent.
#[test]
fn replay_takes_an_id_or_dead_not_both() {
    let out = Command::new(BIN)
        .args(["webhooks", "replay", "216", "--dead", "--server", "http://127.0.0.1:9", "--token", TOKEN])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("give a delivery id or --dead, not both"), "{err}");
}
