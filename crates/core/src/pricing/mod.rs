//! Per-message pricing (PMP): which messages are charged, in which category and at what rate.
//! Rate cards are data (see [`card`]); money is integer micro-units of the card's currency
//! (1 USD = 1,000,000), never floats. Charges are recorded in a ledger when a message is
//! delivered, as Meta charges PMP on delivery.

pub mod analytics;
pub mod card;
pub mod cbp;
pub mod conversation_analytics;
pub mod dates;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::clock::Millis;
use crate::store::StoreResult;

pub use card::{RateCard, RateCardError};
pub use cbp::PricingModel;

/// The volume tier of a price without tiers: the first, unbounded one.
pub const BASE_TIER: &str = "0:MAX";

fn default_tier() -> String {
    BASE_TIER.to_string()
}

/// The price and tier of the `n`-th charged message of a month, given a card's volume tiers
/// (`(from, price)` ascending: from the `from`-th message on, the price is `price`). Below
/// the first tier the card's rate applies (`None`). Tiers are named as Meta does,
/// `"lower:upper"` with `MAX` for the last (`"0:99999"`, `"100000:999999"`, `"1000000:MAX"`).
pub fn volume_tier(tiers: &[(i64, i64)], n: i64) -> (Option<i64>, String) {
    let upper = |i: usize| tiers.get(i).map(|(from, _)| (from - 1).to_string()).unwrap_or_else(|| "MAX".into());
    match tiers.iter().rposition(|(from, _)| n >= *from) {
        Some(i) => (Some(tiers[i].1), format!("{}:{}", tiers[i].0, upper(i + 1))),
        None => (None, format!("0:{}", upper(0))),
    }
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
}

impl Category {
    /// Every category, in rate-card column order (service last: it is never charged).
    pub const ALL: [Category; 6] = [
        Category::Marketing,
        Category::Utility,
        Category::Authentication,
        Category::AuthenticationInternational,
        Category::Service,
        Category::ReferralConversion,
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
    pub cbp: Option<cbp::ConversationRef>,
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

/// Both windows of a conversation at `now`: the customer service window (24 h from the
/// customer's last message) and the free entry point window (72 h from the business's answer to
/// a customer who came through an ad; `pending_until` while that answer may still open it).
pub fn windows_json(last_inbound_at: Option<Millis>, entry: Option<&EntryPoint>, now: Millis) -> Value {
    let csw = last_inbound_at.map(|t| t + crate::messaging::SERVICE_WINDOW_MS);
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
        let id = cbp::entry_point_conversation_id(phone_number_id, wa_id, w.opened_at);
        Some(json!({
            "id": id,
            "expiration_timestamp": (w.expires_at / 1000).to_string(),
            "origin": {"type": "referral_conversion"},
        }))
    }

    /// The `pricing` object of a status webhook (CBP: no `type`, the conversation's category).
    pub fn to_json(&self) -> Value {
        if self.cbp.is_some() {
            return json!({"billable": self.billable(), "pricing_model": "CBP", "category": self.category.as_str()});
        }
        json!({
            "billable": self.billable(),
            "pricing_model": "PMP",
            "type": self.kind.as_str(),
            "category": self.category.as_str(),
        })
    }
}

/// The windows a message is sent in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Windows {
    /// The customer service window (24 h from the customer's last message) is open.
    pub service: bool,
    /// A free entry point window (72 h) is open.
    pub entry_point: bool,
}

