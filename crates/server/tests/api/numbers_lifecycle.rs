//! A number's whole life through the Graph API: added unverified, its code requested and
//! verified (the code reaching the operator's code file), registered with a two-step PIN,
//! deregistered, its PIN changed (`security` webhook) and its display name reviewed
//! (`phone_number_name_update`), with Meta's error code for each wrong step and the number's
//! fields read back after each. On SQLite and PostgreSQL.

use risala_core::numbers::lifecycle::{MAX_PIN_FAILURES, MAX_REGISTER_CALLS};
use risala_testkit::{assert_graph_error, engine_test, text_message, Database, Engine, TestApp};
use serde_json::{json, Value};

const FIELDS: &str =
    "verified_name,code_verification_status,status,name_status,new_name_status,platform_type,is_pin_enabled";

/// A sandbox server whose codes go to a file the test reads.
async fn start(db: &Database) -> TestApp {
    let mut config = db.config();
    config.sign_in_code_file = Some(db.dir.path().join("codes.log"));
    TestApp::start_with(config).await.unwrap()
}

/// The last verification code written for `number`.
fn last_code(app: &TestApp, number: &str) -> String {
    let text = std::fs::read_to_string(app.config.sign_in_code_file.as_ref().unwrap()).unwrap();
    let line = text
        .lines()
        .rev()
        .find(|l| l.split(' ').nth(1) == Some(number) && l.contains("number-verification"))
        .unwrap_or_else(|| panic!("no code for {number} in {text}"));
    line.split(' ').nth(2).unwrap().to_string()
}

async fn fields(app: &TestApp, id: &str) -> Value {
    let (s, v) = app.get(&format!("/v23.0/{id}?fields={FIELDS}")).await;
    assert_eq!(s, 200, "{v}");
    v
}

fn state(v: &Value) -> (String, String, String, bool) {
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    (s("code_verification_status"), s("status"), s("platform_type"), v["is_pin_enabled"].as_bool().unwrap())
}

/// The webhook values queued for `field`, oldest first.
async fn events(app: &TestApp, field: &str) -> Vec<Value> {
    app.outbox().await.into_iter().filter(|(f, _)| f == field).map(|(_, v)| v).collect()
}

async fn ok(app: &TestApp, path: &str, body: Value) {
    let (s, v) = app.post(path, &body).await;
    assert_eq!((s, &v), (200, &json!({"success": true})), "{path} {body}");
}

fn register_body(pin: &str) -> Value {
    json!({"messaging_product": "whatsapp", "pin": pin})
}

