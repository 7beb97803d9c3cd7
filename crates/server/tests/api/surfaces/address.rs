//! Address messages on SQLite and PostgreSQL: `interactive.type = "address_message"` is
//! validated (country IN/SG and its form fields) and sent; the customer fills the form or
//! picks a saved address through the customer API, and the business webhook receives Meta's
//! `nfm_reply` named `address_message`, quoting the message, with the values in
//! `response_json`.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

const CUSTOMER: &str = "919876543210";

fn address_message(parameters: Value) -> Value {
    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": CUSTOMER, "type": "interactive",
           "interactive": {"type": "address_message",
               "body": {"text": "Thanks for your order! Tell us what address you'd like this order delivered to."},
               "action": {"name": "address_message", "parameters": parameters}}})
}

/// The `nfm_reply` webhook messages queued so far.
async fn replies(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    for v in app.queued_inbound().await {
        for m in v["messages"].as_array().into_iter().flatten() {
            if m["interactive"]["type"] == "nfm_reply" {
                out.push(m.clone());
            }
        }
    }
    out
}

async fn address_messages(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let customer = app.customer(CUSTOMER, "Asha").await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "deliver please"}})).await;
    let mut device = customer.connect().await;

    // Meta's shapes: a bare form, and one with prefilled values, errors and saved addresses.
    let plain = address_message(json!({"country": "IN"}));
    let full = address_message(json!({"country": "IN",
        "values": {"name": "Asha", "phone_number": "+919876543210", "in_pin_code": "400063"},
        "validation_errors": {"in_pin_code": "We could not locate this pin code."},
        "saved_addresses": [{"id": "home", "value": {"name": "Asha", "in_pin_code": "400063",
            "building_name": "Sea View", "address": "12 Marine Drive", "city": "Mumbai", "state": "Maharashtra"}}]}));
    let plain_id = app.send_accepted(&plain).await;
    let got = device.next_message().await;
    assert_eq!((&got["id"], &got["interactive"]), (&json!(plain_id), &plain["interactive"]), "{got}");
    let full_id = app.send_accepted(&full).await;
    assert_eq!(device.next_message().await["interactive"], full["interactive"]);

    // Broken address messages: Meta's codes, nothing sent.
    let before = app.queued_statuses().await.len();
    let mut no_body = plain.clone();
    no_body["interactive"]["body"] = Value::Null;
    let mut wrong_name = plain.clone();
    wrong_name["interactive"]["action"]["name"] = json!("send_address");
    for (body, code, needle) in [
        (address_message(json!({})), 131008, "country"),
        (address_message(json!({"country": "US"})), 131009, "country"),
        (address_message(json!({"country": "SG", "values": {"in_pin_code": "400063"}})), 131009, "in_pin_code"),
        (address_message(json!({"country": "IN", "values": {"in_pin_code": "40006311"}})), 131009, "at most 6"),
        (address_message(json!({"country": "IN", "values": {"city": 7}})), 131009, "string"),
        (
            address_message(
                json!({"country": "IN", "saved_addresses": [{"id": "a", "value": {}}, {"id": "a", "value": {}}]}),
            ),
            131009,
            "unique",
        ),
        (address_message(json!({"country": "IN", "zip": "1"})), 100, "zip"),
        (no_body, 131008, "interactive.body"),
        (wrong_name, 131009, "action.name"),
    ] {
        let e = assert_graph_error(
            &app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &body).await,
            400,
            code,
        );
        assert!(e["error_data"]["details"].as_str().unwrap().contains(needle), "{needle}: {e}");
    }
    assert_eq!(app.queued_statuses().await.len(), before);

    // The customer fills the plain form.
    let values = json!({"name": "Asha", "in_pin_code": "400063", "house_number": "4B", "city": "Mumbai", "state": "Maharashtra"});
    let (s, v) = customer.post(&format!("/customer/v1/addresses/{plain_id}"), &json!({"values": values})).await;
    assert_eq!(s, 200, "{v}");
    // … and picks the saved address of the other, correcting the house number.
    let (s, v2) = customer
        .post(
            &format!("/customer/v1/addresses/{full_id}"),
            &json!({"saved_address_id": "home", "values": {"house_number": "7"}}),
        )
        .await;
    assert_eq!(s, 200, "{v2}");

    let got = replies(&app).await;
    assert_eq!(got.len(), 2, "{got:?}");
    let first = &got[0];
    assert_eq!(
        (&first["id"], &first["type"], &first["from"]),
        (&v["id"], &json!("interactive"), &json!(CUSTOMER)),
        "{first}"
    );
    assert_eq!(first["context"]["id"], json!(plain_id), "{first}");
    assert_eq!(first["interactive"]["nfm_reply"]["name"], "address_message", "{first}");
    let answer: Value =
        serde_json::from_str(first["interactive"]["nfm_reply"]["response_json"].as_str().unwrap()).unwrap();
    assert_eq!(answer, json!({"values": values}));
    let second: Value =
        serde_json::from_str(got[1]["interactive"]["nfm_reply"]["response_json"].as_str().unwrap()).unwrap();
    assert_eq!(second["saved_address_id"], "home");
    assert_eq!(
        (second["values"]["house_number"].as_str(), second["values"]["city"].as_str()),
        (Some("7"), Some("Mumbai"))
    );

    // Answers that do not fit the message.
    for (path, body, needle) in [
        (format!("/customer/v1/addresses/{plain_id}"), json!({"values": {"sg_post_code": "123456"}}), "sg_post_code"),
        (format!("/customer/v1/addresses/{plain_id}"), json!({}), "values"),
        (format!("/customer/v1/addresses/{full_id}"), json!({"saved_address_id": "office"}), "office"),
        (format!("/customer/v1/addresses/{plain_id}"), json!({"values": {}, "extra": 1}), "extra"),
        ("/customer/v1/addresses/wamid.nope".to_string(), json!({"values": {"city": "Pune"}}), "no address message"),
    ] {
        let (s, e) = customer.post(&path, &body).await;
        assert_eq!(s, 400, "{body}: {e}");
        assert!(e["error"]["error_data"]["details"].as_str().unwrap_or_default().contains(needle), "{needle}: {e}");
    }
    assert_eq!(replies(&app).await.len(), 2);
}
engine_test!(address_messages_are_sent_and_answered, super::address_messages);
