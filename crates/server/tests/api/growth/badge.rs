//! The verified badge (official business accounts): the request's validation field by field and
//! against the prerequisites, the operator's review through the admin API, the decision by the
//! criteria once the review delay passes on the sandbox clock, Meta's `account_alerts` webhook,
//! the Graph reads, the locked display name and registration, and the 30 days after a rejection.

use std::time::Duration;

use risala_testkit::{assert_graph_error, engine_test, eventually, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::{json, Value};

pub(crate) const ADMIN: &str = "operator-secret-token";
const ALICE: &str = "15550001111";

pub(crate) async fn start(db: &Database, review_days: i64) -> TestApp {
    let mut config = db.config();
    config.admin_token = Some(ADMIN.into());
    config.badge.review_days = review_days;
    TestApp::start_with(config).await.unwrap()
}

fn oba_path(app: &TestApp) -> String {
    format!("/v23.0/{}/official_business_account", app.phone_number_id())
}

fn request(links: &[&str]) -> Value {
    json!({
        "additional_supporting_information": "We are also featured in Planet Succulent",
        "business_website_url": "https://www.luckyshrub.com",
        "parent_business_or_brand": "Lucky Shrub LLC",
        "primary_country_of_operation": "United States of America",
        "primary_language": "English",
        "supporting_links": links,
    })
}

const NOTABLE: &[&str] =
    &["https://en.wikipedia.org/wiki/Lucky_Shrub", "https://www.pricklypages.com/2025/where-to-buy"];
const NOT_NOTABLE: &[&str] = &["https://www.pricklypages.com/2025/where-to-buy"];

/// The demo number meets every prerequisite: a PIN, a verified business, 31 days on the platform.
pub(crate) async fn eligible(app: &TestApp) {
    let (s, v) = app.post(&format!("/v23.0/{}", app.phone_number_id()), &json!({"pin": "135790"})).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app
        .post_as(&format!("/admin/v1/wabas/{}/settings", app.waba_id()), &json!({"verified": true}), Some(ADMIN))
        .await;
    assert_eq!(s, 200, "{v}");
    app.advance_clock("31d").await;
}

async fn submitted(app: &TestApp, links: &[&str]) {
    assert_eq!(app.post(&oba_path(app), &request(links)).await, (200, json!({"success": true})));
}

fn refused(resp: &(u16, Value), details: &str) {
    let e = assert_graph_error(resp, 400, 100);
    let got = e["error_data"]["details"].as_str().unwrap_or_default();
    assert!(got.contains(details), "expected '{details}' in {e}");
}

/// The operator's decision on the number's request (admin API).
async fn review(app: &TestApp, id: &str, body: &Value) -> (u16, Value) {
    app.post_as(&format!("/admin/v1/phone_numbers/{id}/official_business_account/review"), body, Some(ADMIN)).await
}

/// The account_alerts rows queued, in order.
async fn alerts(app: &TestApp) -> Vec<Value> {
    app.outbox().await.into_iter().filter(|(f, _)| f == "account_alerts").map(|(_, v)| v).collect()
}

async fn validation(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db, 5).await;
    let id = app.phone_number_id().to_string();
    let path = oba_path(&app);

    // Before any request: Meta's NOT_STARTED, in both reads.
    assert_eq!(
        app.get(&path).await,
        (
            200,
            json!({"id": id, "oba_status": "NOT_STARTED", "status_message": "No Official Business Account request has been submitted"})
        )
    );
    assert_eq!(
        app.get(&format!("/v23.0/{id}?fields=official_business_account,is_official_business_account")).await,
        (
            200,
            json!({
                "official_business_account": {"oba_status": "NOT_STARTED", "status_message": "No Official Business Account request has been submitted"},
                "is_official_business_account": false,
                "id": id,
            })
        )
    );

    // Field by field, each error naming its field.
    let mut body = request(NOTABLE);
    body.as_object_mut().unwrap().remove("business_website_url");
    refused(&app.post(&path, &body).await, "The parameter business_website_url is required");
    body["business_website_url"] = json!("luckyshrub.com");
    refused(&app.post(&path, &body).await, "Param business_website_url must be an http:// or https:// URL");
    let mut body = request(NOTABLE);
    body["primary_country_of_operation"] = json!(7);
    refused(&app.post(&path, &body).await, "Param primary_country_of_operation must be a string");
    let six = [
        "https://a.com/1",
        "https://a.com/2",
        "https://a.com/3",
        "https://a.com/4",
        "https://a.com/5",
        "https://a.com/6",
    ];
    refused(&app.post(&path, &request(&six)).await, "Param supporting_links can have at most 5 links, not 6");
    refused(&app.post(&path, &request(&[])).await, "Param supporting_links needs at least 1 link(s)");
    refused(&app.post(&path, &request(&["javascript:alert(1)"])).await, "Param supporting_links must be an http://");
    let mut body = request(NOTABLE);
    body["business_name"] = json!("Lucky");
    refused(&app.post(&path, &body).await, "Param business_name is not supported by official_business_account");

    // The prerequisites, in order, each naming the number's field that fails it.
    let e = assert_graph_error(&app.post(&path, &request(NOTABLE)).await, 400, 100);
    assert_eq!(
        e["error_data"]["details"],
        "Param is_pin_enabled does not meet the official business account criterion two_step_verification: two-step verification is off"
    );
    assert_eq!(e["error_user_title"], "Not eligible for an official business account");
    app.post(&format!("/v23.0/{id}"), &json!({"pin": "135790"})).await;
    refused(&app.post(&path, &request(NOTABLE)).await, "Param business_verification_status does not meet");
    app.post_as(&format!("/admin/v1/wabas/{}/settings", app.waba_id()), &json!({"verified": true}), Some(ADMIN)).await;
    refused(&app.post(&path, &request(NOTABLE)).await, "Param last_onboarded_time does not meet the official business account criterion min_days_on_platform: on the platform 0 of 30 days");
    app.advance_clock("30d").await;

    // Submitted (not approved); a second request while it is pending is refused.
    submitted(&app, NOTABLE).await;
    refused(
        &app.post(&path, &request(NOTABLE)).await,
        "Cannot submit application: An active application already exists",
    );
    assert_eq!(
        app.get(&path).await,
        (
            200,
            json!({"id": id, "oba_status": "PENDING", "status_message": "Your Official Business Account application is under review"})
        )
    );
    assert_eq!(app.get(&format!("{path}?fields=oba_status")).await, (200, json!({"id": id, "oba_status": "PENDING"})));
    // Another business's number is not found; a token without management cannot submit.
    refused(&app.post("/v23.0/123456789012345/official_business_account", &request(NOTABLE)).await, "does not exist");
    assert!(alerts(&app).await.is_empty(), "no decision yet");
    app.stop().await;
}
engine_test!(a_request_is_checked_field_by_field_and_against_the_prerequisites, super::validation);

