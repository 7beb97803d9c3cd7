//! Sandbox error injection (`/sandbox/v1/faults`): rules that fire always, for the next N or
//! every Nth matching request, answer Meta's envelope (with the usage headers of a throttling
//! error) before the handler runs, or fail an accepted send through a status webhook; rules are
//! a business's own and survive a restart. On SQLite and PostgreSQL.

use risala_core::model::Permission;
use risala_testkit::{assert_graph_error, engine_test, json_response, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::{json, Value};

use crate::support::{customer_in_window, send, send_path, CUSTOMER};

const FAULTS: &str = "/sandbox/v1/faults";

fn text(body: &str) -> Value {
    json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text", "text": {"body": body}})
}

/// Send with the demo token; status, headers and body.
async fn send_raw(app: &TestApp, body: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let resp =
        app.client.post(app.url(&send_path(app))).bearer_auth(DEMO_TOKEN).json(&text(body)).send().await.unwrap();
    let headers = resp.headers().clone();
    let (s, v) = json_response(resp).await;
    (s, headers, v)
}

async fn delete_as(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    json_response(app.client.delete(app.url(path)).bearer_auth(token).send().await.unwrap()).await
}

/// Every wamid that has a queued status webhook.
async fn statused(app: &TestApp) -> Vec<String> {
    let mut ids: Vec<String> =
        app.queued_statuses().await.iter().filter_map(|s| s["id"].as_str().map(str::to_string)).collect();
    ids.dedup();
    ids
}

async fn next_n(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    customer_in_window(&app).await;
    let rule = json!({"path": "POST /{phone-number-id}/messages", "mode": "next", "count": 2, "code": 131056});
    let (s, f) = app.post(FAULTS, &rule).await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(
        (&f["mode"], &f["count"], &f["remaining"], &f["method"]),
        (&json!("next"), &json!(2), &json!(2), &json!("POST"))
    );
    for i in 0..2 {
        let (s, h, v) = send_raw(&app, &format!("faulted {i}")).await;
        let e = assert_graph_error(&(s, v.clone()), 400, 131056);
        assert_eq!(e["type"], "OAuthException");
        assert_eq!(e["error_data"]["messaging_product"], "whatsapp");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .starts_with("(#131056) (Business Account, Consumer Account) pair rate limit hit"),
            "{e}"
        );
        // A throttling error carries Meta's usage header, keyed by the number's WABA, and Retry-After.
        assert_eq!(h["retry-after"], "60");
        let usage: Value = serde_json::from_str(h["x-business-use-case-usage"].to_str().unwrap()).unwrap();
        let entry = &usage[app.waba_id()][0];
        assert_eq!(
            (&entry["type"], &entry["call_count"], &entry["estimated_time_to_regain_access"]),
            (&json!("whatsapp"), &json!(100), &json!(1)),
            "{usage}"
        );
    }
    // The faulted sends had no effect: no message, no status webhook.
    assert!(statused(&app).await.is_empty());
    let (s, _, v) = send_raw(&app, "the third goes").await;
    assert_eq!(s, 200, "{v}");
    let wamid = v["messages"][0]["id"].as_str().unwrap();
    app.state.messaging.store().message(wamid).await.unwrap().expect("the third message is stored");
    assert_eq!(statused(&app).await, vec![wamid.to_string()]);
    let (_, list) = app.get(FAULTS).await;
    assert_eq!((&list["data"][0]["hits"], &list["data"][0]["remaining"]), (&json!(2), &json!(0)), "{list}");
    app.stop().await;
}
engine_test!(a_next_n_rule_fails_n_sends_with_meta_throttling_headers, super::next_n);

