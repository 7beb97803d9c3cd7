//! Inbound (customer → business) messages and the webhook payloads built from them.
//!
//! A simulated customer sends a message through the customer API in the shape of one webhook
//! `messages[]` element without `from`, `id` and `timestamp` (the server assigns those):
//!
//! ```json
//! {"type":"text","text":{"body":"hi"},"context":{"id":"wamid…"},"referral":{…}}
//! ```
//!
//! Media types carry `{"media_id":"…"}` (the bytes were uploaded separately) instead of
//! `id`/`mime_type`/`sha256`. [`parse_customer_message`] validates such a message and returns an
//! [`InboundMessage`]; the builders in [`webhook`] turn it into Meta's webhook payloads.
//!
//! Errors follow the send API's conventions: a missing field → 131008, a bad value → 131009, an
//! unknown key or a wrong JSON type → 100, an unknown message type → 131051. Details name the
//! field by its path, e.g. `order.product_items[1].quantity`.

use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorCode};
use crate::filename::check_filename;

pub mod webhook;

pub use webhook::{
    address_sender, echoes_value, envelope, envelope_at, is_business_scoped_user_id, message_change, messages_value,
    new_business_scoped_user_id, request_welcome_message, status_change, status_json, statuses_value, system_value,
    unsupported_message, webhook_message, MediaInfo, StatusUpdate, WebhookContact, WebhookError, ECHOES_FIELD,
    ERROR_CODES_HREF, REQUEST_WELCOME,
};

/// Longest text body a customer can send (the WhatsApp client's limit).
pub const MAX_TEXT_BODY: usize = 65_536;
/// Longest media caption.
pub const MAX_CAPTION: usize = 1024;
/// Longest message id accepted in `context.id` and `reaction.message_id`.
pub const MAX_MESSAGE_ID: usize = 128;

/// The type of an inbound message, Meta's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InboundKind {
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
    Button,
    Order,
    /// A message the business's API cannot represent (`{"type":"unsupported"}` from the
    /// customer simulates one); the webhook carries error 131051.
    Unsupported,
}

