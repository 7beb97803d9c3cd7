//! The most common send, a plain text message, read straight into its fields.
//!
//! `{"messaging_product":"whatsapp","to":"…","type":"text","text":{"body":"…"}}` (with
//! `recipient_type` and `preview_url` or without) is most of what a busy business sends. Read
//! through a JSON map and [`parse_send`](super::parse_send) it costs a string and a tree node
//! for every key, a dotted path for every field checked, and the map's drop; read here it costs
//! its two strings. Only a body that is exactly this shape, with values of exactly these JSON
//! types, is read here: anything else (another type, another key, `null`, a number for `to`, a
//! repeated key) is not a [`PlainText`], and a body that is one but breaks a rule (a blank or
//! invalid `to`, a blank or too long body) has no [`PlainText::message`]: both go through
//! [`parse_send`](super::parse_send), which answers them as it always has.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::{check_len, text_content, MessageKind, OutboundMessage, TEXT_BODY_MAX};
use crate::phone::WaId;

/// A body that has the shape of a plain text send (see the module).
#[derive(Debug, Deserialize)]
#[expect(dead_code, reason = "the three word fields are checked as they are read and hold nothing")]
#[serde(deny_unknown_fields)]
pub struct PlainText {
    /// `whatsapp`, in any case, as [`parse_send`](super::parse_send) takes it.
    #[serde(deserialize_with = "whatsapp")]
    messaging_product: (),
    /// `individual`, in any case.
    #[serde(default, deserialize_with = "individual")]
    recipient_type: (),
    to: String,
    /// `text` exactly (the default when absent).
    #[serde(rename = "type", default, deserialize_with = "text_type")]
    kind: (),
    text: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Text {
    body: String,
    #[serde(default)]
    preview_url: Option<bool>,
}

impl PlainText {
    /// The message to send, as [`parse_send`](super::parse_send) would make it of the same
    /// body; `None` when a rule is broken, for `parse_send` to answer.
    pub fn message(self, sender_calling_code: &str) -> Option<OutboundMessage> {
        let body = &self.text.body;
        if body.trim().is_empty() || check_len("text.body", body, TEXT_BODY_MAX).is_err() {
            return None;
        }
        // A blank `to` is refused here too (`WaId::parse` answers it as empty).
        let to = WaId::parse(&self.to, Some(sender_calling_code).filter(|c| !c.is_empty())).ok()?;
        Some(OutboundMessage {
            to,
            content: text_content(body, self.text.preview_url.unwrap_or(false)),
            to_input: self.to,
            recipient_type: "individual".to_string(),
            kind: MessageKind::Text,
            context_message_id: None,
            biz_opaque_callback_data: None,
        })
    }
}

fn whatsapp<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    word(d, "whatsapp", true)
}

fn individual<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    word(d, "individual", true)
}

fn text_type<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    word(d, MessageKind::Text.as_str(), false)
}

/// A string that is `want` (ASCII case ignored when `any_case`), read without keeping it.
fn word<'de, D: Deserializer<'de>>(d: D, want: &'static str, any_case: bool) -> Result<(), D::Error> {
    struct Word(&'static str, bool);
    impl Visitor<'_> for Word {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "the string {}", self.0)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
            match s == self.0 || (self.1 && s.eq_ignore_ascii_case(self.0)) {
                true => Ok(()),
                false => Err(E::invalid_value(de::Unexpected::Str(s), &self)),
            }
        }
    }
    d.deserialize_str(Word(want, any_case))
}
