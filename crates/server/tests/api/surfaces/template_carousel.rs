//! Media card carousel templates on SQLite and PostgreSQL: a MARKETING template with a BODY
//! and a CAROUSEL of cards is created with Meta's shape and approved; broken carousels get
//! Graph error 100 naming the rule; a send fills each card by `card_index`, the customer
//! receives the cards, and the sent status carries marketing pricing like any template.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use crate::uploads::{png, upload_handle};

const CUSTOMER: &str = "15550006666";

fn card(handle: &str, buttons: Value) -> Value {
    json!({"components": [
        {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": [handle]}},
        {"type": "BODY", "text": "Fresh {{1}} from our farm.", "example": {"body_text": [["lemons"]]}},
        {"type": "BUTTONS", "buttons": buttons}]})
}

fn shop_buttons() -> Value {
    json!([{"type": "QUICK_REPLY", "text": "Send more like this"},
           {"type": "URL", "text": "Buy now", "url": "https://shop.example.org/{{1}}", "example": ["lemons"]}])
}

fn carousel_template(name: &str, category: &str, cards: Vec<Value>) -> Value {
    json!({"name": name, "language": "en_US", "category": category, "components": [
        {"type": "BODY", "text": "Summer is here, {{1}}! Take a look at our picks.", "example": {"body_text": [["Ann"]]}},
        {"type": "CAROUSEL", "cards": cards}]})
}

fn send_card(i: usize, fruit: &str) -> Value {
    json!({"card_index": i, "components": [
        {"type": "header", "parameters": [{"type": "image", "image": {"link": format!("https://cdn.example.org/{fruit}.png")}}]},
        {"type": "body", "parameters": [{"type": "text", "text": fruit}]},
        {"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": [{"type": "payload", "payload": format!("more-{fruit}")}]},
        {"type": "button", "sub_type": "url", "index": "1", "parameters": [{"type": "text", "text": fruit}]}]})
}

fn send(cards: Vec<Value>) -> Value {
    json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "template", "template": {
        "name": "summer_picks", "language": {"code": "en_US"}, "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "Cara"}]},
            {"type": "carousel", "cards": cards}]}})
}

