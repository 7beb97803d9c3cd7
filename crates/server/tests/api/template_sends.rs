//! Template sends through HTTP and a real customer device, on SQLite and PostgreSQL: every
//! parameter kind rendered on the customer's stream, each send-time error, a quick-reply tap
//! back to the business, templates as the only thing that can be sent outside the window, and
//! quality: blocks and reports pause a template (3 h, 6 h), then disable it, with webhooks.

use std::time::Duration;

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

const CUSTOMER: &str = "15550001111";

async fn create(app: &TestApp, t: Value) -> String {
    let (s, v) = app.post(&format!("/v23.0/{}/message_templates", app.waba_id()), &t).await;
    assert_eq!(s, 200, "{t}: {v}");
    assert_eq!(v["status"], "APPROVED", "{t}: {v}");
    v["id"].as_str().unwrap().to_string()
}

fn send_body(name: &str, lang: &str, components: Value) -> Value {
    json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "template",
           "template": {"name": name, "language": {"code": lang}, "components": components}})
}

async fn send(app: &TestApp, body: &Value) -> (u16, Value) {
    app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), body).await
}

async fn send_ok(app: &TestApp, name: &str, components: Value) -> String {
    let (s, v) = send(app, &send_body(name, "en_US", components)).await;
    assert_eq!(s, 200, "send {name}: {v}");
    v["messages"][0]["id"].as_str().unwrap().to_string()
}

fn order_template(name: &str, header: Value) -> Value {
    json!({"name": name, "language": "en_US", "category": "UTILITY", "components": [header,
        {"type": "BODY", "text": "Hello {{1}}, your order {{2}} has shipped and is on its way.", "example": {"body_text": [["Ann", "A-1"]]}}]})
}

fn order_params() -> Value {
    json!({"type": "body", "parameters": [{"type": "text", "text": "Ann"}, {"type": "text", "text": "A-7"}]})
}

