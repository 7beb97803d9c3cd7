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
    // A trailing slash changes nothing, as at Graph (Meta's Business SDK ends every node's path
    // with one; its Node SDK posts the two-step PIN to `/{phone-number-id}/`).
    let (s, again) = app.get(&format!("/v23.0/{}/?fields=id,name,currency", app.waba_id())).await;
    assert_eq!((s, again), (200, body));
    let (s, pin) = app.post(&format!("/v23.0/{id}/"), &json!({"pin": "123456"})).await;
    assert_eq!((s, pin), (200, json!({"success": true})));
    let (s, qrs) = app.get(&format!("/v23.0/{id}/message_qrdls/")).await;
    assert_eq!(s, 200, "{qrs}");

    // Unknown edges, aliases and methods: Graph errors, never axum's plain text.
    let e = assert_graph_error(&app.get(&format!("/v23.0/{id}/no_such_edge")).await, 400, 100);
    assert!(e["message"].as_str().unwrap().contains("Unknown path components"));
    assert_graph_error(&app.get("/v23.0/not_an_id").await, 404, 803);
    let resp = app.client.delete(app.url(&format!("/v23.0/{id}"))).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    let resp = risala_testkit::json_response(resp).await;
    assert_graph_error(&resp, 400, 100);
    // An object that does not exist: Graph's words name the request's method.
    for (method, verb) in
        [(reqwest::Method::DELETE, "delete"), (reqwest::Method::POST, "post"), (reqwest::Method::GET, "get")]
    {
        let resp = app.client.request(method, app.url("/v23.0/999999999999999")).bearer_auth(DEMO_TOKEN).send();
        let resp = risala_testkit::json_response(resp.await.unwrap()).await;
        let e = assert_graph_error(&resp, 400, 100);
        let details = e["error_data"]["details"].as_str().unwrap();
        assert!(details.starts_with(&format!("Unsupported {verb} request. Object with ID '999999999999999'")), "{e}");
    }
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
        // Graph's link names the version the request named, and leads to the next page.
        let next = body["paging"]["next"].as_str().unwrap();
        assert!(next.starts_with(&app.url("/v23.0/")) && next.contains(&format!("after={after}")), "{next}");
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

/// `business_verification_status` shows the operator's setting of the WABA, not a constant.
async fn verification_status(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let path = format!("/v23.0/{}?fields=business_verification_status", app.waba_id());
    let (s, v) = app.get(&path).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["business_verification_status"], "not_verified", "{v}");
    let (s, v) = app.post(&format!("/admin/v1/wabas/{}/settings", app.waba_id()), &json!({"verified": true})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(app.get(&path).await.1["business_verification_status"], "verified");
    app.stop().await;
}
engine_test!(business_verification_follows_the_operator, super::verification_status);

/// `filtering=`, `sort=` and `summary=total_count` work on the list edges, and a value they do
/// not understand is an error, never silently ignored.
async fn list_parameters(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    for (i, mode) in ["LIVE", "LIVE", "SANDBOX"].iter().enumerate() {
        // A second apart, so creation_time orders them.
        app.state.clock.advance(1000, i64::MAX);
        app.state
            .tenancy
            .create_phone_number(NewPhoneNumber {
                waba_id: app.waba_id(),
                number: &format!("+1555010030{i}"),
                verified_name: &format!("Extra {i}"),
                account_mode: mode,
            })
            .await
            .unwrap();
    }
    let base = format!("/v23.0/{}/phone_numbers", app.waba_id());
    let live = r#"[{"field":"account_mode","operator":"EQUAL","value":"LIVE"}]"#;
    let (s, body) = app.get(&format!("{base}?fields=account_mode&summary=total_count&filtering={live}")).await;
    assert_eq!(s, 200, "{body}");
    let modes: Vec<_> = body["data"].as_array().unwrap().iter().map(|d| d["account_mode"].clone()).collect();
    assert_eq!(modes, vec![json!("LIVE"), json!("LIVE")], "{body}");
    assert_eq!(body["summary"], json!({"total_count": 2}));
    // Paged: one at a time, the summary still counts them all.
    let (_, page1) = app.get(&format!("{base}?limit=1&summary=total_count&filtering={live}")).await;
    assert_eq!(page1["data"].as_array().unwrap().len(), 1);
    assert_eq!(page1["summary"]["total_count"], 2);
    assert!(page1["paging"]["next"].is_string(), "{page1}");
    // Sorted newest first: the last number created comes first.
    let (_, sorted) = app.get(&format!("{base}?fields=verified_name&sort=creation_time.desc")).await;
    assert_eq!(sorted["data"][0]["verified_name"], "Extra 2", "{sorted}");
    assert_eq!(sorted["data"].as_array().unwrap().len(), 4);
    // Without summary=, no summary.
    assert!(app.get(&base).await.1.get("summary").is_none());
    for bad in [
        "filtering=nope",
        "filtering=[{\"field\":\"name\",\"operator\":\"EQUAL\",\"value\":\"x\"}]",
        "sort=name.asc",
        "summary=everything",
    ] {
        let e = assert_graph_error(&app.get(&format!("{base}?{bad}")).await, 400, 100);
        assert!(e["message"].as_str().unwrap().starts_with("(#100)"), "{bad}: {e}");
    }
    let e = assert_graph_error(&app.get(&format!("{base}?filtering=nope")).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("filtering must be valid JSON"), "{e}");

    // Templates: the total of the filtered list, the WABA's live templates and its limit.
    let (s, t) =
        app.get(&format!("/v23.0/{}/message_templates?summary=total_count,message_template_count,message_template_limit&name=hello_world", app.waba_id())).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["summary"]["total_count"], 1, "{t}");
    assert_eq!(t["summary"]["message_template_limit"], 250, "{t}");
    assert!(t["summary"]["message_template_count"].as_i64().unwrap() >= 1, "{t}");
    assert_graph_error(&app.get(&format!("/v23.0/{}/message_templates?summary=x", app.waba_id())).await, 400, 100);
    let (_, only) = app.get(&format!("/v23.0/{}/message_templates?summary=total_count", app.waba_id())).await;
    assert_eq!(only["summary"].as_object().unwrap().len(), 1, "only what was asked: {only}");
    // Blocked users.
    let (s, b) = app.get(&format!("/v23.0/{}/block_users?summary=total_count", app.phone_number_id())).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["summary"], json!({"total_count": 0}));
    app.stop().await;
}
engine_test!(list_edges_filter_sort_and_summarise, super::list_parameters);

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

