//! Broadcasts through `/tools/v1/{phone-number-id}/broadcasts`, on SQLite and PostgreSQL: the
//! CSV's validation report, per-recipient parameters, the report's statuses after the
//! customers' devices acknowledge, replies, the CSV export; pacing within a small throughput
//! and the messaging limit (never 130429 or 131048; a pause at the tier's limit and a resume
//! when the 24-hour window moves on); opted-out and blocked customers skipped; cancel and
//! resume; a scheduled start; broadcast lists; another business's token refused; an audience by
//! contact field.

use std::time::{Duration, Instant};

use risala_core::model::Permission;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

pub(super) async fn start(engine: Engine, tweak: impl FnOnce(&mut risala_server::Config)) -> (Database, TestApp) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    config.messaging_limit_upgrades = false;
    tweak(&mut config);
    let app = TestApp::start_with(config).await.unwrap();
    app.create_approved_templates(&[
        ("statement", "UTILITY", "Hello {{1}}, your statement is ready."),
        ("offer", "MARKETING", "Hello {{1}}, our Eid offer starts today."),
    ])
    .await;
    (db, app)
}

pub(super) fn base(app: &TestApp) -> String {
    format!("/tools/v1/{}/broadcasts", app.phone_number_id())
}

pub(super) fn template(name: &str) -> Value {
    json!({"name": name, "language": {"code": "en_US"}})
}

async fn create(app: &TestApp, body: Value) -> Value {
    let (s, v) = app.post(&base(app), &body).await;
    assert_eq!(s, 200, "{v}");
    v
}

async fn get(app: &TestApp, id: &str) -> Value {
    let (s, v) = app.get(&format!("{}/{id}", base(app))).await;
    assert_eq!(s, 200, "{v}");
    v
}