async fn whole_life(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let waba = app.waba_id().to_string();
    // Added as Meta takes it: the calling code apart from the national number.
    let (s, v) = app
        .post(
            &format!("/v23.0/{waba}/phone_numbers"),
            &json!({"cc": "44", "phone_number": "7700 900123", "verified_name": "Lucky Shrub"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v, json!({"id": id}));
    let got = fields(&app, &id).await;
    assert_eq!(state(&got), ("NOT_VERIFIED".into(), "PENDING".into(), "NOT_APPLICABLE".into(), false));
    assert_eq!((got["name_status"].as_str(), got["new_name_status"].as_str()), (Some("APPROVED"), Some("NONE")));
    assert_eq!(
        events(&app, "phone_number_name_update").await,
        vec![json!({"display_phone_number": "447700900123", "decision": "APPROVED",
                    "requested_verified_name": "Lucky Shrub", "rejection_reason": "NONE"})]
    );
    // The WABA's list reads the same, next to the demo number.
    let (_, list) = app.get(&format!("/v23.0/{waba}/phone_numbers")).await;
    let entry = list["data"].as_array().unwrap().iter().find(|p| p["id"] == id.as_str()).unwrap().clone();
    assert_eq!(
        (entry["code_verification_status"].as_str(), entry["platform_type"].as_str()),
        (Some("NOT_VERIFIED"), Some("NOT_APPLICABLE"))
    );
    assert_eq!(entry["display_phone_number"], "+44 7700 900123");
    // The same number twice is refused.
    let again = app
        .post(
            &format!("/v23.0/{waba}/phone_numbers"),
            &json!({"phone_number": "447700900123", "verified_name": "Other"}),
        )
        .await;
    assert_graph_error(&again, 400, 100);

    // Nothing is sent from a number that is not registered.
    let send = app.post(&format!("/v23.0/{id}/messages"), &text_message("15551230001", "hi")).await;
    assert_graph_error(&send, 400, 133010);
    // Registering before verifying: 133006; verifying before a code was asked for: 136025.
    assert_graph_error(&app.post(&format!("/v23.0/{id}/register"), &register_body("123456")).await, 400, 133006);
    assert_graph_error(&app.post(&format!("/v23.0/{id}/verify_code"), &json!({"code": "123456"})).await, 400, 136025);
    // request_code needs code_method (SMS or VOICE) and a language.
    let e = app.post(&format!("/v23.0/{id}/request_code"), &json!({"language": "en_US"})).await;
    assert!(assert_graph_error(&e, 400, 100)["error_data"]["details"].as_str().unwrap().contains("code_method"));
    let e = app.post(&format!("/v23.0/{id}/request_code"), &json!({"code_method": "FAX", "language": "en_US"})).await;
    assert_graph_error(&e, 400, 100);
    ok(&app, &format!("/v23.0/{id}/request_code"), json!({"code_method": "SMS", "language": "en_US"})).await;
    let code = last_code(&app, "447700900123");
    assert_eq!(code.len(), 6);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_graph_error(&app.post(&format!("/v23.0/{id}/verify_code"), &json!({"code": wrong})).await, 400, 136025);
    assert_graph_error(&app.post(&format!("/v23.0/{id}/verify_code"), &json!({"code": "12ab"})).await, 400, 100);
    ok(&app, &format!("/v23.0/{id}/verify_code"), json!({"code": code})).await;
    assert_eq!(state(&fields(&app, &id).await).0, "VERIFIED");
    // A code works once.
    assert_graph_error(&app.post(&format!("/v23.0/{id}/verify_code"), &json!({"code": code})).await, 400, 136025);

    // Register: the first registration sets the two-step PIN.
    let e = app.post(&format!("/v23.0/{id}/register"), &json!({"pin": "123456"})).await;
    assert_graph_error(&e, 400, 100);
    assert_graph_error(&app.post(&format!("/v23.0/{id}/register"), &register_body("12345")).await, 400, 100);
    ok(&app, &format!("/v23.0/{id}/register"), register_body("123456")).await;
    assert_eq!(state(&fields(&app, &id).await), ("VERIFIED".into(), "CONNECTED".into(), "CLOUD_API".into(), true));
    let (s, v) = app.post(&format!("/v23.0/{id}/messages"), &text_message("15551230001", "hi")).await;
    assert_eq!(s, 200, "{v}");

    // Deregister: not sending, not registered again until it registers.
    ok(&app, &format!("/v23.0/{id}/deregister"), json!({})).await;
    assert_eq!(
        state(&fields(&app, &id).await),
        ("VERIFIED".into(), "DISCONNECTED".into(), "NOT_APPLICABLE".into(), true)
    );
    let send = app.post(&format!("/v23.0/{id}/messages"), &text_message("15551230001", "hi")).await;
    assert_graph_error(&send, 400, 133010);
    assert_graph_error(&app.post(&format!("/v23.0/{id}/deregister"), &json!({})).await, 400, 133010);
    // Customers cannot write to it either.
    let customer = app.customer("15551230001", "Ann").await;
    let (s, v) = customer
        .post("/customer/v1/messages", &json!({"to": "447700900123", "type": "text", "text": {"body": "hi"}}))
        .await;
    assert_graph_error(&(s, v), 400, 131026);

    // A wrong PIN: 133005; the next guess at once: 133009 with Retry-After; later, the right
    // PIN registers.
    assert_graph_error(&app.post(&format!("/v23.0/{id}/register"), &register_body("999999")).await, 400, 133005);
    let resp = app
        .client
        .post(app.url(&format!("/v23.0/{id}/register")))
        .bearer_auth(risala_testkit::DEMO_TOKEN)
        .json(&register_body("123456"))
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get("retry-after").is_some());
    let e = risala_testkit::json_response(resp).await;
    assert_graph_error(&e, 429, 133009);
    app.advance_clock("11s").await;
    ok(&app, &format!("/v23.0/{id}/register"), register_body("123456")).await;

    // Changing the PIN: a security webhook, and the old PIN no longer registers.
    ok(&app, &format!("/v23.0/{id}"), json!({"pin": "654321"})).await;
    let sec = events(&app, "security").await;
    assert_eq!(sec.len(), 1, "{sec:?}");
    assert_eq!(
        (sec[0]["display_phone_number"].as_str(), sec[0]["event"].as_str()),
        (Some("447700900123"), Some("PIN_CHANGED"))
    );
    assert!(sec[0]["requester"].is_string());
    assert_graph_error(&app.post(&format!("/v23.0/{id}"), &json!({"pin": "12"})).await, 400, 100);
    ok(&app, &format!("/v23.0/{id}/deregister"), json!({})).await;
    assert_graph_error(&app.post(&format!("/v23.0/{id}/register"), &register_body("123456")).await, 400, 133005);
    app.advance_clock("11s").await;
    ok(&app, &format!("/v23.0/{id}/register"), register_body("654321")).await;
    app.stop().await;
}

engine_test!(whole_life, super::whole_life);

/// 133008 after too many wrong PINs; 133016 after ten register/deregister calls in 72 hours.
/// The demo number stays registered (without a PIN) until it is deregistered.
async fn limits(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let id = app.phone_number_id().to_string();
    assert_eq!(state(&fields(&app, &id).await), ("VERIFIED".into(), "CONNECTED".into(), "CLOUD_API".into(), false));
    let mut calls = 0;
    ok(&app, &format!("/v23.0/{id}/deregister"), json!({})).await;
    ok(&app, &format!("/v23.0/{id}/register"), register_body("111111")).await;
    ok(&app, &format!("/v23.0/{id}/deregister"), json!({})).await;
    calls += 3;
    for _ in 0..MAX_PIN_FAILURES {
        assert_graph_error(&app.post(&format!("/v23.0/{id}/register"), &register_body("222222")).await, 400, 133005);
        app.advance_clock("11s").await;
        calls += 1;
    }
    let e = app.post(&format!("/v23.0/{id}/register"), &register_body("111111")).await;
    assert!(assert_graph_error(&e, 429, 133008)["error_data"]["details"].as_str().unwrap().contains("try again after"));
    calls += 1;
    app.advance_clock("1h").await;
    ok(&app, &format!("/v23.0/{id}/register"), register_body("111111")).await;
    calls += 1;
    while calls < MAX_REGISTER_CALLS {
        let path = if calls % 2 == 0 { "deregister" } else { "register" };
        ok(&app, &format!("/v23.0/{id}/{path}"), register_body("111111")).await;
        calls += 1;
    }
    let e = app.post(&format!("/v23.0/{id}/deregister"), &json!({})).await;
    assert_graph_error(&e, 400, 133016);
    app.advance_clock("72h").await;
    let (s, v) = app.post(&format!("/v23.0/{id}/deregister"), &json!({})).await;
    assert!(s == 200 || v["error"]["code"] == 133010, "{v}");
    app.stop().await;
}

engine_test!(limits, super::limits);

/// Display names: reviewed by the rules at once (approved, rejected with a reason), or
/// deferred to the operator, who decides through the admin API; each with its webhook.
async fn display_names(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let id = app.phone_number_id().to_string();
    let number = app.business_number().to_string();
    let name_events = async || events(&app, "phone_number_name_update").await;

    ok(&app, &format!("/v23.0/{id}"), json!({"new_display_name": "Lucky Shrub Garden"})).await;
    let v = fields(&app, &id).await;
    assert_eq!(
        (v["verified_name"].as_str(), v["new_name_status"].as_str()),
        (Some("Lucky Shrub Garden"), Some("APPROVED"))
    );
    assert_eq!(
        name_events().await.last().unwrap(),
        &json!({"display_phone_number": number, "decision": "APPROVED", "requested_verified_name": "Lucky Shrub Garden", "rejection_reason": "NONE"})
    );

    ok(&app, &format!("/v23.0/{id}"), json!({"new_display_name": "WhatsApp Deals"})).await;
    let v = fields(&app, &id).await;
    assert_eq!(
        (v["verified_name"].as_str(), v["new_name_status"].as_str()),
        (Some("Lucky Shrub Garden"), Some("DECLINED"))
    );
    let last = name_events().await.last().unwrap().clone();
    assert_eq!(
        (last["decision"].as_str(), last["rejection_reason"].as_str()),
        (Some("REJECTED"), Some("NAME_FORMAT_UNACCEPTABLE"))
    );

    // A name the rules defer waits for the operator.
    ok(&app, &format!("/v23.0/{id}"), json!({"new_display_name": "Shrub Savings Bank"})).await;
    let v = fields(&app, &id).await;
    assert_eq!(
        (v["verified_name"].as_str(), v["new_name_status"].as_str()),
        (Some("Lucky Shrub Garden"), Some("PENDING_REVIEW"))
    );
    assert_eq!(name_events().await.last().unwrap()["decision"], "DEFERRED");
    let review = format!("/admin/v1/phone_numbers/{id}/display_name/review");
    assert_graph_error(&app.post(&review, &json!({"decision": "MAYBE"})).await, 400, 100);
    let (s, v) = app.post(&review, &json!({"decision": "APPROVED"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["verified_name"].as_str(), v["new_name_status"].as_str()),
        (Some("Shrub Savings Bank"), Some("APPROVED"))
    );
    assert_eq!(name_events().await.last().unwrap()["decision"], "APPROVED");
    assert_eq!(fields(&app, &id).await["verified_name"], "Shrub Savings Bank");
    // Nothing left to review.
    assert_graph_error(&app.post(&review, &json!({"decision": "APPROVED"})).await, 400, 100);
    // Too long (Meta: 75 characters at most).
    let long = "A".repeat(76);
    assert_graph_error(&app.post(&format!("/v23.0/{id}"), &json!({"new_display_name": long})).await, 400, 100);

    // A new number whose name the operator rejects reads DECLINED.
    let (_, v) = app
        .post(
            &format!("/v23.0/{}/phone_numbers", app.waba_id()),
            &json!({"cc": "1", "phone_number": "5550100077", "verified_name": "Official Shrubs"}),
        )
        .await;
    let new_id = v["id"].as_str().unwrap().to_string();
    assert_eq!(fields(&app, &new_id).await["name_status"], "PENDING_REVIEW");
    let path = format!("/admin/v1/phone_numbers/{new_id}/display_name/review");
    let (s, v) = app.post(&path, &json!({"decision": "REJECTED", "rejection_reason": "NAME_NOT_CONSISTENT"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(fields(&app, &new_id).await["name_status"], "DECLINED");
    let last = name_events().await.last().unwrap().clone();
    assert_eq!(
        last,
        json!({"display_phone_number": "15550100077", "decision": "REJECTED", "requested_verified_name": "Official Shrubs", "rejection_reason": "NAME_NOT_CONSISTENT"})
    );
    app.stop().await;
}

engine_test!(display_names, super::display_names);
