//! Tests of `parse_send`: the envelope, every message type, mark-read, form posts, and
//! request bodies taken from the examples of Meta's OpenAPI file (placeholders filled in).

mod plain;
mod spec_examples;

use super::*;
use serde_json::json;

const TO: &str = "+1 (650) 555-1234";

fn parse(v: Value) -> Result<SendRequest, ApiError> {
    parse_send(v.as_object().expect("a JSON object"), "1")
}

fn msg(v: Value) -> OutboundMessage {
    match parse(v.clone()) {
        Ok(SendRequest::Message(m)) => m,
        other => panic!("{v} gave {other:?}"),
    }
}

fn err(v: Value, code: ErrorCode, needle: &str) -> ApiError {
    let e = match parse(v.clone()) {
        Err(e) => e,
        Ok(r) => panic!("{v} was accepted: {r:?}"),
    };
    assert_eq!(e.code, code, "{v}: {e:?}");
    assert!(e.details.contains(needle), "{:?} does not mention {needle:?}", e.details);
    e
}

/// A message of `ty` with type object `obj`.
fn body(ty: &str, obj: Value) -> Value {
    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": TO,
           "type": ty, ty: obj})
}

fn text(obj: Value) -> Value {
    body("text", obj)
}

/// `v` with top-level `key` set to `value`.
fn with(mut v: Value, key: &str, value: Value) -> Value {
    v.as_object_mut().unwrap().insert(key.to_string(), value);
    v
}

fn without(mut v: Value, key: &str) -> Value {
    v.as_object_mut().unwrap().remove(key);
    v
}

// ---------------------------------------------------------------- envelope

#[test]
fn text_message_is_parsed_and_normalised() {
    let m = msg(with(
        with(text(json!({"body": "Hello 👋"})), "context", json!({"message_id": "wamid.ABC"})),
        "biz_opaque_callback_data",
        json!("order-7"),
    ));
    assert_eq!(m.to.as_str(), "16505551234");
    assert_eq!(m.to_input, TO);
    assert_eq!(m.recipient_type, "individual");
    assert_eq!(m.kind, MessageKind::Text);
    assert_eq!(m.content, json!({"body": "Hello 👋", "preview_url": false}));
    assert_eq!(m.context_message_id.as_deref(), Some("wamid.ABC"));
    assert_eq!(m.biz_opaque_callback_data.as_deref(), Some("order-7"));
    assert_eq!(m.media_ref(), None);
}

#[test]
fn type_defaults_to_text_and_recipient_type_to_individual() {
    let m = msg(json!({"messaging_product": "whatsapp", "to": "16505551234",
                       "text": {"body": "hi", "preview_url": true}}));
    assert_eq!(m.kind, MessageKind::Text);
    assert_eq!(m.recipient_type, "individual");
    assert_eq!(m.content, json!({"body": "hi", "preview_url": true}));
    assert_eq!(
        msg(with(text(json!({"body": "x"})), "recipient_type", json!("INDIVIDUAL"))).recipient_type,
        "individual"
    );
}

#[test]
fn messaging_product_rules() {
    // Meta answers `(#100) The parameter messaging_product is required.`, not 131008.
    let e =
        err(without(text(json!({"body": "x"})), "messaging_product"), ErrorCode::InvalidParameter, "messaging_product");
    assert_eq!(e.details, "The parameter messaging_product is required.");
    let e = err(
        with(text(json!({"body": "x"})), "messaging_product", json!("sms")),
        ErrorCode::InvalidParameter,
        "messaging_product",
    );
    assert_eq!(e.details, "Param messaging_product must be one of {WHATSAPP} - got \"sms\"");
    err(
        with(text(json!({"body": "x"})), "messaging_product", json!(1)),
        ErrorCode::InvalidParameter,
        "messaging_product",
    );
    msg(with(text(json!({"body": "x"})), "messaging_product", json!("WhatsApp")));
}

