use super::*;
use serde_json::json;

mod orders;
mod products;

fn ok(v: Value) {
    if let Err(e) = parse_interactive(&v) {
        panic!("{v} was rejected: {e:?}");
    }
}

fn err(v: Value, code: ErrorCode, needle: &str) {
    let e = parse_interactive(&v).unwrap_err();
    assert_eq!(e.code, code, "{v}: {e:?}");
    assert!(e.details.contains(needle), "{:?} does not mention {needle:?}", e.details);
}

/// `base` with the JSON pointer `ptr` set to `value` (the last step is inserted).
fn set(mut base: Value, ptr: &str, value: Value) -> Value {
    let (parent, key) = ptr.rsplit_once('/').unwrap();
    match base.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.insert(key.to_string(), value);
        }
        Some(Value::Array(a)) => a[key.parse::<usize>().unwrap()] = value,
        _ => panic!("{ptr}"),
    }
    base
}

fn without(mut base: Value, parent: &str, key: &str) -> Value {
    base.pointer_mut(parent).and_then(Value::as_object_mut).unwrap().remove(key);
    base
}

fn with(base: Value, parent: &str, key: &str, value: Value) -> Value {
    set(base, &format!("{parent}/{key}"), value)
}

fn button_msg() -> Value {
    json!({
        "type": "button",
        "header": {"type": "image", "image": {"link": "https://example.com/p.jpg"}},
        "body": {"text": "Pick a delivery slot"},
        "footer": {"text": "Reply within 24 hours"},
        "action": {"buttons": [
            {"type": "reply", "reply": {"id": "slot-am", "title": "Morning"}},
            {"type": "reply", "reply": {"id": "slot-pm", "title": "Afternoon"}},
            {"type": "reply", "reply": {"id": "slot-eve", "title": "Evening 🌙"}}
        ]}
    })
}

fn rows(prefix: &str, n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| {
                json!({"id": format!("{prefix}-{i}"), "title": format!("Row {i}"),
                            "description": "A row"})
            })
            .collect(),
    )
}

fn list_msg() -> Value {
    json!({
        "type": "list",
        "header": {"type": "text", "text": "Our menu"},
        "body": {"text": "What would you like?"},
        "footer": {"text": "Prices include VAT"},
        "action": {"button": "See options", "sections": [
            {"title": "Drinks", "rows": rows("d", 4)},
            {"title": "Food", "rows": rows("f", 6)}
        ]}
    })
}

fn items(prefix: &str, n: usize) -> Value {
    Value::Array((0..n).map(|i| json!({"product_retailer_id": format!("{prefix}-{i}")})).collect())
}

fn product_list_msg() -> Value {
    json!({
        "type": "product_list",
        "header": {"type": "text", "text": "Summer sale"},
        "body": {"text": "Our picks"},
        "action": {"catalog_id": "146265584024623", "sections": [
            {"title": "Shirts", "product_items": items("s", 20)},
            {"title": "Hats", "product_items": items("h", 10)}
        ]}
    })
}

fn flow_msg() -> Value {
    json!({
        "type": "flow",
        "header": {"type": "text", "text": "Sign up"},
        "body": {"text": "Join our loyalty programme"},
        "action": {"name": "flow", "parameters": {
            "flow_message_version": "3",
            "flow_token": "tok-1",
            "flow_id": "1234567890",
            "flow_cta": "Open Flow!",
            "mode": "published",
            "flow_action": "navigate",
            "flow_action_payload": {"screen": "WELCOME", "data": {"k": "v"}}
        }}
    })
}

