//! Property tests of the template renderer: mutations of valid sends of Meta-shaped templates
//! (positional and named, text and media headers, buttons) and arbitrary `template` objects
//! never panic, and every rejection is a client error of the table with non-empty `details`.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::render::render;
use super::render::tests::every_kind;
use super::review::tests_support::template;
use crate::model::Template;
use crate::outbound::props::{arb_json, arb_mutations, assert_client_error, mutate, CASES};

/// Templates and a send each accepts.
fn cases() -> Vec<(Template, Value)> {
    vec![
        every_kind(),
        (
            template(
                "UTILITY",
                "NAMED",
                json!([
                    {"type": "HEADER", "format": "TEXT", "text": "Order {{order_id}}"},
                    {"type": "BODY", "text": "Thanks {{first_name}}!"},
                ]),
            ),
            json!({"name": "n", "language": {"code": "en_US"}, "components": [
                {"type": "header", "parameters": [{"type": "text", "parameter_name": "order_id", "text": "123"}]},
                {"type": "body", "parameters": [{"type": "text", "parameter_name": "first_name", "text": "Jessica"}]}]}),
        ),
        (
            template(
                "UTILITY",
                "POSITIONAL",
                json!([
                    {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1h"]}},
                    {"type": "BODY", "text": "Your receipt"},
                ]),
            ),
            json!({"name": "n", "language": {"code": "en_US"}, "components": [
                {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://example.com/r.png"}}]}]}),
        ),
        (
            template("UTILITY", "POSITIONAL", json!([{"type": "BODY", "text": "Hello {{1}}"}])),
            json!({"name": "n", "language": {"code": "en_US"}, "components": [
                {"type": "body", "parameters": [{"type": "text", "text": "World"}]}]}),
        ),
    ]
}

fn check(t: &Template, send: &Value) {
    if let Err(e) = render(t, send) {
        assert_client_error(&e, send);
    }
}

#[test]
fn the_valid_sends_render() {
    for (t, send) in cases() {
        assert!(render(&t, &send).is_ok(), "{send}: {:?}", render(&t, &send).err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn mutated_sends_render_or_are_refused_cleanly(which in any::<prop::sample::Index>(), muts in arb_mutations()) {
        let all = cases();
        let (t, send) = which.get(&all);
        check(t, &mutate(send.clone(), &muts));
    }

    #[test]
    fn arbitrary_sends_render_or_are_refused_cleanly(which in any::<prop::sample::Index>(), send in arb_json()) {
        let all = cases();
        let (t, _) = which.get(&all);
        check(t, &send);
    }
}