impl InboundKind {
    pub const ALL: &'static [InboundKind] = &[
        InboundKind::Text,
        InboundKind::Image,
        InboundKind::Video,
        InboundKind::Audio,
        InboundKind::Document,
        InboundKind::Sticker,
        InboundKind::Location,
        InboundKind::Contacts,
        InboundKind::Reaction,
        InboundKind::Interactive,
        InboundKind::Button,
        InboundKind::Order,
        InboundKind::Unsupported,
    ];

    /// The `type` value, also the key of the type object.
    pub const fn as_str(self) -> &'static str {
        match self {
            InboundKind::Text => "text",
            InboundKind::Image => "image",
            InboundKind::Video => "video",
            InboundKind::Audio => "audio",
            InboundKind::Document => "document",
            InboundKind::Sticker => "sticker",
            InboundKind::Location => "location",
            InboundKind::Contacts => "contacts",
            InboundKind::Reaction => "reaction",
            InboundKind::Interactive => "interactive",
            InboundKind::Button => "button",
            InboundKind::Order => "order",
            InboundKind::Unsupported => "unsupported",
        }
    }

    pub fn parse(s: &str) -> Option<InboundKind> {
        InboundKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// True for the types that carry an uploaded media object.
    pub const fn is_media(self) -> bool {
        matches!(
            self,
            InboundKind::Image | InboundKind::Video | InboundKind::Audio | InboundKind::Document | InboundKind::Sticker
        )
    }

    /// Whether media of this MIME type can be sent as this kind: `image/*`, `video/*`,
    /// `audio/*`, stickers `image/webp`, documents anything. False for non-media kinds.
    pub fn accepts_mime(self, mime: &str) -> bool {
        let essence = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match self {
            InboundKind::Image => essence.starts_with("image/"),
            InboundKind::Video => essence.starts_with("video/"),
            InboundKind::Audio => essence.starts_with("audio/"),
            InboundKind::Sticker => essence == "image/webp",
            InboundKind::Document => essence.contains('/'),
            _ => false,
        }
    }

    /// Whether the message may quote an earlier one (`context`), and whether it must.
    fn context_rule(self) -> ContextRule {
        match self {
            InboundKind::Interactive | InboundKind::Button => ContextRule::Required,
            InboundKind::Reaction | InboundKind::Unsupported => ContextRule::Forbidden,
            _ => ContextRule::Optional,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ContextRule {
    Required,
    Optional,
    Forbidden,
}

/// A validated customer message.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    pub kind: InboundKind,
    /// The validated type object, normalised to what the webhook carries: `null` members
    /// dropped, media without `media_id` (held in [`InboundMessage::media_id`]) and with `voice`
    /// (audio) / `animated` (sticker) defaulted to `false`, an empty caption dropped, a reaction
    /// removal without `emoji`, `order.text` defaulted to `""`, `nfm_reply` `name`/`body`
    /// defaulted to `"flow"`/`"Sent"`. `{}` for `unsupported`.
    pub body: Value,
    /// For media kinds: the id of the customer's upload.
    pub media_id: Option<String>,
    /// The quoted message (`context.id`).
    pub context_id: Option<String>,
    /// The click-to-WhatsApp `referral` object, as given (without `null` members).
    pub referral: Option<Value>,
}

impl InboundMessage {
    /// For a reaction: true when it removes the customer's earlier reaction.
    pub fn is_reaction_removal(&self) -> bool {
        self.kind == InboundKind::Reaction && self.body.get("emoji").is_none()
    }

    /// For a reaction: the message reacted to.
    pub fn reaction_target(&self) -> Option<&str> {
        match self.kind {
            InboundKind::Reaction => self.body.get("message_id").and_then(Value::as_str),
            _ => None,
        }
    }
}

/// Validate what a customer sends through the customer API. See the module documentation.
pub fn parse_customer_message(v: &Value) -> Result<InboundMessage, ApiError> {
    let v = strip_nulls(v);
    let root = v.as_object().ok_or_else(|| ApiError::invalid("The message must be a JSON object."))?;

    let type_str = match root.get("type") {
        None => return Err(ApiError::missing("type")),
        Some(t) => string(t, "type")?,
    };
    let kind = InboundKind::parse(type_str).ok_or_else(|| {
        let supported: Vec<&str> = InboundKind::ALL.iter().map(|k| k.as_str()).collect();
        ApiError::new(
            ErrorCode::UnsupportedMessageType,
            format!(
                "Param type: message type \"{type_str}\" is not supported. Supported types: {}.",
                supported.join(", ")
            ),
        )
    })?;

    for key in root.keys() {
        let known = matches!(key.as_str(), "type" | "context" | "referral")
            || (kind != InboundKind::Unsupported && key == kind.as_str());
        if !known {
            return Err(unexpected_key(key, ""));
        }
    }

    let context_id = match root.get("context") {
        None => None,
        Some(c) => Some(parse_context(c)?),
    };
    match (kind.context_rule(), &context_id) {
        (ContextRule::Required, None) => return Err(ApiError::missing("context")),
        (ContextRule::Forbidden, Some(_)) => {
            return Err(ApiError::bad_value(format!("Param context is not allowed on {} messages.", kind.as_str())))
        }
        _ => {}
    }

    let referral = match root.get("referral") {
        None => None,
        Some(r) => {
            check_referral(r)?;
            Some(r.clone())
        }
    };

    let (body, media_id) = if kind == InboundKind::Unsupported {
        (Value::Object(Map::new()), None)
    } else {
        let key = kind.as_str();
        let raw = root.get(key).ok_or_else(|| ApiError::missing(key))?;
        parse_body(kind, raw)?
    };

    Ok(InboundMessage { kind, body, media_id, context_id, referral })
}

fn parse_body(kind: InboundKind, raw: &Value) -> Result<(Value, Option<String>), ApiError> {
    let key = kind.as_str();
    if kind.is_media() {
        return parse_media(kind, raw);
    }
    let body = match kind {
        InboundKind::Text => {
            let m = object(raw, key)?;
            only_keys(m, key, &["body"])?;
            let body = req_str(m, key, "body")?;
            let path = join(key, "body");
            if body.trim().is_empty() {
                return Err(empty(&path));
            }
            max_chars(body, &path, MAX_TEXT_BODY)?;
            raw.clone()
        }
        InboundKind::Location => {
            let m = object(raw, key)?;
            only_keys(m, key, &["latitude", "longitude", "name", "address", "url"])?;
            let lat = req_number(m, key, "latitude")?;
            if !(-90.0..=90.0).contains(&lat) {
                return Err(ApiError::bad_value("Param location.latitude must be between -90 and 90."));
            }
            let lon = req_number(m, key, "longitude")?;
            if !(-180.0..=180.0).contains(&lon) {
                return Err(ApiError::bad_value("Param location.longitude must be between -180 and 180."));
            }
            for f in ["name", "address", "url"] {
                opt_str(m, key, f)?;
            }
            raw.clone()
        }
        InboundKind::Contacts => {
            check_contacts(raw)?;
            raw.clone()
        }
        InboundKind::Reaction => {
            let m = object(raw, key)?;
            only_keys(m, key, &["message_id", "emoji"])?;
            let path = join(key, "message_id");
            let id = req_str(m, key, "message_id")?;
            if id.is_empty() {
                return Err(empty(&path));
            }
            max_chars(id, &path, MAX_MESSAGE_ID)?;
            let mut out = m.clone();
            match opt_str(m, key, "emoji")? {
                None => {}
                Some("") => {
                    out.remove("emoji");
                }
                Some(e) if looks_like_emoji(e) => {}
                Some(_) => {
                    return Err(ApiError::bad_value(
                        "Param reaction.emoji must be a single emoji, or empty to remove the reaction.",
                    ))
                }
            }
            Value::Object(out)
        }
        InboundKind::Interactive => parse_interactive(raw)?,
        InboundKind::Button => {
            let m = object(raw, key)?;
            only_keys(m, key, &["payload", "text"])?;
            for f in ["payload", "text"] {
                if req_str(m, key, f)?.is_empty() {
                    return Err(empty(&join(key, f)));
                }
            }
            raw.clone()
        }
        InboundKind::Order => {
            let m = object(raw, key)?;
            only_keys(m, key, &["catalog_id", "text", "product_items"])?;
            if req_str(m, key, "catalog_id")?.is_empty() {
                return Err(empty("order.catalog_id"));
            }
            let text = opt_str(m, key, "text")?.unwrap_or("");
            max_chars(text, "order.text", MAX_TEXT_BODY)?;
            let items_path = join(key, "product_items");
            let items = array(m.get("product_items").ok_or_else(|| ApiError::missing(&items_path))?, &items_path)?;
            if items.is_empty() {
                return Err(empty(&items_path));
            }
            for (i, item) in items.iter().enumerate() {
                check_order_item(item, &format!("{items_path}[{i}]"))?;
            }
            let mut out = m.clone();
            out.entry("text").or_insert_with(|| Value::from(""));
            Value::Object(out)
        }
        // Media kinds were handled above; `unsupported` has no type object.
        _ => Value::Object(Map::new()),
    };
    Ok((body, None))
}

fn parse_media(kind: InboundKind, raw: &Value) -> Result<(Value, Option<String>), ApiError> {
    let key = kind.as_str();
    let m = object(raw, key)?;
    let allowed: &[&str] = match kind {
        InboundKind::Image | InboundKind::Video => &["media_id", "caption"],
        InboundKind::Document => &["media_id", "caption", "filename"],
        InboundKind::Audio => &["media_id", "voice"],
        _ => &["media_id", "animated"],
    };
    only_keys(m, key, allowed)?;
    let id = req_str(m, key, "media_id")?;
    if id.trim().is_empty() {
        return Err(empty(&join(key, "media_id")));
    }
    let mut out = m.clone();
    out.remove("media_id");
    if let Some(caption) = opt_str(m, key, "caption")? {
        max_chars(caption, &join(key, "caption"), MAX_CAPTION)?;
        if caption.is_empty() {
            out.remove("caption");
        }
    }
    if let Some(name) = opt_str(m, key, "filename")? {
        check_filename(name, &join(key, "filename"))?;
    }
    for flag in ["voice", "animated"] {
        if allowed.contains(&flag) {
            let v = opt_bool(m, key, flag)?.unwrap_or(false);
            out.insert(flag.to_owned(), Value::Bool(v));
        }
    }
    Ok((Value::Object(out), Some(id.to_owned())))
}

fn parse_interactive(raw: &Value) -> Result<Value, ApiError> {
    let m = object(raw, "interactive")?;
    let t = match m.get("type") {
        None => return Err(ApiError::missing("interactive.type")),
        Some(t) => string(t, "interactive.type")?,
    };
    if !matches!(t, "button_reply" | "list_reply" | "nfm_reply") {
        return Err(ApiError::bad_value(format!(
            "Param interactive.type must be one of button_reply, list_reply, nfm_reply; got \"{t}\"."
        )));
    }
    only_keys(m, "interactive", &["type", t])?;
    let path = join("interactive", t);
    let reply = object(m.get(t).ok_or_else(|| ApiError::missing(&path))?, &path)?;
    let mut reply_out = reply.clone();
    match t {
        "button_reply" | "list_reply" => {
            let (id_max, title_max) = if t == "button_reply" { (256, 20) } else { (200, 24) };
            let allowed: &[&str] = if t == "button_reply" { &["id", "title"] } else { &["id", "title", "description"] };
            only_keys(reply, &path, allowed)?;
            for (f, max) in [("id", id_max), ("title", title_max)] {
                let s = req_str(reply, &path, f)?;
                if s.is_empty() {
                    return Err(empty(&join(&path, f)));
                }
                max_chars(s, &join(&path, f), max)?;
            }
            if let Some(d) = opt_str(reply, &path, "description")? {
                max_chars(d, &join(&path, "description"), 72)?;
            }
        }
        _ => {
            only_keys(reply, &path, &["name", "body", "response_json"])?;
            let name = opt_str(reply, &path, "name")?.unwrap_or("flow").to_owned();
            let body = opt_str(reply, &path, "body")?.unwrap_or("Sent").to_owned();
            let json_path = join(&path, "response_json");
            let rj = req_str(reply, &path, "response_json")?;
            match serde_json::from_str::<Value>(rj) {
                Ok(Value::Object(_)) => {}
                _ => {
                    return Err(ApiError::bad_value(format!(
                        "Param {json_path} must be a string holding a JSON object."
                    )))
                }
            }
            reply_out.insert("name".into(), Value::String(name));
            reply_out.insert("body".into(), Value::String(body));
        }
    }
    let mut out = Map::new();
    out.insert("type".into(), Value::String(t.to_owned()));
    out.insert(t.to_owned(), Value::Object(reply_out));
    Ok(Value::Object(out))
}

fn check_order_item(item: &Value, path: &str) -> Result<(), ApiError> {
    let m = object(item, path)?;
    only_keys(m, path, &["product_retailer_id", "quantity", "item_price", "currency"])?;
    if req_str(m, path, "product_retailer_id")?.is_empty() {
        return Err(empty(&join(path, "product_retailer_id")));
    }
    let qpath = join(path, "quantity");
    let q = m.get("quantity").ok_or_else(|| ApiError::missing(&qpath))?;
    let q = q.as_i64().ok_or_else(|| ApiError::invalid(format!("Param {qpath} must be an integer.")))?;
    if q < 1 {
        return Err(ApiError::bad_value(format!("Param {qpath} must be at least 1.")));
    }
    if req_number(m, path, "item_price")? < 0.0 {
        return Err(ApiError::bad_value(format!("Param {} must not be negative.", join(path, "item_price"))));
    }
    let c = req_str(m, path, "currency")?;
    if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::bad_value(format!(
            "Param {} must be a 3-letter ISO 4217 currency code, e.g. USD.",
            join(path, "currency")
        )));
    }
    Ok(())
}

