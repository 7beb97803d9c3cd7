//! A handler that panics answers with the Graph envelope (code 1, HTTP 500), not a dropped
//! connection, and the server keeps serving.

use axum::routing::get;
use axum::Router;
use risala_server::middleware::observe;
use risala_testkit::{assert_graph_error, json_response, Database, Engine, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_gets_the_envelope() {
    let db = Database::fresh(Engine::Sqlite).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let state = app.state.clone();
    let router: Router = Router::new()
        .route("/boom", get(boom))
        .route("/fine", get(|| async { "fine" }))
        .layer(axum::middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::new();
    let resp = json_response(client.get(format!("http://{addr}/boom")).send().await.unwrap()).await;
    let e = assert_graph_error(&resp, 500, 1);
    assert_eq!(e["is_transient"], true);
    let resp = client.get(format!("http://{addr}/fine")).send().await.unwrap();
    assert_eq!(resp.text().await.unwrap(), "fine");
}

async fn boom() -> &'static str {
    panic!("boom")
}
