//! `risala customer listen|send` and `risala send` of the real binary, talking to each other
//! through a running server.

use std::process::{Command, Stdio};

use risala_testkit::TempDir;
use serde_json::Value;

use crate::support::{run_json, Server, BIN};

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
    // Nothing to wait for: whether the listener connects before or after the business's message,
    // it gets it (a device receives its undelivered messages when it connects).
    let sent = run_json(&[
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
    ]);
    assert!(sent["id"].as_str().unwrap().starts_with("wamid."));
    // Two contents for one message: refused, naming both, and nothing sent.
    let both = Command::new(BIN)
        .args(["customer", "send", "--as", "15550007777", "--to", "15550100001", "--text", "a"])
        .args(["--location", "1,2", "--server", &base])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&both.stderr);
    assert!(!both.status.success() && err.contains("--text, --location"), "{err}");
    let accepted = run_json(&[
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
    ]);
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
