//! The Flows API: create, read, list, Flow JSON upload with validation errors that point at
//! the component, publish, deprecate, delete, preview, assets, and Meta's errors for each
//! wrong transition (139001–139004).

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::json;

use super::{create_ok, delete, flows_path, upload_json, TWO_SCREENS};

async fn lifecycle(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let v = create_ok(&app, json!({"name": "signup", "categories": ["SIGN_UP", "OTHER"]})).await;
    assert_eq!(v["validation_errors"], json!([]));
    let id = v["id"].as_str().unwrap().to_string();

    // Read, default fields, and in the WABA's list.
    let (s, f) = app.get(&format!("/v23.0/{id}")).await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(
        f,
        json!({"id": id, "name": "signup", "status": "DRAFT", "categories": ["SIGN_UP", "OTHER"], "validation_errors": []})
    );
    let (s, list) = app.get(&flows_path(&app)).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["data"][0]["id"], id.as_str());

    // Same name again: 100.
    let (s, e) = app.post(&flows_path(&app), &json!({"name": "signup", "categories": ["OTHER"]})).await;
    assert_graph_error(&(s, e.clone()), 400, 100);
    assert!(e["error"]["message"].as_str().unwrap().contains("not unique"), "{e}");
    // A category that is not Meta's.
    let (s, e) = app.post(&flows_path(&app), &json!({"name": "x", "categories": ["GAMES"]})).await;
    assert_graph_error(&(s, e), 400, 131009);

    // Publishing without Flow JSON fails; an invalid one is stored with errors pointing at
    // the component, and still cannot be published.
    assert_graph_error(&app.post(&format!("/v23.0/{id}/publish"), &json!({})).await, 400, 139002);
    let bad =
        TWO_SCREENS.replace("\"TextInput\"", "\"TextImput\"").replace("\"name\": \"DONE\"", "\"name\": \"NOWHERE\"");
    let (s, up) = upload_json(&app, &id, &bad).await;
    assert_eq!(s, 200, "{up}");
    assert_eq!(up["success"], true);
    let errors = up["validation_errors"].as_array().unwrap();
    let unknown = errors
        .iter()
        .find(|e| e["pointers"][0]["path"] == "screens[0].layout.children[1].type")
        .unwrap_or_else(|| panic!("unknown component: {up}"));
    assert_eq!(unknown["error"], "INVALID_PROPERTY_VALUE");
    // Line 12 of the document, the value `"TextImput"` (columns of its quotes).
    let line = bad.lines().nth(11).unwrap();
    let col = line.find("\"TextImput\"").unwrap() + 1;
    assert_eq!(
        (unknown["line_start"].as_u64(), unknown["column_start"].as_u64(), unknown["column_end"].as_u64()),
        (Some(12), Some(col as u64), Some(col as u64 + 10)),
        "{unknown}"
    );
    assert!(
        errors.iter().any(|e| e["pointers"][0]["path"] == "screens[0].layout.children[2].on-click-action.next.name"),
        "navigate to an unknown screen: {up}"
    );
    let (_, f) = app.get(&format!("/v23.0/{id}?fields=validation_errors,json_version")).await;
    assert_eq!(f["validation_errors"], up["validation_errors"]);
    assert_eq!(f["json_version"], "7.1");
    let (s, e) = app.post(&format!("/v23.0/{id}/publish"), &json!({})).await;
    assert_graph_error(&(s, e.clone()), 400, 139002);
    assert_eq!(e["error"]["message"], "(#139002) Publishing Flow with validation errors");

    // A valid Flow JSON publishes; then it is immutable, cannot be deleted, and deprecates once.
    let (s, up) = upload_json(&app, &id, TWO_SCREENS).await;
    assert_eq!((s, &up["validation_errors"]), (200, &json!([])), "{up}");
    let (s, assets) = app.get(&format!("/v23.0/{id}/assets")).await;
    assert_eq!(s, 200, "{assets}");
    assert_eq!(
        (&assets["data"][0]["name"], &assets["data"][0]["asset_type"]),
        (&json!("flow.json"), &json!("FLOW_JSON"))
    );
    let url = assets["data"][0]["download_url"].as_str().unwrap();
    assert_eq!(reqwest::get(url).await.unwrap().text().await.unwrap(), TWO_SCREENS, "the Flow JSON as uploaded");
    assert_eq!(app.post(&format!("/v23.0/{id}/publish"), &json!({})).await, (200, json!({"success": true})));
    let (_, f) = app.get(&format!("/v23.0/{id}?fields=status,health_status")).await;
    assert_eq!(f["status"], "PUBLISHED");
    assert_eq!(f["health_status"]["can_send_message"], "AVAILABLE");
    assert_graph_error(&upload_json(&app, &id, TWO_SCREENS).await, 400, 139001);
    assert_graph_error(&delete(&app, &id).await, 400, 139004);
    assert_graph_error(&app.post(&format!("/v23.0/{id}/publish"), &json!({})).await, 400, 139002);
    // Metadata may still change.
    assert_eq!(app.post(&format!("/v23.0/{id}"), &json!({"name": "signup v1"})).await, (200, json!({"success": true})));
    assert_eq!(app.post(&format!("/v23.0/{id}/deprecate"), &json!({})).await, (200, json!({"success": true})));
    assert_graph_error(&app.post(&format!("/v23.0/{id}/deprecate"), &json!({})).await, 400, 139003);
    let (_, f) = app.get(&format!("/v23.0/{id}?fields=name,status")).await;
    assert_eq!((f["name"].as_str(), f["status"].as_str()), (Some("signup v1"), Some("DEPRECATED")));

    // A draft can be deleted, after which its id is unknown.
    let other = create_ok(&app, json!({"name": "draft", "categories": ["SURVEY"]})).await;
    let other = other["id"].as_str().unwrap();
    assert_graph_error(&app.post(&format!("/v23.0/{other}/deprecate"), &json!({})).await, 400, 139003);
    assert_eq!(delete(&app, other).await, (200, json!({"success": true})));
    assert_graph_error(&app.get(&format!("/v23.0/{other}")).await, 400, 100);
    app.stop().await;
}
engine_test!(lifecycle_and_validation, super::lifecycle);

