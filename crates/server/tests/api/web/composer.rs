//! The composer over HTTP: answering inside the window (text, a reply, a reaction, an
//! attachment), 131047 shown after it closes, a template with its preview; every message from
//! the app echoed as `smb_message_echoes` (and none for API sends); the actions' refusals
//! (no session, no CSRF token, another origin, another business's chat).

use risala_core::model::{Permission, Role};
use risala_core::tenancy::NewPhoneNumber;
use risala_testkit::{engine_test, text_message, Engine, TestApp};
use serde_json::{json, Value};

use super::{app, Page, Web};

const CUSTOMER: &str = "15550001111";

fn chat(app: &TestApp) -> String {
    format!("/app/chats/{}/{CUSTOMER}", app.phone_number_id())
}

/// A UTILITY template with a header variable, two body variables and a URL button variable.
pub async fn order_template(app: &TestApp) -> String {
    let t = json!({"name": "order_ready", "language": "en_US", "category": "UTILITY", "components": [
        {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["#1042"]}},
        {"type": "BODY", "text": "Hello {{1}}, your order is ready for pickup at {{2}}.",
         "example": {"body_text": [["Ann", "5 pm"]]}},
        {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Track", "url": "https://shop.example/t/{{1}}",
         "example": ["https://shop.example/t/1042"]}]}]});
    let (s, v) = app.post(&format!("/v23.0/{}/message_templates", app.waba_id()), &t).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("APPROVED")), "{v}");
    v["id"].as_str().unwrap().to_string()
}

/// The `smb_message_echoes` values queued, in order.
pub async fn echoes(app: &TestApp) -> Vec<Value> {
    app.outbox().await.into_iter().filter(|(f, _)| f == "smb_message_echoes").map(|(_, v)| v).collect()
}