#[test]
fn accepts_every_supported_type() {
    ok(button_msg());
    ok(set(button_msg(), "/header", json!({"type": "text", "text": "Hello", "sub_text": "there"})));
    ok(set(button_msg(), "/header", json!({"type": "video", "video": {"id": "1234567"}})));
    ok(set(button_msg(), "/header", json!({"type": "document", "document": {"id": "55", "filename": "menu.pdf"}})));
    ok(without(without(button_msg(), "", "header"), "", "footer"));
    ok(list_msg());
    ok(json!({"type": "list", "body": {"text": "b"}, "action": {"button": "Go",
        "sections": [{"rows": [{"id": "1", "title": "One"}]}]}}));
    ok(json!({"type": "product", "action": {"catalog_id": "1", "product_retailer_id": "sku"}}));
    ok(json!({"type": "product", "body": {"text": "b"}, "footer": {"text": "f"},
        "action": {"catalog_id": "1", "product_retailer_id": "sku"}}));
    ok(product_list_msg());
    ok(json!({"type": "catalog_message", "body": {"text": "Browse"},
        "action": {"name": "catalog_message",
                   "parameters": {"thumbnail_product_retailer_id": "2lc20305pt"}}}));
    ok(json!({"type": "catalog_message", "body": {"text": "Browse"},
        "action": {"name": "catalog_message"}}));
    ok(json!({"type": "cta_url",
        "header": {"type": "image", "image": {"link": "https://example.com/h.png"}},
        "body": {"text": "Tap to see the dates"}, "footer": {"text": "Dates subject to change"},
        "action": {"name": "cta_url", "parameters": {"display_text": "See Dates",
                   "url": "https://www.luckyshrub.com?clickID=kqDGWd24Q5TRwoEQTICY7W1JKoXvaZOXWAS7h1P76s0R7Paec4"}}}));
    ok(json!({"type": "location_request_message", "body": {"text": "Share your location"},
        "action": {"name": "send_location"}}));
    ok(flow_msg());
    ok(without(with(flow_msg(), "/action/parameters", "flow_name", json!("signup")), "/action/parameters", "flow_id"));
    ok(set(flow_msg(), "/action/parameters/flow_action", json!("data_exchange")));
    ok(json!({"type": "flow", "body": {"text": "b"}, "action": {"name": "flow",
        "parameters": {"flow_message_version": "3", "flow_cta": "Go", "flow_name": "x",
                       "mode": "draft"}}}));
}

#[test]
fn content_is_the_object_without_nulls() {
    let v = with(button_msg(), "", "footer", Value::Null);
    let out = parse_interactive(&v).unwrap();
    assert!(out.get("footer").is_none());
    assert_eq!(out["action"], button_msg()["action"]);
}

#[test]
fn type_rules() {
    err(without(button_msg(), "", "type"), ErrorCode::RequiredParameterMissing, "interactive.type");
    for t in ["call_permission_request", "voice_call", "buttons"] {
        err(set(button_msg(), "/type", json!(t)), ErrorCode::UnsupportedMessageType, t);
    }
    err(set(button_msg(), "/type", json!(1)), ErrorCode::InvalidParameter, "interactive.type");
    err(json!("button"), ErrorCode::InvalidParameter, "interactive");
    err(
        with(button_msg(), "", "cards", json!([])),
        ErrorCode::InvalidParameter,
        "Unexpected key \"cards\" on param \"interactive\"",
    );
    err(without(button_msg(), "", "action"), ErrorCode::RequiredParameterMissing, "interactive.action");
    err(set(button_msg(), "/action", json!([])), ErrorCode::InvalidParameter, "interactive.action");
}

