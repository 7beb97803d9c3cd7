//! The inbox and what a customer keeps private, over HTTP on both engines: a customer who hides
//! their number (a username, `hide_number`) shows in the list, the conversation's header and
//! the contact panel by username and business-scoped user id, never by number (in English or
//! Arabic digits), is found by username and BSUID but not by number, and is answered without
//! the number being shared; and with message bodies encrypted at rest, the search still finds a
//! message's text and the team's notes are encrypted like the bodies (the database holds
//! neither text).

use risala_server::Config;
use risala_testkit::{engine_test, Database, Engine, TestApp};
use serde_json::json;

use super::{Page, Web};

const LAYLA: &str = "15550001111";
const OMAR: &str = "15550002222";

/// Whether `page` shows Layla's number in any form.
fn shows_number(page: &Page) -> bool {
    ["15550001111", "555 000 1111", "١٥٥٥٠٠٠١١١١"].iter().any(|n| page.body.contains(n))
}

engine_test!(a_customer_who_hides_their_number_is_known_by_username_and_bsuid, super::hidden);

async fn hidden(engine: Engine) {
    let (_db, app) = super::app(engine).await;
    let layla = app.customer(LAYLA, "Layla Haddad").await;
    let (s, me) = layla.post("/customer/v1/me", &json!({"username": "layla.h", "hide_number": true})).await;
    assert_eq!(s, 200, "{me}");
    layla.send(app.business_number(), json!({"type": "text", "text": {"body": "Where is order 1042?"}})).await;
    let omar = app.customer(OMAR, "Omar").await;
    omar.send(app.business_number(), json!({"type": "text", "text": {"body": "Hello"}})).await;
    let business = app.demo.ids.business_id.clone();
    let bsuid = app.state.store.contact(&business, LAYLA).await.unwrap().unwrap().user_id.expect("a BSUID");
    let chat = format!("/app/chats/{}/{bsuid}", app.phone_number_id());

    // The business keeps Layla's number among its contacts: the panel shows no record (contacts
    // are kept by number; showing hers would tell it).
    let contacts = format!("/tools/v1/{}/contacts", app.phone_number_id());
    let (s, v) = app.post(&contacts, &json!({"wa_id": LAYLA, "name": "Layla Haddad"})).await;
    assert_eq!(s, 200, "{v}");

    // The list, the conversation (header, panel, composer), in English and in Arabic.
    let mut owner = Web::owner(&app).await;
    for lang in ["en", "ar"] {
        owner.lang = lang;
        let list = owner.get("/app/").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains("@layla.h") && list.body.contains(&bsuid), "{}", list.body);
        assert!(list.body.contains(&format!("href=\"{chat}\"")), "the chat's path names the BSUID: {}", list.body);
        assert!(!shows_number(&list), "the list shows the hidden number: {}", list.body);
        assert!(list.body.contains(if lang == "en" { "15550002222" } else { "١٥٥٥٠٠٠٢٢٢٢" }), "Omar's is shown");
        let page = owner.get(&chat).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Where is order 1042?") && page.body.contains("@layla.h"), "{}", page.body);
        assert!(!shows_number(&page), "the conversation shows the hidden number: {}", page.body);
        assert!(!page.body.contains("id=\"panel-contact\""), "no contact record: {}", page.body);
        let head = page.body.split("class=\"chat-head\"").nth(1).unwrap().split("</header>").next().unwrap();
        assert!(head.contains(&bsuid) && head.contains("@layla.h"), "the header: {head}");
        let panel = page.body.split("id=\"contact-h\"").nth(1).unwrap().split("</section>").next().unwrap();
        assert!(panel.contains(&bsuid) && panel.contains("@layla.h"), "the contact panel: {panel}");
    }
    owner.lang = "en";

    // Search: by username (with or without `@`) and BSUID, not by the hidden number.
    for q in ["%40layla.h", "LAYLA.H", &bsuid.to_lowercase()] {
        let p = owner.get(&format!("/app/?q={q}")).await;
        assert!(p.body.contains("Layla Haddad") && !p.body.contains(">Omar<"), "q={q}: {}", p.body);
    }
    for q in ["15550001111", "%2B1+555+000+1111"] {
        let p = owner.get(&format!("/app/?q={q}")).await;
        assert!(!p.body.contains("Layla Haddad"), "q={q} finds the hidden number: {}", p.body);
    }
    assert!(owner.get(&format!("/app/?q={OMAR}")).await.body.contains(">Omar<"), "a shown number is found");

    // An answer from the composer names the customer by BSUID: the number stays hidden.
    let csrf = owner.csrf().await;
    let p = owner.post(&format!("{chat}/send"), &[("csrf", &csrf), ("body", "We are checking")]).await;
    assert_eq!((p.status, p.location()), (303, format!("{chat}#composer").as_str()), "{}", p.body);
    let (_, history) = layla.get(&format!("/customer/v1/chats/{}/messages", app.business_number())).await;
    assert!(history.to_string().contains("We are checking"), "{history}");
    let row = app.state.store.chat_row(app.phone_number_id(), LAYLA).await.unwrap().unwrap();
    assert_eq!(row.number_shared_at, None, "sent by BSUID: the number is not shared");
    assert!(!shows_number(&owner.get(&chat).await));
    // The team's actions take the BSUID path too.
    let p = owner.post(&format!("{chat}/notes"), &[("csrf", &csrf), ("body", "VIP customer")]).await;
    assert_eq!((p.status, p.location()), (303, chat.as_str()), "{}", p.body);
    assert_eq!(app.state.store.notes(app.phone_number_id(), LAYLA).await.unwrap().len(), 1);
    // Another business's BSUID, or a made-up one, is no conversation.
    assert_eq!(owner.get(&format!("/app/chats/{}/US.99999999999999999999", app.phone_number_id())).await.status, 404);
}

