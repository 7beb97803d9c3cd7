//! The contacts page in a real Chromium: an owner defines a choice field, adds a contact,
//! records an opt-in, imports CSV with a rejected row and reads why; the page in Arabic on a
//! phone-sized screen. Screenshots `contacts-en` and `contacts-ar` (the docs' contacts chapter).

use risala_testkit::browser::Session;
use risala_testkit::{Engine, DEMO_OWNER_PASSWORD};

use crate::web::steps::{sign_in, wait_url};
use crate::web::{app, OWNER};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_keeps_contacts_in_the_console() {
    let (_db, app) = app(Engine::Sqlite).await;
    let s = Session::start("en-US", 1280, 1000).await;
    sign_in(&app, &s, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&s, "/app/").await;
    s.goto(&app.url("/app/console")).await;
    s.find("nav.tabs a[href='/app/console/contacts']").await.click().await;
    wait_url(&s, "/app/console/contacts").await;
    assert!(s.text().await.contains("No contacts yet."));

    // A field, then a contact using it.
    s.fill("key", "tier").await;
    s.fill("label", "Loyalty tier").await;
    s.eval("document.getElementById('kind').value = 'choice'", serde_json::json!([])).await;
    s.fill("options", "gold, silver").await;
    s.find("form.field-form button[type=submit]").await.click().await;
    wait_url(&s, "saved=1").await;
    s.goto(&app.url("/app/console/contacts")).await;
    s.fill("wa_id", "+15550001111").await;
    s.fill("name", "Layla Haddad").await;
    s.eval("document.getElementById('field_tier').value = 'gold'", serde_json::json!([])).await;
    s.find("form.contact-form button[type=submit]").await.click().await;
    wait_url(&s, "saved=1").await;
    let row = s.find("tr[data-contact='15550001111']").await.text().await;
    assert!(row.contains("Layla Haddad") && row.contains("gold"), "{row}");

    // An opt-in with its source.
    s.find("tr[data-contact='15550001111'] a").await.click().await;
    wait_url(&s, "edit=15550001111#contact-h").await;
    s.fill("source", "website_form").await;
    s.find("form.opt-in-form button[type=submit]").await.click().await;
    wait_url(&s, "saved=1#contact-h").await;
    assert!(s.find("ul.opt-ins").await.text().await.contains("website_form"));

    // An import: one row created, one rejected with its reason.
    s.goto(&app.url("/app/console/contacts")).await;
    s.fill("csv", "wa_id,name,tier\n15550002222,Omar,silver\n15550003333,Sara,bronze\n").await;
    s.find("form.import-form button[type=submit]").await.click().await;
    wait_url(&s, "/app/console/contacts/import").await;
    let text = s.text().await;
    assert!(text.contains("1 created, 0 updated, 1 rejected."), "{text}");
    let rejected = s.find("table.rejected tbody").await.text().await;
    assert!(rejected.contains("15550003333") && rejected.contains("bronze"), "{rejected}");
    s.eval("window.scrollTo(0, 0)", serde_json::json!([])).await;
    s.screenshot("contacts-en", true).await;

    // Arabic, on a phone-sized screen.
    let ar = Session::start("ar", 375, 812).await;
    sign_in(&app, &ar, OWNER, DEMO_OWNER_PASSWORD).await;
    wait_url(&ar, "/app/").await;
    ar.goto(&app.url("/app/console/contacts")).await;
    assert_eq!(ar.html_attr("dir").await, "rtl");
    let text = ar.text().await;
    assert!(text.contains("جهات الاتصال") && text.contains("Omar"), "{text}");
    let overflow = ar.eval("return document.documentElement.scrollWidth", serde_json::json!([])).await;
    assert!(overflow.as_u64().unwrap() <= 375, "the page is {overflow} px wide");
    ar.screenshot("contacts-ar", true).await;
}

/// An agent reads Layla's record in the chat's contact panel and opens it on the contacts
/// page, which offers nothing to change; in English on a wide screen and in Arabic on a phone.
/// Screenshots `contact-panel-en` and `contact-panel-ar`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_reads_the_contact_in_the_inbox() {
    let (_db, app) = app(Engine::Sqlite).await;
    super::contacts_read::layla(&app).await;
    let business = &app.demo.ids.business_id;
    let role = risala_core::model::Role::Agent;
    app.state.accounts.create_user(business, "sara@demo.test", "Sara", "sara-password-1", role).await.unwrap();
    for (lang, width, record, open) in
        [("en", 1280, "Contact record", "Open in contacts"), ("ar", 375, "سجل جهة الاتصال", "فتح في جهات الاتصال")]
    {
        let s = Session::start(lang, width, 900).await;
        sign_in(&app, &s, "sara@demo.test", "sara-password-1").await;
        wait_url(&s, "/app/").await;
        s.goto(&app.url(&format!("/app/chats/{}/15550001111", app.phone_number_id()))).await;
        let panel = s.find("#panel-contact").await.text().await;
        let want = [record, open, "gold", "website_form"];
        assert!(want.iter().all(|w| panel.contains(w)), "{panel}");
        s.eval("document.getElementById('panel-contact').scrollIntoView()", serde_json::json!([])).await;
        s.screenshot(&format!("contact-panel-{lang}"), true).await;
        let wide = s.eval("return document.documentElement.scrollWidth", serde_json::json!([])).await;
        assert!(wide.as_u64().unwrap() <= u64::from(width), "the page is {wide} px wide");
        s.find(&format!("#panel-contact a[href^='{}']", "/app/console/contacts")).await.click().await;
        wait_url(&s, "edit=15550001111#contact-h").await;
        assert_eq!(s.count("form[method=post][action^='/app/console/contacts']").await, 0);
        assert!(s.find("dl.record").await.text().await.contains("Layla Haddad"));
    }
}
