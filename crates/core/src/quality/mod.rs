//! Messaging limits, the quality rating and blocks.
//!
//! - [`tier`]: the portfolio's messaging limit tiers; a business-initiated template (outside a
//!   customer service window) to a customer not reached in the last 24 hours counts one unique
//!   customer; beyond the tier's limit the send fails with 131048. Automatic upgrade to the
//!   next tier once at least half the limit was used in the last 7 days, `check_interval`
//!   after that first happened, while every number of the business is GREEN.
//! - [`rating`]: GREEN / YELLOW / RED per number from blocks and spam reports.
//! - Blocks both ways: a customer blocks a business number (the business's messages then fail
//!   with 131026, uncharged); a business blocks users (`block_users`, [`blocklist`]).
//! - [`events`]: `phone_number_quality_update` and `business_capability_update`.
//! - [`service`]: the rules over storage and the clock; [`QualityStore`]: what it stores.

pub mod blocklist;
pub mod events;
pub mod rating;
pub mod service;
pub mod tier;

use async_trait::async_trait;

use crate::clock::Millis;
use crate::messaging::model::OutboxRow;
use crate::model::{Page, PageRequest};
use crate::store::StoreResult;

pub use rating::{Rating, RatingConfig, Score, Signal, SignalKind};
pub use service::QualityService;
pub use tier::Tier;

/// The messaging limit's moving window: 24 hours.
pub const LIMIT_WINDOW_MS: Millis = 24 * 3_600_000;
/// Usage that qualifies for an upgrade must be this recent: 7 days.
pub const UPGRADE_LOOKBACK_MS: Millis = 7 * 86_400_000;

/// Settings of limits and quality.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityConfig {
    /// The tier of a business that has none yet.
    pub start_tier: Tier,
    /// Automatic upgrades on.
    pub upgrades: bool,
    /// How long after half the limit was first used the upgrade happens (Meta: within ~6 h).
    pub upgrade_delay_ms: Millis,
    pub rating: RatingConfig,
}

impl Default for QualityConfig {
    fn default() -> Self {
        QualityConfig {
            start_tier: Tier::T250,
            upgrades: true,
            upgrade_delay_ms: 6 * 3_600_000,
            rating: RatingConfig::default(),
        }
    }
}

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

/// A tier change, applied only if the business's limit row is still `expected`.
#[derive(Debug, Clone)]
pub struct TierChange<'a> {
    pub business_id: &'a str,
    pub expected: Option<&'a BusinessLimit>,
    pub tier: Tier,
    pub at: Millis,
    pub outbox: &'a [OutboxRow],
}

/// A number's new rating and status, applied only over `expected_rating` / `expected_status`.
#[derive(Debug, Clone)]
pub struct RatingChange<'a> {
    pub phone_number_id: &'a str,
    pub expected_rating: &'a str,
    pub expected_status: &'a str,
    pub rating: &'a str,
    pub status: &'a str,
    pub outbox: &'a [OutboxRow],
}

/// Storage of limits, blocks and quality signals.
#[async_trait]
pub trait QualityStore: Send + Sync {
    /// The business's limit row, its unique customers reached since `since`, and whether
    /// `wa_id` is one of them: one read.
    async fn limit_usage(&self, business_id: &str, wa_id: &str, since: Millis) -> StoreResult<LimitUsage>;
    async fn business_limit(&self, business_id: &str) -> StoreResult<Option<BusinessLimit>>;
    /// Set the tier (resetting the usage marks), the numbers' `messaging_limit_tier`, and queue
    /// `outbox`; false (nothing written) when the row is no longer `expected`.
    async fn change_tier(&self, change: &TierChange<'_>) -> StoreResult<bool>;
    /// Businesses that first used half their limit before `first_before` and last after
    /// `last_after`, below the unlimited tier.
    async fn limits_due(&self, first_before: Millis, last_after: Millis, limit: usize) -> StoreResult<Vec<String>>;

    /// Blocks of a number, both sides: `(wa_id, side)`.
    async fn number_blocks(&self, phone_number_id: &str) -> StoreResult<Vec<(String, BlockSide)>>;
    /// Numbers this customer blocked.
    async fn customer_blocks(&self, wa_id: &str) -> StoreResult<Vec<String>>;
    /// Record a customer's block (if not blocked yet) and/or report, with their quality
    /// signals; true when the chat was newly blocked.
    async fn record_feedback(&self, f: &Feedback) -> StoreResult<bool>;
    /// A block by the business; true when new.
    async fn add_block(&self, phone_number_id: &str, wa_id: &str, side: BlockSide, at: Millis) -> StoreResult<bool>;
    /// Remove a block; true when there was one.
    async fn remove_block(&self, phone_number_id: &str, wa_id: &str, side: BlockSide) -> StoreResult<bool>;
    async fn count_blocks(&self, phone_number_id: &str, side: BlockSide) -> StoreResult<i64>;
    /// Blocked users' wa_ids in order, paged by wa_id.
    async fn page_blocks(
        &self,
        phone_number_id: &str,
        side: BlockSide,
        page: &PageRequest,
    ) -> StoreResult<Page<String>>;

    /// Customers' latest signals against a number since `since`.
    async fn signals(&self, phone_number_id: &str, since: Millis) -> StoreResult<Vec<Signal>>;
    /// Outbound messages the number sent (not failed) since `since`, counted up to `cap`.
    async fn count_sent(&self, phone_number_id: &str, since: Millis, cap: i64) -> StoreResult<i64>;
    /// Apply a rating change with its webhooks; false when the number changed meanwhile.
    async fn change_rating(&self, change: &RatingChange<'_>) -> StoreResult<bool>;
    /// Numbers whose rating is not GREEN (they recover as signals age).
    async fn numbers_not_green(&self, limit: usize) -> StoreResult<Vec<String>>;
    /// Forget reaches before `reach_before` and signals before `signals_before`.
    async fn prune_quality(&self, reach_before: Millis, signals_before: Millis) -> StoreResult<u64>;
}
