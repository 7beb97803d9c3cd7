//! The web chat in Arabic on a phone-sized screen: right to left; a customer opens a chat by
//! the business's number and writes; the business reads (blue ticks) and types (the typing
//! line) and answers, live; then the chat menu: stop marketing (a marketing template fails with
//! 131050), mute and archive (this device's own), block (the business's next message fails with
//! 131026 and the composer gives way to a note), report, unblock, delete on this device. Screenshots: `webchat-ar-*`.
//! And signing in with a one-time code in platform mode.

use std::time::Duration;

use risala_core::model::SignalKind;
use risala_testkit::browser::Session;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{template_message, text_message, Engine};
use serde_json::{json, Value};

use super::browser::{bubble, inbound, sign_in, statuses, subscribe, wait_for};
use crate::web::app;

const CUSTOMER: &str = "201005550123";

/// Wait until the business's webhook has a status of message `id` failed with `code`.
async fn failed_with(rcv: &WebhookReceiver, id: &str, code: i64) {
    let seen = |r: &WebhookReceiver| {
        statuses(r).iter().any(|s| s["id"] == id && s["status"] == "failed" && s["errors"][0]["code"] == code)
    };
    assert!(rcv.wait_until(Duration::from_secs(10), seen).await, "{id} failed with {code}: {:?}", statuses(rcv));
}

