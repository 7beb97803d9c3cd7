//! Status updates through `/tools/v1/{phone-number-id}/status…` and the customer's Updates:
//! validation naming the field, seen only by customers who have chatted with the business, for
//! 24 hours on the sandbox clock; sponsored Status from ads with the `status` placement; a reply
//! reaches the business with `context` naming the update.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::ads::{ads_path, PNG};

fn details(e: &Value) -> String {
    e["error_data"]["details"].as_str().unwrap_or_default().to_string()
}

async fn status(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = format!("/tools/v1/{}/status", app.phone_number_id());
    let base = app.url("");

    let cases: Vec<(Value, i64, &str)> = vec![
        (json!({"type": "poll"}), 131009, "type: text, image or video, not poll"),
        (json!({"type": "text"}), 131008, "The parameter text is required."),
        (json!({"type": "text", "text": {"body": ""}}), 131008, "The parameter text.body is required."),
        (json!({"type": "text", "text": {"body": "x", "background_color": "teal"}}), 131009, "text.background_color"),
        (json!({"type": "text", "text": {"body": "x"}, "image": {}}), 100, "image: unknown field"),
        (json!({"type": "image", "image": {"caption": "x"}}), 131008, "The parameter image.id is required."),
        (json!({"type": "video", "video": {"id": "999"}}), 131009, "video.id: no media 999"),
    ];
    for (body, code, want) in cases {
        let e = assert_graph_error(&app.post(&path, &body).await, 400, code);
        assert!(details(&e).starts_with(want), "{body}: {e}");
    }
    // An image uploaded by the business is not a video.
    let media = app.upload("image/png", PNG).await;
    let e = assert_graph_error(&app.post(&path, &json!({"type": "video", "video": {"id": media}})).await, 400, 131009);
    assert!(details(&e).contains("is image/png, not an video"), "{e}");

    let (s, text) = app
        .post(&path, &json!({"type": "text", "text": {"body": "Fresh bread at 7!", "background_color": "#ff8800"}}))
        .await;
    assert_eq!(s, 200, "{text}");
    let text_id = text["id"].as_str().unwrap().to_string();
    let created = text["created_time"].as_i64().unwrap();
    assert_eq!(
        text,
        json!({"id": text_id, "type": "text", "text": {"body": "Fresh bread at 7!", "background_color": "#FF8800"},
               "created_time": created, "expiration_time": created + 86_400})
    );
    app.advance_clock("1h").await;
    let (s, image) =
        app.post(&path, &json!({"type": "image", "image": {"id": media, "caption": "Today's loaves"}})).await;
    assert_eq!(s, 200, "{image}");
    let image_id = image["id"].as_str().unwrap().to_string();
    let media_url = format!("{base}/customer/v1/status/{image_id}/media");
    assert_eq!(image["image"], json!({"id": media, "caption": "Today's loaves", "url": media_url}));
    assert_eq!(app.get(&path).await.1["data"].as_array().unwrap().len(), 2);

    // A sponsored Status: an ad with the status placement.
    let mut ad = super::ads::spring_ad();
    ad["placement"] = json!("status");
    let (_, ad) = app.post(&ads_path(&app), &ad).await;

    // A customer who has not chatted with the business sees only the sponsored one.
    let una = app.customer("15550001111", "Una").await;
    let (s, v) = una.get("/customer/v1/status").await;
    assert_eq!((s, &v["data"]), (200, &json!([])), "{v}");
    assert_eq!(v["sponsored"][0]["id"], ad["id"], "{v}");
    assert_eq!(v["sponsored"][0]["placement"], "status");
    assert_graph_error(&una.get(&format!("/customer/v1/status/{image_id}/media")).await, 400, 100);
    // After a chat: both updates, oldest first, with the business.
    una.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let (_, v) = una.get("/customer/v1/status").await;
    let name = app.state.messaging.phone(app.phone_number_id()).await.unwrap().unwrap().verified_name.clone();
    assert_eq!(v["data"][0]["business"], json!({"wa_id": app.business_number(), "name": name}));
    assert_eq!(v["data"][0]["updates"], json!([text, image]), "{v}");
    let r = reqwest::Client::new().get(&media_url).bearer_auth(&una.token).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.bytes().await.unwrap().as_ref()), (200, PNG));

    // A reply to the update reaches the business with context naming it.
    let reply = json!({"type": "text", "text": {"body": "Save me two!"}, "context": {"id": image_id}});
    let id = una.send(app.business_number(), reply).await;
    let m = app.queued_inbound().await.last().unwrap()["messages"][0].clone();
    assert_eq!(
        (m["id"].as_str(), &m["context"]),
        (Some(id.as_str()), &json!({"from": app.business_number(), "id": image_id}))
    );

    // 24 hours after posting, each update is gone.
    app.advance_clock("23h").await;
    let (_, v) = una.get("/customer/v1/status").await;
    assert_eq!(v["data"][0]["updates"], json!([image]), "{v}");
    app.advance_clock("1h").await;
    assert_eq!(una.get("/customer/v1/status").await.1["data"], json!([]));
    assert_eq!(app.get(&path).await, (200, json!({"data": []})));
    assert_graph_error(&una.get(&format!("/customer/v1/status/{image_id}/media")).await, 400, 100);

    // Deleted before it expires: gone; a second delete finds nothing.
    let (_, t) = app.post(&path, &json!({"type": "video", "video": {"link": "https://cdn.example.com/v.mp4"}})).await;
    let tid = t["id"].as_str().unwrap();
    assert_eq!(t["video"], json!({"link": "https://cdn.example.com/v.mp4", "url": "https://cdn.example.com/v.mp4"}));
    let url = app.url(&format!("{path}/{tid}"));
    let r = reqwest::Client::new().delete(&url).bearer_auth(risala_testkit::DEMO_TOKEN).send().await.unwrap();
    assert_eq!(risala_testkit::json_response(r).await, (200, json!({"success": true})));
    let r = reqwest::Client::new().delete(&url).bearer_auth(risala_testkit::DEMO_TOKEN).send().await.unwrap();
    assert_graph_error(&risala_testkit::json_response(r).await, 400, 100);
    assert_eq!(una.get("/customer/v1/status").await.1["data"], json!([]));
    app.stop().await;
}
engine_test!(status_updates_last_a_day_and_replies_carry_context, super::status);
