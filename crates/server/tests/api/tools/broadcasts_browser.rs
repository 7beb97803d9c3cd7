//! In Chromium: the owner fills the console's broadcast form (English), then watches a
//! broadcast to 1,000 recipients progress live on its page (the counts and the bar move with
//! no reload, told by the web app's event stream) until it completes; the page in Arabic on a
//! phone-sized screen. Screenshots `broadcasts-*.png`.

use std::time::{Duration, Instant};

use risala_testkit::browser::Session;
use risala_testkit::{Database, Engine, TestApp, DEMO_OWNER_PASSWORD};
use serde_json::{json, Value};

use crate::web::steps::{sign_in, wait_url};

/// The page's processed count and status, read in one script (the live part is replaced as
/// a whole, so an element found before may be gone).
async fn progress(s: &Session) -> (i64, String) {
    let v = s
        .eval(
            "var p = document.querySelector('[data-processed]'), st = document.querySelector('[data-status]'); \
             return [p ? p.textContent : '', st ? st.getAttribute('data-status') : ''];",
            json!([]),
        )
        .await;
    let n = v[0].as_str().unwrap_or("").chars().filter(char::is_ascii_digit).collect::<String>();
    (n.parse().unwrap_or(-1), v[1].as_str().unwrap_or("").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_to_1000_recipients_with_live_progress() {
    let db = Database::fresh(Engine::Sqlite).await.unwrap();
    let mut config = db.config();
    config.throughput_mps = 100;
    config.messaging_limit_tier = "TIER_UNLIMITED".into();
    let app = TestApp::start_with(config).await.unwrap();
    app.create_approved_templates(&[("eid_offer", "MARKETING", "Hello {{1}}, our Eid offer starts today.")]).await;

    let en = Session::start("en-US", 1280, 1000).await;
    sign_in(&app, &en, crate::web::OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&en, "/app/").await;
    en.goto(&app.url("/app/console")).await;
    en.find("a[href='/app/tools/broadcasts']").await.click().await;
    wait_url(&en, "/app/tools/broadcasts").await;
    // A small broadcast from the form: a CSV with a bad row, reported on its page.
    en.fill("name", "Form broadcast").await;
    en.find("#template option[value='eid_offer|en_US']").await.click().await;
    en.fill("csv", "phone,1\n+15557100001,Amal\nnot a number,X").await;
    en.screenshot("broadcasts-form-en", true).await;
    en.find(".broadcast-form button[type=submit]").await.click().await;
    for _ in 0..100 {
        if en.url().await.contains("/app/tools/broadcasts/") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = en.text().await;
    assert!(text.contains("Rows not imported") && text.contains("contains the character 'n'"), "{text}");

    // 1,000 recipients through the API; the page follows them live.
    let csv: String = std::iter::once("phone,1".to_string())
        .chain((0..1000).map(|n| format!("+1555720{n:04},C{n}")))
        .collect::<Vec<_>>()
        .join("\n");
    let body = json!({"name": "Eid offer", "template": {"name": "eid_offer", "language": {"code": "en_US"}},
                      "audience": {"csv": csv}});
    let (s, v): (u16, Value) = app.post(&format!("/tools/v1/{}/broadcasts", app.phone_number_id()), &body).await;
    assert_eq!((s, v["total"].as_i64()), (200, Some(1000)), "{v}");
    let id = v["id"].as_str().unwrap();
    en.goto(&app.url(&format!("/app/tools/broadcasts/{id}"))).await;
    // A mark on the page: it survives only if the page is never reloaded.
    en.eval("window.__kept = 1; return 1;", json!([])).await;
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut shot = false;
    loop {
        let (n, status) = progress(&en).await;
        if seen.last() != Some(&n) {
            seen.push(n);
        }
        if !shot && (300..800).contains(&n) {
            en.screenshot("broadcasts-progress-en", true).await;
            shot = true;
        }
        if n == 1000 && status == "completed" {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "progress stuck at {seen:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(seen.len() >= 5, "the count moved live in steps: {seen:?}");
    assert_eq!(en.eval("return window.__kept || 0;", json!([])).await, json!(1), "no reload");
    // The rest of the live part followed too: no Cancel for a completed broadcast, and no
    // recipient of the report's first rows still queued.
    let done = "return !document.querySelector('.broadcast-actions form[action$=\"/cancel\"]') && \
                document.querySelectorAll('table.report tbody tr').length > 0 && \
                !/Queued/.test(document.querySelector('table.report').textContent)";
    for _ in 0..50 {
        if en.eval(done, json!([])).await == json!(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(en.eval(done, json!([])).await, json!(true), "{}", en.text().await);
    // 1,000 at 100 a second take about 10 s.
    assert!(started.elapsed() >= Duration::from_secs(8), "{:?}", started.elapsed());
    en.screenshot("broadcasts-done-en", true).await;

    let ar = Session::start("ar", 375, 812).await;
    sign_in(&app, &ar, crate::web::OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&ar, "/app/").await;
    ar.goto(&app.url(&format!("/app/tools/broadcasts/{id}"))).await;
    assert_eq!((ar.html_attr("lang").await, ar.html_attr("dir").await), ("ar".into(), "rtl".into()));
    assert!(ar.text().await.contains("اكتملت"));
    ar.screenshot("broadcasts-done-ar", true).await;
    app.stop().await;
}
