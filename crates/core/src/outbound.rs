//! Outbound (business → customer) message requests: parsing and validation.
//!
//! [`parse_send`] reads the body of `POST /{phone-number-id}/messages` and either returns
//! what to send (the recipient, the kind and the validated, normalised content) or the
//! error Meta answers with. Error codes follow Meta: a missing required value is `131008`,
//! a value that breaks a rule (length, range, format) is `131009`, an unknown key or a
//! value of the wrong JSON type is `100`, a type this server does not send is `131051`.
//! Every `details` text names the field it is about. Lengths are counted in Unicode scalar
//! values. A key whose value is `null` counts as absent.

mod contacts;
mod fields;
mod interactive;
mod plain;

pub use interactive::address;
pub use interactive::{order_details_summary, order_status_change};
pub use plain::PlainText;

use std::borrow::Cow;
use std::fmt;

use serde_json::{json, Map, Value};

use crate::error::{ApiError, ErrorCode};
use crate::filename::check_filename;
use crate::phone::WaId;
use crate::weburl::is_http_url;

use fields::{as_obj, check_len, clean, missing_one_of, unexpected, wrong_type};
use fields::{Obj, Res};

/// What a `POST /{phone-number-id}/messages` body asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum SendRequest {
    /// Send a message to a customer.
    Message(OutboundMessage),
    /// `{"messaging_product":"whatsapp","status":"read","message_id":"wamid…",
    /// "typing_indicator":{"type":"text"}?}`: mark an inbound message read, optionally
    /// showing a typing indicator.
    MarkRead { message_id: String, typing_indicator: bool },
}

/// A validated message to send.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundMessage {
    /// The recipient, normalised.
    pub to: WaId,
    /// Exactly what the client sent in `to` (echoed as `contacts[].input`).
    pub to_input: String,
    /// `"individual"` (the only kind supported).
    pub recipient_type: String,
    pub kind: MessageKind,
    /// The validated, normalised type object (the value under the key named by `type`):
    /// what the customer is shown. `null`-valued keys are dropped; text always carries
    /// `preview_url`; media carry `id` or `link` plus `caption`/`filename`; location
    /// coordinates are numbers; for contacts this is the array of contacts.
    pub content: Value,
    /// `context.message_id`: the message this one replies to.
    pub context_message_id: Option<String>,
    pub biz_opaque_callback_data: Option<String>,
}

/// Where the media of a media message comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaRef {
    /// A media id from `POST /{phone-number-id}/media`.
    Id(String),
    /// An http(s) URL to fetch.
    Link(String),
}

impl OutboundMessage {
    /// The media of an image, video, audio, document or sticker message.
    pub fn media_ref(&self) -> Option<MediaRef> {
        if !self.kind.is_media() {
            return None;
        }
        if let Some(id) = self.content.get("id").and_then(Value::as_str) {
            return Some(MediaRef::Id(id.to_string()));
        }
        self.content.get("link").and_then(Value::as_str).map(|l| MediaRef::Link(l.to_string()))
    }
}

/// The kinds of message a business can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    Text,
    Image,
    Video,
    Audio,
    Document,
    Sticker,
    Location,
    Contacts,
    Reaction,
    Interactive,
    Template,
}

impl MessageKind {
    pub const ALL: &'static [MessageKind] = &[
        MessageKind::Text,
        MessageKind::Image,
        MessageKind::Video,
        MessageKind::Audio,
        MessageKind::Document,
        MessageKind::Sticker,
        MessageKind::Location,
        MessageKind::Contacts,
        MessageKind::Reaction,
        MessageKind::Interactive,
        MessageKind::Template,
    ];

    /// The wire name (`type` and the key of the type object).
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Text => "text",
            MessageKind::Image => "image",
            MessageKind::Video => "video",
            MessageKind::Audio => "audio",
            MessageKind::Document => "document",
            MessageKind::Sticker => "sticker",
            MessageKind::Location => "location",
            MessageKind::Contacts => "contacts",
            MessageKind::Reaction => "reaction",
            MessageKind::Interactive => "interactive",
            MessageKind::Template => "template",
        }
    }

    /// The kind named `s` (exact wire name).
    pub fn parse(s: &str) -> Option<MessageKind> {
        MessageKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// Image, video, audio, document or sticker.
    pub fn is_media(self) -> bool {
        matches!(
            self,
            MessageKind::Image | MessageKind::Video | MessageKind::Audio | MessageKind::Document | MessageKind::Sticker
        )
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Top-level keys of a message body besides the type object.
const MESSAGE_KEYS: &[&str] = &[
    "messaging_product",
    "recipient_type",
    "to",
    "recipient",
    "type",
    "context",
    "biz_opaque_callback_data",
    "recipient_identity_key_hash",
];

/// Top-level keys of a mark-read body.
const MARK_READ_KEYS: &[&str] =
    &["messaging_product", "status", "message_id", "typing_indicator", "recipient_type", "to", "recipient", "type"];

const BIZ_OPAQUE_MAX: usize = 512;
const TEXT_BODY_MAX: usize = 4096;
const CAPTION_MAX: usize = 1024;

/// The business-scoped user id a message body is addressed to with `recipient`, when it has no
/// `to` (with both, `to` wins, as Meta documents) and is not a mark-read. Resolve it to the
/// customer's number and put that in `to` before [`parse_send`].
pub fn recipient_only(body: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    let recipient = match body.get("recipient") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.trim(),
        Some(_) => return Err(wrong_type("recipient", "a string")),
    };
    let has = |k: &str| body.get(k).is_some_and(|v| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty()));
    if recipient.is_empty() || has("to") || has("status") {
        return Ok(None);
    }
    Ok(Some(recipient.to_string()))
}

