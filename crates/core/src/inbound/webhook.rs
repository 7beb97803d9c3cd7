//! Builders of `messages`-field webhook payloads in Meta's exact shape: inbound messages,
//! message statuses, and the `{"object":"whatsapp_business_account","entry":[…]}` envelope.
//!
//! Timestamps inside `messages[]` and `statuses[]` are strings of Unix seconds; `entry[].time`
//! (used by Meta on non-message fields only) is an integer of seconds.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{InboundKind, InboundMessage};
use crate::clock::Millis;
use crate::error::ApiError;
use crate::model::ChangeValue;

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

/// A new business-scoped user id (BSUID) for a customer number: `<ISO country>.<digits>` like
/// Meta's (`US.13491208655302741918`), the country the number's, the digits random, so the id
/// tells nothing of the number and a business cannot work the number out of it.
pub fn new_business_scoped_user_id(wa_id: &str) -> String {
    let country = crate::phone::country_of(&digits(wa_id)).unwrap_or("US");
    let n = 1_000_000_000_000_000_000u64 + rand::random::<u64>() % 8_000_000_000_000_000_000;
    format!("{country}.{n}")
}

/// Whether `s` has the shape of a BSUID or a parent BSUID: two capital letters, a dot,
/// optionally `ENT.`, then 1–128 letters and digits.
pub fn is_business_scoped_user_id(s: &str) -> bool {
    let Some((country, rest)) = s.split_once('.') else { return false };
    let rest = rest.strip_prefix("ENT.").unwrap_or(rest);
    country.len() == 2
        && country.chars().all(|c| c.is_ascii_uppercase())
        && (1..=128).contains(&rest.len())
        && rest.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The customer as one business's webhooks show them: their business-scoped user id (BSUID,
/// `US.13491208655302741918`-like, one per business), profile name and username, and their
/// number unless they hide it from this business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookContact {
    pub wa_id: String,
    pub user_id: String,
    pub name: String,
    pub username: Option<String>,
    /// The business may see the number: the customer does not hide it, or the business
    /// messaged it lately.
    pub show_number: bool,
}

impl WebhookContact {
    /// The `contacts[]` entry of messages webhooks: `{"profile":{"name","username"?},
    /// "wa_id"?, "user_id"}` (no `wa_id` when the number is hidden from the business).
    pub fn message_contact(&self) -> Value {
        let mut profile = Map::new();
        profile.insert("name".into(), Value::from(self.name.as_str()));
        if let Some(u) = &self.username {
            profile.insert("username".into(), Value::from(u.as_str()));
        }
        let mut m = Map::new();
        m.insert("profile".into(), Value::Object(profile));
        if self.show_number {
            m.insert("wa_id".into(), Value::from(self.wa_id.as_str()));
        }
        m.insert("user_id".into(), Value::from(self.user_id.as_str()));
        Value::Object(m)
    }

    /// The `contacts[]` entry of statuses webhooks: `{"wa_id"?, "user_id"}`, and
    /// `profile.username` on delivered and read statuses of a customer with a username.
    pub fn status_contact(&self, status: &str) -> Value {
        let mut m = Map::new();
        if let Some(u) = self.username.as_deref().filter(|_| matches!(status, "delivered" | "read" | "played")) {
            m.insert("profile".into(), json!({"username": u}));
        }
        if self.show_number {
            m.insert("wa_id".into(), Value::from(self.wa_id.as_str()));
        }
        m.insert("user_id".into(), Value::from(self.user_id.as_str()));
        Value::Object(m)
    }

    /// How the customer is named in `from` / `recipient_id`: the number, or their BSUID when
    /// the number is hidden from the business.
    pub fn address(&self) -> &str {
        if self.show_number {
            &self.wa_id
        } else {
            &self.user_id
        }
    }
}

/// Address a `messages[]` element from the customer: `from_user_id` (their BSUID) always, and
/// `from` (their number) only when the business may see it.
pub fn address_sender(element: &mut Value, contact: &WebhookContact) {
    if let Some(m) = element.as_object_mut() {
        if contact.show_number {
            m.insert("from".into(), Value::from(contact.wa_id.as_str()));
        } else {
            m.remove("from");
        }
        m.insert("from_user_id".into(), Value::from(contact.user_id.as_str()));
    }
}

fn metadata(phone_number_id: &str, display_phone_number: &str) -> Value {
    object([
        ("display_phone_number", Value::from(digits(display_phone_number))),
        ("phone_number_id", Value::from(phone_number_id)),
    ])
}

