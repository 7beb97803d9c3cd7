//! Day separators, as WhatsApp draws them: messages of different days (the sandbox clock moved
//! a day between them) are headed Today, Yesterday or their date, in the inbox's chat view
//! (English) and in the customer's web chat (Arabic), for messages that arrive live too.

use risala_testkit::browser::Session;
use risala_testkit::{Engine, DEMO_OWNER_PASSWORD};
use serde_json::json;

use super::browser::{sign_in, wait_for, CUSTOMER};
use crate::web::{app, steps, OWNER};

/// The labels of the separators on the page, in order.
async fn separators(s: &Session) -> Vec<String> {
    let v = s
        .eval(
            "return Array.from(document.querySelectorAll('.day-sep')).map(function (d) { return d.textContent.trim(); })",
            json!([]),
        )
        .await;
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_of_two_days_are_separated_in_the_inbox_and_the_web_chat() {
    let (_db, app) = app(Engine::Sqlite).await;
    let number = app.business_number().to_string();
    let customer = app.customer(CUSTOMER, "Mona").await;
    customer.send(&number, json!({"type": "text", "text": {"body": "Are you open tonight?"}})).await;

    // The customer's web chat, in Arabic on a phone: one day so far.
    let wc = Session::start("ar", 390, 844).await;
    sign_in(&wc, &app, &format!("/chat/?phone={number}"), CUSTOMER, "Mona").await;
    wait_for(&wc, "the chat open", "return !document.getElementById('chat').hidden", json!([])).await;
    wait_for(&wc, "a separator", "return document.querySelectorAll('.day-sep').length === 1", json!([])).await;
    assert_eq!(separators(&wc).await, ["اليوم"]);

    // The owner's chat view, in English: one day.
    let inbox = Session::start("en-US", 1280, 900).await;
    steps::sign_in(&app, &inbox, OWNER, DEMO_OWNER_PASSWORD).await;
    steps::wait_url(&inbox, "/app/").await;
    let chat = format!("/app/chats/{}/{CUSTOMER}", app.phone_number_id());
    steps::open(&app, &inbox, &chat).await;
    assert_eq!(separators(&inbox).await, ["Today"]);

    // A day later (the customer writes again: the window had closed) the business answers;
    // both pages draw it live, under a new day.
    app.advance_clock("1d").await;
    steps::open(&app, &inbox, &chat).await;
    assert_eq!(separators(&inbox).await, ["Yesterday"]);
    customer.send(&number, json!({"type": "text", "text": {"body": "And tomorrow?"}})).await;
    let body =
        json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text", "text": {"body": "Yes, until 23:00."}});
    let (st, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await;
    assert_eq!(st, 200, "{v}");
    wait_for(&wc, "the answer", "return document.body.innerText.includes('Yes, until 23:00.')", json!([])).await;
    wait_for(&wc, "a second day", "return document.querySelectorAll('.day-sep').length === 2", json!([])).await;
    let days = separators(&wc).await;
    assert_eq!(days[0], "اليوم", "{days:?}");
    assert!(days[1].chars().any(|c| ('٠'..='٩').contains(&c)), "a date in Arabic digits: {days:?}");
    wc.screenshot("webchat-days-ar-phone", false).await;
    steps::wait_for(
        &inbox,
        "the answer, live, under a new day",
        "return document.querySelectorAll('.day-sep').length === 2",
    )
    .await;
    assert_eq!(separators(&inbox).await, ["Yesterday", "Today"]);
    // The customer's message opened the window again: the composer, which offered templates
    // only, now has its message box, without a reload.
    steps::wait_for(
        &inbox,
        "the composer of an open window",
        "return !!document.getElementById('compose-body') && !document.querySelector('#composer .window.closed')",
    )
    .await;
    inbox.screenshot("chat-days-en", false).await;
    app.stop().await;
}
