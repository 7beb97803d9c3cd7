//! Tenancy through HTTP on SQLite and PostgreSQL: the demo tenant seeded once and kept across
//! a restart, access tokens and their failures in the Graph envelope, and businesses that see
//! only their own objects.

use risala_core::model::Permission;
use risala_core::tenancy::NewPhoneNumber;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp, DEMO_TOKEN};

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
    assert_eq!(e["message"], "(#104) An access token is required to request this resource.");

    let e = assert_graph_error(&app.get_as(&path, Some("EAARnot-a-real-token-at-all")).await, 401, 190);
    assert_eq!(e["error_subcode"], 467);

    // A token made, used, revoked: the next request fails with 190/460.
    let (t, plain) =
        app.state.tenancy.create_token(&app.demo.ids.business_id, "ci", &Permission::ALL, None).await.unwrap();
    assert_eq!(app.get_as(&path, Some(&plain)).await.0, 200);
    assert!(app.state.tenancy.revoke_token(&t.id).await.unwrap());
    app.state.auth.invalidate();
    let e = assert_graph_error(&app.get_as(&path, Some(&plain)).await, 401, 190);
    assert_eq!(e["error_subcode"], 460);

    // The token may also come as ?access_token=.
    let (s, _) = app.get_as(&format!("{path}?access_token={DEMO_TOKEN}"), None).await;
    assert_eq!(s, 200);

    // A malformed Authorization header is a 190, not a 500.
    let resp = app.client.get(app.url(&path)).header("authorization", "Basic abc").send().await.unwrap();
    assert_eq!(resp.status(), 401);
    app.stop().await;
}
engine_test!(token_failures_use_the_graph_envelope, super::token_failures);

async fn tenant_isolation(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let t = &app.state.tenancy;
    let b = t.create_business("Other Co").await.unwrap();
    let w = t.create_waba(&b.id, "Other WABA").await.unwrap();
    let p = t
        .create_phone_number(NewPhoneNumber {
            waba_id: &w.id,
            number: "+447700900123",
            verified_name: "Other",
            account_mode: "LIVE",
        })
        .await
        .unwrap();
    let (_, token_b) = t.create_token(&b.id, "b", &Permission::ALL, None).await.unwrap();

    // B sees its own objects.
    assert_eq!(app.get_as(&format!("/{}", p.id), Some(&token_b)).await.0, 200);
    // B gets nothing of A's: same answer as for an id that does not exist.
    for path in [
        format!("/v23.0/{}", app.waba_id()),
        format!("/v23.0/{}/phone_numbers", app.waba_id()),
        format!("/v23.0/{}", app.phone_number_id()),
    ] {
        let e = assert_graph_error(&app.get_as(&path, Some(&token_b)).await, 400, 100);
        assert_eq!(e["error_subcode"], 33, "{path}");
    }
    let missing = assert_graph_error(&app.get_as("/v23.0/999999999999999", Some(&token_b)).await, 400, 100);
    assert_eq!(missing["error_subcode"], 33);
    // …and A nothing of B's.
    let e = assert_graph_error(&app.get(&format!("/{}/phone_numbers", w.id)).await, 400, 100);
    assert_eq!(e["error_subcode"], 33);

    // A messaging-only token may read its number but not the WABA (permission 200).
    let (_, msg_only) = t.create_token(&b.id, "m", &[Permission::Messaging], None).await.unwrap();
    assert_eq!(app.get_as(&format!("/{}", p.id), Some(&msg_only)).await.0, 200);
    assert_graph_error(&app.get_as(&format!("/{}", w.id), Some(&msg_only)).await, 403, 200);
    app.stop().await;
}
engine_test!(tenants_see_only_their_own_objects, super::tenant_isolation);