async fn menu(s: &Session, action: &str) {
    s.find("#menu-button").await.click().await;
    s.find(&format!("#chat-menu button[data-action={action}]")).await.click().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arabic_phone_controls_have_their_effects() {
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    app.create_approved_templates(&[("weekly_deals", "MARKETING", "Hello {{1}}, this week's deals are here.")]).await;
    let send = |body: Value| {
        let app = &app;
        async move {
            let (st, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await;
            assert_eq!(st, 200, "{v}");
            v["messages"][0]["id"].as_str().unwrap_or_default().to_string()
        }
    };

    let s = Session::start("ar", 375, 812).await;
    sign_in(&s, &app, "/chat/", CUSTOMER, "ليلى").await;
    assert_eq!((s.html_attr("lang").await, s.html_attr("dir").await), ("ar".to_string(), "rtl".to_string()));
    assert_eq!(s.find("#sign-out").await.text().await, "تسجيل الخروج");
    s.fill("wc-new-number", app.business_number()).await;
    s.find("#new-chat button[type=submit]").await.click().await;
    wait_for(&s, "the chat open", "return !document.getElementById('chat').hidden", json!([])).await;
    // One pane at a time on a phone: the list gives way to the conversation.
    let list_shown = s.eval("return document.getElementById('chat-list-pane').offsetParent !== null", json!([])).await;
    assert_eq!(list_shown, false);
    s.fill("message", "مرحبا، هل الطلب جاهز؟").await;
    s.find("#send-button").await.click().await;
    assert!(rcv.wait_until(Duration::from_secs(10), |r| !inbound(r).is_empty()).await, "the customer's text");
    let asked = inbound(&rcv)[0]["id"].as_str().unwrap().to_string();

    // The business reads and types: blue ticks and the typing line; then its answer arrives.
    send(json!({"messaging_product": "whatsapp", "status": "read", "message_id": asked, "typing_indicator": {"type": "text"}}))
        .await;
    let read = format!("{} .tick[data-status=read]", bubble(&asked));
    wait_for(&s, "the read tick", "return !!document.querySelector(arguments[0])", json!([read])).await;
    let typing = "return document.getElementById('chat-status').textContent === arguments[0]";
    wait_for(&s, "the typing line", typing, json!(["يكتب…"])).await;
    let answer = send(text_message(CUSTOMER, "نعم، *جاهز* للاستلام")).await;
    let answered = format!("{} strong", bubble(&answer));
    let js = "var e = document.querySelector(arguments[0]); return !!e && e.textContent === 'جاهز'";
    wait_for(&s, "the answer, formatted", js, json!([answered])).await;
    s.screenshot("webchat-ar-phone", true).await;

    // Stop marketing: the business's marketing template fails with 131050.
    menu(&s, "stop_marketing").await;
    wait_for(&s, "stopped", "return !document.getElementById('notice').hidden", json!([])).await;
    let promo = send(template_message(CUSTOMER, "weekly_deals", "ليلى")).await;
    failed_with(&rcv, &promo, 131050).await;

    // Mute and archive are this device's: the chat list says so.
    menu(&s, "mute").await;
    menu(&s, "archive").await;
    s.find("#back").await.click().await;
    wait_for(&s, "the archived toggle", "return !document.getElementById('archived-toggle').hidden", json!([])).await;
    assert_eq!(s.count("#chat-list a[data-chat]").await, 0, "archived chats leave the list");
    s.find("#archived-toggle").await.click().await;
    assert_eq!(s.count("#chat-list .muted-icon").await, 1, "muted");
    s.find("#chat-list a[data-chat]").await.click().await;
    wait_for(&s, "the chat again", "return !document.getElementById('chat').hidden", json!([])).await;

    // Block (confirmed): the business's next message fails with 131026; the page shows why the
    // composer is gone.
    s.eval("window.confirm = function () { return true; }", json!([])).await;
    menu(&s, "block").await;
    wait_for(&s, "blocked", "return !document.getElementById('blocked-note').hidden", json!([])).await;
    assert_eq!(s.eval("return document.getElementById('composer').hidden", json!([])).await, true);
    let after_block = send(text_message(CUSTOMER, "هل ما زلت هنا؟")).await;
    failed_with(&rcv, &after_block, 131026).await;
    // Neither failed message reached the customer.
    assert_eq!(s.count(&bubble(&promo)).await + s.count(&bubble(&after_block)).await, 0);
    s.screenshot("webchat-ar-blocked", true).await;

    // Report (without blocking again), then unblock: the composer is back.
    menu(&s, "report").await;
    wait_for(
        &s,
        "reported",
        "return document.getElementById('notice').textContent === arguments[0]",
        json!(["تم الإبلاغ. شكرًا لك."]),
    )
    .await;
    // Both reach the number's quality rating as signals: the block and the report.
    let signals = app.state.store.signals(app.phone_number_id(), 0).await.unwrap();
    let kinds: Vec<SignalKind> = signals.iter().map(|g| g.kind).collect();
    assert!(kinds.contains(&SignalKind::Block) && kinds.contains(&SignalKind::Report), "{kinds:?}");
    menu(&s, "unblock").await;
    wait_for(&s, "unblocked", "return !document.getElementById('composer').hidden", json!([])).await;
    let (st, chats) = app.get_as("/customer/v1/chats", Some(&customer_token(&s).await)).await;
    assert_eq!((st, &chats["data"][0]["blocked"]), (200, &json!(false)), "{chats}");

    // Delete the chat on this device: its messages go; what comes next shows.
    menu(&s, "delete_chat").await;
    wait_for(&s, "cleared", "return document.querySelectorAll('#thread .bubble').length === 0", json!([])).await;
    let next = send(text_message(CUSTOMER, "أهلًا من جديد")).await;
    let shown =
        "return document.querySelectorAll('#thread .bubble').length === 1 && !!document.querySelector(arguments[0])";
    wait_for(&s, "the next message", shown, json!([bubble(&next)])).await;
}

/// The page's session token (kept by the tab).
async fn customer_token(s: &Session) -> String {
    let js = "var a = JSON.parse(localStorage.getItem('risala.chat.accounts')); return a[arguments[0]].token";
    s.eval(js, json!([CUSTOMER])).await.as_str().unwrap().to_string()
}

/// Platform mode: the page asks for a one-time code, which the operator's file holds here, and
/// a wrong code is refused on the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn platform_mode_signs_in_with_a_one_time_code() {
    let db = risala_testkit::Database::fresh(Engine::Sqlite).await.unwrap();
    let mut config = db.config();
    config.mode = risala_server::Mode::Platform;
    let app = risala_testkit::TestApp::start_with(config).await.unwrap();
    let s = Session::start("en", 1024, 768).await;
    s.goto(&app.url("/chat/")).await;
    s.fill("wc-phone", "447700900555").await;
    s.find("#sign-in-submit").await.click().await;
    wait_for(&s, "the code field", "return !document.getElementById('code-row').hidden", json!([])).await;
    let codes = std::fs::read_to_string(app.config.data_dir.join("sign-in-codes.log")).unwrap();
    let line = codes.lines().rev().find(|l| l.split(' ').nth(1) == Some("447700900555")).expect("a code");
    let code = line.split(' ').nth(2).unwrap().to_string();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    s.fill("wc-code", wrong).await;
    s.find("#sign-in-submit").await.click().await;
    wait_for(&s, "refused", "return !document.getElementById('sign-in-error').hidden", json!([])).await;
    s.eval("document.getElementById('wc-code').value = ''", json!([])).await;
    s.fill("wc-code", &code).await;
    s.find("#sign-in-submit").await.click().await;
    wait_for(&s, "signed in", "return document.getElementById('content').dataset.ready === '1'", json!([])).await;
    assert_eq!(s.eval("return document.getElementById('content').dataset.waId", json!([])).await, "447700900555");
}
