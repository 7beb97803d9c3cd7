//! The data exchange with the business's endpoint, both ways encrypted as Meta does it: the
//! business's public key set on its number; publish checks the endpoint's health (`ping`);
//! the customer's device gets its first screen from the endpoint (`INIT`) and completes the
//! flow through it (`data_exchange` answered with `SUCCESS`). The fake endpoint here is the
//! business's side, written from Meta's endpoint guide: it decrypts the AES key with its
//! private key (RSA-OAEP, SHA-256), the request with AES-128-GCM, and encrypts its answer
//! with the same key and the bit-flipped IV.

use std::sync::{Arc, Mutex};

use aes_gcm::aead::consts::U16;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::aes::Aes128;
use aes_gcm::AesGcm;
use axum::extract::State;
use axum::Json;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::{Oaep, RsaPrivateKey};
use serde_json::{json, Value};

use super::{create_ok, flow_message};
use crate::support::{customer_in_window, send_path, CUSTOMER};

type Cipher = AesGcm<Aes128, U16>;

const DATA_FLOW: &str = r#"{
  "version": "7.1",
  "data_api_version": "3.0",
  "routing_model": {"ASK": ["DONE"], "DONE": []},
  "screens": [
    {"id": "ASK", "title": "Ask", "data": {"greeting": {"type": "string", "__example__": "Hi"}},
     "layout": {"type": "SingleColumnLayout", "children": [
       {"type": "TextInput", "name": "answer", "label": "Your answer"},
       {"type": "Footer", "label": "Send", "on-click-action": {"name": "data_exchange", "payload": {"answer": "${form.answer}"}}}]}},
    {"id": "DONE", "title": "Done", "terminal": true,
     "layout": {"type": "SingleColumnLayout", "children": [
       {"type": "Footer", "label": "Close", "on-click-action": {"name": "complete", "payload": {}}}]}}
  ]
}"#;

struct Business {
    key: RsaPrivateKey,
    /// Every decrypted request, in order.
    seen: Mutex<Vec<Value>>,
}

/// The business's endpoint: decrypt, answer by action, encrypt with the flipped IV.
async fn endpoint(State(b): State<Arc<Business>>, Json(body): Json<Value>) -> String {
    let field = |k: &str| B64.decode(body[k].as_str().unwrap()).unwrap();
    let aes_key = b.key.decrypt(Oaep::new::<sha2::Sha256>(), &field("encrypted_aes_key")).unwrap();
    let iv = field("initial_vector");
    let cipher = Cipher::new_from_slice(&aes_key).unwrap();
    let plain = cipher.decrypt(iv.as_slice().into(), field("encrypted_flow_data").as_slice()).unwrap();
    let req: Value = serde_json::from_slice(&plain).unwrap();
    b.seen.lock().unwrap().push(req.clone());
    let answer = match req["action"].as_str().unwrap() {
        "ping" => json!({"data": {"status": "active"}}),
        "INIT" => {
            json!({"screen": "ASK", "data": {"greeting": format!("Hello, {}", req["flow_token"].as_str().unwrap())}})
        }
        _ => json!({"screen": "SUCCESS", "data": {"extension_message_response": {"params": {
            "flow_token": req["flow_token"], "answer": req["data"]["answer"]}}}}),
    };
    let flipped: Vec<u8> = iv.iter().map(|x| !x).collect();
    B64.encode(cipher.encrypt(flipped.as_slice().into(), answer.to_string().as_bytes()).unwrap())
}

