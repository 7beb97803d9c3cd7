//! Reviewing templates: the review rules (rejected with a reason, or reclassified) with their
//! webhooks, a manual review through the admin endpoint, and a delayed review that survives a
//! restart.

use std::time::Duration;

use risala_server::config::TemplateReview;
use risala_testkit::{assert_graph_error, engine_test, eventually, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{body, create_ok, events, simple, status_events};

async fn review_rules(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let cases: Vec<(&str, Value, &str)> = vec![
        ("starts", json!([body("{{1}}, your order has shipped and is on its way.", json!(["Ann"]))]), "INVALID_FORMAT"),
        ("ends", json!([body("Your order has shipped and is on its way {{1}}", json!(["Ann"]))]), "INVALID_FORMAT"),
        (
            "adjacent",
            json!([body("Hello {{1}} {{2}}, your order has shipped today.", json!(["a", "b"]))]),
            "INVALID_FORMAT",
        ),
        ("dense", json!([body("Hi {{1}} and {{2}} ok.", json!(["a", "b"]))]), "INVALID_FORMAT"),
        (
            "no_example",
            json!([{"type": "BODY", "text": "Hello {{1}}, your order has shipped today."}]),
            "INVALID_FORMAT",
        ),
        (
            "few_examples",
            json!([body("Hello {{1}}, your order {{2}} has shipped today.", json!(["a"]))]),
            "INVALID_FORMAT",
        ),
        (
            "header_example",
            json!([{"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
            body("Hello {{1}}, your order has shipped today.", json!(["a"]))]),
            "INVALID_FORMAT",
        ),
        (
            "otp_words",
            json!([{"type": "BODY", "text": "Your verification code for the shop is below."}]),
            "TAG_CONTENT_MISMATCH",
        ),
    ];
    for (name, comps, reason) in &cases {
        let v = create_ok(&app, simple(name, "UTILITY", comps.clone())).await;
        assert_eq!(v["status"], "REJECTED", "{name}: {v}");
        let id = v["id"].as_str().unwrap();
        let (_, t) = app.get(&format!("/v23.0/{id}?fields=status,rejected_reason")).await;
        assert_eq!(t["rejected_reason"], *reason, "{name}");
        let ev = status_events(&app, id).await;
        assert_eq!((ev[0]["event"].as_str(), ev[0]["reason"].as_str()), (Some("REJECTED"), Some(*reason)), "{name}");
        if *reason == "INVALID_FORMAT" {
            assert!(ev[0]["rejection_info"]["reason"].is_string(), "{ev:?}");
        }
    }
    // Promotional wording in a UTILITY template: reclassified to MARKETING, with webhooks.
    let promo = json!([body("Hello {{1}}, our summer sale starts today in every store.", json!(["Ann"]))]);
    let v = create_ok(&app, simple("promo", "UTILITY", promo.clone())).await;
    assert_eq!((v["status"].as_str(), v["category"].as_str()), (Some("APPROVED"), Some("MARKETING")));
    let id = v["id"].as_str().unwrap();
    let cat = events(&app, "template_category_update").await;
    assert_eq!(
        cat,
        vec![json!({"message_template_id": id.parse::<u64>().unwrap(), "message_template_name": "promo",
                    "message_template_language": "en_US", "previous_category": "UTILITY", "new_category": "MARKETING"})]
    );
    assert_eq!(status_events(&app, id).await[0]["message_template_category"], "MARKETING");
    let (_, t) = app.get(&format!("/v23.0/{id}")).await;
    assert_eq!((t["category"].as_str(), t["previous_category"].as_str()), (Some("MARKETING"), Some("UTILITY")));
    // … or rejected when the category may not change.
    let mut strict = simple("promo_strict", "UTILITY", promo);
    strict["allow_category_change"] = json!(false);
    let v = create_ok(&app, strict).await;
    assert_eq!(v["status"], "REJECTED");
    assert_eq!(status_events(&app, v["id"].as_str().unwrap()).await[0]["reason"], "PROMOTIONAL");
    app.stop().await;
}
engine_test!(review_rules_reject_or_reclassify_with_webhooks, super::review_rules);

fn config_with(db: &Database, review: TemplateReview, delay: &str) -> risala_server::Config {
    risala_server::Config { template_review: review, template_review_delay: delay.into(), ..db.config() }
}

async fn manual_review(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start_with(config_with(&db, TemplateReview::Manual, "0s")).await.unwrap();
    let b = json!([body("Hello {{1}}, your order has shipped and is on its way.", json!(["Ann"]))]);
    let a = create_ok(&app, simple("to_approve", "UTILITY", b.clone())).await;
    let r = create_ok(&app, simple("to_reject", "UTILITY", b.clone())).await;
    assert_eq!(a["status"], "PENDING");
    let (a, r) = (a["id"].as_str().unwrap().to_string(), r["id"].as_str().unwrap().to_string());
    assert!(status_events(&app, &a).await.is_empty(), "no webhook while pending");
    // A pending template cannot be sent.
    let send = json!({"messaging_product": "whatsapp", "to": "15550001111", "type": "template",
        "template": {"name": "to_approve", "language": {"code": "en_US"},
                     "components": [{"type": "body", "parameters": [{"type": "text", "text": "Jo"}]}]}});
    let e =
        assert_graph_error(&app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &send).await, 404, 132001);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("not approved"));
    // The admin endpoint decides.
    let review = |id: &str| format!("/admin/v1/templates/{id}/review");
    let (s, v) = app.post(&review(&a), &json!({"decision": "approve"})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("APPROVED")), "{v}");
    let (s, v) = app.post(&review(&r), &json!({"decision": "reject"})).await;
    assert_eq!(s, 400, "a rejection needs a reason: {v}");
    let (s, v) = app.post(&review(&r), &json!({"decision": "reject", "reason": "SCAM"})).await;
    assert_eq!((s, v["status"].as_str(), v["rejected_reason"].as_str()), (200, Some("REJECTED"), Some("SCAM")), "{v}");
    let (s, _) = app.post(&review(&a), &json!({"decision": "reject", "reason": "SCAM"})).await;
    assert_eq!(s, 400, "only pending templates are reviewed");
    assert_eq!(status_events(&app, &a).await[0]["event"], "APPROVED");
    assert_eq!(status_events(&app, &r).await[0]["reason"], "SCAM");
    let (s, v) = app.post(&format!("/v23.0/{}/messages", app.phone_number_id()), &send).await;
    assert_eq!(s, 200, "{v}");
    app.stop().await;
}
engine_test!(manual_review_through_the_admin_endpoint, super::manual_review);