async fn carousel_templates(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = format!("/v23.0/{}/message_templates", app.waba_id());
    let h = upload_handle(&app, "image/png", png(64)).await;

    // Broken carousels: Meta's rules, Graph error 100 naming them; nothing is created.
    let mut video = card(&h, shop_buttons());
    video["components"][0]["format"] = json!("VIDEO");
    let mut bodiless = card(&h, shop_buttons());
    bodiless["components"].as_array_mut().unwrap().remove(1);
    let mut text_header = card(&h, shop_buttons());
    text_header["components"][0] = json!({"type": "HEADER", "format": "TEXT", "text": "Lemons"});
    let mut long_body = card(&h, shop_buttons());
    long_body["components"][1]["text"] = json!("x".repeat(161));
    let three = json!([{"type": "QUICK_REPLY", "text": "a"}, {"type": "QUICK_REPLY", "text": "b"}, {"type": "QUICK_REPLY", "text": "c"}]);
    let copy = json!([{"type": "COPY_CODE", "example": "SAVE10"}]);
    let mut with_footer = carousel_template("x", "MARKETING", vec![card(&h, shop_buttons()), card(&h, shop_buttons())]);
    with_footer["components"].as_array_mut().unwrap().push(json!({"type": "FOOTER", "text": "t&c"}));
    let cases = vec![
        (carousel_template("x", "MARKETING", vec![card(&h, shop_buttons())]), "2 to 10 cards"),
        (carousel_template("x", "MARKETING", (0..11).map(|_| card(&h, shop_buttons())).collect()), "2 to 10 cards"),
        (carousel_template("x", "UTILITY", vec![card(&h, shop_buttons()), card(&h, shop_buttons())]), "MARKETING"),
        (carousel_template("x", "MARKETING", vec![card(&h, shop_buttons()), video]), "same components"),
        (carousel_template("x", "MARKETING", vec![card(&h, shop_buttons()), bodiless]), "same components"),
        (
            carousel_template("x", "MARKETING", vec![card(&h, shop_buttons()), card(&h, json!([shop_buttons()[0]]))]),
            "same components",
        ),
        (carousel_template("x", "MARKETING", vec![card(&h, shop_buttons()), text_header]), "IMAGE or VIDEO"),
        (carousel_template("x", "MARKETING", vec![card(&h, three.clone()), card(&h, three)]), "at most 2 buttons"),
        (carousel_template("x", "MARKETING", vec![card(&h, copy.clone()), card(&h, copy)]), "COPY_CODE"),
        (carousel_template("x", "MARKETING", vec![card(&h, shop_buttons()), long_body]), "at most 160"),
        (
            carousel_template("x", "MARKETING", vec![card("not-a-handle", shop_buttons()), card(&h, shop_buttons())]),
            "header_handle",
        ),
        (with_footer, "BODY and a CAROUSEL only"),
    ];
    for (body, needle) in cases {
        let (s, e) = app.post(&path, &body).await;
        assert_eq!(s, 400, "{body}: {e}");
        let details = e["error"]["error_data"]["details"].as_str().unwrap_or_default();
        assert!(details.contains(needle), "{needle}: {e}");
    }

    // A good one: approved, and read back with its cards.
    let (s, v) =
        app.post(&path, &carousel_template("summer_picks", "MARKETING", vec![card(&h, shop_buttons()); 3])).await;
    assert_eq!((s, v["status"].as_str(), v["category"].as_str()), (200, Some("APPROVED"), Some("MARKETING")), "{v}");
    let (_, t) = app.get(&format!("/v23.0/{}?fields=components", v["id"].as_str().unwrap())).await;
    let cards = &t["components"][1]["cards"];
    assert_eq!(
        (t["components"][1]["type"].as_str(), cards.as_array().map(Vec::len)),
        (Some("CAROUSEL"), Some(3)),
        "{t}"
    );
    assert_eq!(cards[2]["components"][2]["buttons"][1]["type"], "URL", "{t}");

    // Sending: every card filled; the customer sees the cards in card_index order.
    let customer = app.customer(CUSTOMER, "Cara").await;
    let mut device = customer.connect().await;
    let id = app.send_accepted(&send(vec![send_card(2, "plums"), send_card(0, "lemons"), send_card(1, "figs")])).await;
    let got = device.next_message().await;
    assert_eq!((&got["id"], &got["type"]), (&json!(id), &json!("template")), "{got}");
    let t = &got["template"];
    assert_eq!(t["body"], "Summer is here, Cara! Take a look at our picks.", "{got}");
    let cards = t["cards"].as_array().expect("cards");
    assert_eq!(cards.len(), 3, "{got}");
    assert_eq!(cards[0]["card_index"], 0);
    assert_eq!(cards[0]["header"], json!({"type": "image", "image": {"link": "https://cdn.example.org/lemons.png"}}));
    assert_eq!(cards[1]["body"], "Fresh figs from our farm.");
    assert_eq!(
        cards[2]["buttons"][0],
        json!({"type": "QUICK_REPLY", "text": "Send more like this", "payload": "more-plums"})
    );
    assert_eq!(cards[2]["buttons"][1]["url"], "https://shop.example.org/plums");

    // A card header by uploaded media id: the customer gets a copy of their own to download.
    let uploaded = app.upload("image/png", &png(64)).await;
    let mut by_id = send_card(1, "figs");
    by_id["components"][0]["parameters"][0] = json!({"type": "image", "image": {"id": uploaded}});
    app.send_accepted(&send(vec![send_card(0, "lemons"), by_id, send_card(2, "plums")])).await;
    let got = device.next_message().await;
    let image = &got["template"]["cards"][1]["header"]["image"];
    assert_eq!(image["mime_type"], "image/png", "{got}");
    let copy = image["id"].as_str().expect("a media id");
    assert_ne!(copy, uploaded);
    let (s, _) = customer.get(&format!("/customer/v1/media/{copy}")).await;
    assert_eq!(s, 200);

    // The sent status is priced as a marketing template.
    let statuses = app.queued_statuses().await;
    let sent = statuses.iter().find(|s| s["id"] == json!(id) && s["status"] == "sent").expect("sent status");
    assert_eq!(sent["pricing"]["category"], "marketing", "{sent}");

    // Broken sends: Meta's template parameter codes, nothing sent.
    let before = app.queued_statuses().await.len();
    let mut no_carousel = send(vec![]);
    no_carousel["template"]["components"].as_array_mut().unwrap().pop();
    let mut bad_media = send_card(1, "figs");
    bad_media["components"][0]["parameters"][0] =
        json!({"type": "video", "video": {"link": "https://cdn.example.org/v.mp4"}});
    let mut by_id = send_card(1, "figs");
    by_id["components"][0]["parameters"][0] = json!({"type": "image", "image": {"id": "123"}});
    for (body, code, needle) in [
        (send(vec![send_card(0, "a"), send_card(1, "b")]), 132000, "3 cards"),
        (no_carousel, 132000, "carousel"),
        (send(vec![send_card(0, "a"), send_card(0, "b"), send_card(1, "c")]), 131009, "more than once"),
        (send(vec![send_card(0, "a"), send_card(1, "b"), send_card(7, "c")]), 131009, "card_index"),
        (send(vec![send_card(0, "a"), bad_media, send_card(2, "c")]), 132012, "cards[1]"),
        (send(vec![send_card(0, "a"), by_id, send_card(2, "c")]), 131009, "no media with id 123"),
    ] {
        let e = assert_graph_error(
            &app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await,
            400,
            code,
        );
        assert!(e["error_data"]["details"].as_str().unwrap().contains(needle), "{needle}: {e}");
    }
    assert_eq!(app.queued_statuses().await.len(), before);
}
engine_test!(media_card_carousel_templates, super::carousel_templates);
