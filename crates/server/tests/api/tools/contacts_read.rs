//! Agents read the contacts and never change them, on SQLite and PostgreSQL: the contacts page
//! lists, searches and shows a contact without a form that changes anything, its console tabs
//! are that page alone; every change an agent posts (save, delete, opt-in, import, fields) is
//! refused with a 403 page that says why and changes nothing, and the export stays the
//! owners'. A chat's contact panel shows the customer's record (fields, opt-ins, notes of the
//! customer's other conversations), or that the customer is not among the contacts.

use risala_core::model::Role;
use risala_testkit::{engine_test, Engine, TestApp};
use serde_json::json;

use crate::web::{app, Web};

const REFUSED: &str = "Only owners and admins change contacts. Nothing was changed.";

fn path(app: &TestApp, rest: &str) -> String {
    format!("/tools/v1/{}/contacts{rest}", app.phone_number_id())
}

/// Two fields, Layla with values and an opt-in, and a chat with her that has a note.
pub async fn layla(app: &TestApp) {
    for f in [
        json!({"key": "tier", "label": "Loyalty tier", "kind": "choice", "options": ["gold", "silver"]}),
        json!({"key": "vip", "label": "VIP", "kind": "boolean"}),
    ] {
        let (s, v) = app.post(&path(app, "/fields"), &f).await;
        assert_eq!(s, 200, "{v}");
    }
    let body = json!({"wa_id": "15550001111", "name": "Layla Haddad", "fields": {"tier": "gold", "vip": "yes"}});
    let (s, v) = app.post(&path(app, ""), &body).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) =
        app.post(&path(app, "/15550001111/opt_ins"), &json!({"topic": "marketing", "source": "website_form"})).await;
    assert_eq!(s, 200, "{v}");
    let customer = app.customer("15550001111", "Layla Haddad").await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "Hello"}})).await;
}

