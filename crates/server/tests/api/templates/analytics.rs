//! Template analytics on SQLite and PostgreSQL: refused until the WABA confirms them with
//! `is_enabled_for_insights`, then per-day sent, delivered, read and quick-reply click counts
//! computed from the template's real messages and replies; bad parameters are Graph errors.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::create_ok;

const DAY: i64 = 86_400;

fn send(to: &str) -> Value {
    json!({"messaging_product": "whatsapp", "to": to, "type": "template", "template": {
        "name": "delivery_check", "language": {"code": "en_US"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}]}})
}

async fn analytics(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let waba = app.waba_id().to_string();
    let t = create_ok(&app, json!({"name": "delivery_check", "language": "en_US", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Hi {{1}}, did your parcel arrive in good shape today?", "example": {"body_text": [["Ann"]]}},
        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Yes"}, {"type": "QUICK_REPLY", "text": "No"}]}]}))
    .await;
    let template_id = t["id"].as_str().unwrap().to_string();
    let other = create_ok(
        &app,
        json!({"name": "unused_note", "language": "en_US", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Your account settings were updated."}]}),
    )
    .await;
    let other_id = other["id"].as_str().unwrap().to_string();

    // Two customers get the template: one reads it and taps "Yes", the other never connects.
    let reader = app.customer("15550002001", "Reader").await;
    let mut device = reader.connect().await;
    let read_id = app.send_accepted(&send("15550002001")).await;
    device.next_message().await;
    assert_eq!(reader.ack(&read_id, "read").await.0, 200);
    app.send_accepted(&send("15550002002")).await;
    let to = app.business_number().to_string();
    reader
        .send(&to, json!({"type": "button", "button": {"payload": "YES", "text": "Yes"}, "context": {"id": read_id}}))
        .await;
    let sent = app.queued_statuses().await.into_iter().find(|s| s["id"] == json!(read_id)).expect("a status");
    let now: i64 = sent["timestamp"].as_str().unwrap().parse().unwrap();

    let path = |q: &str| format!("/v23.0/{waba}/template_analytics?{q}");
    let ids = format!("[{template_id},{other_id}]");
    let good = format!("start={}&end={}&granularity=DAILY&template_ids={ids}", now - DAY, now + 60);

    // Not confirmed yet.
    let e = assert_graph_error(&app.get(&path(&good)).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("is_enabled_for_insights"), "{e}");
    let (_, w) = app.get(&format!("/v23.0/{waba}?fields=is_enabled_for_insights")).await;
    assert_eq!(w["is_enabled_for_insights"], false, "{w}");
    assert_graph_error(&app.post(&format!("/v23.0/{waba}?is_enabled_for_insights=false"), &json!({})).await, 400, 100);
    let (s, v) = app.post(&format!("/v23.0/{waba}?is_enabled_for_insights=true"), &json!({})).await;
    assert_eq!((s, &v), (200, &json!({"id": waba})));
    let (_, w) = app.get(&format!("/v23.0/{waba}?fields=is_enabled_for_insights")).await;
    assert_eq!(w["is_enabled_for_insights"], true, "{w}");

    // Two UTC days per template, from the messages and the reply.
    let (s, v) = app.get(&path(&good)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["data"][0]["granularity"].as_str(), v["data"][0]["product_type"].as_str()),
        (Some("DAILY"), Some("cloud_api"))
    );
    let points = v["data"][0]["data_points"].as_array().unwrap();
    assert_eq!(points.len(), 4, "{v}");
    let today = (now / DAY) * DAY;
    let mine: Vec<&Value> = points.iter().filter(|p| p["template_id"] == json!(template_id)).collect();
    assert_eq!(
        (mine[0]["start"].as_i64(), mine[1]["start"].as_i64(), mine[1]["end"].as_i64()),
        (Some(today - DAY), Some(today), Some(today + DAY))
    );
    assert_eq!((mine[0]["sent"].as_i64(), mine[0]["clicked"].as_array().map(Vec::len)), (Some(0), Some(0)));
    let p = mine[1];
    assert_eq!((p["sent"].as_i64(), p["delivered"].as_i64(), p["read"].as_i64()), (Some(2), Some(1), Some(1)), "{p}");
    assert_eq!(p["clicked"], json!([{"type": "quick_reply_button", "button_content": "Yes", "count": 1}]), "{p}");
    let unused = points.iter().find(|p| p["template_id"] == json!(other_id) && p["start"] == json!(today)).unwrap();
    assert_eq!(unused["sent"], 0, "{unused}");

    // Only the metrics asked for.
    let (_, v) = app.get(&path(&format!("{good}&metric_types=[\"READ\"]"))).await;
    let p = &v["data"][0]["data_points"][1];
    assert_eq!((p["read"].as_i64(), p.get("sent"), p.get("clicked")), (Some(1), None, None), "{v}");

    // Bad parameters.
    let eleven: Vec<String> = (0..11).map(|_| template_id.clone()).collect();
    for (q, needle) in [
        (format!("end={}&granularity=DAILY&template_ids={ids}", now), "start is required"),
        (format!("start={}&end={now}&granularity=DAILY&template_ids={ids}", now - 100 * DAY), "at most 90 days"),
        (format!("start={}&end={now}&granularity=DAILY&template_ids=[{}]", now - DAY, eleven.join(",")), "1 to 10"),
        (format!("{good}&metric_types=[SENT,OPENED]"), "OPENED"),
        (format!("start={}&end={now}&granularity=MONTHLY&template_ids={ids}", now - DAY), "DAILY"),
        (format!("start={}&end={now}&granularity=DAILY&template_ids=[123456]", now - DAY), "123456"),
        (format!("start=soon&end={now}&granularity=DAILY&template_ids={ids}"), "Unix timestamp"),
    ] {
        let e = assert_graph_error(&app.get(&path(&q)).await, 400, 100);
        assert!(e["error_data"]["details"].as_str().unwrap().contains(needle), "{needle}: {e}");
    }
}
engine_test!(template_analytics_from_stored_statuses, super::analytics);
