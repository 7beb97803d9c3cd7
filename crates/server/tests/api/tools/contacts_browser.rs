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
