//! Interactive media carousels on SQLite and PostgreSQL: a carousel of URL cards and one of
//! quick-reply cards are accepted inside the service window and reach the customer (stream and
//! chat history) as sent; broken carousels get Meta's codes and nothing is sent.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

const CUSTOMER: &str = "15550005555";

fn card(i: usize, action: Value) -> Value {
    json!({"card_index": i, "type": "cta_url",
        "header": {"type": "image", "image": {"link": format!("https://cdn.example.org/p{i}.jpg")}},
        "body": {"text": format!("Deal {i}")}, "action": action})
}

fn carousel(cards: Vec<Value>) -> Value {
    json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "interactive", "interactive": {
        "type": "carousel", "body": {"text": "This week's deals"}, "action": {"cards": cards}}})
}

fn url_card(i: usize) -> Value {
    card(
        i,
        json!({"name": "cta_url", "parameters": {"display_text": "Buy", "url": format!("https://shop.example.org/{i}")}}),
    )
}

fn reply_card(i: usize) -> Value {
    card(
        i,
        json!({"buttons": [{"type": "quick_reply", "quick_reply": {"id": format!("more-{i}"), "title": "More like this"}}]}),
    )
}

async fn carousels(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let customer = app.customer(CUSTOMER, "Cara").await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "show me deals"}})).await;
    let mut device = customer.connect().await;

    for body in [carousel(vec![url_card(0), url_card(1), url_card(2)]), carousel(vec![reply_card(0), reply_card(1)])] {
        let id = app.send_accepted(&body).await;
        let got = device.next_message().await;
        assert_eq!((&got["id"], &got["type"]), (&json!(id), &json!("interactive")), "{got}");
        assert_eq!(got["interactive"], body["interactive"], "{got}");
    }
    let path = format!("/customer/v1/chats/{}/messages", app.business_number());
    let (_, history) = customer.get(&path).await;
    assert_eq!(history["data"][0]["interactive"]["type"], "carousel", "{history}");

    let before = app.queued_statuses().await.len();
    let mut no_body = carousel(vec![url_card(0), url_card(1)]);
    no_body["interactive"]["body"] = Value::Null;
    let mut footer = carousel(vec![url_card(0), url_card(1)]);
    footer["interactive"]["footer"] = json!({"text": "t&c"});
    let mut text_header = url_card(1);
    text_header["header"] = json!({"type": "text", "text": "Deal"});
    for (body, code, needle) in [
        (carousel(vec![url_card(0)]), 131009, "at least 2"),
        (carousel((0..11).map(url_card).collect()), 131009, "at most 10"),
        (carousel(vec![url_card(0), reply_card(1)]), 131009, "same buttons"),
        (carousel(vec![url_card(0), url_card(0)]), 131009, "unique"),
        (carousel(vec![url_card(0), text_header]), 131009, "header.type"),
        (no_body, 131008, "interactive.body"),
        (footer, 131009, "footer"),
    ] {
        let e = assert_graph_error(
            &app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await,
            400,
            code,
        );
        assert!(e["error_data"]["details"].as_str().unwrap().contains(needle), "{e}");
    }
    assert_eq!(app.queued_statuses().await.len(), before);
}
engine_test!(interactive_carousels, super::carousels);
