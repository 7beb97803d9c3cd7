//! The team inbox's whole journey in a real Chromium, in English and in Arabic: two people of
//! the business in two browsers. A customer writes (through the customer API) and the message
//! arrives live in both inboxes; agent A takes the conversation and agent B, who has it open,
//! sees it assigned to A without reloading; A answers from the composer inside the window; the
//! sandbox clock moves 25 hours and the composer offers only templates; A sends the approved
//! template from the picker with its parameters. The customer receives both answers, and the
//! business's webhook receiver gets both as `smb_message_echoes`. Every page is checked for its
//! direction (`dir="rtl"` in Arabic) and its strings; the main pages are photographed
//! (`inbox-list-*`, `inbox-chat-*`, `composer-*`, `composer-closed-*`, `template-picker-*`).

use risala_core::model::Role;
use risala_testkit::browser::Session;
use risala_testkit::customer::Device;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{Engine, TestApp, DEMO_OWNER_PASSWORD};
use risala_web::Lang;
use serde_json::{json, Value};

use super::composer::order_template;
use super::steps::{open, sign_in, submit, wait_for, wait_text_in, wait_url, PATIENCE};
use super::{app, OWNER};

const CUSTOMER: &str = "15550001111";
const TOKEN: &str = "journey-verify";
const AGENT: (&str, &str, &str) = ("sara@demo.test", "Sara", "sara-password-1");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_handle_a_conversation_in_english() {
    journey(Lang::En, (1280, 900)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_handle_a_conversation_in_arabic() {
    // Agent A on a phone-sized screen.
    journey(Lang::Ar, (375, 812)).await;
}

/// The business's webhook receiver, subscribed to every field (`smb_message_echoes` among them).
pub async fn subscribe(app: &TestApp) -> WebhookReceiver {
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": TOKEN});
    let (s, v) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &body).await;
    assert_eq!(s, 200, "{v}");
    rcv
}

/// The types of the distinct `smb_message_echoes` the receiver accepted, in order (a retried
/// delivery repeats one; it counts once, by message id).
pub fn echo_types(rcv: &WebhookReceiver) -> Vec<String> {
    let mut seen: Vec<(Value, String)> = Vec::new();
    for (_, field, v) in rcv.accepted() {
        let e = &v["message_echoes"][0];
        if field == "smb_message_echoes" && !seen.iter().any(|(id, _)| *id == e["id"]) {
            seen.push((e["id"].clone(), e["type"].as_str().unwrap_or_default().to_string()));
        }
    }
    seen.into_iter().map(|(_, t)| t).collect()
}

/// The next frame of `event` on the customer's device, skipping others.
pub async fn next_event(device: &mut Device, event: &str) -> Value {
    loop {
        let f = device.next_within(PATIENCE).await.unwrap_or_else(|| panic!("no {event} frame within {PATIENCE:?}"));
        if f["event"] == event {
            return f;
        }
    }
}

/// The page is in `lang`: `<html lang dir>` and the strings `want` shown.
async fn in_language(s: &Session, lang: Lang, want: &[&str]) {
    assert_eq!((s.html_attr("lang").await, s.html_attr("dir").await), (lang.code().into(), lang.dir().into()));
    let text = s.text().await;
    for w in want {
        assert!(text.contains(w), "{w:?} not on the page: {text}");
    }
}

async fn journey(lang: Lang, (width, height): (u32, u32)) {
    let code = lang.code();
    let (t, ti, tc) = (lang.t(), lang.inbox(), lang.compose());
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let template_id = order_template(&app).await;
    let (email, name, password) = AGENT;
    app.state.accounts.create_user(&app.demo.ids.business_id, email, name, password, Role::Agent).await.unwrap();
    let owner_name = app.state.store.user_by_email(OWNER).await.unwrap().unwrap().name;
    let customer = app.customer(CUSTOMER, "Layla Haddad").await;
    let mut device = customer.connect().await;
    let chat = format!("/app/chats/{}/{CUSTOMER}", app.phone_number_id());

    // Both sign in and wait on their (empty) inbox.
    let a = Session::start(code, width, height).await;
    sign_in(&app, &a, OWNER, DEMO_OWNER_PASSWORD).await;
    let b = Session::start(code, 1280, 800).await;
    sign_in(&app, &b, email, password).await;
    for s in [&a, &b] {
        open(&app, s, "/app/").await;
        in_language(s, lang, &[t.chats, t.no_chats]).await;
    }

    // The customer writes: the message arrives in both inboxes without a reload.
    let asked = customer
        .send(app.business_number(), json!({"type": "text", "text": {"body": "Is my order 1042 ready?"}}))
        .await;
    for s in [&a, &b] {
        wait_text_in(s, "#chat-list", "Is my order 1042 ready?").await;
        assert_eq!(s.count("#chat-list li").await, 1);
        assert!(s.find("#chat-list").await.text().await.contains("Layla Haddad"));
    }
    b.screenshot(&format!("inbox-list-{code}"), true).await;

    // Both open it (A's opening reads it: the customer is told); A takes it, and B sees it
    // assigned to A without reloading, in the panel and in the list.
    open(&app, &a, &chat).await;
    assert_eq!(next_event(&mut device, "read").await["id"], asked);
    open(&app, &b, &chat).await;
    in_language(&a, lang, &[ti.take, ti.nobody, tc.answer]).await;
    wait_text_in(&b, "#presence", &owner_name).await;
    submit(&a, "form[action$='/take'] button").await;
    assert_eq!(a.find(".assignee-now").await.text().await, owner_name);
    wait_text_in(&b, ".assignee-now", &owner_name).await;
    wait_text_in(&b, "#chat-list .assignee", &owner_name).await;
    in_language(&b, lang, &[ti.assigned_to, tc.answer]).await;
    b.screenshot(&format!("inbox-chat-{code}"), true).await;

    // A answers inside the window; B sees the answer arrive.
    let answer = "Yes, it is ready! نعم، جاهز";
    a.fill("compose-body", answer).await;
    a.screenshot(&format!("composer-{code}"), true).await;
    submit(&a, "form.compose button[type=submit]").await;
    assert!(a.url().await.ends_with("#composer"));
    let m = next_event(&mut device, "message").await["message"].clone();
    assert_eq!(m["text"]["body"], answer, "{m}");
    wait_text_in(&b, "#thread", answer).await;

    // 25 hours later (the sandbox clock's API) the composer offers only templates.
    app.advance_clock("25h").await;
    open(&app, &a, &chat).await;
    in_language(&a, lang, &[tc.templates, ti.window_closed]).await;
    assert_eq!(a.count("#compose-body").await, 0, "no free text outside the window");
    assert_eq!(a.count(".composer .window.closed").await, 1);
    assert_eq!(a.count(".template-picker").await, 1);
    a.screenshot(&format!("composer-closed-{code}"), true).await;

    // A picks the template, fills its parameters (the preview follows) and sends it.
    a.find(&format!(".template-picker a[href$='/templates/{template_id}']")).await.click().await;
    wait_url(&a, &format!("/templates/{template_id}")).await;
    in_language(&a, lang, &[tc.send_template, tc.preview]).await;
    a.fill("tpl-header-1", "#1042").await;
    a.fill("tpl-body-1", "Layla").await;
    a.fill("tpl-body-2", "6 pm").await;
    a.fill("tpl-button-0", "1042").await;
    let rendered = "Hello Layla, your order is ready for pickup at 6 pm.";
    wait_text_in(&a, "#template-preview", rendered).await;
    assert!(a.find("#template-preview").await.text().await.contains("Order #1042"));
    let overflow = a.eval("return document.documentElement.scrollWidth", json!([])).await;
    assert!(overflow.as_u64().unwrap() <= width as u64, "the page is {overflow} px wide");
    a.screenshot(&format!("template-picker-{code}"), true).await;
    submit(&a, "form.template-form button[type=submit]").await;
    assert!(a.url().await.ends_with("#composer"));
    let m = next_event(&mut device, "message").await["message"].clone();
    assert_eq!(m["template"]["body"], rendered, "{m}");
    wait_text_in(&b, "#thread", rendered).await;

    // The customer has both answers (the customer API), and the webhook an echo of each.
    let (s, history) = customer.get(&format!("/customer/v1/chats/{}/messages", app.business_number())).await;
    assert_eq!(s, 200, "{history}");
    let ours: Vec<&Value> = history["data"].as_array().unwrap().iter().filter(|m| m["from"] != CUSTOMER).collect();
    assert_eq!(ours.len(), 2, "{history}");
    assert!(history.to_string().contains(answer) && history.to_string().contains(rendered), "{history}");
    assert!(rcv.wait_until(PATIENCE, |r| echo_types(r).len() == 2).await, "echoes: {:?}", echo_types(&rcv));
    assert_eq!(echo_types(&rcv), ["text", "template"]);
    wait_for(
        &b,
        "the list shows the template last",
        "return document.querySelector('#chat-list').innerText.includes('Hello Layla')",
    )
    .await;
}
