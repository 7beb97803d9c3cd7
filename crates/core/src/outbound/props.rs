//! Property tests of the send-body validator: arbitrary JSON shaped like send bodies, and
//! mutations of Meta's examples (a value replaced, a key removed or added), never panic, and
//! every rejection is a client error of the table (4xx) with non-empty `details`. The JSON
//! strategies are shared with the template renderer's properties.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::parse_send;
use crate::error::{ApiError, ErrorCode};

/// Cases per property: enough to reach the nested validators, few enough for a fast suite.
pub(crate) const CASES: u32 = 1024;

/// Strings the validators treat specially, beside arbitrary ones.
fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        2 => "[a-z_]{0,12}",
        1 => prop::sample::select(vec![
            "whatsapp", "individual", "group", "text", "image", "document", "reaction", "template",
            "interactive", "button", "list", "cta_url", "flow", "body", "header", "quick_reply", "url",
            "16505551234", "+0016505551234", "+1 (650) 555-1234", "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI",
            "https://example.com/a.png", "ftp://x", "😀", "👍🏽", "{{1}}", "{{name}}", "12", "-1", "",
            "../../x", "en_US", "USD", "1977-02-25",
        ])
        .prop_map(str::to_string),
    ]
}

fn arb_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1.0e6f64..1.0e6).prop_map(|f| json!(f)),
        arb_string().prop_map(Value::String),
    ]
}

/// Arbitrary JSON, up to four levels deep, with keys often drawn from the send vocabulary.
pub(crate) fn arb_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        3 => prop::sample::select(vec![
            "messaging_product", "to", "type", "text", "body", "preview_url", "image", "id", "link",
            "caption", "filename", "context", "message_id", "reaction", "emoji", "interactive",
            "action", "buttons", "reply", "title", "sections", "rows", "template", "name", "language",
            "code", "components", "parameters", "sub_type", "index", "payload", "currency",
            "fallback_value", "amount_1000", "date_time", "location", "latitude", "longitude",
            "contacts", "phones", "status", "typing_indicator", "parameter_name",
        ])
        .prop_map(str::to_string),
        1 => "[a-z_]{1,10}",
    ];
    arb_leaf().prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One change to a JSON document, at the node chosen by `at` (an index into its nodes).
#[derive(Debug, Clone)]
pub(crate) enum Mutation {
    Replace(usize, Value),
    Remove(usize),
    Insert(usize, String, Value),
}

pub(crate) fn arb_mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        (any::<usize>(), arb_json()).prop_map(|(at, v)| Mutation::Replace(at, v)),
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), "[a-z_]{1,10}", arb_json()).prop_map(|(at, k, v)| Mutation::Insert(at, k, v)),
    ];
    prop::collection::vec(one, 1..4)
}

