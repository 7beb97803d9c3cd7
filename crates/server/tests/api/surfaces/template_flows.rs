//! Template FLOW buttons against the WABA's flows, on SQLite and PostgreSQL: a button naming
//! an unknown flow, another WABA's flow or a flow that is not published is refused at
//! creation (and at an edit); one naming a published flow is approved and sends, until the
//! flow is deprecated, when the send is refused with 131009 like an interactive flow message.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use crate::flows::{create_ok, published, TWO_SCREENS};

const CUSTOMER: &str = "15550007777";

fn flow_template(name: &str, button: Value) -> Value {
    let mut b = json!({"type": "FLOW", "text": "Sign up", "flow_action": "navigate", "navigate_screen": "SIGN_UP"});
    b.as_object_mut().unwrap().extend(button.as_object().unwrap().clone());
    json!({"name": name, "language": "en_US", "category": "MARKETING", "components": [
        {"type": "BODY", "text": "Join our club for early access to every sale."},
        {"type": "BUTTONS", "buttons": [b]}]})
}

fn send(name: &str) -> Value {
    json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "template", "template": {
        "name": name, "language": {"code": "en_US"}, "components": [
        {"type": "button", "sub_type": "flow", "index": "0",
         "parameters": [{"type": "action", "action": {"flow_token": "tok-9"}}]}]}})
}

async fn flow_buttons(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = format!("/v23.0/{}/message_templates", app.waba_id());
    let draft = create_ok(&app, json!({"name": "draft_flow", "categories": ["OTHER"], "flow_json": TWO_SCREENS})).await;
    let draft = draft["id"].as_str().unwrap().to_string();
    let live = published(&app, "club_signup").await;

    for (button, needle) in [
        (json!({"flow_id": "987654321"}), "no flow '987654321'"),
        (json!({"flow_name": "nope"}), "no flow 'nope'"),
        (json!({"flow_id": draft}), "is DRAFT"),
        (json!({"flow_name": "draft_flow"}), "is DRAFT"),
        (json!({"flow_json": "{\"version\": \"7.1\"}"}), "flow_json"),
        (json!({"flow_json": "not json"}), "flow_json"),
    ] {
        let (s, e) = app.post(&path, &flow_template("club", button.clone())).await;
        let e = assert_graph_error(&(s, e), 400, 100);
        assert!(e["error_data"]["details"].as_str().unwrap().contains(needle), "{button}: {e}");
    }

    // Published flows by id, by name and a Flow JSON document are accepted.
    let mut ids = Vec::new();
    for (name, button) in [
        ("club_by_id", json!({"flow_id": live})),
        ("club_by_name", json!({"flow_name": "club_signup"})),
        ("club_by_json", json!({"flow_json": TWO_SCREENS})),
    ] {
        let (s, v) = app.post(&path, &flow_template(name, button)).await;
        assert_eq!((s, v["status"].as_str()), (200, Some("APPROVED")), "{name}: {v}");
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    // An edit to a flow that is not published is refused the same way.
    let edit = json!({"components": flow_template("x", json!({"flow_id": draft}))["components"]});
    let e = assert_graph_error(&app.post(&format!("/v23.0/{}", ids[0]), &edit).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("is DRAFT"), "{e}");

    let customer = app.customer(CUSTOMER, "Dana").await;
    let mut device = customer.connect().await;
    let id = app.send_accepted(&send("club_by_id")).await;
    let got = device.next_message().await;
    assert_eq!(got["id"], json!(id), "{got}");
    assert_eq!(got["template"]["buttons"][0]["flow_id"], json!(live), "{got}");

    // Deprecated: the templates naming it cannot be sent; the one with its own JSON still can.
    assert_eq!(app.post(&format!("/v23.0/{live}/deprecate"), &json!({})).await.0, 200);
    let before = app.queued_statuses().await.len();
    for name in ["club_by_id", "club_by_name"] {
        let e = assert_graph_error(
            &app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &send(name)).await,
            400,
            131009,
        );
        assert!(e["error_data"]["details"].as_str().unwrap().contains("DEPRECATED"), "{name}: {e}");
    }
    assert_eq!(app.queued_statuses().await.len(), before);
    app.send_accepted(&send("club_by_json")).await;
}
engine_test!(template_flow_buttons, super::flow_buttons);
