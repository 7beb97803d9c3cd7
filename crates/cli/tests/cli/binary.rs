//! The real `risala` binary: first start prints a working sandbox, a restart re-creates
//! nothing, SIGTERM stops it cleanly, and the admin commands work on the database.

use std::process::{Command, Stdio};
use std::time::Duration;

use risala_testkit::TempDir;
use serde_json::Value;

use crate::support::{Server, BIN};

fn admin(dir: &TempDir, args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .arg("admin")
        .args(args)
        .env_remove("RISALA_DATABASE_URL")
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr))
}

fn get(url: &str, token: &str) -> (u16, Value) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let r = reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap();
        risala_testkit::json_response(r).await
    })
}

#[test]
fn first_start_prints_a_working_sandbox_and_restart_keeps_it() {
    let dir = TempDir::new();
    let s = Server::start(&dir, &[], &[]);
    assert!(s.banner.contains("Demo tenant (created now)"), "{}", s.banner);
    let token = s.field("access token").split_whitespace().next().unwrap().to_string();
    let phone_id = s.field("phone number id");
    let waba_id = s.field("WABA id");
    assert!(s.banner.contains(&format!("/v23.0/{phone_id}/messages")));
    assert!(s.banner.contains(&format!("Bearer {token}")));
    let (status, body) = get(&format!("{}/v23.0/{phone_id}", s.base()), &token);
    assert_eq!(status, 200, "{body}");

    // The printed curl reaches the server and gets a well-formed Graph answer.
    let curl_line = s.banner.lines().find(|l| l.trim_start().starts_with("curl")).unwrap();
    let url = curl_line.split_whitespace().nth(2).unwrap();
    assert!(url.starts_with(&s.base()));

    // healthcheck against the running server.
    let hc = Command::new(BIN).args(["healthcheck", "--url", &s.base()]).output().unwrap();
    assert!(hc.status.success(), "{}", String::from_utf8_lossy(&hc.stderr));

    let status = s.terminate();
    assert!(status.success(), "SIGTERM should be a clean stop: {status:?}");

    let s = Server::start(&dir, &[], &[]);
    assert!(!s.banner.contains("created now"), "{}", s.banner);
    assert_eq!(s.field("phone number id"), phone_id);
    assert_eq!(s.field("WABA id"), waba_id);
    let (status, _) = get(&format!("{}/{phone_id}", s.base()), &token);
    assert_eq!(status, 200, "the first start's token still works");
    s.terminate();

    let (ok, out) = admin(&dir, &["demo", "--json"]);
    assert!(ok, "{out}");
    let demo: Value = serde_json::from_str(&out).unwrap();
    let keys: Vec<_> = demo.as_object().unwrap().keys().cloned().collect();
    let mut want = vec!["app_id", "app_secret", "business_id", "display_phone_number", "phone_number_id", "waba_id"];
    want.sort();
    assert_eq!(keys, want);
    assert_eq!(demo["phone_number_id"], phone_id.as_str());
    assert!(!out.contains(&token), "admin demo must never print a token");
}

