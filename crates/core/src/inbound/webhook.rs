//! Builders of `messages`-field webhook payloads in Meta's exact shape: inbound messages,
//! message statuses, and the `{"object":"whatsapp_business_account","entry":[…]}` envelope.
//!
//! Timestamps inside `messages[]` and `statuses[]` are strings of Unix seconds; `entry[].time`
//! (used by Meta on non-message fields only) is an integer of seconds.

use serde_json::{json, Map, Value};

use super::{InboundKind, InboundMessage};
use crate::clock::Millis;
use crate::error::ApiError;

/// `href` of asynchronous errors: Meta's error-code page.
pub const ERROR_CODES_HREF: &str = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

/// The business-side media object of an inbound media message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaInfo {
    /// The media id the business downloads with.
    pub id: String,
    pub mime_type: String,
    /// Base64 SHA-256 of the bytes, as Meta sends it.
    pub sha256: String,
    /// Direct download URL (Meta includes it since 2025-11); omitted when `None`.
    pub url: Option<String>,
}

/// Unix seconds as the string Meta puts in `timestamp`.
fn secs_string(ms: Millis) -> String {
    ms.div_euclid(1000).to_string()
}

/// Only the digits of a phone number: Meta writes `display_phone_number` and `context.from`
/// as digits (`15550783881`).
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn message_head(from_wa_id: &str, wamid: &str, timestamp_ms: Millis, kind: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("from".into(), Value::from(from_wa_id));
    m.insert("id".into(), Value::from(wamid));
    m.insert("timestamp".into(), Value::from(secs_string(timestamp_ms)));
    m.insert("type".into(), Value::from(kind));
    m
}

/// The `messages[]` element of a `request_welcome`: a customer opened a chat with the number
/// for the first time while its welcome message is on. Only `from`, `id`, `timestamp`, `type`.
pub fn request_welcome_message(from_wa_id: &str, wamid: &str, timestamp_ms: Millis) -> Value {
    Value::Object(message_head(from_wa_id, wamid, timestamp_ms, REQUEST_WELCOME))
}

/// The message type of [`request_welcome_message`].
pub const REQUEST_WELCOME: &str = "request_welcome";

/// One `messages[]` element: `from`, `id`, `timestamp` (string seconds), `type`, the type
/// object, `context {from, id}` when replying (`from` = the business number's digits), and
/// `referral` when present.
///
/// For media kinds pass `media` (the business-side media id, MIME type and hash); without it the
/// media object holds the customer's `media_id` as `id` and no `mime_type`/`sha256`.
/// [`InboundKind::Unsupported`] gives [`unsupported_message`] (plus `referral` when present).
pub fn webhook_message(
    msg: &InboundMessage,
    from_wa_id: &str,
    wamid: &str,
    timestamp_ms: Millis,
    business_number: &str,
    media: Option<&MediaInfo>,
) -> Value {
    if msg.kind == InboundKind::Unsupported {
        let mut v = unsupported_message(from_wa_id, wamid, timestamp_ms);
        if let (Some(r), Some(m)) = (&msg.referral, v.as_object_mut()) {
            m.insert("referral".into(), r.clone());
        }
        return v;
    }
    let kind = msg.kind.as_str();
    let mut m = message_head(from_wa_id, wamid, timestamp_ms, kind);
    if let Some(ctx) = &msg.context_id {
        m.insert("context".into(), json!({"from": digits(business_number), "id": ctx}));
    }
    if let Some(r) = &msg.referral {
        m.insert("referral".into(), r.clone());
    }
    let body = if msg.kind.is_media() {
        let mut obj = Map::new();
        match media {
            Some(info) => {
                obj.insert("id".into(), Value::from(info.id.as_str()));
                obj.insert("mime_type".into(), Value::from(info.mime_type.as_str()));
                obj.insert("sha256".into(), Value::from(info.sha256.as_str()));
                if let Some(url) = &info.url {
                    obj.insert("url".into(), Value::from(url.as_str()));
                }
            }
            None => {
                if let Some(id) = &msg.media_id {
                    obj.insert("id".into(), Value::from(id.as_str()));
                }
            }
        }
        if let Some(fields) = msg.body.as_object() {
            for (k, v) in fields {
                obj.insert(k.clone(), v.clone());
            }
        }
        Value::Object(obj)
    } else {
        msg.body.clone()
    };
    m.insert(kind.into(), body);
    Value::Object(m)
}

/// A `messages[]` element for a message the API cannot represent: `type: "unsupported"` with
/// error 131051, worded as Meta words it.
pub fn unsupported_message(from_wa_id: &str, wamid: &str, timestamp_ms: Millis) -> Value {
    let mut m = message_head(from_wa_id, wamid, timestamp_ms, "unsupported");
    m.insert(
        "errors".into(),
        json!([{
            "code": 131051,
            "title": "Message type unknown",
            "message": "Message type unknown",
            "error_data": {"details": "Message type is currently not supported."}
        }]),
    );
    Value::Object(m)
}