async fn every_parameter_kind(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer(CUSTOMER, "Alice").await;
    let mut device = c.connect().await;
    let handle = json!({"header_handle": ["4::aGFuZGxl"]});

    // Positional: text header, currency, date_time, quick reply payload, URL suffix, coupon.
    create(&app, json!({"name": "order_confirmation", "language": "en_US", "category": "MARKETING", "components": [
        {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["A-1"]}},
        {"type": "BODY", "text": "Thanks {{1}}! You paid {{2}} on {{3}} for your order.", "example": {"body_text": [["Pablo", "$5", "May 1"]]}},
        {"type": "FOOTER", "text": "Reply STOP to opt out"},
        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Stop promos"}, {"type": "QUICK_REPLY", "text": "More"},
            {"type": "URL", "text": "Track", "url": "https://x.com/t/{{1}}", "example": ["abc"]},
            {"type": "COPY_CODE", "example": "SAVE10"}]}]})).await;
    let id = send_ok(&app, "order_confirmation", json!([
        {"type": "header", "parameters": [{"type": "text", "text": "A-7"}]},
        {"type": "body", "parameters": [{"type": "text", "text": "Jessica"},
            {"type": "currency", "currency": {"fallback_value": "$100.99", "code": "USD", "amount_1000": 100990}},
            {"type": "date_time", "date_time": {"fallback_value": "February 25, 1977"}}]},
        {"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": [{"type": "payload", "payload": "STOP"}]},
        {"type": "button", "sub_type": "url", "index": "2", "parameters": [{"type": "text", "text": "abc"}]},
        {"type": "button", "sub_type": "copy_code", "index": 3, "parameters": [{"type": "coupon_code", "coupon_code": "SAVE25"}]}])).await;
    let m = device.next_message().await;
    assert_eq!((m["id"].as_str(), m["type"].as_str()), (Some(id.as_str()), Some("template")));
    assert_eq!(
        m["template"],
        json!({"name": "order_confirmation", "language": "en_US", "category": "MARKETING",
               "header": {"type": "text", "text": "Order A-7"},
               "body": "Thanks Jessica! You paid $100.99 on February 25, 1977 for your order.",
               "footer": "Reply STOP to opt out",
               "buttons": [{"type": "QUICK_REPLY", "text": "Stop promos", "payload": "STOP"},
                           {"type": "QUICK_REPLY", "text": "More", "payload": "More"},
                           {"type": "URL", "text": "Track", "url": "https://x.com/t/abc"},
                           {"type": "COPY_CODE", "text": "Copy offer code", "code": "SAVE25"}]})
    );
    // The customer taps the quick reply: a `button` message with the template message as context.
    c.send(
        app.business_number(),
        json!({"type": "button", "button": {"payload": "STOP", "text": "Stop promos"}, "context": {"id": id}}),
    )
    .await;
    let inbound = app.queued_inbound().await;
    let tap = &inbound.last().unwrap()["messages"][0];
    assert_eq!(tap["type"], "button");
    assert_eq!(tap["button"], json!({"payload": "STOP", "text": "Stop promos"}));
    assert_eq!(tap["context"]["id"], id.as_str());

    // Named parameters.
    create(&app, json!({"name": "named", "language": "en_US", "category": "UTILITY", "parameter_format": "named", "components": [
        {"type": "BODY", "text": "Hello {{first_name}}, order {{order_id}} is ready for pickup today.",
         "example": {"body_text_named_params": [{"param_name": "first_name", "example": "Ann"}, {"param_name": "order_id", "example": "1"}]}}]})).await;
    send_ok(&app, "named", json!([{"type": "body", "parameters": [
        {"type": "text", "parameter_name": "order_id", "text": "B-2"}, {"type": "text", "parameter_name": "first_name", "text": "Jo"}]}])).await;
    assert_eq!(device.next_message().await["template"]["body"], "Hello Jo, order B-2 is ready for pickup today.");

    // Media headers: image by link, document by id (the customer gets a copy), video; location.
    create(&app, order_template("image_order", json!({"type": "HEADER", "format": "IMAGE", "example": handle}))).await;
    create(&app, order_template("doc_order", json!({"type": "HEADER", "format": "DOCUMENT", "example": handle}))).await;
    create(&app, order_template("video_order", json!({"type": "HEADER", "format": "VIDEO", "example": handle}))).await;
    create(&app, order_template("location_order", json!({"type": "HEADER", "format": "LOCATION"}))).await;
    send_ok(&app, "image_order", json!([{"type": "header", "parameters": [{"type": "image", "image": {"link": "https://example.com/a.jpg"}}]}, order_params()])).await;
    let m = device.next_message().await;
    assert_eq!(m["template"]["header"], json!({"type": "image", "image": {"link": "https://example.com/a.jpg"}}));
    assert_eq!(m["template"]["body"], "Hello Ann, your order A-7 has shipped and is on its way.");
    let pdf = app.upload("application/pdf", b"%PDF-1.4 receipt").await;
    send_ok(&app, "doc_order", json!([{"type": "header", "parameters": [{"type": "document", "document": {"id": pdf, "filename": "receipt.pdf"}}]}, order_params()])).await;
    let m = device.next_message().await;
    let doc = &m["template"]["header"]["document"];
    assert_eq!((doc["filename"].as_str(), doc["mime_type"].as_str()), (Some("receipt.pdf"), Some("application/pdf")));
    let copy = doc["id"].as_str().unwrap();
    assert_ne!(copy, pdf);
    let (s, _) = c.get(&format!("/customer/v1/media/{copy}")).await;
    assert_eq!(s, 200, "the customer can download the header document");
    send_ok(&app, "video_order", json!([{"type": "header", "parameters": [{"type": "video", "video": {"link": "https://example.com/v.mp4"}}]}, order_params()])).await;
    assert_eq!(device.next_message().await["template"]["header"]["type"], "video");
    let loc = json!({"latitude": 37.48, "longitude": -122.14, "name": "HQ", "address": "1 Hacker Way"});
    send_ok(
        &app,
        "location_order",
        json!([{"type": "header", "parameters": [{"type": "location", "location": loc}]}, order_params()]),
    )
    .await;
    assert_eq!(device.next_message().await["template"]["header"], json!({"type": "location", "location": loc}));

    // Authentication: the code fills the body and the copy-code button.
    create(
        &app,
        json!({"name": "login", "language": "en_US", "category": "AUTHENTICATION", "components": [
        {"type": "BODY", "add_security_recommendation": true}, {"type": "FOOTER", "code_expiration_minutes": 10},
        {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}]}]}),
    )
    .await;
    send_ok(
        &app,
        "login",
        json!([{"type": "body", "parameters": [{"type": "text", "text": "123456"}]},
        {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "123456"}]}]),
    )
    .await;
    let t = device.next_message().await["template"].clone();
    assert_eq!(t["body"], "*123456* is your verification code. For your security, do not share this code.");
    assert_eq!(t["footer"], "This code expires in 10 minutes.");
    assert_eq!(t["buttons"][0], json!({"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code", "code": "123456"}));

    // The seeded sample.
    send_ok(&app, "hello_world", json!([])).await;
    let t = device.next_message().await["template"].clone();
    assert_eq!((t["header"]["text"].as_str(), t["body"].as_str()), (Some("Hello World"), Some("Hello World")));
    assert_eq!(t["footer"], "WhatsApp Business Platform sample message");
    app.stop().await;
}
engine_test!(every_parameter_kind_renders_on_the_device, super::every_parameter_kind);

