//! Messages end to end through HTTP and a real WebSocket device, on SQLite and PostgreSQL:
//! every outbound type reaches the customer's stream; every inbound type becomes a webhook
//! change in Meta's shape; statuses move sent → delivered → read; offline customers get their
//! messages on reconnect; the 24-hour window; mark-as-read and typing (what a send request may
//! say is in `send_requests`).

use std::time::Duration;

use risala_core::clock::Clock;
use risala_testkit::{assert_graph_error, engine_test, eventually, Database, Engine, TestApp, DEMO_TOKEN};
use serde_json::{json, Value};

use crate::support::{file_server, send, send_ok, CUSTOMER};

async fn every_outbound_type(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let customer = app.customer(CUSTOMER, "Alice").await;
    let mut device = customer.connect().await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;

    let files = file_server().await;
    let image = app.upload("image/png", b"\x89PNG\r\n\x1a\n fake image").await;
    let doc = app.upload("application/pdf", b"%PDF-1.4 fake").await;
    let audio = app.upload("audio/ogg", b"OggS fake").await;
    let video = app.upload("video/mp4", b"\0\0\0\x18ftypmp42 fake mp4").await;
    let sticker = app.upload("image/webp", b"RIFF\0\0\0\0WEBP fake webp").await;
    let interactive = |i: Value| json!({"type": "interactive", "interactive": i});
    // A flow message names a published flow of the WABA.
    let flow_id = crate::flows::published(&app, "signup").await;
    // Product messages name products of the catalog connected to the WABA.
    let catalog = crate::growth::catalogs::catalog_with(&app, &["sku-1".to_string()]).await;
    let cases: Vec<Value> = vec![
        json!({"type": "text", "text": {"body": "Hello https://example.com", "preview_url": true}}),
        json!({"type": "image", "image": {"id": image, "caption": "a picture"}}),
        json!({"type": "image", "image": {"link": format!("{files}/cat.png")}}),
        json!({"type": "document", "document": {"id": doc, "filename": "invoice.pdf"}}),
        json!({"type": "audio", "audio": {"id": audio}}),
        json!({"type": "video", "video": {"id": video, "caption": "clip"}}),
        json!({"type": "sticker", "sticker": {"id": sticker}}),
        json!({"type": "location", "location": {"latitude": 37.48, "longitude": -122.14, "name": "HQ", "address": "1 Hacker Way"}}),
        json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Jane Doe", "first_name": "Jane"}, "phones": [{"phone": "+15550002222", "type": "CELL", "wa_id": "15550002222"}]}]}),
        interactive(json!({"type": "button", "body": {"text": "Pick one"}, "action": {"buttons": [
            {"type": "reply", "reply": {"id": "yes", "title": "Yes"}}, {"type": "reply", "reply": {"id": "no", "title": "No"}}]}})),
        interactive(
            json!({"type": "list", "header": {"type": "text", "text": "Menu"}, "body": {"text": "Choose"}, "footer": {"text": "Thanks"},
            "action": {"button": "Options", "sections": [{"title": "Food", "rows": [{"id": "r1", "title": "Pizza", "description": "Cheesy"}]}]}}),
        ),
        interactive(
            json!({"type": "cta_url", "body": {"text": "See it"}, "action": {"name": "cta_url", "parameters": {"display_text": "Open", "url": "https://example.com"}}}),
        ),
        interactive(
            json!({"type": "location_request_message", "body": {"text": "Where are you?"}, "action": {"name": "send_location"}}),
        ),
        interactive(
            json!({"type": "product", "body": {"text": "Look"}, "action": {"catalog_id": catalog, "product_retailer_id": "sku-1"}}),
        ),
        interactive(
            json!({"type": "product_list", "header": {"type": "text", "text": "Shop"}, "body": {"text": "Pick"},
            "action": {"catalog_id": catalog, "sections": [{"title": "All", "product_items": [{"product_retailer_id": "sku-1"}]}]}}),
        ),
        interactive(json!({"type": "flow", "body": {"text": "Sign up"}, "action": {"name": "flow", "parameters": {
            "flow_message_version": "3", "flow_id": flow_id, "flow_cta": "Start", "flow_token": "tok", "mode": "published",
            "flow_action": "navigate", "flow_action_payload": {"screen": "WELCOME", "data": {"x": 1}}}}})),
    ];
    for case in cases {
        let kind = case["type"].as_str().unwrap().to_string();
        let id = send_ok(&app, case.clone()).await;
        let m = device.next_message().await;
        assert_eq!(m["id"], id.as_str());
        assert_eq!(m["type"], kind.as_str());
        assert_eq!(m["from"], app.business_number());
        assert_eq!(m["to"], CUSTOMER);
        // Every field the business sent reaches the device unchanged (media ids are
        // re-issued per recipient, so they are compared by content below).
        let sent = case[&kind].clone();
        let got = m[&kind].clone();
        match &sent {
            Value::Object(o) => {
                for (k, v) in o {
                    if k == "id" {
                        continue;
                    }
                    assert_eq!(&got[k], v, "{kind}.{k} on the device: {m}");
                }
            }
            other => assert_eq!(&got, other, "{kind} on the device"),
        }
        if sent.get("id").is_some() {
            let media_id = got["id"].as_str().expect("media id for the device");
            let (s, _) = customer.get(&format!("/customer/v1/media/{media_id}")).await;
            assert_eq!(s, 200, "the customer can download {kind}");
        }
    }
    // A reply with context and a reaction to the customer's message.
    let inbound = customer.send(app.business_number(), json!({"type": "text", "text": {"body": "question"}})).await;
    let id =
        send_ok(&app, json!({"type": "text", "text": {"body": "answer"}, "context": {"message_id": inbound}})).await;
    let m = device.next_message().await;
    assert_eq!((m["id"].as_str(), m["context"]["id"].as_str()), (Some(id.as_str()), Some(inbound.as_str())));
    let reaction = send_ok(&app, json!({"type": "reaction", "reaction": {"message_id": inbound, "emoji": "👍"}})).await;
    let m = device.next_message().await;
    assert_eq!(m["reaction"], json!({"message_id": inbound, "emoji": "👍"}));

    // A reaction to a reaction, or to a message more than 30 days old, is accepted and not
    // delivered: a failed status with 131009 (Meta), and nothing reaches the device.
    let failed_with_131009 = |id: String| {
        let app = &app;
        async move {
            let s = app.queued_statuses().await.into_iter().filter(|s| s["id"] == id.as_str()).collect::<Vec<_>>();
            assert_eq!((s.len(), s[0]["status"].as_str()), (1, Some("failed")), "{s:?}");
            assert_eq!(s[0]["errors"][0]["code"], 131009, "{s:?}");
        }
    };
    let on_reaction =
        send_ok(&app, json!({"type": "reaction", "reaction": {"message_id": reaction, "emoji": "❤️"}})).await;
    failed_with_131009(on_reaction).await;
    let fresh = send_ok(&app, json!({"type": "text", "text": {"body": "anything else?"}})).await;
    assert_eq!(device.next_message().await["id"], fresh.as_str(), "the failed reaction never reached the device");
    app.advance_clock("31d").await;
    // (The customer's session ended meanwhile: they sign in again and write.)
    let customer = app.customer(&customer.wa_id, "Alice").await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "back again"}})).await;
    let on_old = send_ok(&app, json!({"type": "reaction", "reaction": {"message_id": inbound, "emoji": "😀"}})).await;
    failed_with_131009(on_old).await;
    app.stop().await;
}
engine_test!(every_outbound_type_reaches_the_device, super::every_outbound_type);

