//! Business-scoped user ids (BSUIDs), usernames and number changes, on SQLite and PostgreSQL:
//! a business sends with `recipient` (every type, templates too) to a BSUID of its own and only
//! its own; the same BSUID everywhere (inbound, statuses, send responses, preferences); a
//! customer who sets a username and hides their number reaches businesses by BSUID alone; a
//! customer who changes number keeps their history, gets new BSUIDs, and each business hears
//! of it in a `user_changed_number` system message; the old number and BSUID reach no one.

use risala_core::model::Permission;
use risala_core::tenancy::NewPhoneNumber;
use risala_testkit::customer::TestCustomer;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use crate::support::{send, CUSTOMER};

const NEW_NUMBER: &str = "15550002222";

/// The customer's BSUID at the demo business, from the last inbound webhook.
async fn last_inbound_user_id(app: &TestApp) -> String {
    let values = app.queued_inbound().await;
    let v = values.last().expect("an inbound webhook");
    v["contacts"][0]["user_id"].as_str().expect("contacts[].user_id").to_string()
}

/// A message to `recipient` (a BSUID), no `to`.
fn to_user(user_id: &str, message: Value) -> Value {
    let mut body = message;
    body["messaging_product"] = json!("whatsapp");
    body["recipient"] = json!(user_id);
    body
}

/// The status webhook values (whole `value` objects) of message `id`, in order.
async fn status_values(app: &TestApp, id: &str) -> Vec<Value> {
    app.outbox()
        .await
        .into_iter()
        .filter(|(f, v)| f == "messages" && v["statuses"][0]["id"] == id)
        .map(|(_, v)| v)
        .collect()
}

async fn customer_writes(app: &TestApp, c: &TestCustomer, text: &str) -> String {
    c.send(app.business_number(), json!({"type": "text", "text": {"body": text}})).await
}

async fn recipient_sends(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let customer = app.customer(CUSTOMER, "Alice").await;
    let mut device = customer.connect().await;
    let hello = customer_writes(&app, &customer, "hi").await;
    let user_id = last_inbound_user_id(&app).await;
    assert!(user_id.starts_with("US."), "{user_id}");
    app.create_approved_templates(&[("order_update", "UTILITY", "Your order {{1}} shipped")]).await;
    let image = app.upload("image/png", b"\x89PNG\r\n\x1a\n fake image").await;

    // Every type reaches the customer's device when addressed by BSUID alone; the answer
    // names the BSUID, not the number.
    let cases = [
        json!({"type": "text", "text": {"body": "by user id"}}),
        json!({"type": "image", "image": {"id": image, "caption": "a picture"}}),
        json!({"type": "location", "location": {"latitude": 1.5, "longitude": 2.5}}),
        json!({"type": "reaction", "reaction": {"message_id": hello, "emoji": "👍"}}),
        json!({"type": "interactive", "interactive": {"type": "button", "body": {"text": "Pick"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "y", "title": "Yes"}}]}}}),
        json!({"type": "template", "template": {"name": "order_update", "language": {"code": "en_US"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "A-1"}]}]}}),
    ];
    for case in cases {
        let (s, v) = send(&app, to_user(&user_id, case.clone())).await;
        assert_eq!(s, 200, "{case}: {v}");
        assert_eq!(v["contacts"], json!([{"input": user_id, "user_id": user_id}]), "{v}");
        let got = device.next_message().await;
        assert_eq!(got["id"], v["messages"][0]["id"], "{got}");
        assert_eq!(got["type"], case["type"]);
    }

    // With both `to` and `recipient`, `to` wins, and the answer follows the number.
    let (s, v) = send(
        &app,
        json!({"messaging_product": "whatsapp", "to": CUSTOMER, "recipient": "US.1", "text": {"body": "x"}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["contacts"], json!([{"input": CUSTOMER, "wa_id": CUSTOMER}]));

    // Unknown, malformed and mistyped recipients.
    let text = json!({"type": "text", "text": {"body": "x"}});
    let e = assert_graph_error(&send(&app, to_user("US.12345678901234567890", text.clone())).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("recipient"), "{e}");
    assert_graph_error(&send(&app, to_user("16505551234", text.clone())).await, 400, 131009);
    assert_graph_error(&send(&app, to_user(&user_id.to_lowercase(), text.clone())).await, 400, 131009);
    let mut bad = to_user(&user_id, text.clone());
    bad["recipient"] = json!(42);
    assert_graph_error(&send(&app, bad).await, 400, 100);
    assert_graph_error(&send(&app, json!({"messaging_product": "whatsapp", "text": {"body": "x"}})).await, 400, 131008);

    // Authentication templates still need a number (131062).
    let auth = json!({"name": "login", "language": "en_US", "category": "AUTHENTICATION", "components": [
        {"type": "BODY", "add_security_recommendation": true},
        {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}]}]});
    let (s, v) = app.post(&format!("/v23.0/{}/message_templates", app.waba_id()), &auth).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("APPROVED")), "{v}");
    let login = json!({"type": "template", "template": {"name": "login", "language": {"code": "en_US"}, "components": [
        {"type": "body", "parameters": [{"type": "text", "text": "123456"}]},
        {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "123456"}]}]}});
    assert_graph_error(&send(&app, to_user(&user_id, login.clone())).await, 400, 131062);
    let mut by_number = login;
    by_number["to"] = json!(CUSTOMER);
    by_number["messaging_product"] = json!("whatsapp");
    assert_eq!(send(&app, by_number).await.0, 200);
    app.stop().await;
}
engine_test!(a_business_sends_to_a_business_scoped_user_id, super::recipient_sends);

