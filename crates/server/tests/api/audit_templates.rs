//! Template behaviour the other template tests leave out, through HTTP on SQLite and
//! PostgreSQL: the template webhooks delivered by the delivery engine to a subscribed receiver
//! (signed, in Meta's envelope, only the subscribed fields), pause lengths from the
//! configuration, named-parameter send errors, and the button kinds and counts not covered in
//! `templates.rs`.

use std::time::Duration;

use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

const VERIFY: &str = "audit-templates-verify";
const TEMPLATE_FIELDS: [&str; 3] =
    ["message_template_status_update", "template_category_update", "message_template_quality_update"];

fn templates_path(app: &TestApp) -> String {
    format!("/v23.0/{}/message_templates", app.waba_id())
}

async fn create(app: &TestApp, t: &Value) -> (u16, Value) {
    app.post(&templates_path(app), t).await
}

async fn create_ok(app: &TestApp, t: Value) -> Value {
    let (s, v) = create(app, &t).await;
    assert_eq!(s, 200, "create {t}: {v}");
    v
}

fn utility(name: &str, text: &str) -> Value {
    json!({"name": name, "language": "en_US", "category": "UTILITY",
           "components": [{"type": "BODY", "text": text, "example": {"body_text": [["Ann"]]}}]})
}

fn template_send(to: &str, name: &str, components: Value) -> Value {
    json!({"messaging_product": "whatsapp", "to": to, "type": "template",
           "template": {"name": name, "language": {"code": "en_US"}, "components": components}})
}

fn ann() -> Value {
    json!([{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}])
}

async fn send(app: &TestApp, body: &Value) -> (u16, Value) {
    app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), body).await
}

async fn advance(app: &TestApp, by: &str) {
    let (s, v) = app.post_as("/sandbox/v1/clock/advance", &json!({"by": by}), None).await;
    assert_eq!(s, 200, "{v}");
}

async fn template_status(app: &TestApp, id: &str) -> String {
    let (s, v) = app.get(&format!("/v23.0/{id}?fields=status")).await;
    assert_eq!(s, 200, "{v}");
    v["status"].as_str().unwrap().to_string()
}

/// The customer gets the template, then blocks the business (unblocking first, so the block
/// is a new one).
async fn send_then_block(app: &TestApp, c: &risala_testkit::customer::TestCustomer, name: &str) {
    let biz = app.business_number();
    let (s, v) = c.post(&format!("/customer/v1/chats/{biz}/unblock"), &json!({})).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = send(app, &template_send(&c.wa_id, name, ann())).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = c.post(&format!("/customer/v1/chats/{biz}/block"), &json!({})).await;
    assert_eq!((s, v["blocked"].as_bool()), (200, Some(true)), "{v}");
}