#[test]
fn fixed_demo_token_and_admin_commands() {
    let dir = TempDir::new();
    let fixed = "EAARfixed-demo-token-for-scripts-0001";
    let s = Server::start(&dir, &["--demo-token", fixed], &[]);
    assert!(s.banner.contains(fixed));
    let phone_id = s.field("phone number id");
    let base = s.base();
    s.terminate();

    let (ok, out) = admin(&dir, &["businesses", "create", "--name", "Acme", "--json"]);
    assert!(ok, "{out}");
    let b: Value = serde_json::from_str(&out).unwrap();
    let bid = b["id"].as_str().unwrap().to_string();
    let (ok, out) = admin(&dir, &["wabas", "create", "--business", &bid, "--name", "Acme WABA", "--json"]);
    assert!(ok, "{out}");
    let w: Value = serde_json::from_str(&out).unwrap();
    let (ok, out) = admin(
        &dir,
        &[
            "numbers",
            "create",
            "--waba",
            w["id"].as_str().unwrap(),
            "--number",
            "+44 7700 900123",
            "--name",
            "Acme",
            "--json",
        ],
    );
    assert!(ok, "{out}");
    let n: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(n["phone_number"], "447700900123");
    let (ok, out) = admin(&dir, &["apps", "create", "--business", &bid, "--name", "Acme app", "--json"]);
    assert!(ok, "{out}");
    let (ok, out) = admin(&dir, &["tokens", "create", "--business", &bid, "--json"]);
    assert!(ok, "{out}");
    let t: Value = serde_json::from_str(&out).unwrap();
    let token = t["token"].as_str().unwrap().to_string();
    let (ok, out) = admin(&dir, &["tokens", "list", "--json"]);
    assert!(ok);
    assert!(!out.contains(&token), "listing never shows token values");
    let (ok, out) = admin(&dir, &["numbers", "list"]);
    assert!(ok && out.contains("447700900123") && out.contains("15550100001"), "{out}");

    // Duplicate number and unknown WABA are clear errors, not panics.
    let (ok, out) = admin(
        &dir,
        &["numbers", "create", "--waba", w["id"].as_str().unwrap(), "--number", "+447700900123", "--name", "Dup"],
    );
    assert!(!ok && out.contains("already exists"), "{out}");
    let (ok, out) = admin(&dir, &["wabas", "create", "--business", "123", "--name", "x"]);
    assert!(!ok && out.contains("does not exist"), "{out}");

    // The new token works against a restarted server; revoked, it gets 190.
    let s = Server::start(&dir, &["--demo-token", fixed], &[]);
    let base2 = s.base();
    assert_ne!(base, "");
    let (status, _) = get(&format!("{base2}/{}", n["id"].as_str().unwrap()), &token);
    assert_eq!(status, 200);
    let (status, _) = get(&format!("{base2}/{phone_id}"), fixed);
    assert_eq!(status, 200);
    let (ok, out) = admin(&dir, &["tokens", "revoke", t["id"].as_str().unwrap()]);
    assert!(ok, "{out}");
    std::thread::sleep(Duration::from_millis(5100)); // the other process's auth cache lifetime
    let (status, body) = get(&format!("{base2}/{}", n["id"].as_str().unwrap()), &token);
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], 190);
    s.terminate();
}

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

#[test]
fn customer_listen_and_send_talk_through_a_running_server() {
    let dir = TempDir::new();
    let token = "EAARcli-test-token-0123456789";
    let s = Server::start(&dir, &["--demo-token", token], &[]);
    let base = s.base();
    let phone_id = s.field("phone number id");
    let listen = Command::new(BIN)
        .args([
            "customer",
            "listen",
            "--as",
            "15550007777",
            "--name",
            "Cleo",
            "--read",
            "--for",
            "6s",
            "--server",
            &base,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let out = Command::new(BIN)
        .args([
            "customer",
            "send",
            "--as",
            "15550007777",
            "--to",
            "15550100001",
            "--text",
            "hi from the cli",
            "--server",
            &base,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sent: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(sent["id"].as_str().unwrap().starts_with("wamid."));
    let out = Command::new(BIN)
        .args([
            "send",
            "--token",
            token,
            "--phone-number-id",
            &phone_id,
            "--to",
            "15550007777",
            "--text",
            "hello Cleo",
            "--server",
            &base,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let accepted: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = accepted["messages"][0]["id"].as_str().unwrap().to_string();
    let listened = listen.wait_with_output().unwrap();
    assert!(listened.status.success(), "{}", String::from_utf8_lossy(&listened.stderr));
    let events: Vec<Value> =
        String::from_utf8_lossy(&listened.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let msg = events.iter().find(|e| e["event"] == "message").expect("the business message reached the listener");
    assert_eq!(msg["message"]["id"], id.as_str());
    assert_eq!(msg["message"]["text"]["body"], "hello Cleo");
    // The listener acknowledged it as delivered and read, as a phone does.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let history = rt.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let c = reqwest::Client::new();
        let v: Value = c
            .post(format!("{base}/customer/v1/session"))
            .json(&serde_json::json!({"phone": "15550007777"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let t = v["token"].as_str().unwrap().to_string();
        let h: Value = c
            .get(format!("{base}/customer/v1/chats/15550100001/messages"))
            .bearer_auth(t)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        h
    });
    let ours = history["data"].as_array().unwrap().iter().find(|m| m["id"] == id.as_str()).unwrap();
    assert_eq!(ours["status"], "read", "{history}");
    s.terminate();
}
