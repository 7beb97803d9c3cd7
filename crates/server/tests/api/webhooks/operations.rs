//! Operating deliveries: dead letters and replay, the inspector with pause, resume, faults
//! and metrics, and who may pause a shared URL.

use super::*;

async fn dead_letters(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = config(&db);
    c.webhooks.max_retry_age = Dur::secs(2 * 3600);
    let app = TestApp::start_with(c).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    subscribe(&app, &rcv).await;
    rcv.fail_next(usize::MAX, 500);
    let ids = enqueue(&app, vec![event(&app, "d1", 0), event(&app, "d2", 0)]).await;
    for _ in 0..10 {
        // Each change was attempted and its outcome recorded: dead, or a retry in the future
        // that only a clock move makes due.
        app.wait_deliveries("each attempt recorded", |rows| {
            let now = app.state.clock.now_ms();
            rows.iter().all(|d| d.state == DeliveryState::Dead || (d.attempts >= 1 && d.next_attempt_at > now))
        })
        .await;
        if app.deliveries().await.iter().all(|d| d.state == DeliveryState::Dead) {
            break;
        }
        advance(&app, HOUR + HOUR / 2);
    }
    app.wait_deliveries("dead letters", |rows| rows.iter().all(|d| d.state == DeliveryState::Dead)).await;

    // The inspector shows them (sandbox: the Graph token sees its own business).
    let (s, b) = app.get("/admin/v1/webhooks/deliveries?state=dead").await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["data"].as_array().unwrap().len(), 2);
    assert_eq!(b["data"][0]["last_status"], 500);
    assert!(b["data"][0]["attempts"].as_i64().unwrap() >= 2);
    assert!(b["data"][0]["next_attempt_at"].is_null());
    assert_eq!(b["data"][0]["value"]["test_id"], "d2/0");

    rcv.fail_next(0, 500);
    let (s, b) = app.post("/admin/v1/webhooks/dead-letters/replay", &json!({})).await;
    assert_eq!((s, b), (200, json!({"replayed": 2})));
    assert!(rcv.wait_accepted(2, Duration::from_secs(10)).await);
    app.wait_deliveries("delivered after replay", |rows| rows.iter().all(|d| d.state == DeliveryState::Delivered))
        .await;

    // One delivery replayed again on request.
    let (s, b) = app.post(&format!("/admin/v1/webhooks/deliveries/{}/replay", ids[0]), &json!({})).await;
    assert_eq!((s, b), (200, json!({"replayed": 1})));
    assert!(rcv.wait_accepted(3, Duration::from_secs(10)).await);
    app.stop().await;
}
engine_test!(dead_letters_replay, super::dead_letters);