async fn delayed_review(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start_with(config_with(&db, TemplateReview::Auto, "1h")).await.unwrap();
    let ok = json!([body("Hello {{1}}, your order has shipped and is on its way.", json!(["Ann"]))]);
    let bad = json!([body("{{1}}, your order has shipped and is on its way.", json!(["Ann"]))]);
    let a = create_ok(&app, simple("later_ok", "UTILITY", ok)).await;
    let r = create_ok(&app, simple("later_bad", "UTILITY", bad)).await;
    assert_eq!((a["status"].as_str(), r["status"].as_str()), (Some("PENDING"), Some("PENDING")));
    let (a, r) = (a["id"].as_str().unwrap().to_string(), r["id"].as_str().unwrap().to_string());
    // The decision is stored with its due time and survives a restart.
    app.stop().await;
    let app = TestApp::start_with(config_with(&db, TemplateReview::Auto, "1h")).await.unwrap();
    let (_, t) = app.get(&format!("/v23.0/{a}?fields=status")).await;
    assert_eq!(t["status"], "PENDING");
    app.post("/sandbox/v1/clock/advance", &json!({"by": "61m"})).await;
    // The server's clock task applies both without any request touching them.
    eventually("due decisions applied by the background task", Duration::from_secs(10), async || {
        !status_events(&app, &a).await.is_empty() && !status_events(&app, &r).await.is_empty()
    })
    .await
    .unwrap();
    assert_eq!(status_events(&app, &a).await[0]["event"], "APPROVED");
    assert_eq!(status_events(&app, &r).await[0]["event"], "REJECTED");
    let (_, t) = app.get(&format!("/v23.0/{r}?fields=status,rejected_reason")).await;
    assert_eq!((t["status"].as_str(), t["rejected_reason"].as_str()), (Some("REJECTED"), Some("INVALID_FORMAT")));
    app.stop().await;
}
engine_test!(delayed_review_survives_a_restart, super::delayed_review);