#[test]
fn unknown_types_are_131051() {
    for t in ["button", "order", "poll", "TEXT", "", "unsupported"] {
        let e = err(body(t, json!({})), ErrorCode::UnsupportedMessageType, "type");
        assert!(e.details.contains(&format!("\"{t}\"")), "{}", e.details);
    }
    err(with(text(json!({"body": "x"})), "type", json!(["text"])), ErrorCode::InvalidParameter, "type");
}

#[test]
fn to_rules() {
    err(without(text(json!({"body": "x"})), "to"), ErrorCode::RequiredParameterMissing, "to");
    err(with(text(json!({"body": "x"})), "to", json!(" ")), ErrorCode::RequiredParameterMissing, "to");
    let e =
        err(with(text(json!({"body": "x"})), "to", json!("+1 650 CALL ME")), ErrorCode::ParameterValueInvalid, "to");
    assert!(e.details.contains("the phone number contains the character 'C'"));
    err(with(text(json!({"body": "x"})), "to", json!("+123")), ErrorCode::ParameterValueInvalid, "7 to 15");
    err(with(text(json!({"body": "x"})), "to", json!(true)), ErrorCode::InvalidParameter, "to");
    let m = msg(with(text(json!({"body": "x"})), "to", json!(16505551234u64)));
    assert_eq!((m.to.as_str(), m.to_input.as_str()), ("16505551234", "16505551234"));
    // National form takes the sender's calling code.
    let v = with(text(json!({"body": "x"})), "to", json!("07700 900123"));
    match parse_send(v.as_object().unwrap(), "44").unwrap() {
        SendRequest::Message(m) => {
            assert_eq!(m.to.as_str(), "447700900123");
            assert_eq!(m.to_input, "07700 900123");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn recipient_type_rules() {
    let e = err(
        with(text(json!({"body": "x"})), "recipient_type", json!("group")),
        ErrorCode::ParameterValueInvalid,
        "group",
    );
    assert_eq!(e.details, "group messaging is not supported");
    err(
        with(text(json!({"body": "x"})), "recipient_type", json!("person")),
        ErrorCode::InvalidParameter,
        "recipient_type",
    );
    err(with(text(json!({"body": "x"})), "recipient_type", json!(1)), ErrorCode::InvalidParameter, "recipient_type");
}

#[test]
fn top_level_keys() {
    let e = err(with(text(json!({"body": "x"})), "foo", json!(1)), ErrorCode::InvalidParameter, "\"foo\"");
    assert_eq!(e.details, "Unexpected key \"foo\" in the request body");
    err(
        with(text(json!({"body": "x"})), "image", json!({"id": "1"})),
        ErrorCode::InvalidParameter,
        "Unexpected key \"image\"",
    );
    err(
        with(text(json!({"body": "x"})), "typing_indicator", json!({"type": "text"})),
        ErrorCode::InvalidParameter,
        "\"typing_indicator\"",
    );
    err(
        with(text(json!({"body": "x"})), "message_id", json!("wamid.X")),
        ErrorCode::InvalidParameter,
        "\"message_id\"",
    );
    // null-valued keys are absent; recipient_identity_key_hash is accepted.
    let v = with(
        with(with(text(json!({"body": "x"})), "image", Value::Null), "context", Value::Null),
        "recipient_identity_key_hash",
        json!("DF2lS5v2W6x="),
    );
    assert_eq!(msg(v).context_message_id, None);
    err(
        with(text(json!({"body": "x"})), "recipient_identity_key_hash", json!(5)),
        ErrorCode::InvalidParameter,
        "recipient_identity_key_hash",
    );
}

#[test]
fn type_object_is_required() {
    for t in ["text", "image", "location", "contacts", "interactive", "template", "reaction"] {
        let e = err(without(body(t, json!({})), t), ErrorCode::RequiredParameterMissing, t);
        assert_eq!(e.details, format!("The parameter {t} is required."));
    }
}

#[test]
fn context_rules() {
    let base = text(json!({"body": "x"}));
    err(with(base.clone(), "context", json!({})), ErrorCode::RequiredParameterMissing, "context.message_id");
    err(with(base.clone(), "context", json!({"message_id": 7})), ErrorCode::InvalidParameter, "context.message_id");
    err(
        with(base.clone(), "context", json!({"message_id": "wamid.A", "from": "1"})),
        ErrorCode::InvalidParameter,
        "Unexpected key \"from\" on param \"context\"",
    );
    err(with(base, "context", json!("wamid.A")), ErrorCode::InvalidParameter, "context");
    // A reaction is never a reply (Meta's contextual replies: limitations).
    let reaction = body("reaction", json!({"message_id": "wamid.A", "emoji": "👍"}));
    err(with(reaction, "context", json!({"message_id": "wamid.A"})), ErrorCode::ParameterValueInvalid, "reaction");
}

#[test]
fn contacts_at_most_257_cards() {
    let card = json!({"name": {"formatted_name": "Omar Said", "first_name": "Omar"}});
    msg(body("contacts", Value::Array(vec![card.clone(); 257])));
    err(body("contacts", Value::Array(vec![card; 258])), ErrorCode::ParameterValueInvalid, "at most 257");
}

#[test]
fn biz_opaque_callback_data_rules() {
    let base = text(json!({"body": "x"}));
    let m = msg(with(base.clone(), "biz_opaque_callback_data", json!("é".repeat(512))));
    assert_eq!(m.biz_opaque_callback_data.unwrap().chars().count(), 512);
    err(
        with(base.clone(), "biz_opaque_callback_data", json!("é".repeat(513))),
        ErrorCode::ParameterValueInvalid,
        "biz_opaque_callback_data must be at most 512 characters",
    );
    err(
        with(base, "biz_opaque_callback_data", json!({"a": 1})),
        ErrorCode::InvalidParameter,
        "biz_opaque_callback_data",
    );
}

// ---------------------------------------------------------------- text

#[test]
fn text_rules() {
    err(text(json!({})), ErrorCode::RequiredParameterMissing, "text.body");
    err(text(json!({"body": ""})), ErrorCode::RequiredParameterMissing, "text.body");
    err(text(json!({"body": 42})), ErrorCode::InvalidParameter, "text.body");
    let long = "€".repeat(4096);
    assert_eq!(msg(text(json!({"body": long}))).content["body"], json!(long));
    let e = err(text(json!({"body": "€".repeat(4097)})), ErrorCode::ParameterValueInvalid, "text.body");
    assert!(e.details.contains("4096"), "{}", e.details);
    for (v, want) in [(json!(true), true), (json!("true"), true), (json!("false"), false)] {
        let m = msg(text(json!({"body": "x", "preview_url": v})));
        assert_eq!(m.content["preview_url"], json!(want));
    }
    err(text(json!({"body": "x", "preview_url": "yes"})), ErrorCode::InvalidParameter, "text.preview_url");
    err(text(json!({"body": "x", "preview_url": 1})), ErrorCode::InvalidParameter, "text.preview_url");
    let e = err(text(json!({"body": "x", "foo": 1})), ErrorCode::InvalidParameter, "text");
    assert_eq!(e.details, "Unexpected key \"foo\" on param \"text\"");
    err(text(json!("hello")), ErrorCode::InvalidParameter, "text");
    err(text(json!(["hello"])), ErrorCode::InvalidParameter, "text");
}

// ---------------------------------------------------------------- media

#[test]
fn media_by_id_and_link() {
    for kind in
        [MessageKind::Image, MessageKind::Video, MessageKind::Audio, MessageKind::Document, MessageKind::Sticker]
    {
        let t = kind.as_str();
        let m = msg(body(t, json!({"id": "1013859600285441"})));
        assert_eq!(m.kind, kind);
        assert_eq!(m.content, json!({"id": "1013859600285441"}));
        assert_eq!(m.media_ref(), Some(MediaRef::Id("1013859600285441".into())));
        let m = msg(body(t, json!({"link": "https://cdn.example.com/f?x=1", "id": null})));
        assert_eq!(m.content, json!({"link": "https://cdn.example.com/f?x=1"}));
        assert_eq!(m.media_ref(), Some(MediaRef::Link("https://cdn.example.com/f?x=1".into())));
    }
}

#[test]
fn media_captions_and_filenames() {
    for t in ["image", "video", "document"] {
        let m = msg(body(t, json!({"id": "1", "caption": "c".repeat(1024)})));
        assert_eq!(m.content["caption"], json!("c".repeat(1024)));
        err(
            body(t, json!({"id": "1", "caption": "c".repeat(1025)})),
            ErrorCode::ParameterValueInvalid,
            &format!("{t}.caption must be at most 1024 characters"),
        );
        err(body(t, json!({"id": "1", "caption": 5})), ErrorCode::InvalidParameter, &format!("{t}.caption"));
    }
    for t in ["audio", "sticker"] {
        err(
            body(t, json!({"id": "1", "caption": "c"})),
            ErrorCode::InvalidParameter,
            &format!("Unexpected key \"caption\" on param \"{t}\""),
        );
    }
    for t in ["image", "video", "audio", "sticker"] {
        err(
            body(t, json!({"id": "1", "filename": "a.pdf"})),
            ErrorCode::InvalidParameter,
            &format!("Unexpected key \"filename\" on param \"{t}\""),
        );
    }
    let m = msg(body(
        "document",
        json!({"link": "http://example.com/r.pdf", "caption": "Receipt", "filename": "receipt.pdf"}),
    ));
    assert_eq!(m.content, json!({"link": "http://example.com/r.pdf", "caption": "Receipt", "filename": "receipt.pdf"}));
    err(body("document", json!({"id": "1", "filename": 3})), ErrorCode::InvalidParameter, "document.filename");
}

#[test]
fn media_source_rules() {
    err(body("image", json!({})), ErrorCode::RequiredParameterMissing, "image.id or image.link");
    err(body("video", json!({"caption": "c"})), ErrorCode::RequiredParameterMissing, "video.id or video.link");
    err(
        body("image", json!({"id": "1", "link": "https://e.com/x.jpg"})),
        ErrorCode::ParameterValueInvalid,
        "image.id and image.link",
    );
    for bad in ["ftp://e.com/x.jpg", "e.com/x.jpg", "https://", "http(s)://image-url"] {
        err(body("image", json!({"link": bad})), ErrorCode::ParameterValueInvalid, "image.link must be an http(s) URL");
    }
    for bad in ["abc", "12a", "<IMAGE_OBJECT_ID>", "-1"] {
        err(body("sticker", json!({"id": bad})), ErrorCode::ParameterValueInvalid, "sticker.id must be a media id");
    }
    err(body("audio", json!({"id": 123})), ErrorCode::InvalidParameter, "audio.id");
    err(
        body("audio", json!({"id": "1", "mime_type": "audio/ogg"})),
        ErrorCode::InvalidParameter,
        "Unexpected key \"mime_type\" on param \"audio\"",
    );
    err(body("image", json!("1")), ErrorCode::InvalidParameter, "image");
}

// ---------------------------------------------------------------- location

#[test]
fn location_rules() {
    let m = msg(body(
        "location",
        json!({"latitude": 37.758056, "longitude": -122.425332, "name": "META HQ",
               "address": "1 Hacker Way, Menlo Park, CA 94025"}),
    ));
    assert_eq!(m.kind, MessageKind::Location);
    assert_eq!(m.content["latitude"], json!(37.758056));
    assert_eq!(m.content["name"], json!("META HQ"));
    // Meta's schema types coordinates as strings: they are read as numbers.
    let m = msg(body("location", json!({"latitude": "-90", "longitude": " 180.0"})));
    assert_eq!(m.content, json!({"latitude": -90.0, "longitude": 180.0}));
    msg(body("location", json!({"latitude": 0, "longitude": 0})));
    err(body("location", json!({"longitude": 1})), ErrorCode::RequiredParameterMissing, "location.latitude");
    err(body("location", json!({"latitude": 1})), ErrorCode::RequiredParameterMissing, "location.longitude");
    err(
        body("location", json!({"latitude": 90.5, "longitude": 1})),
        ErrorCode::ParameterValueInvalid,
        "location.latitude must be between -90 and 90",
    );
    err(
        body("location", json!({"latitude": 1, "longitude": -180.01})),
        ErrorCode::ParameterValueInvalid,
        "location.longitude must be between -180 and 180",
    );
    err(
        body("location", json!({"latitude": "north", "longitude": 1})),
        ErrorCode::InvalidParameter,
        "location.latitude",
    );
    err(body("location", json!({"latitude": "NaN", "longitude": 1})), ErrorCode::InvalidParameter, "location.latitude");
    err(body("location", json!({"latitude": 1, "longitude": [1]})), ErrorCode::InvalidParameter, "location.longitude");
    err(
        body("location", json!({"latitude": 1, "longitude": 1, "name": 5})),
        ErrorCode::InvalidParameter,
        "location.name",
    );
    err(
        body("location", json!({"latitude": 1, "longitude": 1, "url": "x"})),
        ErrorCode::InvalidParameter,
        "Unexpected key \"url\" on param \"location\"",
    );
}

// ---------------------------------------------------------------- contacts

#[test]
fn contacts_through_parse_send() {
    let cards = json!([{"name": {"formatted_name": "John Smith", "first_name": "John"},
                        "phones": [{"phone": "+1 (650) 555-1234", "type": "WORK",
                                    "wa_id": "16505551234"}]}]);
    let m = msg(body("contacts", cards.clone()));
    assert_eq!(m.kind, MessageKind::Contacts);
    assert_eq!(m.content, cards);
    err(body("contacts", json!({"name": {"formatted_name": "J"}})), ErrorCode::InvalidParameter, "contacts");
    err(
        body("contacts", json!([{"name": {}}])),
        ErrorCode::RequiredParameterMissing,
        "contacts[0].name.formatted_name",
    );
}

// ---------------------------------------------------------------- reaction

#[test]
fn reactions() {
    for emoji in ["😀", "❤️", "❤", "👍🏽", "👨‍👩‍👧‍👦", "🇺🇸", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "1️⃣", "#️⃣", "🧑🏻‍❤️‍💋‍🧑🏼", "👁️‍🗨️", "©️", "™️", ""]
    {
        let m = msg(body("reaction", json!({"message_id": "wamid.HBgLM", "emoji": emoji})));
        assert_eq!(m.kind, MessageKind::Reaction);
        assert_eq!(m.content, json!({"message_id": "wamid.HBgLM", "emoji": emoji}), "{emoji}");
    }
    for bad in ["a", ":)", "ok", "😀😀", "🇺🇸🇬🇧", "😀 ", " ", "é", "1", "\u{FE0F}", "😀😀😀😀😀😀😀😀😀😀😀"]
    {
        err(
            body("reaction", json!({"message_id": "wamid.X", "emoji": bad})),
            ErrorCode::ParameterValueInvalid,
            "reaction.emoji",
        );
    }
    err(body("reaction", json!({"emoji": "😀"})), ErrorCode::RequiredParameterMissing, "reaction.message_id");
    err(
        body("reaction", json!({"message_id": "", "emoji": "😀"})),
        ErrorCode::RequiredParameterMissing,
        "reaction.message_id",
    );
    err(body("reaction", json!({"message_id": "wamid.X"})), ErrorCode::RequiredParameterMissing, "reaction.emoji");
    err(
        body("reaction", json!({"message_id": "wamid.X", "emoji": 128512})),
        ErrorCode::InvalidParameter,
        "reaction.emoji",
    );
    err(
        body("reaction", json!({"message_id": "wamid.X", "emoji": "😀", "to": "x"})),
        ErrorCode::InvalidParameter,
        "Unexpected key \"to\" on param \"reaction\"",
    );
}

// ---------------------------------------------------------------- interactive

#[test]
fn interactive_through_parse_send() {
    let i = json!({"type": "button", "body": {"text": "Yes or no?"}, "action": {"buttons": [
        {"type": "reply", "reply": {"id": "y", "title": "Yes"}},
        {"type": "reply", "reply": {"id": "n", "title": "No"}}]}});
    let m = msg(body("interactive", i.clone()));
    assert_eq!(m.kind, MessageKind::Interactive);
    assert_eq!(m.content, i);
    assert_eq!(m.media_ref(), None);
    err(
        body("interactive", json!({"type": "voice_call", "action": {}})),
        ErrorCode::UnsupportedMessageType,
        "interactive.type \"voice_call\"",
    );
    err(
        body(
            "interactive",
            json!({"type": "button", "body": {"text": "x"}, "action": {"buttons": [
            {"type": "reply", "reply": {"id": "1", "title": "1"}},
            {"type": "reply", "reply": {"id": "2", "title": "2"}},
            {"type": "reply", "reply": {"id": "3", "title": "3"}},
            {"type": "reply", "reply": {"id": "4", "title": "4"}}]}}),
        ),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.buttons must have at most 3 items",
    );
}

// ---------------------------------------------------------------- template

#[test]
fn template_rules() {
    let t = json!({"name": "hello_world", "language": {"code": "en_US"}});
    let m = msg(body("template", t.clone()));
    assert_eq!(m.kind, MessageKind::Template);
    assert_eq!(m.content, t);
    let t2 = json!({"name": "order_update", "language": {"policy": "deterministic", "code": "en"},
                    "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}]});
    assert_eq!(msg(body("template", t2.clone())).content, t2);
    err(body("template", json!({"language": {"code": "en"}})), ErrorCode::RequiredParameterMissing, "template.name");
    err(
        body("template", json!({"name": "", "language": {"code": "en"}})),
        ErrorCode::RequiredParameterMissing,
        "template.name",
    );
    err(body("template", json!({"name": 1, "language": {"code": "en"}})), ErrorCode::InvalidParameter, "template.name");
    err(body("template", json!({"name": "x"})), ErrorCode::RequiredParameterMissing, "template.language");
    err(body("template", json!({"name": "x", "language": "en_US"})), ErrorCode::InvalidParameter, "template.language");
    err(
        body("template", json!({"name": "x", "language": {"policy": "deterministic"}})),
        ErrorCode::RequiredParameterMissing,
        "template.language.code",
    );
    err(
        body("template", json!({"name": "x", "language": {"code": "en", "policy": "fallback"}})),
        ErrorCode::ParameterValueInvalid,
        "template.language.policy",
    );
    err(
        body("template", json!({"name": "x", "language": {"code": "en", "locale": "US"}})),
        ErrorCode::InvalidParameter,
        "Unexpected key \"locale\" on param \"template.language\"",
    );
    err(
        body("template", json!({"name": "x", "language": {"code": "en"}, "components": {}})),
        ErrorCode::InvalidParameter,
        "template.components",
    );
    err(
        body("template", json!({"name": "x", "language": {"code": "en"}, "components": ["body"]})),
        ErrorCode::InvalidParameter,
        "template.components[0]",
    );
    err(
        body("template", json!({"name": "x", "language": {"code": "en"}, "components": [{"parameters": []}]})),
        ErrorCode::RequiredParameterMissing,
        "template.components[0].type",
    );
    err(
        body("template", json!({"name": "x", "language": {"code": "en"}, "body": "hi"})),
        ErrorCode::InvalidParameter,
        "Unexpected key \"body\" on param \"template\"",
    );
}

// ---------------------------------------------------------------- mark read

#[test]
fn mark_read() {
    let r = parse(json!({"messaging_product": "whatsapp", "status": "read",
                         "message_id": "wamid.HBgL"}))
    .unwrap();
    assert_eq!(r, SendRequest::MarkRead { message_id: "wamid.HBgL".into(), typing_indicator: false });
    let r = parse(json!({"messaging_product": "whatsapp", "status": "read", "to": "16505551234",
                         "message_id": "wamid.HBgL", "typing_indicator": {"type": "text"}}))
    .unwrap();
    assert_eq!(r, SendRequest::MarkRead { message_id: "wamid.HBgL".into(), typing_indicator: true });
    let base = json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X"});
    err(without(base.clone(), "message_id"), ErrorCode::RequiredParameterMissing, "message_id");
    err(with(base.clone(), "message_id", json!(5)), ErrorCode::InvalidParameter, "message_id");
    err(without(base.clone(), "messaging_product"), ErrorCode::InvalidParameter, "messaging_product");
    err(
        with(base.clone(), "typing_indicator", json!({"type": "audio"})),
        ErrorCode::ParameterValueInvalid,
        "typing_indicator.type",
    );
    err(
        with(base.clone(), "typing_indicator", json!({})),
        ErrorCode::RequiredParameterMissing,
        "typing_indicator.type",
    );
    // The boolean SDKs send: `true` is the text indicator, `false` none; other scalars fail.
    for (v, on) in [(json!(true), true), (json!(false), false), (json!("true"), true)] {
        let r = parse(with(base.clone(), "typing_indicator", v)).unwrap();
        assert_eq!(r, SendRequest::MarkRead { message_id: "wamid.X".into(), typing_indicator: on });
    }
    err(with(base.clone(), "typing_indicator", json!(1)), ErrorCode::InvalidParameter, "typing_indicator");
    err(with(base.clone(), "typing_indicator", json!("yes")), ErrorCode::InvalidParameter, "typing_indicator");
    err(
        with(base.clone(), "typing_indicator", json!({"type": "text", "for": 5})),
        ErrorCode::InvalidParameter,
        "on param \"typing_indicator\"",
    );
    err(with(base.clone(), "status", json!("delivered")), ErrorCode::InvalidParameter, "status");
    err(with(base.clone(), "status", json!(1)), ErrorCode::InvalidParameter, "status");
    err(with(base, "text", json!({"body": "x"})), ErrorCode::InvalidParameter, "Unexpected key \"text\"");
}

// ---------------------------------------------------------------- form posts

#[test]
fn form_posts_carry_objects_as_json_text() {
    let m = msg(json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "text",
                       "text": "{\"body\":\"hi\",\"preview_url\":\"true\"}",
                       "context": "{\"message_id\":\"wamid.A\"}"}));
    assert_eq!(m.content, json!({"body": "hi", "preview_url": true}));
    assert_eq!(m.context_message_id.as_deref(), Some("wamid.A"));
    let m = msg(json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "location",
                       "location": "{\"latitude\":\"51.5\",\"longitude\":\"-0.12\"}"}));
    assert_eq!(m.content, json!({"latitude": 51.5, "longitude": -0.12}));
    let m = msg(json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "contacts",
                       "contacts": "[{\"name\":{\"formatted_name\":\"A\"}}]"}));
    assert_eq!(m.content, json!([{"name": {"formatted_name": "A"}}]));
    let r = parse(json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.A",
                         "typing_indicator": "{\"type\":\"text\"}"}))
    .unwrap();
    assert!(matches!(r, SendRequest::MarkRead { typing_indicator: true, .. }));
    err(
        json!({"messaging_product": "whatsapp", "to": "16505551234", "text": "{not json"}),
        ErrorCode::InvalidParameter,
        "text",
    );
}

#[test]
fn kinds() {
    for k in MessageKind::ALL {
        assert_eq!(MessageKind::parse(k.as_str()), Some(*k));
        assert_eq!(k.to_string(), k.as_str());
    }
    assert_eq!(MessageKind::ALL.len(), 11);
    assert_eq!(MessageKind::parse("Image"), None);
    let media: Vec<_> = MessageKind::ALL.iter().filter(|k| k.is_media()).collect();
    assert_eq!(media.len(), 5);
}
