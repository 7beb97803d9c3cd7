//! Input the server must refuse with a Graph error rather than pass on or answer in plain
//! text: path-like file names, malformed multipart uploads, bodies where none is taken,
//! numbers no country code starts, page sizes out of range, and replies or reactions that
//! name a message of another conversation.

use risala_testkit::{assert_graph_error, engine_test, json_response, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::json;

use crate::support::{send, send_ok, CUSTOMER};

async fn path_like_file_names(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let customer = app.customer(CUSTOMER, "Alice").await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let doc = app.upload("application/pdf", b"%PDF-1.4 fake").await;
    for name in ["../../x", "..\\evil.pdf", "/etc/passwd", "a\nb.pdf", ".."] {
        let r = send(
            &app,
            json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "document",
                   "document": {"id": doc, "filename": name}}),
        )
        .await;
        let e = assert_graph_error(&r, 400, 131009);
        assert!(e["error_data"]["details"].as_str().unwrap().contains("document.filename"), "{name:?}: {e}");
    }
    // An upload's file name may reach a customer too (as a document's name): of a path, as
    // clients send it (`upload_media("/path/to/file")`), only the last part is kept (RFC 7578).
    for (sent, kept) in [("../../x.pdf", "x.pdf"), ("/home/me/bills/May.pdf", "May.pdf"), ("C:\\bills\\a.pdf", "a.pdf")]
    {
        let (s, v) = app.upload_raw("application/pdf", sent, b"%PDF-1.4".to_vec()).await;
        assert_eq!(s, 200, "{sent}: {v}");
        let (_, info) = app.get(&format!("/v23.0/{}", v["id"].as_str().unwrap())).await;
        let r = app.client.get(info["url"].as_str().unwrap()).bearer_auth(DEMO_TOKEN).send().await.unwrap();
        assert_eq!(r.headers()["content-disposition"], format!("attachment; filename=\"{kept}\"").as_str(), "{sent}");
    }
    // Nothing left after the path, or a control character in the name: refused.
    assert_graph_error(&app.upload_raw("application/pdf", "bills/", b"%PDF-1.4".to_vec()).await, 400, 131009);
    assert_graph_error(&app.upload_raw("application/pdf", "a\tb.pdf", b"%PDF-1.4".to_vec()).await, 400, 131009);
    send_ok(&app, json!({"type": "document", "document": {"id": doc, "filename": "invoice.pdf"}})).await;
    app.stop().await;
}
engine_test!(path_like_file_names_are_refused_or_cut_to_their_name, super::path_like_file_names);

/// POST `body` as it is, with this content type and token.
async fn post_raw(app: &TestApp, path: &str, token: &str, content_type: &str, body: &str) -> (u16, serde_json::Value) {
    let r = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    json_response(r).await
}

/// Multipart bodies that cannot be read, for `path` with `token`.
async fn malformed_uploads(app: &TestApp, path: &str, token: &str) {
    let truncated = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
                     Content-Type: image/png\r\n\r\n\u{89}PNG trunc";
    let cases: [(&str, &str); 5] = [
        ("multipart/form-data", "--XyZ\r\n"),
        ("multipart/form-data; boundary=", "--\r\n"),
        ("multipart/form-data; boundary=XyZ", truncated),
        ("application/json", "{\"messaging_product\":\"whatsapp\"}"),
        ("text/plain", "file=@cat.png"),
    ];
    for (ct, body) in cases {
        let e = assert_graph_error(&post_raw(app, path, token, ct, body).await, 400, 100);
        assert!(e["error_data"]["details"].as_str().is_some_and(|d| d.contains("multipart")), "{ct}: {e}");
    }
}

async fn multipart_errors(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    malformed_uploads(&app, &format!("/v23.0/{}/media", app.phone_number_id()), DEMO_TOKEN).await;
    let customer = app.customer(CUSTOMER, "Alice").await;
    malformed_uploads(&app, "/customer/v1/media", &customer.token).await;
    // A field the upload does not take is refused, not ignored.
    let form = reqwest::multipart::Form::new()
        .text("messaging_product", "whatsapp")
        .text("ttl_minutes", "5")
        .part("file", reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("a.png").mime_str("image/png").unwrap());
    let r = app
        .client
        .post(app.url(&format!("/v23.0/{}/media", app.phone_number_id())))
        .bearer_auth(DEMO_TOKEN)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_graph_error(&json_response(r).await, 400, 100);
    app.stop().await;
}
engine_test!(malformed_multipart_uploads_are_graph_errors, super::multipart_errors);

