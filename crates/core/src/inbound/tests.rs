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

// ---- parsing: every rule ------------------------------------------------------------------

/// (input, expected Graph code, a fragment the details must contain)
fn rejections() -> Vec<(Value, i64, &'static str)> {
    let long = "x".repeat(MAX_TEXT_BODY + 1);
    let long_caption = "x".repeat(MAX_CAPTION + 1);
    let item = |k: &str, v: Value| {
        let mut i = json!({"product_retailer_id": "p", "quantity": 1, "item_price": 1, "currency": "USD"});
        if v.is_null() {
            i.as_object_mut().unwrap().remove(k);
        } else {
            i[k] = v;
        }
        json!({"type": "order", "order": {"catalog_id": "1", "product_items": [item_ok(), i]}})
    };
    let referral = |r: Value| json!({"type": "text", "text": {"body": "x"}, "referral": r});
    let contact = |c: Value| json!({"type": "contacts", "contacts": [c]});
    let iv = |i: Value| json!({"type": "interactive", "context": ctx(), "interactive": i});
    vec![
        // envelope
        (json!("hi"), 100, "JSON object"),
        (json!({"text": {"body": "x"}}), 131008, "type"),
        (json!({"type": 1, "text": {"body": "x"}}), 100, "type"),
        (json!({"type": "poll", "poll": {}}), 131051, "poll"),
        (json!({"type": "system", "system": {}}), 131051, "system"),
        (json!({"type": "text", "text": {"body": "x"}, "from": "1"}), 100, "from"),
        (json!({"type": "text", "text": {"body": "x"}, "image": {}}), 100, "image"),
        (json!({"type": "unsupported", "unsupported": {}}), 100, "unsupported"),
        (json!({"type": "text"}), 131008, "text"),
        (json!({"type": "text", "text": "hi"}), 100, "text"),
        // text
        (json!({"type": "text", "text": {}}), 131008, "text.body"),
        (json!({"type": "text", "text": {"body": 5}}), 100, "text.body"),
        (json!({"type": "text", "text": {"body": "  "}}), 131009, "text.body"),
        (json!({"type": "text", "text": {"body": long}}), 131009, "text.body"),
        (json!({"type": "text", "text": {"body": "x", "preview_url": true}}), 100, "preview_url"),
        // context
        (json!({"type": "text", "text": {"body": "x"}, "context": "wamid.A"}), 100, "context"),
        (json!({"type": "text", "text": {"body": "x"}, "context": {}}), 131008, "context.id"),
        (json!({"type": "text", "text": {"body": "x"}, "context": {"id": ""}}), 131009, "context.id"),
        (json!({"type": "text", "text": {"body": "x"}, "context": {"id": "x".repeat(129)}}), 131009, "context.id"),
        (json!({"type": "text", "text": {"body": "x"}, "context": {"message_id": "w"}}), 100, "message_id"),
        (json!({"type": "button", "button": {"payload": "a", "text": "b"}}), 131008, "context"),
        (
            json!({"type": "interactive", "interactive": {"type": "button_reply",
            "button_reply": {"id": "a", "title": "b"}}}),
            131008,
            "context",
        ),
        (
            json!({"type": "reaction", "context": ctx(), "reaction": {"message_id": "w", "emoji": "👍"}}),
            131009,
            "context",
        ),
        (json!({"type": "unsupported", "context": ctx()}), 131009, "context"),
        // media
        (json!({"type": "image", "image": {"caption": "c"}}), 131008, "image.media_id"),
        (json!({"type": "image", "image": {"media_id": ""}}), 131009, "image.media_id"),
        (json!({"type": "image", "image": {"media_id": 5}}), 100, "image.media_id"),
        (json!({"type": "image", "image": {"id": "5"}}), 100, "\"id\""),
        (json!({"type": "image", "image": {"media_id": "1", "filename": "a"}}), 100, "filename"),
        (json!({"type": "image", "image": {"media_id": "1", "caption": long_caption}}), 131009, "image.caption"),
        (json!({"type": "audio", "audio": {"media_id": "1", "caption": "a"}}), 100, "caption"),
        (json!({"type": "audio", "audio": {"media_id": "1", "voice": "yes"}}), 100, "audio.voice"),
        (json!({"type": "sticker", "sticker": {"media_id": "1", "caption": "a"}}), 100, "caption"),
        (json!({"type": "sticker", "sticker": {"media_id": "1", "animated": 1}}), 100, "sticker.animated"),
        (
            json!({"type": "document", "document": {"media_id": "1", "filename": "a/b.pdf"}}),
            131009,
            "document.filename",
        ),
        (json!({"type": "document", "document": {"media_id": "1", "filename": ""}}), 131009, "document.filename"),
        (json!({"type": "video", "video": []}), 100, "video"),
        // location
        (json!({"type": "location", "location": {"longitude": 1}}), 131008, "location.latitude"),
        (json!({"type": "location", "location": {"latitude": 1}}), 131008, "location.longitude"),
        (json!({"type": "location", "location": {"latitude": "1", "longitude": 1}}), 100, "location.latitude"),
        (json!({"type": "location", "location": {"latitude": 91, "longitude": 1}}), 131009, "location.latitude"),
        (json!({"type": "location", "location": {"latitude": 1, "longitude": -181}}), 131009, "location.longitude"),
        (json!({"type": "location", "location": {"latitude": 1, "longitude": 1, "name": 3}}), 100, "location.name"),
        (json!({"type": "location", "location": {"latitude": 1, "longitude": 1, "zoom": 3}}), 100, "zoom"),
        // contacts
        (json!({"type": "contacts", "contacts": {}}), 100, "contacts"),
        (json!({"type": "contacts", "contacts": []}), 131009, "contacts"),
        (json!({"type": "contacts", "contacts": ["x"]}), 100, "contacts[0]"),
        (contact(json!({"phones": []})), 131008, "contacts[0].name"),
        (contact(json!({"name": {"first_name": "A"}})), 131008, "contacts[0].name.formatted_name"),
        (contact(json!({"name": {"formatted_name": " "}})), 131009, "contacts[0].name.formatted_name"),
        (contact(json!({"name": {"formatted_name": "A", "nick": "B"}})), 100, "nick"),
        (contact(json!({"name": {"formatted_name": "A", "first_name": 1}})), 100, "contacts[0].name.first_name"),
        (contact(json!({"name": {"formatted_name": "A"}, "phones": {}})), 100, "contacts[0].phones"),
        (
            contact(json!({"name": {"formatted_name": "A"}, "phones": [{"phone": "1", "x": "y"}]})),
            100,
            "contacts[0].phones[0]",
        ),
        (
            contact(json!({"name": {"formatted_name": "A"}, "phones": [{"wa_id": "+1"}]})),
            131009,
            "contacts[0].phones[0].wa_id",
        ),
        (
            contact(json!({"name": {"formatted_name": "A"}, "emails": [{"email": 1}]})),
            100,
            "contacts[0].emails[0].email",
        ),
        (contact(json!({"name": {"formatted_name": "A"}, "urls": ["x"]})), 100, "contacts[0].urls[0]"),
        (contact(json!({"name": {"formatted_name": "A"}, "addresses": [{"planet": "Mars"}]})), 100, "planet"),
        (contact(json!({"name": {"formatted_name": "A"}, "org": {"company": 1}})), 100, "contacts[0].org.company"),
        (contact(json!({"name": {"formatted_name": "A"}, "birthday": "1999-13-01"})), 131009, "contacts[0].birthday"),
        (contact(json!({"name": {"formatted_name": "A"}, "birthday": "23.01.1999"})), 131009, "contacts[0].birthday"),
        (contact(json!({"name": {"formatted_name": "A"}, "nickname": "x"})), 100, "nickname"),
        // reaction
        (json!({"type": "reaction", "reaction": {"emoji": "👍"}}), 131008, "reaction.message_id"),
        (json!({"type": "reaction", "reaction": {"message_id": "", "emoji": "👍"}}), 131009, "reaction.message_id"),
        (json!({"type": "reaction", "reaction": {"message_id": "w", "emoji": "ok"}}), 131009, "reaction.emoji"),
        (json!({"type": "reaction", "reaction": {"message_id": "w", "emoji": "👍 👍"}}), 131009, "reaction.emoji"),
        (json!({"type": "reaction", "reaction": {"message_id": "w", "emoji": 1}}), 100, "reaction.emoji"),
        // interactive
        (iv(json!({"button_reply": {"id": "a", "title": "b"}})), 131008, "interactive.type"),
        (iv(json!({"type": 1})), 100, "interactive.type"),
        (iv(json!({"type": "button"})), 131009, "interactive.type"),
        (iv(json!({"type": "button_reply"})), 131008, "interactive.button_reply"),
        (
            iv(json!({"type": "button_reply", "button_reply": {"id": "a", "title": "b"},
            "list_reply": {"id": "a", "title": "b"}})),
            100,
            "list_reply",
        ),
        (iv(json!({"type": "button_reply", "button_reply": {"title": "b"}})), 131008, "interactive.button_reply.id"),
        (
            iv(json!({"type": "button_reply", "button_reply": {"id": "a", "title": ""}})),
            131009,
            "interactive.button_reply.title",
        ),
        (
            iv(json!({"type": "button_reply", "button_reply": {"id": "a", "title": "x".repeat(21)}})),
            131009,
            "interactive.button_reply.title",
        ),
        (
            iv(json!({"type": "button_reply", "button_reply": {"id": "x".repeat(257), "title": "b"}})),
            131009,
            "interactive.button_reply.id",
        ),
        (
            iv(json!({"type": "button_reply", "button_reply": {"id": "a", "title": "b", "description": "c"}})),
            100,
            "description",
        ),
        (
            iv(json!({"type": "list_reply", "list_reply": {"id": "a", "title": "x".repeat(25)}})),
            131009,
            "interactive.list_reply.title",
        ),
        (
            iv(json!({"type": "list_reply", "list_reply": {"id": "a", "title": "b", "description": "x".repeat(73)}})),
            131009,
            "interactive.list_reply.description",
        ),
        (iv(json!({"type": "list_reply", "list_reply": "a"})), 100, "interactive.list_reply"),
        (
            iv(json!({"type": "nfm_reply", "nfm_reply": {"name": "flow"}})),
            131008,
            "interactive.nfm_reply.response_json",
        ),
        (
            iv(json!({"type": "nfm_reply", "nfm_reply": {"response_json": {"a": 1}}})),
            100,
            "interactive.nfm_reply.response_json",
        ),
        (
            iv(json!({"type": "nfm_reply", "nfm_reply": {"response_json": "not json"}})),
            131009,
            "interactive.nfm_reply.response_json",
        ),
        (
            iv(json!({"type": "nfm_reply", "nfm_reply": {"response_json": "[1]"}})),
            131009,
            "interactive.nfm_reply.response_json",
        ),
        (
            iv(json!({"type": "nfm_reply", "nfm_reply": {"response_json": "{}", "body": 1}})),
            100,
            "interactive.nfm_reply.body",
        ),
        // button
        (json!({"type": "button", "context": ctx(), "button": {"text": "b"}}), 131008, "button.payload"),
        (json!({"type": "button", "context": ctx(), "button": {"payload": "a"}}), 131008, "button.text"),
        (json!({"type": "button", "context": ctx(), "button": {"payload": "a", "text": ""}}), 131009, "button.text"),
        (
            json!({"type": "button", "context": ctx(), "button": {"payload": "a", "text": "b", "index": 0}}),
            100,
            "index",
        ),
        // order
        (json!({"type": "order", "order": {"product_items": [item_ok()]}}), 131008, "order.catalog_id"),
        (json!({"type": "order", "order": {"catalog_id": "1"}}), 131008, "order.product_items"),
        (json!({"type": "order", "order": {"catalog_id": "1", "product_items": []}}), 131009, "order.product_items"),
        (json!({"type": "order", "order": {"catalog_id": "1", "product_items": {}}}), 100, "order.product_items"),
        (
            json!({"type": "order", "order": {"catalog_id": "1", "text": 1, "product_items": [item_ok()]}}),
            100,
            "order.text",
        ),
        (item("product_retailer_id", Value::Null), 131008, "order.product_items[1].product_retailer_id"),
        (item("quantity", Value::Null), 131008, "order.product_items[1].quantity"),
        (item("quantity", json!(0)), 131009, "order.product_items[1].quantity"),
        (item("quantity", json!(1.5)), 100, "order.product_items[1].quantity"),
        (item("quantity", json!("2")), 100, "order.product_items[1].quantity"),
        (item("item_price", json!(-1)), 131009, "order.product_items[1].item_price"),
        (item("item_price", json!("1")), 100, "order.product_items[1].item_price"),
        (item("currency", Value::Null), 131008, "order.product_items[1].currency"),
        (item("currency", json!("usd")), 131009, "order.product_items[1].currency"),
        (item("sku", json!("x")), 100, "sku"),
        // referral
        (referral(json!("ad")), 100, "referral"),
        (referral(json!({"source_id": "1", "source_type": "post"})), 131008, "referral.source_url"),
        (referral(json!({"source_url": "u", "source_type": "post"})), 131008, "referral.source_id"),
        (referral(json!({"source_url": "u", "source_id": "1"})), 131008, "referral.source_type"),
        (
            referral(json!({"source_url": "u", "source_id": "1", "source_type": "story"})),
            131009,
            "referral.source_type",
        ),
        (referral(json!({"source_url": "u", "source_id": "1", "source_type": "ad"})), 131008, "referral.ctwa_clid"),
        (
            referral(json!({"source_url": "u", "source_id": "1", "source_type": "post", "media_type": "gif"})),
            131009,
            "referral.media_type",
        ),
        (
            referral(json!({"source_url": "u", "source_id": "1", "source_type": "post", "media_type": "video",
            "image_url": "i"})),
            131009,
            "referral.image_url",
        ),
        (
            referral(json!({"source_url": "u", "source_id": "1", "source_type": "post", "thumbnail_url": "t"})),
            131009,
            "referral.thumbnail_url",
        ),
        (
            referral(json!({"source_url": "u", "source_id": "1", "source_type": "post", "headline": 1})),
            100,
            "referral.headline",
        ),
        (
            referral(json!({"source_url": "u", "source_id": "1", "source_type": "post", "welcome_message": {}})),
            131008,
            "referral.welcome_message.text",
        ),
        (
            referral(json!({"source_url": "u", "source_id": "1", "source_type": "post", "campaign": "c"})),
            100,
            "campaign",
        ),
    ]
}

