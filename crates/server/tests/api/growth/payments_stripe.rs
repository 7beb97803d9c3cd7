//! Payments with Stripe, against a local fake of Stripe's endpoints: the business's key and an
//! idempotency key on the one Checkout Session an order gets, the customer sent to its URL, and
//! Stripe's webhook verified with the number's signing secret (a bad signature or an old one
//! refused) changing the payment once however often it is repeated.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use risala_core::clock::Clock;
use risala_core::payments::stripe::sign;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::payments::{order_details, payment_statuses, ALICE};

/// One request the fake received: headers of interest and the form fields.
#[derive(Debug, Clone)]
struct Seen {
    authorization: String,
    idempotency_key: String,
    form: Vec<(String, String)>,
}

#[derive(Clone, Default)]
struct Fake {
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// `POST /v1/checkout/sessions`, as Stripe answers it (the fields Risala reads), replaying the
/// first answer for a repeated idempotency key.
async fn sessions(State(fake): State<Fake>, headers: HeaderMap, body: String) -> (axum::http::StatusCode, Json<Value>) {
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let form: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap();
    if h("authorization") != "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc" {
        let err = json!({"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}});
        return (axum::http::StatusCode::UNAUTHORIZED, Json(err));
    }
    let mut seen = fake.seen.lock().unwrap();
    let key = h("idempotency-key");
    let n = seen.iter().position(|s| s.idempotency_key == key).unwrap_or(seen.len());
    if n == seen.len() {
        seen.push(Seen { authorization: h("authorization"), idempotency_key: key, form });
    }
    let id = format!("cs_test_{n}");
    (
        axum::http::StatusCode::OK,
        Json(
            json!({"id": id, "object": "checkout.session", "url": format!("https://checkout.stripe.test/c/pay/{id}")}),
        ),
    )
}

async fn start_fake() -> (Fake, String) {
    let fake = Fake::default();
    let app = Router::new().route("/v1/checkout/sessions", post(sessions)).with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (fake, format!("http://{addr}"))
}

const SECRET: &str = "whsec_test_secret_0123456789";

fn event(id: &str, ty: &str, reference_id: &str, paid: bool) -> Vec<u8> {
    json!({"id": id, "object": "event", "type": ty, "data": {"object": {
        "id": "cs_test_0", "object": "checkout.session", "client_reference_id": reference_id,
        "payment_intent": "pi_3Nabc", "payment_status": if paid { "paid" } else { "unpaid" }}}})
    .to_string()
    .into_bytes()
}

async fn deliver(app: &TestApp, signature: &str, payload: Vec<u8>) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(app.url(&format!("/payments/v1/stripe/{}/webhook", app.phone_number_id())))
        .header("Stripe-Signature", signature)
        .body(payload)
        .send()
        .await
        .unwrap();
    risala_testkit::json_response(resp).await
}

async fn stripe(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let (fake, base) = start_fake().await;
    let mut config = db.config();
    config.stripe_api_base = base;
    let app = TestApp::start_with(config).await.unwrap();
    let settings = format!("/tools/v1/{}/payments/settings", app.phone_number_id());

    // Settings: the sandbox by default; Stripe needs both keys; keys are shown masked.
    let (s, v) = app.get(&settings).await;
    assert_eq!((s, v["provider"].as_str(), v["stripe"]["secret_key"].clone()), (200, Some("sandbox"), Value::Null));
    assert_graph_error(&app.post(&settings, &json!({"provider": "stripe"})).await, 400, 131009);
    assert_graph_error(&app.post(&settings, &json!({"provider": "paypal"})).await, 400, 131009);
    assert_graph_error(&app.post(&settings, &json!({"stripe_secret_key": "pk_live_abc"})).await, 400, 131009);
    assert_graph_error(&app.post(&settings, &json!({"color": "blue"})).await, 400, 100);
    let body = json!({"provider": "stripe", "stripe_secret_key": "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "stripe_webhook_secret": SECRET});
    let (s, v) = app.post(&settings, &body).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v,
        json!({"phone_number_id": app.phone_number_id(), "provider": "stripe", "stripe": {
            "secret_key": "sk_test_…p7dc", "webhook_secret_set": true,
            "webhook_path": format!("/payments/v1/stripe/{}/webhook", app.phone_number_id())}})
    );
    assert_eq!(app.get(&settings).await.1, v);

    // An order: the customer's pay makes one Checkout Session with the business's key.
    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();
    alice.send(&num, json!({"type": "text", "text": {"body": "hi"}})).await;
    let wamid = app.send_accepted(&order_details(ALICE, "ord-s1")).await;
    let pay = format!("/customer/v1/chats/{num}/orders/ord-s1/pay");
    let (s, o) = alice.post(&pay, &json!({})).await;
    assert_eq!(s, 200, "{o}");
    assert_eq!(
        (o["payment_status"].as_str(), o["checkout_url"].as_str(), o["provider"].as_str()),
        (Some("pending"), Some("https://checkout.stripe.test/c/pay/cs_test_0"), Some("stripe"))
    );
    let (s, again) = alice.post(&pay, &json!({})).await;
    assert_eq!((s, again["checkout_url"].clone()), (200, o["checkout_url"].clone()));
    let seen = fake.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].authorization, "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc");
    assert_eq!(seen[0].idempotency_key, format!("risala-{}-ord-s1", app.phone_number_id()));
    let field = |k: &str| seen[0].form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(field("mode"), Some("payment"));
    assert_eq!(field("client_reference_id"), Some("ord-s1"));
    assert_eq!(field("line_items[0][price_data][currency]"), Some("inr"));
    assert_eq!(field("line_items[0][price_data][unit_amount]"), Some("1950"));
    assert_eq!(field("line_items[0][quantity]"), Some("1"));
    assert_eq!(field("metadata[amount]"), Some("19.50"));
    let statuses = payment_statuses(&app).await;
    assert_eq!(statuses.len(), 1, "{statuses:?}");
    assert_eq!((statuses[0]["status"].as_str(), statuses[0]["id"].as_str()), (Some("pending"), Some(wamid.as_str())));
    assert_eq!(statuses[0]["payment"]["transaction"]["type"], "stripe");

    // Stripe's webhook: a wrong secret, an old timestamp and no header are refused.
    let now = app.state.clock.now_ms() / 1000;
    let payload = event("evt_1", "checkout.session.completed", "ord-s1", true);
    let e = assert_graph_error(
        &deliver(&app, &sign("whsec_wrong_secret_000", now, &payload), payload.clone()).await,
        400,
        131009,
    );
    assert!(e["error_data"]["details"].as_str().unwrap().contains("no v1 signature matches"), "{e}");
    let e = assert_graph_error(&deliver(&app, &sign(SECRET, now - 301, &payload), payload.clone()).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("more than 300 seconds"), "{e}");
    assert_graph_error(&deliver(&app, "", payload.clone()).await, 400, 131009);
    assert_eq!(payment_statuses(&app).await.len(), 1);

    // Signed: captured, once however often Stripe repeats it.
    let signature = sign(SECRET, now, &payload);
    assert_eq!(deliver(&app, &signature, payload.clone()).await, (200, json!({"received": true, "applied": true})));
    assert_eq!(deliver(&app, &signature, payload.clone()).await, (200, json!({"received": true, "applied": false})));
    // A later expiry of the same session changes a captured order no more.
    let expired = event("evt_2", "checkout.session.expired", "ord-s1", false);
    assert_eq!(deliver(&app, &sign(SECRET, now, &expired), expired).await.1["applied"], false);
    // Other events are acknowledged and ignored.
    let other = json!({"id": "evt_3", "type": "customer.created", "data": {"object": {}}}).to_string().into_bytes();
    assert_eq!(
        deliver(&app, &sign(SECRET, now, &other), other).await,
        (200, json!({"received": true, "applied": false}))
    );

    let statuses = payment_statuses(&app).await;
    assert_eq!(statuses.iter().map(|s| s["status"].as_str().unwrap()).collect::<Vec<_>>(), ["pending", "captured"]);
    let t = &statuses[1]["payment"]["transaction"];
    assert_eq!(
        (t["id"].as_str(), t["status"].as_str(), t["type"].as_str()),
        (Some("pi_3Nabc"), Some("success"), Some("stripe"))
    );
    let (_, o) = app.get(&format!("/tools/v1/{}/payments/orders/ord-s1", app.phone_number_id())).await;
    assert_eq!((o["payment_status"].as_str(), o["transaction_id"].as_str()), (Some("captured"), Some("pi_3Nabc")));
    // Paying a captured order asks Stripe for nothing.
    assert_eq!(alice.post(&pay, &json!({})).await.1["payment_status"], "captured");
    assert_eq!(fake.seen.lock().unwrap().len(), 1);

    // A key Stripe refuses: the customer is told, with 131042.
    let bad_key = json!({"stripe_secret_key": "sk_test_revoked_key_0000"});
    assert_eq!(app.post(&settings, &bad_key).await.0, 200);
    app.send_accepted(&order_details(ALICE, "ord-s2")).await;
    let e = assert_graph_error(
        &alice.post(&format!("/customer/v1/chats/{num}/orders/ord-s2/pay"), &json!({})).await,
        400,
        131042,
    );
    assert!(e["error_data"]["details"].as_str().unwrap().contains("Invalid API Key provided"), "{e}");
    app.stop().await;
}
engine_test!(stripe_checkout_and_signed_webhooks_against_a_fake, super::stripe);
