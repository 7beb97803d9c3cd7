//! [`PlainText`] against [`parse_send`]: a body read as plain text gives the message
//! `parse_send` gives of it, and every body that is not quite one is left to `parse_send`.

use super::*;

/// The plain reading of `raw`: `None` when it is not one, `Some(None)` when it is one that
/// breaks a rule.
fn plain(raw: &str) -> Option<Option<OutboundMessage>> {
    serde_json::from_str::<PlainText>(raw).ok().map(|p| p.message("1"))
}

fn slow(raw: &str) -> Result<SendRequest, ApiError> {
    let v: Value = serde_json::from_str(raw).expect("JSON");
    parse_send(v.as_object().expect("an object"), "1")
}

#[test]
fn a_plain_text_body_gives_the_message_parse_send_gives() {
    for raw in [
        r#"{"messaging_product":"whatsapp","to":"+1 (650) 555-1234","type":"text","text":{"body":"hi"}}"#,
        r#"{"messaging_product":"WhatsApp","recipient_type":"INDIVIDUAL","to":"16505551234","text":{"body":"hi","preview_url":true}}"#,
        r#"{"text":{"preview_url":false,"body":"مرحبا \u00e9 \" \\ \n"},"type":"text","to":"6505551234","messaging_product":"whatsapp"}"#,
        r#" {"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123","type":"text","text":{"body":"x"}} "#,
        // null counts as absent, as for parse_send.
        r#"{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"hi","preview_url":null}}"#,
    ] {
        let fast = plain(raw).unwrap_or_else(|| panic!("{raw} is a plain text body")).expect("accepted");
        assert_eq!(slow(raw), Ok(SendRequest::Message(fast)), "{raw}");
    }
    let longest = format!(
        r#"{{"messaging_product":"whatsapp","to":"16505551234","text":{{"body":"{}"}}}}"#,
        "é".repeat(TEXT_BODY_MAX)
    );
    assert_eq!(slow(&longest), Ok(SendRequest::Message(plain(&longest).expect("plain").expect("accepted"))));
}

#[test]
fn a_plain_text_body_that_breaks_a_rule_is_left_to_parse_send() {
    let too_long = format!(
        r#"{{"messaging_product":"whatsapp","to":"16505551234","text":{{"body":"{}"}}}}"#,
        "a".repeat(TEXT_BODY_MAX + 1)
    );
    for raw in [
        r#"{"messaging_product":"whatsapp","to":"  ","text":{"body":"hi"}}"#,
        r#"{"messaging_product":"whatsapp","to":"12","text":{"body":"hi"}}"#,
        r#"{"messaging_product":"whatsapp","to":"not a number","text":{"body":"hi"}}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"   "}}"#,
        too_long.as_str(),
    ] {
        assert!(matches!(plain(raw), Some(None)), "{raw}");
        assert!(slow(raw).is_err(), "{raw}");
    }
}

#[test]
fn anything_else_is_not_a_plain_text_body() {
    for raw in [
        // Other values, types and keys.
        r#"{"messaging_product":"telegram","to":"16505551234","text":{"body":"hi"}}"#,
        r#"{"messaging_product":"whatsapp","recipient_type":"group","to":"16505551234","text":{"body":"hi"}}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234","type":"TEXT","text":{"body":"hi"}}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234","type":"image","image":{"id":"1"}}"#,
        r#"{"messaging_product":"whatsapp","to":16505551234,"text":{"body":"hi"}}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"hi","preview_url":"true"}}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"hi","extra":1}}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234","text":"{\"body\":\"hi\"}"}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"hi"},"context":{"message_id":"wamid.x"}}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"hi"},"biz_opaque_callback_data":"x"}"#,
        r#"{"messaging_product":"whatsapp","recipient":"US.1","text":{"body":"hi"}}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"hi"},"access_token":"t"}"#,
        r#"{"messaging_product":"whatsapp","status":"read","message_id":"wamid.x"}"#,
        // null where the plain reading takes only a string: left to parse_send.
        r#"{"messaging_product":"whatsapp","recipient_type":null,"to":"16505551234","text":{"body":"hi"}}"#,
        // A repeated key: the map keeps the last value.
        r#"{"messaging_product":"whatsapp","to":"16505551234","to":"16505550000","text":{"body":"hi"}}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"hi"},"text":{"body":"yo"}}"#,
        // Missing parts.
        r#"{"to":"16505551234","text":{"body":"hi"}}"#,
        r#"{"messaging_product":"whatsapp","text":{"body":"hi"}}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234"}"#,
        r#"{"messaging_product":"whatsapp","to":"16505551234","text":{}}"#,
        // Not one JSON object.
        r#"{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"hi"}} x"#,
        r#"[]"#,
        "",
    ] {
        assert!(plain(raw).is_none(), "{raw} was read as a plain text body");
    }
}
