//! Right-to-left details in Chromium, in Arabic on a 390 px phone: the inbox's back link points
//! to the start side (›) and its onward links and the list's assignee arrow to the end side (←);
//! left-to-right fragments keep their order (the business hours' hints in a `<bdi dir="ltr">`,
//! `+` before a number's digits in a select, an English quote with its punctuation at its end);
//! and long words with no space (a label, an FAQ question) wrap instead of widening the page.
//! Screenshots: `rtl-*`.

use risala_testkit::browser::Session;
use risala_testkit::{Engine, DEMO_OWNER_PASSWORD};
use serde_json::json;

use super::steps::{open, sign_in, wait_url};
use super::{app, Web, OWNER};

const CUSTOMER: &str = "15550006666";
const LONG_LABEL: &str = "WholesaleCustomersFromTheNorthernRegion1";
const LONG_QUESTION: &str = "Doyoudelivertothenorthernregionsonweekendsandpublicholidays?";

async fn page_width(s: &Session) -> i64 {
    s.eval("return document.documentElement.scrollWidth", json!([])).await.as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arabic_on_a_phone_keeps_directions_and_width() {
    let (_db, app) = app(Engine::Sqlite).await;
    let number = app.business_number().to_string();
    let customer = app.customer(CUSTOMER, "Rami").await;
    let asked = customer.send(&number, json!({"type": "text", "text": {"body": "Hi, when do you open?"}})).await;
    let body = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "context": {"message_id": asked},
        "type": "text", "text": {"body": "نفتح الساعة ٩ صباحًا"}});
    let (st, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = app
        .post(
            &format!("/tools/v1/{}/faq", app.phone_number_id()),
            &json!({"question": LONG_QUESTION, "answer": "Yes.", "keywords": ["delivery"]}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let mut owner = Web::owner(&app).await;
    let csrf = owner.csrf().await;
    let p = owner.post("/app/labels", &[("csrf", &csrf), ("name", LONG_LABEL), ("colour", "#b3261e")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let label = app.state.store.labels(&app.demo.ids.business_id).await.unwrap().remove(0);
    let chat = format!("/app/chats/{}/{CUSTOMER}", app.phone_number_id());
    let p = owner.post(&format!("{chat}/labels"), &[("csrf", &csrf), ("label", &label.id), ("on", "1")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = owner.post(&format!("{chat}/take"), &[("csrf", &csrf)]).await;
    assert_eq!(p.status, 303, "{}", p.body);

    let s = Session::start("ar", 390, 844).await;
    sign_in(&app, &s, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&s, "/app/").await;

    // The list: the arrow before a chat's assignee points to the end side (left).
    let assignee = s
        .eval("return getComputedStyle(document.querySelector('.chat-tags .assignee'), '::before').content", json!([]))
        .await;
    assert_eq!(assignee, json!("\"← \""));

    // The chat: the back link points right (the start side), the quote reads left to right.
    open(&app, &s, &chat).await;
    let back = s.find(".chat-head a.back").await.text().await;
    assert!(back.starts_with('›'), "{back}");
    let quote = s
        .eval(
            "var q = document.querySelector('.bubble .quote'); return [q.textContent, getComputedStyle(q).direction]",
            json!([]),
        )
        .await;
    assert_eq!(quote, json!(["Hi, when do you open?", "ltr"]));
    // The numbers of the header: `+` drawn before (left of) the digits.
    let plus_first = s
        .eval(
            "return Array.from(document.querySelectorAll('.chat-head bdi[dir=ltr]')).map(function (b) { \
               var t = b.firstChild, r = document.createRange(); r.setStart(t, 0); r.setEnd(t, 1); \
               var plus = r.getBoundingClientRect().left; r.setStart(t, 1); r.setEnd(t, 2); \
               return plus < r.getBoundingClientRect().left; })",
            json!([]),
        )
        .await;
    assert_eq!(plus_first, json!([true, true]));
    assert!(s.text().await.contains(LONG_LABEL));
    assert!(page_width(&s).await <= 390, "the chat is {} px wide", page_width(&s).await);
    s.screenshot("rtl-chat-ar-phone", false).await;
    let onward =
        s.eval("return document.querySelector('aside.panel a[href=\"/app/labels\"]').textContent", json!([])).await;
    assert!(onward.as_str().unwrap().ends_with('←'), "{onward}");

    // Labels and FAQ answers with long words: no wider than the phone.
    for (path, shot) in [("/app/labels", "rtl-labels-ar-phone"), ("/app/console/faq", "rtl-faq-ar-phone")] {
        open(&app, &s, path).await;
        assert!(page_width(&s).await <= 390, "{path} is {} px wide", page_width(&s).await);
        s.screenshot(shot, false).await;
    }

    // Business hours: the examples keep their order; the number's + stays before its digits.
    open(&app, &s, "/app/console/hours").await;
    let ltr = s
        .eval("return Array.from(document.querySelectorAll('.hint bdi[dir=ltr]')).map(function (b) { return b.textContent; })", json!([]))
        .await;
    assert_eq!(ltr, json!(["09:00-12:00, 13:00-17:00", "2026-12-25", "2026-12-24/2026-12-26"]));
    // Drawn in that order: 09:00 left of 13:00 on the line.
    let in_order = s
        .eval(
            "var t = document.querySelector('#ranges-hint bdi').firstChild, r = document.createRange(); \
             r.setStart(t, 0); r.setEnd(t, 5); var a = r.getBoundingClientRect(); \
             r.setStart(t, 13); r.setEnd(t, 18); var b = r.getBoundingClientRect(); \
             return [t.textContent.slice(13, 18), a.top === b.top ? a.left < b.left : a.top < b.top]",
            json!([]),
        )
        .await;
    assert_eq!(in_order, json!(["13:00", true]));
    // The number picker shows the whole number and name: the select is wider than the chosen
    // option's text (with its padding and arrow), and the page no wider than the phone.
    let fits = s
        .eval(
            "var sel = document.getElementById('hours-number'), cs = getComputedStyle(sel); \
             var c = document.createElement('canvas').getContext('2d'); c.font = cs.font; \
             var text = c.measureText(sel.options[sel.selectedIndex].text).width; \
             var room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20; \
             return [Math.round(text), Math.round(room), text <= room]",
            json!([]),
        )
        .await;
    assert_eq!(fits[2], json!(true), "the number's name is cut: [text px, room px] {fits}");
    assert!(page_width(&s).await <= 390, "the hours page is {} px wide", page_width(&s).await);
    s.screenshot("rtl-hours-ar-phone", false).await;
    open(&app, &s, "/app/tools/broadcasts").await;
    let option = s.eval("return document.querySelector('#phone_number_id option').textContent", json!([])).await;
    assert!(option.as_str().unwrap().starts_with("\u{2066}+"), "{option}");
    app.stop().await;
}
