//! Quick replies through the API, on SQLite and PostgreSQL: create, list, read, change and
//! delete; a shortcut unique per business (another business may use the same one); every
//! broken rule is a Graph error naming the field; the render endpoint fills in the customer's,
//! the agent's and the business's names for a customer of the number; another business's token
//! is refused.

use risala_testkit::{assert_graph_error, engine_test, Database, Engine, TestApp};
use serde_json::{json, Value};

fn base(app: &TestApp) -> String {
    format!("/tools/v1/{}/quick_replies", app.phone_number_id())
}

async fn create(app: &TestApp, body: Value) -> Value {
    let (s, v) = app.post(&base(app), &body).await;
    assert_eq!(s, 200, "{body}: {v}");
    v
}

async fn delete(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = app.client.delete(app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    risala_testkit::json_response(req.send().await.unwrap()).await
}

async fn crud(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let b = base(&app);
    let hello = create(&app, json!({"shortcut": "/Hello", "text": "Hi {{customer_name}}, {{agent_name}} here."})).await;
    assert_eq!((hello["shortcut"].as_str(), hello["media"].clone()), (Some("/hello"), Value::Null), "{hello}");
    let id = hello["id"].as_str().unwrap().to_string();
    let media_id = app.upload("image/png", b"\x89PNG\r\n\x1a\n menu").await;
    let menu =
        create(&app, json!({"shortcut": "menu", "text": "Our menu", "media": {"type": "image", "id": media_id}})).await;
    assert_eq!(menu["media"], json!({"type": "image", "id": media_id}));

    // Listed by shortcut, read one by one.
    let (_, list) = app.get(&b).await;
    let shortcuts: Vec<&str> =
        list["data"].as_array().unwrap().iter().map(|q| q["shortcut"].as_str().unwrap()).collect();
    assert_eq!(shortcuts, ["/hello", "/menu"]);
    let (s, one) = app.get(&format!("{b}/{id}")).await;
    assert_eq!((s, one["text"].as_str()), (200, Some("Hi {{customer_name}}, {{agent_name}} here.")));

    // One shortcut per business.
    let e = assert_graph_error(&app.post(&b, &json!({"shortcut": "/HELLO", "text": "again"})).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("/hello"), "{e}");
    let e = assert_graph_error(&app.post(&format!("{b}/{id}"), &json!({"shortcut": "menu"})).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("already used"), "{e}");

    // A change of the fields given.
    let (s, v) = app.post(&format!("{b}/{id}"), &json!({"shortcut": "hi", "text": "Hello {{customer_name}}!"})).await;
    assert_eq!(
        (s, v["shortcut"].as_str(), v["text"].as_str()),
        (200, Some("/hi"), Some("Hello {{customer_name}}!")),
        "{v}"
    );
    let (_, v) = app.post(&format!("{b}/{}", menu["id"].as_str().unwrap()), &json!({"media": null})).await;
    assert_eq!((v["media"].clone(), v["text"].as_str()), (Value::Null, Some("Our menu")), "{v}");

    // Deleted: gone, and a second delete is 100.
    let (s, v) = delete(&app, &format!("{b}/{id}"), Some(risala_testkit::DEMO_TOKEN)).await;
    assert_eq!((s, v["success"].clone()), (200, json!(true)), "{v}");
    assert_graph_error(&app.get(&format!("{b}/{id}")).await, 400, 100);
    assert_graph_error(&delete(&app, &format!("{b}/{id}"), Some(risala_testkit::DEMO_TOKEN)).await, 400, 100);
    app.stop().await;
}
engine_test!(quick_replies_are_created_listed_changed_and_deleted, super::crud);

async fn validation(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let b = base(&app);
    let cases = [
        (json!({"text": "no shortcut"}), 131008, "shortcut"),
        (json!({"shortcut": "two words", "text": "x"}), 131009, "shortcut"),
        (json!({"shortcut": "/", "text": "x"}), 131009, "shortcut"),
        (json!({"shortcut": "ok"}), 131008, "text"),
        (json!({"shortcut": "ok", "text": "Hi {{name}}"}), 131009, "{{name}}"),
        (json!({"shortcut": "ok", "text": "x".repeat(4097)}), 131009, "text"),
        (json!({"shortcut": "ok", "text": "x", "media": {"type": "image", "id": "1234567890"}}), 131009, "media.id"),
        (json!({"shortcut": "ok", "text": "x", "media": {"type": "sticker", "id": "1"}}), 131009, "media.type"),
        (json!({"shortcut": "ok", "text": "x", "colour": "red"}), 131009, "colour"),
        (json!({"shortcut": 5, "text": "x"}), 131009, "shortcut"),
    ];
    for (body, code, needle) in cases {
        let e = assert_graph_error(&app.post(&b, &body).await, 400, code);
        assert!(e["error_data"]["details"].as_str().unwrap().contains(needle), "{body}: {e}");
    }
    let (_, list) = app.get(&b).await;
    assert_eq!(list["data"], json!([]), "nothing refused was saved");
    app.stop().await;
}
engine_test!(broken_quick_replies_are_refused_naming_the_field, super::validation);

/// A business keeps at most 500 quick replies, also when creates arrive at the same moment:
/// each is counted with its insert, so 30 at once past 490 make exactly ten.
async fn at_most_500(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let b = base(&app);
    for i in 0..490 {
        create(&app, json!({"shortcut": format!("s{i}"), "text": "x"})).await;
    }
    let answers = futures_util::future::join_all((0..30).map(|i| {
        let (app, b) = (&app, &b);
        async move { app.post(b, &json!({"shortcut": format!("t{i}"), "text": "x"})).await }
    }))
    .await;
    assert_eq!(answers.iter().filter(|(s, _)| *s == 200).count(), 10, "{answers:?}");
    for refused in answers.iter().filter(|(s, _)| *s != 200) {
        let e = assert_graph_error(refused, 400, 131009);
        assert!(e["error_data"]["details"].as_str().unwrap().contains("at most 500"), "{e}");
    }
    let (_, list) = app.get(&b).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 500);
    // Full, the shortcut already used is still refused as full.
    let e = assert_graph_error(&app.post(&b, &json!({"shortcut": "s1", "text": "x"})).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("at most 500"), "{e}");
}

