//! Answering in a real Chromium, in English and in Arabic (right to left, on a phone-sized
//! screen): a customer writes; the agent opens the chat (the customer sees it read), types (the
//! customer sees the typing indicator), answers inside the window (a reply, a reaction, an
//! attachment); the sandbox clock moves 25 hours; the composer then offers only templates; the
//! agent picks the approved template, fills its parameters while the preview follows, and
//! sends. The customer receives every message, and the business's webhook receives an
//! `smb_message_echoes` change for each. Screenshots: `composer-*`, `template-picker-*`.

use std::time::Duration;

use risala_core::model::Role;
use risala_testkit::browser::Session;
use risala_testkit::customer::Device;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{Engine, TestApp};
use serde_json::{json, Value};

use super::app;
use super::composer::{order_template, PNG};

const CUSTOMER: &str = "15550001111";
const TOKEN: &str = "composer-verify";

pub(crate) async fn wait_for(s: &Session, what: &str, check: &str) {
    for _ in 0..100 {
        if s.eval(check, json!([])).await.as_bool() == Some(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: not within 10 s; the page says {}", s.text().await);
}

async fn wait_url(s: &Session, suffix: &str) {
    for _ in 0..100 {
        if s.url().await.ends_with(suffix) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the browser is at {}, not …{suffix}", s.url().await);
}

/// Click `css` (a form's submit button) and wait until the page it leads to has loaded.
pub(crate) async fn submit(s: &Session, css: &str) {
    s.eval("window.__stale = true", json!([])).await;
    s.find(css).await.click().await;
    wait_for(s, "the next page", "return !window.__stale && document.readyState === 'complete'").await;
}

/// The next frame of `event` on the customer's device, skipping others.
async fn next_event(device: &mut Device, event: &str) -> Value {
    for _ in 0..20 {
        let f = device.next().await;
        if f["event"] == event {
            return f;
        }
    }
    panic!("no {event} frame");
}

struct Strings {
    lang: &'static str,
    send: &'static str,
    window_closed: &'static str,
    template_title: &'static str,
}

const EN: Strings =
    Strings { lang: "en", send: "Send", window_closed: "more than 24 hours ago", template_title: "Send a template" };
const AR: Strings =
    Strings {
        lang: "ar", send: "إرسال", window_closed: "منذ أكثر من ٢٤ ساعة", template_title: "إرسال قالب"
    };

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_answers_in_english() {
    journey(&EN, 1280, 900).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_answers_in_arabic() {
    journey(&AR, 375, 812).await;
}

async fn subscribe(app: &TestApp) -> WebhookReceiver {
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    // No `fields`: every field, smb_message_echoes included.
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": TOKEN});
    let (s, v) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &body).await;
    assert_eq!(s, 200, "{v}");
    rcv
}

async fn journey(l: &Strings, width: u32, height: u32) {
    let (db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let template_id = order_template(&app).await;
    app.state
        .accounts
        .create_user(&app.demo.ids.business_id, "sara@demo.test", "Sara", "sara-password-1", Role::Agent)
        .await
        .unwrap();
    let customer = app.customer(CUSTOMER, "Layla Haddad").await;
    let mut device = customer.connect().await;
    let asked =
        customer.send(app.business_number(), json!({"type": "text", "text": {"body": "Is my order ready?"}})).await;

    let s = Session::start(l.lang, width, height).await;
    s.goto(&app.url("/app/sign-in")).await;
    s.fill("email", "sara@demo.test").await;
    s.fill("password", "sara-password-1").await;
    s.find("form button[type=submit]").await.click().await;
    wait_url(&s, "/app/").await;
    let chat = app.url(&format!("/app/chats/{}/{CUSTOMER}", app.phone_number_id()));
    s.goto(&chat).await;
    assert_eq!(s.html_attr("dir").await, if l.lang == "ar" { "rtl" } else { "ltr" });
    // Opening the chat marks the customer's message read.
    let read = next_event(&mut device, "read").await;
    assert_eq!(read["id"], asked);

    // Typing shows the customer the typing indicator; the answer is a reply.
    s.fill("compose-body", "Yes, it is ready! نعم").await;
    assert_eq!(next_event(&mut device, "typing").await["from"], app.business_number());
    s.eval("document.getElementById('compose-reply').value = arguments[0]", json!([asked])).await;
    s.screenshot(&format!("composer-{}", l.lang), true).await;
    assert_eq!(s.find("form.compose button[type=submit]").await.text().await, l.send);
    submit(&s, "form.compose button[type=submit]").await;
    assert!(s.url().await.ends_with("#composer"));
    let m = next_event(&mut device, "message").await["message"].clone();
    assert_eq!(
        (m["text"]["body"].as_str(), m["context"]["id"].as_str()),
        (Some("Yes, it is ready! نعم"), Some(asked.as_str())),
        "{m}"
    );

    // A reaction to the customer's message.
    s.find("details.compose-more:nth-of-type(2) summary").await.click().await;
    s.eval("document.getElementById('compose-react-to').value = arguments[0]", json!([asked])).await;
    submit(&s, "button.emoji[value='❤️']").await;
    let m = next_event(&mut device, "message").await["message"].clone();
    assert_eq!(m["reaction"], json!({"message_id": asked, "emoji": "❤️"}), "{m}");

    // An attachment.
    let file = db.dir.path().join("receipt.png");
    std::fs::write(&file, PNG).unwrap();
    s.find("details.compose-more summary").await.click().await;
    s.find("#compose-file").await.send_keys(file.to_str().unwrap()).await;
    s.fill("compose-caption", "Your receipt").await;
    submit(&s, "form[enctype='multipart/form-data'] button").await;
    let m = next_event(&mut device, "message").await["message"].clone();
    assert_eq!((m["type"].as_str(), m["image"]["caption"].as_str()), (Some("image"), Some("Your receipt")), "{m}");

    // 25 hours later the composer offers only templates.
    app.advance_clock("25h").await;
    s.goto(&chat).await;
    let text = s.text().await;
    assert!(text.contains(l.window_closed) && text.contains(l.template_title), "{text}");
    assert_eq!(s.count("#compose-body").await, 0, "no free text outside the window");
    s.screenshot(&format!("composer-closed-{}", l.lang), true).await;
    s.find(&format!("a[href$='/templates/{template_id}']")).await.click().await;
    wait_url(&s, &format!("/templates/{template_id}")).await;
    assert_eq!(s.html_attr("dir").await, if l.lang == "ar" { "rtl" } else { "ltr" });
    s.fill("tpl-header-1", "#1042").await;
    s.fill("tpl-body-1", "Layla").await;
    s.fill("tpl-body-2", "6 pm").await;
    s.fill("tpl-button-0", "1042").await;
    wait_for(
        &s,
        "the live preview",
        "return document.getElementById('template-preview').innerText.includes('Hello Layla, your order is ready for pickup at 6 pm.')",
    )
    .await;
    assert!(s.find("#template-preview").await.text().await.contains("Order #1042"));
    let overflow = s.eval("return document.documentElement.scrollWidth", json!([])).await;
    assert!(overflow.as_u64().unwrap() <= width as u64, "the page is {overflow} px wide");
    s.screenshot(&format!("template-picker-{}", l.lang), true).await;
    submit(&s, "form.template-form button[type=submit]").await;
    assert!(s.url().await.ends_with("#composer"));
    let m = next_event(&mut device, "message").await["message"].clone();
    assert_eq!(m["template"]["body"], "Hello Layla, your order is ready for pickup at 6 pm.", "{m}");

    // The customer has every answer in their history, and the webhook got an echo of each.
    let (_, history) = customer.get(&format!("/customer/v1/chats/{}/messages", app.business_number())).await;
    let from_business = history["data"].as_array().unwrap().iter().filter(|m| m["from"] != CUSTOMER).count();
    assert_eq!(from_business, 4, "{history}");
    // Distinct echoes (a retried delivery repeats one), by message id.
    let echoes = || {
        let mut seen = Vec::new();
        for (_, f, v) in rcv.accepted() {
            let e = &v["message_echoes"][0];
            if f == "smb_message_echoes" && !seen.iter().any(|(id, _): &(Value, String)| *id == e["id"]) {
                seen.push((e["id"].clone(), e["type"].as_str().unwrap_or_default().to_string()));
            }
        }
        seen.into_iter().map(|(_, t)| t).collect::<Vec<_>>()
    };
    assert!(rcv.wait_until(Duration::from_secs(10), |_| echoes().len() == 4).await, "echoes: {:?}", echoes());
    assert_eq!(echoes(), ["text", "reaction", "image", "template"]);
}