async fn send_errors(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let handle = json!({"header_handle": ["4::aGFuZGxl"]});
    create(&app, order_template("image_order", json!({"type": "HEADER", "format": "IMAGE", "example": handle}))).await;
    create(&app, json!({"name": "footer_body", "language": "en_US", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Dear customer {{1}}, here is your statement for this month.", "example": {"body_text": [["Ann"]]}},
        {"type": "FOOTER", "text": "Thanks"}]})).await;
    let image =
        json!({"type": "header", "parameters": [{"type": "image", "image": {"link": "https://example.com/a.jpg"}}]});
    let cases: Vec<(Value, u16, i64, &str)> = vec![
        (send_body("nope", "en_US", json!([])), 404, 132001, "does not exist"),
        (send_body("image_order", "es", json!([image, order_params()])), 404, 132001, "does not exist"),
        (send_body("image_order", "en_US", json!([image])), 400, 132000, "number of"),
        (send_body("image_order", "en_US", json!([order_params()])), 400, 132000, "header"),
        (
            send_body(
                "image_order",
                "en_US",
                json!([{"type": "header", "parameters": [{"type": "video", "video": {"link": "https://e.com/v.mp4"}}]}, order_params()]),
            ),
            400,
            132012,
            "format mismatch",
        ),
        (
            send_body(
                "image_order",
                "en_US",
                json!([image, {"type": "body", "parameters": [
            {"type": "text", "text": "Ann"}, {"type": "image", "image": {"link": "https://e.com/a.jpg"}}]}]),
            ),
            400,
            132012,
            "cannot fill",
        ),
        (
            send_body(
                "footer_body",
                "en_US",
                json!([{"type": "body", "parameters": [{"type": "text", "text": "x".repeat(1000)}]}]),
            ),
            400,
            132005,
            "longer than 1024",
        ),
        (
            send_body(
                "hello_world",
                "en_US",
                json!([{"type": "button", "sub_type": "quick_reply", "index": 0, "parameters": []}]),
            ),
            400,
            131009,
            "button",
        ),
    ];
    for (body, status, code, needle) in cases {
        let e = assert_graph_error(&send(&app, &body).await, status, code);
        let d = e["error_data"]["details"].as_str().unwrap();
        assert!(d.contains(needle), "{body}: {d:?} should mention {needle:?}");
    }
    assert!(app.queued_statuses().await.is_empty(), "rejected sends store nothing");
    app.stop().await;
}
engine_test!(each_send_time_error_code, super::send_errors);

