//! The Template Library on SQLite and PostgreSQL: `GET /message_template_library` with its
//! filters; `POST /{waba-id}/message_templates` with `library_template_name` creates an
//! APPROVED template from the library's content and the business's button inputs, which keeps
//! `library_template_name` and can be sent at once; wrong inputs are 100.

use risala_core::model::Permission;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

const CUSTOMER: &str = "15550004444";

fn names(v: &Value) -> Vec<String> {
    v["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
}

async fn template_library(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();

    // Browse: everything, then each filter.
    let (s, all) = app.get("/v23.0/message_template_library").await;
    assert_eq!(s, 200, "{all}");
    assert!(names(&all).len() >= 8, "{all}");
    let update = all["data"].as_array().unwrap().iter().find(|t| t["name"] == "delivery_update_1").unwrap();
    assert_eq!(update["category"], "UTILITY");
    assert_eq!(update["language"], "en_US");
    assert_eq!(update["buttons"][0]["type"], "URL");
    assert!(update["id"].as_str().unwrap().bytes().all(|b| b.is_ascii_digit()));
    let (_, v) = app.get("/message_template_library?search=on%20its%20way").await;
    assert_eq!(names(&v), ["delivery_update_1"]);
    let (_, v) = app.get("/v23.0/message_template_library?topic=PAYMENTS&industry=FINANCIAL_SERVICES").await;
    assert_eq!(names(&v), ["payment_reminder_1"]);
    let (_, v) = app.get("/v23.0/message_template_library?usecase=ONE_TIME_PASSWORD").await;
    assert_eq!(names(&v), ["verification_code_1"]);
    let (_, v) = app.get("/v23.0/message_template_library?language=fr").await;
    assert_eq!(v, json!({"data": []}));

    // Create from the library: approved at once, the library's content with our URL.
    let path = format!("/v23.0/{}/message_templates", app.waba_id());
    let req = json!({"name": "our_delivery_update", "language": "en_US", "category": "UTILITY",
        "library_template_name": "delivery_update_1",
        "library_template_button_inputs": [{"type": "URL", "url": {
            "base_url": "https://shop.example.org/track/{{1}}", "url_suffix_example": "https://shop.example.org/track/A1"}}]});
    let (s, v) = app.post(&path, &req).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((&v["status"], &v["category"]), (&json!("APPROVED"), &json!("UTILITY")), "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let (_, t) = app.get(&format!("/v23.0/{id}?fields=name,status,library_template_name,components")).await;
    assert_eq!(t["library_template_name"], "delivery_update_1", "{t}");
    assert_eq!(t["status"], "APPROVED");
    let comps = t["components"].as_array().unwrap();
    assert_eq!(comps[0], json!({"type": "HEADER", "format": "TEXT", "text": "Your order is on its way"}));
    assert_eq!(comps[1]["text"], update["body"]);
    assert_eq!(comps[2]["buttons"][0]["url"], "https://shop.example.org/track/{{1}}");
    // A template written by hand has no library_template_name.
    app.create_approved_templates(&[("own", "UTILITY", "Your order {{1}} is ready for pickup at our store.")]).await;
    let (_, list) = app.get(&format!("{path}?fields=name,library_template_name")).await;
    let own = list["data"].as_array().unwrap().iter().find(|t| t["name"] == "own").unwrap();
    assert!(own.get("library_template_name").is_none(), "{own}");

    // It can be sent right away and renders the library's text.
    let customer = app.customer(CUSTOMER, "Lia").await;
    let mut device = customer.connect().await;
    let send = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "template", "template": {
        "name": "our_delivery_update", "language": {"code": "en_US"}, "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "#777"}, {"type": "text", "text": "Friday"}]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "777"}]}]}});
    app.send_accepted(&send).await;
    let got = device.next_message().await;
    assert!(got.to_string().contains("Good news! Your order #777 has shipped and should arrive by Friday."), "{got}");

    // Authentication from the library with its body inputs.
    let auth = json!({"name": "our_code", "language": "en_US", "category": "AUTHENTICATION",
        "library_template_name": "verification_code_1",
        "library_template_body_inputs": {"add_security_recommendation": true, "code_expiration_minutes": 5}});
    let (s, v) = app.post(&path, &auth).await;
    assert_eq!((s, &v["status"]), (200, &json!("APPROVED")), "{v}");
    let (_, t) = app.get(&format!("/v23.0/{}?fields=components", v["id"].as_str().unwrap())).await;
    assert_eq!(t["components"][1]["code_expiration_minutes"], 5, "{t}");

    // Wrong requests: 100 naming the problem; nothing is created.
    let bad = |change: fn(&mut Value)| {
        let mut r = req.clone();
        r["name"] = json!("another_update");
        change(&mut r);
        r
    };
    for (body, needle) in [
        (bad(|r| r["library_template_name"] = json!("no_such_template")), "not a template of the library"),
        (bad(|r| r["library_template_button_inputs"] = json!([])), "needs an input of type URL"),
        (bad(|r| r["category"] = json!("MARKETING")), "is a UTILITY template"),
        (bad(|r| r["language"] = json!("es")), "en_US"),
        (bad(|r| r["components"] = json!([{"type": "BODY", "text": "x"}])), "components"),
        (
            bad(|r| r["library_template_body_inputs"] = json!({"add_track_package_link": true})),
            "add_track_package_link",
        ),
    ] {
        let e = assert_graph_error(&app.post(&path, &body).await, 400, 100);
        assert!(e["error_data"]["details"].as_str().unwrap().contains(needle), "{body}: {e}");
    }
    let (_, list) = app.get(&format!("{path}?name=another_update")).await;
    assert_eq!(list["data"], json!([]));
    // The same name again: Meta's duplicate subcode.
    let e = assert_graph_error(&app.post(&path, &req).await, 400, 100);
    assert_eq!(e["error_subcode"], 2388024);

    // Browsing needs whatsapp_business_management.
    let (_, token) = app
        .state
        .tenancy
        .create_token(&app.demo.ids.business_id, "sender", &[Permission::Messaging], None)
        .await
        .unwrap();
    assert_graph_error(&app.get_as("/v23.0/message_template_library", Some(&token)).await, 403, 200);
}
engine_test!(template_library_browse_and_create, super::template_library);