/// Graph reads any parameter, the token too, from a form, JSON or multipart body (Meta's own
/// examples: `curl -d access_token=…`, `curl -F code_method=SMS`), and a DELETE's from its body.
async fn parameters_in_any_body(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let (waba, phone) = (app.waba_id().to_string(), app.phone_number_id().to_string());
    let components = r#"[{"type":"BODY","text":"Your order is ready."}]"#;
    let form = [
        ("name", "form_made"),
        ("language", "en_US"),
        ("category", "UTILITY"),
        ("components", components),
        ("access_token", DEMO_TOKEN),
    ];
    let resp = app.client.post(app.url(&format!("/v23.0/{waba}/message_templates"))).form(&form).send().await.unwrap();
    let (s, body) = risala_testkit::json_response(resp).await;
    assert_eq!(s, 200, "{body}");
    assert!(body["id"].is_string(), "{body}");

    // JSON with the token in it, the token left out of what the handler sees.
    let mut msg = risala_testkit::text_message("15550001111", "token in the body");
    msg["access_token"] = json!(DEMO_TOKEN);
    let resp = app.client.post(app.url(&format!("/v23.0/{phone}/messages"))).json(&msg).send().await.unwrap();
    let (s, body) = risala_testkit::json_response(resp).await;
    assert_eq!(s, 200, "{body}");
    assert!(body["messages"][0]["id"].is_string(), "{body}");

    // Multipart text fields, the token among them or in the header.
    let multipart = reqwest::multipart::Form::new()
        .text("name", "multipart_made")
        .text("language", "en_US")
        .text("category", "UTILITY")
        .text("components", components)
        .text("access_token", DEMO_TOKEN);
    let resp = app
        .client
        .post(app.url(&format!("/v23.0/{waba}/message_templates")))
        .multipart(multipart)
        .send()
        .await
        .unwrap();
    let (s, body) = risala_testkit::json_response(resp).await;
    assert_eq!(s, 200, "{body}");
    let about = reqwest::multipart::Form::new().text("messaging_product", "whatsapp").text("about", "Open 9 to 5");
    let resp = app
        .client
        .post(app.url(&format!("/v23.0/{phone}/whatsapp_business_profile")))
        .bearer_auth(DEMO_TOKEN)
        .multipart(about)
        .send()
        .await
        .unwrap();
    assert_eq!(risala_testkit::json_response(resp).await.0, 200);
    let (_, profile) = app.get(&format!("/v23.0/{phone}/whatsapp_business_profile?fields=about")).await;
    assert_eq!(profile["data"][0]["about"], "Open 9 to 5", "{profile}");
    // A file where only text is read.
    let file = reqwest::multipart::Form::new()
        .text("messaging_product", "whatsapp")
        .part("about", reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("about.txt"));
    let resp = app
        .client
        .post(app.url(&format!("/v23.0/{phone}/whatsapp_business_profile")))
        .bearer_auth(DEMO_TOKEN)
        .multipart(file)
        .send()
        .await
        .unwrap();
    let e = assert_graph_error(&risala_testkit::json_response(resp).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("about must be a text field"), "{e}");

    // A wrong token in the body is a wrong token; none at all is error 104.
    let bad = [("name", "x"), ("access_token", "EAAnotatoken0000000000")];
    let resp = app.client.post(app.url(&format!("/v23.0/{waba}/message_templates"))).form(&bad).send().await.unwrap();
    assert_graph_error(&risala_testkit::json_response(resp).await, 401, 190);
    let resp = app
        .client
        .post(app.url(&format!("/v23.0/{waba}/message_templates")))
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    assert_graph_error(&risala_testkit::json_response(resp).await, 400, 104);

    // DELETE with the template's name in a form body, then in a JSON one.
    let resp = app
        .client
        .delete(app.url(&format!("/v23.0/{waba}/message_templates")))
        .form(&[("name", "form_made"), ("access_token", DEMO_TOKEN)])
        .send()
        .await
        .unwrap();
    let (s, body) = risala_testkit::json_response(resp).await;
    assert_eq!((s, body), (200, json!({"success": true})));
    let resp = app
        .client
        .delete(app.url(&format!("/v23.0/{waba}/message_templates")))
        .bearer_auth(DEMO_TOKEN)
        .json(&json!({"name": "multipart_made"}))
        .send()
        .await
        .unwrap();
    assert_eq!(risala_testkit::json_response(resp).await.0, 200);
    let (_, list) = app.get(&format!("/v23.0/{waba}/message_templates?name=made")).await;
    assert_eq!(list["data"], json!([]), "{list}");
    app.stop().await;
}
engine_test!(parameters_and_tokens_in_any_body, super::parameters_in_any_body);

