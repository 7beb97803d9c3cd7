//! Webhook delivery end to end, against a local receiver: handshake, retries driven by the
//! clock, restart durability, independent signature checks, per-conversation order, dead
//! letters and replay, the inspector, pause/resume, fault injection, several PostgreSQL nodes.
//! Each test runs on SQLite and PostgreSQL.
//!
//! Retries are scheduled an hour out (`backoff_initial = 1h`), so only moving the server's clock
//! makes them due: nothing here waits for a retry in real time.

mod connections;
mod delivery;
mod operations;
mod subscriptions;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use risala_core::clock::Clock;
use risala_core::model::{DeliveryState, NewOutboxEvent};
use risala_delivery::config::Duration as Dur;
use risala_server::Config;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::{json, Value};

const HOUR: i64 = 3_600_000;
const TOKEN: &str = "verify-me-please";

/// Retries an hour apart, and batched delivery (up to 100 changes per POST): most tests here
/// exercise batching; `one_change_per_post_by_default` checks the default.
fn config(db: &Database) -> Config {
    let mut c = db.config();
    c.webhooks.backoff_initial = Dur::secs(3600);
    c.webhooks.backoff_max = Dur::secs(3600);
    c.webhooks.batch_max_count = 100;
    c
}

async fn start(db: &Database) -> TestApp {
    TestApp::start_with(config(db)).await.unwrap()
}

/// Move the server's clock and wake the worker (as the sandbox clock endpoint would).
fn advance(app: &TestApp, ms: i64) {
    app.state.clock.advance(ms, i64::MAX).unwrap();
    app.state.delivery.wake();
}

fn event(app: &TestApp, key: &str, seq: usize) -> NewOutboxEvent {
    NewOutboxEvent {
        business_id: app.demo.ids.business_id.clone(),
        waba_id: app.waba_id().to_string(),
        phone_number_id: Some(app.phone_number_id().to_string()),
        ordering_key: key.to_string(),
        field: "messages".into(),
        value: json!({"messaging_product": "whatsapp", "test_id": format!("{key}/{seq}"), "key": key, "seq": seq})
            .to_string(),
        created_at: app.state.clock.now_ms(),
    }
}

async fn enqueue(app: &TestApp, events: Vec<NewOutboxEvent>) -> Vec<i64> {
    let ids = app.state.store.enqueue(&events).await.unwrap();
    app.state.delivery.wake();
    ids
}

fn test_id(v: &Value) -> String {
    v["test_id"].as_str().unwrap_or_default().to_string()
}

async fn subscribe(app: &TestApp, rcv: &WebhookReceiver) {
    crate::support::subscribe(app, rcv, TOKEN).await
}

/// Wait for `pred`; whenever nothing happens for a while, move the clock an hour and a half on.
async fn drive(app: &TestApp, rcv: &WebhookReceiver, rounds: usize, pred: impl Fn(&WebhookReceiver) -> bool) {
    for _ in 0..rounds {
        if rcv.wait_until(Duration::from_millis(400), &pred).await {
            return;
        }
        advance(app, HOUR + HOUR / 2);
    }
    panic!("condition not reached after {rounds} clock moves; {} posts", rcv.posts().len());
}
