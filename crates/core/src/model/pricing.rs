//! Pricing as data: categories and pricing types, the pricing of one message, entry points and
//! windows, rate card headers, ledger rows and invoice lines, the CBP conversation, and the
//! service window's length.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::clock::Millis;

/// The customer service window: 24 hours from the customer's last message.
pub const SERVICE_WINDOW_MS: Millis = 24 * 3_600_000;

/// The volume tier of a price without tiers: the first, unbounded one.
pub const BASE_TIER: &str = "0:MAX";

fn default_tier() -> String {
    BASE_TIER.to_string()
}

/// The pricing category of a message (`pricing.category` on status webhooks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    Marketing,
    Utility,
    Authentication,
    AuthenticationInternational,
    Service,
    /// Any message inside a free entry point window.
    ReferralConversion,
    /// A marketing template sent through the Marketing Messages Lite API
    /// (`POST /{phone-number-id}/marketing_messages`). Meta prices it as marketing; a rate card
    /// may name its own `marketing_lite` rate.
    MarketingLite,
}

impl Category {
    /// Every category, in rate-card column order (service last: it is never charged).
    pub const ALL: [Category; 7] = [
        Category::Marketing,
        Category::Utility,
        Category::Authentication,
        Category::AuthenticationInternational,
        Category::Service,
        Category::ReferralConversion,
        Category::MarketingLite,
    ];

    /// The wire spelling in `pricing.category` (`authentication-international` with a dash).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Marketing => "marketing",
            Category::Utility => "utility",
            Category::Authentication => "authentication",
            Category::AuthenticationInternational => "authentication-international",
            Category::Service => "service",
            Category::ReferralConversion => "referral_conversion",
            Category::MarketingLite => "marketing_lite",
        }
    }

    /// Parses either spelling (`authentication_international` too), any case.
    pub fn parse(s: &str) -> Option<Category> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "marketing" => Some(Category::Marketing),
            "utility" => Some(Category::Utility),
            "authentication" => Some(Category::Authentication),
            "authentication-international" => Some(Category::AuthenticationInternational),
            "service" => Some(Category::Service),
            "referral-conversion" => Some(Category::ReferralConversion),
            "marketing-lite" => Some(Category::MarketingLite),
            _ => None,
        }
    }
}

/// `pricing.type` on status webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PricingType {
    Regular,
    FreeCustomerService,
    FreeEntryPoint,
}

impl PricingType {
    pub fn as_str(self) -> &'static str {
        match self {
            PricingType::Regular => "regular",
            PricingType::FreeCustomerService => "free_customer_service",
            PricingType::FreeEntryPoint => "free_entry_point",
        }
    }

    pub fn parse(s: &str) -> Option<PricingType> {
        match s.to_ascii_lowercase().as_str() {
            "regular" => Some(PricingType::Regular),
            "free_customer_service" => Some(PricingType::FreeCustomerService),
            "free_entry_point" => Some(PricingType::FreeEntryPoint),
            _ => None,
        }
    }
}

/// What the pricing rules say about one outbound message, decided when it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePricing {
    pub category: Category,
    pub kind: PricingType,
    /// ISO country of the recipient (`ZZ` when unknown).
    pub country: String,
    /// The amount charged on delivery, in micro-units; 0 when not billable.
    pub amount_micros: i64,
    /// Inside a free entry point window: when it ends, and whether this message opens it.
    pub entry_point: Option<EntryPointWindow>,
    /// The monthly volume tier the price comes from (`pricing_analytics`' `TIER`).
    #[serde(default = "default_tier")]
    pub tier: String,
    /// Under conversation-based pricing: the conversation the message is in.
    #[serde(default)]
    pub cbp: Option<ConversationRef>,
}

/// The free entry point window a message is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryPointWindow {
    pub opened_at: Millis,
    pub expires_at: Millis,
    /// This message is the business's answer that opens the window.
    pub opens: bool,
}

/// The free entry point window lasts 72 hours from the business's answer.
pub const ENTRY_POINT_WINDOW_MS: Millis = 72 * 3_600_000;
/// The business must answer within 24 hours of the customer's arrival through an ad.
pub const ENTRY_POINT_ANSWER_MS: Millis = 24 * 3_600_000;

/// A customer's arrival through a click-to-WhatsApp ad (or Page call-to-action) on one
/// business number, and the free entry point window it opened, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryPoint {
    pub referral_at: Millis,
    pub opened_at: Option<Millis>,
    pub expires_at: Option<Millis>,
}

