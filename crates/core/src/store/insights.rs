//! Template analytics: a WABA's confirmation, and the counts read from the template's stored
//! messages and the customers' replies to them.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::Message;

/// One UTC day of a template's messages (by the day they were sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateDayCounts {
    /// Days since the Unix epoch.
    pub day: i64,
    /// Messages sent (not failed).
    pub sent: i64,
    /// Of them, delivered (status delivered or read).
    pub delivered: i64,
    /// Of them, read.
    pub read: i64,
}

/// Template analytics storage.
#[async_trait]
pub trait InsightsStore: Send + Sync {
    /// When the WABA confirmed template analytics, if it did.
    async fn insights_enabled_at(&self, waba_id: &str) -> StoreResult<Option<Millis>>;
    /// Confirm template analytics for the WABA; a second confirmation keeps the first time.
    async fn enable_insights(&self, waba_id: &str, at: Millis) -> StoreResult<()>;
    /// Per UTC day, the template's messages sent in `[from, to)`, days in order.
    async fn template_day_counts(
        &self,
        template_id: &str,
        from: Millis,
        to: Millis,
    ) -> StoreResult<Vec<TemplateDayCounts>>;
    /// The customers' quick-reply button replies (`button` messages) to the template's
    /// messages, received in `[from, to)`.
    async fn template_button_replies(&self, template_id: &str, from: Millis, to: Millis) -> StoreResult<Vec<Message>>;
}
