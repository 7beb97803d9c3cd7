//! A quick reply with an image, from the composer in a real Chromium: the agent types `/me`,
//! Enter inserts the text and attaches the image (shown with its thumbnail and a button that
//! removes it); removed, the message would go as text; picked again and sent, the customer
//! receives the image with the text as caption and the business's webhook an echo of it. In
//! English and in Arabic on a phone-sized screen. Screenshots `quick-reply-media-en` and
//! `quick-reply-media-ar` (the docs' quick replies chapter).

use risala_core::model::Role;
use risala_testkit::browser::Session;
use risala_testkit::Engine;
use serde_json::json;

use crate::web::app;
use crate::web::journey_browser::{echo_types, next_event, subscribe};
use crate::web::steps::{sign_in, submit, wait_for, wait_url, PATIENCE};

/// A 16 × 16 green PNG.
const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00\x90\x91\x68\x36\x00\x00\x00\x16\x49\x44\x41\x54\x78\xda\x63\x50\xbd\x9c\x46\x12\x62\x18\xd5\x30\xaa\x61\xf8\x6a\x00\x00\xd1\x69\x5e\x10\x04\xef\x73\x93\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
const ENTER: &str = "\u{E007}";
const CUSTOMER: &str = "15550001111";

struct Strings {
    lang: &'static str,
    attached: &'static str,
}

const EN: Strings = Strings { lang: "en", attached: "Attached: Image (menu.png). The message is sent as its caption." };
const AR: Strings = Strings {
    lang: "ar", attached: "مرفق: صورة (menu.png). تُرسل الرسالة تعليقًا عليه."
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_reply_sends_its_image_in_english() {
    picks(&EN, 1280, 900).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_reply_sends_its_image_in_arabic_on_a_phone() {
    picks(&AR, 375, 812).await;
}

async fn picks(l: &Strings, width: u32, height: u32) {
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let business = &app.demo.ids.business_id;
    app.state.accounts.create_user(business, "sara@demo.test", "Sara", "sara-password-1", Role::Agent).await.unwrap();
    let (st, v) = app.upload_raw("image/png", "menu.png", PNG.to_vec()).await;
    assert_eq!(st, 200, "{v}");
    let image = v["id"].as_str().unwrap().to_string();
    let qr = format!("/tools/v1/{}/quick_replies", app.phone_number_id());
    let media = json!({"type": "image", "id": image});
    let (st, v) =
        app.post(&qr, &json!({"shortcut": "menu", "text": "Hi {{customer_name}}, our menu.", "media": media})).await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = app.post(&qr, &json!({"shortcut": "hello", "text": "Hello!"})).await;
    assert_eq!(st, 200, "{v}");
    let customer = app.customer(CUSTOMER, "Layla Haddad").await;
    let mut device = customer.connect().await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "Your menu?"}})).await;

    let s = Session::start(l.lang, width, height).await;
    sign_in(&app, &s, "sara@demo.test", "sara-password-1").await;
    wait_url(&s, "/app/").await;
    s.goto(&app.url(&format!("/app/chats/{}/{CUSTOMER}", app.phone_number_id()))).await;
    let hidden = "return document.getElementById('quick-attachment').hidden";
    assert_eq!(s.eval(hidden, json!([])).await, true);

    // `/me` offers the menu; Enter inserts its text and attaches its image.
    s.fill("compose-body", "/me").await;
    wait_for(&s, "the quick-reply menu", "return !document.getElementById('quick-menu').hidden").await;
    s.fill("compose-body", ENTER).await;
    assert_eq!(
        s.eval("return document.getElementById('compose-body').value", json!([])).await,
        "Hi Layla Haddad, our menu."
    );
    assert_eq!(s.eval(hidden, json!([])).await, false);
    assert_eq!(s.find("#quick-attachment-name").await.text().await, l.attached);
    let src = s.eval("return document.getElementById('quick-attachment-img').getAttribute('src')", json!([])).await;
    assert_eq!(src, json!(format!("/app/media/{image}")));
    wait_for(&s, "the thumbnail", "return document.getElementById('quick-attachment-img').naturalWidth === 16").await;
    assert_eq!(s.eval("return document.getElementById('quick-reply-id').value !== ''", json!([])).await, true);

    // Removed, the message is text only; a quick reply without media attaches nothing.
    s.find("#quick-attachment-remove").await.click().await;
    assert_eq!(s.eval(hidden, json!([])).await, true);
    assert_eq!(s.eval("return document.getElementById('quick-reply-id').value", json!([])).await, "");
    s.eval("document.getElementById('compose-body').value = ''", json!([])).await;
    s.fill("compose-body", "/he").await;
    wait_for(&s, "the quick-reply menu", "return !document.getElementById('quick-menu').hidden").await;
    s.fill("compose-body", ENTER).await;
    assert_eq!(s.eval(hidden, json!([])).await, true);

    // Picked again and sent: the customer receives the image with the caption.
    s.eval("document.getElementById('compose-body').value = ''", json!([])).await;
    s.fill("compose-body", "/menu").await;
    wait_for(&s, "the quick-reply menu", "return !document.getElementById('quick-menu').hidden").await;
    s.fill("compose-body", ENTER).await;
    assert_eq!(s.eval(hidden, json!([])).await, false);
    s.screenshot(&format!("quick-reply-media-{}", l.lang), true).await;
    if l.lang == "ar" {
        let wide = s.eval("return document.documentElement.scrollWidth", json!([])).await;
        assert!(wide.as_u64().unwrap() <= u64::from(width), "the page is {wide} px wide");
    }
    submit(&s, "form.compose button[type=submit]").await;
    let m = next_event(&mut device, "message").await["message"].clone();
    assert_eq!(
        (m["type"].as_str(), m["image"]["caption"].as_str()),
        (Some("image"), Some("Hi Layla Haddad, our menu.")),
        "{m}"
    );
    assert!(rcv.wait_until(PATIENCE, |r| echo_types(r).len() == 1).await, "echoes: {:?}", echo_types(&rcv));
    assert_eq!(echo_types(&rcv), ["image"]);
}
