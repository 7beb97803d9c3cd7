//! Template quality through HTTP on SQLite and PostgreSQL: customers' blocks and reports pause
//! a template (3 h, then 6 h) and then disable it, with webhooks; the pause lengths and the
//! feedback that triggers them come from the configuration.

use risala_testkit::customer::TestCustomer;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{
    ann, create_approved, create_ok, send, send_body, send_then_block, template_send, template_status, utility,
    CUSTOMER,
};

async fn quality_events(app: &TestApp, id: &str) -> Vec<(String, Value)> {
    app.outbox()
        .await
        .into_iter()
        .filter(|(f, v)| {
            f.starts_with("message_template")
                && v["message_template_id"].as_u64().map(|n| n.to_string()).as_deref() == Some(id)
        })
        .collect()
}

fn promo_to(to: &str, params: &Value) -> Value {
    let mut b = send_body("promo_blast", "en_US", params.clone());
    b["to"] = json!(to);
    b
}

/// Each customer gets the template, then blocks (or reports and blocks) the business. Blocks
/// are real: each customer unblocks first, so every round's block is a new one (and the
/// template message is delivered, not failed).
async fn feedback(app: &TestApp, customers: &[TestCustomer], id: &str, params: &Value, round: usize) {
    for (i, c) in customers.iter().enumerate() {
        let (s, v) = c.post(&format!("/customer/v1/chats/{}/unblock", app.business_number()), &json!({})).await;
        assert_eq!(s, 200, "{v}");
        let (s, v) = send(app, &promo_to(&c.wa_id, params)).await;
        assert_eq!(s, 200, "round {round}: {v}");
        let kind = if i % 2 == 0 { "block" } else { "report" };
        let body = if kind == "report" { json!({"block": true}) } else { json!({}) };
        let (s, v) = c.post(&format!("/customer/v1/chats/{}/{kind}", app.business_number()), &body).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["template_id"], id);
    }
}