/// Poll the broadcast until `pred` holds (at most `secs` seconds).
async fn wait_for(app: &TestApp, id: &str, secs: u64, pred: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        let v = get(app, id).await;
        if pred(&v) {
            return v;
        }
        assert!(Instant::now() < until, "broadcast never got there: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn report(app: &TestApp, id: &str) -> Vec<Value> {
    let (s, v) = app.get(&format!("{}/{id}/recipients?limit=1000", base(app))).await;
    assert_eq!(s, 200, "{v}");
    v["data"].as_array().unwrap().clone()
}

fn customer(n: usize) -> String {
    format!("1555700{n:04}")
}

async fn csv_report_statuses_and_export(engine: Engine) {
    let (_db, app) = start(engine, |_| {}).await;
    let ann = app.customer("15557009001", "Ann").await;
    let bo = app.customer("15557009002", "Bo").await;
    let csv = "phone,country,1\n\
               +1 555 700 9001,,Ann\n\
               5557009002,US,Bo\n\
               +15557009001,,Ann again\n\
               not a number,,X\n\
               0501234567,XX,Y\n\
               +15557009003\n\
               +15557009004,,\n";
    let v =
        create(&app, json!({"name": "Statements", "template": template("statement"), "audience": {"csv": csv}})).await;
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["total"], 2, "{v}");
    let rejected: Vec<(i64, String)> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["row"].as_i64().unwrap(), r["reason"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(rejected.len(), 5, "{rejected:?}");
    assert_eq!(rejected[0], (4, "duplicate of row 2".to_string()));
    assert_eq!(rejected[1].0, 5);
    assert!(rejected[2].1.contains("unknown country XX"), "{rejected:?}");
    assert!(rejected[3].1.contains("columns"), "{rejected:?}");
    // An empty parameter is refused by the template's own check, with its reason.
    assert_eq!(rejected[4].0, 8, "{rejected:?}");
    // The broadcast's page in Arabic says the reasons in Arabic.
    let mut web = crate::web::Web::owner(&app).await;
    web.lang = "ar";
    let page = web.get(&format!("/app/tools/broadcasts/{id}")).await.body;
    for want in ["مكرر الصف ٢", "رقم الهاتف يحتوي على الحرف 'n'", "بلد غير معروف XX"]
    {
        assert!(page.contains(want), "{want} not in {page}");
    }

    let done = wait_for(&app, &id, 20, |v| v["status"] == "completed").await;
    assert_eq!((done["counts"]["sent"].as_i64(), done["processed"].as_i64()), (Some(2), Some(2)), "{done}");
    let rows = report(&app, &id).await;
    assert_eq!(rows.len(), 2);
    let ann_msg = rows[0]["message_id"].as_str().unwrap().to_string();
    let bo_msg = rows[1]["message_id"].as_str().unwrap().to_string();
    // The customer received the rendering with their own parameter.
    let (s, chat) = ann.get(&format!("/customer/v1/chats/{}/messages", app.business_number())).await;
    assert_eq!(s, 200, "{chat}");
    assert!(chat.to_string().contains("Hello Ann, your statement is ready."), "{chat}");

    // Delivery, read and a reply show in the report.
    assert_eq!(ann.ack(&ann_msg, "delivered").await.0, 200);
    assert_eq!(ann.ack(&ann_msg, "read").await.0, 200);
    assert_eq!(bo.ack(&bo_msg, "delivered").await.0, 200);
    bo.send(app.business_number(), json!({"type": "text", "text": {"body": "thanks"}})).await;
    let v = get(&app, &id).await;
    let c = &v["counts"];
    assert_eq!(
        (c["read"].as_i64(), c["delivered"].as_i64(), c["replied"].as_i64()),
        (Some(1), Some(1), Some(1)),
        "{v}"
    );
    let rows = report(&app, &id).await;
    assert_eq!((rows[0]["status"].as_str(), rows[0]["replied"].as_bool()), (Some("read"), Some(false)));
    assert_eq!((rows[1]["status"].as_str(), rows[1]["replied"].as_bool()), (Some("delivered"), Some(true)));

    let resp = app
        .client
        .get(app.url(&format!("{}/{id}/recipients?format=csv", base(&app))))
        .bearer_auth(risala_testkit::DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = resp.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "phone,status,error_code,reason,message_id,sent_time,replied");
    assert!(lines[1].starts_with("+15557009001,read,,,wamid.") && lines[1].ends_with(",false"), "{text}");
    assert!(lines[2].starts_with("+15557009002,delivered,") && lines[2].ends_with(",true"), "{text}");
    app.stop().await;
}
engine_test!(csv_report_statuses_and_export, super::csv_report_statuses_and_export);

async fn pacing_within_throughput_and_limit(engine: Engine) {
    // 20 messages a second, and the 250 unique customers of TIER_250.
    let (_db, app) = start(engine, |c| c.throughput_mps = 20).await;
    let csv: String = std::iter::once("phone,1".to_string())
        .chain((0..260).map(|n| format!("+{},N{n}", customer(n))))
        .collect::<Vec<_>>()
        .join("\n");
    let t0 = Instant::now();
    let v = create(&app, json!({"name": "Paced", "template": template("statement"), "audience": {"csv": csv}})).await;
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["total"], 260);
    let paused = wait_for(&app, &id, 60, |v| v["status"] == "paused").await;
    let elapsed = t0.elapsed();
    assert_eq!(
        (paused["counts"]["sent"].as_i64(), paused["counts"]["queued"].as_i64()),
        (Some(250), Some(10)),
        "{paused}"
    );
    assert_eq!(paused["counts"]["failed"], 0, "never 130429 nor 131048: {paused}");
    let reason = paused["pause_reason"].as_str().unwrap();
    assert!(reason.contains("Messaging limit") && reason.contains("TIER_250"), "{reason}");
    // 250 messages at 20 a second take at least 12.45 s.
    assert!(elapsed >= Duration::from_millis(12_000), "too fast: {elapsed:?}");
    // No second held more than the throughput (by the sandbox clock of each send).
    let rows = report(&app, &id).await;
    let mut per_second = std::collections::BTreeMap::<i64, usize>::new();
    for r in rows.iter().filter(|r| r["status"] == "sent") {
        *per_second.entry(r["sent_time"].as_i64().unwrap()).or_default() += 1;
    }
    assert!(per_second.values().all(|n| *n <= 21), "{per_second:?}");

    // The window moves on: the runner picks it up by itself and sends the rest.
    app.advance_clock("24h2m").await;
    let done = wait_for(&app, &id, 30, |v| v["status"] == "completed").await;
    assert_eq!((done["counts"]["sent"].as_i64(), done["counts"]["failed"].as_i64()), (Some(260), Some(0)), "{done}");
    assert!(done["pause_reason"].is_null(), "{done}");
    app.stop().await;
}
engine_test!(pacing_within_throughput_and_limit, super::pacing_within_throughput_and_limit);

