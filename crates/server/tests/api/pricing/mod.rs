//! Pricing through HTTP on SQLite and PostgreSQL with the sandbox clock, one module per
//! behaviour: per-message pricing, conversation-based pricing, the ledger, and analytics. This
//! file holds the sample rate card and the helpers several of them use.

mod analytics;
mod conversations;
mod ledger;
mod marketing_messages;
mod per_message;
mod starting_card;

use risala_core::clock::Clock;
use risala_core::model::RateCard;
use risala_testkit::TestApp;
use serde_json::{json, Value};

const SAMPLE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../rates/sample.csv"));

const US: &str = "15550001111";
const GB: &str = "447700900123";
const CA: &str = "14165550199";
const IN: &str = "919876543210";

/// Load the sample rate card, effective from the start of time; returns it.
async fn load_sample(app: &TestApp) -> RateCard {
    let card = RateCard::parse_csv(SAMPLE, "sample").unwrap();
    app.state.store.load_rate_card(&card, 0, app.state.clock.now_ms()).await.unwrap();
    card
}

pub(crate) async fn create_templates(app: &TestApp) {
    let path = format!("/v23.0/{}/message_templates", app.waba_id());
    for t in [
        json!({"name": "news", "language": "en_US", "category": "MARKETING", "components": [
            {"type": "BODY", "text": "Hello {{1}}, new arrivals are waiting for you in our store this week.", "example": {"body_text": [["Ann"]]}}]}),
        json!({"name": "shipped", "language": "en_US", "category": "UTILITY", "components": [
            {"type": "BODY", "text": "Hello {{1}}, your order has shipped and is on its way to you.", "example": {"body_text": [["Ann"]]}}]}),
        json!({"name": "login", "language": "en_US", "category": "AUTHENTICATION", "components": [
            {"type": "BODY", "add_security_recommendation": true}, {"type": "FOOTER", "code_expiration_minutes": 10},
            {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}]}]}),
    ] {
        let (s, v) = app.post(&path, &t).await;
        assert_eq!(s, 200, "{t}: {v}");
        assert_eq!(v["status"], "APPROVED", "{t}: {v}");
    }
}

pub(crate) fn template_body(to: &str, name: &str) -> Value {
    let components = match name {
        "login" => json!([{"type": "body", "parameters": [{"type": "text", "text": "123456"}]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "123456"}]}]),
        _ => json!([{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}]),
    };
    json!({"messaging_product": "whatsapp", "to": to, "type": "template",
           "template": {"name": name, "language": {"code": "en_US"}, "components": components}})
}

fn text_body(to: &str) -> Value {
    risala_testkit::text_message(to, "Thanks!")
}

async fn send(app: &TestApp, body: &Value) -> String {
    app.send_accepted(body).await
}

/// Send the template `name` (its body parameter `Ann`), or a text when `None`; the message id.
async fn send_to(app: &TestApp, to: &str, template: Option<&str>) -> String {
    let body = match template {
        Some(name) => template_body(to, name),
        None => text_body(to),
    };
    send(app, &body).await
}