impl EntryPoint {
    /// The window a business message sent `now` falls in: an open one, or one it opens (the
    /// first answer within 24 hours of the referral).
    pub fn window_at(&self, now: Millis) -> Option<EntryPointWindow> {
        match (self.opened_at, self.expires_at) {
            (Some(opened_at), Some(expires_at)) if now < expires_at => {
                Some(EntryPointWindow { opened_at, expires_at, opens: false })
            }
            (None, _) if now - self.referral_at < ENTRY_POINT_ANSWER_MS => {
                Some(EntryPointWindow { opened_at: now, expires_at: now + ENTRY_POINT_WINDOW_MS, opens: true })
            }
            _ => None,
        }
    }

    /// The window is open at `now` (already opened by an answer, not yet expired).
    pub fn open_at(&self, now: Millis) -> bool {
        self.expires_at.is_some_and(|e| now < e)
    }
}

/// One conversation and its windows' inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationWindows {
    pub phone_number_id: String,
    pub wa_id: String,
    pub last_inbound_at: Option<Millis>,
    pub last_message_at: Millis,
    pub entry_point: Option<EntryPoint>,
}

impl ConversationWindows {
    /// `{wa_id, last_message_at, customer_service_window, free_entry_point_window}` at `now`.
    pub fn to_json(&self, now: Millis) -> Value {
        let mut v = windows_json(self.last_inbound_at, self.entry_point.as_ref(), now);
        v["wa_id"] = json!(self.wa_id);
        v["phone_number_id"] = json!(self.phone_number_id);
        v["last_message_at"] = json!(self.last_message_at);
        v
    }
}

impl MessagePricing {
    /// Charged at all: a regular (not free) template message.
    pub fn billable(&self) -> bool {
        self.kind == PricingType::Regular && self.category != Category::Service
    }

    /// The `conversation` object of a sent status: since v24 Meta sends it only inside a free
    /// entry point window, with the window's id and end.
    /// Under CBP every message is in a conversation.
    pub fn conversation_json(&self, phone_number_id: &str, wa_id: &str) -> Option<Value> {
        if let Some(c) = &self.cbp {
            return Some(c.to_json());
        }
        let w = self.entry_point?;
        let id = entry_point_conversation_id(phone_number_id, wa_id, w.opened_at);
        Some(json!({
            "id": id,
            "expiration_timestamp": (w.expires_at / 1000).to_string(),
            "origin": {"type": "referral_conversion"},
        }))
    }

    /// The `pricing` object of a status webhook (CBP: no `type`, the conversation's category),
    /// written straight into the status's text.
    pub fn status_pricing(&self) -> StatusPricing {
        let cbp = self.cbp.is_some();
        StatusPricing {
            billable: self.billable(),
            category: self.category.as_str(),
            pricing_model: if cbp { "CBP" } else { "PMP" },
            kind: (!cbp).then(|| self.kind.as_str()),
        }
    }
}

/// The `pricing` object of a status webhook: `{billable, category, pricing_model, type?}`, its
/// fields in the order of their names, as a JSON object's map writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatusPricing {
    pub billable: bool,
    pub category: &'static str,
    pub pricing_model: &'static str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
}

/// The windows a message is sent in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Windows {
    /// The customer service window (24 h from the customer's last message) is open.
    pub service: bool,
    /// A free entry point window (72 h) is open.
    pub entry_point: bool,
}

/// A loaded rate card's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateCardInfo {
    pub id: String,
    pub name: String,
    pub currency: String,
    pub effective_from: Millis,
    pub loaded_at: Millis,
    pub rates: i64,
}

/// One line of an invoice: charges of one category, country and pricing type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub category: String,
    pub country: String,
    pub pricing_type: String,
    pub messages: i64,
    pub amount_micros: i64,
}

/// One ledger row: a delivered message and what it cost (0 when free).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub message_id: String,
    pub waba_id: String,
    pub phone_number_id: String,
    pub country: String,
    pub category: String,
    pub pricing_type: String,
    pub amount_micros: i64,
    pub charged_at: Millis,
    /// The monthly volume tier of the price (`0:MAX` without tiers).
    pub tier: String,
}

/// A CBP conversation lasts 24 hours from its first message.
pub const CONVERSATION_MS: Millis = 24 * 3_600_000;

/// How a WABA is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum PricingModel {
    /// Per-message pricing (Meta's model since 1 July 2025), the default.
    #[default]
    Pmp,
    /// Conversation-based pricing.
    Cbp,
}

impl PricingModel {
    pub fn as_str(self) -> &'static str {
        match self {
            PricingModel::Pmp => "PMP",
            PricingModel::Cbp => "CBP",
        }
    }

    pub fn parse(s: &str) -> Option<PricingModel> {
        match s.to_ascii_uppercase().as_str() {
            "PMP" => Some(PricingModel::Pmp),
            "CBP" => Some(PricingModel::Cbp),
            _ => None,
        }
    }
}