async fn window(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer(CUSTOMER, "Alice").await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    app.post_as("/sandbox/v1/clock/advance", &json!({"by": "25h"}), None).await;
    let text = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text", "text": {"body": "late"}});
    let (s, v) = send(&app, &text).await;
    assert_eq!(s, 200);
    let late = v["messages"][0]["id"].as_str().unwrap().to_string();
    let tmpl = send_ok(&app, "hello_world", json!([])).await;
    let statuses = app.queued_statuses().await;
    let of = |id: &str| statuses.iter().find(|s| s["id"] == id).cloned().unwrap();
    assert_eq!(of(&late)["status"], "failed");
    assert_eq!(of(&late)["errors"][0]["code"], 131047);
    assert_eq!(of(&tmpl)["status"], "sent");
    // A number that never wrote gets the template too.
    let (s, v) = send(
        &app,
        &json!({"messaging_product": "whatsapp", "to": "15550002222", "type": "template",
        "template": {"name": "hello_world", "language": {"code": "en_US"}}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let mut device = c.connect().await;
    let m = device.next_message().await;
    assert_eq!((m["id"].as_str(), m["type"].as_str()), (Some(tmpl.as_str()), Some("template")));
    assert!(device.next_within(Duration::from_millis(300)).await.is_none(), "the failed text never arrives");
    app.stop().await;
}
engine_test!(only_a_template_can_be_sent_after_the_window, super::window);

async fn quality_events(app: &TestApp, id: &str) -> Vec<(String, Value)> {
    app.outbox()
        .await
        .into_iter()
        .filter(|(f, v)| {
            f.starts_with("message_template")
                && v["message_template_id"].as_u64().map(|n| n.to_string()).as_deref() == Some(id)
        })
        .collect()
}

fn promo_to(to: &str, params: &Value) -> Value {
    let mut b = send_body("promo_blast", "en_US", params.clone());
    b["to"] = json!(to);
    b
}

/// Each customer gets the template, then blocks (or reports and blocks) the business. Blocks
/// are real: each customer unblocks first, so every round's block is a new one (and the
/// template message is delivered, not failed).
async fn feedback(
    app: &TestApp,
    customers: &[risala_testkit::customer::TestCustomer],
    id: &str,
    params: &Value,
    round: usize,
) {
    for (i, c) in customers.iter().enumerate() {
        let (s, v) = c.post(&format!("/customer/v1/chats/{}/unblock", app.business_number()), &json!({})).await;
        assert_eq!(s, 200, "{v}");
        let (s, v) = send(app, &promo_to(&c.wa_id, params)).await;
        assert_eq!(s, 200, "round {round}: {v}");
        let kind = if i % 2 == 0 { "block" } else { "report" };
        let body = if kind == "report" { json!({"block": true}) } else { json!({}) };
        let (s, v) = c.post(&format!("/customer/v1/chats/{}/{kind}", app.business_number()), &body).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["template_id"], id);
    }
}

async fn quality(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let id = create(&app, json!({"name": "promo_blast", "language": "en_US", "category": "MARKETING", "components": [
        {"type": "BODY", "text": "Big news {{1}}: everything in the store is half price this week.", "example": {"body_text": [["Ann"]]}}]})).await;
    let params = json!([{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}]);
    let customers = [
        app.customer("15550001111", "A").await,
        app.customer("15550001112", "B").await,
        app.customer("15550001113", "C").await,
    ];
    let send_to = |to: &str| promo_to(to, &params);
    // No template message yet: feedback is accepted and counts for nothing.
    let (s, v) = customers[0].post(&format!("/customer/v1/chats/{}/block", app.business_number()), &json!({})).await;
    assert_eq!((s, v["template_id"].clone()), (200, Value::Null));

    feedback(&app, &customers, &id, &params, 1).await;
    let ev = quality_events(&app, &id).await;
    let quality: Vec<_> =
        ev.iter().filter(|(f, _)| f == "message_template_quality_update").map(|(_, v)| v.clone()).collect();
    assert_eq!(quality[0]["previous_quality_score"], "UNKNOWN");
    assert_eq!(quality[0]["new_quality_score"], "YELLOW");
    assert_eq!(quality[1]["new_quality_score"], "RED");
    assert_eq!(quality[1]["message_template_name"], "promo_blast");
    let paused = &ev.last().unwrap().1;
    assert_eq!(
        (paused["event"].as_str(), paused["other_info"]["title"].as_str()),
        (Some("PAUSED"), Some("FIRST_PAUSE"))
    );
    let e = assert_graph_error(&send(&app, &send_to(CUSTOMER)).await, 400, 132015);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("paused"));
    let (_, t) = app.get(&format!("/v23.0/{id}?fields=status,quality_score")).await;
    assert_eq!((t["status"].as_str(), t["quality_score"]["score"].as_str()), (Some("PAUSED"), Some("RED")));

    // The first pause lasts 3 hours: still paused at 2h59m, unpaused (with a webhook) after.
    app.post_as("/sandbox/v1/clock/advance", &json!({"by": "2h59m"}), None).await;
    assert_graph_error(&send(&app, &send_to(CUSTOMER)).await, 400, 132015);
    app.post_as("/sandbox/v1/clock/advance", &json!({"by": "2m"}), None).await;
    let (s, v) = send(&app, &send_to(CUSTOMER)).await;
    assert_eq!(s, 200, "{v}");
    let ev = quality_events(&app, &id).await;
    let unpause = ev.iter().rev().find(|(f, _)| f == "message_template_status_update").unwrap();
    assert_eq!(
        (unpause.1["event"].as_str(), unpause.1["other_info"]["title"].as_str()),
        (Some("APPROVED"), Some("UNPAUSE"))
    );

    // Second pause: 6 hours.
    feedback(&app, &customers, &id, &params, 2).await;
    let ev = quality_events(&app, &id).await;
    assert_eq!(ev.last().unwrap().1["other_info"]["title"], "SECOND_PAUSE");
    app.post_as("/sandbox/v1/clock/advance", &json!({"by": "5h"}), None).await;
    assert_graph_error(&send(&app, &send_to(CUSTOMER)).await, 400, 132015);
    app.post_as("/sandbox/v1/clock/advance", &json!({"by": "61m"}), None).await;
    // Third time: disabled for good.
    feedback(&app, &customers, &id, &params, 3).await;
    let ev = quality_events(&app, &id).await;
    let last = &ev.last().unwrap().1;
    assert_eq!(last["event"], "DISABLED");
    assert!(last["disable_info"]["disable_date"].is_i64());
    let e = assert_graph_error(&send(&app, &send_to(CUSTOMER)).await, 400, 132016);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("disabled"));
    app.post_as("/sandbox/v1/clock/advance", &json!({"by": "30d"}), None).await;
    assert_graph_error(&send(&app, &send_to(CUSTOMER)).await, 400, 132016);
    let events: Vec<_> = quality_events(&app, &id)
        .await
        .into_iter()
        .filter(|(f, _)| f == "message_template_status_update")
        .map(|(_, v)| v["other_info"]["title"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(events, ["", "FIRST_PAUSE", "UNPAUSE", "SECOND_PAUSE", "UNPAUSE", "DISABLED"]);
    app.stop().await;
}
engine_test!(negative_feedback_pauses_then_disables, super::quality);