/// Replace ids and timestamps so shapes can be compared.
fn redact(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, val) in o.iter_mut() {
                if ["id", "timestamp", "phone_number_id", "sha256"].contains(&k.as_str()) && val.is_string() {
                    *val = json!("<redacted>");
                } else {
                    redact(val);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact),
        _ => {}
    }
}

async fn every_inbound_type(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer("16505551234", "Sheena Nelson").await;
    let to = app.business_number().to_string();
    let first = c.send(&to, json!({"type": "text", "text": {"body": "Hi"}})).await;
    let biz = send_ok(
        &app,
        json!({"to": "16505551234", "type": "interactive", "interactive": {"type": "button", "body": {"text": "?"},
        "action": {"buttons": [{"type": "reply", "reply": {"id": "b1", "title": "Yes"}}]}}}),
    )
    .await;
    let media = c.upload("image/jpeg", b"\xFF\xD8\xFF jpeg bytes".to_vec()).await;
    c.send(&to, json!({"type": "image", "image": {"media_id": media, "caption": "look"}})).await;
    c.send(&to, json!({"type": "location", "location": {"latitude": 1.5, "longitude": 2.5, "name": "Home", "address": "Street"}})).await;
    c.send(&to, json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Bob", "first_name": "Bob"}, "phones": [{"phone": "+1 555 0100", "type": "HOME"}]}]})).await;
    c.send(&to, json!({"type": "reaction", "reaction": {"message_id": biz, "emoji": "❤️"}})).await;
    c.send(&to, json!({"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": "b1", "title": "Yes"}}, "context": {"id": biz}})).await;
    c.send(&to, json!({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {"id": "r1", "title": "Pizza", "description": "Cheesy"}}, "context": {"id": biz}})).await;
    c.send(
        &to,
        json!({"type": "button", "button": {"payload": "STOP", "text": "Stop promos"}, "context": {"id": biz}}),
    )
    .await;
    c.send(&to, json!({"type": "text", "text": {"body": "reply"}, "context": {"id": biz}})).await;

    let values = app.queued_inbound().await;
    assert_eq!(values.len(), 9);
    let mut first_value = values[0].clone();
    assert_eq!(first_value["messages"][0]["id"], first.as_str());
    // The customer's business-scoped user id: random, the same in `contacts` and `from_user_id`.
    let user_id = first_value["contacts"][0]["user_id"].as_str().unwrap().to_string();
    assert!(risala_core::inbound::is_business_scoped_user_id(&user_id) && user_id.starts_with("US."), "{user_id}");
    redact(&mut first_value);
    // Meta's text example (spec: webhook example "text message"), ids and times redacted.
    assert_eq!(
        first_value,
        json!({"messaging_product": "whatsapp",
               "metadata": {"display_phone_number": "15550100001", "phone_number_id": "<redacted>"},
               "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234", "user_id": user_id}],
               "messages": [{"from": "16505551234", "from_user_id": user_id, "id": "<redacted>", "timestamp": "<redacted>", "type": "text", "text": {"body": "Hi"}}]})
    );
    let msgs: Vec<Value> = values.iter().map(|v| v["messages"][0].clone()).collect();
    for m in &msgs {
        assert!(m["timestamp"].as_str().unwrap().parse::<i64>().is_ok(), "timestamps are strings of seconds");
        assert_eq!(m["from"], "16505551234");
    }
    let image = &msgs[1]["image"];
    assert_eq!(image["mime_type"], "image/jpeg");
    assert_eq!(image["caption"], "look");
    assert!(image["sha256"].is_string());
    // The business can download the customer's image with its own token.
    let img_id = image["id"].as_str().unwrap();
    let (s, info) = app.get(&format!("/v23.0/{img_id}")).await;
    assert_eq!(s, 200, "{info}");
    let bytes = app.client.get(info["url"].as_str().unwrap()).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    assert_eq!(bytes.status(), 200);
    assert_eq!(bytes.bytes().await.unwrap().as_ref(), b"\xFF\xD8\xFF jpeg bytes");
    // The webhook carries the download URL too (Meta does since November 2025): on the
    // server's own address, the bytes with the token, nothing without it.
    let url = image["url"].as_str().unwrap_or_else(|| panic!("an inbound image's webhook has its url: {image}"));
    assert!(url.starts_with(&format!("{}/media-download/{img_id}?", app.base)), "{url}");
    let bytes = app.client.get(url).bearer_auth(DEMO_TOKEN).send().await.unwrap();
    assert_eq!(bytes.status(), 200);
    assert_eq!(bytes.bytes().await.unwrap().as_ref(), b"\xFF\xD8\xFF jpeg bytes");
    assert_eq!(app.client.get(url).send().await.unwrap().status(), 400, "no token, no bytes");

    assert_eq!(msgs[2]["location"], json!({"latitude": 1.5, "longitude": 2.5, "name": "Home", "address": "Street"}));
    assert_eq!(msgs[3]["contacts"][0]["name"]["formatted_name"], "Bob");
    assert_eq!(msgs[4]["reaction"], json!({"message_id": biz, "emoji": "❤️"}));
    assert_eq!(msgs[5]["interactive"], json!({"type": "button_reply", "button_reply": {"id": "b1", "title": "Yes"}}));
    assert_eq!(msgs[5]["context"], json!({"from": "15550100001", "id": biz}));
    assert_eq!(msgs[6]["interactive"]["list_reply"], json!({"id": "r1", "title": "Pizza", "description": "Cheesy"}));
    assert_eq!(msgs[7]["button"], json!({"payload": "STOP", "text": "Stop promos"}));
    assert_eq!(msgs[7]["type"], "button");
    assert_eq!(msgs[8]["context"]["id"], biz.as_str());

    // Bad customer input: Graph errors with the right codes.
    let (s, v) = c.post("/customer/v1/messages", &json!({"to": to, "type": "text", "text": {}})).await;
    assert_graph_error(&(s, v), 400, 131008);
    let (s, v) = c.post("/customer/v1/messages", &json!({"to": to, "type": "hologram"})).await;
    assert_graph_error(&(s, v), 400, 131051);
    let (s, v) =
        c.post("/customer/v1/messages", &json!({"to": "15559999999", "type": "text", "text": {"body": "x"}})).await;
    assert_graph_error(&(s, v), 400, 131026);
    let (s, v) = app.get_as("/customer/v1/chats", None).await;
    assert_graph_error(&(s, v), 400, 104);
    let (s, v) = app.get_as("/customer/v1/chats", Some("cs_wrong")).await;
    assert_graph_error(&(s, v), 401, 190);

    // A reply or a reaction points at a message of the customer's own chat: another
    // customer's message is as unknown as a made-up id (131009), and nothing reaches the hook.
    let eve = app.customer("16505550000", "Eve").await;
    for body in [
        json!({"to": to, "type": "text", "text": {"body": "q"}, "context": {"id": biz}}),
        json!({"to": to, "type": "reaction", "reaction": {"message_id": biz, "emoji": "👍"}}),
        json!({"to": to, "type": "text", "text": {"body": "q"}, "context": {"id": "wamid.made-up"}}),
    ] {
        let e = assert_graph_error(&eve.post("/customer/v1/messages", &body).await, 400, 131009);
        assert!(e["error_data"]["details"].as_str().unwrap().contains("no message"), "{e}");
    }
    // A referral's links are web addresses: the inbox links them.
    for (field, url) in [("source_url", "javascript:alert(1)"), ("image_url", "data:text/html,x")] {
        let mut referral = json!({"source_url": "https://fb.me/ad1", "source_id": "1", "source_type": "post",
                                  "media_type": "image", "image_url": "https://fb.me/a.jpg"});
        referral[field] = json!(url);
        let body = json!({"to": to, "type": "text", "text": {"body": "from ad"}, "referral": referral});
        let e = assert_graph_error(&eve.post("/customer/v1/messages", &body).await, 400, 131009);
        assert!(e["error_data"]["details"].as_str().unwrap().contains(field), "{e}");
    }
    assert_eq!(app.queued_inbound().await.len(), 9, "no refused message reached the webhook");
    app.stop().await;
}
engine_test!(every_inbound_type_becomes_a_webhook, super::every_inbound_type);