/// `conversation_type` in `conversation_analytics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ConversationType {
    Regular,
    /// In a free entry point window.
    FreeEntry,
    /// Free service conversations (all of them since November 2024).
    FreeTier,
}

impl ConversationType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationType::Regular => "REGULAR",
            ConversationType::FreeEntry => "FREE_ENTRY",
            ConversationType::FreeTier => "FREE_TIER",
        }
    }

    pub fn parse(s: &str) -> Option<ConversationType> {
        match s {
            "REGULAR" => Some(ConversationType::Regular),
            "FREE_ENTRY" => Some(ConversationType::FreeEntry),
            "FREE_TIER" => Some(ConversationType::FreeTier),
            _ => None,
        }
    }
}

/// The CBP conversation a message is sent in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationRef {
    pub id: String,
    /// The conversation's category (`origin.type`).
    pub category: Category,
    pub kind: ConversationType,
    pub opened_at: Millis,
    pub expires_at: Millis,
    /// This message opens the conversation (stored with it; its `sent` status carries
    /// `expiration_timestamp`).
    pub opens: bool,
    /// The conversation's charge, in micro-units (0 when free).
    pub amount_micros: i64,
}

impl ConversationRef {
    /// `origin.type`: the category, `authentication_international` with an underscore.
    pub fn origin(&self) -> String {
        self.category.as_str().replace('-', "_")
    }

    /// The `conversation` object of a status: `expiration_timestamp` only on the message that
    /// opened it.
    pub fn to_json(&self) -> Value {
        let mut v = json!({"id": self.id, "origin": {"type": self.origin()}});
        if self.opens {
            v["expiration_timestamp"] = json!((self.expires_at / 1000).to_string());
        }
        v
    }

    pub fn open(&self) -> OpenConversation {
        OpenConversation {
            id: self.id.clone(),
            category: self.category,
            kind: self.kind,
            opened_at: self.opened_at,
            expires_at: self.expires_at,
        }
    }
}

/// A conversation that is open, as the send path needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenConversation {
    pub id: String,
    pub category: Category,
    pub kind: ConversationType,
    pub opened_at: Millis,
    pub expires_at: Millis,
}

/// A delivered conversation, for `conversation_analytics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRecord {
    pub id: String,
    pub phone_number_id: String,
    pub country: String,
    pub category: Category,
    pub kind: ConversationType,
    pub opened_at: Millis,
    /// What it was charged (0 when free).
    pub amount_micros: i64,
}

/// The id of the conversation of a free entry point window (the same id PMP statuses carry).
pub fn entry_point_conversation_id(phone_number_id: &str, wa_id: &str, opened_at: Millis) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(format!("{phone_number_id}:{wa_id}:{opened_at}"));
    hex::encode(&d[..16])
}

/// One outbound message, for `analytics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundStat {
    /// The business number's digits.
    pub phone_number: String,
    /// The recipient's ISO country.
    pub country: String,
    pub created_at: Millis,
    /// Sent (not failed).
    pub sent: bool,
    /// Delivered (or read).
    pub delivered: bool,
}

/// Both windows of a conversation at `now`: the customer service window (24 h from the
/// customer's last message) and the free entry point window (72 h from the business's answer to
/// a customer who came through an ad; `pending_until` while that answer may still open it).
pub fn windows_json(last_inbound_at: Option<Millis>, entry: Option<&EntryPoint>, now: Millis) -> Value {
    let csw = last_inbound_at.map(|t| t + SERVICE_WINDOW_MS);
    let fep_expires = entry.and_then(|e| e.expires_at);
    let pending = entry
        .filter(|e| e.opened_at.is_none() && now - e.referral_at < ENTRY_POINT_ANSWER_MS)
        .map(|e| e.referral_at + ENTRY_POINT_ANSWER_MS);
    json!({
        "customer_service_window": {"open": csw.is_some_and(|e| e > now), "expires_at": csw},
        "free_entry_point_window": {
            "open": entry.is_some_and(|e| e.open_at(now)),
            "opened_at": entry.and_then(|e| e.opened_at),
            "expires_at": fep_expires,
            "pending_until": pending,
        },
    })
}

/// A customer message opens the way to a free entry point window when it carries a
/// click-to-WhatsApp `referral` (ad, or Page post call-to-action).
pub fn is_entry_point(inbound_content: &Value) -> bool {
    inbound_content.get("referral").is_some_and(|r| r.is_object())
}
