//! The template lifecycle after creation, through HTTP on SQLite and PostgreSQL: editing and
//! deleting, the edit limits of approved templates (1 in 24 h, 10 in 30 days; rejected ones
//! unlimited), appeals (IN_APPEAL, decided by an operator or the rules), archiving (ARCHIVED,
//! not sendable, unarchive) and LIMIT_EXCEEDED when a WABA's template limit drops below what it
//! holds.

use risala_server::config::TemplateReview;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{create_ok, path, simple, status_events, CUSTOMER};

fn body(text: &str) -> Value {
    json!({"type": "BODY", "text": text, "example": {"body_text": [["Ann"]]}})
}

const GOOD: &str = "Hello {{1}}, your order has shipped and is on its way.";

const BAD: &str = "{{1}}, your order has shipped and is on its way.";

fn template(name: &str, text: &str) -> Value {
    json!({"name": name, "language": "en_US", "category": "UTILITY", "components": [body(text)]})
}

async fn create(app: &TestApp, name: &str, text: &str) -> (String, String) {
    let (s, v) = app.post(&format!("/v23.0/{}/message_templates", app.waba_id()), &template(name, text)).await;
    assert_eq!(s, 200, "{v}");
    (v["id"].as_str().unwrap().to_string(), v["status"].as_str().unwrap().to_string())
}

async fn status(app: &TestApp, id: &str) -> String {
    let (s, v) = app.get(&format!("/v23.0/{id}?fields=status")).await;
    assert_eq!(s, 200, "{v}");
    v["status"].as_str().unwrap().to_string()
}

async fn edit(app: &TestApp, id: &str, text: &str) -> (u16, Value) {
    app.post(&format!("/v23.0/{id}"), &json!({"components": [body(text)]})).await
}

/// `event`s of the template's status webhooks, oldest first.
async fn events(app: &TestApp, id: &str) -> Vec<String> {
    app.outbox()
        .await
        .into_iter()
        .filter(|(f, v)| {
            f == "message_template_status_update"
                && v["message_template_id"].as_u64().map(|n| n.to_string()).as_deref() == Some(id)
        })
        .map(|(_, v)| v["event"].as_str().unwrap().to_string())
        .collect()
}

async fn send(app: &TestApp, name: &str) -> (u16, Value) {
    let b = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "template", "template": {"name": name,
        "language": {"code": "en_US"}, "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}]}});
    app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &b).await
}

