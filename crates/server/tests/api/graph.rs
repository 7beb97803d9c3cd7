//! Graph API routing through HTTP on SQLite and PostgreSQL: version prefixes, `fields=`,
//! unknown edges and methods as Graph errors, and cursor paging.

use risala_core::tenancy::NewPhoneNumber;
use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::json;

async fn versions_and_fields(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let id = app.phone_number_id().to_string();
    for prefix in ["/v15.0", "/v21.0", "/v23.0", "/v25.0", ""] {
        let resp = app.client.get(app.url(&format!("{prefix}/{id}"))).bearer_auth(DEMO_TOKEN).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{prefix}");
        let want = if prefix.is_empty() { "v23.0" } else { &prefix[1..] };
        assert_eq!(resp.headers()["facebook-api-version"], want);
        assert!(resp.headers().contains_key("x-fb-trace-id"));
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(
            body,
            json!({"id": id, "display_phone_number": "+1 555-010-0001", "verified_name": "Risala Demo", "quality_rating": "GREEN"})
        );
    }
    let (s, body) = app.get(&format!("/v23.0/{id}?fields=name_status,code_verification_status,throughput")).await;
    assert_eq!(s, 200);
    assert_eq!(
        body,
        json!({"id": id, "name_status": "APPROVED", "code_verification_status": "VERIFIED", "throughput": {"level": "STANDARD"}})
    );
    let (s, body) =
        app.get(&format!("/v23.0/{id}?fields=whatsapp_business_manager_messaging_limit,status,account_mode")).await;
    assert_eq!(s, 200);
    assert_eq!(body["whatsapp_business_manager_messaging_limit"], "TIER_250");
    assert_eq!(body["account_mode"], "SANDBOX");

    let e = assert_graph_error(&app.get(&format!("/v23.0/{id}?fields=bogus_field")).await, 400, 100);
    assert!(e["message"].as_str().unwrap().contains("(bogus_field)"), "{e}");

    let (s, body) = app.get(&format!("/v23.0/{}?fields=id,name,currency", app.waba_id())).await;
    assert_eq!(s, 200);
    assert_eq!(body, json!({"id": app.waba_id(), "name": "Risala Demo WABA", "currency": "USD"}));

    // Unknown edges, aliases and methods: Graph errors, never axum's plain text.
    let e = assert_graph_error(&app.get(&format!("/v23.0/{id}/no_such_edge")).await, 400, 100);
    assert!(e["message"].as_str().unwrap().contains("Unknown path components"));
    assert_graph_error(&app.get("/v23.0/not_an_id").await, 404, 803);
    let resp = app.client.delete(app.url(&format!("/v23.0/{id}"))).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    let resp = risala_testkit::json_response(resp).await;
    assert_graph_error(&resp, 400, 100);
    app.stop().await;
}
engine_test!(version_prefixes_and_fields, super::versions_and_fields);

async fn paging(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    for i in 0..6 {
        app.state
            .tenancy
            .create_phone_number(NewPhoneNumber {
                waba_id: app.waba_id(),
                number: &format!("+1555010020{i}"),
                verified_name: &format!("Extra {i}"),
                account_mode: "SANDBOX",
            })
            .await
            .unwrap();
    }
    let base = format!("/v23.0/{}/phone_numbers", app.waba_id());
    let mut seen = Vec::new();
    let mut path = format!("{base}?limit=3&fields=id,verified_name");
    let mut pages = 0;
    let mut last_page;
    loop {
        let (s, body) = app.get(&path).await;
        assert_eq!(s, 200, "{body}");
        pages += 1;
        let data = body["data"].as_array().unwrap();
        assert!(data.len() <= 3);
        for d in data {
            assert_eq!(d.as_object().unwrap().len(), 2, "only the selected fields: {d}");
            seen.push(d["id"].as_str().unwrap().to_string());
        }
        let after = body["paging"]["cursors"]["after"].as_str().unwrap().to_string();
        last_page = body.clone();
        if body["paging"]["next"].is_null() {
            break;
        }
        path = format!("{base}?limit=3&fields=id,verified_name&after={after}");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 7);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 7, "no duplicates across pages");
    // Going back from the last page gives the three before it.
    let before = last_page["paging"]["cursors"]["before"].as_str().unwrap();
    let (s, body) = app.get(&format!("{base}?limit=3&before={before}")).await;
    assert_eq!(s, 200);
    let ids: Vec<_> = body["data"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, seen[3..6].to_vec());
    // Default list fields.
    let (_, body) = app.get(&base).await;
    let first = body["data"][0].as_object().unwrap();
    for k in [
        "id",
        "verified_name",
        "code_verification_status",
        "display_phone_number",
        "quality_rating",
        "platform_type",
        "throughput",
    ] {
        assert!(first.contains_key(k), "{k} in {first:?}");
    }
    assert_graph_error(&app.get(&format!("{base}?after=%%%")).await, 400, 100);
    assert_graph_error(&app.get(&format!("{base}?limit=abc")).await, 400, 100);
    app.stop().await;
}
engine_test!(cursor_paging, super::paging);

/// An unknown edge must not tell who may not see an id whether it exists: the token is checked
/// first, and another business's id answers like a missing one.
async fn unknown_edges_hide_ids(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let t = &app.state.tenancy;
    let b = t.create_business("Other Co").await.unwrap();
    let (_, token_b) = t.create_token(&b.id, "b", &risala_core::model::Permission::ALL, None).await.unwrap();
    let existing = format!("/v23.0/{}/no_such_edge", app.phone_number_id());
    let missing = "/v23.0/999999999999999/no_such_edge";
    for path in [existing.as_str(), missing] {
        // No token: 104, as on every Graph route; a token that is not valid: 190.
        assert_graph_error(&app.get_as(path, None).await, 400, 104);
        assert_graph_error(&app.get_as(path, Some("EAAnotatoken")).await, 401, 190);
        // Another business's token: the same answer for A's id as for an id that does not exist.
        let e = assert_graph_error(&app.get_as(path, Some(&token_b)).await, 400, 100);
        assert_eq!(e["error_subcode"], 33, "{path}: {e}");
    }
    // The owner still learns that the edge is unknown.
    let e = assert_graph_error(&app.get(&existing).await, 400, 100);
    assert!(e["message"].as_str().unwrap().contains("Unknown path components"), "{e}");
    app.stop().await;
}
engine_test!(unknown_edges_do_not_reveal_which_ids_exist, super::unknown_edges_hide_ids);