async fn business_endpoint(key: RsaPrivateKey) -> (String, Arc<Business>) {
    let b = Arc::new(Business { key, seen: Mutex::new(Vec::new()) });
    let app = axum::Router::new().route("/flow", axum::routing::post(endpoint)).with_state(b.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/flow"), b)
}

async fn data_exchange(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let customer = customer_in_window(&app).await;
    let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let pem = key.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
    let (url, business) = business_endpoint(key).await;

    let v =
        create_ok(&app, json!({"name": "quiz", "categories": ["SURVEY"], "flow_json": DATA_FLOW, "endpoint_uri": url}))
            .await;
    assert_eq!(v["validation_errors"], json!([]));
    let id = v["id"].as_str().unwrap().to_string();

    // No business public key yet: publishing fails; a key that is not one is refused.
    let (s, e) = app.post(&format!("/v23.0/{id}/publish"), &json!({})).await;
    assert_graph_error(&(s, e.clone()), 400, 139002);
    assert_eq!(e["error"]["message"], "(#139002) Missing Flows Signed Public Key");
    let enc = format!("/v23.0/{}/whatsapp_business_encryption", app.phone_number_id());
    assert_eq!(app.get(&enc).await, (200, json!({"data": []})));
    let bad = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----";
    assert_graph_error(&app.post(&enc, &json!({"business_public_key": bad})).await, 400, 131009);
    assert_eq!(app.post(&enc, &json!({"business_public_key": pem})).await, (200, json!({"success": true})));
    let (_, got) = app.get(&enc).await;
    assert_eq!(got["data"][0]["business_public_key"], pem.trim());
    assert_eq!(got["data"][0]["business_public_key_signature_status"], "VALID");

    // Publishing pings the endpoint (the health check), encrypted.
    assert_eq!(app.post(&format!("/v23.0/{id}/publish"), &json!({})).await, (200, json!({"success": true})));
    assert_eq!(business.seen.lock().unwrap().clone(), vec![json!({"version": "3.0", "action": "ping"})]);

    // The first screen comes from the endpoint, then the answer completes the flow there.
    let body = flow_message(CUSTOMER, "flow_id", &id, json!({"flow_action": "data_exchange", "flow_token": "tok-9"}));
    let (s, v) = app.post(&send_path(&app), &body).await;
    assert_eq!(s, 200, "{v}");
    let mid = v["messages"][0]["id"].as_str().unwrap().to_string();
    let (s, open) = customer.get(&format!("/customer/v1/flows/{mid}")).await;
    assert_eq!(s, 200, "{open}");
    assert_eq!((open["screen"].as_str(), &open["data"]), (Some("ASK"), &json!({"greeting": "Hello, tok-9"})));
    let (s, next) = customer
        .post(&format!("/customer/v1/flows/{mid}/data_exchange"), &json!({"screen": "ASK", "data": {"answer": "42"}}))
        .await;
    assert_eq!(s, 200, "{next}");
    assert_eq!((next["screen"].as_str(), next["completed"].as_bool()), (Some("SUCCESS"), Some(true)));
    let seen = business.seen.lock().unwrap().clone();
    assert_eq!(seen[1], json!({"version": "3.0", "action": "INIT", "flow_token": "tok-9"}));
    assert_eq!(
        seen[2],
        json!({"version": "3.0", "action": "data_exchange", "screen": "ASK", "data": {"answer": "42"}, "flow_token": "tok-9"})
    );
    let inbound = app.queued_inbound().await;
    let m = &inbound.last().unwrap()["messages"][0];
    assert_eq!((m["id"].as_str(), m["context"]["id"].as_str()), (next["reply_id"].as_str(), Some(mid.as_str())));
    let response: Value =
        serde_json::from_str(m["interactive"]["nfm_reply"]["response_json"].as_str().unwrap()).unwrap();
    assert_eq!(response, json!({"flow_token": "tok-9", "answer": "42"}));
    app.stop().await;
}
engine_test!(encrypted_data_exchange, super::data_exchange);

async fn endpoint_down(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let pem = key.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
    let enc = format!("/v23.0/{}/whatsapp_business_encryption", app.phone_number_id());
    assert_eq!(app.post(&enc, &json!({"business_public_key": pem})).await.0, 200);
    // Nothing listens there: the health check fails.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/flow", listener.local_addr().unwrap());
    drop(listener);
    let v =
        create_ok(&app, json!({"name": "down", "categories": ["OTHER"], "flow_json": DATA_FLOW, "endpoint_uri": url}))
            .await;
    let (s, e) = app.post(&format!("/v23.0/{}/publish", v["id"].as_str().unwrap()), &json!({})).await;
    assert_graph_error(&(s, e.clone()), 400, 139002);
    assert_eq!(e["error"]["message"], "(#139002) Endpoint Not Available");
    // Without an endpoint_uri, a flow with a data_api_version cannot be published either.
    let v = create_ok(&app, json!({"name": "none", "categories": ["OTHER"], "flow_json": DATA_FLOW})).await;
    let (s, e) = app.post(&format!("/v23.0/{}/publish", v["id"].as_str().unwrap()), &json!({})).await;
    assert_graph_error(&(s, e.clone()), 400, 139002);
    assert_eq!(e["error"]["message"], "(#139002) Publishing without specifying endpoint_uri is forbidden");
    app.stop().await;
}
engine_test!(publish_checks_the_endpoint, super::endpoint_down);