/// The PMP rules: the category and pricing type of a message.
///
/// - a non-template message is `service`, free (`free_customer_service`);
/// - inside a free entry point window everything is free (`free_entry_point`, category
///   `referral_conversion`);
/// - a utility template inside an open service window is free (`free_customer_service`);
/// - an authentication template to a country other than the business's own is priced as
///   `authentication-international` when the card has such a rate for the country;
/// - any other template is `regular`, charged by category × country.
pub fn classify(
    template_category: Option<&str>,
    windows: Windows,
    international_auth: bool,
) -> (Category, PricingType) {
    let category = match template_category.and_then(Category::parse) {
        None => Category::Service,
        Some(Category::Authentication) if international_auth => Category::AuthenticationInternational,
        Some(c) => c,
    };
    if windows.entry_point {
        return (Category::ReferralConversion, PricingType::FreeEntryPoint);
    }
    let kind = if category == Category::Service || (category == Category::Utility && windows.service) {
        PricingType::FreeCustomerService
    } else {
        PricingType::Regular
    };
    (category, kind)
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

/// Storage for rate cards and the ledger.
#[async_trait]
pub trait BillingStore: Send + Sync {
    /// Store a rate card effective from `effective_from`; returns its id.
    async fn load_rate_card(&self, card: &RateCard, effective_from: Millis, loaded_at: Millis) -> StoreResult<String>;
    async fn rate_cards(&self) -> StoreResult<Vec<RateCardInfo>>;
    /// The rate for a country (or the card's default row `*`) and category, from the latest
    /// card effective at `at`; `None` when no card or no such rate.
    async fn rate(&self, country: &str, category: Category, at: Millis) -> StoreResult<Option<i64>>;
    /// The entry point of a customer on a business number, if they ever arrived through an ad.
    async fn entry_point(&self, phone_number_id: &str, wa_id: &str) -> StoreResult<Option<EntryPoint>>;
    /// Conversations of a business number (one customer's when `wa_id` is given), most recent
    /// first, with what their windows need.
    async fn conversation_windows(
        &self,
        phone_number_id: &str,
        wa_id: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ConversationWindows>>;
    /// Record a customer's stop (`stop = true`) or resume of marketing messages from a
    /// business, with its webhook rows, in one commit.
    async fn set_marketing_preference(
        &self,
        business_id: &str,
        wa_id: &str,
        stop: bool,
        at: Millis,
        outbox: &[crate::messaging::model::OutboxRow],
    ) -> StoreResult<()>;
    /// The customer stopped marketing messages from this business (and did not resume).
    async fn marketing_stopped(&self, business_id: &str, wa_id: &str) -> StoreResult<bool>;
    /// The volume tiers of a country (or of the default row when the card has no row for the
    /// country) and category, from the latest card effective at `at`, ascending.
    async fn rate_tiers(&self, country: &str, category: Category, at: Millis) -> StoreResult<Vec<(i64, i64)>>;
    /// Regular (charged) messages of a category and country delivered for a business since `from`.
    async fn month_volume(
        &self,
        business_id: &str,
        category: Category,
        country: &str,
        from: Millis,
    ) -> StoreResult<i64>;
    /// A WABA's outbound messages created in `[from, to)`, for `analytics`.
    async fn outbound_stats(
        &self,
        waba_id: &str,
        from: Millis,
        to: Millis,
    ) -> StoreResult<Vec<analytics::OutboundStat>>;
    /// Ledger rows of a WABA charged in `[from, to)`, oldest first.
    async fn ledger(&self, waba_id: &str, from: Millis, to: Millis) -> StoreResult<Vec<LedgerEntry>>;
}

/// Group ledger rows into invoice lines (by category, country, pricing type), sorted.
pub fn invoice_lines(entries: &[LedgerEntry]) -> Vec<InvoiceLine> {
    let mut map: std::collections::BTreeMap<(String, String, String), (i64, i64)> = Default::default();
    for e in entries {
        let v = map.entry((e.category.clone(), e.country.clone(), e.pricing_type.clone())).or_default();
        v.0 += 1;
        v.1 += e.amount_micros;
    }
    map.into_iter()
        .map(|((category, country, pricing_type), (messages, amount_micros))| InvoiceLine {
            category,
            country,
            pricing_type,
            messages,
            amount_micros,
        })
        .collect()
}

/// `12345678` micro-units → `"12.345678"`.
pub fn format_micros(m: i64) -> String {
    let sign = if m < 0 { "-" } else { "" };
    let a = m.unsigned_abs();
    format!("{sign}{}.{:06}", a / 1_000_000, a % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pmp_rules() {
        let none = Windows::default();
        let csw = Windows { service: true, entry_point: false };
        let fep = Windows { service: true, entry_point: true };
        assert_eq!(classify(None, csw, false), (Category::Service, PricingType::FreeCustomerService));
        assert_eq!(classify(Some("UTILITY"), csw, false), (Category::Utility, PricingType::FreeCustomerService));
        assert_eq!(classify(Some("UTILITY"), none, false), (Category::Utility, PricingType::Regular));
        assert_eq!(classify(Some("MARKETING"), csw, false), (Category::Marketing, PricingType::Regular));
        assert_eq!(
            classify(Some("MARKETING"), fep, false),
            (Category::ReferralConversion, PricingType::FreeEntryPoint)
        );
        assert_eq!(classify(None, fep, false), (Category::ReferralConversion, PricingType::FreeEntryPoint));
        assert_eq!(
            classify(Some("AUTHENTICATION"), none, true),
            (Category::AuthenticationInternational, PricingType::Regular)
        );
        assert_eq!(classify(Some("authentication"), none, false), (Category::Authentication, PricingType::Regular));
    }

    #[test]
    fn pricing_json_and_money() {
        let p = MessagePricing {
            category: Category::AuthenticationInternational,
            kind: PricingType::Regular,
            country: "IN".into(),
            amount_micros: 28_000,
            entry_point: None,
            tier: BASE_TIER.into(),
            cbp: None,
        };
        assert_eq!(
            p.to_json(),
            json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "authentication-international"})
        );
        assert_eq!(format_micros(28_000), "0.028000");
        assert_eq!(format_micros(12_345_678), "12.345678");
        assert_eq!(format_micros(-5), "-0.000005");
        assert_eq!(Category::parse("authentication_international"), Some(Category::AuthenticationInternational));
    }

    #[test]
    fn volume_tiers() {
        let tiers = [(100_000, 1_200), (1_000_000, 1_000)];
        assert_eq!(volume_tier(&tiers, 1), (None, "0:99999".into()));
        assert_eq!(volume_tier(&tiers, 100_000), (Some(1_200), "100000:999999".into()));
        assert_eq!(volume_tier(&tiers, 5_000_000), (Some(1_000), "1000000:MAX".into()));
        assert_eq!(volume_tier(&[], 7), (None, "0:MAX".into()));
    }
}