/// An object of `fields`, each value moved in. (`json!` copies every value that is an
/// expression through the serializer, nested objects whole: on the send path each status
/// payload was built twice.)
pub fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// The `value` of a `messages` change carrying customer messages:
/// `{"messaging_product":"whatsapp","metadata":{…},"contacts":[{"profile":{"name","username"?},
/// "wa_id"?,"user_id"}],"messages":[…]}`. Wrap it with [`envelope`].
pub fn messages_value(
    phone_number_id: &str,
    display_phone_number: &str,
    contact: &WebhookContact,
    messages: Vec<Value>,
) -> Value {
    object([
        ("messaging_product", Value::from("whatsapp")),
        ("metadata", metadata(phone_number_id, display_phone_number)),
        ("contacts", Value::Array(vec![contact.message_contact()])),
        ("messages", Value::Array(messages)),
    ])
}

/// The `value` of a `messages` change carrying a system message (no `contacts`, as Meta sends
/// them).
pub fn system_value(phone_number_id: &str, display_phone_number: &str, message: Value) -> Value {
    object([
        ("messaging_product", Value::from("whatsapp")),
        ("metadata", metadata(phone_number_id, display_phone_number)),
        ("messages", Value::Array(vec![message])),
    ])
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
    pub biz_opaque_callback_data: Option<String>,
    /// `{"id","expiration_timestamp"?,"origin":{"type"}}`, as built by the caller.
    pub conversation: Option<Value>,
    /// `{"billable","pricing_model","type"?,"category"}`, as built by the caller.
    pub pricing: Option<crate::model::StatusPricing>,
    /// Only on `failed`.
    pub errors: Vec<WebhookError>,
}

/// One `statuses[]` element; absent optional fields are omitted (`errors` when empty).
/// `recipient_id` is the customer's number, or their BSUID when the number is hidden from the
/// business; `recipient_user_id` their BSUID.
pub fn status_json(s: &StatusUpdate, contact: &WebhookContact) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::from(s.wamid.as_str()));
    m.insert("status".into(), Value::from(s.status.as_str()));
    m.insert("timestamp".into(), Value::from(secs_string(s.timestamp_ms)));
    m.insert("recipient_id".into(), Value::from(contact.address()));
    m.insert("recipient_user_id".into(), Value::from(contact.user_id.as_str()));
    if let Some(d) = &s.biz_opaque_callback_data {
        m.insert("biz_opaque_callback_data".into(), Value::from(d.as_str()));
    }
    if let Some(c) = &s.conversation {
        m.insert("conversation".into(), c.clone());
    }
    if let Some(p) = &s.pricing {
        m.insert("pricing".into(), serde_json::to_value(p).unwrap_or_default());
    }
    if !s.errors.is_empty() {
        m.insert("errors".into(), Value::Array(s.errors.iter().map(WebhookError::to_json).collect()));
    }
    Value::Object(m)
}

/// `metadata` as the typed writers below write it (the fields in the order of their names, as
/// a `Value`'s map writes them).
#[derive(Serialize)]
struct TypedMetadata<'a> {
    display_phone_number: String,
    phone_number_id: &'a str,
}

impl<'a> TypedMetadata<'a> {
    fn of(phone_number_id: &'a str, display_phone_number: &str) -> Self {
        TypedMetadata { display_phone_number: digits(display_phone_number), phone_number_id }
    }
}

/// The `value` of a `messages` change carrying one message whose JSON text is `element` (the
/// text stored as the message's content): exactly the text of [`messages_value`] with that
/// element, the element's text used as it is rather than written a second time.
pub fn message_change(
    phone_number_id: &str,
    display_phone_number: &str,
    contact: &WebhookContact,
    element: &str,
) -> ChangeValue {
    // The keys in the order a `Value`'s map writes them: `contacts`, `messages`,
    // `messaging_product`, `metadata`. What comes before and after the message is written
    // whole; the message's text goes between.
    #[derive(Serialize)]
    struct Before<'a> {
        contacts: [Contact<'a>; 1],
    }
    #[derive(Serialize)]
    struct Contact<'a> {
        profile: Profile<'a>,
        user_id: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        wa_id: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct Profile<'a> {
        name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        username: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct After<'a> {
        messaging_product: &'static str,
        metadata: TypedMetadata<'a>,
    }
    let mut out = Vec::with_capacity(element.len() + 320);
    let before = Before {
        contacts: [Contact {
            profile: Profile { name: &contact.name, username: contact.username.as_deref() },
            user_id: &contact.user_id,
            wa_id: contact.show_number.then_some(contact.wa_id.as_str()),
        }],
    };
    let written = serde_json::to_writer(&mut out, &before).and_then(|()| {
        out.pop();
        out.extend_from_slice(b",\"messages\":[");
        out.extend_from_slice(element.as_bytes());
        out.extend_from_slice(b"],");
        let mut after = Vec::with_capacity(128);
        let metadata = TypedMetadata::of(phone_number_id, display_phone_number);
        serde_json::to_writer(&mut after, &After { messaging_product: "whatsapp", metadata })?;
        out.extend_from_slice(&after[1..]);
        Ok(())
    });
    match (written, String::from_utf8(out)) {
        (Ok(()), Ok(text)) => ChangeValue::from_text(text),
        // Plain data always serializes; the general builder stays the reference.
        _ => {
            let element = serde_json::from_str(element).unwrap_or(Value::Null);
            messages_value(phone_number_id, display_phone_number, contact, vec![element]).into()
        }
    }
}