async fn listed(app: &TestApp, status: &str) -> Vec<String> {
    let (s, v) = app.get(&format!("/v23.0/{}/message_templates?status={status}&limit=1000", app.waba_id())).await;
    assert_eq!(s, 200, "{v}");
    v["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
}

async fn edit_and_delete(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let bad = json!([body(BAD)]);
    let v = create_ok(&app, simple("fixme", "UTILITY", bad)).await;
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["status"], "REJECTED");
    let good = json!([body(GOOD)]);
    let (s, v) = app.post(&format!("/v23.0/{id}"), &json!({"components": good})).await;
    assert_eq!((s, v.clone()), (200, json!({"success": true})), "{v}");
    let (_, t) = app.get(&format!("/v23.0/{id}")).await;
    assert_eq!(t["status"], "APPROVED");
    assert_eq!(t["components"][0]["text"], "Hello {{1}}, your order has shipped and is on its way.");
    // Read through its WABA, as SDKs do: the same answer, `fields=` too; an id that is not a
    // template of this WABA is not found there.
    assert_eq!(app.get(&format!("{}/{id}", path(&app))).await, (200, t.clone()));
    let (s, f) = app.get(&format!("{}/{id}?fields=status,parameter_format", path(&app))).await;
    assert_eq!((s, f), (200, json!({"status": "APPROVED", "parameter_format": "POSITIONAL", "id": id})));
    assert_graph_error(&app.get(&format!("{}/{}", path(&app), app.phone_number_id())).await, 400, 100);
    assert_graph_error(&app.get(&format!("{}/9{id}", path(&app))).await, 400, 100);
    let ev: Vec<_> = status_events(&app, &id).await.iter().map(|e| e["event"].clone()).collect();
    assert_eq!(ev, [json!("REJECTED"), json!("APPROVED")]);
    // An approved template: once per 24 hours (edits while REJECTED do not count), and not
    // into another category.
    let (s, v) = app.post(&format!("/v23.0/{id}"), &json!({"components": good})).await;
    assert_eq!(s, 200, "{v}");
    let e = assert_graph_error(&app.post(&format!("/v23.0/{id}"), &json!({"components": good})).await, 400, 100);
    assert_eq!(e["error_subcode"], 2388301);
    let e = assert_graph_error(&app.post(&format!("/v23.0/{id}"), &json!({"category": "MARKETING"})).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("category"));
    assert_graph_error(
        &app.post(&format!("/v23.0/{id}"), &json!({"name": "other", "components": good})).await,
        400,
        100,
    );
    // Delete one language by hsm_id, then every language by name.
    let mut es = simple("fixme", "UTILITY", good.clone());
    es["language"] = json!("es");
    let es_id = create_ok(&app, es).await["id"].as_str().unwrap().to_string();
    let mut fr = simple("fixme", "UTILITY", good.clone());
    fr["language"] = json!("fr");
    create_ok(&app, fr).await;
    let del = |q: &str| {
        let url = app.url(&format!("{}?{q}", path(&app)));
        let req = app.client.delete(url).bearer_auth(risala_testkit::DEMO_TOKEN);
        async move { risala_testkit::json_response(req.send().await.unwrap()).await }
    };
    assert_eq!(del(&format!("name=fixme&hsm_id={es_id}")).await, (200, json!({"success": true})));
    assert_graph_error(&app.get(&format!("/v23.0/{es_id}")).await, 400, 100);
    let (_, l) = app.get(&format!("{}?name=fixme", path(&app))).await;
    assert_eq!(l["data"].as_array().unwrap().len(), 2);
    assert_eq!(del("name=fixme").await, (200, json!({"success": true})));
    let (_, l) = app.get(&format!("{}?name=fixme", path(&app))).await;
    assert_eq!(l["data"], json!([]));
    assert_graph_error(&app.get(&format!("/v23.0/{id}")).await, 400, 100);
    assert_graph_error(&del("name=fixme").await, 400, 100);
    assert_graph_error(&del("").await, 400, 100);
    assert_eq!(status_events(&app, &id).await.last().unwrap()["event"], "PENDING_DELETION");
    // The name can be used again.
    create_ok(&app, simple("fixme", "UTILITY", good)).await;
    app.stop().await;
}
engine_test!(edit_and_delete_templates, super::edit_and_delete);

async fn edit_limits(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let (id, st) = create(&app, "limited", GOOD).await;
    assert_eq!(st, "APPROVED");
    // One edit of an approved template in 24 hours.
    assert_eq!(edit(&app, &id, GOOD).await.0, 200);
    let e = assert_graph_error(&edit(&app, &id, GOOD).await, 400, 100);
    assert_eq!(e["error_subcode"], 2388301);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("once in 24 hours"), "{e}");
    assert!(e["error_user_msg"].as_str().unwrap().contains("24 hours"), "{e}");
    assert!(e["error_user_title"].is_string(), "{e}");
    app.advance_clock("23h").await;
    assert_eq!(edit(&app, &id, GOOD).await.0, 400);
    // Ten in 30 days: nine more a day apart, then the eleventh is refused even a day later.
    for _ in 0..9 {
        app.advance_clock("25h").await;
        let (s, v) = edit(&app, &id, GOOD).await;
        assert_eq!(s, 200, "{v}");
    }
    app.advance_clock("25h").await;
    let e = assert_graph_error(&edit(&app, &id, GOOD).await, 400, 100);
    assert_eq!(e["error_subcode"], 2388302);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("10 times in 30 days"), "{e}");
    // Once the first edits are 30 days old, edits are possible again.
    app.advance_clock("20d").await;
    assert_eq!(edit(&app, &id, GOOD).await.0, 200);

    // A rejected template may be edited any number of times.
    let (r, st) = create(&app, "rejected_often", BAD).await;
    assert_eq!(st, "REJECTED");
    for _ in 0..3 {
        let (s, v) = edit(&app, &r, BAD).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(status(&app, &r).await, "REJECTED");
    }
    // Its first edit into approval is not an approved edit, so the approved one may edit at once.
    assert_eq!(edit(&app, &r, GOOD).await.0, 200);
    assert_eq!(status(&app, &r).await, "APPROVED");
    assert_eq!(edit(&app, &r, GOOD).await.0, 200);
    assert_eq!(edit(&app, &r, GOOD).await.0, 400);
    app.stop().await;
}
engine_test!(approved_templates_have_edit_limits, super::edit_limits);

