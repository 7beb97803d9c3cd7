//! Rate cards, the ledger, entry points, marketing preferences and analytics reads.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::*;

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
    /// Whether any customer ever arrived at a business number through an ad (one read, so a
    /// number without ads needs no read per customer).
    async fn has_entry_points(&self, phone_number_id: &str) -> StoreResult<bool>;
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
        outbox: &[crate::model::OutboxRow],
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
    async fn outbound_stats(&self, waba_id: &str, from: Millis, to: Millis) -> StoreResult<Vec<OutboundStat>>;
    /// Ledger rows of a WABA charged in `[from, to)`, oldest first.
    async fn ledger(&self, waba_id: &str, from: Millis, to: Millis) -> StoreResult<Vec<LedgerEntry>>;
}
