//! QR codes and short links (`/{phone-number-id}/message_qrdls`): create with a PNG or SVG
//! image, list, read one, change the message, delete; the images decode; the short link
//! answers the number and the prefilled text, and a customer starts the chat with it. On
//! SQLite and PostgreSQL.

use risala_core::numbers::qr::{is_code, MAX_PREFILLED_CHARS};
use risala_testkit::{assert_graph_error, engine_test, json_response, Database, Engine, TestApp};
use serde_json::{json, Value};

async fn fetch(app: &TestApp, url: &str, accept: Option<&str>) -> (u16, String, Vec<u8>) {
    let mut req = app.client.get(url);
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, ct, resp.bytes().await.unwrap().to_vec())
}

/// A PNG's width and height, decoded.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let reader = png::Decoder::new(std::io::Cursor::new(bytes.to_vec())).read_info().unwrap();
    (reader.info().width, reader.info().height)
}

/// The root element and its `viewBox` of an SVG, parsed as XML.
fn svg_root(text: &str) -> (String, String) {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                let view_box = e
                    .attributes()
                    .filter_map(Result::ok)
                    .find(|a| a.key.as_ref() == b"viewBox")
                    .map(|a| String::from_utf8(a.value.to_vec()).unwrap())
                    .unwrap_or_default();
                // The rest must parse too.
                while !matches!(reader.read_event().unwrap(), quick_xml::events::Event::Eof) {}
                return (name, view_box);
            }
            quick_xml::events::Event::Eof => panic!("no element in {text}"),
            _ => {}
        }
    }
}