async fn every_nth(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    customer_in_window(&app).await;
    let rule = json!({"path": "/v23.0/*/messages", "phone_number_id": app.phone_number_id(), "mode": "every", "n": 2,
        "code": 4, "error_subcode": 2446079, "http_status": 429, "message": "Application request limit reached (sandbox)",
        "details": "Calls per hour exceeded.", "retry_after": 120});
    let (s, f) = app.post(FAULTS, &rule).await;
    assert_eq!((s, &f["path"]), (200, &json!("/*/messages")), "{f}");
    let mut answers = Vec::new();
    for i in 0..4 {
        let (s, h, v) = send_raw(&app, &format!("m{i}")).await;
        if s != 200 {
            let e = assert_graph_error(&(s, v.clone()), 429, 4);
            assert_eq!((&e["error_subcode"], &e["is_transient"]), (&json!(2446079), &json!(true)), "{e}");
            assert_eq!(e["message"], "(#4) Application request limit reached (sandbox)");
            assert_eq!(e["error_data"]["details"], "Calls per hour exceeded.");
            assert_eq!(h["retry-after"], "120");
            let usage: Value = serde_json::from_str(h["x-app-usage"].to_str().unwrap()).unwrap();
            assert_eq!(usage["call_count"], 100, "{usage}");
            assert!(h.get("x-business-use-case-usage").is_none());
        }
        answers.push(s);
    }
    assert_eq!(answers, vec![200, 429, 200, 429]);
    // Another path is not matched.
    let (s, v) = app.get(&format!("/v23.0/{}", app.phone_number_id())).await;
    assert_eq!(s, 200, "{v}");
    // Every code of Meta's table can be injected, with its own HTTP status: the registration
    // server's 133004 is a transient 503, 135000 a 400.
    for (code, status) in [(133004, 503), (135000, 400), (131045, 500), (132069, 400), (33, 400)] {
        let rule = json!({"path": "GET /{phone-number-id}", "mode": "next", "count": 1, "code": code});
        let (s, f) = app.post(FAULTS, &rule).await;
        assert_eq!(s, 200, "{code}: {f}");
        assert_graph_error(&app.get(&format!("/v23.0/{}", app.phone_number_id())).await, status, code);
    }
    app.stop().await;
}
engine_test!(an_every_nth_rule_fails_every_nth_send_with_its_own_status_and_subcode, super::every_nth);

async fn status_error(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    customer_in_window(&app).await;
    let rule = json!({"path": "/{phone-number-id}/messages", "mode": "next", "count": 1, "status_error": 131026});
    let (s, f) = app.post(FAULTS, &rule).await;
    assert_eq!((s, &f["status_error"]), (200, &json!(131026)), "{f}");
    // Accepted as Meta accepts it; the failure comes in the status webhook.
    let (s, _, v) = send_raw(&app, "will fail").await;
    assert_eq!(s, 200, "{v}");
    let failed = v["messages"][0]["id"].as_str().unwrap().to_string();
    let (s, _, v) = send_raw(&app, "will go").await;
    assert_eq!(s, 200, "{v}");
    let sent = v["messages"][0]["id"].as_str().unwrap().to_string();
    let statuses = app.queued_statuses().await;
    let of = |id: &str| statuses.iter().filter(|s| s["id"] == id).cloned().collect::<Vec<_>>();
    let f = of(&failed);
    assert_eq!(f.len(), 1, "{statuses:?}");
    assert_eq!(f[0]["status"], "failed");
    assert_eq!(f[0]["errors"][0]["code"], 131026, "{}", f[0]);
    assert!(of(&sent).iter().all(|s| s["status"] != "failed"), "{statuses:?}");
    // status_error rules are for sends only, and take neither http_status nor retry_after.
    for (bad, code) in [
        (json!({"path": "/{phone-number-id}/media", "status_error": 131026}), 131009),
        (json!({"path": "GET /*/messages", "status_error": 131026}), 131009),
        (json!({"path": "/*/messages", "status_error": 131026, "http_status": 500}), 100),
    ] {
        assert_graph_error(&app.post(FAULTS, &bad).await, 400, code);
    }
    app.stop().await;
}
engine_test!(a_status_error_rule_fails_an_accepted_send_in_its_status_webhook, super::status_error);

