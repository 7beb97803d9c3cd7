//! The web chat in a real Chromium: a customer signs in by number, opens the business's chat
//! from a click-to-chat address with its text ready in the composer, and sends it. The business
//! then sends each of Meta's example send bodies (the v23.0 OpenAPI file, read in place) through
//! `/messages`, and each arrives live and is drawn with its essential parts. From the page the
//! customer answers a reply-button message and a list message (the business's webhook receives
//! `button_reply` and `list_reply` with `context` naming the message), reacts, and reads: the
//! business gets `read` statuses. Screenshots: `webchat-*`.

use std::time::Duration;

use risala_testkit::browser::Session;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{Engine, TestApp};
use serde_json::{json, Value};

use super::spec::send_examples;
use crate::web::app;

pub const CUSTOMER: &str = "15550002222";
const TOKEN: &str = "webchat-verify";
/// A whole 1 × 1 lossless WebP (a sticker), which a browser draws.
const WEBP: &[u8] = b"\x52\x49\x46\x46\x1a\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x4c\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00";
/// A whole Ogg Opus file of one second of silence (50 empty 20 ms frames), which a browser plays.
const VOICE_OGG: &[u8] = b"\x4f\x67\x67\x53\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x41\x53\x49\x52\x00\x00\x00\x00\x25\x29\x1e\x7d\x01\x13\x4f\x70\x75\x73\x48\x65\x61\x64\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00\x4f\x67\x67\x53\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x41\x53\x49\x52\x01\x00\x00\x00\x87\x21\xa0\xa9\x01\x16\x4f\x70\x75\x73\x54\x61\x67\x73\x06\x00\x00\x00\x72\x69\x73\x61\x6c\x61\x00\x00\x00\x00\x4f\x67\x67\x53\x00\x04\xb8\xbc\x00\x00\x00\x00\x00\x00\x41\x53\x49\x52\x02\x00\x00\x00\x4a\x5a\x60\x13\x32\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8";
/// A whole 8 × 8 PNG, which a browser draws.
pub const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x08\x00\x00\x00\x08\x08\x02\x00\x00\x00\x4b\x6d\x29\xdc\x00\x00\x00\x10\x49\x44\x41\x54\x78\x9c\x63\x60\xc8\xf0\xc7\x8e\x86\x96\x04\x00\xcd\x07\x2d\xc1\x33\x78\xb2\xd5\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