async fn status_lifecycle(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer(CUSTOMER, "Alice").await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let id =
        send_ok(&app, json!({"type": "text", "text": {"body": "one"}, "biz_opaque_callback_data": "order-7"})).await;
    // Offline: nothing delivered yet; the device gets it on connect.
    let mut device = c.connect().await;
    let m = device.next_message().await;
    assert_eq!(m["id"], id.as_str());
    device.send(json!({"action": "ack", "id": id, "status": "delivered"})).await;
    eventually("the device's delivered ack recorded", Duration::from_secs(10), async || {
        app.queued_statuses().await.iter().any(|s| s["id"] == id.as_str() && s["status"] == "delivered")
    })
    .await
    .unwrap();
    let (s, v) = c.ack(&id, "read").await;
    assert_eq!((s, v["changed"].as_bool()), (200, Some(true)));
    let (_, v) = c.ack(&id, "read").await;
    assert_eq!(v["changed"], false, "a second read changes nothing");
    let (_, v) = c.ack(&id, "delivered").await;
    assert_eq!(v["changed"], false, "statuses never go back");

    let statuses: Vec<Value> = app.queued_statuses().await.into_iter().filter(|s| s["id"] == id.as_str()).collect();
    let names: Vec<_> = statuses.iter().map(|s| s["status"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["sent", "delivered", "read"]);
    for s in &statuses {
        assert_eq!(s["recipient_id"], CUSTOMER);
        assert_eq!(s["biz_opaque_callback_data"], "order-7");
        assert!(s["timestamp"].is_string());
    }
    assert_eq!(statuses[0]["pricing"]["category"], "service");

    // A message that is not yours cannot be acknowledged.
    let other = app.customer("15550002222", "Bob").await;
    assert_graph_error(&other.ack(&id, "read").await, 400, 131009);
    assert_graph_error(&c.ack(&id, "played").await, 400, 131009);

    // A read straight from sent reports delivered first.
    let id2 = send_ok(&app, json!({"type": "text", "text": {"body": "two"}})).await;
    c.ack(&id2, "read").await;
    assert_eq!(status_names(&app, &id2).await, ["sent", "delivered", "read"]);
    app.stop().await;
}
engine_test!(statuses_sent_delivered_read, super::status_lifecycle);

/// The statuses queued for message `id`, oldest first.
async fn status_names(app: &TestApp, id: &str) -> Vec<String> {
    let statuses = app.queued_statuses().await.into_iter().filter(|s| s["id"] == id);
    statuses.map(|s| s["status"].as_str().unwrap().to_string()).collect()
}

/// `audio.voice: true` sends a voice message: the device sees it as one, and playing it reports
/// `played` (after the delivered and read it skipped); only a voice message can be played.
async fn voice_messages(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer(CUSTOMER, "Alice").await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let ogg = app.upload("audio/ogg", b"OggS\0\x02voice note").await;
    let voice = send_ok(&app, json!({"type": "audio", "audio": {"id": ogg, "voice": true}})).await;
    let plain = send_ok(&app, json!({"type": "audio", "audio": {"id": ogg, "voice": false}})).await;
    let mut device = c.connect().await;
    let m = device.next_message().await;
    assert_eq!((m["id"].as_str(), &m["audio"]["voice"]), (Some(voice.as_str()), &json!(true)), "{m}");
    let m = device.next_message().await;
    assert_eq!(m["id"], plain.as_str());
    assert!(m["audio"].get("voice").is_none(), "voice: false is a plain audio file: {m}");
    // Not a boolean: 100, as any field of the wrong type.
    let r = send(
        &app,
        json!({"messaging_product": "whatsapp", "to": CUSTOMER, "type": "audio", "audio": {"id": ogg, "voice": "yes"}}),
    )
    .await;
    assert_graph_error(&r, 400, 100);

    let (s, v) = c.ack(&voice, "played").await;
    assert_eq!((s, v["changed"].as_bool()), (200, Some(true)), "{v}");
    assert_eq!(c.ack(&voice, "played").await.1["changed"], false, "played once");
    assert_eq!(c.ack(&voice, "read").await.1["changed"], false, "nothing goes back from played");
    assert_graph_error(&c.ack(&plain, "played").await, 400, 131009);
    assert_eq!(status_names(&app, &voice).await, ["sent", "delivered", "read", "played"]);
    app.stop().await;
}
engine_test!(voice_messages_are_played, super::voice_messages);

/// A device that connects while messages are being sent gets each message once: one committed
/// between the connection's registration and its backlog comes both ways, and the server
/// sends only one. Many rounds, so the sends land in that gap.
async fn connect_while_sending(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer(CUSTOMER, "Alice").await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    for round in 0..20 {
        let body = |i| json!({"type": "text", "text": {"body": format!("round {round} message {i}")}});
        let (mut device, ids) =
            tokio::join!(c.connect(), futures_util::future::join_all((0..4).map(|i| send_ok(&app, body(i)))));
        let mut got = Vec::new();
        while got.len() < ids.len() {
            let m = device.next_message().await;
            got.push(m["id"].as_str().unwrap().to_string());
        }
        // Nothing more: no second copy.
        let fence = device.frames_before_reply().await;
        let extra = device.next_within(Duration::from_millis(200)).await;
        assert!(fence.is_empty() && extra.is_none(), "round {round}: {got:?} then {fence:?} {extra:?}");
        got.sort();
        let mut want = ids.clone();
        want.sort();
        assert_eq!(got, want, "round {round}");
        for id in &ids {
            c.ack(id, "delivered").await;
        }
    }
    app.stop().await;
}
engine_test!(a_device_connecting_during_sends_gets_each_message_once, super::connect_while_sending);

async fn window(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer(CUSTOMER, "Alice").await;
    // Never wrote: no window, the message fails with 131047 after a 200.
    let id = send_ok(&app, json!({"type": "text", "text": {"body": "cold"}})).await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let ok = send_ok(&app, json!({"type": "text", "text": {"body": "warm"}})).await;
    // 25 hours later, through the sandbox clock's HTTP endpoint.
    let (s, v) = app.post("/sandbox/v1/clock/advance", &json!({"by": "25h"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["offset_ms"], 25 * 3_600_000);
    let late = send_ok(&app, json!({"type": "text", "text": {"body": "late"}})).await;
    let statuses = app.queued_statuses().await;
    let find = |id: &str| statuses.iter().filter(|s| s["id"] == id).cloned().collect::<Vec<_>>();
    for failed in [&id, &late] {
        let s = find(failed);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0]["status"], "failed");
        assert_eq!(s[0]["errors"][0]["code"], 131047);
        assert!(s[0]["errors"][0]["error_data"]["details"].is_string());
    }
    assert_eq!(find(&ok)[0]["status"], "sent");
    // The device only ever receives the message that was sent.
    let mut device = c.connect().await;
    assert_eq!(device.next_message().await["id"], ok.as_str());
    assert!(device.frames_before_reply().await.is_empty(), "nothing else was waiting for the device");
    let (_, chats) = c.get("/customer/v1/chats").await;
    assert_eq!(chats["data"][0]["customer_service_window"]["open"], false);
    let (s, _) = app.post("/sandbox/v1/clock/advance", &json!({"by": "soon"})).await;
    assert_eq!(s, 400);
    app.stop().await;
}
engine_test!(window_expiry_gives_131047, super::window);

/// The chat list and the conversations read show the time of the last message, inbound or
/// outbound (outbound messages do not rewrite the conversation row).
async fn last_message_time(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer(CUSTOMER, "Alice").await;
    c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let wrote_at = app.state.clock.now_ms();
    let (s, v) = app.post("/sandbox/v1/clock/advance", &json!({"by": "1h"})).await;
    assert_eq!(s, 200, "{v}");
    let (_, chats) = c.get("/customer/v1/chats").await;
    let at = chats["data"][0]["last_message_at"].as_i64().unwrap();
    assert!((wrote_at - 1000..=wrote_at).contains(&at), "{chats}");
    send_ok(&app, json!({"type": "text", "text": {"body": "an hour later"}})).await;
    let answered_at = app.state.clock.now_ms();
    let (_, chats) = c.get("/customer/v1/chats").await;
    let at = chats["data"][0]["last_message_at"].as_i64().unwrap();
    assert!((answered_at - 1000..=answered_at).contains(&at), "{chats}");
    let (s, v) = app.get(&format!("/v23.0/{}/conversations?wa_id={CUSTOMER}", app.phone_number_id())).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"][0]["last_message_at"], at, "{v}");
    app.stop().await;
}
engine_test!(chats_show_the_last_message_time, super::last_message_time);

async fn read_and_typing(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let c = app.customer(CUSTOMER, "Alice").await;
    let mut device = c.connect().await;
    let inbound = c.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let (s, v) = send(
        &app,
        json!({"messaging_product": "whatsapp", "status": "read", "message_id": inbound, "typing_indicator": {"type": "text"}}),
    )
    .await;
    assert_eq!((s, v), (200, json!({"success": true})));
    let f = device.next().await;
    assert_eq!(f, json!({"event": "read", "id": inbound, "from": app.business_number()}));
    let f = device.next().await;
    assert_eq!(f, json!({"event": "typing", "from": app.business_number()}));
    // Reading a message reads the customer's earlier ones too (Meta), oldest first, and
    // nothing before the last one read.
    let earlier: Vec<String> = [
        c.send(app.business_number(), json!({"type": "text", "text": {"body": "are you there?"}})).await,
        c.send(app.business_number(), json!({"type": "image", "image": {"media_id": c.upload("image/png", b"\x89PNG\r\n\x1a\n photo".to_vec()).await}})).await,
    ]
    .into();
    let answer = send_ok(&app, json!({"type": "text", "text": {"body": "yes"}})).await;
    let last = c.send(app.business_number(), json!({"type": "text", "text": {"body": "great"}})).await;
    let r = send(&app, json!({"messaging_product": "whatsapp", "status": "read", "message_id": last})).await;
    assert_eq!(r, (200, json!({"success": true})));
    let mut read = Vec::new();
    while read.len() < 3 {
        let f = device.next().await;
        if f["event"] == "read" {
            read.push(f["id"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(read, [earlier[0].as_str(), earlier[1].as_str(), last.as_str()]);
    let (_, h) = c.get(&format!("/customer/v1/chats/{}/messages", app.business_number())).await;
    for m in h["data"].as_array().unwrap().iter().filter(|m| m["id"] != answer.as_str()) {
        assert_eq!(m["status"], "read", "{m}");
    }
    // Only inbound messages can be marked read.
    let out = send_ok(&app, json!({"type": "text", "text": {"body": "x"}})).await;
    let r = send(&app, json!({"messaging_product": "whatsapp", "status": "read", "message_id": out})).await;
    assert_graph_error(&r, 400, 131009);
    let r = send(&app, json!({"messaging_product": "whatsapp", "status": "read"})).await;
    assert_graph_error(&r, 400, 131008);
    app.stop().await;
}
engine_test!(mark_read_and_typing_reach_the_device, super::read_and_typing);

async fn unknown_customers(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    config.auto_create_customers = false;
    let app = TestApp::start_with(config).await.unwrap();
    let id = send_ok(&app, json!({"to": "15557776666", "type": "text", "text": {"body": "hello?"}})).await;
    let s = app.queued_statuses().await;
    assert_eq!(s.len(), 1);
    assert_eq!((s[0]["id"].as_str(), s[0]["status"].as_str()), (Some(id.as_str()), Some("failed")));
    assert_eq!(s[0]["errors"][0]["code"], 131026);
    app.stop().await;
}
engine_test!(unknown_customer_is_131026_when_auto_create_is_off, super::unknown_customers);

async fn platform_sign_in(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let mut config = db.config();
    config.mode = risala_server::Mode::Platform;
    let app = TestApp::start_with(config).await.unwrap();
    // Platform mode: the phone number alone is not enough.
    let r = app.post_as("/customer/v1/session", &json!({"phone": "+44 7700 900123"}), None).await;
    assert_graph_error(&r, 400, 131008);
    let (s, v) = app.post_as("/customer/v1/session/code", &json!({"phone": "+447700900123"}), None).await;
    assert_eq!((s, v), (200, json!({"sent": true})));
    let r = app.post_as("/customer/v1/session", &json!({"phone": "+447700900123", "code": "000000x"}), None).await;
    assert_graph_error(&r, 403, 131005);
    // The code went to the operator's file; tests set a known one instead.
    let hash = app.state.customers.code_hash("447700900123", "424242");
    app.state.store.set_customer_code("447700900123", &hash, app.state.clock.now_ms() + 60_000).await.unwrap();
    let (s, v) = app
        .post_as("/customer/v1/session", &json!({"phone": "+447700900123", "code": "424242", "name": "Ann"}), None)
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["wa_id"], "447700900123");
    // A code works once.
    let r = app.post_as("/customer/v1/session", &json!({"phone": "+447700900123", "code": "424242"}), None).await;
    assert_graph_error(&r, 403, 131005);
    // The sandbox API is closed in platform mode.
    assert_graph_error(&app.post("/sandbox/v1/clock/advance", &json!({"by": "1h"})).await, 403, 10);
    app.stop().await;
}
engine_test!(platform_mode_signs_customers_in_with_a_code, super::platform_sign_in);
