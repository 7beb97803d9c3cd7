//! A request that fails inside the store answers with Meta's generic envelope (code 1, HTTP
//! 500) and nothing of the cause, while the log gets the cause chain once, under the request's
//! `fbtrace_id`.

use crate::log_capture::{captured, lines_with};
use risala_store::db::Plan;
use risala_testkit::{assert_graph_error, engine_test, json_response, Database, Engine, TestApp, DEMO_TOKEN};

async fn a_failed_statement_is_logged_with_its_cause_and_trace_id(engine: Engine) {
    captured();
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let media_id = app.upload("image/png", b"\x89PNG\r\n\x1a\nfake").await;

    // Break the media table under the running server, as a failed disk or a bad migration would.
    let store = risala_server::open_store(&app.config).await.unwrap();
    store.db().write(Plan::one("ALTER TABLE media RENAME TO media_gone", vec![])).await.unwrap();

    let resp = app.client.get(app.url(&format!("/v23.0/{media_id}"))).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    let resp = json_response(resp).await;
    let e = assert_graph_error(&resp, 500, 1);
    let details = e["error_data"]["details"].as_str().unwrap();
    assert!(!details.contains("media"), "the cause must not reach the client: {details}");
    let trace = e["fbtrace_id"].as_str().unwrap().to_string();

    // The request line names the trace id too; the cause is logged once, in one line.
    let lines: Vec<String> = lines_with(&trace).into_iter().filter(|l| l.contains("cause=")).collect();
    assert_eq!(lines.len(), 1, "the cause logged once under its trace id: {lines:?}");
    let line = &lines[0];
    assert!(line.contains("ERROR") && line.contains("request failed"), "{line}");
    // SQLite: "no such table: media"; PostgreSQL: relation "media" does not exist.
    assert!(line.contains("media") && line.contains("database error"), "the cause in the log: {line}");
    app.stop().await;
}

engine_test!(failed_statement_logged, super::a_failed_statement_is_logged_with_its_cause_and_trace_id);

/// A path that does not decode to UTF-8 is Graph's error 100 in JSON, with the trace id, never
/// the router's plain-text rejection.
async fn paths_not_utf8(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let phone = app.phone_number_id().to_string();
    for path in ["/v23.0/%ff%fe".to_string(), "/v23.0/upload:%ff".into(), format!("/v23.0/{phone}/message_qrdls/%ff")] {
        let resp = app.client.get(app.url(&path)).bearer_auth(DEMO_TOKEN).send().await.unwrap();
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{path}");
        let e = assert_graph_error(&json_response(resp).await, 400, 100);
        assert!(e["error_data"]["details"].as_str().unwrap().contains("UTF-8"), "{path}: {e}");
    }
    app.stop().await;
}
engine_test!(a_path_that_is_not_utf8_is_a_graph_error, super::paths_not_utf8);
