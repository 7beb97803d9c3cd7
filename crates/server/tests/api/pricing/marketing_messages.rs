//! `POST /{phone-number-id}/marketing_messages` (Marketing Messages Lite API) on SQLite and
//! PostgreSQL: a marketing template goes out as from `/messages`, with its status webhooks,
//! priced `marketing_lite` at the card's marketing rate and charged on delivery; anything that
//! is not a template is 100, a utility or authentication template 131055; a customer who
//! stopped marketing does not get it.

use risala_core::clock::Clock;
use risala_core::model::Category;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{create_templates, load_sample, template_body, text_body, GB, US};

async fn post_marketing(app: &TestApp, body: &Value) -> (u16, Value) {
    app.post(&format!("/v23.0/{}/marketing_messages", app.phone_number_id()), body).await
}

async fn marketing_messages(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let card = load_sample(&app).await;
    create_templates(&app).await;
    let gb = app.customer(GB, "Gil").await;
    let mut device = gb.connect().await;

    // A marketing template: the answer of /messages, a sent status priced marketing_lite.
    let (s, v) = post_marketing(&app, &template_body(GB, "news")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["contacts"], json!([{"input": GB, "wa_id": GB}]));
    let id = v["messages"][0]["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("wamid."), "{v}");
    let statuses: Vec<Value> = app.queued_statuses().await.into_iter().filter(|s| s["id"] == id).collect();
    assert_eq!(statuses[0]["status"], "sent", "{statuses:?}");
    assert_eq!(
        statuses[0]["pricing"],
        json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "marketing_lite"})
    );
    // The customer receives the rendered template.
    let got = device.next_message().await;
    assert_eq!(got["id"], id, "{got}");

    // The endpoint's own settings, as Meta's examples set them; a value Meta does not take is 100.
    for (policy, sharing) in [("CLOUD_API_FALLBACK", true), ("STRICT", false)] {
        let mut body = template_body(GB, "news");
        body["product_policy"] = json!(policy);
        body["message_activity_sharing"] = json!(sharing);
        let (s, v) = post_marketing(&app, &body).await;
        assert_eq!(s, 200, "{policy}: {v}");
        device.next_message().await;
    }
    for (key, value) in [("product_policy", json!("LOOSE")), ("message_activity_sharing", json!("yes"))] {
        let mut body = template_body(GB, "news");
        body[key] = value;
        assert_graph_error(&post_marketing(&app, &body).await, 400, 100);
    }

    // Charged on delivery at the marketing rate, in the marketing_lite category.
    assert_eq!(gb.ack(&id, "delivered").await.0, 200);
    let ledger = app.state.store.ledger(app.waba_id(), 0, i64::MAX).await.unwrap();
    assert_eq!(ledger.len(), 1, "{ledger:?}");
    assert_eq!(ledger[0].category, "marketing_lite");
    assert_eq!(ledger[0].amount_micros, card.rate("GB", Category::Marketing).unwrap());
    // pricing_analytics reports it under MARKETING_LITE.
    let now = app.state.clock.now_ms() / 1000;
    let (s, v) = app
        .get(&format!(
            "/v23.0/{}?fields=pricing_analytics.start({}).end({}).granularity(DAILY).dimensions([PRICING_CATEGORY])",
            app.waba_id(),
            now - 86_400,
            now + 86_400
        ))
        .await;
    assert_eq!(s, 200, "{v}");
    let points = &v["pricing_analytics"]["data"][0]["data_points"];
    assert!(
        points.as_array().unwrap().iter().any(|p| p["pricing_category"] == "MARKETING_LITE" && p["volume"] == 1),
        "{v}"
    );

    // Not a template: 100, "Message must be a template message."; nothing is sent.
    let before = app.queued_statuses().await.len();
    let e = assert_graph_error(&post_marketing(&app, &text_body(GB)).await, 400, 100);
    assert_eq!(e["error_data"]["details"], "Message must be a template message.");
    let read = json!({"messaging_product": "whatsapp", "status": "read", "message_id": id});
    assert_graph_error(&post_marketing(&app, &read).await, 400, 100);
    // A utility or authentication template: 131055, naming the category.
    for name in ["shipped", "login"] {
        let e = assert_graph_error(&post_marketing(&app, &template_body(GB, name)).await, 400, 131055);
        let details = e["error_data"]["details"].as_str().unwrap();
        assert!(details.contains(name) && details.contains("/messages"), "{details}");
    }
    // A template that does not exist: the same 132001 as /messages.
    assert_graph_error(&post_marketing(&app, &template_body(GB, "nope")).await, 404, 132001);
    assert_eq!(app.queued_statuses().await.len(), before);

    // A customer who stopped marketing messages: accepted, then a failed status (131050).
    let us = app.customer(US, "Una").await;
    let path = format!("/customer/v1/chats/{}/marketing", app.business_number());
    assert_eq!(us.post(&path, &json!({"value": "stop"})).await.0, 200);
    let (s, v) = post_marketing(&app, &template_body(US, "news")).await;
    assert_eq!(s, 200, "{v}");
    let id = v["messages"][0]["id"].as_str().unwrap().to_string();
    let failed: Vec<Value> = app.queued_statuses().await.into_iter().filter(|s| s["id"] == id).collect();
    assert_eq!(failed[0]["status"], "failed", "{failed:?}");
    assert_eq!(failed[0]["errors"][0]["code"], 131050);
}
engine_test!(marketing_messages_lite, super::marketing_messages);
