//! Helpers several API test modules share: sends from the demo number to one customer, and a
//! local file server for media sent by `link`.

use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::TestApp;
use serde_json::{json, Value};

/// Point the demo app's `messages` webhooks at `rcv` (which answers the handshake with
/// `verify_token`).
pub async fn subscribe(app: &TestApp, rcv: &WebhookReceiver, verify_token: &str) {
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": verify_token, "fields": "messages"});
    let (s, b) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &body).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b, json!({"success": true}));
}

/// A local file server for `link` media.
pub async fn file_server() -> String {
    use axum::routing::get;
    let app = axum::Router::new()
        .route("/cat.png", get(|| async { ([("content-type", "image/png")], LINKED_PNG.to_vec()) }))
        .route("/big.pdf", get(|| async { ([("content-type", "application/pdf")], big_pdf()) }))
        .route("/pdf.jpg", get(|| async { ([("content-type", "image/jpeg")], b"%PDF-1.4 not an image".to_vec()) }))
        .route("/page.html", get(|| async { ([("content-type", "text/html")], "<html></html>") }))
        .route("/moved.png", get(|| async { (axum::http::StatusCode::FOUND, [("location", "/cat.png")]) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// What [`file_server`] serves at `/cat.png`.
pub const LINKED_PNG: &[u8] = b"\x89PNG\r\n\x1a\n linked";

/// What [`file_server`] serves at `/big.pdf`: a PDF of several media chunks and a bit, every
/// byte value in it.
pub fn big_pdf() -> Vec<u8> {
    let mut data = b"%PDF-1.7\n".to_vec();
    data.extend((0..6 * 1024 * 1024 + 12345).map(|i: usize| (i * 31 % 256) as u8));
    data
}

/// The customer the messaging and media tests talk to.
pub const CUSTOMER: &str = "15550001111";

/// [`CUSTOMER`], who has just written to the demo number: the service window is open.
pub async fn customer_in_window(app: &TestApp) -> risala_testkit::customer::TestCustomer {
    let c = app.customer(CUSTOMER, "Alice").await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    c
}

/// `/{phone-number-id}/messages` of the demo number.
pub fn send_path(app: &TestApp) -> String {
    format!("/v23.0/{}/messages", app.phone_number_id())
}

/// Send from the demo number: status and body.
pub async fn send(app: &TestApp, body: Value) -> (u16, Value) {
    app.post(&send_path(app), &body).await
}

/// Send from the demo number (to [`CUSTOMER`] unless the body names `to`); asserts it is
/// accepted and returns the wamid.
pub async fn send_ok(app: &TestApp, mut body: Value) -> String {
    body["messaging_product"] = json!("whatsapp");
    if body.get("to").is_none() {
        body["to"] = json!(CUSTOMER);
    }
    let (s, v) = send(app, body.clone()).await;
    assert_eq!(s, 200, "send {body}: {v}");
    assert_eq!(v["messaging_product"], "whatsapp");
    v["messages"][0]["id"].as_str().unwrap().to_string()
}