/// JSON pointers of every node of `v`, the root first.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            m.iter().for_each(|(k, c)| pointers(c, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out))
        }
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| pointers(c, format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// Apply `muts` to `doc`.
pub(crate) fn mutate(mut doc: Value, muts: &[Mutation]) -> Value {
    for m in muts {
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        let pick = |at: usize| all[at % all.len()].clone();
        match m {
            Mutation::Replace(at, v) => {
                if let Some(node) = doc.pointer_mut(&pick(*at)) {
                    *node = v.clone();
                }
            }
            Mutation::Remove(at) => {
                let p = pick(*at);
                if let Some((parent, last)) = p.rsplit_once('/') {
                    match doc.pointer_mut(parent) {
                        Some(Value::Object(o)) => {
                            o.remove(&last.replace("~1", "/").replace("~0", "~"));
                        }
                        Some(Value::Array(a)) => {
                            if let Ok(i) = last.parse::<usize>() {
                                if i < a.len() {
                                    a.remove(i);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            Mutation::Insert(at, k, v) => {
                if let Some(Value::Object(o)) = doc.pointer_mut(&pick(*at)) {
                    o.insert(k.clone(), v.clone());
                }
            }
        }
    }
    doc
}

/// A rejection must be a row of the table answered as a client error, with a reason.
pub(crate) fn assert_client_error(e: &ApiError, input: &Value) {
    assert!(ErrorCode::ALL.contains(&e.code), "{e:?}");
    let status = e.code.row().http_status;
    assert!((400..500).contains(&status), "{input} was answered with {status}: {e:?}");
    assert!(!e.details.trim().is_empty(), "{input}: a rejection without details: {e:?}");
}

/// Meta's examples of send bodies (the Cloud API reference's request samples).
fn meta_examples() -> Vec<Value> {
    let base = |t: &str, v: Value| json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "16505551234", "type": t, t: v});
    vec![
        base("text", json!({"preview_url": true, "body": "As requested, here's the link: https://example.com"})),
        base("image", json!({"id": "1479537139650973", "caption": "The best succulent ever?"})),
        base("image", json!({"link": "https://example.com/media/image.png"})),
        base("document", json!({"id": "1376223850470843", "filename": "order_abc123.pdf", "caption": "Your order"})),
        base("audio", json!({"id": "1013859600285441"})),
        base("sticker", json!({"link": "https://example.com/s.webp"})),
        base(
            "location",
            json!({"latitude": 37.44216251868683, "longitude": -122.16153582049394, "name": "Philz Coffee", "address": "101 Forest Ave"}),
        ),
        base(
            "reaction",
            json!({"message_id": "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=", "emoji": "😀"}),
        ),
        base(
            "contacts",
            json!([{"name": {"formatted_name": "Barbara J. Johnson", "first_name": "Barbara"},
            "phones": [{"phone": "+16505559999", "type": "HOME", "wa_id": "16505559999"}], "birthday": "1999-01-23"}]),
        ),
        base(
            "interactive",
            json!({"type": "button", "body": {"text": "Hi Pablo! Your gardening workshop is scheduled."},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "change-button", "title": "Change"}},
                                   {"type": "reply", "reply": {"id": "cancel-button", "title": "Cancel"}}]}}),
        ),
        base(
            "interactive",
            json!({"type": "list", "header": {"type": "text", "text": "Choose Shipping Option"},
            "body": {"text": "Which shipping option do you prefer?"}, "footer": {"text": "Lucky Shrub"},
            "action": {"button": "Shipping Options", "sections": [{"title": "I want it ASAP!", "rows": [
                {"id": "priority_express", "title": "Express Mail", "description": "Next Day to 2 Days"}]}]}}),
        ),
        base(
            "interactive",
            json!({"type": "cta_url", "body": {"text": "Tap the button below."},
            "action": {"name": "cta_url", "parameters": {"display_text": "See Dates", "url": "https://example.com"}}}),
        ),
        base(
            "template",
            json!({"name": "order_confirmation", "language": {"code": "en_US", "policy": "deterministic"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "Jessica"},
                {"type": "currency", "currency": {"fallback_value": "$100.99", "code": "USD", "amount_1000": 100990}},
                {"type": "date_time", "date_time": {"fallback_value": "February 25, 1977"}}]},
                {"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": [{"type": "payload", "payload": "STOP"}]}]}),
        ),
        json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI", "typing_indicator": {"type": "text"}}),
    ]
}

fn check(input: &Value) {
    let map = match input {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    if let Err(e) = parse_send(&map, "1") {
        assert_client_error(&e, input);
    }
}

#[test]
fn meta_examples_are_accepted() {
    for ex in meta_examples() {
        let m = ex.as_object().cloned().unwrap_or_default();
        assert!(parse_send(&m, "1").is_ok(), "{ex}: {:?}", parse_send(&m, "1").err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn arbitrary_bodies_are_accepted_or_refused_cleanly(
        mut body in prop::collection::btree_map("[a-z_]{1,12}", arb_json(), 0..6),
        kind in prop::sample::select(vec!["text", "image", "document", "reaction", "interactive", "template", "contacts", "location"]),
        payload in arb_json(),
    ) {
        body.insert("messaging_product".into(), json!("whatsapp"));
        body.insert("to".into(), json!("16505551234"));
        body.insert("type".into(), json!(kind));
        body.insert(kind.to_string(), payload);
        check(&Value::Object(body.into_iter().collect()));
    }

    #[test]
    fn mutated_meta_examples_are_accepted_or_refused_cleanly(
        which in any::<prop::sample::Index>(),
        muts in arb_mutations(),
    ) {
        let examples = meta_examples();
        let doc = mutate(which.get(&examples).clone(), &muts);
        check(&doc);
    }
}
