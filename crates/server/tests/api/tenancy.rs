//! Tenancy through HTTP on SQLite and PostgreSQL: the demo tenant seeded once and kept across
//! a restart, access tokens and their failures in the Graph envelope, and businesses that see
//! only their own objects.

use risala_core::model::Permission;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::{json, Value};

async fn seeding_and_restart(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    assert!(app.demo.created);
    let ids = app.demo.ids.clone();
    let (s, body) = app.get(&format!("/v23.0/{}", ids.phone_number_id)).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["verified_name"], "Risala Demo");
    app.stop().await;

    let app = TestApp::start(&db).await.unwrap();
    assert!(!app.demo.created, "a restart must not seed again");
    assert_eq!(app.demo.ids, ids);
    assert_eq!(app.state.store.list_businesses().await.unwrap().len(), 1);
    assert_eq!(app.state.store.list_phone_numbers(None).await.unwrap().len(), 1);
    let (s, body) = app.get(&format!("/{}", ids.waba_id)).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["id"], ids.waba_id.as_str());
    app.stop().await;
}
engine_test!(seeding_and_restart_keeps_ids, super::seeding_and_restart);

async fn token_failures(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = format!("/v23.0/{}", app.phone_number_id());

    let e = assert_graph_error(&app.get_as(&path, None).await, 400, 104);
    assert_eq!(e["type"], "OAuthException");
    assert_eq!(e["message"], "An access token is required to request this resource");

    // A token this server never issued: 190 without a subcode, Meta's "Cannot parse".
    let e = assert_graph_error(&app.get_as(&path, Some("EAARnot-a-real-token-at-all")).await, 401, 190);
    assert_eq!(e.get("error_subcode"), None, "{e}");
    assert_eq!(e["message"], "Invalid OAuth access token - Cannot parse access token");

    // The same answer on every surface a token opens: Graph reads and sends, uploads, the
    // sandbox and (sandbox mode, no admin token) the admin API.
    let surfaces = |token: String| {
        let app = &app;
        let send = format!("/v23.0/{}/messages", app.phone_number_id());
        async move {
            let text = risala_testkit::text_message("15550001111", "hi");
            let mut answers = vec![
                app.get_as(&format!("/v23.0/{}", app.phone_number_id()), Some(&token)).await,
                app.post_as(&send, &text, Some(&token)).await,
                app.post_as("/sandbox/v1/clock/advance", &json!({"by": "1s"}), Some(&token)).await,
                app.get_as("/admin/v1/webhooks/deliveries", Some(&token)).await,
            ];
            let form = reqwest::multipart::Form::new().text("messaging_product", "whatsapp");
            let url = app.url(&format!("/v23.0/{}/media", app.phone_number_id()));
            let req = app.client.post(url).bearer_auth(&token).multipart(form);
            answers.push(risala_testkit::json_response(req.send().await.unwrap()).await);
            answers
        }
    };

    // A token made, used, revoked: every request then fails with 190/467.
    let (t, plain) =
        app.state.tenancy.create_token(&app.demo.ids.business_id, "ci", &Permission::ALL, None).await.unwrap();
    assert_eq!(app.get_as(&path, Some(&plain)).await.0, 200);
    assert!(app.state.tenancy.revoke_token(&t.id).await.unwrap());
    app.state.auth.invalidate();
    for answer in surfaces(plain.clone()).await {
        let e = assert_graph_error(&answer, 401, 190);
        assert_eq!(e["error_subcode"], 467, "{e}");
    }

    // The token may also come as ?access_token=.
    let (s, _) = app.get_as(&format!("{path}?access_token={DEMO_TOKEN}"), None).await;
    assert_eq!(s, 200);

    // A malformed Authorization header is a 190, not a 500.
    let resp = app.client.get(app.url(&path)).header("authorization", "Basic abc").send().await.unwrap();
    assert_eq!(resp.status(), 401);
    app.stop().await;
}
engine_test!(token_failures_use_the_graph_envelope, super::token_failures);

/// Tokens expired on demand (the sandbox endpoint) or by a lifetime that the sandbox clock runs
/// out: 190/463 with Meta's message on every surface, until the expiry is lifted.
async fn token_expiry(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = format!("/v23.0/{}", app.phone_number_id());
    let biz = app.demo.ids.business_id.clone();
    let (t, plain) = app.state.tenancy.create_token(&biz, "ci", &Permission::ALL, None).await.unwrap();
    let url = format!("/sandbox/v1/tokens/{}/expire", t.id);
    let expire = |body: Value| {
        let (app, url) = (&app, url.clone());
        async move { app.post(&url, &body).await }
    };

    // In an hour: still good now, expired once the clock has moved past it.
    let (s, v) = expire(json!({"in": "1h"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id"], t.id.as_str());
    assert!(v["expires_at"].as_str().is_some(), "{v}");
    assert_eq!(app.get_as(&path, Some(&plain)).await.0, 200);
    app.advance_clock("61m").await;
    let e = assert_graph_error(&app.get_as(&path, Some(&plain)).await, 401, 190);
    assert_eq!(e["error_subcode"], 463, "{e}");
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Error validating access token: Session has expired on ")
            && msg.contains("The current time is"),
        "{msg}"
    );
    let send = format!("/v23.0/{}/messages", app.phone_number_id());
    let e = assert_graph_error(
        &app.post_as(&send, &risala_testkit::text_message("15550001111", "x"), Some(&plain)).await,
        401,
        190,
    );
    assert_eq!(e["error_subcode"], 463);
    // Lifted, then expired at once.
    assert_eq!(expire(json!({"never": true})).await.0, 200);
    assert_eq!(app.get_as(&path, Some(&plain)).await.0, 200);
    assert_eq!(expire(json!({})).await.0, 200);
    assert_eq!(assert_graph_error(&app.get_as(&path, Some(&plain)).await, 401, 190)["error_subcode"], 463);

    // Bad input, a token of another business, an unknown id: Graph errors.
    assert_graph_error(&expire(json!({"in": "soon"})).await, 400, 131009);
    assert_graph_error(&expire(json!({"in": 5})).await, 400, 100);
    assert_graph_error(&expire(json!({"in": "5m", "never": true})).await, 400, 100);
    let other = app.state.tenancy.create_business("other").await.unwrap();
    let (ot, _) = app.state.tenancy.create_token(&other.id, "o", &Permission::ALL, None).await.unwrap();
    assert_graph_error(&app.post(&format!("/sandbox/v1/tokens/{}/expire", ot.id), &json!({})).await, 400, 100);
    assert_graph_error(&app.post("/sandbox/v1/tokens/123456/expire", &json!({})).await, 400, 100);
    // Without a token: 104.
    assert_graph_error(&app.post_as(&format!("/sandbox/v1/tokens/{}/expire", t.id), &json!({}), None).await, 400, 104);
    app.stop().await;
}
engine_test!(tokens_expire, super::token_expiry);
