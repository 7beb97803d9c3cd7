//! The verified badge in a real Chromium: the operator signs in to the operator console with the
//! admin token and approves a business's request from the queue; the business receives
//! `OBA_APPROVED`; the customer then sees the green badge in the chat list, the chat header and
//! the business's info; the business's display-name change is refused. Screenshots:
//! `operator-badges-*`, `operator-criteria-en`, `webchat-badge-*`.

use std::time::Duration;

use risala_testkit::browser::Session;
use risala_testkit::{assert_graph_error, eventually, Engine, TestApp};
use serde_json::json;

use crate::web::steps::{submit, wait_for, wait_url};
use crate::webchat::browser::sign_in as customer_sign_in;

const ADMIN: &str = "operator-browser-token";
const CUSTOMER: &str = "15550004444";

async fn operator_sign_in(app: &TestApp, s: &Session) {
    s.goto(&app.url("/app/operator/badges")).await;
    wait_url(s, "/app/operator/sign-in").await;
    s.fill("token", ADMIN).await;
    submit(s, "form button[type=submit]").await;
    wait_url(s, "/app/operator/badges").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_approves_and_the_customer_sees_the_badge() {
    let db = risala_testkit::Database::fresh(Engine::Sqlite).await.unwrap();
    let mut config = db.config();
    config.admin_token = Some(ADMIN.into());
    let app = TestApp::start_with(config).await.unwrap();
    let phone = app.phone_number_id().to_string();
    let customer = app.customer(CUSTOMER, "Salma Nour").await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "Is this the real shop?"}})).await;
    app.post(&format!("/v23.0/{phone}"), &json!({"pin": "135790"})).await;
    app.post_as(&format!("/admin/v1/wabas/{}/settings", app.waba_id()), &json!({"verified": true}), Some(ADMIN)).await;
    app.advance_clock("31d").await;
    let body = json!({
        "business_website_url": "https://www.luckyshrub.com",
        "primary_country_of_operation": "United States of America",
        "primary_language": "English",
        "parent_business_or_brand": "Lucky Shrub LLC",
        "supporting_links": ["https://en.wikipedia.org/wiki/Lucky_Shrub", "https://www.pricklypages.com/2025/where-to-buy"],
        "additional_supporting_information": "We are also featured in Planet Succulent",
    });
    let (s, v) = app.post(&format!("/v23.0/{phone}/official_business_account"), &body).await;
    assert_eq!(s, 200, "{v}");

    // The operator's queue, in English and in Arabic, and the criteria.
    let ar = Session::start("ar", 1280, 1000).await;
    operator_sign_in(&app, &ar).await;
    wait_for(
        &ar,
        "the request in the queue",
        &format!("return !!document.querySelector('article[data-phone=\"{phone}\"]')"),
    )
    .await;
    assert_eq!(ar.html_attr("dir").await, "rtl");
    ar.screenshot("operator-badges-ar", true).await;
    let s = Session::start("en", 1280, 1000).await;
    operator_sign_in(&app, &s).await;
    let card = format!("article[data-phone=\"{phone}\"]");
    wait_for(&s, "the request in the queue", &format!("return !!document.querySelector('{card}')")).await;
    let checks = s.count(&format!("{card} table.checks tbody tr")).await;
    assert_eq!(checks, 5);
    let notability = s.find(&format!("{card} tr[data-criterion=notability]")).await.text().await;
    assert!(notability.contains("Met") && notability.contains("1 of 2 supporting links"), "{notability}");
    s.screenshot("operator-badges-en", true).await;
    s.goto(&app.url("/app/operator/criteria")).await;
    wait_for(&s, "the criteria form", "return !!document.getElementById('review_days')").await;
    s.screenshot("operator-criteria-en", true).await;

    // Approve from the queue.
    s.goto(&app.url("/app/operator/badges")).await;
    wait_for(&s, "the queue again", &format!("return !!document.querySelector('{card}')")).await;
    submit(&s, &format!("{card} form input[value=APPROVED] ~ button")).await;
    wait_url(&s, "/app/operator/badges?status=all&done=1").await;
    let text = s.text().await;
    assert!(text.contains("Decided: the business has been told.") && text.contains("Approved"), "{text}");
    eventually("the OBA_APPROVED webhook queued", Duration::from_secs(10), async || {
        app.outbox().await.iter().any(|(f, v)| f == "account_alerts" && v["alert_info"]["alert_type"] == "OBA_APPROVED")
    })
    .await
    .unwrap();

    // The customer: the badge in the chat list, the header and the business's info.
    let c = Session::start("en", 1280, 900).await;
    customer_sign_in(&c, &app, "/chat/", CUSTOMER, "Salma Nour").await;
    wait_for(
        &c,
        "the badge in the chat list",
        "return !!document.querySelector('#chat-list .chat-name .wc-official, ul.chats .chat-name .wc-official')",
    )
    .await;
    c.eval("document.querySelector('a[data-chat]').click()", json!([])).await;
    wait_for(&c, "the badge in the header", "return !!document.querySelector('#chat-name .wc-official')").await;
    let label = c
        .eval(
            "var b = document.querySelector('#chat-name .wc-official'); return b && b.getAttribute('aria-label')",
            json!([]),
        )
        .await;
    assert_eq!(label, "Official business account");
    c.screenshot("webchat-badge-en", true).await;
    c.eval("document.querySelector('#chat .chat-title').click()", json!([])).await;
    wait_for(&c, "the business's info with the badge", "var d = document.getElementById('wc-business-info'); return !!d && d.open && !!d.querySelector('.wc-official-note')").await;
    c.screenshot("webchat-badge-info-en", true).await;
    // Arabic, at phone width.
    let m = Session::start("ar", 390, 800).await;
    customer_sign_in(&m, &app, "/chat/", CUSTOMER, "Salma Nour").await;
    m.eval("document.querySelector('a[data-chat]').click()", json!([])).await;
    wait_for(&m, "the badge in the header", "return !!document.querySelector('#chat-name .wc-official')").await;
    let label = m
        .eval(
            "var b = document.querySelector('#chat-name .wc-official'); return b && b.getAttribute('aria-label')",
            json!([]),
        )
        .await;
    assert_eq!(label, "حساب تجاري رسمي");
    m.screenshot("webchat-badge-ar-phone", true).await;

    // The business's display-name change is refused now.
    let e = assert_graph_error(
        &app.post(&format!("/v23.0/{phone}"), &json!({"new_display_name": "Lucky Shrub Deals"})).await,
        400,
        100,
    );
    assert!(e["error_data"]["details"].as_str().unwrap().contains("is an official business account"), "{e}");
    app.stop().await;
}