/// A second business with a number of its own and a token for it: (phone number id, number,
/// token).
async fn other_business(app: &TestApp) -> (String, String, String) {
    let t = &app.state.tenancy;
    let b = t.create_business("Other Co").await.unwrap();
    let w = t.create_waba(&b.id, "Other WABA").await.unwrap();
    let p = t
        .create_phone_number(NewPhoneNumber {
            waba_id: &w.id,
            number: "+15550109999",
            verified_name: "Other",
            account_mode: "SANDBOX",
        })
        .await
        .unwrap();
    let (_, token) = t.create_token(&b.id, "other", &Permission::ALL, None).await.unwrap();
    (p.id, "15550109999".to_string(), token)
}

async fn scoped_per_business(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let (other_id, other_number, other_token) = other_business(&app).await;
    let customer = app.customer(CUSTOMER, "Alice").await;
    customer_writes(&app, &customer, "hi demo").await;
    let ours = last_inbound_user_id(&app).await;
    customer.send(&other_number, json!({"type": "text", "text": {"body": "hi other"}})).await;
    let values = app.queued_inbound().await;
    let theirs = values.last().unwrap()["contacts"][0]["user_id"].as_str().unwrap().to_string();
    assert_ne!(ours, theirs, "one customer, one BSUID per business");
    assert_eq!(values.last().unwrap()["metadata"]["phone_number_id"], other_id.as_str());

    // Each business reaches the customer by its own BSUID, and not by the other's.
    let text = json!({"type": "text", "text": {"body": "hello"}});
    assert_graph_error(&send(&app, to_user(&theirs, text.clone())).await, 400, 131009);
    let other_path = format!("/v23.0/{other_id}/messages");
    let (s, v) = app.post_as(&other_path, &to_user(&ours, text.clone()), Some(&other_token)).await;
    assert_graph_error(&(s, v), 400, 131009);
    let (s, v) = app.post_as(&other_path, &to_user(&theirs, text.clone()), Some(&other_token)).await;
    assert_eq!(s, 200, "{v}");
    // Still the same BSUID at the demo business on its next message.
    customer_writes(&app, &customer, "again").await;
    assert_eq!(last_inbound_user_id(&app).await, ours);
    app.stop().await;
}
engine_test!(business_scoped_user_ids_are_scoped_to_one_business, super::scoped_per_business);

