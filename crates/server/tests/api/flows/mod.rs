//! WhatsApp Flows through HTTP on SQLite and PostgreSQL, one module per behaviour: the Flows
//! API (lifecycle and validation), the send rules of flow messages, the customer completing a
//! flow, and the encrypted data exchange with the business's endpoint. This file holds the
//! helpers they share.

mod exchange;
mod lifecycle;
mod sending;

use risala_testkit::{json_response, TestApp, DEMO_TOKEN};
use serde_json::{json, Value};

/// A valid two-screen flow: `SIGN_UP` asks a name, then navigates to the terminal `DONE`.
pub const TWO_SCREENS: &str = r#"{
  "version": "7.1",
  "screens": [
    {
      "id": "SIGN_UP",
      "title": "Sign up",
      "data": {"greeting": {"type": "string", "__example__": "Hello"}},
      "layout": {
        "type": "SingleColumnLayout",
        "children": [
          {"type": "TextHeading", "text": "${data.greeting}"},
          {"type": "TextInput", "name": "full_name", "label": "Full name", "required": true},
          {"type": "Footer", "label": "Next", "on-click-action": {"name": "navigate", "next": {"type": "screen", "name": "DONE"}, "payload": {"full_name": "${form.full_name}"}}}
        ]
      }
    },
    {
      "id": "DONE",
      "title": "Thanks",
      "terminal": true,
      "data": {"full_name": {"type": "string", "__example__": "Jane"}},
      "layout": {
        "type": "SingleColumnLayout",
        "children": [
          {"type": "OptIn", "name": "news", "label": "Send me news"},
          {"type": "Footer", "label": "Done", "on-click-action": {"name": "complete", "payload": {"full_name": "${data.full_name}", "news": "${form.news}"}}}
        ]
      }
    }
  ]
}"#;

/// `/{waba-id}/flows` of the demo WABA.
pub fn flows_path(app: &TestApp) -> String {
    format!("/v23.0/{}/flows", app.waba_id())
}

/// Create a flow (JSON body); asserts success and returns the answer.
pub async fn create_ok(app: &TestApp, body: Value) -> Value {
    let (s, v) = app.post(&flows_path(app), &body).await;
    assert_eq!(s, 200, "create {body}: {v}");
    assert_eq!(v["success"], true, "{v}");
    assert!(v["id"].as_str().is_some_and(|i| i.bytes().all(|b| b.is_ascii_digit())), "{v}");
    v
}

/// Upload a Flow JSON as pywa does: multipart `file`, `name=flow.json`, `asset_type=FLOW_JSON`.
pub async fn upload_json(app: &TestApp, flow_id: &str, text: &str) -> (u16, Value) {
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(text.as_bytes().to_vec())
                .file_name("flow.json")
                .mime_str("application/json")
                .unwrap(),
        )
        .text("name", "flow.json")
        .text("asset_type", "FLOW_JSON")
        .text("messaging_product", "whatsapp");
    let resp = reqwest::Client::new()
        .post(app.url(&format!("/v23.0/{flow_id}/assets")))
        .bearer_auth(DEMO_TOKEN)
        .multipart(form)
        .send()
        .await
        .unwrap();
    json_response(resp).await
}

/// `DELETE /{flow-id}`.
pub async fn delete(app: &TestApp, flow_id: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .delete(app.url(&format!("/v23.0/{flow_id}")))
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    json_response(resp).await
}

/// A published flow named `name` with [`TWO_SCREENS`]; its id.
pub async fn published(app: &TestApp, name: &str) -> String {
    let v = create_ok(app, json!({"name": name, "categories": ["SIGN_UP"], "flow_json": TWO_SCREENS, "publish": true}))
        .await;
    let id = v["id"].as_str().unwrap().to_string();
    let (s, f) = app.get(&format!("/v23.0/{id}?fields=status")).await;
    assert_eq!((s, f["status"].as_str()), (200, Some("PUBLISHED")), "{f}");
    id
}

/// An interactive flow message to `to` naming the flow by `key` (`flow_id` / `flow_name`).
pub fn flow_message(to: &str, key: &str, value: &str, extra: Value) -> Value {
    let mut params = json!({"flow_message_version": "3", key: value, "flow_cta": "Start", "flow_token": "tok-1"});
    if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    json!({"messaging_product": "whatsapp", "to": to, "type": "interactive",
           "interactive": {"type": "flow", "body": {"text": "Sign up"}, "action": {"name": "flow", "parameters": params}}})
}
