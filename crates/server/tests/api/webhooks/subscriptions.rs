//! Subscribing: the verification handshake, the callback URL's address rules, a WABA
//! unsubscribed and subscribed again, changes with no callback to go to.

use super::*;

async fn handshake(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    let path = format!("/v23.0/{}/subscriptions", app.demo.ids.app_id);

    // A wrong verify token: the receiver answers 403, the Graph call fails, nothing is saved.
    let wrong = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": "nope", "fields": "messages"});
    let e = assert_graph_error(&app.post(&path, &wrong).await, 400, 100);
    assert!(e["message"].as_str().unwrap().contains("Callback verification failed"), "{e}");
    assert!(e["error_data"]["details"].as_str().unwrap().contains("HTTP Status Code = 403"), "{e}");
    assert_eq!(rcv.handshakes(), 1);
    let (s, list) = app.get(&path).await;
    assert_eq!(s, 200);
    assert_eq!(list, json!({"data": []}));

    // An unreachable callback is refused too.
    let down = json!({"object": "whatsapp_business_account", "callback_url": "http://127.0.0.1:9/webhook", "verify_token": TOKEN});
    assert_graph_error(&app.post(&path, &down).await, 400, 100);

    subscribe(&app, &rcv).await;
    let (_, list) = app.get(&path).await;
    assert_eq!(
        list,
        json!({"data": [{"object": "whatsapp_business_account", "callback_url": rcv.url(), "active": true,
                          "fields": [{"name": "messages", "version": "v23.0"}]}]})
    );

    // WABA override: handshake checked the same way; GET shows it.
    let waba_path = format!("/v23.0/{}/subscribed_apps", app.waba_id());
    let e = assert_graph_error(
        &app.post(&waba_path, &json!({"override_callback_uri": rcv.url(), "verify_token": "nope"})).await,
        400,
        100,
    );
    assert!(e["message"].as_str().unwrap().contains("Callback verification failed"));
    let (s, b) = app.post(&waba_path, &json!({"override_callback_uri": rcv.url(), "verify_token": TOKEN})).await;
    assert_eq!(s, 200, "{b}");
    let (_, b) = app.get(&waba_path).await;
    assert_eq!(b["data"][0]["whatsapp_business_api_data"]["id"], app.demo.ids.app_id.as_str());
    assert_eq!(b["data"][0]["override_callback_uri"], rcv.url());

    // Phone-number override.
    let num = format!("/v23.0/{}", app.phone_number_id());
    let bad = json!({"webhook_configuration": {"override_callback_uri": rcv.url(), "verify_token": "nope"}});
    assert_graph_error(&app.post(&num, &bad).await, 400, 100);
    assert!(app.state.store.number_override(app.phone_number_id()).await.unwrap().is_none());
    let good = json!({"webhook_configuration": {"override_callback_uri": rcv.url(), "verify_token": TOKEN}});
    let (s, b) = app.post(&num, &good).await;
    assert_eq!(s, 200, "{b}");
    assert!(app.state.store.number_override(app.phone_number_id()).await.unwrap().is_some());
    // The number reports every level's callback.
    let (s, b) = app.get(&format!("{num}?fields=webhook_configuration")).await;
    assert_eq!(s, 200, "{b}");
    let url = rcv.url();
    assert_eq!(
        b["webhook_configuration"],
        json!({"application": url, "whatsapp_business_account": url, "phone_number": url})
    );

    // Not a URL; and another business's app is not visible.
    let e = assert_graph_error(
        &app.post(
            &path,
            &json!({"object": "whatsapp_business_account", "callback_url": "not a url", "verify_token": "x"}),
        )
        .await,
        400,
        100,
    );
    assert!(e["error_data"]["details"].as_str().unwrap().contains("callback_url"));
    app.stop().await;
}
engine_test!(handshake_rejects_a_wrong_verify_token, super::handshake);

