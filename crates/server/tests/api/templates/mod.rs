//! Message templates through HTTP on SQLite and PostgreSQL, one module per behaviour:
//! creation, review, the lifecycle after it, sends, quality and the template webhooks. This
//! file holds the helpers they share.

mod analytics;
mod creation;
mod lifecycle;
mod quality;
mod review;
mod sdk_fields;
mod sends;
mod ttl;
mod webhooks;

use risala_testkit::customer::TestCustomer;
use risala_testkit::TestApp;
use serde_json::{json, Value};

const CUSTOMER: &str = "15550001111";

/// `/{waba-id}/message_templates` of the demo WABA.
fn path(app: &TestApp) -> String {
    format!("/v23.0/{}/message_templates", app.waba_id())
}

/// Create a template: status and body.
async fn create(app: &TestApp, body: &Value) -> (u16, Value) {
    app.post(&path(app), body).await
}

/// Create a template; asserts it is accepted with a numeric id and returns the body.
async fn create_ok(app: &TestApp, body: Value) -> Value {
    let (s, v) = create(app, &body).await;
    assert_eq!(s, 200, "create {body}: {v}");
    assert!(v["id"].as_str().is_some_and(|i| i.bytes().all(|b| b.is_ascii_digit())), "{v}");
    v
}

/// `changes[].value`s of one webhook field, oldest first.
async fn events(app: &TestApp, field: &str) -> Vec<Value> {
    app.outbox().await.into_iter().filter(|(f, _)| f == field).map(|(_, v)| v).collect()
}

/// The template's `message_template_status_update` values, oldest first.
async fn status_events(app: &TestApp, id: &str) -> Vec<Value> {
    events(app, "message_template_status_update")
        .await
        .into_iter()
        .filter(|v| v["message_template_id"].as_u64().map(|n| n.to_string()).as_deref() == Some(id))
        .collect()
}

fn body(text: &str, example: Value) -> Value {
    json!({"type": "BODY", "text": text, "example": {"body_text": [example]}})
}

fn simple(name: &str, category: &str, components: Value) -> Value {
    json!({"name": name, "language": "en_US", "category": category, "components": components})
}

/// Create a template and assert it is APPROVED; returns its id.
async fn create_approved(app: &TestApp, t: Value) -> String {
    let (s, v) = app.post(&format!("/v23.0/{}/message_templates", app.waba_id()), &t).await;
    assert_eq!(s, 200, "{t}: {v}");
    assert_eq!(v["status"], "APPROVED", "{t}: {v}");
    v["id"].as_str().unwrap().to_string()
}

fn send_body(name: &str, lang: &str, components: Value) -> Value {
    json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "template",
           "template": {"name": name, "language": {"code": lang}, "components": components}})
}

fn utility(name: &str, text: &str) -> Value {
    json!({"name": name, "language": "en_US", "category": "UTILITY",
           "components": [{"type": "BODY", "text": text, "example": {"body_text": [["Ann"]]}}]})
}

fn template_send(to: &str, name: &str, components: Value) -> Value {
    json!({"messaging_product": "whatsapp", "to": to, "type": "template",
           "template": {"name": name, "language": {"code": "en_US"}, "components": components}})
}

fn ann() -> Value {
    json!([{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}])
}

async fn send(app: &TestApp, body: &Value) -> (u16, Value) {
    app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), body).await
}

async fn template_status(app: &TestApp, id: &str) -> String {
    let (s, v) = app.get(&format!("/v23.0/{id}?fields=status")).await;
    assert_eq!(s, 200, "{v}");
    v["status"].as_str().unwrap().to_string()
}

/// The customer gets the template, then blocks the business (unblocking first, so the block
/// is a new one).
async fn send_then_block(app: &TestApp, c: &TestCustomer, name: &str) {
    let biz = app.business_number();
    let (s, v) = c.post(&format!("/customer/v1/chats/{biz}/unblock"), &json!({})).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = send(app, &template_send(&c.wa_id, name, ann())).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = c.post(&format!("/customer/v1/chats/{biz}/block"), &json!({})).await;
    assert_eq!((s, v["blocked"].as_bool()), (200, Some(true)), "{v}");
}
