//! The labels page in a real Chromium, in English and Arabic, wide and phone-sized: reached
//! from the top navigation; a name that is taken (in another case) said on the page with the
//! form kept; deleting asks first, and nothing is deleted when the answer is no. The business
//! hours' form refused in Arabic, in Arabic. Screenshots: `labels-*`, `hours-refused-ar`.

use risala_testkit::browser::Session;
use risala_testkit::{Engine, DEMO_OWNER_PASSWORD};
use serde_json::json;

use super::steps::{open, sign_in, submit, wait_url};
use super::{app, OWNER};

/// The text of the page's error alert.
async fn alert(s: &Session) -> String {
    s.find("[role=alert]").await.text().await
}

/// Answer the next confirmation with `yes`, keeping what it asked in `window.__asked`.
async fn answer_confirm(s: &Session, yes: bool) {
    s.eval(
        "var yes = arguments[0]; window.confirm = function (m) { window.__asked = m; return yes; }; return 1;",
        json!([yes]),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_page_from_the_navigation_says_why_and_asks_before_deleting() {
    let (_db, app) = app(Engine::Sqlite).await;
    let en = Session::start("en-US", 1280, 900).await;
    sign_in(&app, &en, OWNER, DEMO_OWNER_PASSWORD).await;
    en.find("header.top nav a[href='/app/labels']").await.click().await;
    wait_url(&en, "/app/labels").await;
    en.fill("label-name", "VIP").await;
    submit(&en, "form[action='/app/labels'] button[type=submit]").await;
    en.fill("label-name", "vip").await;
    submit(&en, "form[action='/app/labels'] button[type=submit]").await;
    let why = alert(&en).await;
    assert!(why.contains("VIP") && why.contains("exists already"), "{why}");
    assert_eq!(en.find("#label-name").await.attr("value").await.as_deref(), Some("vip"), "the name typed is kept");
    en.screenshot("labels-refused-en", false).await;
    en.resize(390, 844).await;
    en.screenshot("labels-refused-en-390", false).await;
    en.resize(1280, 900).await;

    // Deleting asks, naming the label; "no" deletes nothing, "yes" deletes it.
    answer_confirm(&en, false).await;
    en.find(".label-list form button[type=submit]").await.click().await;
    let asked = en.eval("return window.__asked || '';", json!([])).await;
    assert!(asked.as_str().unwrap().contains("It is taken off every conversation"), "{asked}");
    assert_eq!(en.count(".label-list li").await, 1);
    answer_confirm(&en, true).await;
    submit(&en, ".label-list form button[type=submit]").await;
    assert_eq!(en.count(".label-list li").await, 0);

    let ar = Session::start("ar", 390, 844).await;
    sign_in(&app, &ar, OWNER, DEMO_OWNER_PASSWORD).await;
    open(&app, &ar, "/app/labels").await;
    assert_eq!(ar.html_attr("dir").await, "rtl");
    ar.fill("label-name", "VIP").await;
    submit(&ar, "form[action='/app/labels'] button[type=submit]").await;
    ar.fill("label-name", "vip").await;
    submit(&ar, "form[action='/app/labels'] button[type=submit]").await;
    let why = alert(&ar).await;
    assert!(why.contains("يوجد تصنيف باسم") && why.contains("VIP"), "{why}");
    ar.screenshot("labels-refused-ar", true).await;
    ar.resize(1280, 900).await;
    ar.screenshot("labels-refused-ar-1280", false).await;

    // Business hours refused, in Arabic, the field as the form labels it.
    open(&app, &ar, "/app/console/hours").await;
    ar.fill("time_zone", "Mars/X").await;
    submit(&ar, "form.hours button[type=submit]").await;
    let why = alert(&ar).await;
    assert!(why.starts_with("المنطقة الزمنية:") && why.contains("Mars/X") && !why.contains("IANA"), "{why}");
    ar.screenshot("hours-refused-ar-1280", false).await;
    ar.resize(390, 844).await;
    ar.screenshot("hours-refused-ar", false).await;

    // A note of spaces: said in Arabic, the way back to the conversation.
    let alice = app.customer("15550001111", "Layla").await;
    alice.send(app.business_number(), json!({"type": "text", "text": {"body": "مرحبا"}})).await;
    open(&app, &ar, &super::inbox::chat_path(&app, "15550001111")).await;
    ar.fill("note", "   ").await;
    submit(&ar, "form[action$='/notes'] button").await;
    assert!(alert(&ar).await.contains("الملاحظة فارغة"), "{}", ar.text().await);
    assert_eq!(ar.count("a[href$='/15550001111']").await, 1, "the way back");
    ar.screenshot("note-refused-ar", false).await;
    app.stop().await;
}
