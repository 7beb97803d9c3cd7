//! The team inbox in a real Chromium: two agents in two browsers. A customer's message arrives
//! live in both; the owner takes the conversation and the agent sees it assigned without
//! reloading; the owner adds a label and a note and the agent sees them; the agent sees who is
//! viewing; closing and the "closed" filter; the same conversation in Arabic (right to left,
//! numbers kept left to right) on a phone-sized screen. Screenshots of the main pages go to
//! `target/screenshots/` (and the book's with `RISALA_WRITE_SCREENSHOTS=1`).

use std::time::Duration;

use risala_core::model::Role;
use risala_testkit::browser::Session;
use risala_testkit::{Engine, TestApp, DEMO_OWNER_PASSWORD};
use serde_json::json;

use super::inbox::chat_path;
use super::{app, OWNER};

const ALICE: &str = "15550001111";

async fn sign_in(app: &TestApp, s: &Session, email: &str, password: &str) {
    s.goto(&app.url("/app/sign-in")).await;
    s.fill("email", email).await;
    s.fill("password", password).await;
    s.find("form button[type=submit]").await.click().await;
    for _ in 0..100 {
        if s.url().await.ends_with("/app/") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{email} did not get in");
}

/// Wait until the page's text contains `want` (or, with `present = false`, no longer does).
async fn wait_text(s: &Session, want: &str, present: bool) {
    for _ in 0..100 {
        if s.text().await.contains(want) == present {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waited for {want:?} to be {}: {}", if present { "shown" } else { "gone" }, s.text().await);
}

/// Wait until the page listens to the server's events.
async fn live(s: &Session) {
    for _ in 0..100 {
        if s.count(".inbox[data-live-connected]").await == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page did not connect to /app/events");
}

/// Click a form's button and wait for the page it leads to (a new document, listening again).
async fn submit(s: &Session, css: &str) {
    s.eval("window.__before_submit = true", json!([])).await;
    s.find(css).await.click().await;
    for _ in 0..100 {
        let old = s.eval("return window.__before_submit === true", json!([])).await;
        if old == json!(false) && s.count(".inbox[data-live-connected]").await == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("submitting {css} led nowhere");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_work_one_conversation_live_in_english_and_arabic() {
    let (_db, app) = app(Engine::Sqlite).await;
    let business = app.demo.ids.business_id.clone();
    app.state.accounts.create_user(&business, "sara@demo.test", "Sara", "sara-password-1", Role::Agent).await.unwrap();
    let owner_user = app.state.store.user_by_email(OWNER).await.unwrap().unwrap();
    app.state.inbox.create_label(&owner_user, "VIP", "#b3261e").await.unwrap();
    let alice = app.customer(ALICE, "Layla Haddad").await;
    let num = app.business_number().to_string();
    alice.send(&num, json!({"type": "text", "text": {"body": "Hello, is my order ready?"}})).await;
    let bob = app.customer("15550002222", "Omar").await;
    bob.send(
        &num,
        json!({"type": "location", "location": {"latitude": 24.7136, "longitude": 46.6753, "name": "Riyadh office"}}),
    )
    .await;
    let path = chat_path(&app, ALICE);

    let a = Session::start("en-US", 1280, 800).await;
    sign_in(&app, &a, OWNER, DEMO_OWNER_PASSWORD).await;
    let b = Session::start("en-US", 1280, 800).await;
    sign_in(&app, &b, "sara@demo.test", "sara-password-1").await;
    live(&b).await;
    a.goto(&app.url(&path)).await;
    live(&a).await;

    // A message arrives live in both: A's open conversation, B's list.
    alice.send(&num, json!({"type": "text", "text": {"body": "I am outside the shop"}})).await;
    wait_text(&a, "I am outside the shop", true).await;
    wait_text(&b, "I am outside the shop", true).await;
    b.screenshot("inbox-list-en", true).await;

    // B opens it and sees A there; A takes it, B sees it assigned without reloading.
    b.goto(&app.url(&path)).await;
    live(&b).await;
    wait_text(&b, "Demo Owner viewing", true).await;
    submit(&a, "form[action$='/take'] button").await;
    for _ in 0..100 {
        if b.find(".assignee-now").await.text().await == "Demo Owner" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(b.find(".assignee-now").await.text().await, "Demo Owner", "assigned, live");

    // A adds a label and a note; B sees both.
    submit(&a, "form[action$='/labels'] button").await;
    a.fill("note", "Call back after 5").await;
    submit(&a, "form[action$='/notes'] button").await;
    wait_text(&b, "Call back after 5", true).await;
    assert_eq!(b.count("#chat-state .chip").await, 1, "the label, live");
    assert!(b.find("#chat-state").await.text().await.contains("VIP"));
    a.screenshot("inbox-chat-en", true).await;
    b.screenshot("inbox-chat-agent-en", false).await;

    // Closing: out of the open list, in the closed one.
    submit(&a, "form[action$='/close'] button").await;
    for _ in 0..100 {
        if b.count("#chat-state .badge").await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(b.count("#chat-state .badge").await, 1, "closed, live");
    a.goto(&app.url("/app/")).await;
    wait_text(&a, "Omar", true).await;
    assert!(!a.find("#chat-list").await.text().await.contains("Layla Haddad"));
    a.goto(&app.url("/app/?state=closed")).await;
    assert!(a.find("#chat-list").await.text().await.contains("Layla Haddad"));

    // Arabic, on a phone: right to left, the number left to right in Arabic digits.
    let ar = Session::start("ar", 375, 812).await;
    sign_in(&app, &ar, "sara@demo.test", "sara-password-1").await;
    assert_eq!((ar.html_attr("lang").await, ar.html_attr("dir").await), ("ar".into(), "rtl".into()));
    ar.screenshot("inbox-list-ar", true).await;
    ar.goto(&app.url(&path)).await;
    let text = ar.text().await;
    assert!(text.contains("ملاحظات داخلية") && text.contains("Call back after 5"), "{text}");
    let number = ar.find(".chat-head .chat-meta bdi").await;
    assert_eq!((number.attr("dir").await.as_deref(), number.text().await.as_str()), (Some("ltr"), "+١٥٥٥٠٠٠١١١١"));
    let overflow = ar.eval("return document.documentElement.scrollWidth", json!([])).await;
    assert!(overflow.as_u64().unwrap() <= 375, "the page is {overflow} px wide");
    ar.screenshot("inbox-chat-ar", true).await;
}
