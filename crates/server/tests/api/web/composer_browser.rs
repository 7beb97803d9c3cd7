//! Answering in a real Chromium, in English and in Arabic (right to left, on a phone-sized
//! screen), beyond the journey of `journey_browser`: a customer writes; the agent opens the chat
//! (the customer sees it read), types (the customer sees the typing indicator), answers with a
//! reply to the customer's message, a reaction and an attachment. The customer receives every
//! message, and the business's webhook receives an `smb_message_echoes` change for each.
//! Screenshot: `composer-reply-*` (not the book's).

use risala_core::model::Role;
use risala_testkit::browser::Session;
use risala_testkit::Engine;
use serde_json::json;

use super::app;
use super::composer::PNG;
use super::journey_browser::{echo_types, next_event, subscribe};
use super::steps::{sign_in, submit, PATIENCE};

const CUSTOMER: &str = "15550001111";

struct Strings {
    lang: &'static str,
    send: &'static str,
}

const EN: Strings = Strings { lang: "en", send: "Send" };
const AR: Strings = Strings { lang: "ar", send: "إرسال" };

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_replies_reacts_and_attaches_in_english() {
    answers(&EN, 1280, 900).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_replies_reacts_and_attaches_in_arabic() {
    answers(&AR, 375, 812).await;
}

async fn answers(l: &Strings, width: u32, height: u32) {
    let (db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    app.state
        .accounts
        .create_user(&app.demo.ids.business_id, "sara@demo.test", "Sara", "sara-password-1", Role::Agent)
        .await
        .unwrap();
    let customer = app.customer(CUSTOMER, "Layla Haddad").await;
    let mut device = customer.connect().await;
    let asked =
        customer.send(app.business_number(), json!({"type": "text", "text": {"body": "Is my order ready?"}})).await;

    let s = Session::start(l.lang, width, height).await;
    sign_in(&app, &s, "sara@demo.test", "sara-password-1").await;
    let chat = app.url(&format!("/app/chats/{}/{CUSTOMER}", app.phone_number_id()));
    s.goto(&chat).await;
    assert_eq!(s.html_attr("dir").await, if l.lang == "ar" { "rtl" } else { "ltr" });
    // Opening the chat marks the customer's message read.
    let read = next_event(&mut device, "read").await;
    assert_eq!(read["id"], asked);

    // Typing shows the customer the typing indicator; the answer is a reply.
    s.fill("compose-body", "Yes, it is ready! نعم").await;
    assert_eq!(next_event(&mut device, "typing").await["from"], app.business_number());
    s.eval("document.getElementById('compose-reply').value = arguments[0]", json!([asked])).await;
    s.screenshot(&format!("composer-reply-{}", l.lang), false).await;
    assert_eq!(s.find("form.compose button[type=submit]").await.text().await, l.send);
    submit(&s, "form.compose button[type=submit]").await;
    assert!(s.url().await.ends_with("#composer"));
    let m = next_event(&mut device, "message").await["message"].clone();
    assert_eq!(
        (m["text"]["body"].as_str(), m["context"]["id"].as_str()),
        (Some("Yes, it is ready! نعم"), Some(asked.as_str())),
        "{m}"
    );

    // A reaction to the customer's message.
    s.find("details.compose-more:nth-of-type(2) summary").await.click().await;
    s.eval("document.getElementById('compose-react-to').value = arguments[0]", json!([asked])).await;
    submit(&s, "button.emoji[value='❤️']").await;
    let m = next_event(&mut device, "message").await["message"].clone();
    assert_eq!(m["reaction"], json!({"message_id": asked, "emoji": "❤️"}), "{m}");

    // An attachment.
    let file = db.dir.path().join("receipt.png");
    std::fs::write(&file, PNG).unwrap();
    s.find("details.compose-more summary").await.click().await;
    s.find("#compose-file").await.send_keys(file.to_str().unwrap()).await;
    s.fill("compose-caption", "Your receipt").await;
    submit(&s, "form[enctype='multipart/form-data'] button").await;
    let m = next_event(&mut device, "message").await["message"].clone();
    assert_eq!((m["type"].as_str(), m["image"]["caption"].as_str()), (Some("image"), Some("Your receipt")), "{m}");

    // The customer has every answer in their history, and the webhook got an echo of each.
    let (_, history) = customer.get(&format!("/customer/v1/chats/{}/messages", app.business_number())).await;
    let from_business = history["data"].as_array().unwrap().iter().filter(|m| m["from"] != CUSTOMER).count();
    assert_eq!(from_business, 3, "{history}");
    assert!(rcv.wait_until(PATIENCE, |r| echo_types(r).len() == 3).await, "echoes: {:?}", echo_types(&rcv));
    assert_eq!(echo_types(&rcv), ["text", "reaction", "image"]);
}