/// A business-scoped user id (BSUID) for a customer, as Meta's 2026 payloads carry it in
/// `contacts[].user_id`: `<ISO country>.<digits>` (e.g. `US.13491208655302741918`). Derived
/// deterministically from the number (FNV-1a), so it is stable across restarts and nodes.
pub fn business_scoped_user_id(wa_id: &str) -> String {
    let country = crate::phone::WaId::from_trusted(digits(wa_id)).country().unwrap_or_else(|| "US".to_owned());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in "risala-bsuid:".bytes().chain(digits(wa_id).bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{country}.{h}")
}

fn metadata(phone_number_id: &str, display_phone_number: &str) -> Value {
    json!({
        "display_phone_number": digits(display_phone_number),
        "phone_number_id": phone_number_id,
    })
}

/// The `value` of a `messages` change carrying customer messages:
/// `{"messaging_product":"whatsapp","metadata":{…},"contacts":[{"profile":{"name"},"wa_id","user_id"}],
/// "messages":[…]}`. Wrap it with [`envelope`].
pub fn messages_value(
    phone_number_id: &str,
    display_phone_number: &str,
    contact_name: &str,
    wa_id: &str,
    messages: Vec<Value>,
) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "metadata": metadata(phone_number_id, display_phone_number),
        "contacts": [{"profile": {"name": contact_name}, "wa_id": wa_id, "user_id": business_scoped_user_id(wa_id)}],
        "messages": messages,
    })
}

/// An asynchronous error as it appears in `statuses[].errors[]` (and `messages[].errors[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookError {
    pub code: i64,
    pub title: String,
    pub message: String,
    /// `error_data.details`.
    pub details: String,
    pub href: Option<String>,
}

impl WebhookError {
    /// From a service error: code and title from the error table, `message` = title.
    pub fn from_api(e: &ApiError) -> Self {
        let row = e.code.row();
        WebhookError {
            code: row.code,
            title: row.title.to_owned(),
            message: row.title.to_owned(),
            details: e.details.clone(),
            href: Some(ERROR_CODES_HREF.to_owned()),
        }
    }

    /// `{"code","title","message","error_data":{"details"},"href"?}`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("code".into(), Value::from(self.code));
        m.insert("title".into(), Value::from(self.title.as_str()));
        m.insert("message".into(), Value::from(self.message.as_str()));
        m.insert("error_data".into(), json!({"details": self.details}));
        if let Some(href) = &self.href {
            m.insert("href".into(), Value::from(href.as_str()));
        }
        Value::Object(m)
    }
}

/// A status change of a message the business sent.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdate {
    pub wamid: String,
    /// `sent` | `delivered` | `read` | `failed` (also `played` for voice).
    pub status: String,
    pub timestamp_ms: Millis,
    pub recipient_id: String,
    pub biz_opaque_callback_data: Option<String>,
    /// `{"id","expiration_timestamp"?,"origin":{"type"}}`, as built by the caller.
    pub conversation: Option<Value>,
    /// `{"billable","pricing_model","type"?,"category"}`, as built by the caller.
    pub pricing: Option<Value>,
    /// Only on `failed`.
    pub errors: Vec<WebhookError>,
}

/// One `statuses[]` element; absent optional fields are omitted (`errors` when empty).
pub fn status_json(s: &StatusUpdate) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::from(s.wamid.as_str()));
    m.insert("status".into(), Value::from(s.status.as_str()));
    m.insert("timestamp".into(), Value::from(secs_string(s.timestamp_ms)));
    m.insert("recipient_id".into(), Value::from(s.recipient_id.as_str()));
    m.insert("recipient_user_id".into(), Value::from(business_scoped_user_id(&s.recipient_id)));
    if let Some(d) = &s.biz_opaque_callback_data {
        m.insert("biz_opaque_callback_data".into(), Value::from(d.as_str()));
    }
    if let Some(c) = &s.conversation {
        m.insert("conversation".into(), c.clone());
    }
    if let Some(p) = &s.pricing {
        m.insert("pricing".into(), p.clone());
    }
    if !s.errors.is_empty() {
        m.insert("errors".into(), Value::Array(s.errors.iter().map(WebhookError::to_json).collect()));
    }
    Value::Object(m)
}

/// The `value` of a `messages` change carrying statuses, with one `contacts` entry
/// (`{"wa_id","user_id"}`) per recipient, as Meta's payloads carry since business-scoped user ids.
pub fn statuses_value(phone_number_id: &str, display_phone_number: &str, statuses: Vec<Value>) -> Value {
    let mut contacts: Vec<Value> = Vec::new();
    for s in &statuses {
        if let Some(r) = s.get("recipient_id").and_then(Value::as_str) {
            if !contacts.iter().any(|c| c["wa_id"] == r) {
                contacts.push(json!({"wa_id": r, "user_id": business_scoped_user_id(r)}));
            }
        }
    }
    json!({
        "messaging_product": "whatsapp",
        "metadata": metadata(phone_number_id, display_phone_number),
        "contacts": contacts,
        "statuses": statuses,
    })
}

fn changes_json(changes: Vec<(String, Value)>) -> Value {
    Value::Array(changes.into_iter().map(|(field, value)| json!({"value": value, "field": field})).collect())
}

/// The webhook body: one entry for the WABA, each change `{"value": value, "field": field}`.
/// No `entry[].time`, as Meta sends `messages` webhooks; see [`envelope_at`] for other fields.
pub fn envelope(waba_id: &str, changes: Vec<(String, Value)>) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": waba_id, "changes": changes_json(changes)}],
    })
}

/// [`envelope`] with `entry[].time` (integer Unix seconds), as Meta sends non-message fields
/// such as `message_template_status_update` or `account_update`.
pub fn envelope_at(waba_id: &str, time_ms: Millis, changes: Vec<(String, Value)>) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": waba_id,
            "time": time_ms.div_euclid(1000),
            "changes": changes_json(changes),
        }],
    })
}
