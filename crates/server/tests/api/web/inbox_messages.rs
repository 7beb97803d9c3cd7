//! A conversation shows every message type as a person expects: images inline and documents
//! to download through `/app/media/{id}` (the business's media only), locations with a map
//! link, contact cards, interactive buttons and lists, templates rendered, reactions under
//! their message, replies quoting it, ticks, and failed messages with Meta's reason. A long
//! chat shows its latest messages and pages back to the first.

use risala_testkit::{engine_test, template_message, Engine};
use serde_json::json;

use super::inbox::chat_path;
use super::{app, Web};

const ALICE: &str = "15550001111";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

engine_test!(every_message_type_is_shown, super::every_type);

async fn every_type(engine: Engine) {
    let (_db, app) = app(engine).await;
    let send_path = format!("/v23.0/{}/messages", app.phone_number_id());
    let send = |body: serde_json::Value| {
        let (app, path) = (&app, send_path.clone());
        async move {
            let mut body = body;
            body["messaging_product"] = json!("whatsapp");
            if body.get("to").is_none() {
                body["to"] = json!(ALICE);
            }
            let (s, v) = app.post(&path, &body).await;
            assert_eq!(s, 200, "{body}: {v}");
            v["messages"][0]["id"].as_str().unwrap().to_string()
        }
    };
    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();
    let img = alice.upload("image/png", PNG.to_vec()).await;
    let photo = alice.send(&num, json!({"type": "image", "image": {"media_id": img, "caption": "my receipt"}})).await;
    alice
        .send(
            &num,
            json!({"type": "location", "location": {"latitude": 24.7136, "longitude": 46.6753,
            "name": "Riyadh office", "address": "King Fahd Rd"}}),
        )
        .await;
    alice
        .send(
            &num,
            json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Omar Said", "first_name": "Omar"},
            "phones": [{"phone": "+15550009999", "type": "CELL"}]}]}),
        )
        .await;

    let (s, v) = risala_testkit::json_response(
        app.upload_request("application/pdf", "invoice.pdf", b"%PDF-1.4 invoice".to_vec()).await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let doc = v["id"].as_str().unwrap().to_string();
    let invoice = send(
        json!({"type": "document", "document": {"id": doc, "filename": "invoice.pdf", "caption": "Your invoice"}}),
    )
    .await;
    send(json!({"type": "interactive", "interactive": {"type": "button", "body": {"text": "Pick a slot"},
        "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "Morning"}},
                               {"type": "reply", "reply": {"id": "b", "title": "Evening"}}]}}}))
    .await;
    send(json!({"type": "interactive", "interactive": {"type": "list", "body": {"text": "Our menu"},
        "action": {"button": "See menu", "sections": [{"title": "Drinks", "rows": [{"id": "t", "title": "Tea", "description": "Mint tea"}]}]}}}))
    .await;
    send(json!({"type": "text", "context": {"message_id": photo}, "text": {"body": "Got your receipt"}})).await;
    send(json!({"type": "text", "text": {"body": "*Ready* at www.shop.example/t/7"}})).await;
    let ogg = app.upload("audio/ogg", b"OggS\0\x02voice").await;
    send(json!({"type": "audio", "audio": {"id": ogg, "voice": true}})).await;
    send(json!({"type": "reaction", "reaction": {"message_id": photo, "emoji": "👍"}})).await;
    app.create_approved_templates(&[("order_ready", "UTILITY", "Hello {{1}}, your order is ready.")]).await;
    let (s, v) = app.post(&send_path, &template_message(ALICE, "order_ready", "Alice")).await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = alice.ack(&invoice, "read").await;
    assert_eq!(s, 200);

    let mut owner = Web::owner(&app).await;
    let page = owner.get(&chat_path(&app, ALICE)).await.body;
    // The business's copy of the customer's photo.
    let copy = page.split(r#"<img class="media" src="/app/media/"#).nth(1).expect("the photo inline");
    let copy = copy.split('"').next().unwrap().to_string();
    assert_ne!(copy, img);
    for want in [
        format!(r#"<img class="media" src="/app/media/{copy}" alt="my receipt""#),
        "Riyadh office".into(),
        "https://www.openstreetmap.org/?mlat=24.7136&amp;mlon=46.6753".into(),
        "Omar Said".into(),
        "+15550009999".into(),
        r#"download="invoice.pdf""#.into(),
        "Your invoice".into(),
        r#"<span class="btn">Morning</span><span class="btn">Evening</span>"#.into(),
        "See menu".into(),
        "Mint tea".into(),
        format!(r##"<a class="quote" dir="auto" href="#m-{photo}""##),
        r#"<span class="reactions"><span>👍</span></span>"#.into(),
        "Hello Alice, your order is ready.".into(),
        // WhatsApp's formatting and a clickable link, as the customer sees them.
        r#"<strong>Ready</strong> at <a href="https://www.shop.example/t/7" target="_blank""#.into(),
        r#"<span class="voice">🎤 Voice message</span><audio controls preload="none""#.into(),
        "order_ready".into(),
        r#"data-status="read""#.into(),
        r#"data-status="sent""#.into(),
    ] {
        assert!(page.contains(&want), "{want} in {page}");
    }
    assert_eq!(page.matches(r#"data-kind="reaction""#).count(), 0, "the reaction sits under its message");
    let media = owner.get(&format!("/app/media/{copy}")).await;
    assert_eq!((media.status, media.headers["content-type"].to_str().unwrap()), (200, "image/png"));
    assert_eq!(media.headers["content-length"].to_str().unwrap(), PNG.len().to_string());

    // A failed message shows Meta's reason: Bob never wrote, so the window is closed.
    let bob = app.customer("15550002222", "Bob").await;
    let (s, v) = app.post(&send_path, &risala_testkit::text_message(&bob.wa_id, "hello?")).await;
    assert_eq!(s, 200, "{v}");
    let page = owner.get(&chat_path(&app, &bob.wa_id)).await.body;
    assert!(page.contains(r#"data-status="failed""#) && page.contains("(131047)"), "{page}");
    // The list shows the last message's own state too: a warning, not a tick.
    let list = page.split(r#"id="chat-list""#).nth(1).unwrap().split("</ul>").next().unwrap();
    let bob_row = list.split("<li").find(|li| li.contains("hello?")).expect("Bob's row");
    assert!(bob_row.contains(r#"data-status="failed""#) && !bob_row.contains('✓'), "{bob_row}");

    // Another business's owner gets none of it.
    let b = app.state.tenancy.create_business("Other Shop").await.unwrap();
    let accounts = &app.state.accounts;
    accounts
        .create_user(&b.id, "owner@b.example", "B", "owner-b-password", risala_core::model::Role::Owner)
        .await
        .unwrap();
    let mut other = Web::signed_in(&app, "owner@b.example", "owner-b-password").await;
    assert_eq!(other.get(&format!("/app/media/{copy}")).await.status, 404);
    assert_eq!(other.get(&format!("/app/media/{doc}")).await.status, 404);
}

engine_test!(a_long_chat_pages_back_to_its_first_message, super::long_chat);

/// 130 messages: the page shows the latest 100 and links to the 30 before them, which link
/// back to the latest and to nothing earlier; a cursor that is no seq names no page.
async fn long_chat(engine: Engine) {
    let (_db, app) = app(engine).await;
    let alice = app.customer(ALICE, "Alice").await;
    for i in 0..130 {
        alice.send(app.business_number(), json!({"type": "text", "text": {"body": format!("message m{i:03}.")}})).await;
    }
    let mut owner = Web::owner(&app).await;
    let chat = chat_path(&app, ALICE);
    let latest = owner.get(&format!("{chat}?state=open")).await;
    assert_eq!(latest.status, 200);
    // The messages in the thread (the list beside it, which comes first, quotes the last one).
    let shown = |body: &str| {
        let thread = &body[body.find("id=\"thread\"").expect("the thread")..];
        (0..130).filter(|i| thread.contains(&format!("m{i:03}."))).collect::<Vec<_>>()
    };
    assert_eq!(shown(&latest.body), (30..130).collect::<Vec<_>>());
    assert!(!latest.body.contains("Latest messages"), "the latest page links to no later one");
    let at = latest.body.find("Earlier messages").expect("a link to the earlier messages");
    let href = latest.body[..at].rsplit("href=\"").next().unwrap().split('"').next().unwrap().replace("&amp;", "&");
    assert!(href.starts_with(&format!("{chat}?state=open&before=")), "{href}");

    let earlier = owner.get(&href).await;
    assert_eq!(earlier.status, 200);
    assert_eq!(shown(&earlier.body), (0..30).collect::<Vec<_>>());
    assert!(!earlier.body.contains("Earlier messages"), "nothing before the first message");
    assert!(earlier.body.contains(&format!("href=\"{chat}?state=open\"")), "a link back to the latest");

    assert_eq!(owner.get(&format!("{chat}?before=soon")).await.status, 404);
}

engine_test!(a_customers_page_or_script_never_runs_on_the_inbox, super::active_files);

/// A customer's HTML, SVG or script file reaches the inbox as a document to download: served
/// as bytes (`application/octet-stream`, `nosniff`, attachment, a CSP that runs nothing), so a
/// link to it in a chat can never run as a page or a script of the inbox's origin, on
/// `/app/media/{id}` or on the customer API's own download. A photo stays inline.
async fn active_files(engine: Engine) {
    let (_db, app) = app(engine).await;
    let alice = app.customer(ALICE, "Alice").await;
    let num = app.business_number().to_string();
    let mut owner = Web::owner(&app).await;
    let html = b"<script>window.top.__x = 1</script>".to_vec();
    for (mime, name) in [
        ("text/html", "invoice.html"),
        ("application/xhtml+xml", "invoice.xhtml"),
        ("application/javascript", "invoice.js"),
        ("text/xml", "invoice.xml"),
    ] {
        let id = alice.upload(mime, html.clone()).await;
        alice.send(&num, json!({"type": "document", "document": {"media_id": id, "filename": name}})).await;
        let page = owner.get(&chat_path(&app, ALICE)).await.body;
        let before = page.split(&format!(r#"download="{name}""#)).next().expect("a download link");
        let copy = before.rsplit("/app/media/").next().unwrap().split(['"', '?']).next().unwrap().to_string();
        for path in [format!("/app/media/{copy}"), format!("/app/media/{copy}?download=1")] {
            let media = owner.get(&path).await;
            assert_eq!(media.status, 200, "{path}");
            let h = |k: &str| media.headers[k].to_str().unwrap().to_string();
            assert_eq!(h("content-type"), "application/octet-stream", "{mime} at {path}");
            assert_eq!(h("x-content-type-options"), "nosniff");
            assert!(h("content-disposition").starts_with("attachment"), "{mime}: {}", h("content-disposition"));
            assert!(h("content-security-policy").contains("sandbox"), "{mime}");
        }
        let own =
            app.client.get(app.url(&format!("/customer/v1/media/{id}?token={}", alice.token))).send().await.unwrap();
        assert_eq!(own.status(), 200);
        assert_eq!(own.headers()["content-type"], "application/octet-stream", "{mime} on the customer API");
        assert!(own.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert_eq!(own.headers()["x-content-type-options"], "nosniff");
    }
    let img = alice.upload("image/png", PNG.to_vec()).await;
    alice.send(&num, json!({"type": "image", "image": {"media_id": img}})).await;
    let page = owner.get(&chat_path(&app, ALICE)).await.body;
    let copy = page.split(r#"<img class="media" src="/app/media/"#).nth(1).expect("the photo inline");
    let media = owner.get(&format!("/app/media/{}", copy.split('"').next().unwrap())).await;
    assert_eq!(media.headers["content-type"], "image/png");
    assert_eq!(media.headers["content-disposition"], "inline");
}
