//! The team's work in a real Chromium, beyond the journey of `journey_browser`: two people in
//! two browsers on one conversation. The agent sees who else is viewing; the owner adds a label
//! and a note and the agent sees both without reloading; closing, live, and the "closed"
//! filter; a customer who hides their number listed by username and BSUID; the same
//! conversation in Arabic (right to left, numbers kept left to right) on a phone-sized screen.
//! Screenshots: `inbox-team-en`, `inbox-team-ar`.

use risala_core::model::Role;
use risala_testkit::browser::Session;
use risala_testkit::{Engine, DEMO_OWNER_PASSWORD};
use serde_json::json;

use super::inbox::chat_path;
use super::steps::{open, sign_in, submit, wait_for, wait_text_in};
use super::{app, OWNER};

const ALICE: &str = "15550001111";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_notes_and_closing_reach_the_other_agent_live() {
    let (_db, app) = app(Engine::Sqlite).await;
    let business = app.demo.ids.business_id.clone();
    app.state.accounts.create_user(&business, "sara@demo.test", "Sara", "sara-password-1", Role::Agent).await.unwrap();
    let owner_user = app.state.store.user_by_email(OWNER).await.unwrap().unwrap();
    app.state.inbox.create_label(&owner_user, "VIP", "#b3261e").await.unwrap();
    let alice = app.customer(ALICE, "Layla Haddad").await;
    let num = app.business_number().to_string();
    alice.send(&num, json!({"type": "text", "text": {"body": "Hello, is my order ready?"}})).await;
    let bob = app.customer("15550002222", "Omar").await;
    // Omar hides his number: the list names him by username and BSUID.
    let (s, v) = bob.post("/customer/v1/me", &json!({"username": "omar.k", "hide_number": true})).await;
    assert_eq!(s, 200, "{v}");
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
    open(&app, &a, &path).await;

    let omar = a.find("#chat-list li:first-child").await.text().await;
    assert!(omar.contains("Omar") && omar.contains("@omar.k") && !omar.contains("15550002222"), "{omar}");

    // B opens it and sees A there.
    open(&app, &b, &path).await;
    wait_text_in(&b, "#presence", "Demo Owner viewing").await;

    // A adds a label and a note; B sees both.
    submit(&a, "form[action$='/labels'] button").await;
    a.fill("note", "Call back after 5").await;
    submit(&a, "form[action$='/notes'] button").await;
    wait_text_in(&b, "#notes-list", "Call back after 5").await;
    assert_eq!(b.count("#chat-state .chip").await, 1, "the label, live");
    assert!(b.find("#chat-state").await.text().await.contains("VIP"));
    a.screenshot("inbox-team-en", true).await;

    // Closing: out of the open list, in the closed one.
    submit(&a, "form[action$='/close'] button").await;
    wait_for(&b, "closed, live", "return document.querySelectorAll('#chat-state .badge').length === 1").await;
    open(&app, &a, "/app/").await;
    wait_text_in(&a, "#chat-list", "Omar").await;
    assert!(!a.find("#chat-list").await.text().await.contains("Layla Haddad"));
    open(&app, &a, "/app/?state=closed").await;
    assert!(a.find("#chat-list").await.text().await.contains("Layla Haddad"));

    // Arabic, on a phone: right to left, the number left to right in Arabic digits.
    let ar = Session::start("ar", 375, 812).await;
    sign_in(&app, &ar, "sara@demo.test", "sara-password-1").await;
    assert_eq!((ar.html_attr("lang").await, ar.html_attr("dir").await), ("ar".into(), "rtl".into()));
    open(&app, &ar, &path).await;
    let text = ar.text().await;
    assert!(text.contains("ملاحظات داخلية") && text.contains("Call back after 5"), "{text}");
    let number = ar.find(".chat-head .chat-meta bdi").await;
    assert_eq!((number.attr("dir").await.as_deref(), number.text().await.as_str()), (Some("ltr"), "+١٥٥٥٠٠٠١١١١"));
    let overflow = ar.eval("return document.documentElement.scrollWidth", json!([])).await;
    assert!(overflow.as_u64().unwrap() <= 375, "the page is {overflow} px wide");
    ar.screenshot("inbox-team-ar", true).await;
}

/// A long chat at desktop size opens at its newest message with the composer in view (the
/// thread scrolls, not the page); a message that arrives while the chat is open is read for
/// the customer (blue ticks); and a tab that moves through many pages never waits on the
/// event streams of the pages it left (a browser keeps them for its back button, and opens at
/// most six connections to one host).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_chat_opens_at_its_end_reads_what_arrives_and_pages_never_wait() {
    let (_db, app) = app(Engine::Sqlite).await;
    let alice = app.customer(ALICE, "Layla Haddad").await;
    let num = app.business_number().to_string();
    for i in 0..120 {
        alice.send(&num, json!({"type": "text", "text": {"body": format!("Message number {i}")}})).await;
    }
    let path = chat_path(&app, ALICE);
    let a = Session::start("en-US", 1280, 900).await;
    sign_in(&app, &a, OWNER, DEMO_OWNER_PASSWORD).await;
    open(&app, &a, &path).await;
    let view = a
        .eval(
            "const t = document.getElementById('thread'); const c = document.getElementById('compose-body');
             return {scrolls: t.scrollHeight > t.clientHeight + 100,
                     at_end: t.scrollHeight - t.scrollTop - t.clientHeight < 40,
                     composer_in_view: c.getBoundingClientRect().bottom <= window.innerHeight,
                     page_fits: document.documentElement.scrollHeight <= window.innerHeight + 2};",
            json!([]),
        )
        .await;
    assert_eq!(view, json!({"scrolls": true, "at_end": true, "composer_in_view": true, "page_fits": true}));
    a.screenshot("inbox-long-chat-en", false).await;

    // A new message while the chat is open and shown: the customer's device hears it read.
    let mut device = alice.connect().await;
    let id = alice.send(&num, json!({"type": "text", "text": {"body": "One more thing"}})).await;
    wait_text_in(&a, "#thread", "One more thing").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let f = device.next_within(std::time::Duration::from_secs(10)).await.expect("a read receipt");
        if f["event"] == "read" && f["id"] == id.as_str() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no read receipt for {id}");
    }

    // Nine pages in a row in one tab, each with its event stream: none waits for a connection.
    for page in ["/app/", "/app/?state=all", "/app/contacts", "/app/", "/app/?state=open", "/app/", "/app/?state=all"]
        .into_iter()
        .chain([path.as_str(), "/app/"])
    {
        let started = std::time::Instant::now();
        open(&app, &a, page).await;
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{page} took {:?}", started.elapsed());
    }
}
