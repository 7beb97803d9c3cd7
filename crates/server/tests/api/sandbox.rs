//! The sandbox's shared controls reach only as far as the caller may: moving the clock takes a
//! token and a bounded amount; a business's webhook faults and queue figures are its own (the
//! operator with the admin token keeps the global view). On SQLite and PostgreSQL.

use std::time::Duration;

use risala_core::clock::Clock;
use risala_core::model::{DeliveryState, NewOutboxEvent, Permission};
use risala_delivery::config::Duration as Dur;
use risala_testkit::webhooks::WebhookReceiver;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::json;

const VERIFY: &str = "verify-me-please";
const YEAR_MS: i64 = 365 * 86_400_000;

async fn clock_needs_a_token(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let t = &app.state.tenancy;
    let b = t.create_business("Other Co").await.unwrap();
    let (_, messaging_only) = t.create_token(&b.id, "m", &[Permission::Messaging], None).await.unwrap();
    let advance = "/sandbox/v1/clock/advance";
    let by = json!({"by": "25h"});
    assert_graph_error(&app.post_as(advance, &by, None).await, 400, 104);
    assert_graph_error(&app.post_as(advance, &by, Some("EAAnotatoken")).await, 401, 190);
    assert_graph_error(&app.post_as(advance, &by, Some(&messaging_only)).await, 403, 200);
    assert_eq!(app.state.clock.offset_ms(), 0, "refused moves leave the clock alone");
    // Reading the clock stays open.
    assert_eq!(app.get_as("/sandbox/v1/clock", None).await.0, 200);
    // Two amounts, or a key nobody reads: 100 naming it, and the clock stays.
    for body in [json!({"by": "1h", "ms": 5}), json!({"foo": 1}), json!({"by": "1h", "foo": 1})] {
        let e = assert_graph_error(&app.post_as(advance, &body, Some(DEMO_TOKEN)).await, 400, 100);
        let d = e["error_data"]["details"].as_str().unwrap();
        assert!(d.contains("by, ms"), "{body}: {d}");
    }
    assert_eq!(app.state.clock.offset_ms(), 0);
    let (s, v) = app.post_as(advance, &by, Some(DEMO_TOKEN)).await;
    assert_eq!((s, &v["offset_ms"]), (200, &json!(25 * 3_600_000)), "{v}");
    app.stop().await;
}
engine_test!(moving_the_sandbox_clock_takes_a_management_token, super::clock_needs_a_token);

async fn clock_with_admin_token(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = db.config();
    c.admin_token = Some("operator-secret-token".into());
    let app = TestApp::start_with(c).await.unwrap();
    let (s, v) = app.post_as("/sandbox/v1/clock/advance", &json!({"by": "1h"}), Some("operator-secret-token")).await;
    assert_eq!((s, &v["offset_ms"]), (200, &json!(3_600_000)), "{v}");
    app.stop().await;
}
engine_test!(the_admin_token_moves_the_sandbox_clock, super::clock_with_admin_token);

async fn clock_bounds(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let advance = "/sandbox/v1/clock/advance";
    // Near i64::MAX: used to wrap the offset negative, moving the clock back by ages.
    for huge in [json!({"ms": i64::MAX}), json!({"ms": i64::MAX - 1000}), json!({"by": "9223372036854775s"})] {
        let e = assert_graph_error(&app.post(advance, &huge).await, 400, 131009);
        assert!(e["error_data"]["details"].as_str().unwrap().contains("10 years"), "{e}");
    }
    let (s, v) = app.post(advance, &json!({"ms": 9 * YEAR_MS})).await;
    assert_eq!(s, 200, "{v}");
    // Ten years ahead in all, not ten years per call.
    assert_graph_error(&app.post(advance, &json!({"ms": 2 * YEAR_MS})).await, 400, 131009);
    let (_, clock) = app.get("/sandbox/v1/clock").await;
    assert_eq!(clock["offset_ms"], 9 * YEAR_MS, "the refused moves left the clock where it was");
    // The stored offset is the one a restart reads.
    assert_eq!(risala_core::sandbox::stored_offset(&*app.state.store).await.unwrap(), 9 * YEAR_MS);
    app.stop().await;
}
engine_test!(the_sandbox_clock_refuses_moves_past_ten_years, super::clock_bounds);

/// A second business, with a WABA, an app subscribed to `rcv` and a management token.
async fn other_business(app: &TestApp, rcv: &WebhookReceiver) -> (String, String, String) {
    let t = &app.state.tenancy;
    let b = t.create_business("Other Co").await.unwrap();
    let w = t.create_waba(&b.id, "Other WABA").await.unwrap();
    let a = t.create_app(&b.id, "Other app").await.unwrap();
    let (_, token) = t.create_token(&b.id, "b", &Permission::ALL, None).await.unwrap();
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": VERIFY, "fields": "messages"});
    let (s, v) = app.post_as(&format!("/v23.0/{}/subscriptions", a.id), &body, Some(&token)).await;
    assert_eq!(s, 200, "{v}");
    (b.id, w.id, token)
}

fn event(business_id: &str, waba_id: &str, key: &str, at: i64) -> NewOutboxEvent {
    NewOutboxEvent {
        business_id: business_id.into(),
        waba_id: waba_id.into(),
        phone_number_id: None,
        ordering_key: key.into(),
        field: "messages".into(),
        value: json!({"messaging_product": "whatsapp", "key": key}).to_string(),
        created_at: at,
    }
}

