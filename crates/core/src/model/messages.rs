//! Messaging as data: customers, conversations, messages and their statuses, media, outbox rows,
//! customer events.

use serde_json::Value;

use crate::clock::Millis;

/// A WhatsApp user: keyed by phone number digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub wa_id: String,
    pub profile_name: String,
    pub created_at: Millis,
}

/// One business number talking with one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub phone_number_id: String,
    pub wa_id: String,
    pub business_id: String,
    pub last_inbound_at: Option<Millis>,
    pub last_outbound_at: Option<Millis>,
    pub last_message_at: Millis,
    pub created_at: Millis,
}

/// Who sent a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Business → customer.
    Outbound,
    /// Customer → business.
    Inbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outbound => "out",
            Direction::Inbound => "in",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "out" => Some(Direction::Outbound),
            "in" => Some(Direction::Inbound),
            _ => None,
        }
    }
}

wire_enum! {
    /// A message's status. Outbound: sent → delivered → read (→ played, a voice message the
    /// customer played), or failed. Inbound: received → read (the business marked it read).
    MessageStatus {
        Sent => "sent",
        Delivered => "delivered",
        Read => "read",
        Played => "played",
        Failed => "failed",
        Received => "received",
    }
}

impl MessageStatus {
    /// Position in the outbound progression; a status never moves backwards.
    pub fn rank(self) -> u8 {
        match self {
            MessageStatus::Sent => 1,
            MessageStatus::Delivered => 2,
            MessageStatus::Read => 3,
            MessageStatus::Played => 4,
            MessageStatus::Failed | MessageStatus::Received => 0,
        }
    }
}

/// A stored message, either direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// `wamid.…`
    pub id: String,
    /// Monotonic order of messages (microseconds-based).
    pub seq: i64,
    pub phone_number_id: String,
    pub business_id: String,
    pub wa_id: String,
    pub direction: Direction,
    /// Meta's type name (`text`, `image`, `interactive`, …).
    pub kind: String,
    /// The type object: what the customer sees (outbound) or what the customer sent (inbound).
    pub content: Value,
    pub context_id: Option<String>,
    pub biz_opaque: Option<String>,
    pub status: MessageStatus,
    /// For failed messages: `{code,title,message,error_data:{details}}`.
    pub error: Option<Value>,
    pub created_at: Millis,
    pub updated_at: Millis,
    /// Outbound: when an undelivered message is dropped (its time-to-live ends); `None` for
    /// inbound messages.
    pub expires_at: Option<Millis>,
}

/// Media bytes are stored in chunks of this size (the last one shorter), written and read one
/// at a time.
pub const MEDIA_CHUNK: usize = 1024 * 1024;

/// Stored media metadata (the bytes are stored in chunks of [`MEDIA_CHUNK`], fetched
/// separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: String,
    pub business_id: String,
    /// Uploading business number, when a business uploaded it.
    pub phone_number_id: Option<String>,
    /// Uploading customer, when a customer uploaded it.
    pub owner_wa_id: Option<String>,
    pub mime_type: String,
    pub sha256: String,
    pub file_size: i64,
    pub filename: Option<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
}

impl Media {
    /// Whether `business_id` may send this media at `now`: its own upload (not a customer's),
    /// not expired.
    pub fn sendable_by(&self, business_id: &str, now: Millis) -> bool {
        self.business_id == business_id && self.owner_wa_id.is_none() && self.expires_at > now
    }

    /// How many chunks hold the bytes: `seq` runs from 0 to this, exclusive.
    pub fn chunk_count(&self) -> i64 {
        let chunk = MEDIA_CHUNK as i64;
        (self.file_size.max(0) + chunk - 1) / chunk
    }
}

/// A webhook change waiting in the outbox: written in the same commit as what it reports.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub business_id: String,
    pub waba_id: String,
    pub phone_number_id: Option<String>,
    /// Events with the same key are delivered in order (a conversation, or a WABA).
    pub ordering_key: String,
    /// `changes[].field`.
    pub field: String,
    /// `changes[].value`.
    pub value: ChangeValue,
    pub created_at: Millis,
}

/// A webhook change's `value` as JSON text, made once when the change is queued: the outbox
/// stores it as text and deliveries send it as it is. The busiest producer (a sent message's
/// status) writes its text straight from typed fields, without a [`Value`] in between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeValue(String);

impl ChangeValue {
    /// The JSON text of `value` (keys in the order `value` serializes them).
    pub fn of(value: &impl serde::Serialize) -> ChangeValue {
        // Room for a status change's text at once, not regrown from 128 bytes.
        let mut text = Vec::with_capacity(1024);
        // Plain data serializes into a buffer without error, and as UTF-8.
        match serde_json::to_writer(&mut text, value) {
            Ok(()) => ChangeValue(String::from_utf8(text).unwrap_or_default()),
            Err(_) => ChangeValue("null".into()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Text that is JSON already, made by a writer of this crate.
    pub(crate) fn from_text(text: String) -> ChangeValue {
        ChangeValue(text)
    }
}

impl From<Value> for ChangeValue {
    fn from(value: Value) -> Self {
        ChangeValue(value.to_string())
    }
}

/// What a customer's devices are told in real time.
#[derive(Debug, Clone, PartialEq)]
pub enum CustomerEvent {
    /// A business message for the customer.
    Message(Box<Message>),
    /// The business is typing.
    Typing { from: String, phone_number_id: String },
    /// The business read the customer's message.
    Read { message_id: String, from: String },
}
