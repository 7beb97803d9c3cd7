//! Template sends through HTTP and a real customer device, on SQLite and PostgreSQL: every
//! parameter kind rendered on the customer's stream (named parameters too), each send-time
//! error, a quick-reply tap back to the business, templates as the only thing that can be sent
//! outside the window, and Meta's own send examples.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{create_approved, create_ok, send, send_body, template_send, CUSTOMER};
use crate::uploads::{png, upload_handle};

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
    let handle = json!({"header_handle": [upload_handle(&app, "image/png", png(64)).await]});

    // Positional: text header, currency, date_time, quick reply payload, URL suffix, coupon.
    create_approved(&app, json!({"name": "order_confirmation", "language": "en_US", "category": "MARKETING", "components": [
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
    create_approved(&app, json!({"name": "named", "language": "en_US", "category": "UTILITY", "parameter_format": "named", "components": [
        {"type": "BODY", "text": "Hello {{first_name}}, order {{order_id}} is ready for pickup today.",
         "example": {"body_text_named_params": [{"param_name": "first_name", "example": "Ann"}, {"param_name": "order_id", "example": "1"}]}}]})).await;
    send_ok(&app, "named", json!([{"type": "body", "parameters": [
        {"type": "text", "parameter_name": "order_id", "text": "B-2"}, {"type": "text", "parameter_name": "first_name", "text": "Jo"}]}])).await;
    assert_eq!(device.next_message().await["template"]["body"], "Hello Jo, order B-2 is ready for pickup today.");

    // Media headers: image by link, document by id (the customer gets a copy), video; location.
    create_approved(
        &app,
        order_template("image_order", json!({"type": "HEADER", "format": "IMAGE", "example": handle})),
    )
    .await;
    create_approved(
        &app,
        order_template("doc_order", json!({"type": "HEADER", "format": "DOCUMENT", "example": handle})),
    )
    .await;
    create_approved(
        &app,
        order_template("video_order", json!({"type": "HEADER", "format": "VIDEO", "example": handle})),
    )
    .await;
    create_approved(&app, order_template("location_order", json!({"type": "HEADER", "format": "LOCATION"}))).await;
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
    create_approved(
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
    let handle = json!({"header_handle": [upload_handle(&app, "image/png", png(64)).await]});
    create_approved(
        &app,
        order_template("image_order", json!({"type": "HEADER", "format": "IMAGE", "example": handle})),
    )
    .await;
    create_approved(&app, json!({"name": "footer_body", "language": "en_US", "category": "UTILITY", "components": [
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
    app.post("/sandbox/v1/clock/advance", &json!({"by": "25h"})).await;
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
    assert!(device.frames_before_reply().await.is_empty(), "the failed text never arrives");
    app.stop().await;
}
engine_test!(only_a_template_can_be_sent_after_the_window, super::window);

async fn named_send_errors(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    create_ok(&app, json!({"name": "pickup", "language": "en_US", "category": "UTILITY", "parameter_format": "named",
        "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Order {{order_id}}",
             "example": {"header_text_named_params": [{"param_name": "order_id", "example": "1"}]}},
            {"type": "BODY", "text": "Hello {{first_name}}, order {{order_id}} is ready for pickup today.",
             "example": {"body_text_named_params": [{"param_name": "first_name", "example": "Ann"}, {"param_name": "order_id", "example": "1"}]}}]}))
    .await;
    let named = |n: &str, text: &str| json!({"type": "text", "parameter_name": n, "text": text});
    let header = json!({"type": "header", "parameters": [named("order_id", "B-2")]});
    let body = |params: Value| json!([header, {"type": "body", "parameters": params}]);
    let to = "15550005555";
    let c = app.customer(to, "Jo").await;
    let mut device = c.connect().await;
    let (s, v) =
        send(&app, &template_send(to, "pickup", body(json!([named("order_id", "B-2"), named("first_name", "Jo")]))))
            .await;
    assert_eq!(s, 200, "{v}");
    let t = device.next_message().await["template"].clone();
    assert_eq!(t["header"], json!({"type": "text", "text": "Order B-2"}));
    assert_eq!(t["body"], "Hello Jo, order B-2 is ready for pickup today.");

    let cases: Vec<(Value, i64, &str)> = vec![
        (body(json!([{"type": "text", "text": "Jo"}, named("order_id", "B-2")])), 132000, "parameter_name is required"),
        (body(json!([named("first", "Jo"), named("order_id", "B-2")])), 132000, "no parameter named 'first'"),
        (body(json!([named("first_name", "Jo"), named("first_name", "Al")])), 132000, "order_id"),
        (body(json!([named("first_name", "Jo")])), 132000, "number of"),
        (
            body(json!([{"type": "image", "parameter_name": "first_name", "image": {"link": "https://e.com/a.jpg"}},
                         named("order_id", "B-2")])),
            132012,
            "cannot fill",
        ),
        (body(json!([named("first_name", &"x".repeat(1000)), named("order_id", "B-2")])), 132005, "1024"),
        (
            json!([{"type": "header", "parameters": [named("order_id", &"y".repeat(60))]},
                   {"type": "body", "parameters": [named("first_name", "Jo"), named("order_id", "B-2")]}]),
            132005,
            "60",
        ),
        // A parameter is one line with at most 4 spaces in a row, in the body and the header.
        (body(json!([named("first_name", "Jo\n\nAnn"), named("order_id", "B-2")])), 132018, "new-line/tab"),
        (body(json!([named("first_name", "Jo     Ann"), named("order_id", "B-2")])), 132018, "4 consecutive spaces"),
        (
            json!([{"type": "header", "parameters": [named("order_id", "B\t2")]},
                   {"type": "body", "parameters": [named("first_name", "Jo"), named("order_id", "B-2")]}]),
            132018,
            "header.parameters[0]",
        ),
    ];
    for (components, code, needle) in cases {
        let e = assert_graph_error(&send(&app, &template_send(to, "pickup", components.clone())).await, 400, code);
        let d = e["error_data"]["details"].as_str().unwrap();
        assert!(d.contains(needle), "{components}: {d:?} should mention {needle:?}");
    }
    // A send that goes through follows any that reached the device, in order.
    let (s, v) =
        send(&app, &template_send(to, "pickup", body(json!([named("order_id", "B-2"), named("first_name", "Jo")]))))
            .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(device.next_message().await["id"], v["messages"][0]["id"], "no refused send reaches the device");
    app.stop().await;
}
engine_test!(named_parameter_send_errors, super::named_send_errors);

/// Meta's template send examples (`/{Phone-Number-ID}/messages` POST in the v23.0 OpenAPI
/// file), hand-copied, each to a template made to match it. Placeholders (`<TEMPLATE_NAME>`,
/// `template-name`, `language-and-locale-code`, the recipient) are given real values.
async fn spec_send_examples(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let to = "16505551234";
    let c = app.customer(to, "Jones").await;
    let mut device = c.connect().await;
    let three = "Your order of {{1}} items ships on {{2}} and arrives by {{3}} at your door.";
    let ex3 = json!({"body_text": [["2", "Monday", "Friday"]]});
    let qr = json!({"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Yes"}, {"type": "QUICK_REPLY", "text": "No"}]});
    let sample = upload_handle(&app, "image/png", png(64)).await;
    let image = json!({"type": "HEADER", "format": "IMAGE", "example": {"header_handle": [sample]}});
    let flow_id = crate::flows::published(&app, "signup").await;
    for t in [
        json!({"name": "intro_catalog_offer", "language": "en_US", "category": "MARKETING", "components": [
            {"type": "BODY", "text": "Now shop for your favourite products right here on WhatsApp! Get Rs {{1}} off on all orders above {{2}}Rs! Valid for your first {{3}} orders placed on WhatsApp!",
             "example": {"body_text": [["100", "400", "3"]]}},
            {"type": "BUTTONS", "buttons": [{"type": "CATALOG", "text": "View catalog"}]}]}),
        json!({"name": "flow_signup", "language": "en_US", "category": "MARKETING", "components": [
            {"type": "BODY", "text": "Check out this new offer"},
            {"type": "BUTTONS", "buttons": [{"type": "FLOW", "text": "Open", "flow_id": flow_id, "flow_action": "navigate", "navigate_screen": "WELCOME"}]}]}),
        json!({"name": "order_interactive", "language": "en_US", "category": "UTILITY",
               "components": [image.clone(), {"type": "BODY", "text": three, "example": ex3.clone()}, qr.clone()]}),
        json!({"name": "order_media", "language": "en_US", "category": "UTILITY",
               "components": [image, {"type": "BODY", "text": three, "example": ex3.clone()}]}),
        json!({"name": "order_text", "language": "en_US", "category": "UTILITY",
               "components": [{"type": "BODY", "text": three, "example": ex3}]}),
        json!({"name": "sample_issue_resolution", "language": "en_US", "category": "UTILITY", "components": [
            {"type": "BODY", "text": "Hi {{1}}, were we able to solve the issue that you were facing?", "example": {"body_text": [["Ann"]]}}, qr]}),
    ] {
        let v = create_ok(&app, t.clone()).await;
        assert_eq!(v["status"], "APPROVED", "{t}: {v}");
    }
    let media_body = json!([
        {"parameters": [{"image": {"link": "https://example.com/the-image.jpg"}, "type": "image"}], "type": "header"},
        {"parameters": [{"text": "text-string", "type": "text"},
            {"currency": {"amount_1000": 100990, "code": "USD", "fallback_value": "$100.99"}, "type": "currency"},
            {"date_time": {"calendar": "GREGORIAN", "day_of_month": 25, "day_of_week": 5, "fallback_value": "February 25, 1977",
                           "hour": 15, "minute": 33, "month": 2, "year": 1977}, "type": "date_time"}], "type": "body"}]);
    let mut interactive = media_body.clone();
    interactive.as_array_mut().unwrap().extend([
        json!({"index": "0", "parameters": [{"payload": "aGlzIHRoaXMgaXMgY29v", "type": "payload"}], "sub_type": "quick_reply", "type": "button"}),
        json!({"index": "1", "parameters": [{"payload": "9rwnB8RbYmPF5t2Mn09x4h", "type": "payload"}], "sub_type": "quick_reply", "type": "button"}),
    ]);
    let text_body = json!([media_body[1].clone()]);
    let examples = vec![
        (
            "intro_catalog_offer",
            json!({"code": "en_US"}),
            json!([
            {"parameters": [{"text": "100", "type": "text"}, {"text": "400", "type": "text"}, {"text": "3", "type": "text"}], "type": "body"},
            {"index": 0, "parameters": [{"action": {"thumbnail_product_retailer_id": "2lc20305pt"}, "type": "action"}], "sub_type": "CATALOG", "type": "button"}]),
        ),
        (
            "flow_signup",
            json!({"code": "en_US"}),
            json!([
            {"index": "0", "parameters": [{"action": {"flow_action_data": {"<CUSTOM_KEY>": "<CUSTOM_VALUE>"}, "flow_token": "<FLOW_TOKEN>"}, "type": "action"}],
             "sub_type": "flow", "type": "button"}]),
        ),
        ("order_interactive", json!({"code": "en_US"}), interactive),
        ("order_media", json!({"code": "en_US"}), media_body),
        ("order_text", json!({"code": "en_US"}), text_body),
        (
            "sample_issue_resolution",
            json!({"code": "en_US", "policy": "deterministic"}),
            json!([
            {"parameters": [{"text": "*Mr. Jones*", "type": "text"}], "type": "body"},
            {"index": 0, "parameters": [{"text": true, "type": "text"}], "sub_type": "quick_reply", "type": "button"},
            {"index": 1, "parameters": [{"text": false, "type": "text"}], "sub_type": "quick_reply", "type": "button"}]),
        ),
    ];
    let mut seen = Vec::new();
    for (name, language, components) in examples {
        let body = json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": format!("+{to}"), "type": "template",
                          "template": {"components": components, "language": language, "name": name}});
        let (s, v) = send(&app, &body).await;
        assert_eq!(s, 200, "{name}: {v}");
        seen.push(device.next_message().await["template"].clone());
    }
    // "Send Test Message": hello_world without components.
    let (s, v) = send(
        &app,
        &json!({"messaging_product": "whatsapp", "template": {"language": {"code": "en_US"}, "name": "hello_world"},
                                     "to": to, "type": "template"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(device.next_message().await["template"]["name"], "hello_world");

    assert_eq!(
        seen[0]["body"],
        "Now shop for your favourite products right here on WhatsApp! Get Rs 100 off on all orders above 400Rs! Valid for your first 3 orders placed on WhatsApp!"
    );
    assert_eq!(seen[0]["buttons"][0]["action"], json!({"thumbnail_product_retailer_id": "2lc20305pt"}));
    assert_eq!(seen[1]["buttons"][0]["action"]["flow_token"], "<FLOW_TOKEN>");
    assert_eq!(
        seen[2]["body"],
        "Your order of text-string items ships on $100.99 and arrives by February 25, 1977 at your door."
    );
    assert_eq!(seen[2]["buttons"][1]["payload"], "9rwnB8RbYmPF5t2Mn09x4h");
    assert_eq!(seen[3]["header"]["image"]["link"], "https://example.com/the-image.jpg");
    assert_eq!(seen[5]["body"], "Hi *Mr. Jones*, were we able to solve the issue that you were facing?");
    assert_eq!(
        (seen[5]["buttons"][0]["payload"].as_str(), seen[5]["buttons"][1]["payload"].as_str()),
        (Some("true"), Some("false"))
    );
    app.stop().await;
}
engine_test!(meta_spec_send_examples_are_accepted, super::spec_send_examples);

/// A limited-time offer template (Meta's marketing template with an offer and its countdown):
/// created with Meta's example, its rules refused with 100, and sent with the offer's end,
/// which the customer's device receives with the offer's text.
async fn limited_time_offer(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let offer = |extra: Value, body: &str| {
        let mut components = vec![
            json!({"type": "limited_time_offer", "limited_time_offer": {"text": "Expiring offer!", "has_expiration": true}}),
            json!({"type": "body", "text": body, "example": {"body_text": [["Pablo", "CARIBE25"]]}}),
            json!({"type": "buttons", "buttons": [
                {"type": "copy_code", "example": "CARIBE25"},
                {"type": "url", "text": "Book now!", "url": "https://www.luckyshrub.com/offers?code={{1}}",
                 "example": ["https://www.luckyshrub.com/offers?ref=n3mtql"]}]}),
        ];
        if !extra.is_null() {
            components.push(extra);
        }
        json!({"name": "limited_offer", "language": "en_US", "category": "marketing", "components": components})
    };
    let text = "Good news, {{1}}! Use code {{2}} to get 25% off all Caribbean Destination packages!";
    let path = format!("/v23.0/{}/message_templates", app.waba_id());
    for (bad, why) in [
        (offer(json!({"type": "footer", "text": "Terms apply"}), text), "no FOOTER"),
        (offer(Value::Null, &format!("{{{{1}}}} and {{{{2}}}} {}", "x".repeat(600))), "600"),
        (
            {
                let mut b = offer(Value::Null, text);
                b["category"] = json!("utility");
                b
            },
            "MARKETING",
        ),
        (
            {
                let mut b = offer(Value::Null, text);
                b["components"][0]["limited_time_offer"]["text"] = json!("An offer of seventeen");
                b
            },
            "16",
        ),
        (
            {
                let mut b = offer(Value::Null, text);
                b["components"][2]["buttons"][0]["example"] = json!("SIXTEEN-CHARS-XX");
                b
            },
            "15",
        ),
    ] {
        let e = assert_graph_error(&app.post(&path, &bad).await, 400, 100);
        assert!(e["error_data"]["details"].as_str().unwrap().contains(why), "{why}: {e}");
    }
    let t = create_ok(&app, offer(Value::Null, text)).await;
    assert_eq!(t["status"], "APPROVED", "{t}");
    let (_, got) = app.get(&format!("/v23.0/{}?fields=components", t["id"].as_str().unwrap())).await;
    assert_eq!(
        got["components"][0],
        json!({"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Expiring offer!", "has_expiration": true}})
    );

    let c = app.customer(CUSTOMER, "Pablo").await;
    let mut device = c.connect().await;
    let components = |offer: Option<Value>| {
        let mut list = vec![
            json!({"type": "body", "parameters": [{"type": "text", "text": "Pablo"}, {"type": "text", "text": "CARIBE25"}]}),
            json!({"type": "button", "sub_type": "copy_code", "index": 0, "parameters": [{"type": "coupon_code", "coupon_code": "CARIBE25"}]}),
            json!({"type": "button", "sub_type": "url", "index": 1, "parameters": [{"type": "text", "text": "n3mtql"}]}),
        ];
        if let Some(o) = offer {
            list.insert(0, json!({"type": "limited_time_offer", "parameters": [o]}));
        }
        Value::Array(list)
    };
    let ends =
        json!({"type": "limited_time_offer", "limited_time_offer": {"expiration_time_ms": 1_209_600_000_000_i64}});
    let (s, v) = send(&app, &template_send(CUSTOMER, "limited_offer", components(Some(ends)))).await;
    assert_eq!(s, 200, "{v}");
    let got = device.next_message().await["template"].clone();
    assert_eq!(
        got["limited_time_offer"],
        json!({"text": "Expiring offer!", "expiration_time_ms": 1_209_600_000_000_i64})
    );
    assert_eq!(got["buttons"][0]["code"], "CARIBE25");

    // An offer that counts down needs its end; a coupon code is 15 characters at most here.
    let e =
        assert_graph_error(&send(&app, &template_send(CUSTOMER, "limited_offer", components(None))).await, 400, 132000);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("expiration_time_ms"), "{e}");
    let mut long =
        components(Some(json!({"type": "limited_time_offer", "limited_time_offer": {"expiration_time_ms": 5}})));
    long[2]["parameters"][0]["coupon_code"] = json!("SIXTEEN-CHARS-XX");
    assert_graph_error(&send(&app, &template_send(CUSTOMER, "limited_offer", long)).await, 400, 132005);
    // An offer for a template without one.
    let mut plain_template = super::utility("plain_note", "Hello {{1}}, see our new shop today.");
    plain_template["category"] = json!("MARKETING");
    create_approved(&app, plain_template).await;
    let plain = json!([{"type": "limited_time_offer", "parameters": [{"type": "limited_time_offer", "limited_time_offer": {"expiration_time_ms": 5}}]},
                       {"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}]);
    assert_graph_error(&send(&app, &template_send(CUSTOMER, "plain_note", plain)).await, 400, 132000);
    app.stop().await;
}
engine_test!(a_limited_time_offer_is_created_and_sent, super::limited_time_offer);