async fn appeals(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let config = risala_server::Config { template_review: TemplateReview::Manual, ..db.config() };
    let app = TestApp::start_with(config).await.unwrap();
    app.customer(CUSTOMER, "Alice").await;
    let (id, st) = create(&app, "appealed", GOOD).await;
    assert_eq!(st, "PENDING");
    let review = format!("/admin/v1/templates/{id}/review");
    let appeal = format!("/admin/v1/templates/{id}/appeal");
    // Only a rejected template can be appealed.
    assert_graph_error(&app.post(&appeal, &json!({})).await, 400, 131009);
    let (s, v) = app.post(&review, &json!({"decision": "reject", "reason": "SCAM"})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("REJECTED")), "{v}");
    let (s, v) = app.post(&appeal, &json!({})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("IN_APPEAL")), "{v}");
    assert_eq!(status(&app, &id).await, "IN_APPEAL");
    assert_eq!(listed(&app, "IN_APPEAL").await, ["appealed"]);
    assert_graph_error(&send(&app, "appealed").await, 404, 132001);
    assert_graph_error(&edit(&app, &id, GOOD).await, 400, 100);
    // The operator decides the appeal: approved, with the usual webhook.
    let (s, v) = app.post(&review, &json!({"decision": "approve"})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("APPROVED")), "{v}");
    assert_eq!(events(&app, &id).await, ["REJECTED", "APPROVED"]);
    assert_eq!(send(&app, "appealed").await.0, 200);
    // An appeal that is turned down ends REJECTED again.
    let (id2, _) = create(&app, "appealed_again", GOOD).await;
    app.post(&format!("/admin/v1/templates/{id2}/review"), &json!({"decision": "reject", "reason": "PROMOTIONAL"}))
        .await;
    app.post(&format!("/admin/v1/templates/{id2}/appeal"), &json!({})).await;
    let (_, v) =
        app.post(&format!("/admin/v1/templates/{id2}/review"), &json!({"decision": "reject", "reason": "SCAM"})).await;
    assert_eq!((v["status"].as_str(), v["rejected_reason"].as_str()), (Some("REJECTED"), Some("SCAM")), "{v}");
    assert_eq!(events(&app, &id2).await, ["REJECTED", "REJECTED"]);
    app.stop().await;

    // Under automatic review with a delay, the rules decide the appeal when it is due.
    let config = risala_server::Config {
        template_review: TemplateReview::Auto,
        template_review_delay: "1h".into(),
        ..db.config()
    };
    let app = TestApp::start_with(config).await.unwrap();
    let (id, _) = create(&app, "auto_appeal", BAD).await;
    app.advance_clock("61m").await;
    assert_eq!(status(&app, &id).await, "REJECTED");
    let (_, v) = app.post(&format!("/admin/v1/templates/{id}/appeal"), &json!({})).await;
    assert_eq!(v["status"], "IN_APPEAL");
    app.advance_clock("61m").await;
    assert_eq!(status(&app, &id).await, "REJECTED", "the rules still reject a variable at the start");
    assert_eq!(events(&app, &id).await, ["REJECTED", "REJECTED"]);
    app.stop().await;
}
engine_test!(rejected_templates_can_be_appealed, super::appeals);