fn item_ok() -> Value {
    json!({"product_retailer_id": "p", "quantity": 1, "item_price": 1, "currency": "USD"})
}

#[test]
fn every_rule_is_rejected_with_its_code_and_names_the_field() {
    for (input, code, needle) in rejections() {
        let err = match parse_customer_message(&input) {
            Ok(m) => panic!("{input} was accepted: {m:?}"),
            Err(e) => e,
        };
        assert_eq!(err.code.row().code, code, "{input}: {err}");
        assert!(err.details.contains(needle), "{input}: details {:?} do not name {needle:?}", err.details);
    }
}

#[test]
fn error_kinds_map_to_the_table() {
    let e = parse_customer_message(&json!({"type": "poll"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::UnsupportedMessageType);
    let e = parse_customer_message(&json!({"type": "text"})).unwrap_err();
    assert_eq!(e.code, ErrorCode::RequiredParameterMissing);
    assert_eq!(e.details, "The parameter text is required.");
}

// ---- webhook payloads vs. Meta's examples -------------------------------------------------

const WA_ID: &str = "16505551234";
const NAME: &str = "Sheena Nelson";
const PHONE_ID: &str = "106540352242922";
const BIZ: &str = "15550783881";
const WABA: &str = "419561257915477";

/// Meta's example envelope around one `messages[]` element (the wrapper every spec example
/// shares, copied from the spec; the text example below is copied whole).
fn meta_example(waba: &str, message: Value) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": waba,
            "changes": [{
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                    "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234", "user_id": business_scoped_user_id("16505551234")}],
                    "messages": [message]
                },
                "field": "messages"
            }]
        }]
    })
}

