//! Ads and Status in the customer page, in Chromium: a customer sees an ad in the Feed tab (an
//! impression counted), taps "Send message", the chat opens with the ad's text in the
//! composer, sends it, and the business's webhook gets Meta's referral; the business answers
//! free in the entry point window (the ledger says so). The Updates tab shows the business's
//! Status and a sponsored Status; a reply to the Status reaches the business with its context.
//! Screenshots in English, in Arabic (right to left) and at phone width.

use std::time::Duration;

use risala_testkit::browser::Session;
use risala_testkit::wait::eventually;
use risala_testkit::{text_message, Engine};
use serde_json::{json, Value};

use super::ads::{ads_path, spring_ad, PNG};
use crate::web::app;
use crate::webchat::browser::{inbound, sign_in, subscribe, tap, wait_for};

const CUSTOMER: &str = "201005550123";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_taps_an_ad_and_the_business_answers_free() {
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let media = app.upload("image/png", PNG).await;
    let mut body = spring_ad();
    body["media"] = json!({"type": "image", "id": media});
    let (s, ad) = app.post(&ads_path(&app), &body).await;
    assert_eq!(s, 200, "{ad}");
    let ad_id = ad["id"].as_str().unwrap().to_string();
    let mut sponsored = spring_ad();
    sponsored["placement"] = json!("status");
    sponsored["name"] = json!("Status promo");
    sponsored["headline"] = json!("New: sourdough");
    sponsored["media"] = json!({"type": "image", "id": media});
    assert_eq!(app.post(&ads_path(&app), &sponsored).await.0, 200);
    let status_path = format!("/tools/v1/{}/status", app.phone_number_id());
    let text = json!({"type": "text", "text": {"body": "Fresh bread at 7!", "background_color": "#7E57C2"}});
    let (s, status) = app.post(&status_path, &text).await;
    assert_eq!(s, 200, "{status}");
    let status_id = status["id"].as_str().unwrap().to_string();

    let s = Session::start("en", 1200, 860).await;
    sign_in(&s, &app, "/chat/", CUSTOMER, "Mona").await;

    // The feed shows the ad, counted as an impression.
    tap(&s, "#tab-feed").await;
    let card = format!("#ad-{ad_id}");
    wait_for(
        &s,
        "the ad in the feed",
        "return !!document.querySelector(arguments[0] + ' img.wc-ad-media')",
        json!([card]),
    )
    .await;
    let loaded =
        "var i = document.querySelector(arguments[0] + ' img'); return !!i && i.complete && i.naturalWidth > 0";
    wait_for(&s, "the ad's picture", loaded, json!([card])).await;
    let shown = s.find(&card).await.text().await;
    assert!(shown.contains("Fresh bread, 20% off") && shown.contains("Sponsored · Facebook"), "{shown}");
    let ad_path = format!("{}/{ad_id}", ads_path(&app));
    let insights = || async { app.get(&ad_path).await.1["insights"].clone() };
    eventually("the impression", Duration::from_secs(10), async || insights().await["impressions"] == 1).await.unwrap();
    s.screenshot("ads-feed", true).await;

    // Tapping opens the chat with the prefilled text; sending carries the referral.
    tap(&s, &format!("{card} .wc-ad-tap")).await;
    let composer =
        "return !document.getElementById('chat').hidden && document.getElementById('message').value === arguments[0]";
    wait_for(&s, "the chat with the ad's text", composer, json!(["Hi! I saw your spring sale."])).await;
    s.screenshot("ads-chat-opened", true).await;
    s.find("#send-button").await.click().await;
    assert!(rcv.wait_until(Duration::from_secs(10), |r| !inbound(r).is_empty()).await, "the first message");
    let first = inbound(&rcv)[0].clone();
    let base = app.url("");
    let clid = first["referral"]["ctwa_clid"].as_str().unwrap_or_default().to_string();
    assert!(clid.len() > 20, "{first}");
    assert_eq!(
        first["referral"],
        json!({"source_url": format!("{base}/wa/ads/{ad_id}"), "source_id": ad_id, "source_type": "ad",
               "body": "Order on WhatsApp and pick up today.", "headline": "Fresh bread, 20% off",
               "media_type": "image", "image_url": format!("{base}/wa/ads/{ad_id}/media"), "ctwa_clid": clid,
               "welcome_message": {"text": "Welcome! What would you like today?"}})
    );
    assert_eq!(first["text"]["body"], "Hi! I saw your spring sale.");
    // Only the first message carries it.
    s.fill("message", "Two loaves, please").await;
    s.find("#send-button").await.click().await;
    assert!(rcv.wait_until(Duration::from_secs(10), |r| inbound(r).len() >= 2).await, "the second message");
    assert_eq!(inbound(&rcv)[1].get("referral"), None);

    // The business answers: free, in the entry point window, once the page received it.
    let (st, v) = app
        .post(&format!("/v23.0/{}/messages", app.phone_number_id()), &text_message(CUSTOMER, "Welcome! Ready at 7."))
        .await;
    assert_eq!(st, 200, "{v}");
    let answer = v["messages"][0]["id"].as_str().unwrap().to_string();
    let ledger = || async {
        let rows = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
        rows.iter().map(|r| (r.message_id.clone(), r.pricing_type.clone(), r.amount_micros)).collect::<Vec<_>>()
    };
    eventually("the answer in the ledger", Duration::from_secs(10), async || !ledger().await.is_empty()).await.unwrap();
    assert_eq!(ledger().await, [(answer, "free_entry_point".to_string(), 0)]);
    let i: Value = insights().await;
    assert_eq!(
        (i["taps"].as_i64(), i["conversations"].as_i64(), i["spend"].as_i64()),
        (Some(1), Some(1), Some(150)),
        "{i}"
    );

    // The Updates tab: the business's Status (the customer has chatted with it) and a sponsored one.
    tap(&s, "#tab-updates").await;
    let status_card = format!("#status-{status_id}");
    wait_for(&s, "the Status", "return !!document.querySelector(arguments[0])", json!([status_card])).await;
    wait_for(
        &s,
        "the sponsored Status",
        "return document.querySelectorAll('#sponsored-list .wc-ad').length === 1",
        json!([]),
    )
    .await;
    let bg = s
        .eval("return getComputedStyle(document.querySelector(arguments[0])).backgroundColor", json!([status_card]))
        .await;
    assert_eq!(bg, "rgb(126, 87, 194)");
    s.screenshot("status-updates", true).await;

    // A reply to the Status reaches the business with context naming it.
    tap(&s, &format!("{status_card} .wc-status-reply")).await;
    wait_for(
        &s,
        "the chat",
        "return !document.getElementById('chat').hidden && !document.getElementById('reply-preview').hidden",
        json!([]),
    )
    .await;
    s.fill("message", "Is there rye too?").await;
    s.find("#send-button").await.click().await;
    assert!(rcv.wait_until(Duration::from_secs(10), |r| inbound(r).len() >= 3).await, "the reply");
    let reply = inbound(&rcv)[2].clone();
    assert_eq!(
        (&reply["context"], reply["text"]["body"].as_str()),
        (&json!({"from": app.business_number(), "id": status_id}), Some("Is there rye too?"))
    );

    // Arabic, right to left, at phone width.
    let ar = Session::start("ar", 390, 844).await;
    sign_in(&ar, &app, "/chat/?lang=ar", CUSTOMER, "Mona").await;
    assert_eq!(ar.html_attr("dir").await, "rtl");
    tap(&ar, "#tab-feed").await;
    wait_for(&ar, "the ad in the feed", "return document.getElementById('feed-pane').dataset.ready === '1'", json!([]))
        .await;
    let text = ar.find("#feed-pane").await.text().await;
    assert!(text.contains("ممول · فيسبوك") && text.contains("إرسال رسالة"), "{text}");
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth";
    assert_eq!(ar.eval(fits, json!([])).await, true, "the feed fits a phone");
    ar.screenshot("ads-feed-ar-phone", true).await;
    tap(&ar, "#tab-updates").await;
    wait_for(&ar, "the Status", "return !!document.querySelector(arguments[0])", json!([status_card])).await;
    assert_eq!(ar.eval(fits, json!([])).await, true, "the updates fit a phone");
    ar.screenshot("status-updates-ar-phone", true).await;
    app.stop().await;
}
