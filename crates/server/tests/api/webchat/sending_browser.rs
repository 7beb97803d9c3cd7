//! Sending from the web chat on a phone-sized screen, each reaching the business's webhook as
//! a phone's message would: an ice breaker offered in the new chat, text with an emoji from the
//! picker, a picture from the file picker, a reply quoting the business's message, a reaction
//! to it, a contact, a location that answers the business's location request (with `context`),
//! and a template's quick-reply button (a `button` message with its payload).

use std::time::Duration;

use risala_testkit::browser::Session;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{text_message, Engine, TempDir};
use serde_json::{json, Value};

use super::browser::{bubble, inbound, sign_in, subscribe, tap, wait_for, PNG};
use crate::web::app;

const CUSTOMER: &str = "447700900123";

async fn next_inbound(rcv: &WebhookReceiver, n: usize) -> Value {
    assert!(rcv.wait_until(Duration::from_secs(10), |r| inbound(r).len() >= n).await, "inbound message {n}");
    inbound(rcv)[n - 1].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_the_customer_sends_reaches_the_webhook() {
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let commands = json!([{"command_name": "hours", "command_description": "Opening hours"}]);
    let automation = json!({"prompts": ["Track my order"], "commands": commands.to_string()});
    let (st, v) = app.post(&format!("/v23.0/{}/conversational_automation", app.phone_number_id()), &automation).await;
    assert_eq!(st, 200, "{v}");
    let s = Session::start("en", 390, 844).await;
    sign_in(&s, &app, &format!("/chat/?phone={}", app.business_number()), CUSTOMER, "Sam").await;
    wait_for(&s, "the chat open", "return !document.getElementById('chat').hidden", json!([])).await;

    // A new chat offers the business's ice breakers and commands; an ice breaker is sent as text.
    wait_for(&s, "the starters", "return !document.getElementById('starters').hidden", json!([])).await;
    let starters = s.find("#starters").await.text().await;
    assert!(starters.contains("Track my order") && starters.contains("/hours · Opening hours"), "{starters}");
    tap(&s, "#starters button.btn").await;
    let first = next_inbound(&rcv, 1).await;
    assert_eq!(first["text"]["body"], "Track my order");
    wait_for(&s, "the starters gone", "return document.getElementById('starters').hidden", json!([])).await;

    // Text with an emoji from the picker.
    s.fill("message", "Hello ").await;
    s.find("#emoji-button").await.click().await;
    s.find("#emoji-panel button").await.click().await;
    s.find("#send-button").await.click().await;
    let text = next_inbound(&rcv, 2).await;
    assert_eq!(text["text"]["body"], "Hello 👍");

    // A picture from the file picker, with the composer's text as its caption.
    let dir = TempDir::new();
    let file = dir.path().join("receipt.png");
    std::fs::write(&file, PNG).unwrap();
    s.fill("message", "My receipt").await;
    s.find("#file").await.send_keys(file.to_str().unwrap()).await;
    let image = next_inbound(&rcv, 3).await;
    assert_eq!(
        (image["type"].as_str(), image["image"]["caption"].as_str()),
        (Some("image"), Some("My receipt")),
        "{image}"
    );
    assert_eq!(image["image"]["mime_type"], "image/png");
    // The customer sees their picture, then and after a reload.
    let drawn = format!("{} img.media", bubble(image["id"].as_str().unwrap()));
    let loaded = "var i = document.querySelector(arguments[0]); return !!i && i.complete && i.naturalWidth > 0";
    wait_for(&s, "the picture sent", loaded, json!([drawn])).await;
    s.goto(&app.url(&format!("/chat/?phone={}", app.business_number()))).await;
    wait_for(&s, "the picture after a reload", loaded, json!([drawn])).await;

    // The business answers; the customer replies to it and reacts to it.
    let (st, v) =
        app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &text_message(CUSTOMER, "Got it")).await;
    assert_eq!(st, 200, "{v}");
    let answer = v["messages"][0]["id"].as_str().unwrap().to_string();
    let tools = format!("{} .bubble-tools .tool", bubble(&answer));
    wait_for(&s, "the answer", "return !!document.querySelector(arguments[0])", json!([tools])).await;
    tap(&s, &tools).await;
    s.fill("message", "Thanks!").await;
    s.find("#send-button").await.click().await;
    let reply = next_inbound(&rcv, 4).await;
    assert_eq!(
        (reply["text"]["body"].as_str(), reply["context"]["id"].as_str()),
        (Some("Thanks!"), Some(answer.as_str()))
    );
    tap(&s, &format!("{tools}:nth-child(2)")).await;
    s.find("#emoji-panel button:nth-child(2)").await.click().await;
    let reaction = next_inbound(&rcv, 5).await;
    assert_eq!(reaction["reaction"], json!({"message_id": answer, "emoji": "❤️"}));
    let shown = format!("{} .wc-reactions", bubble(&answer));
    let js = "var e = document.querySelector(arguments[0]); return !!e && e.textContent === '❤️'";
    wait_for(&s, "the reaction under the message", js, json!([shown])).await;

    // A contact.
    s.find("#contact-button").await.click().await;
    s.fill("contact-name", "Nour Saleh").await;
    s.fill("contact-phone", "+20 100 555 0199").await;
    s.find("#contact-send").await.click().await;
    let contact = next_inbound(&rcv, 6).await;
    assert_eq!(contact["contacts"][0]["name"]["formatted_name"], "Nour Saleh");
    assert_eq!(contact["contacts"][0]["phones"][0]["phone"], "+20 100 555 0199");
    // The customer's own bubble shows the card at once (not only after a reload).
    let card = bubble(contact["id"].as_str().unwrap());
    let shown = "var b = document.querySelector(arguments[0]); return !!b && b.textContent.indexOf('Nour Saleh') >= 0";
    wait_for(&s, "the contact in the customer's bubble", shown, json!([card])).await;

    // A location request, answered by sharing a location.
    let request = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "interactive", "interactive": {
        "type": "location_request_message", "body": {"text": "Where should we deliver?"}, "action": {"name": "send_location"}}});
    let (st, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &request).await;
    assert_eq!(st, 200, "{v}");
    let asked = v["messages"][0]["id"].as_str().unwrap().to_string();
    let share = format!("{} .buttons button.btn", bubble(&asked));
    wait_for(&s, "the location request", "return !!document.querySelector(arguments[0])", json!([share])).await;
    s.screenshot("webchat-sending", false).await;
    tap(&s, &share).await;
    s.fill("loc-lat", "30.0444").await;
    s.fill("loc-lng", "31.2357").await;
    s.fill("loc-name", "Home").await;
    s.find("#loc-send").await.click().await;
    let location = next_inbound(&rcv, 7).await;
    assert_eq!(location["context"]["id"], asked.as_str(), "{location}");
    assert_eq!(
        (location["location"]["latitude"].as_f64(), location["location"]["name"].as_str()),
        (Some(30.0444), Some("Home"))
    );

    // A template's quick-reply button answers with a `button` message carrying its payload.
    let template = json!({"name": "solved_check", "language": "en_US", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Did we solve your issue today?"},
        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Yes"}, {"type": "QUICK_REPLY", "text": "No"}]}]});
    let (st, v) = app.post(&format!("/v23.0/{}/message_templates", app.waba_id()), &template).await;
    assert_eq!((st, v["status"].as_str()), (200, Some("APPROVED")), "{v}");
    let send = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "template", "template": {
        "name": "solved_check", "language": {"code": "en_US"}, "components": [
            {"type": "button", "sub_type": "quick_reply", "index": "1", "parameters": [{"type": "payload", "payload": "NOT_SOLVED"}]}]}});
    let (st, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &send).await;
    assert_eq!(st, 200, "{v}");
    let sent = v["messages"][0]["id"].as_str().unwrap().to_string();
    let no = format!("{} .template .buttons button.btn:nth-child(2)", bubble(&sent));
    wait_for(&s, "the template's buttons", "return !!document.querySelector(arguments[0])", json!([no])).await;
    tap(&s, &no).await;
    let button = next_inbound(&rcv, 8).await;
    assert_eq!(button["type"], "button", "{button}");
    assert_eq!(button["button"], json!({"payload": "NOT_SOLVED", "text": "No"}));
    assert_eq!(button["context"]["id"], sent.as_str());
}