async fn scoped(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    customer_in_window(&app).await;
    let t = &app.state.tenancy;
    let b = t.create_business("Other Co").await.unwrap();
    let (_, other) = t.create_token(&b.id, "m", &Permission::ALL, None).await.unwrap();
    let (_, messaging_only) = t.create_token(&b.id, "m", &[Permission::Messaging], None).await.unwrap();
    // Rules take a management token (or the admin token).
    assert_graph_error(&app.post_as(FAULTS, &json!({"path": "/**", "code": 2}), None).await, 400, 104);
    assert_graph_error(&app.post_as(FAULTS, &json!({"path": "/**", "code": 2}), Some(&messaging_only)).await, 403, 200);
    // The other business's rule on every path leaves the demo business alone.
    let (s, theirs) = app.post_as(FAULTS, &json!({"path": "/**", "code": 2}), Some(&other)).await;
    assert_eq!(s, 200, "{theirs}");
    let (s, v) = send(&app, text("not theirs to fail")).await;
    assert_eq!(s, 200, "{v}");
    // The demo business's rule on the number and on GET only.
    let rule = json!({"path": "/{id}", "method": "GET", "phone_number_id": app.phone_number_id(), "code": 131000});
    let (s, mine) = app.post(FAULTS, &rule).await;
    assert_eq!(s, 200, "{mine}");
    assert_graph_error(&app.get(&format!("/v23.0/{}", app.phone_number_id())).await, 500, 131000);
    assert_eq!(app.get(&format!("/v23.0/{}", app.waba_id())).await.0, 200);
    let (s, v) = send(&app, text("a POST")).await;
    assert_eq!(s, 200, "{v}");
    // Each sees and deletes only its own.
    let (_, list) = app.get_as(FAULTS, Some(&other)).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["data"][0]["id"], theirs["id"]);
    let mine_id = mine["id"].as_str().unwrap();
    assert_graph_error(&delete_as(&app, &format!("{FAULTS}/{mine_id}"), &other).await, 400, 100);
    let (s, v) = delete_as(&app, &format!("{FAULTS}/{mine_id}"), DEMO_TOKEN).await;
    assert_eq!((s, &v["success"]), (200, &json!(true)), "{v}");
    assert_eq!(app.get(&format!("/v23.0/{}", app.phone_number_id())).await.0, 200);
    let (s, v) = delete_as(&app, FAULTS, &other).await;
    assert_eq!((s, &v["deleted"]), (200, &json!(1)), "{v}");
    let (_, list) = app.get_as(FAULTS, Some(&other)).await;
    assert_eq!(list["data"], json!([]));
    app.stop().await;
}
engine_test!(fault_rules_are_a_business_s_own, super::scoped);

async fn bad_rules_and_restart(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    for (bad, code) in [
        (json!({"code": 4}), 131008),
        (json!({"path": "/x"}), 131008),
        (json!({"path": "x", "code": 4}), 131009),
        (json!({"path": "/x", "code": 123456}), 131009),
        (json!({"path": "/x", "code": 4, "mode": "next"}), 131008),
        (json!({"path": "/x", "code": 4, "mode": "every", "n": -1}), 131009),
        (json!({"path": "/x", "code": 4, "mode": "sometimes"}), 131009),
        (json!({"path": "/x", "code": "four"}), 131009),
        (json!({"path": "/x", "code": 4, "status_error": 131026}), 100),
        (json!({"path": "/x", "code": 4, "shade": "red"}), 100),
    ] {
        let e = assert_graph_error(&app.post(FAULTS, &bad).await, 400, code);
        assert!(e["error_data"]["details"].as_str().is_some_and(|d| !d.is_empty()), "{e}");
    }
    let (_, list) = app.get(FAULTS).await;
    assert_eq!(list["data"], json!([]), "refused rules are not kept");
    let (s, f) = app
        .post(FAULTS, &json!({"path": "/{phone-number-id}/messages", "mode": "next", "count": 3, "code": 130429}))
        .await;
    assert_eq!(s, 200, "{f}");
    customer_in_window(&app).await;
    assert_graph_error(&send(&app, text("one")).await, 429, 130429);
    app.stop().await;
    // Stored: a restarted server keeps the rule and its count.
    let app = TestApp::start(&db).await.unwrap();
    let (_, list) = app.get(FAULTS).await;
    assert_eq!((&list["data"][0]["id"], &list["data"][0]["hits"]), (&f["id"], &json!(1)), "{list}");
    assert_graph_error(&send(&app, text("two")).await, 429, 130429);
    app.stop().await;
}
engine_test!(bad_fault_rules_are_refused_and_rules_survive_a_restart, super::bad_rules_and_restart);

/// A rule made through another node (another process on the same database) reaches this one
/// within about a second, while this one goes on answering from the rules it read before.
async fn rules_from_another_node(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    customer_in_window(&app).await;
    // This node has read the rules (none) and answers normally.
    assert_eq!(send(&app, text("before")).await.0, 200);
    let other = TestApp::start(&db).await.unwrap();
    let (s, f) = other
        .post(FAULTS, &json!({"path": "/{phone-number-id}/messages", "mode": "next", "count": 1000, "code": 130429}))
        .await;
    assert_eq!(s, 200, "{f}");
    let made = std::time::Instant::now();
    loop {
        // A burst of requests as the rules go stale: none fails for the rules being read.
        let answers = futures_util::future::join_all((0..8).map(|i| send(&app, text(&format!("m{i}"))))).await;
        for (status, body) in &answers {
            assert!(*status == 200 || *status == 429, "{status} {body}");
        }
        if answers.iter().any(|(s, _)| *s == 429) {
            break;
        }
        assert!(made.elapsed() < std::time::Duration::from_secs(3), "the rule did not reach this node");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    other.stop().await;
    app.stop().await;
}
engine_test!(a_rule_made_on_another_node_applies_here_within_a_second, super::rules_from_another_node);