async fn platform_guard(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = config(&db);
    c.mode = risala_server::Mode::Platform;
    let app = TestApp::start_with(c).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    let path = format!("/v23.0/{}/subscriptions", app.demo.ids.app_id);
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": TOKEN});
    let e = assert_graph_error(&app.post(&path, &body).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("https"), "{e}");
    let https_loopback = body_with(&body, "https://127.0.0.1:1/webhook");
    let e = assert_graph_error(&app.post(&path, &https_loopback).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("non-public"), "{e}");
    let https_private = body_with(&body, "https://10.1.2.3/webhook");
    assert_graph_error(&app.post(&path, &https_private).await, 400, 100);
    assert_eq!(rcv.handshakes(), 0, "no request may reach a refused address");
    app.stop().await;

    // An allow-listed network is reachable (the handshake then fails on TLS, not on the guard).
    let mut c = config(&db);
    c.mode = risala_server::Mode::Platform;
    c.webhooks.allow_private = vec!["127.0.0.0/8".into()];
    let app = TestApp::start_with(c).await.unwrap();
    let e = assert_graph_error(
        &app.post(&path, &body_with(&body, &format!("https://{}/webhook", rcv.addr))).await,
        400,
        100,
    );
    assert!(e["message"].as_str().unwrap().contains("Callback verification failed"), "{e}");
    app.stop().await;
}
engine_test!(platform_mode_refuses_http_and_private_callbacks, super::platform_guard);

fn body_with(body: &Value, url: &str) -> Value {
    let mut b = body.clone();
    b["callback_url"] = Value::String(url.into());
    b
}

async fn no_callback(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let id = enqueue(&app, vec![event(&app, "n", 0)]).await[0];
    app.wait_deliveries("dead without a callback", |rows| {
        rows.iter().any(|d| d.id == id && d.state == DeliveryState::Dead)
    })
    .await;
    let d = app.state.store.delivery(id).await.unwrap().unwrap();
    assert_eq!(d.attempts, 0);
    assert!(d.last_error.unwrap().contains("no webhook callback"));
    // Configure one, replay: delivered.
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    subscribe(&app, &rcv).await;
    let (s, b) = app.post("/admin/v1/webhooks/dead-letters/replay", &json!({})).await;
    assert_eq!((s, b), (200, json!({"replayed": 1})));
    assert!(rcv.wait_accepted(1, Duration::from_secs(10)).await);
    app.stop().await;
}
engine_test!(changes_without_a_callback_are_dead_letters_until_replayed, super::no_callback);

/// `DELETE /{waba-id}/subscribed_apps` stops the WABA's webhooks, as on Meta's platform (events
/// meanwhile are dead letters that say why, for a replay); subscribing again resumes them. A
/// WABA that was never subscribed keeps the sandbox's default: its business's app callback.
async fn unsubscribed_waba(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    subscribe(&app, &rcv).await;
    enqueue(&app, vec![event(&app, "u", 0)]).await;
    assert!(rcv.wait_accepted(1, Duration::from_secs(10)).await, "delivered before any subscribed_apps call");

    let waba_path = format!("/v23.0/{}/subscribed_apps", app.waba_id());
    assert_eq!(app.post(&waba_path, &json!({})).await.0, 200);
    let resp = app.client.delete(app.url(&waba_path)).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(app.get(&waba_path).await.1, json!({"data": []}));
    let id = enqueue(&app, vec![event(&app, "u", 1)]).await[0];
    app.wait_deliveries("dead while unsubscribed", |rows| {
        rows.iter().any(|d| {
            d.id == id
                && d.state == DeliveryState::Dead
                && d.last_error.as_deref().is_some_and(|e| e.contains("no app is subscribed"))
        })
    })
    .await;
    assert_eq!(rcv.posts().len(), 1);

    assert_eq!(app.post(&waba_path, &json!({})).await.0, 200);
    enqueue(&app, vec![event(&app, "u", 2)]).await;
    assert!(rcv.wait_accepted(2, Duration::from_secs(10)).await, "delivered again once subscribed");
    assert_eq!(rcv.accepted().iter().map(|(_, _, v)| test_id(v)).collect::<Vec<_>>(), ["u/0", "u/2"]);
    app.stop().await;
}
engine_test!(an_unsubscribed_waba_gets_no_webhooks, super::unsubscribed_waba);