/// Parse and validate the body of `POST /{phone-number-id}/messages`.
/// `sender_calling_code` is the sending number's country calling code (`"1"`, `"44"`),
/// used for recipients written in national form; empty if unknown.
pub fn parse_send(body: &Map<String, Value>, sender_calling_code: &str) -> Result<SendRequest, ApiError> {
    let top = Obj { path: String::new(), map: body };

    match top.get("messaging_product") {
        // Meta's answer for this one is 100, not 131008: `(#100) The parameter
        // messaging_product is required.`
        None | Some(Value::Null) => return Err(ApiError::invalid("The parameter messaging_product is required.")),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("whatsapp") => {}
        Some(Value::String(s)) => {
            return Err(ApiError::invalid(format!("Param messaging_product must be one of {{WHATSAPP}} - got \"{s}\"")))
        }
        Some(_) => return Err(wrong_type("messaging_product", "a string")),
    }

    if let Some(status) = top.opt_str("status")? {
        if status.eq_ignore_ascii_case("read") {
            return parse_mark_read(&top);
        }
        return Err(ApiError::invalid(format!("Param status must be one of {{READ}} - got \"{status}\"")));
    }

    let type_name = top.opt_str("type")?.unwrap_or("text");
    let kind = MessageKind::parse(type_name).ok_or_else(|| {
        ApiError::new(
            ErrorCode::UnsupportedMessageType,
            format!(
                "type \"{type_name}\" is not a supported message type; supported types are {}",
                MessageKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )
    })?;

    for (key, value) in body {
        if value.is_null() || MESSAGE_KEYS.contains(&key.as_str()) || key == kind.as_str() {
            continue;
        }
        if key == "message_id" || key == "typing_indicator" {
            return Err(ApiError::invalid(format!(
                "Unexpected key \"{key}\" in the request body: it is only valid with \"status\":\"read\""
            )));
        }
        return Err(unexpected(key, ""));
    }

    let recipient_type = match top.opt_str("recipient_type")? {
        None => "individual",
        Some(s) if s.eq_ignore_ascii_case("individual") => "individual",
        Some(s) if s.eq_ignore_ascii_case("group") => {
            return Err(ApiError::bad_value("group messaging is not supported"))
        }
        Some(s) => {
            return Err(ApiError::invalid(format!(
                "Param recipient_type must be one of {{INDIVIDUAL, GROUP}} - got \"{s}\""
            )))
        }
    };

    // A `recipient` without `to` was resolved to `to` by the caller; one beside `to` is only
    // checked to be a string (`to` wins).
    top.opt_str("recipient")?;
    let to_input = match top.get("to") {
        None => return Err(ApiError::missing("to")),
        Some(Value::String(s)) => s.clone(),
        // A number written as a JSON number: take its digits.
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        Some(_) => return Err(wrong_type("to", "a string")),
    };
    if to_input.trim().is_empty() {
        return Err(ApiError::missing("to"));
    }
    let cc = Some(sender_calling_code).filter(|c| !c.is_empty());
    let to =
        WaId::parse(&to_input, cc).map_err(|e| ApiError::bad_value(format!("to is not a valid phone number: {e}")))?;

    let raw = top.get(kind.as_str()).ok_or_else(|| ApiError::missing(kind.as_str()))?;
    let raw = decode_form_json(raw);
    let content = match kind {
        MessageKind::Text => parse_text(&raw)?,
        MessageKind::Image | MessageKind::Video => parse_media(kind.as_str(), &raw, &["caption"])?,
        MessageKind::Document => parse_media("document", &raw, &["caption", "filename"])?,
        MessageKind::Audio => parse_media("audio", &raw, &["voice"])?,
        MessageKind::Sticker => parse_media("sticker", &raw, &[])?,
        MessageKind::Location => parse_location(&raw)?,
        MessageKind::Contacts => contacts::parse_contacts(&raw)?,
        MessageKind::Reaction => parse_reaction(&raw)?,
        MessageKind::Interactive => interactive::parse_interactive(&raw)?,
        MessageKind::Template => parse_template(&raw)?,
    };

    let context_message_id = match top.get("context") {
        None => None,
        Some(v) => {
            let v = decode_form_json(v);
            let ctx = as_obj("context", &v)?;
            ctx.allow(&["message_id"])?;
            // Meta: "You cannot send a reaction message as a contextual reply."
            if kind == MessageKind::Reaction {
                return Err(ApiError::bad_value("context: a reaction cannot be sent as a reply"));
            }
            Some(ctx.req_str("message_id")?.to_string())
        }
    };

    let biz_opaque_callback_data = top.opt_str("biz_opaque_callback_data")?;
    if let Some(b) = biz_opaque_callback_data {
        check_len("biz_opaque_callback_data", b, BIZ_OPAQUE_MAX)?;
    }
    top.opt_str("recipient_identity_key_hash")?;

    Ok(SendRequest::Message(OutboundMessage {
        to,
        to_input,
        recipient_type: recipient_type.to_string(),
        kind,
        content,
        context_message_id,
        biz_opaque_callback_data: biz_opaque_callback_data.map(str::to_string),
    }))
}

fn parse_mark_read(top: &Obj<'_>) -> Res<SendRequest> {
    top.allow(MARK_READ_KEYS)?;
    let message_id = top.req_str("message_id")?.to_string();
    let typing_indicator = match top.get("typing_indicator") {
        None => false,
        // Meta documents `{"type": "text"}`; SDKs in use send a boolean (`true`), which the
        // Cloud API takes as the same text indicator (and `false` as none).
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s == "true" || s == "false" => s == "true",
        Some(v) => {
            let v = decode_form_json(v);
            let t = as_obj("typing_indicator", &v)?;
            t.allow(&["type"])?;
            t.req_enum("type", &["text"])?;
            true
        }
    };
    Ok(SendRequest::MarkRead { message_id, typing_indicator })
}

/// Form posts carry objects as JSON text (`text={"body":"hi"}`): read those as JSON.
fn decode_form_json(v: &Value) -> Cow<'_, Value> {
    if let Value::String(s) = v {
        let t = s.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            if let Ok(parsed) = serde_json::from_str::<Value>(s) {
                return Cow::Owned(parsed);
            }
        }
    }
    Cow::Borrowed(v)
}

