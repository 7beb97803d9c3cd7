//! Large media through HTTP: uploads and link fetches stream to a temporary file and are stored
//! in chunks (byte-exact round trips with the right SHA-256 and length), size limits stop an
//! upload with nothing left behind, a client that disconnects leaves no temporary file, the cap
//! on uploads and fetches in flight answers Graph's throttling error, and content that does not
//! match its declared type is 131053. The temporary-file checks run on SQLite, whose temporary
//! directory (`<data_dir>/tmp`) is the server's own.

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use risala_core::model::MEDIA_CHUNK;
use risala_testkit::{assert_graph_error, engine_test, json_response, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::support::{big_pdf, customer_in_window, file_server, send, send_ok, CUSTOMER};

fn sha256_b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(data))
}

/// Chunk rows in the database, all media together.
async fn chunk_rows(app: &TestApp) -> i64 {
    let store = risala_server::open_store(&app.config).await.unwrap();
    let rows = store.db().query("SELECT COUNT(*) FROM media_chunks", vec![]).await.unwrap();
    rows[0].i64(0).unwrap()
}

/// The files in the server's temporary media directory.
fn temp_files(app: &TestApp) -> Vec<PathBuf> {
    match std::fs::read_dir(app.config.data_dir.join("tmp")) {
        Ok(dir) => dir.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Wait (up to 10 s) until the temporary directory holds `n` files.
async fn wait_temp_files(app: &TestApp, n: usize) -> Vec<PathBuf> {
    for _ in 0..500 {
        let files = temp_files(app);
        if files.len() == n {
            return files;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the temporary directory never held {n} files: {:?}", temp_files(app));
}

/// Download media `id` as the business: status, headers and bytes.
async fn download(app: &TestApp, id: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let (s, info) = app.get(&format!("/v23.0/{id}")).await;
    assert_eq!(s, 200, "{info}");
    let r = app.client.get(info["url"].as_str().unwrap()).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let headers = r.headers().clone();
    (headers, r.bytes().await.unwrap().to_vec())
}

async fn large_upload(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let data = big_pdf();
    assert!(data.len() > 6 * MEDIA_CHUNK);
    let id = app.upload("application/pdf", &data).await;
    let (_, info) = app.get(&format!("/v23.0/{id}")).await;
    assert_eq!(info["sha256"], sha256_b64(&data));
    assert_eq!(info["file_size"], data.len().to_string());
    assert_eq!(info["mime_type"], "application/pdf");
    let (headers, bytes) = download(&app, &id).await;
    assert_eq!(headers["content-length"], data.len().to_string().as_str());
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(bytes == data, "the download is the upload, byte for byte");
    assert_eq!(chunk_rows(&app).await, 7, "6 whole chunks of 1 MiB and a short one");

    // The customer's side: upload and download the same way.
    let c = app.customer(CUSTOMER, "Alice").await;
    let mine = c.upload("application/pdf", data.clone()).await;
    let r = app.client.get(app.url(&format!("/customer/v1/media/{mine}"))).bearer_auth(&c.token).send().await.unwrap();
    assert_eq!(r.headers()["content-length"], data.len().to_string().as_str());
    assert!(r.bytes().await.unwrap() == data);
    assert_eq!(chunk_rows(&app).await, 14);

    // Deleting media deletes its chunks (and only its own).
    let r = app.client.delete(app.url(&format!("/v23.0/{id}"))).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    assert_eq!(json_response(r).await, (200, json!({"success": true})));
    assert_eq!(chunk_rows(&app).await, 7);
    app.stop().await;
}
engine_test!(a_large_upload_round_trips_in_chunks, super::large_upload);

async fn large_link(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let files = file_server().await;
    let c = customer_in_window(&app).await;
    let mut device = c.connect().await;
    let link = format!("{files}/big.pdf");
    send_ok(&app, json!({"type": "document", "document": {"link": link}})).await;
    let m = device.next_message().await;
    assert_eq!(m["document"]["sha256"], sha256_b64(&big_pdf()), "{m}");
    let media = m["document"]["id"].as_str().unwrap();
    let r = app.client.get(app.url(&format!("/customer/v1/media/{media}"))).bearer_auth(&c.token).send().await.unwrap();
    assert!(r.bytes().await.unwrap() == big_pdf(), "the fetched file reaches the customer byte for byte");

    // A link serving a PDF as image/jpeg: the message fails with 131053.
    let id = send_ok(&app, json!({"type": "image", "image": {"link": format!("{files}/pdf.jpg")}})).await;
    let s: Vec<_> = app.queued_statuses().await.into_iter().filter(|s| s["id"] == id.as_str()).collect();
    assert_eq!(s[0]["status"], "failed");
    assert_eq!(s[0]["errors"][0]["code"], 131053, "{s:?}");
    let details = s[0]["errors"][0]["error_data"]["details"].as_str().unwrap();
    assert!(details.contains("image.link") && details.contains("PDF"), "{details}");
    app.stop().await;
}
engine_test!(a_large_link_fetch_round_trips, super::large_link);

async fn over_limit(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    // 5 MB is the limit for PNG: refused while streaming, nothing stored, no file left.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(5 * 1024 * 1024 + 1, 7);
    let e = assert_graph_error(&app.upload_raw("image/png", "big.png", png).await, 400, 131053);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("5242880-byte limit for image/png"), "{e}");
    assert_eq!(chunk_rows(&app).await, 0);
    if engine == Engine::Sqlite {
        assert_eq!(temp_files(&app), Vec::<PathBuf>::new());
    }
    app.stop().await;
}
engine_test!(an_upload_over_its_limit_leaves_nothing_behind, super::over_limit);

async fn mismatch(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    for (mime, content, says) in [
        ("image/jpeg", b"%PDF-1.4 a document".as_slice(), "a PDF document"),
        ("application/pdf", b"\xFF\xD8\xFF\xE0 a photo".as_slice(), "an image"),
        ("application/pdf", b"MZ\x90\0 a program".as_slice(), "a program"),
        ("video/mp4", b"OggS\0 a song".as_slice(), "audio"),
    ] {
        let e = assert_graph_error(&app.upload_raw(mime, "f", content.to_vec()).await, 400, 131053);
        let details = e["error_data"]["details"].as_str().unwrap();
        assert!(details.contains(mime) && details.contains(says), "{mime}: {details}");
    }
    // The customer's uploads are checked the same way.
    let c = app.customer(CUSTOMER, "Alice").await;
    let part = reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec()).file_name("x.jpg").mime_str("image/jpeg").unwrap();
    let r = app
        .client
        .post(app.url("/customer/v1/media"))
        .bearer_auth(&c.token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_graph_error(&json_response(r).await, 400, 131053);
    assert_eq!(chunk_rows(&app).await, 0);
    app.stop().await;
}
engine_test!(content_that_does_not_match_its_type_is_131053, super::mismatch);

/// A business upload of a PDF over a raw connection that sends `sent` bytes of the file and
/// then stalls (the body says 20 MB more follow).
async fn stalled_upload(app: &TestApp, sent: usize) -> tokio::net::TcpStream {
    let addr = app.url("").trim_start_matches("http://").trim_end_matches('/').to_string();
    let b = "risalaboundary";
    let head = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n--{b}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"f.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    );
    let total = head.len() + 20 * 1024 * 1024;
    let request = format!(
        "POST /v23.0/{}/media HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {DEMO_TOKEN}\r\n\
         Content-Type: multipart/form-data; boundary={b}\r\nContent-Length: {total}\r\n\r\n{head}%PDF-1.4\n",
        app.phone_number_id()
    );
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    conn.write_all(request.as_bytes()).await.unwrap();
    conn.write_all(&vec![b'x'; sent]).await.unwrap();
    conn.flush().await.unwrap();
    conn
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_disconnects_mid_upload_leaves_no_temp_file() {
    let db = Database::fresh(Engine::Sqlite).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let conn = stalled_upload(&app, 3 * MEDIA_CHUNK).await;
    // The upload is being received into a file only its owner may read…
    let files = wait_temp_files(&app, 1).await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777, 0o600);
        let dir = std::fs::metadata(app.config.data_dir.join("tmp")).unwrap();
        assert_eq!(dir.permissions().mode() & 0o777, 0o700);
    }
    // …and goes when the client does, with nothing stored.
    drop(conn);
    wait_temp_files(&app, 0).await;
    assert_eq!(chunk_rows(&app).await, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_and_fetches_beyond_the_cap_are_throttled() {
    let db = Database::fresh(Engine::Sqlite).await.unwrap();
    let mut config = db.config();
    config.media.max_in_flight = 1;
    config.media.max_wait = "300ms".into();
    let app = TestApp::start_with(config).await.unwrap();
    let files = file_server().await;
    customer_in_window(&app).await;

    // One upload in flight takes the only place.
    let conn = stalled_upload(&app, 1000).await;
    wait_temp_files(&app, 1).await;
    let r = app.upload_request("application/pdf", "f.pdf", b"%PDF-1.4".to_vec()).await;
    assert_eq!(r.headers()["retry-after"], "1");
    let e = assert_graph_error(&json_response(r).await, 400, 4);
    assert_eq!(e["is_transient"], true, "{e}");
    assert!(e["error_data"]["details"].as_str().unwrap().contains("at most 1"), "{e}");
    // A send by link is refused the same way (the request itself, not a failed message).
    let r = send(
        &app,
        json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "image", "image": {"link": format!("{files}/cat.png")}}),
    )
    .await;
    assert_graph_error(&r, 400, 4);

    // The place is free again once that upload ends.
    drop(conn);
    wait_temp_files(&app, 0).await;
    app.upload("application/pdf", b"%PDF-1.4").await;
    send_ok(&app, json!({"type": "image", "image": {"link": format!("{files}/cat.png")}})).await;
    app.stop().await;
}
