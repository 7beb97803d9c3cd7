//! Secrets at rest through the running server: the app secret and the verify tokens are not in
//! the rows in plain text, webhooks are still signed with the app secret after a key rotation
//! made by another process and after a restart, and platform mode refuses to start without keys.

use std::time::Duration;

use risala_core::model::NewOutboxEvent;
use risala_server::{Config, Mode};
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{engine_test, Database, Engine, TestApp};
use serde_json::json;

const TOKEN: &str = "verify-token-kept-secret";

fn event(app: &TestApp, n: usize) -> NewOutboxEvent {
    NewOutboxEvent {
        business_id: app.demo.ids.business_id.clone(),
        waba_id: app.waba_id().to_string(),
        phone_number_id: Some(app.phone_number_id().to_string()),
        ordering_key: format!("k{n}"),
        field: "messages".into(),
        value: json!({"messaging_product": "whatsapp", "n": n}).to_string(),
        created_at: 0,
    }
}

/// Queue one event and check the receiver gets it with a valid signature.
async fn delivered_signed(app: &TestApp, rcv: &WebhookReceiver, n: usize) {
    app.state.store.enqueue(&[event(app, n)]).await.unwrap();
    app.state.delivery.wake();
    assert!(rcv.wait_accepted(n, Duration::from_secs(20)).await, "{} accepted", rcv.accepted().len());
    assert!(rcv.posts().iter().all(|p| p.signature_valid == Some(true)), "every POST signed with the app secret");
}

/// Every secret of the database as stored in its row.
async fn raw_secrets(config: &Config) -> Vec<String> {
    let store = risala_server::open_store(config).await.unwrap();
    let all = store.stored_secrets().await.unwrap();
    all.into_iter().map(|(_, v)| v).collect()
}

async fn secrets_at_rest(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    rcv.set_app_secret(&app.demo.app.app_secret);
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": TOKEN, "fields": "messages"});
    let (s, b) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &body).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = app
        .post(
            &format!("/v23.0/{}/subscribed_apps", app.waba_id()),
            &json!({"override_callback_uri": rcv.url(), "verify_token": TOKEN}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let number = json!({"webhook_configuration": {"override_callback_uri": rcv.url(), "verify_token": TOKEN}});
    let (s, b) = app.post(&format!("/v23.0/{}", app.phone_number_id()), &number).await;
    assert_eq!(s, 200, "{b}");

    let raw = raw_secrets(&app.config).await;
    assert_eq!(
        raw.len(),
        9,
        "app secret, 3 verify tokens, 5 settings (the pseudonym key of erasures among them): {raw:?}"
    );
    for v in &raw {
        assert!(v.starts_with("v1:1:"), "stored in plain text: {v}");
        assert!(!v.contains(TOKEN) && !v.contains(&app.demo.app.app_secret), "{v}");
    }
    delivered_signed(&app, &rcv, 1).await;

    // Another process rotates the keys while the server runs: the server reads the key file
    // again when it meets the new key, and still signs with the app secret.
    let other = risala_server::open_store(&app.config).await.unwrap();
    assert_eq!(other.keyring().add_key_to_file().unwrap(), 2);
    assert_eq!(other.reencrypt_secrets().await.unwrap(), 9, "app secret, 3 tokens, 5 settings");
    assert!(raw_secrets(&app.config).await.iter().all(|v| v.starts_with("v1:2:")));
    delivered_signed(&app, &rcv, 2).await;

    // And after a restart on the same data.
    let config = app.config.clone();
    app.stop().await;
    let app = TestApp::start_with(config).await.unwrap();
    delivered_signed(&app, &rcv, 3).await;
    app.stop().await;
}
engine_test!(secrets_are_encrypted_at_rest_and_survive_a_rotation, super::secrets_at_rest);

async fn platform_without_keys(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let config = Config { mode: Mode::Platform, seed_demo: false, key_file: None, ..db.config() };
    let e = TestApp::start_with(config.clone()).await.err().expect("platform mode without keys must not start");
    assert!(e.to_string().contains("platform mode needs keys to encrypt secrets at rest"), "{e}");
    // With keys from the environment-style setting it starts.
    let keys = risala_store::keyring::new_key_line(1).unwrap();
    let config = Config { encryption_keys: Some(keys), ..config };
    TestApp::start_with(config).await.unwrap().stop().await;
}
engine_test!(platform_mode_refuses_to_start_without_keys, super::platform_without_keys);