engine_test!(at_most_500_quick_replies_even_at_once, super::at_most_500);

async fn render_and_tenancy(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let b = base(&app);
    let q = create(
        &app,
        json!({"shortcut": "hi", "text": "Hello {{customer_name}}, {{agent_name}} from {{business_name}}."}),
    )
    .await;
    let id = q["id"].as_str().unwrap();
    let alice = app.customer("15550001111", "Alice").await;
    alice.send(app.business_number(), json!({"type": "text", "text": {"body": "hello"}})).await;

    let (s, v) = app.post(&format!("{b}/{id}/render"), &json!({"to": "+1 555 000 1111", "agent_name": "Sam"})).await;
    let business = app.demo.phone.verified_name.clone();
    assert_eq!((s, v["text"].as_str()), (200, Some(format!("Hello Alice, Sam from {business}.").as_str())), "{v}");
    // Without agent_name the number's name signs.
    let (_, v) = app.post(&format!("{b}/{id}/render"), &json!({"to": "15550001111"})).await;
    assert_eq!(v["text"], format!("Hello Alice, {business} from {business}."));
    // Only for a customer of the number.
    let e =
        assert_graph_error(&app.post(&format!("{b}/{id}/render"), &json!({"to": "15550009876"})).await, 400, 131009);
    assert!(e["error_data"]["details"].as_str().unwrap().contains("no conversation"), "{e}");
    assert_graph_error(&app.post(&format!("{b}/{id}/render"), &json!({})).await, 400, 131008);

    // Another business: its token reaches neither the number nor the quick replies, and its own
    // quick replies may use the same shortcut.
    let (other_number, token) = super::other_business(&app).await;
    assert_graph_error(&app.get_as(&b, Some(&token)).await, 400, 100);
    assert_graph_error(&app.get_as(&format!("{b}/{id}"), Some(&token)).await, 400, 100);
    assert_graph_error(
        &app.post_as(&format!("{b}/{id}/render"), &json!({"to": "15550001111"}), Some(&token)).await,
        400,
        100,
    );
    assert_graph_error(&delete(&app, &format!("{b}/{id}"), Some(&token)).await, 400, 100);
    let theirs = format!("/tools/v1/{other_number}/quick_replies");
    let (s, v) = app.post_as(&theirs, &json!({"shortcut": "hi", "text": "Their hello"}), Some(&token)).await;
    assert_eq!(s, 200, "{v}");
    // Our id through their number is not theirs to read.
    assert_graph_error(&app.get_as(&format!("{theirs}/{id}"), Some(&token)).await, 400, 100);
    let (_, ours) = app.get(&b).await;
    assert_eq!(ours["data"].as_array().unwrap().len(), 1);
    assert_graph_error(&app.get_as(&b, None).await, 400, 104);
    app.stop().await;
}
engine_test!(quick_replies_render_for_a_customer_and_stay_in_their_business, super::render_and_tenancy);

