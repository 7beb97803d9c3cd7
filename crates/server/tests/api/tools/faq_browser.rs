//! The FAQ page in a real Chromium: an owner adds a question with keywords and an Arabic
//! phrasing, sees a refused one explained, tries a question and changes the settings; the page
//! in Arabic on a phone-sized screen. Screenshots `faq-en` and `faq-ar` (the docs' FAQ chapter).

use risala_testkit::browser::Session;
use risala_testkit::{Engine, DEMO_OWNER_PASSWORD};

use crate::web::steps::{sign_in, wait_url};
use crate::web::{app, OWNER};

/// Empty a field, then type `value` into it.
async fn set(s: &Session, id: &str, value: &str) {
    s.eval("document.getElementById(arguments[0]).value = ''", serde_json::json!([id])).await;
    s.fill(id, value).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_builds_the_faq_in_the_console() {
    let (_db, app) = app(Engine::Sqlite).await;
    let s = Session::start("en-US", 1280, 1000).await;
    sign_in(&app, &s, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&s, "/app/").await;
    s.goto(&app.url("/app/console")).await;
    s.find("nav.tabs a[href='/app/console/faq']").await.click().await;
    wait_url(&s, "/app/console/faq").await;
    assert!(s.text().await.contains("No questions yet"));

    // A question with no word to match is refused, with the reason, and what was typed kept.
    s.fill("question", "What is it?").await;
    s.fill("answer", "Bread.").await;
    s.find("form.faq-form button[type=submit]").await.click().await;
    wait_url(&s, &format!("/app/console/faq/{}", app.phone_number_id())).await;
    let text = s.text().await;
    assert!(text.contains("no word to match"), "{text}");
    assert_eq!(s.find("#answer").await.text().await, "Bread.");

    for (question, answer, keywords, phrasings) in [
        (
            "What are your opening hours?",
            "Every day from 7 am to 10 pm.",
            "hours, open, دوام",
            "When do you open?\nمتى تفتحون؟",
        ),
        ("Do you deliver?", "Yes, within the city in 45 minutes.", "delivery, توصيل", "هل يوجد توصيل؟"),
    ] {
        // From a page without `saved=1`, so that waiting for it waits for this save.
        s.goto(&app.url("/app/console/faq")).await;
        set(&s, "question", question).await;
        set(&s, "answer", answer).await;
        set(&s, "keywords", keywords).await;
        set(&s, "phrasings", phrasings).await;
        s.find("form.faq-form button[type=submit]").await.click().await;
        wait_url(&s, "saved=1").await;
    }
    assert_eq!(s.count("table.faq tbody tr").await, 2);
    assert!(s.text().await.contains("What are your opening hours?"));

    // Tried, not sent.
    s.fill("q", "متى تفتحون اليوم؟").await;
    s.find("#try-h ~ form button[type=submit]").await.click().await;
    wait_url(&s, "%9F").await;
    let first = s.find("ol.trials li").await.text().await;
    assert!(first.contains("What are your opening hours?") && first.contains("answered"), "{first}");

    // The settings saved, and read back through the API.
    s.goto(&app.url("/app/console/faq")).await;
    set(&s, "threshold", "60").await;
    s.fill("handoff_button", "Agent please").await;
    s.find("form.faq-settings button[type=submit]").await.click().await;
    wait_url(&s, "saved=1").await;
    assert_eq!(s.find("#threshold").await.attr("value").await.as_deref(), Some("60"));
    s.eval("window.scrollTo(0, 0)", serde_json::json!([])).await;
    s.screenshot("faq-en", true).await;
    let (_, v) = app.get(&format!("/tools/v1/{}/faq/settings", app.phone_number_id())).await;
    assert_eq!(
        (v["threshold"].clone(), v["handoff_button"].clone()),
        (serde_json::json!(60), serde_json::json!("Agent please"))
    );

    // Arabic, on a phone-sized screen: nothing wider than the screen.
    let ar = Session::start("ar", 375, 812).await;
    sign_in(&app, &ar, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&ar, "/app/").await;
    ar.goto(&app.url(
        "/app/console/faq?q=%D9%87%D9%84%20%D8%B9%D9%86%D8%AF%D9%83%D9%85%20%D8%AA%D9%88%D8%B5%D9%8A%D9%84%D8%9F",
    ))
    .await;
    assert_eq!(ar.html_attr("dir").await, "rtl");
    let text = ar.text().await;
    assert!(text.contains("الإجابات التلقائية") && text.contains("جرّب سؤالاً"), "{text}");
    let overflow = ar.eval("return document.documentElement.scrollWidth", serde_json::json!([])).await;
    assert!(overflow.as_u64().unwrap() <= 375, "the page is {overflow} px wide");
    ar.screenshot("faq-ar", true).await;
}