fn parse_text(v: &Value) -> Res<Value> {
    let o = as_obj("text", v)?;
    o.allow(&["body", "preview_url"])?;
    let body = o.req_str_max("body", TEXT_BODY_MAX)?;
    let preview_url = o.opt_bool("preview_url")?.unwrap_or(false);
    Ok(text_content(body, preview_url))
}

/// What a checked `text` object becomes (also [`PlainText`]'s).
fn text_content(body: &str, preview_url: bool) -> Value {
    json!({"body": body, "preview_url": preview_url})
}

/// A media object at `path`: exactly one of `id` (a numeric media id) or `link` (an
/// http(s) URL), plus those of `caption`, `filename` and `voice` (audio) that `optional`
/// allows. Also used for the media headers of interactive messages.
pub(crate) fn parse_media(path: &str, v: &Value, optional: &[&str]) -> Res<Value> {
    let o = as_obj(path, v)?;
    let mut keys = vec!["id", "link"];
    keys.extend_from_slice(optional);
    o.allow(&keys)?;
    let id = o.opt_str("id")?.filter(|s| !s.trim().is_empty());
    let link = o.opt_str("link")?.filter(|s| !s.trim().is_empty());
    let mut out = Map::new();
    match (id, link) {
        (None, None) => return Err(missing_one_of(&o.field("id"), &o.field("link"))),
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_value(format!(
                "{} and {} cannot both be set; use one of them",
                o.field("id"),
                o.field("link")
            )))
        }
        (Some(id), None) => {
            if !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ApiError::bad_value(format!(
                    "{} must be a media id (a numeric string) - got \"{id}\"",
                    o.field("id")
                )));
            }
            out.insert("id".into(), Value::String(id.to_string()));
        }
        (None, Some(link)) => {
            let link = link.trim();
            if !is_http_url(link) {
                return Err(ApiError::bad_value(format!(
                    "{} must be an http(s) URL - got \"{link}\"",
                    o.field("link")
                )));
            }
            out.insert("link".into(), Value::String(link.to_string()));
        }
    }
    if optional.contains(&"caption") {
        if let Some(c) = o.opt_str_max("caption", CAPTION_MAX)? {
            out.insert("caption".into(), Value::String(c.to_string()));
        }
    }
    if optional.contains(&"filename") {
        if let Some(f) = o.opt_str("filename")? {
            // The same rule as a customer's file names: no paths reach the other side.
            check_filename(f, &o.field("filename"))?;
            out.insert("filename".into(), Value::String(f.to_string()));
        }
    }
    // A voice message (an OGG/OPUS recording): the customer's app shows it as a voice note,
    // and the first time they play it the business gets a `played` status.
    if optional.contains(&"voice") && o.opt_bool("voice")? == Some(true) {
        out.insert("voice".into(), Value::Bool(true));
    }
    Ok(Value::Object(out))
}