async fn quality(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let id = create_approved(&app, json!({"name": "promo_blast", "language": "en_US", "category": "MARKETING", "components": [
        {"type": "BODY", "text": "Big news {{1}}: everything in the store is half price this week.", "example": {"body_text": [["Ann"]]}}]})).await;
    let params = json!([{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}]);
    let customers = [
        app.customer("15550001111", "A").await,
        app.customer("15550001112", "B").await,
        app.customer("15550001113", "C").await,
    ];
    let send_to = |to: &str| promo_to(to, &params);
    // No template message yet: feedback is accepted and counts for nothing.
    let (s, v) = customers[0].post(&format!("/customer/v1/chats/{}/block", app.business_number()), &json!({})).await;
    assert_eq!((s, v["template_id"].clone()), (200, Value::Null));

    feedback(&app, &customers, &id, &params, 1).await;
    let ev = quality_events(&app, &id).await;
    let quality: Vec<_> =
        ev.iter().filter(|(f, _)| f == "message_template_quality_update").map(|(_, v)| v.clone()).collect();
    assert_eq!(quality[0]["previous_quality_score"], "UNKNOWN");
    assert_eq!(quality[0]["new_quality_score"], "YELLOW");
    assert_eq!(quality[1]["new_quality_score"], "RED");
    assert_eq!(quality[1]["message_template_name"], "promo_blast");
    let paused = &ev.last().unwrap().1;
    assert_eq!(
        (paused["event"].as_str(), paused["other_info"]["title"].as_str()),
        (Some("PAUSED"), Some("FIRST_PAUSE"))
    );
    let e = assert_graph_error(&send(&app, &send_to(CUSTOMER)).await, 400, 132015);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("paused"));
    let (_, t) = app.get(&format!("/v23.0/{id}?fields=status,quality_score")).await;
    assert_eq!((t["status"].as_str(), t["quality_score"]["score"].as_str()), (Some("PAUSED"), Some("RED")));

    // The first pause lasts 3 hours: still paused at 2h59m, unpaused (with a webhook) after.
    app.post("/sandbox/v1/clock/advance", &json!({"by": "2h59m"})).await;
    assert_graph_error(&send(&app, &send_to(CUSTOMER)).await, 400, 132015);
    app.post("/sandbox/v1/clock/advance", &json!({"by": "2m"})).await;
    let (s, v) = send(&app, &send_to(CUSTOMER)).await;
    assert_eq!(s, 200, "{v}");
    let ev = quality_events(&app, &id).await;
    let unpause = ev.iter().rev().find(|(f, _)| f == "message_template_status_update").unwrap();
    assert_eq!(
        (unpause.1["event"].as_str(), unpause.1["other_info"]["title"].as_str()),
        (Some("APPROVED"), Some("UNPAUSE"))
    );

    // Second pause: 6 hours.
    feedback(&app, &customers, &id, &params, 2).await;
    let ev = quality_events(&app, &id).await;
    assert_eq!(ev.last().unwrap().1["other_info"]["title"], "SECOND_PAUSE");
    app.post("/sandbox/v1/clock/advance", &json!({"by": "5h"})).await;
    assert_graph_error(&send(&app, &send_to(CUSTOMER)).await, 400, 132015);
    app.post("/sandbox/v1/clock/advance", &json!({"by": "61m"})).await;
    // Third time: disabled for good.
    feedback(&app, &customers, &id, &params, 3).await;
    let ev = quality_events(&app, &id).await;
    let last = &ev.last().unwrap().1;
    assert_eq!(last["event"], "DISABLED");
    assert!(last["disable_info"]["disable_date"].is_i64());
    let e = assert_graph_error(&send(&app, &send_to(CUSTOMER)).await, 400, 132016);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("disabled"));
    app.post("/sandbox/v1/clock/advance", &json!({"by": "30d"})).await;
    assert_graph_error(&send(&app, &send_to(CUSTOMER)).await, 400, 132016);
    let events: Vec<_> = quality_events(&app, &id)
        .await
        .into_iter()
        .filter(|(f, _)| f == "message_template_status_update")
        .map(|(_, v)| v["other_info"]["title"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(events, ["", "FIRST_PAUSE", "UNPAUSE", "SECOND_PAUSE", "UNPAUSE", "DISABLED"]);
    app.stop().await;
}
engine_test!(negative_feedback_pauses_then_disables, super::quality);

async fn configured_pauses(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    config.template_pauses = vec!["30m".into()];
    config.template_pause_after_feedback = 2;
    let app = TestApp::start_with(config).await.unwrap();
    let id = create_ok(&app, utility("bill_ready", "Hello {{1}}, your monthly bill is ready to view online.")).await
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = app.customer("15550004441", "A").await;
    let b = app.customer("15550004442", "B").await;
    let to_a = template_send(&a.wa_id, "bill_ready", ann());

    // One block of two: YELLOW, still sendable. The second: RED and the configured 30-minute pause.
    send_then_block(&app, &a, "bill_ready").await;
    let (_, t) = app.get(&format!("/v23.0/{id}?fields=status,quality_score")).await;
    assert_eq!((t["status"].as_str(), t["quality_score"]["score"].as_str()), (Some("APPROVED"), Some("YELLOW")), "{t}");
    send_then_block(&app, &b, "bill_ready").await;
    assert_eq!(template_status(&app, &id).await, "PAUSED");
    app.advance_clock("29m").await;
    assert_graph_error(&send(&app, &to_a).await, 400, 132015);
    app.advance_clock("2m").await;
    let (s, v) = send(&app, &to_a).await;
    assert_eq!(s, 200, "paused for 30 minutes only: {v}");
    assert_eq!(template_status(&app, &id).await, "APPROVED");

    // Only one pause is configured, so the next RED disables the template.
    send_then_block(&app, &a, "bill_ready").await;
    send_then_block(&app, &b, "bill_ready").await;
    assert_eq!(template_status(&app, &id).await, "DISABLED");
    assert_graph_error(&send(&app, &to_a).await, 400, 132016);
    let titles: Vec<String> = app
        .outbox()
        .await
        .into_iter()
        .filter(|(f, v)| {
            f == "message_template_status_update" && v["message_template_id"] == json!(id.parse::<u64>().unwrap())
        })
        .map(|(_, v)| format!("{}/{}", v["event"].as_str().unwrap(), v["other_info"]["title"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(titles, ["APPROVED/", "PAUSED/FIRST_PAUSE", "APPROVED/UNPAUSE", "DISABLED/DISABLED"]);
    app.stop().await;

    // A pause length that is not a duration is refused at start.
    let mut config = db.config();
    config.template_pauses = vec!["soon".into()];
    assert!(TestApp::start_with(config).await.is_err());
}
engine_test!(template_pauses_follow_the_configuration, super::configured_pauses);