const CONTACT_NAME_FIELDS: &[&str] = &["formatted_name", "first_name", "last_name", "middle_name", "suffix", "prefix"];
const CONTACT_ORG_FIELDS: &[&str] = &["company", "department", "title"];
const CONTACT_PHONE_FIELDS: &[&str] = &["phone", "wa_id", "type"];
const CONTACT_EMAIL_FIELDS: &[&str] = &["email", "type"];
const CONTACT_URL_FIELDS: &[&str] = &["url", "type"];
const CONTACT_ADDRESS_FIELDS: &[&str] = &["street", "city", "state", "zip", "country", "country_code", "type"];

fn check_contacts(raw: &Value) -> Result<(), ApiError> {
    let list = array(raw, "contacts")?;
    if list.is_empty() {
        return Err(empty("contacts"));
    }
    for (i, c) in list.iter().enumerate() {
        let path = format!("contacts[{i}]");
        let m = object(c, &path)?;
        only_keys(m, &path, &["name", "phones", "emails", "urls", "addresses", "org", "birthday"])?;
        let name_path = join(&path, "name");
        let name = m.get("name").ok_or_else(|| ApiError::missing(&name_path))?;
        let name = string_record(name, &name_path, CONTACT_NAME_FIELDS)?;
        let formatted = req_str(name, &name_path, "formatted_name")?;
        if formatted.trim().is_empty() {
            return Err(empty(&join(&name_path, "formatted_name")));
        }
        if let Some(org) = m.get("org") {
            string_record(org, &join(&path, "org"), CONTACT_ORG_FIELDS)?;
        }
        for (key, fields) in [
            ("phones", CONTACT_PHONE_FIELDS),
            ("emails", CONTACT_EMAIL_FIELDS),
            ("urls", CONTACT_URL_FIELDS),
            ("addresses", CONTACT_ADDRESS_FIELDS),
        ] {
            let Some(list) = m.get(key) else { continue };
            let list_path = join(&path, key);
            for (j, rec) in array(list, &list_path)?.iter().enumerate() {
                let rec_path = format!("{list_path}[{j}]");
                let rec = string_record(rec, &rec_path, fields)?;
                if key == "phones" {
                    if let Some(wa_id) = opt_str(rec, &rec_path, "wa_id")? {
                        if wa_id.is_empty() || !wa_id.bytes().all(|b| b.is_ascii_digit()) {
                            return Err(ApiError::bad_value(format!("Param {rec_path}.wa_id must be digits only.")));
                        }
                    }
                }
            }
        }
        if let Some(b) = opt_str(m, &path, "birthday")? {
            if !is_iso_date(b) {
                return Err(ApiError::bad_value(format!("Param {path}.birthday must be a date in YYYY-MM-DD format.")));
            }
        }
    }
    Ok(())
}

