//! The console's ads and Status page in Chromium: an owner creates an ad (a wrong currency is
//! told, the form kept), sees it with its figures after a customer's tap and conversation,
//! pauses and resumes it, and posts a text Status; the page in Arabic at phone width.
//! Screenshots `ads-console-en` and `ads-console-ar` (the Ads chapter).

use risala_testkit::browser::Session;
use risala_testkit::{Engine, DEMO_OWNER_PASSWORD};
use serde_json::json;

use super::ads::ads_path;
use crate::web::steps::{sign_in, submit, wait_url};
use crate::web::{app, OWNER};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_runs_an_ad_and_posts_a_status_in_the_console() {
    let (_db, app) = app(Engine::Sqlite).await;
    let s = Session::start("en-US", 1280, 1000).await;
    sign_in(&app, &s, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&s, "/app/").await;
    s.goto(&app.url("/app/console")).await;
    s.find("nav.tabs a[href='/app/console/ads']").await.click().await;
    wait_url(&s, "/app/console/ads").await;
    assert!(s.text().await.contains("No ads yet."));

    // A wrong currency: the service's reason in words (the field as labelled, the value set
    // apart), the form kept.
    s.fill("ad-name", "Spring sale").await;
    s.fill("ad-headline", "Fresh bread, 20% off").await;
    s.fill("ad-body", "Order on WhatsApp and pick up today.").await;
    s.fill("ad-prefilled", "Hi! I saw your spring sale.").await;
    s.eval("document.getElementById('ad-currency').value = 'us'", json!([])).await;
    s.fill("ad-countries", "20, 1").await;
    submit(&s, "#ad-new-h ~ form button[type=submit]").await;
    let text = s.text().await;
    assert!(
        text.contains("Currency: \u{2068}us\u{2069} is not a currency code; write one such as USD or SAR."),
        "{text}"
    );
    assert_eq!(s.find("#ad-name").await.attr("value").await.as_deref(), Some("Spring sale"));
    s.eval("document.getElementById('ad-currency').value = 'EGP'", json!([])).await;
    submit(&s, "#ad-new-h ~ form button[type=submit]").await;
    assert!(s.url().await.ends_with("done=created"), "{}", s.url().await);
    let (_, list) = app.get(&ads_path(&app)).await;
    let ad = &list["data"][0];
    assert_eq!(
        (&ad["target"], &ad["budget"], &ad["cost"]),
        (
            &json!({"countries": ["20", "1"]}),
            &json!({"amount": 5000, "currency": "EGP"}),
            &json!({"per": "conversation", "amount": 100})
        )
    );
    let id = ad["id"].as_str().unwrap().to_string();

    // A customer taps and writes: the figures show it.
    let c = app.customer("201005550123", "Mona").await;
    let (_, tap) = c.post(&format!("/customer/v1/ads/{id}/tap"), &json!({})).await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "Hi"}, "referral": tap["referral"]})).await;
    s.goto(&app.url("/app/console/ads")).await;
    let row = s.find(&format!("tr[data-ad='{id}']")).await.text().await;
    assert!(row.contains("Active") && row.contains("1.00 EGP / 50.00 EGP"), "{row}");

    // Paused, then resumed.
    submit(&s, &format!("tr[data-ad='{id}'] button")).await;
    assert!(s.find(&format!("tr[data-ad='{id}']")).await.text().await.contains("Paused"));
    assert_eq!(app.get(&format!("{}/{id}", ads_path(&app))).await.1["status"], "PAUSED");
    submit(&s, &format!("tr[data-ad='{id}'] button")).await;
    assert!(s.find(&format!("tr[data-ad='{id}']")).await.text().await.contains("Active"));

    // A text Status.
    s.fill("status-text", "Fresh bread at 7!").await;
    submit(&s, "#status-h ~ form button[type=submit]").await;
    assert!(s.url().await.ends_with("done=posted"));
    let (_, v) = app.get(&format!("/tools/v1/{}/status", app.phone_number_id())).await;
    assert_eq!(v["data"][0]["text"], json!({"body": "Fresh bread at 7!", "background_color": "#128C7E"}));
    assert!(s.find("ul.status-list").await.text().await.contains("Fresh bread at 7!"));
    s.eval("window.scrollTo(0, 0)", json!([])).await;
    s.screenshot("ads-console-en", true).await;

    // Arabic at phone width: nothing wider than the screen but the tables' own scrollers.
    let ar = Session::start("ar", 390, 844).await;
    sign_in(&app, &ar, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&ar, "/app/").await;
    ar.goto(&app.url("/app/console/ads")).await;
    assert_eq!(ar.html_attr("dir").await, "rtl");
    let text = ar.text().await;
    assert!(text.contains("الإعلانات والحالة") && text.contains("إعلان جديد"), "{text}");
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth";
    assert_eq!(ar.eval(fits, json!([])).await, true, "the page fits a phone");
    ar.screenshot("ads-console-ar", true).await;
    app.stop().await;
}
