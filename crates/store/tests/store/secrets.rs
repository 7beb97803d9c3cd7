//! Secrets at rest: encrypted in the rows, plain through the store, rotated to a new key
//! (rows written before encryption too), and a clear error with the wrong keys.

use risala_core::model::*;
use risala_core::store::*;
use risala_store::{Engine, Keyring, Plan, SqlStore};

use crate::fixtures::*;
use crate::harness::{available, Scratch};

const APP_SECRET: &str = "0123456789abcdef0123456789abcdef";

/// Every secret of the database as stored in its row.
async fn raw_secrets(store: &SqlStore) -> Vec<String> {
    let all = store.stored_secrets().await.unwrap();
    all.into_iter().map(|(_, v)| v).collect()
}

async fn write_secrets(store: &SqlStore) {
    let mut t = tenant(store, 1).await;
    t.app.id = "a9".into();
    t.app.app_secret = APP_SECRET.into();
    store.create_app(&t.app).await.unwrap();
    let sub = AppSubscription {
        app_id: "a9".into(),
        business_id: "b1".into(),
        object: "whatsapp_business_account".into(),
        callback_url: "https://example.com/hook".into(),
        verify_token: "app-verify-token".into(),
        fields: vec![],
        created_at: T0,
        updated_at: T0,
    };
    store.put_app_subscription(&sub).await.unwrap();
    let ws = WabaSubscription {
        waba_id: "w1".into(),
        app_id: "a9".into(),
        business_id: "b1".into(),
        override_callback_uri: Some("https://example.com/waba".into()),
        verify_token: Some("waba-verify-token".into()),
        created_at: T0,
    };
    store.put_waba_subscription(&ws).await.unwrap();
    let o = NumberOverride {
        phone_number_id: "p1".into(),
        waba_id: "w1".into(),
        business_id: "b1".into(),
        callback_url: "https://example.com/number".into(),
        verify_token: "number-verify-token".into(),
        created_at: T0,
    };
    store.put_number_override(&o).await.unwrap();
    store.set_setting("media_url_secret", "media-url-secret").await.unwrap();
}

async fn assert_readable(store: &SqlStore) {
    assert_eq!(store.app("a9").await.unwrap().unwrap().app_secret, APP_SECRET);
    assert_eq!(store.list_apps(Some("b1")).await.unwrap().iter().filter(|a| a.app_secret == APP_SECRET).count(), 1);
    assert_eq!(store.app_subscriptions(Some("a9"), None).await.unwrap()[0].verify_token, "app-verify-token");
    assert_eq!(store.waba_subscriptions("w1").await.unwrap()[0].verify_token.as_deref(), Some("waba-verify-token"));
    assert_eq!(store.number_override("p1").await.unwrap().unwrap().verify_token, "number-verify-token");
    assert_eq!(store.setting("media_url_secret").await.unwrap().as_deref(), Some("media-url-secret"));
}

const PLAIN: [&str; 5] =
    [APP_SECRET, "app-verify-token", "waba-verify-token", "number-verify-token", "media-url-secret"];

async fn secrets_are_encrypted_and_rotate(engine: Engine) {
    if !available(engine) {
        return;
    }
    let scratch = Scratch::new(engine).await;
    let key_file = scratch.sqlite_path().with_file_name("risala.key");
    let keys = Keyring::file(&key_file, true).unwrap();
    let open = |keys: Keyring| {
        let url = scratch.url.clone();
        let path = scratch.sqlite_path();
        async move { SqlStore::open(url.as_deref(), &path, "NORMAL", keys).await }
    };
    let store = open(keys.clone()).await.unwrap();
    write_secrets(&store).await;

    // In the rows: only ciphertext, under key 1.
    let raw = raw_secrets(&store).await;
    assert!(raw.len() >= 6, "{raw:?}");
    for v in &raw {
        assert!(v.starts_with("v1:1:"), "not encrypted: {v}");
        for p in PLAIN {
            assert!(!v.contains(p), "{p} in plain text: {v}");
        }
    }
    assert_readable(&store).await;

    // A row written before encryption reads as it is, until a rotation encrypts it.
    store
        .db()
        .write(Plan::one("UPDATE settings SET value = 'legacy-plain' WHERE key = 'media_url_secret'", vec![]))
        .await
        .unwrap();
    assert_eq!(store.setting("media_url_secret").await.unwrap().as_deref(), Some("legacy-plain"));
    store.set_setting("media_url_secret", "media-url-secret").await.unwrap();
    store
        .db()
        .write(Plan::one("UPDATE apps SET app_secret = '0123456789abcdef0123456789abcdef' WHERE id = 'a9'", vec![]))
        .await
        .unwrap();
    assert_readable(&store).await;

    // Rotation: a new key in the file, every secret re-encrypted with it, all still readable.
    assert_eq!(keys.add_key_to_file().unwrap(), 2);
    let n = store.reencrypt_secrets().await.unwrap();
    assert!(n >= 6, "{n} rewritten");
    for v in raw_secrets(&store).await {
        assert!(v.starts_with("v1:2:"), "not under the new key: {v}");
    }
    assert_readable(&store).await;
    assert_eq!(store.reencrypt_secrets().await.unwrap(), 0, "nothing left to rotate");
    let reopened = open(Keyring::file(&key_file, false).unwrap()).await.unwrap();
    assert_readable(&reopened).await;

    // The wrong keys: a clear error at open, naming where the keys came from.
    let wrong = Keyring::parse(&risala_store::keyring::new_key_line(2).unwrap(), "the wrong key file").unwrap();
    let e = open(wrong).await.err().expect("the wrong key must not open the database").to_string();
    assert!(e.contains("does not decrypt with key 2 of the wrong key file"), "{e}");
    let missing = Keyring::parse(&risala_store::keyring::new_key_line(7).unwrap(), "a newer key only").unwrap();
    let e = open(missing).await.err().expect("a keyring without the key must not open it").to_string();
    assert!(e.contains("encrypted with key 2, which a newer key only does not hold"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_at_rest_sqlite() {
    secrets_are_encrypted_and_rotate(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_at_rest_postgres() {
    secrets_are_encrypted_and_rotate(Engine::Postgres).await;
}
