//! Creating templates: every category and header kind, each creation rule's error (and the
//! button kinds and counts), the hourly creation limit, listing, and Meta's own request
//! examples.

use risala_core::model::Permission;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{body, create, create_ok, path, simple, status_events};
use crate::uploads::{jpeg, pdf, png, upload_handle};

async fn every_category_and_header(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    // Header samples are handles of files uploaded with the Resumable Upload API.
    let handle = json!({"header_handle": [upload_handle(&app, "image/png", png(64)).await]});
    let order = body("Hello {{1}}, your order {{2}} has shipped and is on its way.", json!(["Ann", "A-1"]));
    let cases = vec![
        simple(
            "text_header",
            "UTILITY",
            json!([{"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["A-1"]}}, order.clone(),
                   {"type": "FOOTER", "text": "Thanks for shopping"},
                   {"type": "BUTTONS", "buttons": [{"type": "PHONE_NUMBER", "text": "Call", "phone_number": "15550100001"},
                                                    {"type": "URL", "text": "Track", "url": "https://x.com/t/{{1}}", "example": ["A-1"]}]}]),
        ),
        simple(
            "image_header",
            "MARKETING",
            json!([{"type": "HEADER", "format": "IMAGE", "example": handle}, order.clone(),
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Yes"}, {"type": "QUICK_REPLY", "text": "No"},
                                             {"type": "COPY_CODE", "example": "fLBponPDsqF0KQThzkrf"}]}]),
        ),
        simple(
            "video_header",
            "MARKETING",
            json!([{"type": "HEADER", "format": "VIDEO", "example": handle}, order.clone()]),
        ),
        simple(
            "document_header",
            "UTILITY",
            json!([{"type": "HEADER", "format": "DOCUMENT", "example": handle}, order.clone()]),
        ),
        simple("location_header", "UTILITY", json!([{"type": "HEADER", "format": "LOCATION"}, order.clone()])),
        json!({"name": "named_params", "language": "es_MX", "category": "UTILITY", "parameter_format": "named",
               "components": [{"type": "BODY", "text": "Hola {{first_name}}, tu pedido {{order_id}} ya fue enviado hoy.",
                               "example": {"body_text_named_params": [{"param_name": "first_name", "example": "Ana"},
                                                                      {"param_name": "order_id", "example": "A-1"}]}}]}),
        simple(
            "login_code",
            "AUTHENTICATION",
            json!([{"type": "BODY", "add_security_recommendation": true},
            {"type": "FOOTER", "code_expiration_minutes": 5},
            {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy Code"}]}]),
        ),
    ];
    for case in &cases {
        let v = create_ok(&app, case.clone()).await;
        assert_eq!(v["status"], "APPROVED", "{case}: {v}");
        assert_eq!(v["category"], case["category"]);
        assert_eq!(v.as_object().unwrap().len(), 3, "{v}");
        let id = v["id"].as_str().unwrap();
        let (s, t) = app.get(&format!("/v23.0/{id}")).await;
        assert_eq!(s, 200, "{t}");
        assert_eq!((t["name"].clone(), t["status"].clone()), (case["name"].clone(), json!("APPROVED")));
        let ev = status_events(&app, id).await;
        assert_eq!(ev.len(), 1, "{ev:?}");
        assert_eq!(
            ev[0],
            json!({"event": "APPROVED", "message_template_id": id.parse::<u64>().unwrap(), "message_template_name": case["name"],
                   "message_template_language": case["language"], "reason": "NONE", "message_template_category": case["category"]})
        );
    }
    // Authentication text is generated, as Meta shows it.
    let (_, l) = app.get(&format!("{}?name=login_code&fields=components,parameter_format", path(&app))).await;
    let comps = &l["data"][0]["components"];
    assert_eq!(comps[0]["text"], "*{{1}}* is your verification code. For your security, do not share this code.");
    assert_eq!(comps[1]["text"], "This code expires in 5 minutes.");
    assert_eq!(l["data"][0]["parameter_format"], "POSITIONAL");

    // Filters, fields and cursor paging; the seeded hello_world is there too.
    let (s, all) = app.get(&format!("{}?limit=3", path(&app))).await;
    assert_eq!(s, 200);
    assert_eq!(all["data"].as_array().unwrap().len(), 3);
    let mut names = Vec::new();
    let mut next = Some(all.clone());
    while let Some(page) = next.take() {
        names.extend(page["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()));
        if let Some(after) = page["paging"]["cursors"]["after"].as_str().filter(|_| page["paging"]["next"].is_string())
        {
            next = Some(app.get(&format!("{}?limit=3&after={after}", path(&app))).await.1);
        }
    }
    assert_eq!(names.len(), cases.len() + 1, "{names:?}");
    assert!(names.contains(&"hello_world".to_string()));
    let (_, m) = app.get(&format!("{}?category=MARKETING&fields=name,quality_score", path(&app))).await;
    let mut got: Vec<_> = m["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    got.sort();
    assert_eq!(got, ["image_header", "video_header"]);
    assert_eq!(m["data"][0]["quality_score"]["score"], "UNKNOWN");
    assert!(m["data"][0].get("components").is_none());
    let (_, m) = app.get(&format!("{}?language=es_MX&status=APPROVED", path(&app))).await;
    assert_eq!(m["data"][0]["name"], "named_params");
    let (_, m) = app.get(&format!("{}?status=REJECTED", path(&app))).await;
    assert_eq!(m["data"], json!([]));
    assert_graph_error(&app.get(&format!("{}?status=NOPE", path(&app))).await, 400, 100);
    assert_graph_error(&app.get(&format!("{}?fields=nope", path(&app))).await, 400, 100);
    // Lists, as Meta types them (array<enum>, array<string>): comma-separated or JSON arrays.
    let names = |m: &serde_json::Value| {
        let mut n: Vec<String> =
            m["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect();
        n.sort();
        n
    };
    let (_, by_array) =
        app.get(&format!("{}?category=%5B%22MARKETING%22%5D&language=%5B%22es_MX%22,%22en_US%22%5D", path(&app))).await;
    assert_eq!(names(&by_array), ["image_header", "video_header"], "{by_array}");
    let (_, both) = app.get(&format!("{}?language=es_MX,en_US&status=APPROVED,PAUSED", path(&app))).await;
    assert_eq!(names(&both).len(), names(&app.get(&format!("{}?limit=100", path(&app))).await.1).len());
    let (_, one) =
        app.get(&format!("{}?language=%5B%22es_MX%22%5D&quality_score=%5B%22UNKNOWN%22%5D", path(&app))).await;
    assert_eq!(names(&one), ["named_params"], "{one}");
    assert_graph_error(&app.get(&format!("{}?category=%5B1%5D", path(&app))).await, 400, 100);
    assert_graph_error(&app.get(&format!("{}?category=UTILITY,NOPE", path(&app))).await, 400, 100);
    app.stop().await;
}
engine_test!(every_category_and_header_kind_is_created_and_approved, super::every_category_and_header);

async fn creation_rules(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let b = body("Hello {{1}}, your order has shipped and is on its way.", json!(["Ann"]));
    let with = |extra: Value| json!([b.clone(), extra]);
    let qr = |t: &str| json!({"type": "QUICK_REPLY", "text": t});
    let url = json!({"type": "URL", "text": "Go", "url": "https://x.com"});
    let cases: Vec<(Value, &str)> = vec![
        (simple("Bad-Name", "UTILITY", json!([b])), "lowercase letters"),
        (simple(&"a".repeat(513), "UTILITY", json!([b])), "1 to 512"),
        (json!({"name": "x", "language": "en-US", "category": "UTILITY", "components": [b]}), "language"),
        (simple("x", "PROMO", json!([b])), "category"),
        (json!({"name": "x", "language": "en_US", "category": "UTILITY"}), "components"),
        (simple("x", "UTILITY", json!([{"type": "FOOTER", "text": "f"}])), "BODY component is required"),
        (simple("x", "UTILITY", json!([{"type": "BODY", "text": "x".repeat(1025)}])), "at most 1024"),
        (
            simple("x", "UTILITY", with(json!({"type": "HEADER", "format": "TEXT", "text": "h".repeat(61)}))),
            "at most 60",
        ),
        (
            simple("x", "UTILITY", with(json!({"type": "HEADER", "format": "TEXT", "text": "{{1}} and {{2}}"}))),
            "at most 1 variable",
        ),
        (simple("x", "UTILITY", with(json!({"type": "HEADER", "format": "DOCUMENT"}))), "header_handle"),
        (simple("x", "UTILITY", with(json!({"type": "HEADER", "format": "AUDIO"}))), "HEADER.format"),
        (simple("x", "UTILITY", with(json!({"type": "FOOTER", "text": "f".repeat(61)}))), "at most 60"),
        (simple("x", "UTILITY", with(json!({"type": "FOOTER", "text": "Hi {{1}}"}))), "cannot contain variables"),
        (simple("x", "UTILITY", json!([{"type": "BODY", "text": "Hi {{2}} there friend"}])), "in sequence"),
        (simple("x", "UTILITY", json!([{"type": "BODY", "text": "Hi {{name}} there friend"}])), "positional variable"),
        (
            simple(
                "x",
                "MARKETING",
                with(json!({"type": "BUTTONS", "buttons": (0..11).map(|i| qr(&format!("q{i}"))).collect::<Vec<_>>()})),
            ),
            "1 to 10 buttons",
        ),
        (simple("x", "MARKETING", with(json!({"type": "BUTTONS", "buttons": [url, url, url]}))), "at most 2 URL"),
        (
            simple("x", "MARKETING", with(json!({"type": "BUTTONS", "buttons": [qr("a"), url, qr("b")]}))),
            "grouped together",
        ),
        (simple("x", "MARKETING", with(json!({"type": "BUTTONS", "buttons": [qr(&"q".repeat(26))]}))), "at most 25"),
        (
            simple(
                "x",
                "MARKETING",
                with(
                    json!({"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "https://x.com/{{1}}"}]}),
                ),
            ),
            "example",
        ),
        (
            simple(
                "x",
                "MARKETING",
                with(
                    json!({"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "https://x.com/{{1}}/y", "example": ["a"]}]}),
                ),
            ),
            "only at its end",
        ),
        (
            simple(
                "x",
                "MARKETING",
                with(
                    json!({"type": "BUTTONS", "buttons": [{"type": "PHONE_NUMBER", "text": "Call", "phone_number": "1".repeat(21)}]}),
                ),
            ),
            "at most 20",
        ),
        (
            simple(
                "x",
                "MARKETING",
                with(json!({"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "C".repeat(21)}]})),
            ),
            "at most 20",
        ),
        (
            simple(
                "x",
                "MARKETING",
                with(json!({"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]})),
            ),
            "only for AUTHENTICATION",
        ),
        (
            simple("x", "AUTHENTICATION", json!([{"type": "HEADER", "format": "TEXT", "text": "h"}, {"type": "BODY"}])),
            "cannot have a HEADER",
        ),
        (simple("x", "AUTHENTICATION", json!([{"type": "BODY", "add_security_recommendation": true}])), "OTP button"),
        (
            simple(
                "x",
                "AUTHENTICATION",
                json!([{"type": "BODY"}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "ONE_TAP"}]}]),
            ),
            "package_name",
        ),
        (
            simple(
                "x",
                "AUTHENTICATION",
                json!([{"type": "BODY"}, {"type": "FOOTER", "code_expiration_minutes": 91},
            {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]}]),
            ),
            "1 to 90",
        ),
    ];
    for (req, needle) in cases {
        let resp = create(&app, &req).await;
        let e = assert_graph_error(&resp, 400, 100);
        let details = e["error_data"]["details"].as_str().unwrap();
        assert!(details.contains(needle), "{req}: details {details:?} should mention {needle:?}");
    }
    // The same name in the same language again: Meta's subcode.
    create_ok(&app, simple("dup", "UTILITY", json!([b]))).await;
    let e = assert_graph_error(&create(&app, &simple("dup", "UTILITY", json!([b]))).await, 400, 100);
    assert_eq!(e["error_subcode"], 2388024);
    // Another language of the same name is fine.
    let mut es = simple("dup", "UTILITY", json!([b]));
    es["language"] = json!("es");
    create_ok(&app, es).await;
    // Management permission is needed.
    let (_, token) = app
        .state
        .tenancy
        .create_token(&app.demo.ids.business_id, "sender", &[Permission::Messaging], None)
        .await
        .unwrap();
    let resp = app.post_as(&path(&app), &simple("y", "UTILITY", json!([b])), Some(&token)).await;
    assert_graph_error(&resp, 403, 200);
    assert_graph_error(&app.get_as(&path(&app), Some(&token)).await, 403, 200);
    // Templates of another business are invisible.
    let other = app.state.tenancy.create_business("Other").await.unwrap();
    let (_, other_token) = app.state.tenancy.create_token(&other.id, "o", &Permission::ALL, None).await.unwrap();
    let (_, l) = app.get(&format!("{}?name=dup", path(&app))).await;
    let id = l["data"][0]["id"].as_str().unwrap().to_string();
    assert_graph_error(&app.get_as(&format!("/v23.0/{id}"), Some(&other_token)).await, 400, 100);
    assert_graph_error(
        &app.post_as(&path(&app), &simple("z", "UTILITY", json!([b])), Some(&other_token)).await,
        400,
        100,
    );
    app.stop().await;
}
engine_test!(each_creation_rule_gives_code_and_details, super::creation_rules);

async fn button_kinds(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let gif_sample = upload_handle(&app, "image/png", png(64)).await;
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
            {"type": "HEADER", "format": "GIF", "example": {"header_handle": [gif_sample]}}, body.clone()]}),
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
    let (_, l) = app.get(&format!("{}?name=with_catalog&fields=components", path(&app))).await;
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

async fn limits(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let b = json!([body("Hello {{1}}, your order has shipped and is on its way.", json!(["Ann"]))]);
    // hello_world counts: 99 more make 100 creations... the seed is not a creation this hour
    // only if it is older; it was made now, so 99 creations fill the hour.
    for i in 0..99 {
        create_ok(&app, simple(&format!("t{i}"), "UTILITY", b.clone())).await;
    }
    let e = assert_graph_error(&create(&app, &simple("t100", "UTILITY", b.clone())).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("per hour"), "{e}");
    app.post("/sandbox/v1/clock/advance", &json!({"by": "61m"})).await;
    create_ok(&app, simple("t100", "UTILITY", b.clone())).await;
    app.stop().await;
}
engine_test!(creations_per_hour_are_limited, super::limits);

/// Meta's request examples (`/{WABA-ID}/message_templates` POST and `/{TEMPLATE_ID}` POST in
/// the v23.0 OpenAPI file), hand-copied. The flow examples name their template
/// `<TEMPLATE_NAME>`; a real name is put in its place, and a published flow in place of the
/// flow placeholders.
async fn spec_examples(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    // Meta's examples carry handles Meta issued; a user uploads the sample here first and uses
    // the handle this server issued (Meta's own strings are refused: see `uploads`).
    let pdf_sample = upload_handle(&app, "application/pdf", pdf(64)).await;
    let jpg_sample = upload_handle(&app, "image/jpeg", jpeg(64)).await;
    // Meta's `{{Flow-ID}}` and `{{Flow-Name}}` stand for a published flow of the WABA.
    let flow_id = crate::flows::published(&app, "offer_flow").await;
    let flow = |name: &str, button: Value| {
        json!({"category": "MARKETING", "language": "en_US", "name": name, "components": [
            {"text": "Check out this new offer", "type": "body"}, {"buttons": [button], "type": "BUTTONS"}]})
    };
    let examples = vec![
        flow(
            "flow_by_json",
            json!({"flow_action": "navigate", "flow_json": "{\"version\":\"5.0\",\"screens\":[{\"id\":\"WELCOME_SCREEN\",\"layout\":{\"type\":\"SingleColumnLayout\",\"children\":[{\"type\":\"TextHeading\",\"text\":\"Hello World\"},{\"type\":\"Footer\",\"label\":\"Complete\",\"on-click-action\":{\"name\":\"complete\",\"payload\":{}}}]},\"title\":\"Welcome\",\"terminal\":true,\"success\":true,\"data\":{}}]}",
            "navigate_screen": "WELCOME_SCREEN", "text": "Check out this offer!", "type": "FLOW"}),
        ),
        flow(
            "flow_by_id",
            json!({"flow_action": "navigate", "flow_id": flow_id, "navigate_screen": "<SCREEN_ID>", "text": "Check out this offer!", "type": "FLOW"}),
        ),
        flow(
            "flow_by_name",
            json!({"flow_action": "navigate", "flow_name": "offer_flow", "navigate_screen": "<SCREEN_ID>", "text": "Check out this offer!", "type": "FLOW"}),
        ),
        json!({"category": "AUTHENTICATION", "components": [{"add_security_recommendation": true, "type": "BODY"},
            {"code_expiration_minutes": 10, "type": "FOOTER"},
            {"buttons": [{"otp_type": "COPY_CODE", "text": "Copy Code", "type": "OTP"}], "type": "BUTTONS"}],
            "language": "en_US", "name": "authentication_code_copy_code_button"}),
        json!({"category": "AUTHENTICATION", "components": [{"add_security_recommendation": true, "type": "BODY"},
            {"code_expiration_minutes": 10, "type": "FOOTER"},
            {"buttons": [{"autofill_text": "Autofill", "otp_type": "ONE_TAP", "package_name": "com.example.luckyshrub",
                          "signature_hash": "K8a%2FAINcGX7", "text": "Copy Code", "type": "OTP"}], "type": "BUTTONS"}],
            "language": "en_US", "name": "authentication_code_autofill_button"}),
        json!({"category": "MARKETING", "components": [
            {"example": {"header_text": ["Pablo"]}, "format": "TEXT", "text": "Forget something {{1}}?", "type": "HEADER"},
            {"example": {"body_text": [["10OFF"]]}, "text": "Looks like you left some items in your cart! Use code {{1}} and you can get 10% off of all of them!", "type": "BODY"},
            {"buttons": [{"text": "View items", "type": "MPM"}], "type": "BUTTONS"}], "language": "en_US", "name": "abandoned_cart"}),
        json!({"category": "UTILITY", "components": [
            {"example": {"header_handle": [pdf_sample]}, "format": "DOCUMENT", "type": "HEADER"},
            {"example": {"body_text": [["Mark", "860198-230332"]]}, "text": "Thank you for your order, {{1}}! Your order number is {{2}}. Tap the PDF linked above to view your receipt. If you have any questions, please use the buttons below to contact support. Thanks again!", "type": "BODY"},
            {"buttons": [{"phone_number": "16467043595", "text": "Call", "type": "PHONE_NUMBER"},
                         {"text": "Contact Support", "type": "URL", "url": "https://www.examplesite.com/support"}], "type": "BUTTONS"}],
            "language": "en_US", "name": "order_confirmation"}),
        json!({"category": "MARKETING", "components": [
            {"example": {"header_handle": [jpg_sample]}, "format": "IMAGE", "type": "HEADER"},
            {"example": {"body_text": [["Mark", "Tuscan Getaway package", "800"]]}, "text": "Hi {{1}}! For a limited time only you can get our {{2}} for as low as {{3}}. Tap the Offer Details button for more information.", "type": "BODY"},
            {"text": "Offer valid until May 31, 2023", "type": "FOOTER"},
            {"buttons": [{"phone_number": "16467043595", "text": "Call", "type": "PHONE_NUMBER"},
                         {"example": ["summer2023"], "text": "Shop Now", "type": "URL", "url": "https://damp-sea-63235.herokuapp.com/shop?promo={{1}}"}], "type": "BUTTONS"}],
            "language": "en_US", "name": "limited_time_offer_tuscan_getaway_2023"}),
        json!({"category": "UTILITY", "components": [{"format": "LOCATION", "type": "HEADER"},
            {"example": {"body_text": [["Mark", "566701"]]}, "text": "Good news {{1}}! Your order #{{2}} is on its way to the location above. Thank you for your order!", "type": "BODY"},
            {"text": "To stop receiving delivery updates, tap the button below.", "type": "FOOTER"},
            {"buttons": [{"text": "Stop Delivery Updates", "type": "QUICK_REPLY"}], "type": "BUTTONS"}],
            "language": "en_US", "name": "order_delivery_update"}),
        json!({"category": "MARKETING", "components": [
            {"example": {"header_text": ["Summer Sale"]}, "format": "TEXT", "text": "Our {{1}} is on!", "type": "HEADER"},
            {"example": {"body_text": [["the end of August", "25OFF", "25%"]]}, "text": "Shop now through {{1}} and use code {{2}} to get {{3}} off of all merchandise.", "type": "BODY"},
            {"text": "Use the buttons below to manage your marketing subscriptions", "type": "FOOTER"},
            {"buttons": [{"text": "Unsubcribe from Promos", "type": "QUICK_REPLY"}, {"text": "Unsubscribe from All", "type": "QUICK_REPLY"}], "type": "BUTTONS"}],
            "language": "en", "name": "seasonal_promotion_text_only"}),
    ];
    for ex in &examples {
        let v = create_ok(&app, ex.clone()).await;
        assert_eq!(v["status"], "APPROVED", "{}: {v}", ex["name"]);
        assert_eq!(v["category"], ex["category"]);
    }
    // "Create catalog template" repeats the autofill example under the same name and language.
    let e = assert_graph_error(&create(&app, &examples[4]).await, 400, 100);
    assert_eq!(e["error_subcode"], 2388024);
    // "Edit template": the 2023_april_promo example, on a template of that name.
    let edit = json!({"category": "MARKETING", "components": [
        {"format": "TEXT", "text": "Fall Sale", "type": "HEADER"},
        {"example": {"body_text": [["Mark", "FALL25"]]}, "text": "Hi {{1}}, our Fall Sale is on! Use promo code {{2}} Get an extra 25% off every order above $350!", "type": "BODY"},
        {"text": "Not interested in any of our sales? Tap Stop Promotions", "type": "FOOTER"},
        {"buttons": [{"text": "Stop promotions", "type": "QUICK_REPLY"}], "type": "BUTTONS"}],
        "language": "en_US", "name": "2023_april_promo"});
    let mut original = edit.clone();
    original["components"] =
        json!([body("Hi {{1}}, our sale is on! Use promo code {{2}} today in store.", json!(["a", "b"]))]);
    let id = create_ok(&app, original).await["id"].as_str().unwrap().to_string();
    // An approved template waits a day between edits.
    app.post("/sandbox/v1/clock/advance", &json!({"by": "1h"})).await;
    let (s, v) = app.post(&format!("/v23.0/{id}"), &edit).await;
    assert_eq!((s, v.clone()), (200, json!({"success": true})), "{v}");
    // The "Get template by ID" example response's shape.
    let (_, t) = app.get(&format!("/v23.0/{id}")).await;
    let mut keys: Vec<_> = t.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["category", "components", "id", "language", "name", "status"]);
    assert_eq!(t["components"], edit["components"]);
    app.stop().await;
}
engine_test!(meta_spec_request_examples_are_accepted, super::spec_examples);
