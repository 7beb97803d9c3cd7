//! The business tools in a real Chromium: an admin sets the business hours and adds a quick
//! reply in the console; a customer writes and is greeted automatically (the inbox shows the
//! greeting as sent by the automation); an agent types `/h` in the composer, moves through the
//! menu with the arrow keys, inserts the quick reply rendered for this customer and agent with
//! Enter, and sends it; the customer receives it. Screenshots: `business-hours-en`,
//! `quick-replies-en`, `quick-reply-menu-en`, `quick-reply-menu-ar`.

use risala_core::model::Role;
use risala_core::tools::hours::GREETING_TAG;
use risala_testkit::browser::Session;
use risala_testkit::customer::Device;
use risala_testkit::{Engine, TestApp};
use serde_json::{json, Value};

use crate::web::app;
use crate::web::steps::{submit, wait_for};

const DOWN: &str = "\u{E015}";
const UP: &str = "\u{E013}";
const ENTER: &str = "\u{E007}";

async fn sign_in(app: &TestApp, lang: &str, email: &str, password: &str, width: u32) -> Session {
    let s = Session::start(lang, width, 900).await;
    s.goto(&app.url("/app/sign-in")).await;
    s.fill("email", email).await;
    s.fill("password", password).await;
    submit(&s, "form button[type=submit]").await;
    s
}

async fn next_message(device: &mut Device) -> Value {
    for _ in 0..20 {
        let f = device.next().await;
        if f["event"] == "message" {
            return f["message"].clone();
        }
    }
    panic!("no message frame");
}

