//! A template message's time-to-live, on SQLite and PostgreSQL: one the customer's device has
//! not acknowledged when its TTL ends (10 minutes for an authentication template by default,
//! the template's `message_send_ttl_seconds` otherwise) fails with 131026 in a `failed` status
//! webhook once the sandbox clock passes it, a device connecting afterwards never receives it,
//! a late acknowledgement does not deliver it, and it is never charged; one acknowledged in
//! time is unaffected.

use std::time::Duration;

use risala_testkit::{engine_test, eventually, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{ann, create_approved, send, template_send, utility};

/// The `statuses[]` of one message queued so far, in order.
async fn statuses_of(app: &TestApp, id: &str) -> Vec<Value> {
    app.queued_statuses().await.into_iter().filter(|s| s["id"] == id).collect()
}

async fn failed_within(app: &TestApp, id: &str) -> Value {
    eventually("the failed status of an expired message", Duration::from_secs(10), async || {
        statuses_of(app, id).await.iter().any(|s| s["status"] == "failed")
    })
    .await
    .unwrap();
    statuses_of(app, id).await.into_iter().find(|s| s["status"] == "failed").unwrap()
}

async fn send_ok(app: &TestApp, body: &Value) -> String {
    let (s, v) = send(app, body).await;
    assert_eq!(s, 200, "{v}");
    v["messages"][0]["id"].as_str().unwrap().to_string()
}

async fn undelivered_messages_expire(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer("15550002222", "Dana").await;
    create_approved(
        &app,
        json!({"name": "login", "language": "en_US", "category": "AUTHENTICATION", "components": [
            {"type": "BODY", "add_security_recommendation": true},
            {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}]}]}),
    )
    .await;
    let mut receipt = utility("receipt", "Hello {{1}}, your payment was received, thank you.");
    receipt["message_send_ttl_seconds"] = json!(3600);
    create_approved(&app, receipt).await;
    let code = json!([{"type": "body", "parameters": [{"type": "text", "text": "123456"}]},
        {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "123456"}]}]);

    // The device is offline: neither message is acknowledged. A third is acknowledged at once.
    let login = send_ok(&app, &template_send(&c.wa_id, "login", code)).await;
    let late = send_ok(&app, &template_send(&c.wa_id, "receipt", ann())).await;
    let acked = send_ok(&app, &template_send(&c.wa_id, "receipt", ann())).await;
    let (s, v) = c.ack(&acked, "delivered").await;
    assert_eq!(s, 200, "{v}");

    // Past the authentication default (10 minutes), within the receipt's hour.
    app.advance_clock("11m").await;
    let failed = failed_within(&app, &login).await;
    assert_eq!(failed["errors"][0]["code"], 131026, "{failed}");
    assert!(failed["errors"][0]["error_data"]["details"].as_str().unwrap().contains("time-to-live of 600 seconds"));
    assert!(failed.get("pricing").is_none(), "{failed}");
    assert!(statuses_of(&app, &late).await.iter().all(|s| s["status"] == "sent"), "the receipt waits on");

    // A device connecting now is given the receipt only; a late acknowledgement of the login
    // code does not deliver it.
    let mut device = c.connect().await;
    let backlog: Vec<Value> = device.frames_before_reply().await;
    let ids: Vec<&str> =
        backlog.iter().filter(|f| f["event"] == "message").filter_map(|f| f["message"]["id"].as_str()).collect();
    assert_eq!(ids, [late.as_str()], "{backlog:?}");
    drop(device);
    let (s, v) = c.ack(&login, "delivered").await;
    assert_eq!(s, 200, "{v}");
    assert!(statuses_of(&app, &login).await.iter().all(|s| s["status"] != "delivered"));

    // The receipt's own TTL (an hour) ends too; the acknowledged one is untouched.
    app.advance_clock("50m").await;
    let failed = failed_within(&app, &late).await;
    assert!(failed["errors"][0]["error_data"]["details"].as_str().unwrap().contains("time-to-live of 3600 seconds"));
    let mut device = c.connect().await;
    let backlog = device.frames_before_reply().await;
    assert!(backlog.iter().all(|f| f["event"] != "message"), "nothing expired is delivered: {backlog:?}");
    let acked_statuses: Vec<Value> = statuses_of(&app, &acked).await.iter().map(|s| s["status"].clone()).collect();
    assert_eq!(acked_statuses, [json!("sent"), json!("delivered")]);

    // Only the delivered message is charged.
    let ledger = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    let charged: Vec<&str> = ledger.iter().map(|r| r.message_id.as_str()).collect();
    assert_eq!(charged, [acked.as_str()]);
}
engine_test!(undelivered_template_messages_fail_after_their_ttl, super::undelivered_messages_expire);
