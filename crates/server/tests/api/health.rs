//! `fields=health_status` on a phone number (alone and in the WABA's list), a WABA and a
//! template: each node involved in a send, its status as the send path treats it, and the
//! overall status the worst of them. A number that is not registered blocks (133010, as its
//! sends are refused); a template that is not approved blocks (132001); the rest is available.
//! The business's messaging limit and a restricted number (LIMITED) are in `limits.rs`.

use risala_testkit::{assert_graph_error, engine_test, text_message, Database, Engine, TestApp};
use serde_json::{json, Value};

async fn health(app: &TestApp, path: &str) -> Value {
    let (s, v) = app.get(&format!("/v23.0/{path}?fields=health_status")).await;
    assert_eq!(s, 200, "{v}");
    v["health_status"].clone()
}

/// `(entity_type, id, can_send_message)` of each entity, in order.
fn entities(h: &Value) -> Vec<(String, String, String)> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    h["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (s(&e["entity_type"]), s(&e["id"]), s(&e["can_send_message"])))
        .collect()
}

async fn health_status(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let (pn, waba, app_id) =
        (app.phone_number_id().to_string(), app.waba_id().to_string(), app.demo.ids.app_id.clone());
    let business = app.demo.ids.business_id.clone();
    let around = |state: &str| {
        vec![
            ("WABA".to_string(), waba.clone(), "AVAILABLE".to_string()),
            ("BUSINESS".to_string(), business.clone(), state.to_string()),
            ("APP".to_string(), app_id.clone(), "AVAILABLE".to_string()),
        ]
    };

    // A registered number: every node available.
    let h = health(&app, &pn).await;
    assert_eq!(h["can_send_message"], "AVAILABLE", "{h}");
    let mut want = vec![("PHONE_NUMBER".to_string(), pn.clone(), "AVAILABLE".to_string())];
    want.extend(around("AVAILABLE"));
    assert_eq!(entities(&h), want);
    assert!(h["entities"][0].get("errors").is_none(), "{h}");
    // The WABA: the nodes around it, no number.
    let h = health(&app, &waba).await;
    assert_eq!((h["can_send_message"].as_str(), entities(&h)), (Some("AVAILABLE"), around("AVAILABLE")));
    // Asked beside other fields, and in the WABA's list of numbers.
    let (_, v) = app.get(&format!("/v23.0/{pn}?fields=display_phone_number,health_status")).await;
    assert!(v["display_phone_number"].is_string() && v["health_status"]["entities"].is_array(), "{v}");
    let (s, v) = app.get(&format!("/v23.0/{waba}/phone_numbers?fields=id,health_status")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"][0]["health_status"]["entities"][0]["id"], pn.as_str(), "{v}");

    // Templates: approved is available, rejected blocks with the send's error.
    let create = |name: &str, text: &str| {
        let body = json!({"name": name, "language": "en_US", "category": "UTILITY",
            "components": [{"type": "BODY", "text": text, "example": {"body_text": [["Ann"]]}}]});
        let app = &app;
        async move {
            let (s, v) = app.post(&format!("/v23.0/{}/message_templates", app.waba_id()), &body).await;
            assert_eq!(s, 200, "{v}");
            (v["id"].as_str().unwrap().to_string(), v["status"].as_str().unwrap().to_string())
        }
    };
    let (good, st) = create("order_shipped", "Hello {{1}}, your order has shipped and is on its way.").await;
    assert_eq!(st, "APPROVED");
    let h = health(&app, &good).await;
    assert_eq!(h["can_send_message"], "AVAILABLE");
    assert_eq!(entities(&h)[0], ("MESSAGE_TEMPLATE".to_string(), good.clone(), "AVAILABLE".to_string()));
    assert_eq!(entities(&h)[1..], around("AVAILABLE")[..]);
    let (bad, st) = create("order_sent", "{{1}}, your order has shipped and is on its way.").await;
    assert_eq!(st, "REJECTED");
    let h = health(&app, &bad).await;
    assert_eq!(
        (h["can_send_message"].as_str(), h["entities"][0]["can_send_message"].as_str()),
        (Some("BLOCKED"), Some("BLOCKED"))
    );
    let e = &h["entities"][0]["errors"][0];
    assert_eq!(e["error_code"], 132001, "{h}");
    assert!(
        e["error_description"].as_str().unwrap().contains("not approved") && e["possible_solution"].is_string(),
        "{e}"
    );
    // The same through the WABA's edge.
    let (s, v) = app.get(&format!("/v23.0/{waba}/message_templates/{bad}?fields=health_status")).await;
    assert_eq!((s, &v["health_status"]), (200, &h));

    // Deregistered: the number blocks, as its sends are refused with 133010.
    let (s, v) = app.post(&format!("/v23.0/{pn}/deregister"), &json!({})).await;
    assert_eq!(s, 200, "{v}");
    let h = health(&app, &pn).await;
    assert_eq!(
        (h["can_send_message"].as_str(), h["entities"][0]["can_send_message"].as_str()),
        (Some("BLOCKED"), Some("BLOCKED"))
    );
    assert_eq!(h["entities"][0]["errors"][0]["error_code"], 133010, "{h}");
    assert_graph_error(
        &app.post(&format!("/v23.0/{pn}/messages"), &text_message("15551230001", "hi")).await,
        400,
        133010,
    );
    // The WABA itself is still available: only this number is blocked.
    assert_eq!(health(&app, &waba).await["can_send_message"], "AVAILABLE");
    app.stop().await;
}
engine_test!(health_status_follows_what_a_send_would_meet, super::health_status);