async fn opted_out_and_blocked_are_skipped(engine: Engine) {
    let (_db, app) = start(engine, |_| {}).await;
    let number = app.business_number().to_string();
    let stopped = app.customer("15557008001", "Stopped").await;
    let (s, v) = stopped.post(&format!("/customer/v1/chats/{number}/marketing"), &json!({"value": "stop"})).await;
    assert_eq!(s, 200, "{v}");
    let blocker = app.customer("15557008002", "Blocker").await;
    let (s, v) = blocker.post(&format!("/customer/v1/chats/{number}/block"), &json!({})).await;
    assert_eq!(s, 200, "{v}");
    let blocked = app.customer("15557008003", "Blocked").await;
    blocked.send(&number, json!({"type": "text", "text": {"body": "hi"}})).await;
    let (s, v) = app
        .post(
            &format!("/v23.0/{}/block_users", app.phone_number_id()),
            &json!({"messaging_product": "whatsapp", "block_users": [{"user": "+15557008003"}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let fine = app.customer("15557008004", "Fine").await;
    let _ = fine;
    let wa_ids = ["+15557008001", "+15557008002", "+15557008003", "+15557008004"];
    let v = create(
        &app,
        json!({"name": "Offer", "template": template("offer"), "params": {"1": "friend"},
                                "audience": {"wa_ids": wa_ids}}),
    )
    .await;
    let id = v["id"].as_str().unwrap().to_string();
    let done = wait_for(&app, &id, 20, |v| v["status"] == "completed").await;
    let c = &done["counts"];
    assert_eq!(
        (c["sent"].as_i64(), c["skipped_opted_out"].as_i64(), c["skipped_blocked"].as_i64(), c["failed"].as_i64()),
        (Some(1), Some(1), Some(2), Some(0)),
        "{done}"
    );
    let rows = report(&app, &id).await;
    let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["skipped_opted_out", "skipped_blocked", "skipped_blocked", "sent"]);
    assert!(rows[0]["error"]["reason"].as_str().unwrap().contains("stopped marketing"), "{rows:?}");
    app.stop().await;
}
engine_test!(opted_out_and_blocked_are_skipped, super::opted_out_and_blocked_are_skipped);

async fn cancel_resume_and_schedule(engine: Engine) {
    let (_db, app) = start(engine, |c| c.throughput_mps = 4).await;
    let wa_ids: Vec<String> = (0..12).map(|n| format!("+{}", customer(n))).collect();
    let v = create(
        &app,
        json!({"name": "Slow", "template": template("statement"), "params": {"1": "you"},
                                "audience": {"wa_ids": wa_ids}}),
    )
    .await;
    let id = v["id"].as_str().unwrap().to_string();
    wait_for(&app, &id, 10, |v| v["processed"].as_i64().unwrap() >= 2).await;
    let (s, v) = app.post(&format!("{}/{id}/cancel", base(&app)), &json!({})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("cancelled")), "{v}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let at_cancel = get(&app, &id).await["processed"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let later = get(&app, &id).await;
    assert_eq!(later["processed"].as_i64().unwrap(), at_cancel, "nothing sent after the cancel: {later}");
    assert!(at_cancel < 12, "{later}");
    // Cancelling twice is refused; resuming sends the rest.
    assert_graph_error(&app.post(&format!("{}/{id}/cancel", base(&app)), &json!({})).await, 400, 131009);
    let (s, v) = app.post(&format!("{}/{id}/resume", base(&app)), &json!({})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("running")), "{v}");
    let done = wait_for(&app, &id, 20, |v| v["status"] == "completed").await;
    assert_eq!(done["counts"]["sent"], 12, "{done}");
    assert_graph_error(&app.post(&format!("{}/{id}/resume", base(&app)), &json!({})).await, 400, 131009);

    // Scheduled an hour ahead by the sandbox clock: nothing goes until the clock gets there.
    let (_, clock) = app.get("/sandbox/v1/clock").await;
    let now_s = clock["now_ms"].as_i64().map(|ms| ms / 1000).unwrap_or_else(|| panic!("clock: {clock}"));
    let v = create(
        &app,
        json!({"name": "Later", "template": template("statement"), "params": {"1": "you"},
                                "audience": {"wa_ids": ["+15557001000"]}, "send_at": now_s + 3600}),
    )
    .await;
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["status"], "scheduled");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(get(&app, &id).await["processed"], 0);
    app.advance_clock("1h1s").await;
    let done = wait_for(&app, &id, 10, |v| v["status"] == "completed").await;
    assert_eq!(done["counts"]["sent"], 1, "{done}");
    app.stop().await;
}
engine_test!(cancel_resume_and_schedule, super::cancel_resume_and_schedule);

async fn lists_bad_input_and_other_businesses(engine: Engine) {
    let (_db, app) = start(engine, |_| {}).await;
    let number = app.business_number().to_string();
    let wrote = app.customer("15557006001", "Wrote").await;
    wrote.send(&number, json!({"type": "text", "text": {"body": "hello"}})).await;
    // A broadcast list reaches only customers who have the number in their chats; it may send a text.
    let v = create(
        &app,
        json!({"name": "List", "mode": "list", "text": "We open at 9 tomorrow.",
                                "audience": {"wa_ids": ["+15557006001", "+15557006002"]}}),
    )
    .await;
    assert_eq!(v["total"], 1, "{v}");
    assert!(v["rejected"][0]["reason"].as_str().unwrap().contains("has not saved this number"), "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    wait_for(&app, &id, 10, |v| v["status"] == "completed" && v["counts"]["sent"] == 1).await;
    let many: Vec<String> = (0..257).map(|n| format!("+{}", customer(n))).collect();
    assert_graph_error(
        &app.post(&base(&app), &json!({"name": "Big", "mode": "list", "text": "x", "audience": {"wa_ids": many}}))
            .await,
        400,
        131009,
    );

    // Bad input: clear Graph errors, naming the field.
    let to = json!({"wa_ids": ["+15557006001"]});
    let statement = template("statement");
    let cases = [
        (json!({"template": statement, "audience": to}), 400, 131008, "name"),
        (json!({"name": "T", "text": "hi", "audience": to}), 400, 131009, "text"),
        (json!({"name": "T", "template": template("missing"), "audience": to}), 404, 132001, "missing"),
        (json!({"name": "T", "template": statement, "audience": {"csv": "number,1\n1,2"}}), 400, 131009, "phone"),
        (json!({"name": "T", "template": statement, "audience": {"csv": "phone\n\"+1555"}}), 400, 131009, "quote"),
        (json!({"name": "T", "template": statement, "audience": {"labels": ["nope"]}}), 400, 131009, "label"),
        (json!({"name": "T", "template": statement, "audience": {"wa_ids": "x"}}), 400, 131009, "audience.wa_ids"),
        (json!({"name": "T", "template": statement, "send_at": "soon", "audience": to}), 400, 131009, "send_at"),
        (json!({"name": "T", "template": statement}), 400, 131008, "audience"),
    ];
    for (body, status, code, names) in cases {
        let e = assert_graph_error(&app.post(&base(&app), &body).await, status, code);
        assert!(e["error_data"]["details"].as_str().unwrap().contains(names), "{body}: {e}");
    }
    assert_graph_error(&app.get(&format!("{}/{id}/recipients?format=xml", base(&app))).await, 400, 131009);

    // Another business's token reaches neither this number nor its broadcasts.
    let other = app.state.tenancy.create_business("other").await.unwrap();
    let (_, token) = app.state.tenancy.create_token(&other.id, "o", &Permission::ALL, None).await.unwrap();
    let token = Some(token.as_str());
    assert_graph_error(&app.get_as(&base(&app), token).await, 400, 100);
    assert_graph_error(&app.get_as(&format!("{}/{id}", base(&app)), token).await, 400, 100);
    assert_graph_error(&app.post_as(&format!("{}/{id}/cancel", base(&app)), &json!({}), token).await, 400, 100);
    let body = json!({"name": "Steal", "template": template("statement"), "audience": {"wa_ids": ["+15557006001"]}});
    assert_graph_error(&app.post_as(&base(&app), &body, token).await, 400, 100);
    assert_graph_error(&app.get_as(&base(&app), None).await, 400, 104);
    app.stop().await;
}
engine_test!(lists_bad_input_and_other_businesses, super::lists_bad_input_and_other_businesses);

/// An audience by contact field: the business's CRM contacts whose field holds the value
/// (ignoring case), together with a label or a list; an unknown field is refused.
async fn audience_by_contact_field(engine: Engine) {
    let (_db, app) = start(engine, |_| {}).await;
    let contacts = format!("/tools/v1/{}/contacts", app.phone_number_id());
    let (s, v) =
        app.post(&format!("{contacts}/fields"), &json!({"key": "tier", "label": "Tier", "kind": "text"})).await;
    assert_eq!(s, 200, "{v}");
    for (n, tier) in [(1, "gold"), (2, "Gold"), (3, "silver")] {
        let body = json!({"wa_id": customer(n), "name": format!("C{n}"), "fields": {"tier": tier}});
        let (s, v) = app.post(&contacts, &body).await;
        assert_eq!(s, 200, "{v}");
    }
    let v = create(
        &app,
        json!({"name": "Gold", "template": template("statement"), "params": {"1": "friend"},
               "audience": {"fields": {"tier": "gold"}, "wa_ids": [format!("+{}", customer(4))]}}),
    )
    .await;
    assert_eq!(v["total"], 3, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    wait_for(&app, &id, 20, |v| v["status"] == "completed").await;
    let mut to: Vec<String> =
        report(&app, &id).await.iter().map(|r| r["wa_id"].as_str().unwrap().to_string()).collect();
    to.sort();
    assert_eq!(to, vec![customer(1), customer(2), customer(4)]);
    let e = assert_graph_error(
        &app.post(
            &base(&app),
            &json!({"name": "X", "template": template("statement"),
            "audience": {"fields": {"vip": "yes"}}}),
        )
        .await,
        400,
        131009,
    );
    assert!(e["error_data"]["details"].as_str().unwrap().contains("audience.fields.vip"), "{e}");
}
engine_test!(audience_by_contact_field, super::audience_by_contact_field);
