//! The owners' console over HTTP: numbers with quality, limit and throughput; templates listed
//! and created from the form (preview, Meta's validation errors, the review's answer, the same
//! template the Graph API lists); webhook deliveries and sending one again; usage for a month.
//! Agents get 403, another business's delivery is not found, every action needs the session's
//! CSRF token. On SQLite and PostgreSQL.

use std::time::Duration;

use risala_core::model::Role;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{engine_test, text_message, Engine, TestApp};
use serde_json::json;

use super::{app, Web};
use crate::support::{customer_in_window, send_ok, CUSTOMER};

const PAGES: &[&str] = &["/app/console", "/app/console/templates", "/app/console/webhooks", "/app/console/usage"];

async fn subscribe(app: &TestApp, rcv: &WebhookReceiver) {
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": "vt", "fields": "messages"});
    let (s, b) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &body).await;
    assert_eq!(s, 200, "{b}");
}

/// An agent of the demo business, signed in.
async fn agent(app: &TestApp) -> Web {
    let biz = app.demo.ids.business_id.clone();
    app.state.accounts.create_user(&biz, "agent@demo.test", "Agent", "agent-password-0123", Role::Agent).await.unwrap();
    Web::signed_in(app, "agent@demo.test", "agent-password-0123").await
}

async fn console(engine: Engine) {
    let (_db, app) = app(engine).await;
    let mut rcv = WebhookReceiver::start("vt").await.unwrap();
    subscribe(&app, &rcv).await;
    let mut owner = Web::owner(&app).await;
    let csrf = owner.csrf().await;

    // Numbers: the demo number, its quality and the business's limit.
    let p = owner.get("/app/console").await;
    assert_eq!(p.status, 200, "{}", p.body);
    for want in [app.business_number(), "GREEN", "TIER_", "Messaging limit", "STANDARD"] {
        assert!(p.body.contains(want), "{want} not on the numbers page: {}", p.body);
    }

    // Templates: the seeded one is listed; the form previews, refuses with Meta's reason,
    // creates through review, and the Graph API lists what the form made.
    // A template review rejected: its reason said in words, Meta's code beside it.
    let bad = json!({"name": "starts_with_a_variable", "language": "en_US", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "{{1}}, your order has shipped.", "example": {"body_text": [["Ann"]]}}]});
    let (s, v) = app.post(&format!("/v23.0/{}/message_templates", app.waba_id()), &bad).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("REJECTED")), "{v}");
    let p = owner.get("/app/console/templates").await;
    assert!(p.body.contains("hello_world"), "{}", p.body);
    assert!(p.body.contains("<bdi>Invalid format (INVALID_FORMAT)</bdi>"), "{}", p.body);
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("waba_id", app.waba_id()),
        ("name", "order_ready"),
        ("language", "en_US"),
        ("category", "UTILITY"),
        ("header", ""),
        ("body", "Hi {{1}}, your order {{2}} is ready."),
        ("footer", "Risala Repairs"),
        ("action", "preview"),
    ];
    let p = owner.post("/app/console/templates", &form).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains(r#"name="example_1""#) && p.body.contains(r#"name="example_2""#), "{}", p.body);
    // Submitted without the examples: nothing is stored (review would reject it); the form
    // asks for them, keeping what was typed.
    let mut bare = form.clone();
    *bare.iter_mut().find(|f| f.0 == "action").unwrap() = ("action", "create");
    let p = owner.post("/app/console/templates", &bare).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(
        p.body.contains("Give an example for each variable") && p.body.contains("your order {{2}} is ready"),
        "{}",
        p.body
    );
    let (_, none) = app.get(&format!("/v23.0/{}/message_templates?name=order_ready", app.waba_id())).await;
    assert_eq!(none["data"], json!([]), "nothing stored: {none}");
    form.extend([("example_1", "Layla"), ("example_2", "#1042")]);
    let p = owner.post("/app/console/templates", &form).await;
    assert!(p.body.contains("Hi Layla, your order #1042 is ready."), "the preview: {}", p.body);
    *form.iter_mut().find(|f| f.0 == "action").unwrap() = ("action", "create");
    *form.iter_mut().find(|f| f.0 == "name").unwrap() = ("name", "Order Ready!");
    let p = owner.post("/app/console/templates", &form).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains("role=\"alert\"") && p.body.contains("name"), "Meta's reason is shown: {}", p.body);
    *form.iter_mut().find(|f| f.0 == "name").unwrap() = ("name", "order_ready");
    let p = owner.post("/app/console/templates", &form).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let created = p.location().to_string();
    assert!(created.starts_with("/app/console/templates?created="), "{created}");
    let p = owner.get(&created).await;
    assert!(p.body.contains("Template order_ready was submitted"), "{}", p.body);
    let (s, list) = app.get(&format!("/v23.0/{}/message_templates?name=order_ready", app.waba_id())).await;
    assert_eq!(s, 200);
    assert_eq!(list["data"][0]["components"][0]["example"]["body_text"], json!([["Layla", "#1042"]]), "{list}");
    assert_eq!(list["data"][0]["components"][1]["text"], "Risala Repairs");

    // Webhooks: a message's status reaches the receiver; the console lists the delivery and
    // sends it again.
    let c = customer_in_window(&app).await;
    let wamid = send_ok(&app, text_message(CUSTOMER, "Your phone is repaired")).await;
    assert_eq!(c.ack(&wamid, "delivered").await.0, 200);
    assert!(rcv.wait_accepted(2, Duration::from_secs(10)).await, "webhooks delivered");
    let p = owner.get("/app/console/webhooks?state=delivered").await;
    assert_eq!(p.status, 200);
    let id = p.body.split("data-delivery=\"").nth(1).map(|s| s.split('"').next().unwrap().to_string());
    let id = id.unwrap_or_else(|| panic!("no delivered row: {}", p.body));
    let before = rcv.accepted().len();
    let p = owner.post(&format!("/app/console/webhooks/{id}/replay"), &[("csrf", &csrf)]).await;
    assert_eq!((p.status, p.location()), (303, "/app/console/webhooks?replayed=1"), "{}", p.body);
    assert!(rcv.wait_accepted(before + 1, Duration::from_secs(10)).await, "sent again");
    let p = owner.post("/app/console/webhooks/999999999/replay", &[("csrf", &csrf)]).await;
    assert_eq!(p.status, 404, "an unknown delivery");
    assert_eq!(owner.post(&format!("/app/console/webhooks/{id}/replay"), &[]).await.status, 403, "no CSRF token");

    // Usage: the month's messages of the account.
    let waba = app.waba_id().to_string();
    risala_testkit::wait::eventually("the message is in the ledger", Duration::from_secs(10), async || {
        !app.state.store.ledger(&waba, 0, i64::MAX).await.unwrap().is_empty()
    })
    .await
    .unwrap();
    let p = owner.get("/app/console/usage").await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(
        p.body.contains(&format!("data-waba=\"{waba}\"")) && p.body.contains("<td><bdi>Service (service)</bdi></td>"),
        "{}",
        p.body
    );
    assert_eq!(owner.get("/app/console/usage?month=2026-13").await.status, 400, "not a month");
    let p = owner.get("/app/console/usage?month=1999-01").await;
    assert!(p.body.contains("No messages were priced this month."), "{}", p.body);

    // An agent answers customers; the console is not theirs.
    let mut agent = agent(&app).await;
    for path in PAGES {
        assert_eq!(agent.get(path).await.status, 403, "agent GET {path}");
    }
    let agent_csrf = agent.csrf().await;
    assert_eq!(agent.post(&format!("/app/console/webhooks/{id}/replay"), &[("csrf", &agent_csrf)]).await.status, 403);
    // Their menu leads to the contacts, which they read (`tools::contacts_read`), not the console.
    let home = agent.get("/app/").await.body;
    assert!(!home.contains("href=\"/app/console\""), "no console link for an agent");
    assert!(home.contains("href=\"/app/console/contacts\""), "the contacts for an agent: {home}");

    // In Arabic, right to left, numbers in Arabic-Indic digits kept left to right.
    owner.lang = "ar";
    let p = owner.get("/app/console").await;
    assert!(p.body.contains(r#"dir="rtl""#) && p.body.contains("حد المراسلة"), "{}", p.body);
    assert!(p.body.contains(r#"<bdi dir="ltr">+١٥٥٥"#), "{}", p.body);
    // Meta's words for the limit, the rating and the status are said in Arabic, kept beside.
    for want in ["٢٥٠ عميلًا في اليوم (TIER_250)", "مرتفعة (GREEN)", "متصل (CONNECTED)"] {
        assert!(p.body.contains(want), "{want} not in {}", p.body);
    }
    rcv.stop().await;
    app.stop().await;
}
engine_test!(the_owner_runs_the_business_from_the_console, super::console);

#[tokio::test]
async fn the_console_needs_a_session_and_is_scoped_to_the_business() {
    let (_db, app) = app(Engine::Sqlite).await;
    let mut web = Web::new(&app);
    for path in PAGES {
        let p = web.get(path).await;
        assert_eq!((p.status, p.location()), (303, "/app/sign-in"), "GET {path}");
    }
    for path in ["/app/console/templates", "/app/console/webhooks/1/replay", "/app/console/webhooks/replay-dead"] {
        assert_eq!(web.post(path, &[("csrf", "x")]).await.status, 401, "POST {path}");
    }
    // Another business's owner sees none of the demo business's templates or deliveries, and
    // cannot create a template in the demo business's account.
    let other = app.state.tenancy.create_business("Other shop").await.unwrap();
    app.state
        .accounts
        .create_user(&other.id, "owner@other.test", "Other", "other-password-0123", Role::Owner)
        .await
        .unwrap();
    let mut them = Web::signed_in(&app, "owner@other.test", "other-password-0123").await;
    let p = them.get("/app/console/templates").await;
    assert_eq!(p.status, 200);
    assert!(!p.body.contains("hello_world"), "{}", p.body);
    let csrf = them.csrf().await;
    let form = [
        ("csrf", csrf.as_str()),
        ("waba_id", app.waba_id()),
        ("name", "stolen"),
        ("language", "en_US"),
        ("category", "UTILITY"),
        ("body", "Hello there."),
        ("action", "create"),
    ];
    assert_eq!(them.post("/app/console/templates", &form).await.status, 404);
    let (_, list) = app.get(&format!("/v23.0/{}/message_templates?name=stolen", app.waba_id())).await;
    assert_eq!(list["data"], json!([]));
    app.stop().await;
}

/// In Chromium: the owner opens the console, types a template whose preview follows the typing,
/// submits it and sees it listed; the same pages in Arabic on a phone-sized screen. Screenshots
/// `console-*.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_in_a_browser_in_english_and_arabic() {
    use risala_testkit::browser::Session;

    use super::browser::sign_in;
    use super::steps::{submit, wait_for, wait_text_in, wait_url};
    use risala_testkit::DEMO_OWNER_PASSWORD;

    let (_db, app) = app(Engine::Sqlite).await;

    let en = Session::start("en-US", 1280, 900).await;
    sign_in(&app, &en, super::OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&en, "/app/").await;
    submit(&en, "a[href='/app/console']").await;
    let text = en.text().await;
    assert!(text.contains("Messaging limit") && text.contains("GREEN"), "{text}");
    en.screenshot("console-numbers-en", true).await;

    en.goto(&app.url("/app/console/templates")).await;
    en.fill("name", "pickup_ready").await;
    en.fill("body", "Hi {{1}}, your device is ready for pickup.").await;
    submit(&en, "button[value=preview]").await;
    en.fill("example_1", "Layla").await;
    // The preview follows the typing.
    wait_text_in(&en, "[data-preview]", "Hi Layla, your device is ready for pickup.").await;
    assert_eq!(en.find("[data-preview]").await.text().await, "Hi Layla, your device is ready for pickup.");
    en.screenshot("console-template-form-en", true).await;
    en.find("button[value=create]").await.click().await;
    wait_for(&en, "the template listed", "return !!document.querySelector('tr[data-template=pickup_ready]')").await;
    assert!(en.url().await.contains("/app/console/templates?created="), "{}", en.url().await);
    assert!(en.text().await.contains("Template pickup_ready was submitted"));
    en.goto(&app.url("/app/console/usage")).await;
    assert!(en.text().await.contains("Usage and invoices"));

    let ar = Session::start("ar", 375, 812).await;
    sign_in(&app, &ar, super::OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&ar, "/app/").await;
    ar.goto(&app.url("/app/console/templates")).await;
    assert_eq!((ar.html_attr("lang").await, ar.html_attr("dir").await), ("ar".into(), "rtl".into()));
    assert!(ar.text().await.contains("القوالب"));
    ar.screenshot("console-templates-ar", true).await;
    app.stop().await;
}