/// A quick reply's media from the web composer: the form's `quick_reply` sends the media with
/// the text as caption (a document keeps its file name); an audio goes first and the text after
/// it; without `quick_reply` only the text goes; a caption over 1024 characters is refused with
/// Meta's reason, as is any send once the window has closed (131047); another business's quick
/// reply is not found. The render endpoint names the media.
async fn composer_media(engine: Engine) {
    let (_db, app) = crate::web::app(engine).await;
    let b = base(&app);
    let (s, v) = app.upload_raw("application/pdf", "menu.pdf", b"%PDF-1.4 menu".to_vec()).await;
    assert_eq!(s, 200, "{v}");
    let pdf = v["id"].as_str().unwrap().to_string();
    let audio = app.upload("audio/ogg", b"OggS hello").await;
    let menu = create(
        &app,
        json!({"shortcut": "menu", "text": "Hi {{customer_name}}, our menu.", "media": {"type": "document", "id": pdf}}),
    )
    .await;
    let voice =
        create(&app, json!({"shortcut": "voice", "text": "Listen, please.", "media": {"type": "audio", "id": audio}}))
            .await;
    let (menu_id, voice_id) = (menu["id"].as_str().unwrap(), voice["id"].as_str().unwrap());
    let customer = app.customer("15550001111", "Layla Haddad").await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "Your menu?"}})).await;

    let (s, v) = app.post(&format!("{b}/{menu_id}/render"), &json!({"to": "15550001111"})).await;
    assert_eq!(
        (s, v["text"].as_str(), v["media"].clone()),
        (200, Some("Hi Layla Haddad, our menu."), json!({"type": "document", "id": pdf})),
        "{v}"
    );

    let mut web = crate::web::Web::owner(&app).await;
    // Deleting a quick reply (or a label) from its page asks first: one click removes nothing.
    for page in ["/app/console/quick-replies", "/app/labels"] {
        let body = web.get(page).await.body;
        let forms: Vec<&str> = body.split("<form").filter(|f| f.contains("/delete\"")).collect();
        assert!(!forms.is_empty() || page == "/app/labels", "{page}: no delete form in {body}");
        for f in forms {
            assert!(f.contains(r#"data-confirm="Delete it? This cannot be undone.""#), "{page}: {f}");
        }
    }
    let chat = format!("/app/chats/{}/15550001111", app.phone_number_id());
    let page = web.get(&chat).await;
    // The menu offers the quick reply with what it attaches.
    assert!(page.body.contains(&format!("data-id=\"{menu_id}\"")), "{}", page.body);
    assert!(page.body.contains("data-attached=\"Attached: Document (menu.pdf). The message is sent as its caption.\""));
    let csrf = page.csrf();
    let send = format!("{chat}/send");
    let sent = |p: &crate::web::Page| {
        assert_eq!((p.status, p.location()), (303, format!("{chat}#composer").as_str()), "{}", p.body)
    };
    sent(&web.post(&send, &[("csrf", &csrf), ("body", "Hi Layla Haddad, our menu."), ("quick_reply", menu_id)]).await);
    sent(&web.post(&send, &[("csrf", &csrf), ("body", "Listen, please."), ("quick_reply", voice_id)]).await);
    sent(&web.post(&send, &[("csrf", &csrf), ("body", "Just text"), ("quick_reply", "")]).await);
    let history = app.state.store.chat_history(app.phone_number_id(), "15550001111", None, 20).await.unwrap();
    // What each message carried (a sent media is the customer's own copy, with a new id).
    let mut out: Vec<(String, Value)> = history
        .iter()
        .filter(|m| m.direction == risala_core::model::Direction::Outbound)
        .map(|m| {
            let c = &m.content;
            let kept = json!({"caption": c["caption"], "filename": c["filename"], "mime_type": c["mime_type"], "body": c["body"]});
            (m.kind.clone(), kept)
        })
        .collect();
    out.reverse();
    let shape = |caption: Value, filename: Value, mime: Value, body: Value| json!({"caption": caption, "filename": filename, "mime_type": mime, "body": body});
    let n = Value::Null;
    assert_eq!(
        out,
        [
            (
                "document".to_string(),
                shape(json!("Hi Layla Haddad, our menu."), json!("menu.pdf"), json!("application/pdf"), n.clone())
            ),
            ("audio".to_string(), shape(n.clone(), n.clone(), json!("audio/ogg"), n.clone())),
            ("text".to_string(), shape(n.clone(), n.clone(), n.clone(), json!("Listen, please."))),
            ("text".to_string(), shape(n.clone(), n.clone(), n.clone(), json!("Just text"))),
        ]
    );

    // A caption is at most 1024 characters: Meta's reason, and nothing sent.
    let long = "x".repeat(1025);
    let p = web.post(&send, &[("csrf", &csrf), ("body", &long), ("quick_reply", menu_id)]).await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains("document.caption must be at most 1024 characters"), "{}", p.body);
    // Another business's quick reply is not this business's to send.
    let (other_number, token) = super::other_business(&app).await;
    let theirs = format!("/tools/v1/{other_number}/quick_replies");
    let (_, q) = app.post_as(&theirs, &json!({"shortcut": "x", "text": "Theirs"}), Some(&token)).await;
    let p = web.post(&send, &[("csrf", &csrf), ("body", "x"), ("quick_reply", q["id"].as_str().unwrap())]).await;
    assert_eq!(p.status, 404, "{}", p.body);
    let after = app.state.store.chat_history(app.phone_number_id(), "15550001111", None, 20).await.unwrap();
    assert_eq!(after.len(), history.len());
    // The window rules as for any send: closed, the media is refused with 131047.
    app.advance_clock("25h").await;
    let p = web.post(&send, &[("csrf", &csrf), ("body", "Our menu"), ("quick_reply", menu_id)]).await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains("(#131047) Re-engagement message"), "{}", p.body);
    app.stop().await;
}
engine_test!(quick_replies_media_from_the_composer, super::composer_media);