const REFERRAL_FIELDS: &[&str] = &[
    "source_url",
    "source_id",
    "source_type",
    "body",
    "headline",
    "media_type",
    "image_url",
    "video_url",
    "thumbnail_url",
    "ctwa_clid",
    "welcome_message",
];

fn check_referral(r: &Value) -> Result<(), ApiError> {
    let p = "referral";
    let m = object(r, p)?;
    only_keys(m, p, REFERRAL_FIELDS)?;
    for f in ["source_url", "source_id", "source_type"] {
        if req_str(m, p, f)?.is_empty() {
            return Err(empty(&join(p, f)));
        }
    }
    for f in ["body", "headline", "media_type", "image_url", "video_url", "thumbnail_url", "ctwa_clid"] {
        opt_str(m, p, f)?;
    }
    let source_type = req_str(m, p, "source_type")?;
    if !matches!(source_type, "ad" | "post") {
        return Err(ApiError::bad_value("Param referral.source_type must be \"ad\" or \"post\"."));
    }
    if source_type == "ad" && opt_str(m, p, "ctwa_clid")?.is_none_or(str::is_empty) {
        return Err(ApiError::missing("referral.ctwa_clid"));
    }
    let media_type = opt_str(m, p, "media_type")?;
    if let Some(t) = media_type {
        if !matches!(t, "image" | "video") {
            return Err(ApiError::bad_value("Param referral.media_type must be \"image\" or \"video\"."));
        }
    }
    for (f, needs) in [("image_url", "image"), ("video_url", "video"), ("thumbnail_url", "video")] {
        if m.contains_key(f) && media_type != Some(needs) {
            return Err(ApiError::bad_value(format!(
                "Param referral.{f} is only allowed with referral.media_type \"{needs}\"."
            )));
        }
    }
    // The inbox links them: a web address, never `javascript:` or a `data:` page.
    for f in ["source_url", "image_url", "video_url", "thumbnail_url"] {
        if opt_str(m, p, f)?.is_some_and(|u| !crate::weburl::is_http_url(u)) {
            return Err(ApiError::bad_value(format!("Param referral.{f} must be an http:// or https:// URL.")));
        }
    }
    if let Some(w) = m.get("welcome_message") {
        let wm = string_record(w, "referral.welcome_message", &["text"])?;
        req_str(wm, "referral.welcome_message", "text")?;
    }
    Ok(())
}