fn parse_location(v: &Value) -> Res<Value> {
    let o = as_obj("location", v)?;
    o.allow(&["latitude", "longitude", "name", "address"])?;
    let mut out = Map::new();
    for (key, limit) in [("latitude", 90.0), ("longitude", 180.0)] {
        let n = o.opt_number(key)?.ok_or_else(|| ApiError::missing(&o.field(key)))?;
        let f = n.as_f64().unwrap_or(f64::NAN);
        if !(-limit..=limit).contains(&f) {
            return Err(ApiError::bad_value(format!(
                "{} must be between -{limit} and {limit} - got {n}",
                o.field(key)
            )));
        }
        out.insert(key.into(), Value::Number(n));
    }
    for key in ["name", "address"] {
        if let Some(s) = o.opt_str(key)? {
            out.insert(key.into(), Value::String(s.to_string()));
        }
    }
    Ok(Value::Object(out))
}

fn parse_reaction(v: &Value) -> Res<Value> {
    let o = as_obj("reaction", v)?;
    o.allow(&["message_id", "emoji"])?;
    let message_id = o.req_str("message_id")?;
    let emoji = o.opt_str("emoji")?.ok_or_else(|| ApiError::missing("reaction.emoji"))?;
    if !emoji.is_empty() && !is_single_emoji(emoji) {
        return Err(ApiError::bad_value(format!(
            "reaction.emoji must be a single emoji (or \"\" to remove a reaction) - got \"{emoji}\""
        )));
    }
    Ok(json!({"message_id": message_id, "emoji": emoji}))
}

/// One emoji, loosely: at most 10 scalar values (enough for skin-toned ZWJ sequences),
/// drawn from the emoji blocks and their joiners and modifiers, forming one cluster (ZWJ
/// sequences and regional-indicator pairs count once), or a keycap (`1️⃣`, `#️⃣`).
fn is_single_emoji(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() || chars.len() > 10 {
        return false;
    }
    if let [c, '\u{FE0F}', '\u{20E3}'] | [c, '\u{20E3}'] = chars.as_slice() {
        return c.is_ascii_digit() || *c == '#' || *c == '*';
    }
    let is_component = |c: char| {
        matches!(c as u32,
            0x200D | 0x20E3 | 0xFE0E | 0xFE0F | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F)
    };
    let is_emojiish = |c: char| match c as u32 {
        0x00A9 | 0x00AE | 0x203C | 0x2049 => true,
        0x2000..=0x206F => false,
        0x2070..=0x2BFF => true,
        0x3030 | 0x303D | 0x3297 | 0x3299 => true,
        0x1F000..=0x1FAFF => true,
        _ => false,
    };
    let mut clusters = 0;
    let mut after_zwj = false;
    let mut regional_run = 0;
    for &c in &chars {
        if is_component(c) {
            after_zwj = c == '\u{200D}';
            continue;
        }
        if !is_emojiish(c) {
            return false;
        }
        let regional = ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
        if after_zwj {
            after_zwj = false;
            regional_run = 0;
            continue;
        }
        if regional {
            regional_run += 1;
            if regional_run % 2 == 0 {
                continue;
            }
        } else {
            regional_run = 0;
        }
        clusters += 1;
    }
    clusters == 1
}

fn parse_template(v: &Value) -> Res<Value> {
    let o = as_obj("template", v)?;
    o.allow(&["name", "language", "components", "namespace"])?;
    o.req_str("name")?;
    o.opt_str("namespace")?;
    let lang = o.req_obj("language")?;
    lang.allow(&["code", "policy"])?;
    lang.req_str("code")?;
    lang.opt_enum("policy", &["deterministic"])?;
    if let Some(components) = o.opt_arr("components")? {
        let path = o.field("components");
        for (i, c) in components.iter().enumerate() {
            let c = as_obj(fields::index(&path, i), c)?;
            c.req_str("type")?;
        }
    }
    Ok(clean(v))
}

#[cfg(test)]
pub(crate) mod props;
#[cfg(test)]
mod tests;
