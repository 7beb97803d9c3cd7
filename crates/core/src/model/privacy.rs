//! Retention, erasure and the audit log as data.

use serde_json::{json, Value};

use crate::clock::Millis;

/// Why a message lost its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRemoval {
    /// Older than the configured retention of message bodies.
    Retention,
    /// Erased on the customer's request.
    Erasure,
}

impl BodyRemoval {
    pub fn as_str(self) -> &'static str {
        match self {
            BodyRemoval::Retention => "retention",
            BodyRemoval::Erasure => "erasure",
        }
    }
}

/// The body that replaces an expired or erased one. The message keeps its id, type, status,
/// times, pricing and context; only what was said (text, media, location, contacts…) goes.
pub fn tombstone(why: BodyRemoval, at: Millis) -> Value {
    json!({"deleted": {"reason": why.as_str(), "at": at}})
}

/// `{"reason", "at"}` when `content` is a tombstone. Neither an inbound webhook element nor an
/// outbound type object has a `deleted` member, so the marker cannot be mistaken.
pub fn tombstone_of(content: &Value) -> Option<&Value> {
    content.get("deleted").filter(|d| d.get("reason").is_some())
}

/// Who did something, as the audit log names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `operator` (admin token or CLI), `token:<id>` (a business's Graph token), or what the
    /// recording surface names (the web app: `user:<id>`).
    pub id: String,
    /// The client address, when the action came over the network (`cli` for the CLI).
    pub address: Option<String>,
}

impl Actor {
    /// The platform operator.
    pub fn operator(address: Option<String>) -> Actor {
        Actor { id: "operator".into(), address }
    }

    /// A business's access token.
    pub fn token(token_id: &str, address: Option<String>) -> Actor {
        Actor { id: format!("token:{token_id}"), address }
    }
}

/// What an action was done to: an object id (never a customer's profile or message text) and
/// the business it belongs to, when it belongs to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub business_id: Option<String>,
    pub id: String,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Assigned by the store, increasing (0 before it is stored).
    pub id: i64,
    pub at: Millis,
    pub business_id: Option<String>,
    pub actor: String,
    /// What was done, e.g. `customer.erase` or `POST /{id}/subscribed_apps`.
    pub action: String,
    pub target: String,
    /// A short note: field names, counts; never message text or a profile.
    pub detail: String,
    pub address: Option<String>,
}

/// Which audit entries to read: newest first, every filter optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub business_id: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Entries at or after this time.
    pub since: Option<Millis>,
    /// Entries with an id below this (paging).
    pub before_id: Option<i64>,
    pub limit: usize,
}

/// One customer's erasure as the store applies it, in one commit.
#[derive(Debug, Clone, PartialEq)]
pub struct Erasure {
    pub wa_id: String,
    /// What the rows that must stay (billing, limits, quality, message metadata) carry instead
    /// of the number.
    pub pseudonym: String,
    /// The tombstone every message body of the customer becomes.
    pub tombstone: Value,
    /// Media the customer sent that the business holds under ids of its own (read from the
    /// inbound messages); media owned by the customer go by owner.
    pub media_ids: Vec<String>,
    pub at: Millis,
}

/// What one erasure removed or rewrote, by kind of row.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ErasureCounts {
    /// Message bodies replaced by a tombstone (already expired ones included).
    pub messages: u64,
    pub media: u64,
    pub conversations: u64,
    /// The customer's profile (name) row.
    pub profiles: u64,
    pub sessions: u64,
    pub sign_in_codes: u64,
    /// Blocks, marketing preferences and entry points that named the customer.
    pub contacts: u64,
    /// Webhook deliveries about the customer, delivered or not (pending ones are dropped).
    pub webhook_deliveries: u64,
    /// Billing, messaging-limit and quality rows kept with a pseudonym for the number.
    pub pseudonymized: u64,
    /// Lines of the sign-in code file.
    pub code_file_lines: u64,
}
