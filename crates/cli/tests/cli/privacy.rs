//! `risala admin customers erase` and `risala admin audit` beside a running server: the erasure
//! answers with its counts and is idempotent, the customer's session no longer works, the
//! server drops what it cached of the customer at once, and the CLI's own changes and erasures
//! are in the audit log with actor `operator` and address `cli`.

use serde_json::{json, Value};

use crate::support::{admin, Server};
use risala_testkit::TempDir;

const TOKEN: &str = "EAARoperator-cli-token-0002";
const WA: &str = "15550004444";

fn post(url: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut req = reqwest::Client::new().post(url).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        risala_testkit::json_response(req.send().await.unwrap()).await
    })
}

fn admin_ok(dir: &TempDir, args: &[&str]) -> String {
    let (ok, out, err) = admin(dir, args);
    assert!(ok, "admin {args:?}: {out}{err}");
    out
}

/// The audit entries `risala admin audit ARGS` prints, one JSON object a line.
fn audit(dir: &TempDir, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["audit"];
    all.extend_from_slice(args);
    admin_ok(dir, &all).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn operator_erases_a_customer_and_reads_the_audit_log_with_the_cli() {
    let dir = TempDir::new();
    let s = Server::start(&dir, &["--demo-token", TOKEN], &[]);
    let base = s.base();
    let number = s.field("display number").replace('+', "");
    let (st, session) = post(&format!("{base}/customer/v1/session"), None, &json!({"phone": WA, "name": "Ottoline"}));
    assert_eq!(st, 200, "{session}");
    let customer = session["token"].as_str().unwrap();
    let message = json!({"to": number, "type": "text", "text": {"body": "erase me please"}});
    let (st, v) = post(&format!("{base}/customer/v1/messages"), Some(customer), &message);
    assert_eq!(st, 200, "{v}");
    // A business answer: the server now holds the customer as the business sees them.
    let phone = s.field("phone number id");
    let answer = json!({"messaging_product": "whatsapp", "to": WA, "type": "text", "text": {"body": "on it"}});
    let (st, v) = post(&format!("{base}/v23.0/{phone}/messages"), Some(TOKEN), &answer);
    assert_eq!(st, 200, "{v}");

    let first: Value = serde_json::from_str(&admin_ok(&dir, &["customers", "erase", &format!("+{WA}")])).unwrap();
    assert_eq!(
        (first["erased"]["messages"].as_u64(), first["erased"]["profiles"].as_u64()),
        (Some(2), Some(1)),
        "{first}"
    );
    let (st, v) = post(&format!("{base}/customer/v1/messages"), Some(customer), &message);
    assert_eq!(st, 401, "the erased customer's session is gone: {v}");
    let second: Value = serde_json::from_str(&admin_ok(&dir, &["customers", "erase", WA])).unwrap();
    assert!(second["erased"].as_object().unwrap().values().all(|n| n == 0), "{second}");
    assert_eq!(second["pseudonym"], first["pseudonym"]);
    let (ok, out, err) = admin(&dir, &["customers", "erase", "x1"]);
    assert!(!ok && err.contains("wa_id"), "{out}{err}");
    // The server heard of the other process's commit and dropped its cached views of the
    // customer (they named rows that are gone): a send to the number is answered cleanly, as
    // to a number never seen, well before those views would have expired (5 s). An idle
    // server looks every 0.1 s.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (st, v) = post(&format!("{base}/v23.0/{phone}/messages"), Some(TOKEN), &answer);
    assert_eq!(st, 200, "a send right after the erasure: {v}");
    assert_eq!(v["contacts"][0]["wa_id"], WA, "{v}");

    let b: Value =
        serde_json::from_str(&admin_ok(&dir, &["businesses", "create", "--name", "Audited", "--json"])).unwrap();
    let created = audit(&dir, &["--action", "business.create"]);
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!((created[0]["actor"].as_str(), created[0]["address"].as_str()), (Some("operator"), Some("cli")));
    assert_eq!(created[0]["target"], b["id"]);
    let erasures = audit(&dir, &["--action", "customer.erase"]);
    assert_eq!(erasures.len(), 2, "{erasures:?}");
    assert!(erasures.iter().all(|e| e["target"] == first["pseudonym"] && !e.to_string().contains(WA)), "{erasures:?}");
    let business = s.field("business id");
    admin_ok(&dir, &["limits", "set", &business, "--tier", "TIER_10K", "--json"]);
    let tier = audit(&dir, &["--business", &business]);
    assert_eq!(tier.len(), 1, "{tier:?}");
    assert_eq!(
        (tier[0]["action"].as_str(), tier[0]["detail"].as_str()),
        (Some("messaging_limit.set"), Some("tier=TIER_250->TIER_10K"))
    );
    assert_eq!(audit(&dir, &["--limit", "1"]).len(), 1);
    let (ok, _, err) = admin(&dir, &["audit", "--limit", "0"]);
    assert!(!ok && err.contains("limit"), "{err}");
    drop(s);
}