async fn approval(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db, 5).await;
    let id = app.phone_number_id().to_string();
    eligible(&app).await;
    let alice = app.customer(ALICE, "Alice").await;
    alice.send(app.business_number(), json!({"type": "text", "text": {"body": "Hi"}})).await;
    submitted(&app, NOTABLE).await;

    // The operator's queue: the number, the evidence, the checks, the due time.
    let (s, q) = app.get_as("/admin/v1/official_business_accounts?status=PENDING", Some(ADMIN)).await;
    assert_eq!(s, 200, "{q}");
    let r = &q["data"][0];
    assert_eq!(q["data"].as_array().unwrap().len(), 1, "{q}");
    assert_eq!((r["phone_number_id"].as_str(), r["oba_status"].as_str()), (Some(id.as_str()), Some("PENDING")));
    assert_eq!(r["display_phone_number"], "+1 555-010-0001");
    assert_eq!(r["evidence"], request(NOTABLE));
    let checks: Vec<(&str, bool)> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["criterion"].as_str().unwrap(), c["passed"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        checks,
        [
            ("two_step_verification", true),
            ("business_verification", true),
            ("display_name_approved", true),
            ("min_days_on_platform", true),
            ("notability", true)
        ]
    );
    assert_eq!(r["checks"][4]["detail"], "1 of 2 supporting links are from notable publications (1 needed)");
    assert_eq!(r["decided_at"], Value::Null);
    // The business's own token is not the operator's.
    assert_graph_error(&app.get_as("/admin/v1/official_business_accounts", Some(DEMO_TOKEN)).await, 401, 190);
    // Rejecting needs a reason; an unknown decision is refused.
    refused(
        &review(&app, &id, &json!({"decision": "REJECTED"})).await,
        "Param reasons must give at least one reason to reject",
    );
    refused(
        &review(&app, &id, &json!({"decision": "MAYBE"})).await,
        "Param decision must be APPROVED or REJECTED, not 'MAYBE'",
    );

    let (s, v) = review(&app, &id, &json!({"decision": "APPROVED"})).await;
    assert_eq!(
        (s, v["oba_status"].as_str(), v["decided_by"].as_str()),
        (200, Some("APPROVED"), Some("operator")),
        "{v}"
    );

    // Meta's account_alerts webhook.
    assert_eq!(
        alerts(&app).await,
        [json!({
            "entity_type": "PHONE_NUMBER",
            "entity_id": id,
            "alert_info": {
                "alert_severity": "INFORMATIONAL",
                "alert_status": "ACTIVE",
                "alert_type": "OBA_APPROVED",
                "alert_description": "This phone number now has a green badge next to its name showing that it's an authentic and notable business account. Add more details to your business profile to increase customer trust.",
            },
        })]
    );
    // The Graph reads.
    assert_eq!(
        app.get(&format!("/v23.0/{id}?fields=official_business_account,is_official_business_account,verified_name"))
            .await,
        (
            200,
            json!({
                "official_business_account": {"oba_status": "APPROVED", "status_message": "Your Official Business Account has been approved"},
                "is_official_business_account": true,
                "verified_name": app.demo.phone.verified_name,
                "id": id,
            })
        )
    );
    let filter = r#"[{"field":"is_official_business_account","operator":"EQUAL","value":"true"}]"#;
    let (s, list) = app
        .get(&format!(
            "/v23.0/{}/phone_numbers?fields=is_official_business_account&filtering={}",
            app.waba_id(),
            urlencode(filter)
        ))
        .await;
    assert_eq!((s, list["data"].clone()), (200, json!([{"is_official_business_account": true, "id": id}])), "{list}");
    // The customer's app shows the badge.
    let (_, chats) = alice.get("/customer/v1/chats").await;
    assert_eq!(chats["data"][0]["is_official_business_account"], true, "{chats}");
    let (_, profile) = alice.get(&format!("/customer/v1/chats/{}/profile", app.business_number())).await;
    assert_eq!(profile["is_official_business_account"], true, "{profile}");

    // Locked: the display name and the registration; and a new request.
    let e = assert_graph_error(
        &app.post(&format!("/v23.0/{id}"), &json!({"new_display_name": "Lucky Shrub Deals"})).await,
        400,
        100,
    );
    assert_eq!(
        e["error_data"]["details"],
        "Param new_display_name: +15550100001 is an official business account; its display name cannot be changed through the API. Contact Direct Support to change it: a change removes the green badge and needs a new request."
    );
    assert_eq!(e["error_user_title"], "Official business account");
    let (_, n) = app.get(&format!("/v23.0/{id}?fields=verified_name,new_name_status")).await;
    assert_eq!(
        (n["verified_name"].clone(), n["new_name_status"].clone()),
        (json!(app.demo.phone.verified_name), json!("NONE"))
    );
    refused(&app.post(&format!("/v23.0/{id}/deregister"), &json!({})).await, "its registration cannot be changed");
    refused(&app.post(&oba_path(&app), &request(NOTABLE)).await, "is already an official business account");
    // Decided once: a second review finds nothing pending.
    refused(
        &review(&app, &id, &json!({"decision": "APPROVED"})).await,
        "has no official business account request under review",
    );
    app.stop().await;
}
engine_test!(the_operator_approves_and_the_badge_locks_the_name, super::approval);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn rejection(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db, 5).await;
    let id = app.phone_number_id().to_string();
    eligible(&app).await;
    submitted(&app, NOTABLE).await;
    let (s, v) = review(
        &app,
        &id,
        &json!({"decision": "REJECTED", "reasons": ["The brand is not notable enough yet", "Add news coverage"]}),
    )
    .await;
    assert_eq!(
        (s, v["reasons"].clone()),
        (200, json!(["The brand is not notable enough yet", "Add news coverage"])),
        "{v}"
    );
    assert_eq!(
        alerts(&app).await,
        [json!({
            "entity_type": "PHONE_NUMBER",
            "entity_id": id,
            "alert_info": {
                "alert_severity": "CRITICAL",
                "alert_status": "ACTIVE",
                "alert_type": "OBA_REJECTED",
                "alert_description": "Your request for an official business account was not approved: The brand is not notable enough yet; Add news coverage. You can submit a new request after 30 days.",
            },
        })]
    );
    let decided = v["decided_at"].as_str().unwrap().to_string();
    let (_, st) = app.get(&oba_path(&app)).await;
    assert_eq!(st["oba_status"], "REJECTED");
    let message = st["status_message"].as_str().unwrap();
    assert!(
        message.starts_with("Your Official Business Account application was rejected: The brand is not notable enough yet; Add news coverage. You can submit a new request from "),
        "{message}"
    );
    let (_, n) = app.get(&format!("/v23.0/{id}?fields=is_official_business_account")).await;
    assert_eq!(n["is_official_business_account"], false);
    // The name is not locked after a rejection.
    let (s, _) = app.post(&format!("/v23.0/{id}"), &json!({"new_display_name": "Lucky Shrub Garden"})).await;
    assert_eq!(s, 200);

    // 30 days from the decision: refused the day before, accepted after.
    refused(
        &app.post(&oba_path(&app), &request(NOTABLE)).await,
        "a new request can be submitted 30 days after the decision",
    );
    app.advance_clock("29d").await;
    let resp = app.post(&oba_path(&app), &request(NOTABLE)).await;
    refused(&resp, "from ");
    assert!(decided.len() >= 10, "{decided}");
    app.advance_clock("1d").await;
    submitted(&app, NOTABLE).await;
    let (_, q) = app.get_as("/admin/v1/official_business_accounts", Some(ADMIN)).await;
    let statuses: Vec<&str> = q["data"].as_array().unwrap().iter().map(|r| r["oba_status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["PENDING", "REJECTED"], "newest first");
    app.stop().await;
}
engine_test!(a_rejection_carries_reasons_and_a_new_request_waits_30_days, super::rejection);

async fn by_the_clock(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db, 3).await;
    let id = app.phone_number_id().to_string();
    eligible(&app).await;

    // The criteria: the operator's to change, within their bounds.
    let (s, c) = app.get_as("/admin/v1/official_business_accounts/criteria", Some(ADMIN)).await;
    assert_eq!((s, c["review_days"].clone(), c["min_days_on_platform"].clone()), (200, json!(3), json!(30)), "{c}");
    refused(
        &app.post_as("/admin/v1/official_business_accounts/criteria", &json!({"review_days": 15}), Some(ADMIN)).await,
        "Param review_days must be 3 to 14, not 15",
    );
    refused(
        &app.post_as("/admin/v1/official_business_accounts/criteria", &json!({"bogus": 1}), Some(ADMIN)).await,
        "Param bogus is not a criterion",
    );
    let (s, c) =
        app.post_as("/admin/v1/official_business_accounts/criteria", &json!({"review_days": 4}), Some(ADMIN)).await;
    assert_eq!((s, c["review_days"].clone(), c["min_notable_links"].clone()), (200, json!(4), json!(1)), "{c}");

    // Not notable: nobody decides, the criteria reject it when 4 days have passed.
    submitted(&app, NOT_NOTABLE).await;
    let (_, q) = app.get_as("/admin/v1/official_business_accounts", Some(ADMIN)).await;
    assert_eq!(q["data"][0]["checks"][4]["passed"], false, "{q}");
    app.advance_clock("3d23h").await;
    let (_, st) = app.get(&oba_path(&app)).await;
    assert_eq!(st["oba_status"], "PENDING", "not due yet");
    app.advance_clock("2h").await;
    // The server's sweep decides it without any request touching it.
    eventually("the due request decided by the sweep", Duration::from_secs(10), async || {
        !alerts(&app).await.is_empty()
    })
    .await
    .unwrap();
    let a = alerts(&app).await;
    assert_eq!(a.len(), 1, "decided once: {a:?}");
    assert_eq!(a[0]["alert_info"]["alert_type"], "OBA_REJECTED");
    assert_eq!(
        a[0]["alert_info"]["alert_description"],
        "Your request for an official business account was not approved: notability: 0 of 1 supporting links are from notable publications (1 needed). You can submit a new request after 30 days."
    );
    let (_, q) = app.get_as("/admin/v1/official_business_accounts", Some(ADMIN)).await;
    assert_eq!(
        (q["data"][0]["oba_status"].as_str(), q["data"][0]["decided_by"].as_str()),
        (Some("REJECTED"), Some("rules"))
    );

    // A notable request 30 days later is approved by the same rules; a read applies it at once.
    app.advance_clock("30d").await;
    submitted(&app, NOTABLE).await;
    app.advance_clock("4d1m").await;
    let (_, v) = app.get(&format!("/v23.0/{id}?fields=official_business_account,is_official_business_account")).await;
    assert_eq!(v["official_business_account"]["oba_status"], "APPROVED", "{v}");
    assert_eq!(v["is_official_business_account"], true, "{v}");
    eventually("the approval's webhook", Duration::from_secs(10), async || alerts(&app).await.len() == 2)
        .await
        .unwrap();
    assert_eq!(alerts(&app).await[1]["alert_info"]["alert_type"], "OBA_APPROVED");
    app.stop().await;
}
engine_test!(a_request_nobody_decided_is_decided_by_the_criteria_on_the_clock, super::by_the_clock);
