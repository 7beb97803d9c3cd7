//! The web app in a real Chromium (headless, through chromedriver): signing in in English and
//! in Arabic (right to left, on a phone-sized screen), a wrong password and the limit on
//! failures, signing out, inviting an agent who accepts and signs in, and what an agent may
//! not open. Screenshots go to `target/screenshots/` (and the book's with
//! `RISALA_WRITE_SCREENSHOTS=1`).

use risala_core::model::Customer;
use risala_testkit::browser::Session;
use risala_testkit::{text_message, Engine, TestApp, DEMO_OWNER_PASSWORD};

use super::steps::{wait_for, wait_url};
use super::{app, last_link, OWNER};

/// Fill in and send the sign-in form (whatever comes of it).
pub async fn sign_in(app: &TestApp, s: &Session, email: &str, password: &str) {
    s.goto(&app.url("/app/sign-in")).await;
    s.fill("email", email).await;
    s.fill("password", password).await;
    s.find("form button[type=submit]").await.click().await;
}

/// A few chats, so that the list has something to show.
async fn conversations(app: &TestApp) {
    for (wa_id, name) in [("15550001111", "Layla Haddad"), ("15550003333", "عمر")] {
        let c = Customer { wa_id: wa_id.into(), profile_name: name.into(), created_at: 0 };
        app.state.store.upsert_customer(&c, true).await.unwrap();
    }
    for (to, body) in [("15550001111", "Your order #1042 is ready"), ("15550003333", "مرحبا، طلبك جاهز")]
    {
        let (s, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &text_message(to, body)).await;
        assert_eq!(s, 200, "{v}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_signs_in_in_english_and_in_arabic() {
    let (_db, app) = app(Engine::Sqlite).await;
    conversations(&app).await;

    let en = Session::start("en-US", 1280, 800).await;
    en.goto(&app.url("/")).await;
    wait_url(&en, "/app/sign-in").await;
    assert_eq!((en.html_attr("lang").await, en.html_attr("dir").await), ("en".into(), "ltr".into()));
    en.screenshot("sign-in-en", true).await;
    sign_in(&app, &en, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&en, "/app/").await;
    let text = en.text().await;
    assert!(text.contains("Chats") && text.contains("Layla Haddad") && text.contains("عمر"), "{text}");
    assert_eq!(en.count("ul.chats li").await, 2);
    assert!(text.contains("+15550001111") && text.contains("Risala Demo"), "{text}");
    en.screenshot("chats-en", true).await;
    en.find("ul.chats li a").await.click().await;
    wait_url(&en, "/15550003333").await;
    assert!(en.text().await.contains("مرحبا، طلبك جاهز"));
    en.screenshot("chat-en", true).await;
    en.goto(&app.url("/app/people")).await;
    assert!(en.text().await.contains("Invite someone"));
    en.screenshot("people-en", true).await;

    // Arabic from the browser's language, on a phone-sized screen.
    let ar = Session::start("ar", 375, 812).await;
    sign_in(&app, &ar, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&ar, "/app/").await;
    assert_eq!((ar.html_attr("lang").await, ar.html_attr("dir").await), ("ar".into(), "rtl".into()));
    let text = ar.text().await;
    assert!(text.contains("المحادثات") && text.contains("تسجيل الخروج"), "{text}");
    assert!(text.contains("+١٥٥٥٠٠٠١١١١"), "numbers in Arabic digits: {text}");
    // Nothing wider than the screen.
    let overflow = ar.eval("return document.documentElement.scrollWidth", serde_json::json!([])).await;
    assert!(overflow.as_u64().unwrap() <= 375, "the page is {overflow} px wide");
    ar.screenshot("chats-ar", true).await;

    // Switching the language in the page.
    en.goto(&app.url("/app/")).await;
    en.find("a.lang").await.click().await;
    wait_url(&en, "/app/").await;
    assert_eq!(en.html_attr("dir").await, "rtl");
    assert!(en.text().await.contains("المحادثات"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_refused_then_limited_and_signing_out_works() {
    let (_db, app) = app(Engine::Sqlite).await;
    let s = Session::start("en", 1024, 768).await;
    let (burst, _, _) = risala_core::accounts::FAILURES_PER_EMAIL;
    // `sign_in` opens a fresh form (no alert) first, so an alert means the answer has loaded.
    let answered = "return !!document.querySelector('[role=alert]')";
    for _ in 0..burst {
        sign_in(&app, &s, OWNER, "not the password").await;
        wait_for(&s, "the refusal", answered).await;
        wait_url(&s, "/app/sign-in").await;
        let alert = s.find("[role=alert]").await.text().await;
        assert_eq!(alert, "The email or password is wrong.");
    }
    s.screenshot("sign-in-error", false).await;
    // Past the limit even the right password waits.
    sign_in(&app, &s, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_for(&s, "the refusal", answered).await;
    wait_url(&s, "/app/sign-in").await;
    let alert = s.find("[role=alert]").await.text().await;
    assert!(alert.starts_with("Too many failed sign-ins. Try again in"), "{alert}");
    s.screenshot("sign-in-limited", false).await;
    app.advance_clock("4m").await;
    sign_in(&app, &s, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&s, "/app/").await;

    s.find("header form button").await.click().await;
    wait_url(&s, "/app/sign-in").await;
    s.goto(&app.url("/app/")).await;
    wait_url(&s, "/app/sign-in").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_agent_accepts_signs_in_and_cannot_open_people() {
    let (_db, app) = app(Engine::Sqlite).await;
    let owner = Session::start("en", 1280, 800).await;
    sign_in(&app, &owner, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&owner, "/app/").await;
    owner.goto(&app.url("/app/people")).await;
    owner.fill("email", "sara@demo.test").await;
    owner.find("form[action='/app/people/invite'] button").await.click().await;
    wait_url(&owner, "/app/people/invite").await;
    assert_eq!(owner.find("[role=status]").await.text().await, "Invitation sent to sara@demo.test.");
    assert!(owner.text().await.contains("Pending invitations"));
    owner.screenshot("people-invited", true).await;

    let link = last_link(&app, "sara@demo.test", "invitation");
    let agent = Session::start("ar", 375, 812).await;
    agent.goto(&link).await;
    assert!(agent.text().await.contains("Risala Demo Business"));
    agent.screenshot("invite-ar", true).await;
    agent.fill("name", "سارة").await;
    agent.fill("password", "sara-password-1").await;
    agent.find("form button[type=submit]").await.click().await;
    wait_url(&agent, "/app/").await;
    assert_eq!(agent.count("a[href='/app/people']").await, 0, "no People link for an agent");
    agent.goto(&app.url("/app/people")).await;
    assert!(agent.text().await.contains("غير مسموح"), "the 403 page, in Arabic");

    // Signed out, the agent signs in with the chosen password.
    agent.goto(&app.url("/app/")).await;
    agent.find("header form button").await.click().await;
    wait_url(&agent, "/app/sign-in").await;
    sign_in(&app, &agent, "sara@demo.test", "sara-password-1").await;
    wait_url(&agent, "/app/").await;

    // The owner sees Sara as an agent.
    owner.goto(&app.url("/app/people")).await;
    let text = owner.text().await;
    assert!(text.contains("سارة") && text.contains("sara@demo.test"), "{text}");
}
