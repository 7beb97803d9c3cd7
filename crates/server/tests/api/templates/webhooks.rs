//! Template webhooks delivered by the delivery engine to a subscribed receiver, through HTTP on
//! SQLite and PostgreSQL: signed, in Meta's envelope, in order, and only the subscribed fields.

use std::time::Duration;

use risala_core::model::DeliveryState;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{create_ok, events, send_then_block, template_status, utility};

const VERIFY: &str = "template-webhooks-verify";

const TEMPLATE_FIELDS: [&str; 3] =
    ["message_template_status_update", "template_category_update", "message_template_quality_update"];

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
    // Every change has its outcome (delivered, or dead for an unsubscribed field): no POST is
    // still to come.
    app.wait_deliveries("every change delivered or dead", |rows| {
        rows.iter().all(|d| d.state != DeliveryState::Pending)
    })
    .await;
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

/// Editing a template's components reports them in `message_template_components_update`
/// (Meta's shape: the body as `message_template_element`, the header's text as the title, the
/// footer, the buttons), before the edit's review outcome.
async fn components_update(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let t = create_ok(&app, utility("pickup_note", "Hello {{1}}, your order is ready for pickup today.")).await;
    let id = t["id"].as_str().unwrap();
    assert!(events(&app, "message_template_components_update").await.is_empty(), "nothing before an edit");
    let components = json!([
        {"type": "HEADER", "format": "TEXT", "text": "Order ready"},
        {"type": "BODY", "text": "Hello {{1}}, your order is ready for pickup until 6 pm.", "example": {"body_text": [["Ann"]]}},
        {"type": "FOOTER", "text": "Main street store"},
        {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Directions", "url": "https://shop.example/map"},
                                        {"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+15550100001"}]}]);
    let (s, v) = app.post(&format!("/v23.0/{id}"), &json!({"components": components})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        events(&app, "message_template_components_update").await,
        [json!({"message_template_id": id.parse::<u64>().unwrap(), "message_template_name": "pickup_note",
                "message_template_language": "en_US",
                "message_template_element": "Hello {{1}}, your order is ready for pickup until 6 pm.",
                "message_template_title": "Order ready", "message_template_footer": "Main street store",
                "message_template_buttons": [
                    {"message_template_button_type": "URL", "message_template_button_text": "Directions",
                     "message_template_button_url": "https://shop.example/map"},
                    {"message_template_button_type": "PHONE_NUMBER", "message_template_button_text": "Call us",
                     "message_template_button_phone_number": "+15550100001"}]})]
    );
    // A change of the TTL alone is no change of components.
    let (s, _) = app.post(&format!("/v23.0/{id}"), &json!({"message_send_ttl_seconds": 3600})).await;
    assert_eq!(s, 200);
    assert_eq!(events(&app, "message_template_components_update").await.len(), 1);
    app.stop().await;
}
engine_test!(an_edit_reports_the_new_components, super::components_update);
