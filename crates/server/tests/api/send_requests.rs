//! What a send request may say, through HTTP on SQLite and PostgreSQL: the validation errors
//! of `POST /{phone-number-id}/messages`, parameters in the query string merged with the body,
//! and media an interactive header or a carousel card names by id.

use risala_testkit::{assert_graph_error, engine_test, json_response, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::{json, Value};

use crate::support::{send, send_ok, send_path, CUSTOMER};

async fn validation(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer(CUSTOMER, "Alice").await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let base = json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text", "text": {"body": "x"}});
    let with = |patch: Value| {
        let mut b = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                b.as_object_mut().unwrap().remove(k);
            } else {
                b[k] = v.clone();
            }
        }
        b
    };
    let cases = [
        (with(json!({"to": null})), 400, 131008),
        (with(json!({"text": {"body": ""}})), 400, 131008),
        (with(json!({"text": {"body": "x".repeat(4097)}})), 400, 131009),
        (with(json!({"to": "12ab"})), 400, 131009),
        (with(json!({"bogus": 1})), 400, 100),
        (with(json!({"text": {"body": 5}})), 400, 100),
        (with(json!({"to": "+1 555-010-0001"})), 400, 131021),
        (with(json!({"type": "hologram"})), 400, 131051),
        (
            with(
                json!({"type": "template", "template": {"name": "nope", "language": {"code": "en_US"}}, "text": null}),
            ),
            404,
            132001,
        ),
        (with(json!({"messaging_product": null})), 400, 100),
        (with(json!({"biz_opaque_callback_data": "x".repeat(513)})), 400, 131009),
    ];
    for (body, status, code) in cases {
        let r = send(&app, body.clone()).await;
        let e = assert_graph_error(&r, status, code);
        assert!(e["error_data"]["details"].as_str().is_some_and(|d| !d.is_empty()), "details for {body}: {e}");
    }
    // Malformed JSON is a Graph 100, not axum's plain text.
    let r = app
        .client
        .post(app.url(&send_path(&app)))
        .bearer_auth(DEMO_TOKEN)
        .header("content-type", "application/json")
        .body("{\"to\":")
        .send()
        .await
        .unwrap();
    assert_graph_error(&json_response(r).await, 400, 100);
    // Wire quirks: no recipient_type, preview_url boolean, `to` with punctuation, a chunked body.
    send_ok(&app, json!({"to": "+1 (555) 000-1111", "type": "text", "text": {"body": "hi", "preview_url": false}}))
        .await;
    let body = serde_json::to_vec(&base).unwrap();
    let stream =
        futures_util::stream::iter(vec![Ok::<_, std::io::Error>(body[..10].to_vec()), Ok(body[10..].to_vec())]);
    let r = app
        .client
        .post(app.url(&send_path(&app)))
        .bearer_auth(DEMO_TOKEN)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    let (s, v) = json_response(r).await;
    assert_eq!(s, 200, "chunked body: {v}");
    // Unversioned path.
    let (s, _) = app.post(&format!("/{}/messages", app.phone_number_id()), &base).await;
    assert_eq!(s, 200);
    // A management-only token cannot send.
    let (_, mgmt) = app
        .state
        .tenancy
        .create_token(&app.demo.ids.business_id, "m", &[risala_core::model::Permission::Management], None)
        .await
        .unwrap();
    assert_graph_error(&app.post_as(&send_path(&app), &base, Some(&mgmt)).await, 403, 200);
    app.stop().await;
}
engine_test!(send_validation_errors, super::validation);