/// A WABA's edges expanded in `fields=`, as Graph does: `phone_numbers{…}` and
/// `message_templates.limit(n){…}`, each a page with its cursors.
async fn expanded_edges(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let waba = app.waba_id().to_string();
    let (s, v) = app.get(&format!("/v23.0/{waba}?fields=name,phone_numbers{{id,display_phone_number}}")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["name"], "Risala Demo WABA");
    assert_eq!(
        v["phone_numbers"]["data"],
        json!([{"id": app.phone_number_id(), "display_phone_number": "+1 555-010-0001"}]),
        "{v}"
    );
    assert!(v["phone_numbers"]["paging"]["cursors"]["after"].is_string(), "{v}");
    let (s, v) = app.get(&format!("/v23.0/{waba}?fields=message_templates.limit(1){{name,status}}")).await;
    assert_eq!(s, 200, "{v}");
    let data = v["message_templates"]["data"].as_array().unwrap();
    assert_eq!(data.len(), 1, "{v}");
    assert!(data[0]["name"].is_string() && data[0]["status"].is_string() && data[0].get("components").is_none(), "{v}");
    for bad in ["phone_numbers{nope}", "message_templates.limit(0)", "phone_numbers.since(1)"] {
        assert_graph_error(&app.get(&format!("/v23.0/{waba}?fields={bad}")).await, 400, 100);
    }
    app.stop().await;
}
engine_test!(a_waba_s_edges_expand_in_fields, super::expanded_edges);

/// `appsecret_proof`, when given, must be the HMAC-SHA256 of the token keyed by an app secret
/// of the token's business (or of `token|appsecret_time`), in the query string or the body;
/// a wrong one is Meta's 100 "Invalid appsecret_proof provided in the API argument".
async fn appsecret_proofs(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let secret = app.demo.app.app_secret.clone();
    let proof = |msg: &str| hex::encode(risala_core::ids::hmac_sha256(secret.as_bytes(), msg.as_bytes()));
    let phone = app.phone_number_id().to_string();
    let good = proof(DEMO_TOKEN);
    let (s, v) = app.get(&format!("/v23.0/{phone}?appsecret_proof={good}")).await;
    assert_eq!(s, 200, "{v}");
    let timed = proof(&format!("{DEMO_TOKEN}|1700000000"));
    let (s, v) = app.get(&format!("/v23.0/{phone}?appsecret_proof={timed}&appsecret_time=1700000000")).await;
    assert_eq!(s, 200, "{v}");
    for bad in ["00".to_string(), proof("another token"), timed.clone()] {
        let e = assert_graph_error(&app.get(&format!("/v23.0/{phone}?appsecret_proof={bad}")).await, 400, 100);
        assert!(e["message"].as_str().unwrap().contains("Invalid appsecret_proof"), "{e}");
    }
    // In a form body with the token, as the Graph SDKs send it.
    let form =
        [("messaging_product", "whatsapp"), ("about", "Open"), ("access_token", DEMO_TOKEN), ("appsecret_proof", "00")];
    let resp = app
        .client
        .post(app.url(&format!("/v23.0/{phone}/whatsapp_business_profile")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_graph_error(&risala_testkit::json_response(resp).await, 400, 100);
    let form = [
        ("messaging_product", "whatsapp"),
        ("about", "Open"),
        ("access_token", DEMO_TOKEN),
        ("appsecret_proof", &good),
    ];
    let resp = app
        .client
        .post(app.url(&format!("/v23.0/{phone}/whatsapp_business_profile")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(risala_testkit::json_response(resp).await.0, 200);
    app.stop().await;
}
engine_test!(an_appsecret_proof_is_checked_when_given, super::appsecret_proofs);