async fn preview_and_clone(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let v = create_ok(&app, json!({"name": "a", "categories": ["CONTACT_US"], "flow_json": TWO_SCREENS})).await;
    let id = v["id"].as_str().unwrap().to_string();
    let (s, f) = app.get(&format!("/v23.0/{id}?fields=preview.invalidate(false)")).await;
    assert_eq!(s, 200, "{f}");
    let url = f["preview"]["preview_url"].as_str().unwrap().to_string();
    assert!(f["preview"]["expires_at"].as_str().is_some_and(|e| e.ends_with("+0000")), "{f}");
    let page = reqwest::get(&url).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Sign up"));
    let (_, again) = app.get(&format!("/v23.0/{id}?fields=preview.invalidate(false)")).await;
    assert_eq!(again["preview"]["preview_url"], url.as_str(), "the same URL until invalidated");
    let (_, fresh) = app.get(&format!("/v23.0/{id}?fields=preview.invalidate(true)")).await;
    assert_ne!(fresh["preview"]["preview_url"], url.as_str());
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 400, "the old preview URL stops working");

    // A clone copies the Flow JSON into a new DRAFT.
    let c = create_ok(&app, json!({"name": "b", "categories": ["OTHER"], "clone_flow_id": id})).await;
    let (_, f) = app.get(&format!("/v23.0/{}?fields=json_version,status", c["id"].as_str().unwrap())).await;
    assert_eq!((f["json_version"].as_str(), f["status"].as_str()), (Some("7.1"), Some("DRAFT")));
    let (s, e) =
        app.post(&flows_path(&app), &json!({"name": "c", "categories": ["OTHER"], "clone_flow_id": "999"})).await;
    assert_graph_error(&(s, e), 400, 100);
    app.stop().await;
}
engine_test!(preview_and_clone, super::preview_and_clone);
