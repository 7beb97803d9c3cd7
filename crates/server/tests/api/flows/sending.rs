//! Flow messages name a flow of the sender's WABA that may be sent (PUBLISHED, or DRAFT with
//! `mode: "draft"`), else 131009; the customer opens the flow from the message and completes
//! it, and the business receives the `nfm_reply`.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

use super::{create_ok, flow_message, published, TWO_SCREENS};
use crate::support::{customer_in_window, send_path, CUSTOMER};

async fn send_rules(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    customer_in_window(&app).await;
    let path = send_path(&app);
    let send = |body: Value| {
        let (app, path) = (&app, path.clone());
        async move { app.post(&path, &body).await }
    };
    // Unknown flow, by id and by name.
    let (s, e) = send(flow_message(CUSTOMER, "flow_id", "1234", json!({}))).await;
    assert_graph_error(&(s, e.clone()), 400, 131009);
    assert!(e["error"]["error_data"]["details"].as_str().unwrap().contains("flow_id"), "{e}");
    assert_graph_error(&send(flow_message(CUSTOMER, "flow_name", "nope", json!({}))).await, 400, 131009);

    // A draft is sent only in draft mode.
    let draft = create_ok(&app, json!({"name": "draft", "categories": ["OTHER"], "flow_json": TWO_SCREENS})).await;
    let draft = draft["id"].as_str().unwrap();
    assert_graph_error(&send(flow_message(CUSTOMER, "flow_id", draft, json!({}))).await, 400, 131009);
    let (s, v) = send(flow_message(CUSTOMER, "flow_id", draft, json!({"mode": "draft"}))).await;
    assert_eq!(s, 200, "{v}");

    // A published flow, by id and by name; not once deprecated.
    let id = published(&app, "signup").await;
    for (k, val) in [("flow_id", id.as_str()), ("flow_name", "signup")] {
        let (s, v) = send(flow_message(CUSTOMER, k, val, json!({"mode": "published"}))).await;
        assert_eq!(s, 200, "{k}: {v}");
    }
    assert_eq!(app.post(&format!("/v23.0/{id}/deprecate"), &json!({})).await.0, 200);
    assert_graph_error(&send(flow_message(CUSTOMER, "flow_id", &id, json!({}))).await, 400, 131009);
    app.stop().await;
}
engine_test!(send_rules, super::send_rules);

async fn customer_completes(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let customer = customer_in_window(&app).await;
    let id = published(&app, "signup").await;
    let body = flow_message(
        CUSTOMER,
        "flow_id",
        &id,
        json!({"flow_action": "navigate", "flow_action_payload": {"screen": "SIGN_UP", "data": {"greeting": "Welcome"}}}),
    );
    let (s, v) = app.post(&send_path(&app), &body).await;
    assert_eq!(s, 200, "{v}");
    let mid = v["messages"][0]["id"].as_str().unwrap().to_string();

    // The device opens the flow: its Flow JSON, the first screen and its data.
    let (s, open) = customer.get(&format!("/customer/v1/flows/{mid}")).await;
    assert_eq!(s, 200, "{open}");
    assert_eq!((open["flow_id"].as_str(), open["screen"].as_str()), (Some(id.as_str()), Some("SIGN_UP")));
    assert_eq!((&open["data"], &open["flow_token"]), (&json!({"greeting": "Welcome"}), &json!("tok-1")));
    assert_eq!(open["flow_json"]["screens"][1]["id"], "DONE");

    // Only a terminal screen completes; another customer cannot open the message.
    let (s, e) = customer
        .post(&format!("/customer/v1/flows/{mid}/complete"), &json!({"screen": "SIGN_UP", "response": {}}))
        .await;
    assert_eq!(s, 400, "{e}");
    let other = app.customer("15550002222", "Bob").await;
    assert_eq!(other.get(&format!("/customer/v1/flows/{mid}")).await.0, 400);

    let answers = json!({"full_name": "Alice Smith", "news": true});
    let (s, done) = customer
        .post(&format!("/customer/v1/flows/{mid}/complete"), &json!({"screen": "DONE", "response": answers}))
        .await;
    assert_eq!(s, 200, "{done}");
    let inbound = app.queued_inbound().await;
    let m = &inbound.last().unwrap()["messages"][0];
    assert_eq!(m["id"], done["id"]);
    assert_eq!((m["type"].as_str(), m["context"]["id"].as_str()), (Some("interactive"), Some(mid.as_str())));
    let reply = &m["interactive"];
    assert_eq!((reply["type"].as_str(), reply["nfm_reply"]["name"].as_str()), (Some("nfm_reply"), Some("flow")));
    assert_eq!(reply["nfm_reply"]["body"], "Sent");
    let response: Value = serde_json::from_str(reply["nfm_reply"]["response_json"].as_str().unwrap()).unwrap();
    assert_eq!(response, json!({"full_name": "Alice Smith", "news": true, "flow_token": "tok-1"}));
    app.stop().await;
}
engine_test!(customer_completes_a_flow, super::customer_completes);
