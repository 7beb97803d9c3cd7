//! Tests of inbound parsing: every type here, every rule in `rules`, the webhook payloads in
//! `webhooks`.

mod rules;
mod webhooks;

use serde_json::{json, Value};

use super::*;

fn ok(v: Value) -> InboundMessage {
    match parse_customer_message(&v) {
        Ok(m) => m,
        Err(e) => panic!("{v} was rejected: {e}"),
    }
}

fn ctx() -> Value {
    json!({"id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA"})
}

// ---- parsing: every type ------------------------------------------------------------------

#[test]
fn text_parses_with_context_and_referral() {
    let m = ok(json!({
        "type": "text",
        "text": {"body": "hi"},
        "context": ctx(),
        "referral": {"source_url": "https://fb.me/x", "source_id": "1", "source_type": "post"}
    }));
    assert_eq!(m.kind, InboundKind::Text);
    assert_eq!(m.kind.as_str(), "text");
    assert_eq!(m.body, json!({"body": "hi"}));
    assert_eq!(m.media_id, None);
    assert_eq!(m.context_id.as_deref(), Some("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA"));
    assert_eq!(m.referral.unwrap()["source_type"], "post");
}

#[test]
fn media_types_parse_and_hold_the_media_id_apart() {
    let m = ok(json!({"type": "image", "image": {"media_id": "111", "caption": "Taj Mahal"}}));
    assert_eq!((m.kind, m.media_id.as_deref()), (InboundKind::Image, Some("111")));
    assert_eq!(m.body, json!({"caption": "Taj Mahal"}));

    let m = ok(json!({"type": "video", "video": {"media_id": "112", "caption": ""}}));
    assert_eq!(m.body, json!({}), "an empty caption is dropped");

    let m = ok(json!({"type": "audio", "audio": {"media_id": "113", "voice": true}}));
    assert_eq!(m.body, json!({"voice": true}));
    let m = ok(json!({"type": "audio", "audio": {"media_id": "113"}}));
    assert_eq!(m.body, json!({"voice": false}), "voice defaults to false");

    let m = ok(json!({"type": "document", "document": {
        "media_id": "114", "caption": "your receipt", "filename": "receipt.pdf"}}));
    assert_eq!(m.body, json!({"caption": "your receipt", "filename": "receipt.pdf"}));

    let m = ok(json!({"type": "sticker", "sticker": {"media_id": "115"}}));
    assert_eq!(m.body, json!({"animated": false}));
    assert_eq!(m.media_id.as_deref(), Some("115"));
    for k in InboundKind::ALL {
        assert_eq!(k.is_media(), matches!(k.as_str(), "image" | "video" | "audio" | "document" | "sticker"));
        assert_eq!(InboundKind::parse(k.as_str()), Some(*k));
    }
}

#[test]
fn mime_types_fit_kinds() {
    assert!(InboundKind::Image.accepts_mime("image/jpeg"));
    assert!(!InboundKind::Image.accepts_mime("video/mp4"));
    assert!(InboundKind::Audio.accepts_mime("audio/ogg; codecs=opus"));
    assert!(InboundKind::Sticker.accepts_mime("image/webp"));
    assert!(!InboundKind::Sticker.accepts_mime("image/png"));
    assert!(InboundKind::Document.accepts_mime("application/pdf"));
    assert!(!InboundKind::Text.accepts_mime("text/plain"));
}