async fn the_same_id_everywhere(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let customer = app.customer(CUSTOMER, "Alice").await;
    customer_writes(&app, &customer, "hi").await;
    let user_id = last_inbound_user_id(&app).await;
    let inbound = app.queued_inbound().await;
    assert_eq!(inbound[0]["messages"][0]["from_user_id"], user_id.as_str());
    assert_eq!(inbound[0]["messages"][0]["from"], CUSTOMER);
    assert_eq!(inbound[0]["contacts"][0]["wa_id"], CUSTOMER);

    // A send by number and one by BSUID: their answers, and every status of each.
    let (s, by_number) =
        send(&app, json!({"messaging_product": "whatsapp", "to": CUSTOMER, "text": {"body": "a"}})).await;
    assert_eq!(s, 200, "{by_number}");
    let (s, by_id) = send(&app, to_user(&user_id, json!({"text": {"body": "b"}}))).await;
    assert_eq!(s, 200, "{by_id}");
    assert_eq!(by_id["contacts"][0]["user_id"], user_id.as_str());
    for answer in [&by_number, &by_id] {
        let id = answer["messages"][0]["id"].as_str().unwrap();
        customer.ack(id, "read").await;
        let values = status_values(&app, id).await;
        let statuses: Vec<&str> = values.iter().map(|v| v["statuses"][0]["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["sent", "delivered", "read"]);
        for v in &values {
            assert_eq!(v["statuses"][0]["recipient_user_id"], user_id.as_str(), "{v}");
            assert_eq!(v["statuses"][0]["recipient_id"], CUSTOMER, "{v}");
            assert_eq!(v["contacts"], json!([{"wa_id": CUSTOMER, "user_id": user_id}]), "{v}");
        }
    }
    // A failed send (outside the window) names the customer the same way.
    app.advance_clock("25h").await;
    let (s, late) = send(&app, to_user(&user_id, json!({"text": {"body": "late"}}))).await;
    assert_eq!(s, 200, "{late}");
    let failed = status_values(&app, late["messages"][0]["id"].as_str().unwrap()).await;
    assert_eq!(failed[0]["statuses"][0]["status"], "failed");
    assert_eq!(failed[0]["statuses"][0]["errors"][0]["code"], 131047);
    assert_eq!(failed[0]["statuses"][0]["recipient_user_id"], user_id.as_str());
    assert_eq!(failed[0]["contacts"][0]["user_id"], user_id.as_str());

    // The marketing preference webhook too.
    let (s, v) = customer
        .post(&format!("/customer/v1/chats/{}/marketing", app.business_number()), &json!({"value": "stop"}))
        .await;
    assert_eq!(s, 200, "{v}");
    let prefs: Vec<Value> =
        app.outbox().await.into_iter().filter(|(f, _)| f == "user_preferences").map(|(_, v)| v).collect();
    assert_eq!(prefs[0]["contacts"][0]["user_id"], user_id.as_str());
    assert_eq!(prefs[0]["user_preferences"][0]["user_id"], user_id.as_str());
    assert_eq!(prefs[0]["user_preferences"][0]["wa_id"], CUSTOMER);
    app.stop().await;
}
engine_test!(one_business_scoped_user_id_in_every_payload, super::the_same_id_everywhere);

async fn hidden_number(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let customer = app.customer(CUSTOMER, "Alice").await;
    let other = app.customer(NEW_NUMBER, "Bob").await;

    // Settings: a username is needed to hide the number; usernames are unique and checked.
    assert_graph_error(&customer.post("/customer/v1/me", &json!({"hide_number": true})).await, 400, 131009);
    assert_graph_error(&customer.post("/customer/v1/me", &json!({"username": "a b"})).await, 400, 131009);
    assert_graph_error(&customer.post("/customer/v1/me", &json!({"username": 7})).await, 400, 100);
    assert_graph_error(&customer.post("/customer/v1/me", &json!({"colour": "red"})).await, 400, 100);
    let (s, me) = customer.post("/customer/v1/me", &json!({"username": "Alice.W", "hide_number": true})).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me, json!({"wa_id": CUSTOMER, "profile_name": "Alice", "username": "alice.w", "hide_number": true}));
    assert_eq!(customer.get("/customer/v1/me").await.1, me);
    assert_graph_error(&other.post("/customer/v1/me", &json!({"username": "alice.w"})).await, 400, 131009);

    // The business sees the username and the BSUID, never the number.
    customer_writes(&app, &customer, "hi, privately").await;
    let v = app.queued_inbound().await.pop().unwrap();
    let user_id = v["contacts"][0]["user_id"].as_str().unwrap().to_string();
    assert_eq!(v["contacts"][0], json!({"profile": {"name": "Alice", "username": "alice.w"}, "user_id": user_id}));
    assert!(v["messages"][0].get("from").is_none(), "{v}");
    assert_eq!(v["messages"][0]["from_user_id"], user_id.as_str());
    assert!(!v.to_string().contains(CUSTOMER), "the number appears nowhere: {v}");

    // Its reply by BSUID arrives; its statuses name the customer by BSUID alone, with the
    // username on delivered and read.
    let (s, reply) = send(&app, to_user(&user_id, json!({"text": {"body": "hello"}}))).await;
    assert_eq!(s, 200, "{reply}");
    let id = reply["messages"][0]["id"].as_str().unwrap();
    customer.ack(id, "read").await;
    let values = status_values(&app, id).await;
    assert_eq!(values.len(), 3);
    for v in &values {
        assert!(!v.to_string().contains(CUSTOMER), "{v}");
        assert_eq!(v["statuses"][0]["recipient_id"], user_id.as_str());
        assert_eq!(v["statuses"][0]["recipient_user_id"], user_id.as_str());
    }
    assert_eq!(values[0]["contacts"], json!([{"user_id": user_id}]));
    assert_eq!(values[2]["contacts"], json!([{"profile": {"username": "alice.w"}, "user_id": user_id}]));

    // A business that knows the number may still send to it (Meta: sending to a phone number
    // keeps working); then it sees the number for 30 days.
    let (s, v) =
        send(&app, json!({"messaging_product": "whatsapp", "to": CUSTOMER, "text": {"body": "by number"}})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["contacts"], json!([{"input": CUSTOMER, "wa_id": CUSTOMER}]));
    let sent = status_values(&app, v["messages"][0]["id"].as_str().unwrap()).await;
    assert_eq!(sent[0]["contacts"], json!([{"wa_id": CUSTOMER, "user_id": user_id}]));
    customer_writes(&app, &customer, "seen").await;
    let v = app.queued_inbound().await.pop().unwrap();
    assert_eq!(v["messages"][0]["from"], CUSTOMER);
    assert_eq!(v["contacts"][0]["wa_id"], CUSTOMER);
    app.advance_clock("721h").await;
    // (Sessions last 30 days too: sign in again.)
    let customer = app.customer(CUSTOMER, "Alice").await;
    customer_writes(&app, &customer, "hidden again").await;
    let v = app.queued_inbound().await.pop().unwrap();
    assert!(v["messages"][0].get("from").is_none() && v["contacts"][0].get("wa_id").is_none(), "{v}");

    // Showing the number again, and removing the username.
    let (s, me) = customer.post("/customer/v1/me", &json!({"username": null})).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!((&me["username"], &me["hide_number"]), (&Value::Null, &json!(false)));
    customer_writes(&app, &customer, "plain").await;
    let v = app.queued_inbound().await.pop().unwrap();
    assert_eq!(v["contacts"][0], json!({"profile": {"name": "Alice"}, "wa_id": CUSTOMER, "user_id": user_id}));
    // The username is free for another customer now.
    let other = app.customer(NEW_NUMBER, "Bob").await;
    assert_eq!(other.post("/customer/v1/me", &json!({"username": "alice.w"})).await.0, 200);
    app.stop().await;
}
engine_test!(a_customer_hides_their_number_behind_a_username, super::hidden_number);

async fn number_change(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    app.create_approved_templates(&[(
        "promo",
        "MARKETING",
        "Hello {{1}}, new arrivals are waiting for you in our store this week.",
    )])
    .await;
    let customer = app.customer(CUSTOMER, "Alice").await;
    let _other = app.customer("15550003333", "Carol").await;
    customer_writes(&app, &customer, "hi").await;
    let old_user_id = last_inbound_user_id(&app).await;
    let (s, v) = send(&app, json!({"messaging_product": "whatsapp", "to": CUSTOMER, "text": {"body": "before"}})).await;
    assert_eq!(s, 200, "{v}");
    let marketing = format!("/customer/v1/chats/{}/marketing", app.business_number());
    assert_eq!(customer.post(&marketing, &json!({"value": "stop"})).await.0, 200);

    // Refused: the same number, another customer's, a business number, not a number.
    let change = "/customer/v1/me/change_number";
    assert_graph_error(&customer.post(change, &json!({"phone": CUSTOMER})).await, 400, 131009);
    assert_graph_error(&customer.post(change, &json!({"phone": "+1 555 000 3333"})).await, 400, 131009);
    assert_graph_error(&customer.post(change, &json!({"phone": app.business_number()})).await, 400, 131009);
    assert_graph_error(&customer.post(change, &json!({"phone": "not a number"})).await, 400, 131009);
    assert_graph_error(&customer.post(change, &json!({})).await, 400, 131008);

    let (s, me) = customer.post(change, &json!({"phone": format!("+{NEW_NUMBER}")})).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["wa_id"], NEW_NUMBER);
    assert_eq!(customer.get("/customer/v1/me").await.1["wa_id"], NEW_NUMBER, "the session follows the customer");

    // The business hears of it: Meta's system message, no contacts, the new number and the
    // new BSUID beside the previous one.
    let v = app.queued_inbound().await.pop().unwrap();
    assert!(v.get("contacts").is_none(), "{v}");
    let m = &v["messages"][0];
    assert_eq!((&m["type"], &m["from"], &m["from_user_id"]), (&json!("system"), &json!(CUSTOMER), &json!(old_user_id)));
    let new_user_id = m["system"]["user_id"].as_str().unwrap().to_string();
    assert_ne!(new_user_id, old_user_id, "a number change gives a new BSUID");
    assert_eq!(
        m["system"],
        json!({"body": format!("User Alice changed from {CUSTOMER} to {NEW_NUMBER}"), "wa_id": NEW_NUMBER,
               "type": "user_changed_number", "user_id": new_user_id, "previous_user_id": old_user_id})
    );

    // History follows: the chat's messages, the open window, the marketing preference.
    let (s, h) = customer.get(&format!("/customer/v1/chats/{}/messages", app.business_number())).await;
    assert_eq!(s, 200, "{h}");
    assert!(h.to_string().contains("before"), "{h}");
    let (s, chats) = customer.get("/customer/v1/chats").await;
    assert_eq!((s, chats["data"].as_array().map(Vec::len)), (200, Some(1)), "{chats}");
    let (s, v) =
        send(&app, json!({"messaging_product": "whatsapp", "to": NEW_NUMBER, "text": {"body": "in window"}})).await;
    assert_eq!(s, 200, "{v}");
    let sent = status_values(&app, v["messages"][0]["id"].as_str().unwrap()).await;
    assert_eq!(sent[0]["statuses"][0]["status"], "sent", "the window followed: {sent:?}");
    assert_eq!(sent[0]["statuses"][0]["recipient_user_id"], new_user_id.as_str());
    let promo = json!({"messaging_product": "whatsapp", "to": NEW_NUMBER, "type": "template", "template": {"name": "promo",
        "language": {"code": "en_US"}, "components": [{"type": "body", "parameters": [{"type": "text", "text": "you"}]}]}});
    let (s, v) = send(&app, promo).await;
    assert_eq!(s, 200, "{v}");
    let st = status_values(&app, v["messages"][0]["id"].as_str().unwrap()).await;
    assert_eq!(st[0]["statuses"][0]["errors"][0]["code"], 131050, "the marketing stop followed: {st:?}");

    // The new BSUID reaches them; the old one and the old number reach no one.
    let (s, v) = send(&app, to_user(&new_user_id, json!({"text": {"body": "new id"}}))).await;
    assert_eq!(s, 200, "{v}");
    assert_graph_error(&send(&app, to_user(&old_user_id, json!({"text": {"body": "old id"}}))).await, 400, 131009);
    let (s, v) =
        send(&app, json!({"messaging_product": "whatsapp", "to": CUSTOMER, "text": {"body": "old number"}})).await;
    assert_eq!(s, 200, "{v}");
    let st = status_values(&app, v["messages"][0]["id"].as_str().unwrap()).await;
    assert_eq!(st[0]["statuses"][0]["status"], "failed");
    assert_eq!(st[0]["statuses"][0]["errors"][0]["code"], 131026, "{st:?}");

    // The customer writes from the new number, as the business now knows them.
    customer_writes(&app, &customer, "new me").await;
    let v = app.queued_inbound().await.pop().unwrap();
    assert_eq!(v["contacts"][0], json!({"profile": {"name": "Alice"}, "wa_id": NEW_NUMBER, "user_id": new_user_id}));
    app.stop().await;
}
engine_test!(a_number_change_moves_the_customer_and_tells_the_business, super::number_change);