async fn agents_read(engine: Engine) {
    let (_db, app) = app(engine).await;
    layla(&app).await;
    let business = &app.demo.ids.business_id;
    app.state.accounts.create_user(business, "sara@demo.test", "Sara", "sara-password-1", Role::Agent).await.unwrap();
    // A second number of the business, whose chat with Layla has a note.
    let other = app
        .state
        .tenancy
        .create_phone_number(risala_core::tenancy::NewPhoneNumber {
            waba_id: app.waba_id(),
            number: "+15550108888",
            verified_name: "Demo Two",
            account_mode: "SANDBOX",
        })
        .await
        .unwrap();
    let customer = app.customer("15550001111", "Layla Haddad").await;
    customer.send("15550108888", json!({"type": "text", "text": {"body": "Hi, second shop"}})).await;
    let mut owner = Web::owner(&app).await;
    let csrf = owner.csrf().await;
    for (p, body) in [(app.phone_number_id().to_string(), "Prefers mornings"), (other.id.clone(), "Asked about Riyadh")]
    {
        let page = owner.post(&format!("/app/chats/{p}/15550001111/notes"), &[("csrf", &csrf), ("body", body)]).await;
        assert_eq!(page.status, 303, "{}", page.body);
    }

    let mut web = Web::signed_in(&app, "sara@demo.test", "sara-password-1").await;
    let list = web.get("/app/console/contacts").await;
    assert_eq!(list.status, 200, "{}", list.body);
    let b = &list.body;
    assert!(b.contains("Layla Haddad") && b.contains(">View<") && b.contains("owners and admins change them"), "{b}");
    let changes = "method=\"post\" action=\"/app/console/contacts";
    assert!(!b.contains(changes), "an agent's page has no form that changes contacts: {b}");
    assert!(!b.contains("/export") && !b.contains("href=\"/app/console/templates\""), "{b}");
    assert!(b.contains("href=\"/app/console/contacts\">Contacts</a>"), "the agent's menu leads to the contacts: {b}");
    let found = web.get("/app/console/contacts?q=layla").await;
    assert!(found.body.contains("data-contact=\"15550001111\""), "{}", found.body);
    let none = web.get("/app/console/contacts?q=omar").await;
    assert!(!none.body.contains("data-contact=") && none.body.contains("No contacts yet."), "{}", none.body);

    let one = web.get("/app/console/contacts?edit=15550001111").await;
    assert_eq!(one.status, 200);
    let b = &one.body;
    for want in
        ["Loyalty tier", "gold", "<dd><bdi>Yes</bdi></dd>", "website_form", "Prefers mornings", "Asked about Riyadh"]
    {
        assert!(b.contains(want), "{want}: {b}");
    }
    assert!(!b.contains(changes), "{b}");

    // Every change is refused with a page that says why, and nothing changes.
    let csrf = web.csrf().await;
    let (_, fields) = app.get(&path(&app, "/fields")).await;
    let field_id = fields["data"][0]["id"].as_str().unwrap().to_string();
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/app/console/contacts".into(), vec![("wa_id", "15550001111"), ("name", "Changed")]),
        ("/app/console/contacts".into(), vec![("wa_id", "15550002222"), ("name", "New")]),
        ("/app/console/contacts/15550001111/delete".into(), vec![]),
        (
            "/app/console/contacts/15550001111/opt_ins".into(),
            vec![("topic", "marketing"), ("opted_in", "false"), ("source", "agent")],
        ),
        ("/app/console/contacts/import".into(), vec![("csv", "wa_id,name\n15550003333,Omar\n")]),
        ("/app/console/contacts/fields".into(), vec![("key", "city"), ("kind", "text")]),
        (format!("/app/console/contacts/fields/{field_id}/delete"), vec![]),
    ];
    for (p, mut form) in posts {
        form.push(("csrf", &csrf));
        let page = web.post(&p, &form).await;
        assert_eq!(page.status, 403, "{p}: {}", page.body);
        assert!(
            page.body.contains(REFUSED) && page.body.contains("Contacts are read-only for you"),
            "{p}: {}",
            page.body
        );
    }
    assert_eq!(web.get("/app/console/contacts/export").await.status, 403);
    let (_, v) = app.get(&path(&app, "/15550001111")).await;
    assert_eq!((v["name"].as_str(), v["opt_ins"].as_array().unwrap().len()), (Some("Layla Haddad"), 1), "{v}");
    let (_, v) = app.get(&path(&app, "")).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 1, "{v}");
    let (_, v) = app.get(&path(&app, "/fields")).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 2, "{v}");
    // The owner still edits.
    let page = owner.get("/app/console/contacts?edit=15550001111").await;
    assert!(page.body.contains("method=\"post\" action=\"/app/console/contacts\""), "{}", page.body);

    // The chat's contact panel: the record, read only; this chat's note is above, the other
    // number's is under the customer's other conversations.
    let chat = web.get(&format!("/app/chats/{}/15550001111", app.phone_number_id())).await;
    assert_eq!(chat.status, 200);
    let b = &chat.body;
    let panel = &b[b.find("id=\"panel-contact\"").expect("the contact record")..];
    let panel = &panel[..panel.find("</section>").unwrap()];
    for want in [
        "Contact record",
        "<dt>Loyalty tier</dt><dd><bdi>gold</bdi></dd>",
        "<dt>VIP</dt><dd><bdi>Yes</bdi></dd>",
        "<strong>marketing</strong>: Opted in · website_form",
        "On the customer's other conversations",
        "Asked about Riyadh",
        "href=\"/app/console/contacts?edit=15550001111#contact-h\"",
    ] {
        assert!(panel.contains(want), "{want}: {panel}");
    }
    assert!(!panel.contains("Prefers mornings") && !panel.contains("<form"), "{panel}");
    // A customer who is not a contact.
    let omar = app.customer("15550002222", "Omar").await;
    omar.send(app.business_number(), json!({"type": "text", "text": {"body": "Hi"}})).await;
    let chat = web.get(&format!("/app/chats/{}/15550002222", app.phone_number_id())).await;
    assert!(chat.body.contains("Not in the contacts."), "{}", chat.body);
    app.stop().await;
}
engine_test!(agents_read_contacts_and_cannot_change_them, super::agents_read);
