//! Limits and quality as data: the business's messaging limit and its use, reaches, blocks,
//! customers' feedback and signals, the number's rating, and the changes the store applies.

use super::tier::Tier;
use crate::clock::Millis;

/// The messaging limit's moving window: 24 hours.
pub const LIMIT_WINDOW_MS: Millis = 24 * 3_600_000;
/// Usage that qualifies for an upgrade must be this recent: 7 days.
pub const UPGRADE_LOOKBACK_MS: Millis = 7 * 86_400_000;

/// A business's stored messaging limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessLimit {
    pub business_id: String,
    pub tier: Tier,
    pub tier_since: Millis,
    /// When at least half the limit was first / last in use, since the tier was set.
    pub half_used_first_at: Option<Millis>,
    pub half_used_last_at: Option<Millis>,
}

/// What a send outside the window needs to know, in one read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitUsage {
    pub limit: Option<BusinessLimit>,
    /// Unique customers reached in the window.
    pub unique: i64,
    /// This customer is one of them.
    pub reached: bool,
}

/// A customer reached by a business-initiated message: written with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub business_id: String,
    pub wa_id: String,
    pub at: Millis,
    pub tier: Tier,
    /// Create the business's limit row (at `tier`): it has none yet.
    pub create_row: bool,
    /// Record that half the limit is in use.
    pub half_used: bool,
}

/// Who blocked whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockSide {
    /// The customer blocked the business number.
    Customer,
    /// The business blocked the user (`block_users`).
    Business,
}

impl BlockSide {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockSide::Customer => "customer",
            BlockSide::Business => "business",
        }
    }

    pub fn parse(s: &str) -> Option<BlockSide> {
        match s {
            "customer" => Some(BlockSide::Customer),
            "business" => Some(BlockSide::Business),
            _ => None,
        }
    }
}

/// A customer's block and/or spam report of a business number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub phone_number_id: String,
    pub business_id: String,
    pub wa_id: String,
    pub at: Millis,
    pub block: bool,
    pub report: bool,
}

/// A number's quality rating, Meta's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rating {
    Green,
    Yellow,
    Red,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Green => "GREEN",
            Rating::Yellow => "YELLOW",
            Rating::Red => "RED",
        }
    }

    /// A stored rating; anything unknown (`NA`, `UNKNOWN`) reads as GREEN.
    pub fn parse(s: &str) -> Rating {
        match s {
            "YELLOW" => Rating::Yellow,
            "RED" => Rating::Red,
            _ => Rating::Green,
        }
    }
}

/// What a customer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalKind {
    Block,
    Report,
}

impl SignalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SignalKind::Block => "block",
            SignalKind::Report => "report",
        }
    }

    pub fn parse(s: &str) -> Option<SignalKind> {
        match s {
            "block" => Some(SignalKind::Block),
            "report" => Some(SignalKind::Report),
            _ => None,
        }
    }
}

/// One customer's latest signal of a kind against a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signal {
    pub kind: SignalKind,
    pub at: Millis,
}

/// The rating and what it was computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub rating: Rating,
    pub restricted: bool,
    /// Weighted signals per 1,000 messages.
    pub per_1000: f64,
    pub blocks: i64,
    pub reports: i64,
    /// Messages sent in the window (counted up to what can still change the rating).
    pub sent: i64,
}