const PARCEL: &str = "Where is my parcel Zanzibar-4217?";
const NOTE: &str = "Call back Quixotic-7731";

/// A server whose message bodies are encrypted at rest, or not.
async fn server(engine: Engine, encrypt: bool) -> (Database, TestApp) {
    let db = Database::fresh(engine).await.unwrap();
    let config = Config { encrypt_at_rest: Some(encrypt), ..db.config() };
    let app = TestApp::start_with(config).await.unwrap();
    (db, app)
}

engine_test!(search_finds_message_text_and_notes_are_encrypted_at_rest, super::sealed);

async fn sealed(engine: Engine) {
    search_and_notes(engine, true).await;
}

/// Without encryption the texts are in the database: the check above can fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_encryption_search_and_notes_work_and_are_plain() {
    search_and_notes(Engine::Sqlite, false).await;
}

async fn search_and_notes(engine: Engine, encrypt: bool) {
    let (_db, app) = server(engine, encrypt).await;
    let layla = app.customer(LAYLA, "Layla Haddad").await;
    layla.send(app.business_number(), json!({"type": "text", "text": {"body": PARCEL}})).await;
    let omar = app.customer(OMAR, "Omar").await;
    omar.send(app.business_number(), json!({"type": "text", "text": {"body": "Hello"}})).await;

    let mut owner = Web::owner(&app).await;
    for q in ["zanzibar-4217", "PARCEL+ZANZIBAR"] {
        let p = owner.get(&format!("/app/?q={q}")).await;
        assert!(p.body.contains("Layla Haddad") && !p.body.contains(">Omar<"), "q={q}: {}", p.body);
    }
    let p = owner.get("/app/?q=text").await;
    assert!(!p.body.contains("Layla Haddad") && !p.body.contains(">Omar<"), "a message's type is no text");
    let p = owner.get("/app/?q=hello").await;
    assert!(p.body.contains(">Omar<") && !p.body.contains("Layla Haddad"), "{}", p.body);

    let chat = format!("/app/chats/{}/{LAYLA}", app.phone_number_id());
    let csrf = owner.csrf().await;
    let p = owner.post(&format!("{chat}/notes"), &[("csrf", &csrf), ("body", NOTE)]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(owner.get(&chat).await.body.contains(NOTE), "the note reads back");
    assert_eq!(crate::at_rest::stored_in_plain(&app, &[PARCEL, NOTE]).await, !encrypt);
}
