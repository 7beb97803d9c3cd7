//! The Resumable Upload API through HTTP on SQLite and PostgreSQL: a session, the bytes in one
//! or several requests at the offsets the server reports, an upload interrupted halfway and
//! resumed from the offset `GET /upload:<id>` tells, the handle, and the errors (unknown
//! session, wrong offset, bytes beyond `file_length`, a type Meta does not take, another
//! business's session).

use risala_testkit::{assert_graph_error, engine_test, json_response, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::{json, Value};

/// A small PNG-looking file of `len` bytes (the signature, then filler).
pub fn png(len: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend((0..len.saturating_sub(8)).map(|i| (i % 251) as u8));
    v
}

/// A small PDF-looking file of `len` bytes.
pub fn pdf(len: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n".to_vec();
    v.resize(len.max(v.len()), b' ');
    v
}

/// A small JPEG-looking file of `len` bytes.
pub fn jpeg(len: usize) -> Vec<u8> {
    let mut v = b"\xFF\xD8\xFF\xE0".to_vec();
    v.resize(len.max(v.len()), 0);
    v
}

/// `POST /{app-id}/uploads` as the demo business.
pub async fn start(app: &TestApp, name: &str, len: usize, file_type: &str) -> (u16, Value) {
    let path = format!("/v23.0/{}/uploads?file_name={name}&file_length={len}&file_type={file_type}", app.demo.app.id);
    app.post(&path, &json!({})).await
}

/// `POST /upload:<id>` with `file_offset`, authorised the way Meta's docs show (`OAuth`).
pub async fn send(app: &TestApp, id: &str, offset: usize, bytes: Vec<u8>) -> (u16, Value) {
    let r = app
        .client
        .post(app.url(&format!("/v23.0/{id}")))
        .header("Authorization", format!("OAuth {DEMO_TOKEN}"))
        .header("file_offset", offset.to_string())
        .body(bytes)
        .send()
        .await
        .unwrap();
    json_response(r).await
}

/// Upload `bytes` of `file_type` whole; returns the handle.
pub async fn upload_handle(app: &TestApp, file_type: &str, bytes: Vec<u8>) -> String {
    let (s, v) = start(app, "sample.bin", bytes.len(), file_type).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = send(app, v["id"].as_str().unwrap(), 0, bytes).await;
    assert_eq!(s, 200, "{v}");
    v["h"].as_str().unwrap().to_string()
}

async fn offset_of(app: &TestApp, id: &str) -> i64 {
    let (s, v) = app.get(&format!("/v23.0/{id}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id"], id);
    v["file_offset"].as_i64().unwrap()
}

async fn resumable(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let file = png(4000);

    // One session, the bytes in two requests.
    let (s, v) = start(&app, "logo.png", file.len(), "image/png").await;
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("upload:"), "{id}");
    assert_eq!(offset_of(&app, &id).await, 0);
    let (s, v) = send(&app, &id, 0, file[..1000].to_vec()).await;
    assert_eq!((s, &v), (200, &json!({"id": id, "file_offset": 1000})));
    // A wrong offset is refused and changes nothing.
    let e = assert_graph_error(&send(&app, &id, 0, file[..10].to_vec()).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("offset 1000"), "{e}");
    // More bytes than file_length: refused, nothing kept.
    let mut long = file[1000..].to_vec();
    long.push(0);
    assert_graph_error(&send(&app, &id, 1000, long).await, 400, 100);
    assert_eq!(offset_of(&app, &id).await, 1000);
    let (s, v) = send(&app, &id, 1000, file[1000..].to_vec()).await;
    assert_eq!(s, 200, "{v}");
    let handle = v["h"].as_str().unwrap().to_string();
    assert!(handle.starts_with("4::aW1hZ2UvcG5n:"), "{handle}");
    assert_eq!(offset_of(&app, &id).await, 4000);
    // A whole file takes no more bytes.
    assert_graph_error(&send(&app, &id, 4000, vec![1]).await, 400, 100);

    // Interrupted halfway: the client sent 2000 bytes and lost its connection; it asks where
    // to resume and sends the rest from there.
    let (_, v) = start(&app, "cut.png", file.len(), "image/png").await;
    let cut = v["id"].as_str().unwrap().to_string();
    assert_eq!(send(&app, &cut, 0, file[..2000].to_vec()).await.0, 200);
    let resume = offset_of(&app, &cut).await;
    assert_eq!(resume, 2000);
    let (s, v) = send(&app, &cut, resume as usize, file[resume as usize..].to_vec()).await;
    assert_eq!(s, 200, "{v}");
    let h2 = v["h"].as_str().unwrap().to_string();
    assert_ne!(h2, handle);

    // Both handles name the same bytes: set as profile pictures, they download identical.
    for h in [&handle, &h2] {
        let body = json!({"messaging_product": "whatsapp", "profile_picture_handle": h});
        let (s, v) = app.post(&format!("/v23.0/{}/whatsapp_business_profile", app.phone_number_id()), &body).await;
        assert_eq!(s, 200, "{v}");
        let (_, p) = app.get(&format!("/v23.0/{}/whatsapp_business_profile", app.phone_number_id())).await;
        let url = p["data"][0]["profile_picture_url"].as_str().unwrap().to_string();
        let r = app.client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await.unwrap().as_ref(), file.as_slice());
    }
    app.stop().await;
}
engine_test!(resumable_upload_and_resume, super::resumable);