async fn inspector(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = config(&db);
    c.admin_token = Some("operator-secret-token".into());
    let app = TestApp::start_with(c).await.unwrap();
    let rcv = WebhookReceiver::start(TOKEN).await.unwrap();
    let admin = Some("operator-secret-token");

    // Admin subscription (what `risala webhooks subscribe` calls).
    let (s, b) = app
        .post_as(
            "/admin/v1/webhooks/subscriptions",
            &json!({"app_id": app.demo.ids.app_id, "callback_url": rcv.url(), "verify_token": TOKEN}),
            admin,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    // With an admin token configured, Graph tokens are not admin credentials.
    assert_graph_error(&app.get_as("/admin/v1/webhooks/deliveries", Some(DEMO_TOKEN)).await, 401, 190);
    assert_graph_error(&app.get_as("/admin/v1/webhooks/deliveries", None).await, 400, 104);

    // Pause: changes wait (in order) and are not attempted; resume delivers them.
    let (s, _) = app.post_as("/admin/v1/webhooks/endpoints/pause", &json!({"url": rcv.url()}), admin).await;
    assert_eq!(s, 200);
    // Kept as a bounded wait: the pause applies to this node's worker at once, but a refresh of
    // paused endpoints (about once a second) that read the store just before the pause can
    // still write its older list back, and nothing outside the worker shows when such a
    // refresh has finished. 1.2 s outlasts it.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let ids = enqueue(&app, vec![event(&app, "p", 0), event(&app, "p", 1)]).await;
    app.wait_deliveries("deferred while paused", |rows| {
        rows.iter().any(|d| d.id == ids[0] && d.last_error.as_deref() == Some("the endpoint is paused"))
    })
    .await;
    assert!(rcv.posts().is_empty());
    let (_, eps) = app.get_as("/admin/v1/webhooks/endpoints", admin).await;
    assert_eq!(eps["data"][0]["paused"], true, "{eps}");
    let (s, _) = app.post_as("/admin/v1/webhooks/endpoints/resume", &json!({"url": rcv.url()}), admin).await;
    assert_eq!(s, 200);
    assert!(rcv.wait_accepted(2, Duration::from_secs(10)).await);

    // Fault injection: every attempt fails before reaching the receiver, then recovers.
    let (s, f) = app.post_as("/admin/v1/webhooks/faults", &json!({"fail_rate": 1.0, "fail_status": 502}), admin).await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(f["fail_rate"], 1.0);
    let id = enqueue(&app, vec![event(&app, "f", 0)]).await[0];
    app.wait_deliveries("injected failure", |rows| rows.iter().any(|d| d.id == id && d.attempts == 1)).await;
    let (_, d) = app.get_as(&format!("/admin/v1/webhooks/deliveries/{id}"), admin).await;
    assert_eq!(d["last_status"], 502);
    assert!(d["last_error"].as_str().unwrap().contains("fault injection"), "{d}");
    assert!(d["next_attempt_at"].is_i64());
    assert_eq!(d["body"]["entry"][0]["changes"][0]["value"]["test_id"], "f/0");
    assert_eq!(rcv.posts().len(), 1);
    let (s, _) = app.post_as("/admin/v1/webhooks/faults", &json!({"fail_rate": 0.0}), admin).await;
    assert_eq!(s, 200);
    assert_graph_error(&app.post_as("/admin/v1/webhooks/faults", &json!({"fail_rate": 2}), admin).await, 400, 100);
    drive(&app, &rcv, 5, |r| r.accepted().len() >= 3).await;
    app.wait_deliveries("all delivered", |rows| rows.iter().all(|d| d.state == DeliveryState::Delivered)).await;

    // Tail: changes after a cursor, oldest first.
    let (_, t) = app.get_as("/admin/v1/webhooks/deliveries?changed_after=0&limit=100", admin).await;
    let tail = t["data"].as_array().unwrap();
    assert_eq!(tail.len(), 3);
    assert_eq!(tail.last().unwrap()["id"], id);
    let cursor = t["paging"]["changed_after"].as_str().unwrap().to_string();
    let (_, t2) = app.get_as(&format!("/admin/v1/webhooks/deliveries?changed_after={cursor}"), admin).await;
    assert_eq!(t2["data"], json!([]));

    // Metrics.
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(text.contains("risala_webhook_events_delivered_total 3"), "{text}");
    assert!(text.contains("risala_webhook_failures_total{kind=\"injected\"} 1"), "{text}");
    assert!(text.contains("risala_webhook_queue_depth"));
    assert!(text.contains("risala_webhook_attempt_duration_seconds_count"));
    app.stop().await;
}
engine_test!(inspector_pause_resume_faults_and_metrics, super::inspector);

/// In a sandbox shared by tenants, a business's token pauses only a URL that no other
/// business has as a callback: holding it would hold the other's deliveries too.
async fn pause_scope(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = start(&db).await;
    let shared = WebhookReceiver::start(TOKEN).await.unwrap();
    let own = WebhookReceiver::start(TOKEN).await.unwrap();
    let tenancy = &app.state.tenancy;
    let other = tenancy.create_business("Other Shop").await.unwrap();
    let waba = tenancy.create_waba(&other.id, "Other WABA").await.unwrap();
    let new = risala_core::tenancy::NewPhoneNumber {
        waba_id: &waba.id,
        number: "+15550107777",
        verified_name: "Other",
        account_mode: "SANDBOX",
    };
    let theirs = tenancy.create_phone_number(new).await.unwrap();
    let ours = tenancy.phone_number(app.phone_number_id(), None).await.unwrap();
    let hooks = &app.state.webhooks;
    hooks.set_number_override(&theirs, Some((&shared.url(), TOKEN))).await.unwrap();
    hooks.set_number_override(&ours, Some((&shared.url(), TOKEN))).await.unwrap();

    let client = &app;
    let pause = |url: String| async move {
        client.post_as("/admin/v1/webhooks/endpoints/pause", &json!({"url": url}), Some(DEMO_TOKEN)).await
    };
    let e = assert_graph_error(&pause(shared.url()).await, 403, 200);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("another business"), "{e}");
    // Its own URL, once the number points there alone.
    hooks.set_number_override(&ours, Some((&own.url(), TOKEN))).await.unwrap();
    assert_eq!(pause(own.url()).await.0, 200);
    assert_graph_error(&pause(shared.url()).await, 400, 100);
    app.stop().await;
}
engine_test!(a_business_pauses_only_a_url_no_other_business_uses, super::pause_scope);