#[test]
fn location_contacts_reaction_parse() {
    let m = ok(json!({"type": "location", "location": {"latitude": 37.44, "longitude": -122.16}}));
    assert_eq!(m.body, json!({"latitude": 37.44, "longitude": -122.16}));
    ok(json!({"type": "location", "location": {
        "latitude": -90, "longitude": 180, "name": "Philz", "address": "101 Forest Ave", "url": "https://x"}}));

    let contact = json!({
        "addresses": [{"street": "1 Hacker Way", "city": "Menlo Park", "state": "CA", "zip": "94025",
                       "country": "United States", "country_code": "US", "type": "HOME"}],
        "birthday": "1999-01-23",
        "emails": [{"email": "foo@example.com", "type": "WORK"}],
        "name": {"formatted_name": "Barbara J. Johnson", "first_name": "Barbara", "last_name": "Johnson",
                 "middle_name": "Joana", "suffix": "Esq.", "prefix": "Dr."},
        "org": {"company": "Meta", "department": "Engineering", "title": "Engineer"},
        "phones": [{"phone": "+1 (940) 555-1234", "wa_id": "19405551234", "type": "HOME"}],
        "urls": [{"url": "https://example.com", "type": "WORK"}]
    });
    let m = ok(json!({"type": "contacts", "contacts": [contact.clone()]}));
    assert_eq!(m.body, json!([contact]));

    let m = ok(json!({"type": "reaction", "reaction": {"message_id": "wamid.A", "emoji": "👍"}}));
    assert!(!m.is_reaction_removal());
    assert_eq!(m.reaction_target(), Some("wamid.A"));
    for emoji in ["❤️", "👍🏽", "👨‍👩‍👧‍👦", "🇩🇪", "#️⃣"] {
        ok(json!({"type": "reaction", "reaction": {"message_id": "wamid.A", "emoji": emoji}}));
    }
    let m = ok(json!({"type": "reaction", "reaction": {"message_id": "wamid.A", "emoji": ""}}));
    assert!(m.is_reaction_removal());
    assert_eq!(m.body, json!({"message_id": "wamid.A"}));
    let m = ok(json!({"type": "reaction", "reaction": {"message_id": "wamid.A"}}));
    assert!(m.is_reaction_removal());
}

#[test]
fn replies_orders_and_unsupported_parse() {
    let m = ok(json!({"type": "interactive", "context": ctx(), "interactive": {
        "type": "button_reply", "button_reply": {"id": "cancel-button", "title": "Cancel"}}}));
    assert_eq!(m.kind, InboundKind::Interactive);
    assert_eq!(m.body["button_reply"]["id"], "cancel-button");

    let m = ok(json!({"type": "interactive", "context": ctx(), "interactive": {
        "type": "list_reply", "list_reply": {"id": "a", "title": "b", "description": "c"}}}));
    assert_eq!(m.body["list_reply"]["description"], "c");

    let m = ok(json!({"type": "interactive", "context": ctx(), "interactive": {
        "type": "nfm_reply", "nfm_reply": {"response_json": "{\"flow_token\":\"T\"}"}}}));
    assert_eq!(
        m.body,
        json!({"type": "nfm_reply", "nfm_reply": {
        "name": "flow", "body": "Sent", "response_json": "{\"flow_token\":\"T\"}"}})
    );

    let m = ok(json!({"type": "button", "context": ctx(), "button": {"payload": "STOP", "text": "Stop"}}));
    assert_eq!(m.body, json!({"payload": "STOP", "text": "Stop"}));

    let m = ok(json!({"type": "order", "order": {"catalog_id": "194836987003835", "product_items": [
        {"product_retailer_id": "di9ozbzfi4", "quantity": 2, "item_price": 30.5, "currency": "USD"}]}}));
    assert_eq!(m.body["text"], "", "order.text defaults to empty");

    let m = ok(json!({"type": "unsupported"}));
    assert_eq!((m.kind, m.body.clone()), (InboundKind::Unsupported, json!({})));
}

#[test]
fn nulls_count_as_absent() {
    let m = ok(json!({"type": "text", "text": {"body": "x"}, "context": null, "referral": null}));
    assert_eq!(m.context_id, None);
    assert_eq!(m.referral, None);
    let m = ok(json!({"type": "image", "image": {"media_id": "1", "caption": null}}));
    assert_eq!(m.body, json!({}));
}
