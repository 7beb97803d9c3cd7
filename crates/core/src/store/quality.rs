//! Messaging limits, blocks and quality signals.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::*;

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
