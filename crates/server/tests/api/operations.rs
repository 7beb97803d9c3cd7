//! The operations endpoints on SQLite and PostgreSQL: `/healthz`, `/readyz` naming the
//! database engine, and `/metrics` counting requests by operation.

use risala_testkit::{engine_test, Database, Engine, TestApp};

async fn operations(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let (s, body) = app.get_as("/healthz", None).await;
    assert_eq!((s, body["status"].as_str()), (200, Some("ok")));
    let (s, body) = app.get_as("/readyz", None).await;
    assert_eq!(s, 200);
    assert_eq!(body["database"], if engine == Engine::Sqlite { "sqlite" } else { "postgres" });
    app.get(&format!("/v23.0/{}", app.phone_number_id())).await;
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(text.contains("risala_http_requests_total{operation=\"GET /{id}\",status=\"200\"} 1"), "{text}");
    assert!(text.contains("risala_http_request_duration_seconds_bucket"));
    app.stop().await;
}
engine_test!(operations_endpoints, super::operations);