async fn template_webhooks_delivered(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    config.template_pause_after_feedback = 1;
    let app = TestApp::start_with(config).await.unwrap();
    let rcv = WebhookReceiver::start(VERIFY).await.unwrap();
    rcv.set_app_secret(&app.demo.app.app_secret);
    let sub = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": VERIFY,
                     "fields": TEMPLATE_FIELDS.join(",")});
    let (s, v) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &sub).await;
    assert_eq!(s, 200, "{v}");

    // Approved, reclassified, rejected, then paused for a customer's block.
    let ok = create_ok(&app, utility("ship_note", "Hello {{1}}, your order has shipped and is on its way.")).await;
    assert_eq!(ok["status"], "APPROVED");
    let promo =
        create_ok(&app, utility("promo_note", "Hello {{1}}, our summer sale starts today in every store.")).await;
    assert_eq!(promo["category"], "MARKETING");
    let bad = create_ok(&app, utility("bad_note", "{{1}}, your order has shipped and is on its way.")).await;
    assert_eq!(bad["status"], "REJECTED");
    let c = app.customer("15550003333", "Cy").await;
    send_then_block(&app, &c, "ship_note").await;
    let id = ok["id"].as_str().unwrap();
    assert_eq!(template_status(&app, id).await, "PAUSED");

    // Everything queued for these fields arrives, in order, and nothing else does (the
    // template's `sent` status is a `messages` change, not subscribed).
    let queued: Vec<(String, Value)> =
        app.outbox().await.into_iter().filter(|(f, _)| TEMPLATE_FIELDS.contains(&f.as_str())).collect();
    let kinds: Vec<&str> = queued.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "message_template_status_update",
            "template_category_update",
            "message_template_status_update",
            "message_template_status_update",
            "message_template_quality_update",
            "message_template_status_update"
        ],
        "{queued:?}"
    );
    assert!(
        rcv.wait_until(Duration::from_secs(15), |r| r.accepted().len() >= queued.len()).await,
        "{} of {} delivered",
        rcv.accepted().len(),
        queued.len()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got: Vec<(String, Value)> = rcv.accepted().into_iter().map(|(_, f, v)| (f, v)).collect();
    assert_eq!(got, queued, "the receiver gets exactly the queued template changes");
    for p in rcv.posts() {
        assert_eq!(p.signature_valid, Some(true), "{:?}", p.signature);
        assert_eq!(p.json["object"], "whatsapp_business_account");
        for e in p.json["entry"].as_array().unwrap() {
            assert_eq!(e["id"], app.waba_id(), "{}", p.json);
            assert!(e["time"].is_i64(), "template entries carry time: {}", p.json);
        }
    }
    // Meta's value shapes.
    let pause = &got[5].1;
    assert_eq!(pause["event"], "PAUSED");
    assert_eq!(pause["message_template_id"], json!(id.parse::<u64>().unwrap()));
    assert_eq!(pause["other_info"]["title"], "FIRST_PAUSE");
    assert!(pause["other_info"]["description"].is_string(), "{pause}");
    assert_eq!(
        got[4].1,
        json!({"previous_quality_score": "UNKNOWN", "new_quality_score": "RED", "message_template_id": id.parse::<u64>().unwrap(),
               "message_template_name": "ship_note", "message_template_language": "en_US"})
    );
    assert_eq!(
        (got[1].1["previous_category"].as_str(), got[1].1["new_category"].as_str()),
        (Some("UTILITY"), Some("MARKETING"))
    );
    assert_eq!((got[3].1["event"].as_str(), got[3].1["reason"].as_str()), (Some("REJECTED"), Some("INVALID_FORMAT")));
    app.stop().await;
}
engine_test!(template_webhooks_reach_a_subscribed_receiver, super::template_webhooks_delivered);

