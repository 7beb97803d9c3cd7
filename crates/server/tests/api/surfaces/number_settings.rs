//! `/{phone-number-id}/settings` on SQLite and PostgreSQL: GET reports Meta's shape with the
//! state Risala has (calling, payload encryption and in-country storage off); POST accepts a
//! request for that state, one feature at a time, and refuses turning a feature on with error
//! 100 naming it; the settings read back unchanged.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::json;

async fn number_settings(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = format!("/v23.0/{}/settings", app.phone_number_id());
    let (s, before) = app.get(&path).await;
    assert_eq!(s, 200, "{before}");
    assert_eq!(
        before,
        json!({"calling": {"status": "disabled", "call_icon_visibility": "hidden", "ip_addresses": {"default": []},
                           "callback_permission_status": "disabled"},
               "payload_encryption": {"status": "disabled"}, "storage_configuration": {"status": "default"}})
    );
    assert_eq!(app.get(&format!("{path}?include_sip_credentials=true")).await.0, 200);
    assert_graph_error(&app.get(&format!("{path}?include_sip_credentials=maybe")).await, 400, 100);

    // Meta's request examples that ask for the state Risala has.
    for body in [
        json!({"calling": {"status": "disabled"}}),
        json!({"payload_encryption": {"status": "disabled"}}),
        json!({"user_identity_change": {"enabled": false}}),
        json!({"storage_configuration": {"enabled": false}}),
    ] {
        let (s, v) = app.post(&path, &body).await;
        assert_eq!((s, &v), (200, &json!({"success": true})), "{body}");
    }
    // Meta's examples that turn a feature on, and malformed ones: refused, naming the field.
    for (body, needle) in [
        (
            json!({"calling": {"status": "enabled", "call_icon_visibility": "visible", "video": {"status": "enabled"}}}),
            "calling.status enabled",
        ),
        (
            json!({"calling": {"status": "enabled", "sip": {"status": "enabled"}, "srtp_key_exchange_protocol": "DTLS-SRTP"}}),
            "calls",
        ),
        (
            json!({"payload_encryption": {"status": "enabled", "client_encryption_key": "LS0tLS1CRUdJTg=="}}),
            "payload_encryption",
        ),
        (json!({"user_identity_change": {"enabled": true}}), "identity key"),
        (json!({"storage_configuration": {"enabled": true, "region": "us"}}), "region"),
        (json!({"calling": {"status": "paused"}}), "calling.status"),
        (json!({"calling": {"status": "disabled"}, "user_identity_change": {"enabled": false}}), "one feature"),
        (json!({"webhooks": {"enabled": true}}), "webhooks"),
    ] {
        let e = assert_graph_error(&app.post(&path, &body).await, 400, 100);
        assert!(e["error_data"]["details"].as_str().unwrap().contains(needle), "{needle}: {e}");
    }
    assert_eq!(app.get(&path).await.1, before);
    // Another number id is not this business's.
    assert_eq!(app.get("/v23.0/123456789012345/settings").await.0, 400);
}
engine_test!(phone_number_settings, super::number_settings);