fn parse_context(c: &Value) -> Result<String, ApiError> {
    let m = object(c, "context")?;
    only_keys(m, "context", &["id"])?;
    let id = req_str(m, "context", "id")?;
    if id.is_empty() {
        return Err(empty("context.id"));
    }
    max_chars(id, "context.id", MAX_MESSAGE_ID)?;
    Ok(id.to_owned())
}

// ---- small validation helpers -------------------------------------------------------------

/// A copy of `v` without `null` object members (at any depth): clients that serialise absent
/// options as `null` are treated as if they had left the key out.
fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), strip_nulls(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

fn unexpected_key(key: &str, path: &str) -> ApiError {
    if path.is_empty() {
        ApiError::invalid(format!("Unexpected key \"{key}\" in the message."))
    } else {
        ApiError::invalid(format!("Unexpected key \"{key}\" on param \"{path}\"."))
    }
}

fn empty(path: &str) -> ApiError {
    ApiError::bad_value(format!("Param {path} must not be empty."))
}

fn max_chars(s: &str, path: &str, max: usize) -> Result<(), ApiError> {
    if s.chars().count() > max {
        return Err(ApiError::bad_value(format!("Param {path} must be at most {max} characters long.")));
    }
    Ok(())
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ApiError> {
    v.as_object().ok_or_else(|| ApiError::invalid(format!("Param {path} must be a JSON object.")))
}

fn array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, ApiError> {
    v.as_array().ok_or_else(|| ApiError::invalid(format!("Param {path} must be an array.")))
}

fn string<'a>(v: &'a Value, path: &str) -> Result<&'a str, ApiError> {
    v.as_str().ok_or_else(|| ApiError::invalid(format!("Param {path} must be a string.")))
}