fn selected(s: &Session) -> impl std::future::Future<Output = Value> + '_ {
    s.eval("var e = document.querySelector('#quick-replies [aria-selected=true]'); return e ? e.getAttribute('data-shortcut') : null", json!([]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_replies_from_the_composer_and_an_automatic_greeting() {
    let (_db, app) = app(Engine::Sqlite).await;
    let business = &app.demo.ids.business_id;
    app.state.accounts.create_user(business, "omar@demo.test", "Omar", "omar-password-1", Role::Admin).await.unwrap();
    app.state.accounts.create_user(business, "sara@demo.test", "Sara", "sara-password-1", Role::Agent).await.unwrap();
    let qr = format!("/tools/v1/{}/quick_replies", app.phone_number_id());
    for (shortcut, text) in [("hours", "We are open 09:00–17:00."), ("help", "How can I help?")] {
        let (st, v) = app.post(&qr, &json!({"shortcut": shortcut, "text": text})).await;
        assert_eq!(st, 200, "{v}");
    }

    // The admin sets the hours and the greeting, and adds a quick reply, in the console.
    let s = sign_in(&app, "en", "omar@demo.test", "omar-password-1", 1280).await;
    s.goto(&app.url("/app/console/hours")).await;
    s.fill("time_zone", "Asia/Riyadh").await;
    for day in ["sunday", "monday", "tuesday", "wednesday", "thursday"] {
        s.fill(&format!("day-{day}"), "09:00-13:00, 16:00-22:00").await;
    }
    s.fill("closures", "2027-09-23 National Day").await;
    s.find("input[name=greeting_enabled]").await.click().await;
    s.fill("greeting-text", "Welcome to {{business_name}}, {{customer_name}}!").await;
    submit(&s, "form.hours button[type=submit]").await;
    assert!(s.text().await.contains("Saved."), "{}", s.text().await);
    s.screenshot("business-hours-en", true).await;
    let (_, v) = app.get(&format!("/tools/v1/{}/business_hours", app.phone_number_id())).await;
    assert_eq!(v["hours"]["weekly"]["monday"][1], json!({"open": "16:00", "close": "22:00"}), "{v}");
    assert_eq!(
        (v["greeting_message"]["enabled"].as_bool(), v["hours"]["closures"][0]["name"].as_str()),
        (Some(true), Some("National Day"))
    );
    // A broken range is refused with the reason (the day as the form names it, not the API's
    // `weekly.friday[0]`), and the form keeps what was typed.
    s.find("#day-friday").await.send_keys("18:00-09:00").await;
    submit(&s, "form.hours button[type=submit]").await;
    assert!(
        s.text().await.contains("Friday: the closing time must come after the opening time."),
        "{}",
        s.text().await
    );
    assert_eq!(s.find("#day-friday").await.attr("value").await.as_deref(), Some("18:00-09:00"));

    s.goto(&app.url("/app/console/quick-replies")).await;
    s.fill("qr-shortcut", "/hello").await;
    s.fill("qr-text", "Hello {{customer_name}}, this is {{agent_name}}.").await;
    submit(&s, "form[action='/app/console/quick-replies'] button[type=submit]").await;
    assert!(s.text().await.contains("Quick reply created."), "{}", s.text().await);
    assert_eq!(s.count("tr[data-shortcut]").await, 3);
    s.screenshot("quick-replies-en", true).await;
    drop(s);

    // A customer writes: the greeting answers at once.
    let customer = app.customer("15550001111", "Layla Haddad").await;
    let mut device = customer.connect().await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "Hello, is my order ready?"}})).await;
    let greeting = next_message(&mut device).await;
    assert!(greeting["text"]["body"].as_str().unwrap().ends_with(", Layla Haddad!"), "{greeting}");

    for (lang, width) in [("en", 1280), ("ar", 375)] {
        let s = sign_in(&app, lang, "sara@demo.test", "sara-password-1", width).await;
        s.goto(&app.url(&format!("/app/chats/{}/15550001111", app.phone_number_id()))).await;
        // The greeting is shown as the automation's.
        let tag = s.find(".bubble.out .auto-tag").await.text().await;
        assert!(tag.contains(if lang == "en" { "Greeting · automatic" } else { "ترحيب · تلقائي" }), "{tag}");
        // `/h` offers the three shortcuts that start with h; the arrows move; Enter inserts.
        s.fill("compose-body", "/h").await;
        wait_for(&s, "the quick-reply menu", "return !document.getElementById('quick-menu').hidden").await;
        let offered = s.eval("return Array.from(document.querySelectorAll('#quick-replies li:not([hidden])')).map(e => e.getAttribute('data-shortcut'))", json!([])).await;
        assert_eq!(offered, json!(["hello", "help", "hours"]));
        assert_eq!(selected(&s).await, "hello");
        s.fill("compose-body", DOWN).await;
        s.fill("compose-body", DOWN).await;
        assert_eq!(selected(&s).await, "hours");
        s.fill("compose-body", UP).await;
        s.fill("compose-body", "e").await;
        let offered =
            s.eval("return document.querySelectorAll('#quick-replies li:not([hidden])').length", json!([])).await;
        assert_eq!(offered, 2, "/he: hello and help");
        s.fill("compose-body", DOWN).await;
        s.screenshot(&format!("quick-reply-menu-{lang}"), true).await;
        if lang == "ar" {
            break;
        }
        assert_eq!(selected(&s).await, "help");
        s.fill("compose-body", UP).await;
        s.fill("compose-body", ENTER).await;
        let value = s.eval("return document.getElementById('compose-body').value", json!([])).await;
        assert_eq!(value, "Hello Layla Haddad, this is Sara.");
        assert!(s.eval("return document.getElementById('quick-menu').hidden", json!([])).await.as_bool().unwrap());
        submit(&s, "form.compose button[type=submit]").await;
        let m = next_message(&mut device).await;
        assert_eq!(m["text"]["body"], "Hello Layla Haddad, this is Sara.", "{m}");
    }
    // The greeting is the only automatic message; the quick reply was the agent's.
    let history = app.state.store.chat_history(app.phone_number_id(), "15550001111", None, 20).await.unwrap();
    let tags: Vec<Option<String>> = history
        .iter()
        .filter(|m| m.direction == risala_core::model::Direction::Outbound)
        .map(|m| m.biz_opaque.clone())
        .collect();
    assert_eq!(tags, [None, Some(GREETING_TAG.to_string())]);

    // A media greeting set through the API: the console says so, and saving its form keeps it.
    let media_id = app.upload("image/png", b"\x89PNG\r\n\x1a\n welcome").await;
    let hours = format!("/tools/v1/{}/business_hours", app.phone_number_id());
    let image = json!({"type": "image", "image": {"id": media_id, "caption": "Welcome!"}});
    let (st, v) = app.post(&hours, &json!({"greeting_message": {"message": image}})).await;
    assert_eq!(st, 200, "{v}");
    let s = sign_in(&app, "en", "omar@demo.test", "omar-password-1", 1280).await;
    s.goto(&app.url("/app/console/hours")).await;
    assert!(s.text().await.contains("A media message set through the API is sent"), "{}", s.text().await);
    submit(&s, "form.hours button[type=submit]").await;
    let (_, v) = app.get(&hours).await;
    assert_eq!(v["greeting_message"]["message"], image, "{v}");
}