async fn faults_per_business(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = db.config();
    // Retries an hour out: a failed attempt stays failed for the test.
    c.webhooks.backoff_initial = Dur::secs(3600);
    c.webhooks.backoff_max = Dur::secs(3600);
    let app = TestApp::start_with(c).await.unwrap();
    let rcv = WebhookReceiver::start(VERIFY).await.unwrap();
    let (b, waba_b, token_b) = other_business(&app, &rcv).await;
    let body = json!({"object": "whatsapp_business_account", "callback_url": rcv.url(), "verify_token": VERIFY, "fields": "messages"});
    let (s, v) = app.post(&format!("/v23.0/{}/subscriptions", app.demo.ids.app_id), &body).await;
    assert_eq!(s, 200, "{v}");
    let faults = "/admin/v1/webhooks/faults";

    // A success is no failure to simulate.
    for status in [200, 302, 99] {
        let e =
            assert_graph_error(&app.post(faults, &json!({"fail_rate": 1.0, "fail_status": status})).await, 400, 100);
        assert!(e["error_data"]["details"].as_str().unwrap().contains("400-599"), "{e}");
    }
    // The demo business fails all of its own deliveries…
    let (s, f) = app.post(faults, &json!({"fail_rate": 1.0, "fail_status": 503})).await;
    assert_eq!((s, &f["fail_rate"]), (200, &json!(1.0)), "{f}");
    // …which the other business neither sees nor suffers.
    let (s, f) = app.get_as(faults, Some(&token_b)).await;
    assert_eq!((s, &f["fail_rate"]), (200, &json!(0.0)), "{f}");
    let now = app.state.clock.now_ms();
    let ids = app
        .state
        .store
        .enqueue(&[event(&app.demo.ids.business_id, app.waba_id(), "a", now), event(&b, &waba_b, "b", now)])
        .await
        .unwrap();
    app.state.delivery.wake();
    app.wait_deliveries("B delivered, A failed by its own fault", |rows| {
        rows.iter().any(|d| d.id == ids[1] && d.state == DeliveryState::Delivered)
            && rows.iter().any(|d| d.id == ids[0] && d.attempts >= 1 && d.last_status == Some(503))
    })
    .await;
    assert!(rcv.wait_accepted(1, Duration::from_secs(10)).await);
    assert_eq!(rcv.accepted().len(), 1, "only B's change reached the receiver");

    // B's figures are B's: nothing pending (A's failed change is not B's business).
    let (s, st) = app.get_as("/admin/v1/webhooks/stats", Some(&token_b)).await;
    assert_eq!((s, &st["pending"], &st["dead"]), (200, &json!(0), &json!(0)), "{st}");
    assert_eq!(st["oldest_pending_age_ms"], json!(null));
    let (_, st) = app.get("/admin/v1/webhooks/stats").await;
    assert_eq!(st["pending"], 1, "the demo business's own figures: {st}");

    // B's settings do not change A's.
    let (s, _) = app.post_as(faults, &json!({"fail_rate": 0.5}), Some(&token_b)).await;
    assert_eq!(s, 200);
    let (_, f) = app.get(faults).await;
    assert_eq!((&f["fail_rate"], &f["fail_status"]), (&json!(1.0), &json!(503)), "{f}");
    // B asking for A's deliveries is refused, not answered with its own; a limit out of range
    // is an error, not one row.
    let a = &app.demo.ids.business_id;
    let asked = format!("/admin/v1/webhooks/deliveries?business_id={a}");
    assert_graph_error(&app.get_as(&asked, Some(&token_b)).await, 403, 200);
    assert_eq!(app.get(&asked).await.0, 200, "its own business id is fine");
    for limit in ["0", "-1", "1001"] {
        assert_graph_error(&app.get(&format!("/admin/v1/webhooks/deliveries?limit={limit}")).await, 400, 100);
    }
    app.stop().await;
}
engine_test!(webhook_faults_and_stats_are_per_business, super::faults_per_business);

async fn operator_view(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut c = db.config();
    c.admin_token = Some("operator-secret-token".into());
    let app = TestApp::start_with(c).await.unwrap();
    let admin = Some("operator-secret-token");
    let now = app.state.clock.now_ms();
    app.state.store.enqueue(&[event("123", "456", "x", now), event("789", "456", "y", now)]).await.unwrap();
    // The operator's figures count every business (nowhere to deliver: both end dead).
    app.wait_deliveries("both dead", |rows| rows.len() == 2 && rows.iter().all(|d| d.state == DeliveryState::Dead))
        .await;
    let (s, st) = app.get_as("/admin/v1/webhooks/stats", admin).await;
    assert_eq!((s, &st["dead"]), (200, &json!(2)), "{st}");
    // The operator's faults are the default of every business.
    let (s, _) = app.post_as("/admin/v1/webhooks/faults", &json!({"timeout_rate": 0.25}), admin).await;
    assert_eq!(s, 200);
    assert_eq!(app.state.delivery.faults(Some("123")).timeout_rate, 0.25);
    app.stop().await;
}
engine_test!(the_operator_sees_and_sets_faults_for_every_business, super::operator_view);