/// The `value` of a `messages` change carrying one status, as JSON text: exactly the text of
/// [`statuses_value`] with the one [`status_json`], written straight from the fields. Every
/// message sent queues one, so it skips the maps a [`Value`] would build and walk.
pub fn status_change(
    phone_number_id: &str,
    display_phone_number: &str,
    contact: &WebhookContact,
    s: &StatusUpdate,
) -> ChangeValue {
    // Fields in the order of their names, as a `Value`'s map writes them.
    #[derive(Serialize)]
    struct Change<'a> {
        contacts: [Contact<'a>; 1],
        messaging_product: &'static str,
        metadata: TypedMetadata<'a>,
        statuses: [Status<'a>; 1],
    }
    #[derive(Serialize)]
    struct Contact<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        profile: Option<Username<'a>>,
        user_id: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        wa_id: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct Username<'a> {
        username: &'a str,
    }
    #[derive(Serialize)]
    struct Status<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        biz_opaque_callback_data: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        conversation: Option<&'a Value>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        errors: Vec<Value>,
        id: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pricing: Option<&'a crate::model::StatusPricing>,
        recipient_id: &'a str,
        recipient_user_id: &'a str,
        status: &'a str,
        timestamp: String,
    }
    let username = contact.username.as_deref().filter(|_| matches!(s.status.as_str(), "delivered" | "read" | "played"));
    ChangeValue::of(&Change {
        contacts: [Contact {
            profile: username.map(|username| Username { username }),
            user_id: &contact.user_id,
            wa_id: contact.show_number.then_some(contact.wa_id.as_str()),
        }],
        messaging_product: "whatsapp",
        metadata: TypedMetadata::of(phone_number_id, display_phone_number),
        statuses: [Status {
            biz_opaque_callback_data: s.biz_opaque_callback_data.as_deref(),
            conversation: s.conversation.as_ref(),
            errors: s.errors.iter().map(WebhookError::to_json).collect(),
            id: &s.wamid,
            pricing: s.pricing.as_ref(),
            recipient_id: contact.address(),
            recipient_user_id: &contact.user_id,
            status: &s.status,
            timestamp: secs_string(s.timestamp_ms),
        }],
    })
}

/// The `value` of a `messages` change carrying one recipient's statuses, with their `contacts`
/// entry ([`WebhookContact::status_contact`] of the first status), as Meta's payloads carry
/// since business-scoped user ids.
pub fn statuses_value(
    phone_number_id: &str,
    display_phone_number: &str,
    contact: &WebhookContact,
    statuses: Vec<Value>,
) -> Value {
    let first = statuses.first().and_then(|s| s.get("status")).and_then(Value::as_str).unwrap_or("sent");
    let contacts = Value::Array(vec![contact.status_contact(first)]);
    object([
        ("messaging_product", Value::from("whatsapp")),
        ("metadata", metadata(phone_number_id, display_phone_number)),
        ("contacts", contacts),
        ("statuses", Value::Array(statuses)),
    ])
}

/// The webhook field of messages a person of the business sent from an app rather than the API.
pub const ECHOES_FIELD: &str = "smb_message_echoes";

/// The `value` of an `smb_message_echoes` change: a message the business sent from an app (for
/// Meta, the WhatsApp Business app; for Risala, the web app), echoed so the business's backend
/// keeps every message. `content` is the message as a send request carries it under `kind`.
pub fn echoes_value(
    phone_number_id: &str,
    display_phone_number: &str,
    wamid: &str,
    to: &str,
    timestamp_ms: Millis,
    kind: &str,
    content: &Value,
) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "metadata": metadata(phone_number_id, display_phone_number),
        "message_echoes": [{
            "from": digits(display_phone_number),
            "to": to,
            "id": wamid,
            "timestamp": secs_string(timestamp_ms),
            "type": kind,
            kind: content,
        }],
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