async fn errors(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    // Session parameters.
    assert_graph_error(&start(&app, "a.gif", 10, "image/gif").await, 400, 100);
    assert_graph_error(&start(&app, "a.png", 0, "image/png").await, 400, 100);
    assert_graph_error(&start(&app, "a.png", 6 * 1024 * 1024, "image/png").await, 400, 100);
    let path = format!("/v23.0/{}/uploads?file_length=10&file_type=image/png", app.demo.app.id);
    let e = assert_graph_error(&app.post(&path, &json!({})).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("file_name"), "{e}");
    // An app that is not the caller's: not found.
    assert_graph_error(
        &app.post("/v23.0/123456789012345/uploads?file_name=a&file_length=1&file_type=image/png", &json!({})).await,
        400,
        100,
    );
    // Unknown session, and a session id that was never issued.
    assert_graph_error(&app.get("/v23.0/upload:nosuchsession").await, 400, 100);
    assert_graph_error(&send(&app, "upload:nosuchsession", 0, vec![1, 2, 3]).await, 400, 100);
    // No file_offset header.
    let (_, v) = start(&app, "a.png", 40, "image/png").await;
    let id = v["id"].as_str().unwrap().to_string();
    let r = app.client.post(app.url(&format!("/v23.0/{id}"))).bearer_auth(DEMO_TOKEN).body(png(40)).send().await;
    let e = assert_graph_error(&json_response(r.unwrap()).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("file_offset"), "{e}");
    // No token.
    let r = app.client.get(app.url(&format!("/v23.0/{id}"))).send().await.unwrap();
    assert_graph_error(&json_response(r).await, 400, 104);
    // Bytes that are not the declared type: 131053, nothing kept.
    let (_, v) = start(&app, "a.png", 40, "image/png").await;
    let id = v["id"].as_str().unwrap().to_string();
    let mut pdf = b"%PDF-1.4 ".to_vec();
    pdf.resize(40, b' ');
    assert_graph_error(&send(&app, &id, 0, pdf).await, 400, 131053);
    assert_eq!(offset_of(&app, &id).await, 0);
    app.stop().await;
}
engine_test!(resumable_upload_errors, super::errors);

async fn template_samples(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = format!("/v23.0/{}/message_templates", app.waba_id());
    let template = |name: &str, handle: &str| {
        json!({"name": name, "language": "en_US", "category": "MARKETING", "components": [
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": [handle]}},
            {"type": "BODY", "text": "Our summer sale is on!"}]})
    };
    // A handle this server did not issue (Meta's own example): 131009/2494102, the field named.
    let meta = "4::aW1hZ2UvanBn:ARYytyb0kLp5htbBB8vWlclG5M9gMBxiEyt4FNCvrueWBOmFmRAztEuNtPGUnEC22Etc_SAAVU0YJOk3B7A:e:1681000441:634974688087057";
    let e = assert_graph_error(&app.post(&path, &template("sale_meta", meta)).await, 400, 131009);
    assert_eq!(e["error_subcode"], 2494102, "{e}");
    assert!(e["error_data"]["details"].as_str().unwrap().contains("components[0].example.header_handle[0]"), "{e}");
    // A session still missing bytes has no handle; the whole file's handle is accepted.
    let (_, v) = start(&app, "sale.jpg", 64, "image/jpeg").await;
    let id = v["id"].as_str().unwrap().to_string();
    let (s, v) = send(&app, &id, 0, jpeg(64)[..32].to_vec()).await;
    assert_eq!((s, v["h"].is_null()), (200, true), "{v}");
    let (s, v) = send(&app, &id, 32, jpeg(64)[32..].to_vec()).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app.post(&path, &template("sale", v["h"].as_str().unwrap())).await;
    assert_eq!(s, 200, "{v}");
    // The handle lasts as long as its session (30 days).
    let h = upload_handle(&app, "image/png", png(64)).await;
    app.advance_clock("31d").await;
    assert_graph_error(&app.post(&path, &template("sale_late", &h)).await, 400, 131009);
    app.stop().await;
}
engine_test!(template_header_samples_are_upload_handles, super::template_samples);