/// POST a multipart form with the session's cookie, from the server's own origin.
async fn post_file(web: &Web, path: &str, mime: &str, name: &str, bytes: &[u8], caption: &str) -> Page {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()).mime_str(mime).unwrap();
    let form = reqwest::multipart::Form::new().part("file", part).text("caption", caption.to_string());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = client
        .post(format!("{}{path}", web.base))
        .header("origin", &web.base)
        .header("cookie", format!("risala_session={}", web.cookie.as_deref().unwrap_or("")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    Page { status: resp.status().as_u16(), headers: resp.headers().clone(), body: resp.text().await.unwrap() }
}

pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

engine_test!(answering_over_http, super::answering);

async fn answering(engine: Engine) {
    let (_db, app) = app(engine).await;
    let template_id = order_template(&app).await;
    let customer = app.customer(CUSTOMER, "Layla Haddad").await;
    let asked =
        customer.send(app.business_number(), json!({"type": "text", "text": {"body": "Is my order ready?"}})).await;
    // An API send is not echoed.
    app.send_accepted(&text_message(CUSTOMER, "from the backend")).await;

    let where_ = json!({"type": "location", "location": {"latitude": 24.7, "longitude": 46.7, "name": "Olaya branch"}});
    customer.send(app.business_number(), where_).await;
    let mut web = Web::owner(&app).await;
    let page = web.get(&chat(&app)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("The 24-hour window is open until") && page.body.contains("id=\"compose-body\""));
    // The reply and reaction lists say what each message is, not its type.
    assert!(
        page.body.contains("Customer: \u{2068}📍 Olaya branch\u{2069}") && !page.body.contains("[location]"),
        "{}",
        page.body
    );
    // In Arabic, the customer's English question quoted in the list keeps its own direction
    // (its `?` at its end), set apart as the bubbles' `<bdi>` sets it.
    web.lang = "ar";
    let ar = web.get(&chat(&app)).await;
    assert!(ar.body.contains("العميل: \u{2068}Is my order ready?\u{2069}</option>"), "{}", ar.body);
    web.lang = "en";
    let csrf = page.csrf();
    let send = format!("{}/send", chat(&app));

    // A reply, then a reaction to the customer's message.
    let p = web.post(&send, &[("csrf", &csrf), ("body", "Yes, it is ready!"), ("reply_to", &asked)]).await;
    assert_eq!((p.status, p.location()), (303, format!("{}#composer", chat(&app)).as_str()), "{}", p.body);
    let p =
        web.post(&format!("{}/react", chat(&app)), &[("csrf", &csrf), ("message_id", &asked), ("emoji", "👍")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p =
        post_file(&web, &format!("{}/attach?csrf={csrf}", chat(&app)), "image/png", "receipt.png", PNG, "Your receipt")
            .await;
    assert_eq!(p.status, 303, "{}", p.body);
    // A file Meta does not accept is refused with its reason, on the page.
    let p = post_file(
        &web,
        &format!("{}/attach?csrf={csrf}", chat(&app)),
        "application/x-msdownload",
        "a.exe",
        b"MZ..",
        "",
    )
    .await;
    assert_eq!(p.status, 422, "{}", p.body);
    // A type WhatsApp does not carry: Meta's answer, naming the types it does.
    assert!(
        p.body.contains("(#100)") && p.body.contains("Received file of type 'application/x-msdownload'"),
        "{}",
        p.body
    );

    let echoes_now = echoes(&app).await;
    assert_eq!(echoes_now.len(), 3, "{echoes_now:?}");
    let (_, history) = customer.get(&format!("/customer/v1/chats/{}/messages", app.business_number())).await;
    let received: Vec<&Value> = history["data"].as_array().unwrap().iter().filter(|m| m["from"] != CUSTOMER).collect();
    let text = &echoes_now[0]["message_echoes"][0];
    let wamid = text["id"].as_str().unwrap();
    assert!(received.iter().any(|m| m["id"] == wamid), "the customer has the reply: {history}");
    assert_eq!(
        echoes_now[0],
        json!({"messaging_product": "whatsapp",
               "metadata": {"display_phone_number": app.business_number(), "phone_number_id": app.phone_number_id()},
               "message_echoes": [{"from": app.business_number(), "to": CUSTOMER, "id": wamid,
                                   "timestamp": text["timestamp"], "type": "text",
                                   "text": {"body": "Yes, it is ready!", "preview_url": false}}]})
    );
    assert!(text["timestamp"].as_str().unwrap().parse::<i64>().is_ok());
    let reply = app.state.store.message(wamid).await.unwrap().unwrap();
    assert_eq!(reply.context_id.as_deref(), Some(asked.as_str()), "sent as a reply");
    assert_eq!(echoes_now[1]["message_echoes"][0]["reaction"], json!({"message_id": asked, "emoji": "👍"}));
    let image = &echoes_now[2]["message_echoes"][0];
    assert_eq!((image["type"].as_str(), image["image"]["caption"].as_str()), (Some("image"), Some("Your receipt")));
    // The echo names the business's own media, which its backend can download.
    let (s, _) = app.get(&format!("/v23.0/{}", image["image"]["id"].as_str().unwrap())).await;
    assert_eq!(s, 200);

    // After 25 hours free text fails with Meta's reason; the page shows only templates.
    app.advance_clock("25h").await;
    let page = web.get(&chat(&app)).await;
    assert!(page.body.contains("more than 24 hours ago") && !page.body.contains("id=\"compose-body\""));
    assert!(page.body.contains(&format!("templates/{template_id}")), "the picker lists the template");
    let p = web.post(&send, &[("csrf", &csrf), ("body", "Still there?")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("(#131047) Re-engagement message"), "{}", p.body);

    // The template: its form, a preview from the script, the send.
    let tpl = format!("{}/templates/{template_id}", chat(&app));
    let page = web.get(&tpl).await;
    assert_eq!(page.status, 200);
    for field in ["header.1", "body.1", "body.2", "button.0"] {
        assert!(page.body.contains(&format!("name=\"{field}\"")), "a field {field}: {}", page.body);
    }
    assert!(page.body.contains("Hello {{1}}, your order is ready for pickup at {{2}}."), "the empty preview");
    let base = app.base.clone();
    let p =
        web.post_from(&format!("{tpl}/preview"), &[("body.1", "Layla"), ("header.1", "#7")], &base, Some(&csrf)).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Hello Layla, your order is ready for pickup at {{2}}.") && p.body.contains("Order #7"));
    assert!(!p.body.contains("<html"), "the preview alone: {}", p.body);
    let values =
        [("csrf", csrf.as_str()), ("header.1", "#7"), ("body.1", "Layla"), ("body.2", "6 pm"), ("button.0", "7")];
    let p = web.post(&tpl, &values).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let echoes_now = echoes(&app).await;
    assert_eq!(echoes_now.len(), 5, "the failed text is echoed too, then the template");
    let t = &echoes_now[4]["message_echoes"][0];
    assert_eq!((t["type"].as_str(), t["template"]["name"].as_str()), (Some("template"), Some("order_ready")));
    let m = app.state.store.message(t["id"].as_str().unwrap()).await.unwrap().unwrap();
    assert_eq!(m.content["body"], "Hello Layla, your order is ready for pickup at 6 pm.");
    assert_eq!(m.status.as_str(), "sent");
    // A missing value is refused with the renderer's reason, and the form comes back filled.
    let p =
        web.post(&tpl, &[("csrf", csrf.as_str()), ("header.1", "#8"), ("body.1", "Layla"), ("button.0", "8")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("(#1") && p.body.contains("value=\"#8\""), "{}", p.body);
}

const ACTIONS: &[&str] = &["send", "react", "read", "typing", "templates/123", "templates/123/preview", "attach"];

#[tokio::test]
async fn composer_actions_need_a_session_and_the_csrf_token() {
    let (_db, app) = app(Engine::Sqlite).await;
    let customer = app.customer(CUSTOMER, "Layla").await;
    customer.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let mut anon = Web::new(&app);
    for a in ACTIONS {
        let p = anon.post(&format!("{}/{a}", chat(&app)), &[("csrf", "x"), ("body", "hi")]).await;
        assert_eq!(p.status, 401, "POST {a} without a session");
    }
    let p = anon.get(&format!("{}/templates/123", chat(&app))).await;
    assert_eq!((p.status, p.location()), (303, "/app/sign-in"));

    let mut web = Web::owner(&app).await;
    let csrf = web.get(&chat(&app)).await.csrf();
    for a in ACTIONS {
        let path = format!("{}/{a}", chat(&app));
        let p = web.post(&path, &[("body", "hi"), ("message_id", "x"), ("emoji", "👍")]).await;
        assert_eq!(p.status, 403, "POST {a} without the token");
        let p = web.post_from(&path, &[("csrf", &csrf), ("body", "hi")], "http://evil.example", None).await;
        assert_eq!(p.status, 403, "POST {a} from another origin");
    }
    // The attachment's token is in its action's query.
    let p = post_file(&web, &format!("{}/attach", chat(&app)), "image/png", "a.png", PNG, "").await;
    assert_eq!(p.status, 403);
    let p =
        post_file(&web, &format!("{}/attach?csrf={}", chat(&app), "0".repeat(64)), "image/png", "a.png", PNG, "").await;
    assert_eq!(p.status, 403);
    assert!(echoes(&app).await.is_empty(), "nothing was sent");
    // With the token a script's read receipt is a 204.
    let base = app.base.clone();
    let p = web.post_from(&format!("{}/read", chat(&app)), &[], &base, Some(&csrf)).await;
    assert_eq!(p.status, 204);
}

engine_test!(another_business_chat_cannot_be_answered, super::another_business);

/// A's owner, with a valid session and token, cannot answer B's chat, read it, or use B's
/// template in A's chat.
async fn another_business(engine: Engine) {
    let (_db, app) = app(engine).await;
    let tenancy = &app.state.tenancy;
    let b = tenancy.create_business("Other Shop").await.unwrap();
    let waba = tenancy.create_waba(&b.id, "Other WABA").await.unwrap();
    let phone = tenancy
        .create_phone_number(NewPhoneNumber {
            waba_id: &waba.id,
            number: "15550109999",
            verified_name: "Other",
            account_mode: "SANDBOX",
        })
        .await
        .unwrap();
    let (_, token) = tenancy.create_token(&b.id, "b", &Permission::ALL, None).await.unwrap();
    let b_customer = app.customer("15550002222", "Bo").await;
    b_customer.send("15550109999", json!({"type": "text", "text": {"body": "secret of B"}})).await;
    let t = json!({"name": "b_note", "language": "en_US", "category": "UTILITY",
                   "components": [{"type": "BODY", "text": "Note from B"}]});
    let (s, v) = app.post_as(&format!("/v23.0/{}/message_templates", waba.id), &t, Some(&token)).await;
    assert_eq!(s, 200, "{v}");
    let b_template = v["id"].as_str().unwrap().to_string();
    app.state
        .accounts
        .create_user(&app.demo.ids.business_id, "agent@demo.test", "Agent", "agent-password-1", Role::Agent)
        .await
        .unwrap();
    app.customer(CUSTOMER, "Layla")
        .await
        .send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}}))
        .await;

    let mut a = Web::signed_in(&app, "agent@demo.test", "agent-password-1").await;
    let csrf = a.get(&chat(&app)).await.csrf();
    let b_chat = format!("/app/chats/{}/15550002222", phone.id);
    let before = app.outbox().await.len();
    for (path, form) in [
        (format!("{b_chat}/send"), vec![("csrf", csrf.as_str()), ("body", "hello B")]),
        (format!("{b_chat}/react"), vec![("csrf", csrf.as_str()), ("message_id", "x"), ("emoji", "👍")]),
        (format!("{b_chat}/read"), vec![("csrf", csrf.as_str())]),
        (format!("{b_chat}/templates/{b_template}"), vec![("csrf", csrf.as_str())]),
        (format!("{}/templates/{b_template}", chat(&app)), vec![("csrf", csrf.as_str())]),
    ] {
        let p = a.post(&path, &form).await;
        assert_eq!(p.status, 404, "POST {path}: {}", p.body);
        assert!(!p.body.contains("secret of B") && !p.body.contains("Note from B"));
    }
    let p = post_file(&a, &format!("{b_chat}/attach?csrf={csrf}"), "image/png", "a.png", PNG, "").await;
    assert_eq!(p.status, 404);
    assert_eq!(a.get(&format!("{b_chat}/templates/{b_template}")).await.status, 404);
    assert_eq!(app.outbox().await.len(), before, "nothing was sent or queued");
    // B's template is not offered in A's chat.
    assert!(!a.get(&chat(&app)).await.body.contains("b_note"));
}
