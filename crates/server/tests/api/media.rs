//! Media through HTTP on SQLite and PostgreSQL: upload, info, download by the short-lived
//! link, delete, the 30-day retention and the type and size limits (131053); and media sent by
//! `link`, fetched by the server behind the URL guard.

use risala_core::clock::Clock;
use risala_testkit::{assert_graph_error, engine_test, json_response, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::json;

use crate::support::{customer_in_window, file_server, send, send_ok, CUSTOMER, LINKED_PNG};

async fn media(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let id = app.upload("image/jpeg", b"\xFF\xD8\xFFjpeg").await;
    let (s, info) = app.get(&format!("/v23.0/{id}")).await;
    assert_eq!(s, 200, "{info}");
    assert_eq!(info["mime_type"], "image/jpeg");
    assert_eq!(info["file_size"], "7");
    assert_eq!(info["messaging_product"], "whatsapp");
    let url = info["url"].as_str().unwrap().to_string();
    let r = app.client.get(&url).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.headers()["content-length"], "7");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"\xFF\xD8\xFFjpeg");
    // No token: Graph error 104.
    assert_graph_error(&json_response(app.client.get(&url).send().await.unwrap()).await, 400, 104);
    // The phone_number_id guard.
    let (s, _) = app.get(&format!("/v23.0/{id}?phone_number_id={}", app.phone_number_id())).await;
    assert_eq!(s, 200);
    assert_graph_error(&app.get(&format!("/v23.0/{id}?phone_number_id=123")).await, 400, 100);
    // Links live five minutes: an expired one is HTTP 404 (Meta's download host), with the
    // Graph error in the body; so is an altered one.
    app.post("/sandbox/v1/clock/advance", &json!({"by": "6m"})).await;
    assert_graph_error(
        &json_response(app.client.get(&url).bearer_auth(DEMO_TOKEN).send().await.unwrap()).await,
        404,
        100,
    );
    let altered = url.replace("sig=", "sig=0");
    assert_graph_error(
        &json_response(app.client.get(&altered).bearer_auth(DEMO_TOKEN).send().await.unwrap()).await,
        404,
        100,
    );
    // Limits: MIME type and size, 131053.
    // A type Meta does not take: 100, naming the ones it does (as Meta's answer).
    let e = assert_graph_error(&app.upload_raw("image/gif", "x.gif", vec![0u8; 10]).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("Received file of type 'image/gif'"), "{e}");
    assert_graph_error(&app.upload_raw("image/png", "x.png", vec![0u8; 5 * 1024 * 1024 + 1]).await, 400, 131053);
    // Delete, then it is gone.
    let r = app.client.delete(app.url(&format!("/v23.0/{id}"))).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    assert_eq!(json_response(r).await, (200, json!({"success": true})));
    assert_graph_error(&app.get(&format!("/v23.0/{id}")).await, 400, 100);
    // Retention: 30 days after upload the media is gone.
    let kept = app.upload("image/png", b"\x89PNG\r\n\x1a\n").await;
    assert_eq!(app.get(&format!("/v23.0/{kept}")).await.0, 200);
    app.post("/sandbox/v1/clock/advance", &json!({"by": "31d"})).await;
    assert_graph_error(&app.get(&format!("/v23.0/{kept}")).await, 400, 100);
    assert_eq!(app.state.store.expire_media(app.state.clock.now_ms()).await.unwrap(), 1);
    // Sending an unknown media id is rejected with the field named.
    let c = app.customer(CUSTOMER, "Alice").await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let r = send(
        &app,
        json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "image", "image": {"id": "123456"}}),
    )
    .await;
    let e = assert_graph_error(&r, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("image.id"));
    app.stop().await;
}
engine_test!(media_upload_info_download_delete, super::media);

async fn link_media(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let files = file_server().await;
    let c = customer_in_window(&app).await;
    let mut device = c.connect().await;
    // Fetched by the server (sandbox mode allows loopback), stored, handed to the device.
    for path in ["/cat.png", "/moved.png"] {
        let link = format!("{files}{path}");
        let id = send_ok(&app, json!({"type": "image", "image": {"link": link, "caption": "cat"}})).await;
        let m = device.next_message().await;
        assert_eq!(m["id"], id.as_str());
        assert_eq!(m["image"]["mime_type"], "image/png");
        assert_eq!(m["image"]["link"], link.as_str());
        let media = m["image"]["id"].as_str().unwrap();
        let r =
            app.client.get(app.url(&format!("/customer/v1/media/{media}"))).bearer_auth(&c.token).send().await.unwrap();
        assert_eq!(r.bytes().await.unwrap().as_ref(), LINKED_PNG);
    }
    // Unreachable or wrong type: accepted, then failed with 131053. The same holds for a link
    // fetched a moment ago for another type (an image's link sent as a video).
    let missing = send_ok(&app, json!({"type": "image", "image": {"link": format!("{files}/nope.png")}})).await;
    let html = send_ok(&app, json!({"type": "image", "image": {"link": format!("{files}/page.html")}})).await;
    let as_video = send_ok(&app, json!({"type": "video", "video": {"link": format!("{files}/cat.png")}})).await;
    let statuses = app.queued_statuses().await;
    for id in [&missing, &html, &as_video] {
        let s: Vec<_> = statuses.iter().filter(|s| s["id"] == id.as_str()).collect();
        assert_eq!(s.len(), 1, "{statuses:?}");
        assert_eq!(s[0]["status"], "failed");
        assert_eq!(s[0]["errors"][0]["code"], 131053);
    }
    let s = statuses.iter().find(|s| s["id"] == as_video.as_str()).unwrap();
    let details = s["errors"][0]["error_data"]["details"].as_str().unwrap_or_default();
    assert!(details.starts_with("video.link: the link serves image/png"), "{s}");
    app.stop().await;

    // Platform mode: a link to a loopback address is refused.
    let mut config = db.config();
    config.mode = risala_server::Mode::Platform;
    let app = TestApp::start_with(config).await.unwrap();
    app.state
        .store
        .upsert_customer(
            &risala_core::model::Customer { wa_id: CUSTOMER.into(), profile_name: "A".into(), created_at: 0 },
            false,
        )
        .await
        .unwrap();
    let id = send_ok(&app, json!({"type": "image", "image": {"link": format!("{files}/cat.png")}})).await;
    let s: Vec<_> = app.queued_statuses().await.into_iter().filter(|s| s["id"] == id.as_str()).collect();
    assert_eq!(s[0]["status"], "failed");
    assert_eq!(s[0]["errors"][0]["code"], 131053, "{s:?}");
    app.stop().await;
}
engine_test!(link_media_is_fetched_with_the_guard, super::link_media);