async fn block_bodies(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let customer = app.customer(CUSTOMER, "Alice").await;
    let number = app.business_number().to_string();
    for action in ["block", "unblock"] {
        let path = format!("/customer/v1/chats/{number}/{action}");
        for (ct, body) in [
            ("application/json", "[1]"),
            ("application/json", "\"yes\""),
            ("application/json", "{\"x\":1}"),
            ("application/json", "{not json"),
            ("text/plain", "garbage"),
        ] {
            assert_graph_error(&post_raw(&app, &path, &customer.token, ct, body).await, 400, 100);
        }
        let r = app.client.post(app.url(&path)).bearer_auth(&customer.token).send().await.unwrap();
        assert_eq!(json_response(r).await.0, 200, "{action} with an empty body");
        assert_eq!(customer.post(&path, &json!({})).await.0, 200, "{action} with {{}}");
    }
    app.stop().await;
}
engine_test!(block_and_unblock_refuse_bodies, super::block_bodies);

async fn recipients_without_country_code(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    for to in ["+0016505551234", "+00 1 650 555 1234", "+0123456789", "+1234567890123456", "+123456"] {
        let r =
            send(&app, json!({"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": "x"}})).await;
        let e = assert_graph_error(&r, 400, 131009);
        assert!(e["error_data"]["details"].as_str().unwrap().starts_with("to "), "{to}: {e}");
    }
    app.stop().await;
}
engine_test!(recipients_no_country_code_starts_are_refused, super::recipients_without_country_code);

async fn page_sizes(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let edges = [
        format!("/v23.0/{}/message_templates", app.waba_id()),
        format!("/v23.0/{}/phone_numbers", app.waba_id()),
        format!("/v23.0/{}/block_users", app.phone_number_id()),
    ];
    for edge in &edges {
        for limit in ["-1", "0", "abc", "1001", "99999999999999999999", "2.5"] {
            let e = assert_graph_error(&app.get(&format!("{edge}?limit={limit}")).await, 400, 100);
            assert!(e["error_data"]["details"].as_str().unwrap().contains("limit"), "{edge} limit={limit}: {e}");
        }
        assert_eq!(app.get(&format!("{edge}?limit=1000")).await.0, 200, "{edge}");
    }
    app.stop().await;
}
engine_test!(page_sizes_outside_one_to_1000_are_refused, super::page_sizes);

async fn foreign_references(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let alice = app.customer(CUSTOMER, "Alice").await;
    let bob = app.customer("15550002222", "Bob").await;
    let from_alice = alice.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let from_bob = bob.send(app.business_number(), json!({"type": "text", "text": {"body": "private"}})).await;
    let to_bob = send_ok(&app, json!({"to": bob.wa_id, "type": "text", "text": {"body": "for Bob"}})).await;
    for foreign in [from_bob.as_str(), to_bob.as_str(), "wamid.does-not-exist"] {
        let reply = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text",
                           "text": {"body": "re"}, "context": {"message_id": foreign}});
        let e = assert_graph_error(&send(&app, reply).await, 400, 131009);
        assert!(e["error_data"]["details"].as_str().unwrap().starts_with("context.message_id"), "{e}");
        // A reaction is accepted and then fails with 131009, as Meta's: "the reaction message
        // will not be delivered and you will receive a messages webhook with error code 131009"
        // (the same for any id not in this chat, so nothing can be probed).
        let id = send_ok(&app, json!({"type": "reaction", "reaction": {"message_id": foreign, "emoji": "👍"}})).await;
        let statuses = app.queued_statuses().await;
        let s: Vec<&serde_json::Value> = statuses.iter().filter(|s| s["id"] == id.as_str()).collect();
        assert_eq!((s.len(), s[0]["status"].as_str(), &s[0]["errors"][0]["code"]), (1, Some("failed"), &json!(131009)));
        let details = s[0]["errors"][0]["error_data"]["details"].as_str().unwrap();
        assert!(details.starts_with("reaction.message_id") && !details.contains("private"), "{details}");
    }
    // The conversation's own messages still work.
    send_ok(&app, json!({"type": "text", "text": {"body": "re"}, "context": {"message_id": from_alice}})).await;
    send_ok(&app, json!({"type": "reaction", "reaction": {"message_id": from_alice, "emoji": "👍"}})).await;
    app.stop().await;
}
engine_test!(replies_and_reactions_to_other_conversations_are_refused_or_failed, super::foreign_references);