fn only_keys(m: &Map<String, Value>, path: &str, allowed: &[&str]) -> Result<(), ApiError> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(unexpected_key(k, path)),
        None => Ok(()),
    }
}

fn req_str<'a>(m: &'a Map<String, Value>, parent: &str, key: &str) -> Result<&'a str, ApiError> {
    let path = join(parent, key);
    string(m.get(key).ok_or_else(|| ApiError::missing(&path))?, &path)
}

fn opt_str<'a>(m: &'a Map<String, Value>, parent: &str, key: &str) -> Result<Option<&'a str>, ApiError> {
    m.get(key).map(|v| string(v, &join(parent, key))).transpose()
}

fn opt_bool(m: &Map<String, Value>, parent: &str, key: &str) -> Result<Option<bool>, ApiError> {
    m.get(key)
        .map(|v| {
            v.as_bool().ok_or_else(|| ApiError::invalid(format!("Param {} must be a boolean.", join(parent, key))))
        })
        .transpose()
}

fn req_number(m: &Map<String, Value>, parent: &str, key: &str) -> Result<f64, ApiError> {
    let path = join(parent, key);
    m.get(key)
        .ok_or_else(|| ApiError::missing(&path))?
        .as_f64()
        .ok_or_else(|| ApiError::invalid(format!("Param {path} must be a number.")))
}

/// An object whose members are all strings, from a fixed set of keys.
fn string_record<'a>(v: &'a Value, path: &str, fields: &[&str]) -> Result<&'a Map<String, Value>, ApiError> {
    let m = object(v, path)?;
    only_keys(m, path, fields)?;
    for (k, v) in m {
        string(v, &join(path, k))?;
    }
    Ok(m)
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok()).flatten()
    };
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(_), Some(m), Some(d)) => (1..=12).contains(&m) && (1..=31).contains(&d),
        _ => false,
    }
}

/// A loose check that `s` is one emoji (possibly a ZWJ sequence, keycap, flag or with a skin
/// tone): a few code points, at least one outside ASCII, no letters, spaces or controls.
fn looks_like_emoji(s: &str) -> bool {
    let n = s.chars().count();
    (1..=16).contains(&n)
        && !s.is_ascii()
        && !s.chars().any(|c| c.is_ascii_alphabetic() || c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests;
