//! `risala serve` as a real process: the first start prints a working sandbox (banner, token,
//! curl line, healthcheck), a restart re-creates nothing, and SIGTERM stops it cleanly.

use std::process::Command;

use risala_testkit::TempDir;
use serde_json::Value;

use crate::support::{admin_combined, get, Server, BIN};

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
    // The token is not printed again: the curl line names the variable, in quotes a shell fills.
    assert!(s.banner.contains(r#"-H "Authorization: Bearer $RISALA_TOKEN""#), "{}", s.banner);
    assert_eq!(s.field("phone number id"), phone_id);
    assert_eq!(s.field("WABA id"), waba_id);
    let (status, _) = get(&format!("{}/{phone_id}", s.base()), &token);
    assert_eq!(status, 200, "the first start's token still works");
    s.terminate();

    let (ok, out) = admin_combined(&dir, &["demo", "--json"]);
    assert!(ok, "{out}");
    let demo: Value = serde_json::from_str(&out).unwrap();
    let keys: Vec<_> = demo.as_object().unwrap().keys().cloned().collect();
    let mut want = vec!["app_id", "app_secret", "business_id", "display_phone_number", "phone_number_id", "waba_id"];
    want.sort();
    assert_eq!(keys, want);
    assert_eq!(demo["phone_number_id"], phone_id.as_str());
    assert!(!out.contains(&token), "admin demo must never print a token");
}