async fn archiving(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    app.customer(CUSTOMER, "Alice").await;
    let (id, _) = create(&app, "old_news", GOOD).await;
    let (s, v) = app.post(&format!("/admin/v1/templates/{id}/archive"), &json!({})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("ARCHIVED")), "{v}");
    assert_eq!(listed(&app, "ARCHIVED").await, ["old_news"]);
    assert!(!listed(&app, "APPROVED").await.contains(&"old_news".to_string()));
    let e = assert_graph_error(&send(&app, "old_news").await, 404, 132001);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("ARCHIVED"), "{e}");
    assert_graph_error(&app.post(&format!("/admin/v1/templates/{id}/archive"), &json!({})).await, 400, 131009);
    assert_graph_error(&edit(&app, &id, GOOD).await, 400, 100);
    let (s, v) = app.post(&format!("/admin/v1/templates/{id}/unarchive"), &json!({})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("APPROVED")), "{v}");
    assert_eq!(events(&app, &id).await, ["APPROVED", "ARCHIVED", "UNARCHIVED"]);
    assert_eq!(send(&app, "old_news").await.0, 200);
    // A rejected template returns to REJECTED; unarchiving a live one is an error.
    let (r, _) = create(&app, "old_bad", BAD).await;
    app.post(&format!("/admin/v1/templates/{r}/archive"), &json!({})).await;
    assert_eq!(status(&app, &r).await, "ARCHIVED");
    app.post(&format!("/admin/v1/templates/{r}/unarchive"), &json!({})).await;
    assert_eq!(status(&app, &r).await, "REJECTED");
    assert_graph_error(&app.post(&format!("/admin/v1/templates/{r}/unarchive"), &json!({})).await, 400, 131009);
    // Another business's token cannot touch the template.
    assert_graph_error(&app.post_as(&format!("/admin/v1/templates/{r}/archive"), &json!({}), None).await, 400, 104);
    app.stop().await;
}
engine_test!(templates_can_be_archived_and_unarchived, super::archiving);

async fn limit_exceeded(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    app.customer(CUSTOMER, "Alice").await;
    let settings = format!("/admin/v1/wabas/{}/settings", app.waba_id());
    let (_, v) = app.get(&settings).await;
    assert_eq!(v, json!({"waba_id": app.waba_id(), "pricing_model": "PMP", "verified": false, "template_limit": 250}));
    let (s, v) = app.post(&settings, &json!({"verified": true})).await;
    assert_eq!((s, v["template_limit"].as_i64()), (200, Some(6000)), "{v}");
    // The sandbox WABA holds hello_world; 259 more make 260 (100 creations an hour, hello_world included).
    for i in 0..259 {
        if i > 0 && i % 99 == 0 {
            app.advance_clock("61m").await;
        }
        create(&app, &format!("t{i:03}"), GOOD).await;
    }
    // Unverified: 250 templates. The ten newest are held as LIMIT_EXCEEDED.
    let (s, v) = app.post(&settings, &json!({"verified": false})).await;
    assert_eq!((s, v["templates_changed"].as_i64(), v["template_limit"].as_i64()), (200, Some(10), Some(250)), "{v}");
    let mut over = listed(&app, "LIMIT_EXCEEDED").await;
    over.sort();
    assert_eq!(over, (249..259).map(|i| format!("t{i:03}")).collect::<Vec<_>>());
    assert_graph_error(&send(&app, "t258").await, 404, 132001);
    assert_eq!(send(&app, "t248").await.0, 200);
    app.advance_clock("61m").await;
    let (s, v) = app.post(&format!("/v23.0/{}/message_templates", app.waba_id()), &template("one_more", GOOD)).await;
    let e = assert_graph_error(&(s, v), 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("at most 250"), "{e}");
    // Deleting makes room: the oldest held templates return.
    for i in 0..4 {
        let url = app.url(&format!("/v23.0/{}/message_templates?name=t{i:03}", app.waba_id()));
        let resp = app.client.delete(url).bearer_auth(risala_testkit::DEMO_TOKEN).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200);
    }
    assert_eq!(listed(&app, "LIMIT_EXCEEDED").await.len(), 6);
    assert_eq!(send(&app, "t252").await.0, 200);
    // Verified again: nothing is over the limit.
    let (_, v) = app.post(&settings, &json!({"verified": true})).await;
    assert_eq!(v["templates_changed"], 6);
    assert!(listed(&app, "LIMIT_EXCEEDED").await.is_empty());
    assert_eq!(send(&app, "t258").await.0, 200);
    assert_graph_error(&app.post(&settings, &json!({"verified": "yes"})).await, 400, 100);
    app.stop().await;
}
engine_test!(templates_beyond_the_limit_are_limit_exceeded, super::limit_exceeded);
