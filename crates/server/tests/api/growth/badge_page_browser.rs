//! The console's verified-badge page in a real Chromium: in English the owner reads what the
//! number lacks, then (made eligible) fills Meta's fields and sends the request, and the page
//! says it is under review; in Arabic, on a phone, the state and the requirements read right to
//! left and the page is no wider than the phone. Screenshots: `console-badge-*`.

use risala_testkit::browser::Session;
use risala_testkit::{Database, Engine, DEMO_OWNER_PASSWORD};
use serde_json::json;

use super::badge::{eligible, start};
use crate::web::browser::sign_in;
use crate::web::steps::{submit, wait_url};
use crate::web::OWNER;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_asks_for_the_badge_in_english_and_reads_it_in_arabic() {
    let db = Database::fresh(Engine::Sqlite).await.unwrap();
    let app = start(&db, 5).await;
    let id = app.phone_number_id().to_string();

    let en = Session::start("en-US", 1280, 900).await;
    sign_in(&app, &en, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&en, "/app/").await;
    en.goto(&app.url("/app/console")).await;
    submit(&en, "a[href='/app/console/badge']").await;
    let text = en.text().await;
    assert!(text.contains("Not requested") && text.contains("Two-step verification is off"), "{text}");
    en.screenshot("console-badge-missing-en", false).await;

    eligible(&app).await;
    // Sessions last 14 days on the clock.
    sign_in(&app, &en, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&en, "/app/").await;
    en.goto(&app.url("/app/console/badge")).await;
    assert!(en.text().await.contains("This number meets every requirement"));
    en.fill("business_website_url", "https://risala.example").await;
    en.fill("primary_country_of_operation", "Jordan").await;
    en.fill("supporting_links", "https://en.wikipedia.org/wiki/Risala_Repairs").await;
    en.screenshot("console-badge-form-en", false).await;
    submit(&en, "#badge-submit").await;
    wait_url(&en, &format!("/app/console/badge?number={id}&sent=1")).await;
    let text = en.text().await;
    assert!(text.contains("Your request was sent") && text.contains("Under review"), "{text}");
    en.screenshot("console-badge-pending-en", true).await;
    en.resize(390, 844).await;
    let width = en.eval("return document.documentElement.scrollWidth", json!([])).await;
    assert!(width.as_i64().unwrap_or(9999) <= 390, "the page is {width} px wide on a 390 px phone");
    en.screenshot("console-badge-en-phone", false).await;
    let (_, v) = app.get(&format!("/v23.0/{id}/official_business_account")).await;
    assert_eq!(v["oba_status"], "PENDING", "{v}");

    let ar = Session::start("ar", 390, 844).await;
    sign_in(&app, &ar, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&ar, "/app/").await;
    ar.goto(&app.url("/app/console/badge")).await;
    assert_eq!(ar.html_attr("dir").await, "rtl");
    let text = ar.text().await;
    assert!(text.contains("شارة التوثيق") && text.contains("قيد المراجعة"), "{text}");
    let width = ar.eval("return document.documentElement.scrollWidth", json!([])).await;
    assert!(width.as_i64().unwrap_or(9999) <= 390, "the page is {width} px wide on a 390 px phone");
    ar.screenshot("console-badge-ar-phone", true).await;
    ar.resize(1280, 900).await;
    ar.screenshot("console-badge-ar", false).await;
    app.stop().await;
}
