//! `risala admin` against the database of a running server: businesses, WABAs, numbers, apps
//! and tokens (a revoked token is refused by the server); the operator's template review, rate
//! card and invoice commands: `risala admin templates list|review` decide a PENDING template
//! the server then sends, `risala admin rates load|list` set the prices the server charges, and
//! `risala admin billing invoice` prints those charges as JSON, CSV and a table.

use std::time::Duration;

use risala_testkit::{eventually_blocking, TempDir};
use serde_json::{json, Value};

use crate::support::{admin, admin_combined, get, Server};

const TOKEN: &str = "EAARoperator-cli-token-0001";
const GB: &str = "447700900123";
const US: &str = "12125550199";

fn admin_json(dir: &TempDir, args: &[&str]) -> Value {
    let (ok, out, err) = admin(dir, args);
    assert!(ok, "admin {args:?}: {out}{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("admin {args:?}: {e}: {out}"))
}

struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
    base: String,
}

impl Http {
    fn new(base: String) -> Http {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        Http { rt, client: reqwest::Client::new(), base }
    }

    fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        self.rt.block_on(async {
            let mut req = self.client.post(format!("{}{path}", self.base)).json(body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            risala_testkit::json_response(req.send().await.unwrap()).await
        })
    }
}

#[test]
fn operator_reviews_prices_and_invoices_with_the_cli() {
    let dir = TempDir::new();
    let s = Server::start(&dir, &["--demo-token", TOKEN], &[("RISALA_TEMPLATE_REVIEW", "manual")]);
    let http = Http::new(s.base());
    let waba = s.field("WABA id");
    let phone = s.field("phone number id");

    // The sample card, effective long before today: the running server prices with it.
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rates/sample.csv");
    let loaded = admin_json(&dir, &["rates", "load", sample, "--effective", "2020-01-01", "--json"]);
    assert_eq!(
        (loaded["name"].as_str(), loaded["currency"].as_str(), loaded["effective_from"].as_str()),
        (Some("sample-2026-q4"), Some("USD"), Some("2020-01-01")),
        "{loaded}"
    );
    // The sandbox's built-in starting card (loaded at the first start, from 1970-01-01), then this one.
    let cards = admin_json(&dir, &["rates", "list", "--json"]);
    assert_eq!(cards.as_array().unwrap().len(), 2, "{cards}");
    let (ok, _, err) = admin(&dir, &["rates", "load", sample, "--effective", "2020-13-01"]);
    assert!(!ok && err.contains("YYYY-MM-DD"), "{err}");

    // Manual review: the template waits for the operator's CLI decision.
    let create = |name: &str| {
        let t = json!({"name": name, "language": "en_US", "category": "MARKETING", "components": [{"type": "BODY",
            "text": "Hello {{1}}, new arrivals are waiting for you in our store this week.", "example": {"body_text": [["Ann"]]}}]});
        let (st, v) = http.post(&format!("/v23.0/{waba}/message_templates"), Some(TOKEN), &t);
        assert_eq!((st, v["status"].as_str()), (200, Some("PENDING")), "{v}");
        v["id"].as_str().unwrap().to_string()
    };
    let news = create("news");
    let scam = create("scam");
    let send = |to: &str, name: &str| {
        let b = json!({"messaging_product": "whatsapp", "to": to, "type": "template", "template": {"name": name,
            "language": {"code": "en_US"}, "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}]}});
        http.post(&format!("/v23.0/{phone}/messages"), Some(TOKEN), &b)
    };
    assert_eq!(send(GB, "news").1["error"]["code"], 132001, "not sendable while PENDING");
    let pending = admin_json(&dir, &["templates", "list", "--waba", &waba, "--status", "PENDING", "--json"]);
    let mut ids: Vec<&str> = pending.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    ids.sort();
    let mut want = vec![news.as_str(), scam.as_str()];
    want.sort();
    assert_eq!(ids, want, "{pending}");
    let v = admin_json(&dir, &["templates", "review", &news, "--approve", "--json"]);
    assert_eq!(v["status"], "APPROVED", "{v}");
    let v = admin_json(&dir, &["templates", "review", &scam, "--reject", "SCAM", "--json"]);
    assert_eq!((v["status"].as_str(), v["rejected_reason"].as_str()), (Some("REJECTED"), Some("SCAM")), "{v}");
    let (ok, out, err) = admin(&dir, &["templates", "review", &news, "--reject", "SCAM"]);
    assert!(!ok, "only a pending template is reviewed: {out}");
    assert!(!err.is_empty());
    assert_eq!(send(GB, "scam").1["error"]["code"], 132001);

    // Two charged deliveries: marketing to +44 and to New York.
    let mut ids = Vec::new();
    for to in [GB, US] {
        let (st, v) = send(to, "news");
        assert_eq!(st, 200, "{v}");
        let id = v["messages"][0]["id"].as_str().unwrap().to_string();
        let (_, session) = http.post("/customer/v1/session", None, &json!({"phone": to}));
        let ctoken = session["token"].as_str().unwrap().to_string();
        let (st, v) =
            http.post(&format!("/customer/v1/messages/{id}/status"), Some(&ctoken), &json!({"status": "delivered"}));
        assert_eq!(st, 200, "{v}");
        ids.push(id);
    }

    // The invoice of this month (UTC) in the three formats.
    let month = risala_core::pricing::dates::format_date(risala_core::clock::system_now_ms())[..7].to_string();
    let inv = admin_json(&dir, &["billing", "invoice", "--waba", &waba, "--month", &month, "--format", "json"]);
    assert_eq!((inv["total_micros"].as_i64(), inv["total"].as_str()), (Some(77_900), Some("0.077900")), "{inv}");
    assert_eq!((inv["messages"].as_i64(), inv["billable_messages"].as_i64()), (Some(2), Some(2)), "{inv}");
    let gb_line = inv["lines"].as_array().unwrap().iter().find(|l| l["country"] == "GB").unwrap();
    assert_eq!(
        *gb_line,
        json!({"category": "marketing", "country": "GB", "pricing_type": "regular", "messages": 1,
               "amount_micros": 52_900, "amount": "0.052900"})
    );
    let (ok, csv, err) = admin(&dir, &["billing", "invoice", "--waba", &waba, "--month", &month, "--format", "csv"]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "category,country,pricing_type,messages,amount");
    assert!(
        lines.contains(&"marketing,GB,regular,1,0.052900") && lines.contains(&"marketing,US,regular,1,0.025000"),
        "{csv}"
    );
    assert_eq!(*lines.last().unwrap(), "total,,,2,0.077900");
    let (ok, table, err) = admin(&dir, &["billing", "invoice", "--waba", &waba, "--month", &month]);
    assert!(ok, "{err}");
    assert!(table.contains(&format!("Invoice for WABA {waba}, {month}")), "{table}");
    let total = table.lines().find(|l| l.starts_with("TOTAL")).unwrap_or_else(|| panic!("{table}"));
    assert!(total.contains(" 2 ") && total.ends_with("0.077900"), "{total}");
    // Another month has nothing; bad arguments are errors.
    let old = admin_json(&dir, &["billing", "invoice", "--waba", &waba, "--month", "2020-01", "--format", "json"]);
    assert_eq!(old["total_micros"], 0, "{old}");
    let (ok, _, err) = admin(&dir, &["billing", "invoice", "--waba", &waba, "--month", "2026-13"]);
    assert!(!ok && err.contains("YYYY-MM"), "{err}");
    let (ok, _, err) = admin(&dir, &["billing", "invoice", "--waba", "999", "--month", &month]);
    assert!(!ok && err.contains("no WABA"), "{err}");
    drop(s);
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

    let (ok, out) = admin_combined(&dir, &["businesses", "create", "--name", "Acme", "--json"]);
    assert!(ok, "{out}");
    let b: Value = serde_json::from_str(&out).unwrap();
    let bid = b["id"].as_str().unwrap().to_string();
    let (ok, out) = admin_combined(&dir, &["wabas", "create", "--business", &bid, "--name", "Acme WABA", "--json"]);
    assert!(ok, "{out}");
    let w: Value = serde_json::from_str(&out).unwrap();
    let (ok, out) = admin_combined(
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
    let (ok, out) = admin_combined(&dir, &["apps", "create", "--business", &bid, "--name", "Acme app", "--json"]);
    assert!(ok, "{out}");
    let (ok, out) = admin_combined(&dir, &["tokens", "create", "--business", &bid, "--json"]);
    assert!(ok, "{out}");
    let t: Value = serde_json::from_str(&out).unwrap();
    let token = t["token"].as_str().unwrap().to_string();
    let (ok, out) = admin_combined(&dir, &["tokens", "list", "--json"]);
    assert!(ok);
    assert!(!out.contains(&token), "listing never shows token values");
    let (ok, out) = admin_combined(&dir, &["numbers", "list"]);
    assert!(ok && out.contains("447700900123") && out.contains("15550100001"), "{out}");

    // Duplicate number and unknown WABA are clear errors, not panics.
    let (ok, out) = admin_combined(
        &dir,
        &["numbers", "create", "--waba", w["id"].as_str().unwrap(), "--number", "+447700900123", "--name", "Dup"],
    );
    assert!(!ok && out.contains("already exists"), "{out}");
    let (ok, out) = admin_combined(&dir, &["wabas", "create", "--business", "123", "--name", "x"]);
    assert!(!ok && out.contains("does not exist"), "{out}");

    // The new token works against a restarted server; revoked, it gets 190.
    let s = Server::start(&dir, &["--demo-token", fixed], &[]);
    let base2 = s.base();
    assert_ne!(base, "");
    let (status, _) = get(&format!("{base2}/{}", n["id"].as_str().unwrap()), &token);
    assert_eq!(status, 200);
    let (status, _) = get(&format!("{base2}/{phone_id}"), fixed);
    assert_eq!(status, 200);
    // A second token with a lifetime, then expired from the command line: 190/463 from the
    // running server once its auth cache lets go (within a second).
    let (ok, out) = admin_combined(&dir, &["tokens", "create", "--business", &bid, "--expires-in", "30d", "--json"]);
    assert!(ok, "{out}");
    let t2: Value = serde_json::from_str(&out).unwrap();
    assert!(t2["expires_at"].as_i64().is_some(), "{t2}");
    let token2 = t2["token"].as_str().unwrap().to_string();
    let node = format!("{base2}/{}", n["id"].as_str().unwrap());
    assert_eq!(get(&node, &token2).0, 200);
    let (ok, out) = admin_combined(&dir, &["tokens", "expire", t2["id"].as_str().unwrap(), "--json"]);
    assert!(ok, "{out}");
    eventually_blocking("the server refuses the expired token", Duration::from_millis(1500), || {
        get(&node, &token2).0 == 401
    })
    .unwrap();
    let (_, body) = get(&node, &token2);
    assert_eq!(
        (body["error"]["code"].clone(), body["error"]["error_subcode"].clone()),
        (json!(190), json!(463)),
        "{body}"
    );
    let (ok, out) = admin_combined(&dir, &["tokens", "expire", t2["id"].as_str().unwrap(), "--in", "soon"]);
    assert!(!ok && out.contains("not a duration"), "{out}");
    let (ok, out) = admin_combined(&dir, &["tokens", "expire", "123"]);
    assert!(!ok && out.contains("no active token"), "{out}");

    let (ok, out) = admin_combined(&dir, &["tokens", "revoke", t["id"].as_str().unwrap()]);
    assert!(ok, "{out}");
    // The server is another process: it refuses the token once its auth cache has let go of it,
    // within a second (the cache's lifetime; the deadline leaves room for a slow machine's
    // request round trips, not for a longer cache).
    let revoked = format!("{base2}/{}", n["id"].as_str().unwrap());
    eventually_blocking("the server refuses the revoked token", Duration::from_millis(1500), || {
        get(&revoked, &token).0 == 401
    })
    .unwrap();
    let (status, body) = get(&format!("{base2}/{}", n["id"].as_str().unwrap()), &token);
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], 190);
    s.terminate();
}