async fn number_change_needs_a_code_in_platform_mode(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    config.mode = risala_server::Mode::Platform;
    let app = TestApp::start_with(config).await.unwrap();
    let code_of = |wa_id: &str| {
        let text = std::fs::read_to_string(app.config.data_dir.join("sign-in-codes.log")).unwrap();
        let line = text.lines().rev().find(|l| l.split(' ').nth(1) == Some(wa_id)).unwrap().to_string();
        line.split(' ').nth(2).unwrap().to_string()
    };
    let (s, v) = app.post_as("/customer/v1/session/code", &json!({"phone": CUSTOMER}), None).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) =
        app.post_as("/customer/v1/session", &json!({"phone": CUSTOMER, "code": code_of(CUSTOMER)}), None).await;
    assert_eq!(s, 200, "{v}");
    let token = v["token"].as_str().unwrap().to_string();
    let change = |body: Value| {
        let token = token.clone();
        let app = &app;
        async move { app.post_as("/customer/v1/me/change_number", &body, Some(&token)).await }
    };
    assert_graph_error(&change(json!({"phone": NEW_NUMBER})).await, 400, 131008);
    let (s, v) = app.post_as("/customer/v1/session/code", &json!({"phone": NEW_NUMBER}), None).await;
    assert_eq!(s, 200, "{v}");
    let right = code_of(NEW_NUMBER);
    let wrong = if right == "000000" { "000001" } else { "000000" };
    assert_graph_error(&change(json!({"phone": NEW_NUMBER, "code": wrong})).await, 403, 131005);
    let (s, v) = change(json!({"phone": NEW_NUMBER, "code": right})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["wa_id"], NEW_NUMBER);
    app.stop().await;
}
engine_test!(
    a_number_change_needs_the_new_numbers_code_in_platform_mode,
    super::number_change_needs_a_code_in_platform_mode
);
