use serde_json::{json, Value};

use super::*;

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
        (referral(json!({"source_url": "https://fb.me/u", "source_type": "post"})), 131008, "referral.source_id"),
        (referral(json!({"source_url": "https://fb.me/u", "source_id": "1"})), 131008, "referral.source_type"),
        (
            referral(json!({"source_url": "https://fb.me/u", "source_id": "1", "source_type": "story"})),
            131009,
            "referral.source_type",
        ),
        (
            referral(json!({"source_url": "https://fb.me/u", "source_id": "1", "source_type": "ad"})),
            131008,
            "referral.ctwa_clid",
        ),
        (
            referral(
                json!({"source_url": "https://fb.me/u", "source_id": "1", "source_type": "post", "media_type": "gif"}),
            ),
            131009,
            "referral.media_type",
        ),
        (
            referral(
                json!({"source_url": "https://fb.me/u", "source_id": "1", "source_type": "post", "media_type": "video",
            "image_url": "i"}),
            ),
            131009,
            "referral.image_url",
        ),
        (
            referral(
                json!({"source_url": "https://fb.me/u", "source_id": "1", "source_type": "post", "thumbnail_url": "t"}),
            ),
            131009,
            "referral.thumbnail_url",
        ),
        (
            referral(json!({"source_url": "javascript:alert(1)", "source_id": "1", "source_type": "post"})),
            131009,
            "referral.source_url",
        ),
        (
            referral(json!({"source_url": "https://fb.me/u", "source_id": "1", "source_type": "post", "headline": 1})),
            100,
            "referral.headline",
        ),
        (
            referral(
                json!({"source_url": "https://fb.me/u", "source_id": "1", "source_type": "post", "welcome_message": {}}),
            ),
            131008,
            "referral.welcome_message.text",
        ),
        (
            referral(
                json!({"source_url": "https://fb.me/u", "source_id": "1", "source_type": "post", "campaign": "c"}),
            ),
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