pub async fn wait_for(s: &Session, what: &str, check: &str, args: Value) {
    for _ in 0..150 {
        if s.eval(check, args.clone()).await.as_bool() == Some(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: not within 15 s; the page says {}", s.text().await);
}

pub async fn subscribe(app: &TestApp) -> WebhookReceiver {
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": TOKEN});
    let (s, v) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &body).await;
    assert_eq!(s, 200, "{v}");
    rcv
}

/// Sign in on the page as `phone` named `name`, at `path` (`/chat/…`).
pub async fn sign_in(s: &Session, app: &TestApp, path: &str, phone: &str, name: &str) {
    s.goto(&app.url(path)).await;
    s.fill("wc-phone", phone).await;
    s.fill("wc-name", name).await;
    s.find("#sign-in-submit").await.click().await;
    wait_for(s, "signed in", "return document.getElementById('content').dataset.ready === '1'", json!([])).await;
}

/// Click `css` in one step (the thread is redrawn as messages and receipts arrive, so an
/// element found in one WebDriver call may be gone by the next).
pub async fn tap(s: &Session, css: &str) {
    let js = "var e = document.querySelector(arguments[0]); if (e) { e.click(); } return !!e";
    assert_eq!(s.eval(js, json!([css])).await, true, "no {css}");
}

/// The CSS selector of message `id`'s bubble (a wamid holds dots).
pub fn bubble(id: &str) -> String {
    format!("[id='m-{id}']")
}

/// The inbound messages the webhook received, as `messages[]` elements.
pub fn inbound(rcv: &WebhookReceiver) -> Vec<Value> {
    rcv.accepted()
        .into_iter()
        .filter(|(_, field, _)| field == "messages")
        .flat_map(|(_, _, v)| v["messages"].as_array().cloned().unwrap_or_default())
        .collect()
}

pub fn statuses(rcv: &WebhookReceiver) -> Vec<Value> {
    rcv.accepted()
        .into_iter()
        .filter(|(_, field, _)| field == "messages")
        .flat_map(|(_, _, v)| v["statuses"].as_array().cloned().unwrap_or_default())
        .collect()
}

/// Placeholders of the examples given real values: the recipient, uploaded media by type, the
/// message replied or reacted to.
fn fill(v: &mut Value, key: &str, media: &dyn Fn(&str) -> String, to: &str, previous: &str, kind: &str) {
    match v {
        Value::Object(o) => {
            for (k, child) in o.iter_mut() {
                let kind =
                    if ["image", "video", "audio", "document", "sticker"].contains(&k.as_str()) { k } else { kind };
                fill(child, k, media, to, previous, kind);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| fill(c, key, media, to, previous, kind)),
        Value::String(s) if key == "to" => *s = to.to_string(),
        Value::String(s) if s.starts_with("<MSGID_") || key == "message_id" => *s = previous.to_string(),
        Value::String(s) if s.ends_with("_OBJECT_ID>") => *s = media(kind),
        Value::String(s) if s == "<HEADER_TYPE>" => *s = "text".to_string(),
        _ => {}
    }
}

/// The texts of a send body that the customer must see.
fn essentials(body: &Value) -> Vec<String> {
    let kind = body["type"].as_str().unwrap_or("text");
    let o = &body[kind];
    let mut out: Vec<String> = Vec::new();
    let mut push = |v: &Value| {
        if let Some(t) = v.as_str().filter(|t| !t.is_empty()) {
            out.push(t.to_string());
        }
    };
    push(&o["body"]);
    push(&o["caption"]);
    if kind == "location" {
        push(&o["name"]);
    }
    push(&o["filename"]);
    push(&o["body"]["text"]);
    push(&o["footer"]["text"]);
    push(&o["header"]["text"]);
    push(&o["action"]["button"]);
    push(&o["action"]["parameters"]["display_text"]);
    for b in o["action"]["buttons"].as_array().into_iter().flatten() {
        push(&b["reply"]["title"]);
    }
    for c in o.as_array().into_iter().flatten() {
        push(&c["name"]["formatted_name"]);
    }
    out
}

/// Examples that need what this test does not set up: media fetched from another site, a flow,
/// templates other than `hello_world`, order messages, a typing indicator.
fn skipped(name: &str) -> bool {
    name.contains("by URL")
        || name.contains("Flow")
        || (name.contains("Template") && !name.contains("Test Message"))
        || name.starts_with("Send Sample")
        || name.contains("Order")
        || name.contains("typing")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_renders_and_buttons_answer() {
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let image = app.upload("image/png", PNG).await;
    let video = app.upload("video/mp4", b"\0\0\0\x18ftypmp42 video").await;
    let audio = app.upload("audio/ogg", b"OggS audio").await;
    let document = app.upload("application/pdf", b"%PDF-1.4 document").await;
    let sticker = app.upload("image/webp", WEBP).await;
    let media = |kind: &str| match kind {
        "video" => video.clone(),
        "audio" => audio.clone(),
        "document" => document.clone(),
        "sticker" => sticker.clone(),
        _ => image.clone(),
    };

    let s = Session::start("en", 1280, 900).await;
    // Click-to-chat: the business's number with prefilled text.
    let path = format!("/chat/?phone={}&text=Hello%20from%20the%20web", app.business_number());
    sign_in(&s, &app, &path, CUSTOMER, "Mona Zaki").await;
    wait_for(&s, "the chat open", "return !document.getElementById('chat').hidden", json!([])).await;
    let composed = s.eval("return document.getElementById('message').value", json!([])).await;
    assert_eq!(composed, "Hello from the web");
    s.find("#send-button").await.click().await;
    assert!(rcv.wait_until(Duration::from_secs(10), |r| !inbound(r).is_empty()).await, "the customer's text");
    let first = inbound(&rcv)[0].clone();
    assert_eq!((first["from"].as_str(), first["text"]["body"].as_str()), (Some(CUSTOMER), Some("Hello from the web")));
    let previous = first["id"].as_str().unwrap().to_string();

    // Every example the business can send here, through /messages.
    let mut sent: Vec<(String, String, Value)> = Vec::new();
    let mut refused = Vec::new();
    // Product messages name products of the catalog connected to the WABA.
    let mut products: Vec<String> =
        send_examples().iter().flat_map(|(_, b)| crate::growth::catalogs::retailer_ids(b)).collect();
    products.sort();
    products.dedup();
    let catalog = crate::growth::catalogs::catalog_with(&app, &products).await;
    for (name, mut body) in send_examples() {
        if skipped(&name) {
            continue;
        }
        crate::growth::catalogs::use_catalog(&mut body, &catalog);
        fill(&mut body, "", &media, CUSTOMER, &previous, "");
        // "Send Reply to List Message" leaves out `type` (which then means text); a client
        // sending it names the type its body holds.
        if body.get("type").is_none() && body.get("interactive").is_some() {
            body["type"] = json!("interactive");
        }
        let (st, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await;
        match v["messages"][0]["id"].as_str() {
            Some(id) if st == 200 => sent.push((name, id.to_string(), body)),
            _ => refused.push(format!("{name}: {v}")),
        }
    }
    assert!(refused.is_empty(), "refused: {refused:#?}");
    assert!(sent.len() >= 24, "{} examples sent", sent.len());

    for (name, id, body) in &sent {
        let css = bubble(id);
        let check = "return !!document.querySelector(arguments[0])";
        if body["type"] == "reaction" {
            let target = format!("{} .wc-reactions", bubble(&previous));
            let emoji = body["reaction"]["emoji"].as_str().unwrap();
            let js =
                "var e = document.querySelector(arguments[0]); return !!e && e.textContent.indexOf(arguments[1]) >= 0";
            wait_for(&s, name, js, json!([target, emoji])).await;
            continue;
        }
        wait_for(&s, name, check, json!([css])).await;
        let text = s.eval("return document.querySelector(arguments[0]).textContent", json!([css])).await;
        let text = text.as_str().unwrap().replace(['*', '_', '~', '`'], "");
        for e in essentials(body) {
            let e = e.replace(['*', '_', '~', '`'], "");
            assert!(text.contains(&e), "{name}: \"{e}\" not in \"{text}\"");
        }
        let kind = body["type"].as_str().unwrap_or("text");
        let drawn = s.eval("return document.querySelector(arguments[0]).dataset.kind", json!([css])).await;
        assert_eq!(drawn, kind, "{name}");
        let part = match kind {
            "image" => Some("img.media"),
            "sticker" => Some("img.sticker"),
            "video" => Some("video"),
            "audio" => Some("audio"),
            "document" => Some("a.doc[download]"),
            "location" => Some("a[href*='openstreetmap']"),
            "contacts" => Some("button.btn"),
            "template" => Some(".template p"),
            _ => None,
        };
        if let Some(part) = part {
            assert!(s.count(&format!("{css} {part}")).await > 0, "{name}: no {part}");
        }
        if body["text"]["preview_url"] == true {
            let card = format!("{css} a.link-preview[href='https://youtu.be/hpltvTEiRrY']");
            assert!(s.count(&card).await > 0, "{name}: the link's preview card");
        }
        if body.get("context").is_some() {
            assert!(s.count(&format!("{css} a.quote")).await > 0, "{name}: the quote");
        }
    }
    // Beyond the spec's examples: a CTA URL message and a media carousel.
    let cta = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "interactive", "interactive": {
        "type": "cta_url", "body": {"text": "See the menu"},
        "action": {"name": "cta_url", "parameters": {"display_text": "Open menu", "url": "https://shop.example.org/menu"}}}});
    let card = |i: usize| {
        json!({"card_index": i, "type": "cta_url",
        "header": {"type": "image", "image": {"id": image}}, "body": {"text": format!("Deal {i}")},
        "action": {"name": "cta_url", "parameters": {"display_text": "Buy", "url": format!("https://shop.example.org/{i}")}}})
    };
    let carousel = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "interactive", "interactive": {
        "type": "carousel", "body": {"text": "This week's deals"}, "action": {"cards": [card(0), card(1)]}}});
    for (body, check) in [
        // Labels in their own direction (an English label in an Arabic chat keeps its "!" last).
        (cta, "a.btn[dir=auto][href='https://shop.example.org/menu'][target=_blank]"),
        (carousel, ".carousel-card:nth-child(2) a.btn[href='https://shop.example.org/1']"),
    ] {
        let (st, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await;
        assert_eq!(st, 200, "{v}");
        let id = v["messages"][0]["id"].as_str().unwrap().to_string();
        let css = format!("{} {check}", bubble(&id));
        wait_for(&s, check, "return !!document.querySelector(arguments[0])", json!([css])).await;
        if body["interactive"]["type"] == "carousel" {
            let cards = s.eval("return Array.from(document.querySelectorAll(arguments[0])).map(function (c) { return c.querySelector('p').textContent; })",
                json!([format!("{} .carousel-card", bubble(&id))])).await;
            assert_eq!(cards, json!(["Deal 0", "Deal 1"]));
        }
    }

    // Media is served through the customer's own media route.
    let src = s.eval("return document.querySelector('img.media').getAttribute('src')", json!([])).await;
    let src = src.as_str().unwrap();
    assert!(src.starts_with("/customer/v1/media/") && src.contains("?token="), "{src}");
    let loaded = "var i = document.querySelector('img.media'); return i.complete && i.naturalWidth > 0";
    wait_for(&s, "the image loads", loaded, json!([])).await;
    s.screenshot("webchat-en", true).await;

    // Reading: the business gets a `read` status for what the customer saw, once each.
    let sent_ids: Vec<String> = sent.iter().map(|(_, id, _)| id.clone()).collect();
    let all_read = |r: &WebhookReceiver| {
        let st = statuses(r);
        sent_ids.iter().all(|id| st.iter().any(|x| x["id"] == id.as_str() && x["status"] == "read"))
    };
    assert!(rcv.wait_until(Duration::from_secs(15), all_read).await, "every message read");

    // A reply button and a list row answer their message.
    let button = sent.iter().find(|(n, _, _)| n == "Send Reply Button").expect("the reply-button example");
    let sel = format!("{} .buttons button.btn", bubble(&button.1));
    tap(&s, &sel).await;
    let one = |r: &WebhookReceiver| inbound(r).iter().any(|m| m["type"] == "interactive");
    assert!(rcv.wait_until(Duration::from_secs(10), one).await, "the button's answer");
    let list = sent.iter().find(|(n, _, _)| n == "Send List Message").expect("the list example");
    let list_css = bubble(&list.1);
    tap(&s, &format!("{list_css} details summary")).await;
    tap(&s, &format!("{list_css} button.row")).await;
    let answered = |r: &WebhookReceiver| inbound(r).iter().filter(|m| m["type"] == "interactive").count() >= 2;
    assert!(rcv.wait_until(Duration::from_secs(10), answered).await, "both answers");
    let replies: Vec<Value> = inbound(&rcv).into_iter().filter(|m| m["type"] == "interactive").collect();
    let b = &button.2["interactive"]["action"]["buttons"][0]["reply"];
    assert_eq!(replies[0]["interactive"]["type"], "button_reply");
    assert_eq!(replies[0]["interactive"]["button_reply"], json!({"id": b["id"], "title": b["title"]}));
    assert_eq!(replies[0]["context"]["id"], button.1.as_str());
    assert_eq!(replies[0]["context"]["from"], app.business_number());
    let row = &list.2["interactive"]["action"]["sections"][0]["rows"][0];
    assert_eq!(replies[1]["interactive"]["type"], "list_reply");
    assert_eq!(replies[1]["interactive"]["list_reply"]["id"], row["id"]);
    assert_eq!(replies[1]["context"]["id"], list.1.as_str());

    // Closed and opened again: the tab gets what was sent meanwhile, in the order it was sent
    // (two replies of the same second too), and the business its reads.
    s.goto("about:blank").await;
    let mut missed = Vec::new();
    for body in ["While you were away", "And one more thing"] {
        let text = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text", "text": {"body": body}});
        let (st, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &text).await;
        assert_eq!(st, 200, "{v}");
        missed.push(v["messages"][0]["id"].as_str().unwrap().to_string());
    }
    s.goto(&app.url(&format!("/chat/?as={CUSTOMER}"))).await;
    wait_for(&s, "signed in again", "return document.getElementById('content').dataset.ready === '1'", json!([])).await;
    let unread = "var u = document.querySelector('#chat-list .unread'); return !!u && u.textContent === '2'";
    wait_for(&s, "two unread", unread, json!([])).await;
    s.find("#chat-list a[data-chat]").await.click().await;
    let both = "return !!document.querySelector(arguments[0]) && !!document.querySelector(arguments[1])";
    let (first, second) = (bubble(&missed[0]), bubble(&missed[1]));
    wait_for(&s, "the missed messages", both, json!([first, second])).await;
    let in_order = "return !!(document.querySelector(arguments[0]).compareDocumentPosition(document.querySelector(arguments[1])) & Node.DOCUMENT_POSITION_FOLLOWING)";
    assert_eq!(s.eval(in_order, json!([first, second])).await, json!(true), "the missed messages in the order sent");
    let read = |r: &WebhookReceiver| {
        missed.iter().all(|id| statuses(r).iter().any(|x| x["id"] == id.as_str() && x["status"] == "read"))
    };
    assert!(rcv.wait_until(Duration::from_secs(10), read).await, "read after reopening");
}

/// A flow message: the page opens the flow's first screen with its data, walks to the terminal
/// screen, and completing it sends the business the `nfm_reply` with the answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flow_is_walked_and_completed() {
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let flow_id = crate::flows::published(&app, "web_sign_up").await;
    let s = Session::start("en", 1024, 768).await;
    sign_in(&s, &app, &format!("/chat/?phone={}&text=Hi", app.business_number()), CUSTOMER, "Mona").await;
    wait_for(&s, "the chat open", "return !document.getElementById('chat').hidden", json!([])).await;
    s.find("#send-button").await.click().await;
    assert!(rcv.wait_until(Duration::from_secs(10), |r| !inbound(r).is_empty()).await, "the customer's text");

    let extra = json!({"flow_action": "navigate", "flow_action_payload": {"screen": "SIGN_UP", "data": {"greeting": "Welcome, Mona"}}});
    let body = crate::flows::flow_message(CUSTOMER, "flow_id", &flow_id, extra);
    let (st, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await;
    assert_eq!(st, 200, "{v}");
    let flow_message = v["messages"][0]["id"].as_str().unwrap().to_string();
    let button = format!("{} .buttons button.btn", bubble(&flow_message));
    wait_for(&s, "the flow message", "return !!document.querySelector(arguments[0])", json!([button])).await;
    tap(&s, &button).await;
    wait_for(&s, "the first screen", "return document.getElementById('flow-dialog').open", json!([])).await;
    assert_eq!(s.find("#flow-title").await.text().await, "Sign up");
    assert_eq!(s.find("#flow-body h3").await.text().await, "Welcome, Mona");
    s.find("#flow-body input").await.send_keys("Mona Zaki").await;
    s.screenshot("webchat-flow", true).await;
    s.find("#flow-next").await.click().await;
    wait_for(
        &s,
        "the terminal screen",
        "return document.getElementById('flow-title').textContent === 'Thanks'",
        json!([]),
    )
    .await;
    s.find("#flow-body input[type=checkbox]").await.click().await;
    s.find("#flow-next").await.click().await;

    let replied = |r: &WebhookReceiver| inbound(r).iter().any(|m| m["interactive"]["type"] == "nfm_reply");
    assert!(rcv.wait_until(Duration::from_secs(10), replied).await, "the nfm_reply");
    let reply = inbound(&rcv).into_iter().find(|m| m["interactive"]["type"] == "nfm_reply").unwrap();
    assert_eq!(reply["context"]["id"], flow_message.as_str());
    let answers: Value =
        serde_json::from_str(reply["interactive"]["nfm_reply"]["response_json"].as_str().unwrap()).unwrap();
    assert_eq!((&answers["full_name"], &answers["news"]), (&json!("Mona Zaki"), &json!(true)), "{answers}");
    wait_for(&s, "the dialog closes", "return !document.getElementById('flow-dialog').open", json!([])).await;
}

/// A business's voice message (`audio.voice`) is drawn as a voice note and plays (the page's
/// policy lets media from the server load); playing it tells the business: `played`, after the
/// `read` the open chat already sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voice_message_played_reports_played() {
    let (_db, app) = app(Engine::Sqlite).await;
    let rcv = subscribe(&app).await;
    let s = Session::start("en", 1024, 768).await;
    sign_in(&s, &app, &format!("/chat/?phone={}&text=Hi", app.business_number()), CUSTOMER, "Mona").await;
    wait_for(&s, "the chat open", "return !document.getElementById('chat').hidden", json!([])).await;
    s.find("#send-button").await.click().await;
    assert!(rcv.wait_until(Duration::from_secs(10), |r| !inbound(r).is_empty()).await, "the customer's text");

    let ogg = app.upload("audio/ogg", VOICE_OGG).await;
    let body =
        json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "audio", "audio": {"id": ogg, "voice": true}});
    let (st, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await;
    assert_eq!(st, 200, "{v}");
    let id = v["messages"][0]["id"].as_str().unwrap().to_string();
    let note = format!("{} .audio .voice", bubble(&id));
    wait_for(&s, "the voice note", "return !!document.querySelector(arguments[0])", json!([note])).await;
    let has = |status: &'static str| {
        let id = id.clone();
        move |r: &WebhookReceiver| statuses(r).iter().any(|x| x["id"] == id.as_str() && x["status"] == status)
    };
    assert!(rcv.wait_until(Duration::from_secs(10), has("read")).await, "read: the chat is open");
    assert!(!has("played")(&rcv), "not played before it is played");
    // Muted, so that the browser lets a script start it (the page was clicked before).
    let play =
        "var a = document.querySelector(arguments[0]); a.muted = true; a.play().catch(function () {}); return true";
    s.eval(play, json!([format!("{} audio", bubble(&id))])).await;
    assert!(rcv.wait_until(Duration::from_secs(10), has("played")).await, "played: {:?}", statuses(&rcv));
}