async fn qr_codes(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    let id = app.phone_number_id().to_string();
    let path = format!("/v23.0/{id}/message_qrdls");

    let (s, png_qr) =
        app.post(&path, &json!({"prefilled_message": "Show me Cyber Monday deals!", "generate_qr_image": "PNG"})).await;
    assert_eq!(s, 200, "{png_qr}");
    let code = png_qr["code"].as_str().unwrap().to_string();
    assert!(is_code(&code), "{code}");
    assert_eq!(png_qr["prefilled_message"], "Show me Cyber Monday deals!");
    let link = png_qr["deep_link_url"].as_str().unwrap().to_string();
    assert_eq!(link, app.url(&format!("/wa/message/{code}")));
    let image = png_qr["qr_image_url"].as_str().unwrap().to_string();
    assert!(image.ends_with(".png") && image.starts_with(&app.url("/wa/qr/")), "{image}");
    // The image is public (no token), a PNG that decodes to a square.
    let (s, ct, bytes) = fetch(&app, &image, None).await;
    assert_eq!((s, ct.as_str()), (200, "image/png"));
    let (w, h) = png_size(&bytes);
    assert!(w == h && w >= 21 * 8, "{w}x{h}");
    // …at an address that cannot be guessed from the code.
    let forged = image.replace(&image[image.len() - 12..image.len() - 4], "00000000");
    assert_eq!(fetch(&app, &forged, None).await.0, 404);

    let (s, svg_qr) = app.post(&path, &json!({"prefilled_message": "Store hours?", "generate_qr_image": "svg"})).await;
    assert_eq!(s, 200, "{svg_qr}");
    let (s, ct, bytes) = fetch(&app, svg_qr["qr_image_url"].as_str().unwrap(), None).await;
    assert_eq!((s, ct.as_str()), (200, "image/svg+xml"));
    let (root, view_box) = svg_root(&String::from_utf8(bytes).unwrap());
    assert_eq!(root, "svg");
    assert!(view_box.starts_with("0 0 "), "{view_box}");

    // Without generate_qr_image, no image URL; an empty message is allowed.
    let (s, plain) = app.post(&path, &json!({"prefilled_message": ""})).await;
    assert_eq!(s, 200, "{plain}");
    assert!(plain.get("qr_image_url").is_none(), "{plain}");

    // List: newest first, the default fields only; an image on request.
    let (s, list) = app.get(&path).await;
    assert_eq!(s, 200, "{list}");
    let codes: Vec<&str> = list["data"].as_array().unwrap().iter().map(|q| q["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 3);
    assert_eq!(codes[2], code);
    assert_eq!(
        list["data"][2],
        json!({"code": code, "prefilled_message": "Show me Cyber Monday deals!", "deep_link_url": link})
    );
    let (_, list) = app.get(&format!("{path}?fields=code,qr_image_url.format(SVG)&code={code}")).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");
    let svg_url = list["data"][0]["qr_image_url"].as_str().unwrap();
    assert!(svg_url.ends_with(".svg"), "{svg_url}");
    assert_eq!(fetch(&app, svg_url, None).await.0, 200);
    assert_graph_error(&app.get(&format!("{path}?fields=qr_image_url.format(GIF)")).await, 400, 100);

    // Paged as Graph pages: limit, and the cursors of paging.
    let (s, first) = app.get(&format!("{path}?limit=2")).await;
    assert_eq!(s, 200, "{first}");
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    assert!(first["paging"]["next"].is_string(), "{first}");
    let after = first["paging"]["cursors"]["after"].as_str().unwrap();
    let (_, rest) = app.get(&format!("{path}?limit=2&after={after}")).await;
    assert_eq!(rest["data"].as_array().unwrap().len(), 1, "{rest}");
    assert_eq!(rest["data"][0]["code"], code.as_str());
    assert!(rest["paging"].get("next").is_none(), "{rest}");
    assert_graph_error(&app.get(&format!("{path}?limit=0")).await, 400, 100);

    // One code: in a data array, as Meta answers.
    let (s, one) = app.get(&format!("{path}/{code}")).await;
    assert_eq!(s, 200, "{one}");
    assert_eq!(one["data"][0]["code"], code.as_str());

    // Change the message: same code and link.
    let (s, v) = app.post(&path, &json!({"code": code, "prefilled_message": "Cyber Tuesday instead"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((v["code"].as_str(), v["deep_link_url"].as_str()), (Some(code.as_str()), Some(link.as_str())));
    assert_eq!(app.get(&format!("{path}/{code}")).await.1["data"][0]["prefilled_message"], "Cyber Tuesday instead");

    // Wrong input.
    let long = "x".repeat(MAX_PREFILLED_CHARS + 1);
    assert_graph_error(&app.post(&path, &json!({"prefilled_message": long})).await, 400, 100);
    assert_graph_error(&app.post(&path, &json!({"generate_qr_image": "PNG"})).await, 400, 100);
    assert_graph_error(
        &app.post(&path, &json!({"prefilled_message": "x", "generate_qr_image": "GIF"})).await,
        400,
        100,
    );
    assert_graph_error(&app.get(&format!("{path}/not-a-code")).await, 400, 100);
    assert_graph_error(&app.get(&format!("{path}/AAAAAAAAAAAAAA")).await, 404, 803);
    assert_graph_error(&app.post(&path, &json!({"code": "AAAAAAAAAAAAAA", "prefilled_message": "x"})).await, 404, 803);

    // The short link: JSON for clients, a page for browsers; no token needed.
    let (s, ct, body) = fetch(&app, &link, None).await;
    assert_eq!((s, ct.as_str()), (200, "application/json"));
    let opened: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        opened,
        json!({"code": code, "deep_link_url": link, "prefilled_message": "Cyber Tuesday instead",
               "wa_id": app.business_number(), "display_phone_number": "+1 555-010-0001", "verified_name": "Risala Demo"})
    );
    let (s, ct, body) = fetch(&app, &link, Some("text/html")).await;
    assert_eq!(s, 200);
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(String::from_utf8(body).unwrap().contains("Cyber Tuesday instead"));

    // A customer opens the link: sends the prefilled text to the number, which the business
    // receives.
    let customer = app.customer("15551230002", "Ann").await;
    customer
        .send(opened["wa_id"].as_str().unwrap(), json!({"type": "text", "text": {"body": opened["prefilled_message"]}}))
        .await;
    let inbound = app.queued_inbound().await;
    assert_eq!(inbound.last().unwrap()["messages"][0]["text"]["body"], "Cyber Tuesday instead");

    // Delete: the code, its link and its images are gone.
    let (s, v) = json_response(
        app.client
            .delete(app.url(&format!("{path}/{code}")))
            .bearer_auth(risala_testkit::DEMO_TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v), (200, json!({"success": true})));
    assert_graph_error(&app.get(&format!("{path}/{code}")).await, 404, 803);
    assert_eq!(fetch(&app, &link, None).await.0, 404);
    assert_eq!(fetch(&app, &image, None).await.0, 404);
    assert_eq!(app.get(&path).await.1["data"].as_array().unwrap().len(), 2);

    app.stop().await;
}

engine_test!(qr_codes, super::qr_codes);