#[test]
fn body_footer_header_rules() {
    err(without(button_msg(), "", "body"), ErrorCode::RequiredParameterMissing, "interactive.body");
    for t in ["list", "catalog_message", "cta_url", "location_request_message", "flow"] {
        err(json!({"type": t, "action": {}}), ErrorCode::RequiredParameterMissing, "interactive.body");
    }
    err(without(product_list_msg(), "", "body"), ErrorCode::RequiredParameterMissing, "interactive.body");
    err(set(button_msg(), "/body", json!({})), ErrorCode::RequiredParameterMissing, "interactive.body.text");
    err(set(button_msg(), "/body/text", json!("")), ErrorCode::RequiredParameterMissing, "interactive.body.text");
    ok(set(button_msg(), "/body/text", json!("é".repeat(1024))));
    err(
        set(button_msg(), "/body/text", json!("é".repeat(1025))),
        ErrorCode::ParameterValueInvalid,
        "interactive.body.text must be at most 1024 characters",
    );
    err(set(button_msg(), "/body/style", json!("x")), ErrorCode::InvalidParameter, "interactive.body");
    ok(set(button_msg(), "/footer/text", json!("f".repeat(60))));
    err(
        set(button_msg(), "/footer/text", json!("f".repeat(61))),
        ErrorCode::ParameterValueInvalid,
        "interactive.footer.text",
    );
    err(set(button_msg(), "/footer", json!("x")), ErrorCode::InvalidParameter, "interactive.footer");

    err(
        set(button_msg(), "/header", json!({"text": "x"})),
        ErrorCode::RequiredParameterMissing,
        "interactive.header.type",
    );
    err(
        set(button_msg(), "/header", json!({"type": "audio", "audio": {"id": "1"}})),
        ErrorCode::ParameterValueInvalid,
        "interactive.header.type",
    );
    err(
        set(button_msg(), "/header", json!({"type": "text"})),
        ErrorCode::RequiredParameterMissing,
        "interactive.header.text",
    );
    err(
        set(button_msg(), "/header", json!({"type": "text", "text": "h".repeat(61)})),
        ErrorCode::ParameterValueInvalid,
        "interactive.header.text",
    );
    err(
        set(button_msg(), "/header", json!({"type": "text", "text": "h", "sub_text": "s".repeat(61)})),
        ErrorCode::ParameterValueInvalid,
        "interactive.header.sub_text",
    );
    err(
        set(button_msg(), "/header", json!({"type": "text", "text": "h", "image": {"id": "1"}})),
        ErrorCode::InvalidParameter,
        "\"image\"",
    );
    err(
        set(button_msg(), "/header", json!({"type": "image", "video": {"id": "1"}})),
        ErrorCode::InvalidParameter,
        "\"video\"",
    );
    err(
        set(button_msg(), "/header", json!({"type": "image"})),
        ErrorCode::RequiredParameterMissing,
        "interactive.header.image",
    );
    err(
        set(button_msg(), "/header/image", json!({})),
        ErrorCode::RequiredParameterMissing,
        "interactive.header.image.id",
    );
    err(
        set(button_msg(), "/header/image", json!({"link": "https://e.com/x", "caption": "c"})),
        ErrorCode::InvalidParameter,
        "on param \"interactive.header.image\"",
    );
    err(
        set(button_msg(), "/header/image", json!({"link": "ftp://e.com/x"})),
        ErrorCode::ParameterValueInvalid,
        "interactive.header.image.link",
    );
    err(
        set(button_msg(), "/header/image", json!({"id": "abc"})),
        ErrorCode::ParameterValueInvalid,
        "interactive.header.image.id",
    );
    err(
        set(button_msg(), "/header", json!({"type": "image", "image": {"id": "1", "filename": "x"}})),
        ErrorCode::InvalidParameter,
        "\"filename\"",
    );
    err(set(button_msg(), "/header", json!("Hello")), ErrorCode::InvalidParameter, "interactive.header");

    for t in ["product", "catalog_message", "location_request_message"] {
        err(
            json!({"type": t, "header": {"type": "text", "text": "h"}, "body": {"text": "b"}, "action": {}}),
            ErrorCode::ParameterValueInvalid,
            "interactive.header is not allowed",
        );
    }
    err(without(product_list_msg(), "", "header"), ErrorCode::RequiredParameterMissing, "interactive.header");
    err(
        set(product_list_msg(), "/header", json!({"type": "image", "image": {"id": "1"}})),
        ErrorCode::ParameterValueInvalid,
        "interactive.header.type must be text",
    );
    err(
        set(list_msg(), "/header", json!({"type": "video", "video": {"id": "1"}})),
        ErrorCode::ParameterValueInvalid,
        "interactive.header.type must be text",
    );
}