/// Graph merges query-string parameters with the body of a POST; the body wins on a conflict,
/// and the token in the query authenticates without becoming part of the message.
async fn query_parameters(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let other = "15550009999";
    let url = app.url(&format!(
        "/v23.0/{}/messages?messaging_product=whatsapp&to={other}&access_token={DEMO_TOKEN}",
        app.phone_number_id()
    ));
    let body = json!({"to": CUSTOMER, "type": "text", "text": {"body": "from the query"}});
    let r = json_response(app.client.post(&url).json(&body).send().await.unwrap()).await;
    assert_eq!(r.0, 200, "{}", r.1);
    assert_eq!(r.1["contacts"][0]["wa_id"], CUSTOMER, "the body's `to` wins: {}", r.1);
    // A form body works the same way.
    let form = [("to", CUSTOMER), ("type", "text"), ("text", r#"{"body":"form"}"#)];
    let r = json_response(app.client.post(&url).form(&form).send().await.unwrap()).await;
    assert_eq!(r.0, 200, "{}", r.1);
    // A media upload with only `file` in the form and messaging_product in the query.
    let part = reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\n fake".to_vec())
        .file_name("a.png")
        .mime_str("image/png")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    let media = app.url(&format!("/v23.0/{}/media?messaging_product=whatsapp", app.phone_number_id()));
    let r = json_response(app.client.post(&media).bearer_auth(DEMO_TOKEN).multipart(form).send().await.unwrap()).await;
    assert_eq!(r.0, 200, "{}", r.1);
    assert!(r.1["id"].is_string(), "{}", r.1);
    // Without it anywhere, messaging_product is still required.
    let bare = app.url(&format!("/v23.0/{}/messages", app.phone_number_id()));
    let r = json_response(app.client.post(&bare).bearer_auth(DEMO_TOKEN).json(&body).send().await.unwrap()).await;
    assert_graph_error(&r, 400, 100);
    app.stop().await;
}
engine_test!(post_parameters_in_the_query_string_are_merged, super::query_parameters);

/// A plain text body is read straight into its fields; the same body in any other shape (a
/// `null` key, a repeated key, a key in another case) is read through the map. Both readings
/// answer alike: the same contacts for a message sent, the same error for a rule broken.
async fn plain_text_reading(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer(CUSTOMER, "Alice").await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let raw = |body: String| {
        app.client
            .post(app.url(&send_path(&app)))
            .bearer_auth(DEMO_TOKEN)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let plain = |to: &str, text: &str| {
        format!(r#"{{"messaging_product":"WhatsApp","to":"{to}","type":"text","text":{{"body":"{text}"}}}}"#)
    };
    let mapped = |to: &str, text: &str| {
        format!(
            r#"{{"messaging_product":"whatsapp","to":"{to}","type":"text","text":{{"body":"{text}"}},"context":null}}"#
        )
    };
    let without_ids = |mut v: Value| {
        if let Some(m) = v.pointer_mut("/messages/0/id") {
            *m = json!("wamid");
        }
        if let Some(t) = v.pointer_mut("/error/fbtrace_id") {
            *t = json!("trace");
        }
        v
    };
    for (to, text) in [(CUSTOMER, "hello"), ("  ", "hello"), (CUSTOMER, "   "), ("12ab", "hello")] {
        let (s1, v1) = json_response(raw(plain(to, text)).await.unwrap()).await;
        let (s2, v2) = json_response(raw(mapped(to, text)).await.unwrap()).await;
        assert_eq!((s1, without_ids(v1.clone())), (s2, without_ids(v2)), "to {to:?}, body {text:?}");
        if to == CUSTOMER && text == "hello" {
            assert_eq!(s1, 200, "{v1}");
            assert_eq!(v1["contacts"][0]["wa_id"], CUSTOMER, "{v1}");
        } else {
            assert_eq!(s1, 400, "{v1}");
        }
    }
    // A repeated key: the last value, as the map keeps it.
    let twice =
        format!(r#"{{"messaging_product":"whatsapp","to":"15550000001","to":"{CUSTOMER}","text":{{"body":"x"}}}}"#);
    let (s, v) = json_response(raw(twice).await.unwrap()).await;
    assert_eq!((s, &v["contacts"][0]["input"]), (200, &json!(CUSTOMER)), "{v}");
    app.stop().await;
}
engine_test!(plain_text_bodies_answer_as_any_other, super::plain_text_reading);

/// An interactive message's header, and a carousel card's, may name uploaded media by id:
/// checked as a media message's (someone else's or an unknown id 131009, the wrong type
/// 131053), and the customer gets a copy of their own they can download.
async fn interactive_header_media(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer(CUSTOMER, "Cy").await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let mut device = c.connect().await;
    let jpeg: &[u8] = b"\xFF\xD8\xFF\xE0 a photo";
    let photo = app.upload("image/jpeg", jpeg).await;
    let pdf = app.upload("application/pdf", b"%PDF-1.4 a price list").await;
    let button = |header: Value| {
        json!({"type": "interactive", "interactive": {"type": "button", "header": header,
               "body": {"text": "Pick one"},
               "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "A"}}]}}})
    };
    let with = |mut body: Value| {
        body["messaging_product"] = json!("whatsapp");
        body["to"] = json!(CUSTOMER);
        body
    };
    for (header, code) in [
        (json!({"type": "image", "image": {"id": "123456789"}}), 131009),
        (json!({"type": "image", "image": {"id": pdf}}), 131053),
        (json!({"type": "video", "video": {"id": photo}}), 131053),
    ] {
        let e = assert_graph_error(&send(&app, with(button(header.clone()))).await, 400, code);
        assert!(e["error_data"]["details"].as_str().unwrap().contains("interactive.header"), "{header}: {e}");
    }
    send_ok(&app, button(json!({"type": "image", "image": {"id": photo}}))).await;
    let got = device.next_message().await;
    let copy = got["interactive"]["header"]["image"]["id"].as_str().unwrap().to_string();
    assert_ne!(copy, photo, "the customer's own copy");
    assert_eq!(got["interactive"]["header"]["image"]["mime_type"], "image/jpeg");
    let (s, _) = c.get(&format!("/customer/v1/media/{copy}")).await;
    assert_eq!(s, 200, "the customer downloads the header");

    // A carousel card's header is checked the same way.
    let card = |i: usize, id: &str| {
        json!({"card_index": i, "type": "cta_url", "header": {"type": "image", "image": {"id": id}},
               "body": {"text": format!("Offer {i}")},
               "action": {"name": "cta_url", "parameters": {"display_text": "Buy", "url": "https://shop.example/o"}}})
    };
    let carousel = |cards: Vec<Value>| {
        json!({"type": "interactive", "interactive": {"type": "carousel", "body": {"text": "This week"},
               "action": {"cards": cards}}})
    };
    let e =
        assert_graph_error(&send(&app, with(carousel(vec![card(0, &photo), card(1, "987654321")]))).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("cards[1].header"), "{e}");
    send_ok(&app, carousel(vec![card(0, &photo), card(1, &photo)])).await;
    let got = device.next_message().await;
    let ids: Vec<&str> = got["interactive"]["action"]["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["header"]["image"]["id"].as_str().unwrap())
        .collect();
    assert!(ids.iter().all(|id| *id != photo) && ids[0] != ids[1], "{ids:?}");
    app.stop().await;
}
engine_test!(interactive_headers_by_media_id_are_checked_and_copied, super::interactive_header_media);