async fn configured_pauses(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    config.template_pauses = vec!["30m".into()];
    config.template_pause_after_feedback = 2;
    let app = TestApp::start_with(config).await.unwrap();
    let id = create_ok(&app, utility("bill_ready", "Hello {{1}}, your monthly bill is ready to view online.")).await
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = app.customer("15550004441", "A").await;
    let b = app.customer("15550004442", "B").await;
    let to_a = template_send(&a.wa_id, "bill_ready", ann());

    // One block of two: YELLOW, still sendable. The second: RED and the configured 30-minute pause.
    send_then_block(&app, &a, "bill_ready").await;
    let (_, t) = app.get(&format!("/v23.0/{id}?fields=status,quality_score")).await;
    assert_eq!((t["status"].as_str(), t["quality_score"]["score"].as_str()), (Some("APPROVED"), Some("YELLOW")), "{t}");
    send_then_block(&app, &b, "bill_ready").await;
    assert_eq!(template_status(&app, &id).await, "PAUSED");
    advance(&app, "29m").await;
    assert_graph_error(&send(&app, &to_a).await, 400, 132015);
    advance(&app, "2m").await;
    let (s, v) = send(&app, &to_a).await;
    assert_eq!(s, 200, "paused for 30 minutes only: {v}");
    assert_eq!(template_status(&app, &id).await, "APPROVED");

    // Only one pause is configured, so the next RED disables the template.
    send_then_block(&app, &a, "bill_ready").await;
    send_then_block(&app, &b, "bill_ready").await;
    assert_eq!(template_status(&app, &id).await, "DISABLED");
    assert_graph_error(&send(&app, &to_a).await, 400, 132016);
    let titles: Vec<String> = app
        .outbox()
        .await
        .into_iter()
        .filter(|(f, v)| {
            f == "message_template_status_update" && v["message_template_id"] == json!(id.parse::<u64>().unwrap())
        })
        .map(|(_, v)| format!("{}/{}", v["event"].as_str().unwrap(), v["other_info"]["title"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(titles, ["APPROVED/", "PAUSED/FIRST_PAUSE", "APPROVED/UNPAUSE", "DISABLED/DISABLED"]);
    app.stop().await;

    // A pause length that is not a duration is refused at start.
    let mut config = db.config();
    config.template_pauses = vec!["soon".into()];
    assert!(TestApp::start_with(config).await.is_err());
}
engine_test!(template_pauses_follow_the_configuration, super::configured_pauses);

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
    ];
    for (components, code, needle) in cases {
        let e = assert_graph_error(&send(&app, &template_send(to, "pickup", components.clone())).await, 400, code);
        let d = e["error_data"]["details"].as_str().unwrap();
        assert!(d.contains(needle), "{components}: {d:?} should mention {needle:?}");
    }
    assert!(device.next_within(Duration::from_millis(300)).await.is_none(), "no refused send reaches the device");
    app.stop().await;
}
engine_test!(named_parameter_send_errors, super::named_send_errors);

async fn button_kinds(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let body = json!({"type": "BODY", "text": "Hello {{1}}, take a look at our new catalog this week.", "example": {"body_text": [["Ann"]]}});
    let marketing = |name: &str, extra: Value| json!({"name": name, "language": "en_US", "category": "MARKETING", "components": [body.clone(), extra]});
    let buttons = |b: Value| json!({"type": "BUTTONS", "buttons": b});
    let auth = |name: &str, button: Value| {
        json!({"name": name, "language": "en_US", "category": "AUTHENTICATION", "components": [
            {"type": "BODY", "add_security_recommendation": true}, {"type": "BUTTONS", "buttons": [button]}]})
    };
    // The kinds not created elsewhere, and a GIF header.
    let accepted = vec![
        marketing("with_catalog", buttons(json!([{"type": "CATALOG", "text": "View catalog"}]))),
        marketing("with_spm", buttons(json!([{"type": "SPM", "text": "View"}]))),
        marketing("with_call", buttons(json!([{"type": "VOICE_CALL", "text": "Call us"}]))),
        json!({"name": "with_gif", "language": "en_US", "category": "MARKETING", "components": [
            {"type": "HEADER", "format": "GIF", "example": {"header_handle": ["4::aGFuZGxl"]}}, body.clone()]}),
        auth(
            "zero_tap",
            json!({"type": "OTP", "otp_type": "ZERO_TAP", "package_name": "com.example.app", "signature_hash": "K8a/AINcGX7",
                   "zero_tap_terms_accepted": true}),
        ),
        auth(
            "one_tap_apps",
            json!({"type": "OTP", "otp_type": "ONE_TAP", "supported_apps": [{"package_name": "com.example.app", "signature_hash": "K8a/AINcGX7"}]}),
        ),
    ];
    for t in accepted {
        let v = create_ok(&app, t.clone()).await;
        assert_eq!(v["status"], "APPROVED", "{t}: {v}");
    }
    let (_, l) = app.get(&format!("{}?name=with_catalog&fields=components", templates_path(&app))).await;
    assert_eq!(l["data"][0]["components"][1]["buttons"][0]["type"], "CATALOG", "{l}");

    let phone = json!({"type": "PHONE_NUMBER", "text": "Call", "phone_number": "15550100001"});
    let code = json!({"type": "COPY_CODE", "example": "SAVE10"});
    let call = json!({"type": "VOICE_CALL", "text": "Call us"});
    let flow = json!({"type": "FLOW", "text": "Open", "flow_id": "1"});
    let refused: Vec<(Value, &str)> = vec![
        (marketing("x", buttons(json!([phone, phone]))), "at most 1 PHONE_NUMBER"),
        (marketing("x", buttons(json!([code, code]))), "at most 1 COPY_CODE"),
        (marketing("x", buttons(json!([call, call]))), "at most 1 VOICE_CALL"),
        (marketing("x", buttons(json!([flow, flow]))), "at most 1 FLOW"),
        (
            marketing("x", buttons(json!([{"type": "CATALOG", "text": "A"}, {"type": "CATALOG", "text": "B"}]))),
            "at most 1 CATALOG",
        ),
        (marketing("x", buttons(json!([{"type": "WEBVIEW", "text": "Go"}]))), "is not one of"),
        (marketing("x", buttons(json!([{"type": "SPM"}]))), "text"),
        (marketing("x", buttons(json!([{"type": "QUICK_REPLY", "text": "Hi {{1}}"}]))), "cannot contain variables"),
        (marketing("x", buttons(json!([{"type": "FLOW", "text": "Open"}]))), "flow_id, flow_name, flow_json"),
        (
            marketing("x", buttons(json!([{"type": "FLOW", "text": "Open", "flow_id": "1", "flow_name": "n"}]))),
            "one of flow_id",
        ),
        (
            marketing("x", buttons(json!([{"type": "FLOW", "text": "Open", "flow_id": "1", "flow_action": "jump"}]))),
            "navigate, data_exchange",
        ),
        (
            marketing("x", buttons(json!([{"type": "PHONE_NUMBER", "text": "Call", "phone_number": "call-me"}]))),
            "digits only",
        ),
        (marketing("x", buttons(json!([{"type": "URL", "text": "Go", "url": "ftp://x.com"}]))), "http"),
        (
            auth(
                "x",
                json!({"type": "OTP", "otp_type": "ZERO_TAP", "package_name": "com.example.app", "signature_hash": "K8a"}),
            ),
            "zero_tap_terms_accepted",
        ),
        (auth("x", json!({"type": "OTP", "otp_type": "TWO_TAP"})), "otp_type"),
        (auth("x", json!({"type": "QUICK_REPLY", "text": "Hi"})), "only an OTP button"),
        (
            json!({"name": "x", "language": "en_US", "category": "AUTHENTICATION", "components": [
                {"type": "BODY", "add_security_recommendation": true},
                {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}, {"type": "OTP", "otp_type": "COPY_CODE"}]}]}),
            "at most 1 OTP",
        ),
    ];
    for (t, needle) in refused {
        let e = assert_graph_error(&create(&app, &t).await, 400, 100);
        let d = e["error_data"]["details"].as_str().unwrap();
        assert!(d.contains(needle), "{t}: {d:?} should mention {needle:?}");
    }
    app.stop().await;
}
engine_test!(button_kinds_and_counts, super::button_kinds);

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
    let image = json!({"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aGFuZGxl"]}});
    for t in [
        json!({"name": "intro_catalog_offer", "language": "en_US", "category": "MARKETING", "components": [
            {"type": "BODY", "text": "Now shop for your favourite products right here on WhatsApp! Get Rs {{1}} off on all orders above {{2}}Rs! Valid for your first {{3}} orders placed on WhatsApp!",
             "example": {"body_text": [["100", "400", "3"]]}},
            {"type": "BUTTONS", "buttons": [{"type": "CATALOG", "text": "View catalog"}]}]}),
        json!({"name": "flow_signup", "language": "en_US", "category": "MARKETING", "components": [
            {"type": "BODY", "text": "Check out this new offer"},
            {"type": "BUTTONS", "buttons": [{"type": "FLOW", "text": "Open", "flow_id": "1234", "flow_action": "navigate", "navigate_screen": "WELCOME"}]}]}),
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