#[test]
fn button_rules() {
    let four = with(button_msg(), "/action", "buttons", {
        let mut b = button_msg()["action"]["buttons"].as_array().unwrap().clone();
        b.push(json!({"type": "reply", "reply": {"id": "x", "title": "X"}}));
        Value::Array(b)
    });
    err(four, ErrorCode::ParameterValueInvalid, "interactive.action.buttons must have at most 3 items");
    err(
        set(button_msg(), "/action/buttons", json!([])),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.buttons must have at least 1 item",
    );
    err(set(button_msg(), "/action", json!({})), ErrorCode::RequiredParameterMissing, "interactive.action.buttons");
    err(
        set(button_msg(), "/action/buttons", json!({"type": "reply"})),
        ErrorCode::InvalidParameter,
        "interactive.action.buttons",
    );
    err(
        set(button_msg(), "/action/button", json!("x")),
        ErrorCode::InvalidParameter,
        "on param \"interactive.action\"",
    );
    err(
        set(button_msg(), "/action/buttons/0/type", json!("url")),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.buttons[0].type",
    );
    err(
        without(button_msg(), "/action/buttons/0", "type"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.buttons[0].type",
    );
    err(
        without(button_msg(), "/action/buttons/1", "reply"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.buttons[1].reply",
    );
    err(
        set(button_msg(), "/action/buttons/2", json!("Evening")),
        ErrorCode::InvalidParameter,
        "interactive.action.buttons[2]",
    );
    err(
        set(button_msg(), "/action/buttons/0/reply/id", json!("")),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.buttons[0].reply.id",
    );
    ok(set(button_msg(), "/action/buttons/0/reply/id", json!("i".repeat(256))));
    err(
        set(button_msg(), "/action/buttons/0/reply/id", json!("i".repeat(257))),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.buttons[0].reply.id",
    );
    ok(set(button_msg(), "/action/buttons/1/reply/title", json!("ü".repeat(20))));
    err(
        set(button_msg(), "/action/buttons/1/reply/title", json!("t".repeat(21))),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.buttons[1].reply.title must be at most 20 characters",
    );
    err(
        without(button_msg(), "/action/buttons/1/reply", "title"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.buttons[1].reply.title",
    );
    err(
        set(button_msg(), "/action/buttons/1/reply/title", json!(7)),
        ErrorCode::InvalidParameter,
        "interactive.action.buttons[1].reply.title",
    );
    err(
        set(button_msg(), "/action/buttons/1/reply/payload", json!("x")),
        ErrorCode::InvalidParameter,
        "interactive.action.buttons[1].reply",
    );
    err(
        set(button_msg(), "/action/buttons/2/reply/id", json!("slot-am")),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.buttons[2].reply.id must be unique",
    );
    err(
        set(button_msg(), "/action/buttons/2/reply/title", json!("Morning")),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.buttons[2].reply.title must be unique",
    );
}

#[test]
fn list_rules() {
    err(without(list_msg(), "/action", "button"), ErrorCode::RequiredParameterMissing, "interactive.action.button");
    err(
        set(list_msg(), "/action/button", json!("b".repeat(21))),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.button",
    );
    err(without(list_msg(), "/action", "sections"), ErrorCode::RequiredParameterMissing, "interactive.action.sections");
    err(
        set(list_msg(), "/action/sections", json!([])),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections must have at least 1 item",
    );
    let eleven: Vec<Value> =
        (0..11).map(|i| json!({"title": format!("S{i}"), "rows": [{"id": format!("r{i}"), "title": "t"}]})).collect();
    err(
        set(list_msg(), "/action/sections", Value::Array(eleven)),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections must have at most 10 items",
    );
    err(
        set(list_msg(), "/action/sections/0/rows", rows("d", 5)),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections must have at most 10 rows in total (got 11)",
    );
    err(
        set(list_msg(), "/action/sections/0/rows", rows("d", 11)),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections[0].rows must have at most 10 items",
    );
    err(
        set(list_msg(), "/action/sections/1/rows", json!([])),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections[1].rows must have at least 1 item",
    );
    err(
        without(list_msg(), "/action/sections/1", "rows"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.sections[1].rows",
    );
    err(
        without(list_msg(), "/action/sections/1", "title"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.sections[1].title",
    );
    err(
        set(list_msg(), "/action/sections/1/title", json!("s".repeat(25))),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections[1].title",
    );
    err(
        set(list_msg(), "/action/sections/1/rows/2/id", json!("r".repeat(201))),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections[1].rows[2].id",
    );
    ok(set(list_msg(), "/action/sections/1/rows/2/id", json!("r".repeat(200))));
    err(
        set(list_msg(), "/action/sections/1/rows/2/title", json!("r".repeat(25))),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections[1].rows[2].title",
    );
    ok(set(list_msg(), "/action/sections/1/rows/2/title", json!("r".repeat(24))));
    err(
        set(list_msg(), "/action/sections/1/rows/2/description", json!("d".repeat(73))),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections[1].rows[2].description",
    );
    ok(set(list_msg(), "/action/sections/1/rows/2/description", json!("d".repeat(72))));
    err(
        without(list_msg(), "/action/sections/1/rows/2", "title"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.sections[1].rows[2].title",
    );
    err(
        set(list_msg(), "/action/sections/1/rows/2/id", json!("d-0")),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.sections[1].rows[2].id must be unique",
    );
    err(
        set(list_msg(), "/action/sections/1/rows/2/icon", json!("x")),
        ErrorCode::InvalidParameter,
        "on param \"interactive.action.sections[1].rows[2]\"",
    );
    err(
        set(list_msg(), "/action/sections/0/product_items", json!([])),
        ErrorCode::InvalidParameter,
        "\"product_items\"",
    );
}

#[test]
fn flow_rules() {
    let f = flow_msg();
    err(set(f.clone(), "/action/name", json!("flows")), ErrorCode::ParameterValueInvalid, "interactive.action.name");
    err(
        without(f.clone(), "/action", "parameters"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.parameters",
    );
    err(
        set(f.clone(), "/action/parameters/flow_message_version", json!("2")),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.flow_message_version",
    );
    err(
        set(f.clone(), "/action/parameters/flow_message_version", json!(3)),
        ErrorCode::InvalidParameter,
        "interactive.action.parameters.flow_message_version",
    );
    err(
        without(f.clone(), "/action/parameters", "flow_message_version"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.parameters.flow_message_version",
    );
    err(
        without(f.clone(), "/action/parameters", "flow_cta"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.parameters.flow_cta",
    );
    ok(set(f.clone(), "/action/parameters/flow_cta", json!("c".repeat(30))));
    err(
        set(f.clone(), "/action/parameters/flow_cta", json!("c".repeat(31))),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.flow_cta",
    );
    err(
        without(f.clone(), "/action/parameters", "flow_id"),
        ErrorCode::RequiredParameterMissing,
        "interactive.action.parameters.flow_id or interactive.action.parameters.flow_name",
    );
    err(
        with(f.clone(), "/action/parameters", "flow_name", json!("n")),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.flow_id and interactive.action.parameters.flow_name",
    );
    err(
        set(f.clone(), "/action/parameters/mode", json!("test")),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.mode",
    );
    err(
        set(f.clone(), "/action/parameters/flow_action", json!("open")),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.flow_action",
    );
    err(
        set(f.clone(), "/action/parameters/flow_token", json!(12)),
        ErrorCode::InvalidParameter,
        "interactive.action.parameters.flow_token",
    );
    err(
        set(f.clone(), "/action/parameters/flow_action_payload/data", json!({})),
        ErrorCode::ParameterValueInvalid,
        "interactive.action.parameters.flow_action_payload.data",
    );
    err(
        set(f.clone(), "/action/parameters/flow_action_payload/data", json!([1])),
        ErrorCode::InvalidParameter,
        "interactive.action.parameters.flow_action_payload.data",
    );
    err(
        set(f.clone(), "/action/parameters/flow_action_payload/next", json!("x")),
        ErrorCode::InvalidParameter,
        "interactive.action.parameters.flow_action_payload",
    );
    err(set(f, "/action/parameters/flow_json", json!("{}")), ErrorCode::InvalidParameter, "\"flow_json\"");
}

#[test]
fn meta_s_newer_rules_for_ids_sections_and_cards() {
    // A reply id has no leading or trailing spaces.
    err(
        set(button_msg(), "/action/buttons/0/reply/id", json!(" slot-am ")),
        ErrorCode::ParameterValueInvalid,
        "spaces",
    );
    // One product section needs no title; two need theirs.
    let one = set(product_list_msg(), "/action/sections", json!([{"product_items": items("s", 3)}]));
    ok(one);
    err(without(product_list_msg(), "/action/sections/1", "title"), ErrorCode::RequiredParameterMissing, "title");
}