/// Our payload for `input`, with the example's ids and timestamp (so no normalising is needed).
fn ours(waba: &str, input: Value, wamid: &str, ts: i64, media: Option<&MediaInfo>) -> Value {
    let msg = ok(input);
    // The business number in any notation: builders write its digits.
    let m = webhook_message(&msg, WA_ID, wamid, ts * 1000 + 999, "+1 555-078-3881", media);
    envelope(waba, vec![("messages".to_owned(), messages_value(PHONE_ID, "+1 555-078-3881", NAME, WA_ID, vec![m]))])
}

#[test]
fn spec_text_message() {
    let meta = json!({
      "object": "whatsapp_business_account",
      "entry": [{
        "id": "419561257915477",
        "changes": [{
          "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234", "user_id": business_scoped_user_id("16505551234")}],
            "messages": [{
              "from": "16505551234",
              "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
              "timestamp": "1749416383",
              "type": "text",
              "text": {"body": "Does it come in another color?"}
            }]
          },
          "field": "messages"
        }]
      }]
    });
    assert_eq!(meta, meta_example(WABA, meta["entry"][0]["changes"][0]["value"]["messages"][0].clone()));
    let got = ours(
        WABA,
        json!({"type": "text", "text": {"body": "Does it come in another color?"}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        1749416383,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_text_message_from_click_to_whatsapp_ad() {
    let referral = json!({
        "source_url": "https://fb.me/3cr4Wqqkv",
        "source_id": "120226305854810726",
        "source_type": "ad",
        "body": "Summer Succulents are here!",
        "headline": "Chat with us",
        "media_type": "image",
        "image_url": "https://scontent.xx.fbcdn.net/v/t45.1...",
        "ctwa_clid": "Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27vDVwFjN80dp4_0NiNhEgpGo0AHemvuSoifXaytfTzcchptiErTKCqTrJ5nW1h7IHYeYymGb5K5J5iTROpBhWAGaIAeUzHL50",
        "welcome_message": {"text": "Hi there! Let us know how we can help!"}
    });
    let meta = meta_example(
        "102290129340398",
        json!({
            "referral": referral,
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ0N0VFMDA2MTQ0RkJFNkNDNAA=",
            "timestamp": "1750275992",
            "text": {"body": "Hello! Can I get more info on this?"},
            "type": "text"
        }),
    );
    let got = ours(
        "102290129340398",
        json!({"type": "text", "text": {"body": "Hello! Can I get more info on this?"}, "referral": referral}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ0N0VFMDA2MTQ0RkJFNkNDNAA=",
        1750275992,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_reaction_message() {
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
            "timestamp": "1749419544",
            "type": "reaction",
            "reaction": {"message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA", "emoji": "👍"}
        }),
    );
    let got = ours(
        WABA,
        json!({"type": "reaction", "reaction": {
            "message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA", "emoji": "👍"}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        1749419544,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_image_message() {
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
            "timestamp": "1744344496",
            "type": "image",
            "image": {
                "caption": "Taj Mahal",
                "mime_type": "image/jpeg",
                "sha256": "SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=",
                "id": "1003383421387256"
            }
        }),
    );
    let media = MediaInfo {
        id: "1003383421387256".into(),
        mime_type: "image/jpeg".into(),
        sha256: "SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=".into(),
        url: None,
    };
    let got = ours(
        WABA,
        json!({"type": "image", "image": {"media_id": "customer-upload-1", "caption": "Taj Mahal"}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        1744344496,
        Some(&media),
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_location_message() {
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTU2MjZEMDBGRkE3MENEMDE0RQA=",
            "timestamp": "1744344496",
            "location": {
                "address": "101 Forest Ave, Palo Alto, CA 94301",
                "latitude": 37.44221496582,
                "longitude": -122.16165924072,
                "name": "Philz Coffee",
                "url": "https://philzcoffee.com/"
            },
            "type": "location"
        }),
    );
    let got = ours(
        WABA,
        json!({"type": "location", "location": {
            "latitude": 37.44221496582, "longitude": -122.16165924072, "name": "Philz Coffee",
            "address": "101 Forest Ave, Palo Alto, CA 94301", "url": "https://philzcoffee.com/"}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTU2MjZEMDBGRkE3MENEMDE0RQA=",
        1744344496,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_contact_sharing_message() {
    let contacts = json!([{
        "name": {"first_name": "Lucía", "last_name": "Gómez", "formatted_name": "Lucía Gómez"},
        "org": {"company": "Google"},
        "phones": [{"phone": "+1 (983) 555-2319", "wa_id": "19835552319", "type": "MOBILE"}]
    }]);
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
            "timestamp": "1744344496",
            "type": "contacts",
            "contacts": contacts
        }),
    );
    let got = ours(
        WABA,
        json!({"type": "contacts", "contacts": contacts}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        1744344496,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_unsupported_message() {
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTQyMDU1NTA3NDkVAgASGBI5N0MwRjg0RTVBNUI1RDA2OTkA",
            "timestamp": "1750090702",
            "errors": [{
                "code": 131051,
                "title": "Message type unknown",
                "message": "Message type unknown",
                "error_data": {"details": "Message type is currently not supported."}
            }],
            "type": "unsupported"
        }),
    );
    let wamid = "wamid.HBgLMTQyMDU1NTA3NDkVAgASGBI5N0MwRjg0RTVBNUI1RDA2OTkA";
    let got = ours(WABA, json!({"type": "unsupported"}), wamid, 1750090702, None);
    assert_eq!(got, meta);
    let referral = json!({"source_url": "u", "source_id": "1", "source_type": "post"});
    let msg = ok(json!({"type": "unsupported", "referral": referral}));
    let m = webhook_message(&msg, WA_ID, wamid, 1_750_090_702_000, BIZ, None);
    assert_eq!(m["referral"], referral);
    assert_eq!(m["errors"][0]["code"], 131051);
    let direct = unsupported_message(WA_ID, wamid, 1_750_090_702_000);
    assert_eq!(direct, meta["entry"][0]["changes"][0]["value"]["messages"][0]);
}

#[test]
fn spec_button_message() {
    let meta = meta_example(
        WABA,
        json!({
            "context": {"from": "15550783881", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA"},
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUU0M0MxQzQzMUJCMTMwNUZFOQA=",
            "timestamp": "1750091045",
            "type": "button",
            "button": {"payload": "Unsubscribe", "text": "Unsubscribe"}
        }),
    );
    let got = ours(
        WABA,
        json!({"type": "button", "context": ctx(), "button": {"payload": "Unsubscribe", "text": "Unsubscribe"}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUU0M0MxQzQzMUJCMTMwNUZFOQA=",
        1750091045,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_interactive_list_reply_message() {
    let meta = meta_example(
        WABA,
        json!({
            "context": {"from": "15550783881", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzEyNzhENTZDMzNGODlDRDgA"},
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJDQ0NDM0FEODY4ODkzOTc5RgA=",
            "timestamp": "1749854575",
            "type": "interactive",
            "interactive": {
                "type": "list_reply",
                "list_reply": {"id": "priority_express", "title": "Priority Mail Express", "description": "Next Day to 2 Days"}
            }
        }),
    );
    let got = ours(
        WABA,
        json!({
            "type": "interactive",
            "context": {"id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzEyNzhENTZDMzNGODlDRDgA"},
            "interactive": {"type": "list_reply", "list_reply": {
                "id": "priority_express", "title": "Priority Mail Express", "description": "Next Day to 2 Days"}}
        }),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJDQ0NDM0FEODY4ODkzOTc5RgA=",
        1749854575,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_interactive_button_reply_message() {
    let meta = meta_example(
        WABA,
        json!({
            "context": {"from": "15550783881", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA"},
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTZBQzg0MzQ4QjRCM0NGNkVGOAA=",
            "timestamp": "1750025136",
            "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": "cancel-button", "title": "Cancel"}}
        }),
    );
    let got = ours(
        WABA,
        json!({
            "type": "interactive",
            "context": {"id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA"},
            "interactive": {"type": "button_reply", "button_reply": {"id": "cancel-button", "title": "Cancel"}}
        }),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTZBQzg0MzQ4QjRCM0NGNkVGOAA=",
        1750025136,
        None,
    );
    assert_eq!(got, meta);
}

#[test]
fn spec_order_message() {
    let meta = meta_example(
        WABA,
        json!({
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTEyQjFGNzI1QTQxMjI5QTMyOQA=",
            "timestamp": "1750096325",
            "type": "order",
            "order": {
                "catalog_id": "194836987003835",
                "text": "",
                "product_items": [
                    {"product_retailer_id": "di9ozbzfi4", "quantity": 2, "item_price": 30, "currency": "USD"},
                    {"product_retailer_id": "nqryix03ez", "quantity": 1, "item_price": 25, "currency": "USD"}
                ]
            }
        }),
    );
    // `text` left out: it defaults to "" as in Meta's example.
    let got = ours(
        WABA,
        json!({"type": "order", "order": {"catalog_id": "194836987003835", "product_items": [
            {"product_retailer_id": "di9ozbzfi4", "quantity": 2, "item_price": 30, "currency": "USD"},
            {"product_retailer_id": "nqryix03ez", "quantity": 1, "item_price": 25, "currency": "USD"}]}}),
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTEyQjFGNzI1QTQxMjI5QTMyOQA=",
        1750096325,
        None,
    );
    assert_eq!(got, meta);
}

// ---- webhook payloads: shapes from the reference notes ------------------------------------

#[test]
fn media_objects_carry_flags_filename_and_url() {
    let info = MediaInfo {
        id: "900".into(),
        mime_type: "audio/ogg; codecs=opus".into(),
        sha256: "abc=".into(),
        url: Some("https://risala.local/media/900".into()),
    };
    let msg = ok(json!({"type": "audio", "audio": {"media_id": "1", "voice": true}}));
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_000, BIZ, Some(&info));
    assert_eq!(
        m,
        json!({"from": WA_ID, "id": "wamid.X", "timestamp": "1", "type": "audio", "audio": {
        "id": "900", "mime_type": "audio/ogg; codecs=opus", "sha256": "abc=", "voice": true,
        "url": "https://risala.local/media/900"}})
    );

    let info = MediaInfo { url: None, mime_type: "image/webp".into(), ..info };
    let msg = ok(json!({"type": "sticker", "sticker": {"media_id": "1"}}));
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_000, BIZ, Some(&info));
    assert_eq!(m["sticker"], json!({"id": "900", "mime_type": "image/webp", "sha256": "abc=", "animated": false}));

    let info = MediaInfo { mime_type: "application/pdf".into(), ..info };
    let msg = ok(json!({"type": "document", "document": {"media_id": "1", "filename": "receipt.pdf"}}));
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_000, BIZ, Some(&info));
    assert_eq!(
        m["document"],
        json!({"id": "900", "mime_type": "application/pdf", "sha256": "abc=", "filename": "receipt.pdf"})
    );

    // Without media info the customer's upload id stands in.
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_000, BIZ, None);
    assert_eq!(m["document"], json!({"id": "1", "filename": "receipt.pdf"}));
}

#[test]
fn reaction_removal_and_flow_reply_shapes() {
    let msg = ok(json!({"type": "reaction", "reaction": {"message_id": "wamid.T", "emoji": ""}}));
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_749_419_544_000, BIZ, None);
    assert_eq!(
        m,
        json!({"from": WA_ID, "id": "wamid.X", "timestamp": "1749419544", "type": "reaction",
        "reaction": {"message_id": "wamid.T"}})
    );

    let msg = ok(json!({"type": "interactive", "context": {"id": "wamid.F"}, "interactive": {
        "type": "nfm_reply", "nfm_reply": {"response_json": "{\"flow_token\":\"T\",\"a\":1}"}}}));
    let m = webhook_message(&msg, WA_ID, "wamid.X", 1_000, "+1 555 078 3881", None);
    assert_eq!(
        m,
        json!({"from": WA_ID, "id": "wamid.X", "timestamp": "1", "type": "interactive",
        "context": {"from": BIZ, "id": "wamid.F"},
        "interactive": {"type": "nfm_reply", "nfm_reply": {
            "name": "flow", "body": "Sent", "response_json": "{\"flow_token\":\"T\",\"a\":1}"}}})
    );
}

#[test]
fn statuses_match_the_reference_shape() {
    let sent = StatusUpdate {
        wamid: "wamid.S".into(),
        status: "sent".into(),
        timestamp_ms: 1_750_030_073_500,
        recipient_id: WA_ID.into(),
        biz_opaque_callback_data: Some("order-42".into()),
        conversation: Some(json!({"id": "72b1", "expiration_timestamp": "1750116480",
            "origin": {"type": "marketing"}})),
        pricing: Some(json!({"billable": true, "pricing_model": "PMP", "type": "regular",
            "category": "marketing"})),
        errors: vec![],
    };
    let failed = StatusUpdate {
        wamid: "wamid.F".into(),
        status: "failed".into(),
        timestamp_ms: 1_750_030_080_000,
        recipient_id: WA_ID.into(),
        biz_opaque_callback_data: None,
        conversation: None,
        pricing: None,
        errors: vec![WebhookError::from_api(&ApiError::new(
            ErrorCode::ReEngagement,
            "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
        ))],
    };
    let delivered = StatusUpdate {
        status: "delivered".into(),
        biz_opaque_callback_data: None,
        conversation: None,
        pricing: None,
        ..sent.clone()
    };
    let got = envelope(
        "102290129340398",
        vec![(
            "messages".into(),
            statuses_value(
                PHONE_ID,
                "+1 555-078-3881",
                vec![status_json(&sent), status_json(&delivered), status_json(&failed)],
            ),
        )],
    );
    let expected = json!({
      "object": "whatsapp_business_account",
      "entry": [{
        "id": "102290129340398",
        "changes": [{
          "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"wa_id": "16505551234", "user_id": business_scoped_user_id("16505551234")}],
            "statuses": [
              {"id": "wamid.S", "status": "sent", "timestamp": "1750030073", "recipient_id": "16505551234", "recipient_user_id": business_scoped_user_id("16505551234"),
               "biz_opaque_callback_data": "order-42",
               "conversation": {"id": "72b1", "expiration_timestamp": "1750116480", "origin": {"type": "marketing"}},
               "pricing": {"billable": true, "pricing_model": "PMP", "type": "regular", "category": "marketing"}},
              {"id": "wamid.S", "status": "delivered", "timestamp": "1750030073", "recipient_id": "16505551234", "recipient_user_id": business_scoped_user_id("16505551234")},
              {"id": "wamid.F", "status": "failed", "timestamp": "1750030080", "recipient_id": "16505551234", "recipient_user_id": business_scoped_user_id("16505551234"),
               "errors": [{"code": 131047, "title": "Re-engagement message", "message": "Re-engagement message",
                 "error_data": {"details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
                 "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}
            ]
          },
          "field": "messages"
        }]
      }]
    });
    assert_eq!(got, expected);
}

#[test]
fn webhook_error_without_href_and_envelope_with_time() {
    let e = WebhookError { href: None, ..WebhookError::from_api(&ApiError::bad_value("x")) };
    assert_eq!(
        e.to_json(),
        json!({"code": 131009, "title": "Parameter value is not valid",
        "message": "Parameter value is not valid", "error_data": {"details": "x"}})
    );
    let env = envelope_at(WABA, 1_739_321_024_999, vec![("account_update".into(), json!({"event": "PARTNER_ADDED"}))]);
    assert_eq!(
        env,
        json!({"object": "whatsapp_business_account", "entry": [{"id": WABA, "time": 1739321024,
        "changes": [{"value": {"event": "PARTNER_ADDED"}, "field": "account_update"}]}]})
    );
    assert!(env["entry"][0]["time"].is_i64());
}

#[test]
fn several_messages_share_one_value() {
    let a = webhook_message(&ok(json!({"type": "text", "text": {"body": "a"}})), WA_ID, "wamid.A", 0, BIZ, None);
    let b = webhook_message(&ok(json!({"type": "text", "text": {"body": "b"}})), WA_ID, "wamid.B", -1, BIZ, None);
    let v = messages_value(PHONE_ID, BIZ, NAME, WA_ID, vec![a, b]);
    assert_eq!(v["messages"].as_array().unwrap().len(), 2);
    assert_eq!(v["messages"][0]["timestamp"], "0");
    assert_eq!(v["messages"][1]["timestamp"], "-1");
    assert_eq!(v["contacts"].as_array().unwrap().len(), 1);
}

#[test]
fn business_scoped_user_ids_are_stable_and_shaped_like_meta() {
    let a = business_scoped_user_id("16505551234");
    assert_eq!(a, business_scoped_user_id("+1 650-555-1234"));
    assert_ne!(a, business_scoped_user_id("16505551235"));
    let (country, rest) = a.split_once('.').unwrap();
    assert_eq!(country, "US");
    assert!(!rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()), "{a}");
    assert!(business_scoped_user_id("447700900123").starts_with("GB."));
}
