//! Subscriptions and the webhook outbox.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::*;

/// Which deliveries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryFilter {
    /// Only this business (scoped callers).
    pub business_id: Option<String>,
    pub state: Option<DeliveryState>,
    /// Only rows last attempted at this callback URL.
    pub endpoint: Option<String>,
    /// Rows with id below this (newest-first paging).
    pub before_id: Option<i64>,
    /// Rows changed after this `(updated_at, id)`, oldest change first (for `tail`).
    pub changed_after: Option<(Millis, i64)>,
    pub limit: usize,
}

/// Storage for subscriptions and the outbox.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Create or replace an app's subscription for its object.
    async fn put_app_subscription(&self, s: &AppSubscription) -> StoreResult<()>;
    /// Subscriptions of one app, or of every app of a business.
    async fn app_subscriptions(
        &self,
        app_id: Option<&str>,
        business_id: Option<&str>,
    ) -> StoreResult<Vec<AppSubscription>>;
    async fn delete_app_subscription(&self, app_id: &str, object: &str) -> StoreResult<bool>;

    async fn put_waba_subscription(&self, s: &WabaSubscription) -> StoreResult<()>;
    /// Apps subscribed to a WABA, oldest first.
    async fn waba_subscriptions(&self, waba_id: &str) -> StoreResult<Vec<WabaSubscription>>;
    async fn delete_waba_subscription(&self, waba_id: &str, app_id: &str) -> StoreResult<bool>;

    async fn put_number_override(&self, o: &NumberOverride) -> StoreResult<()>;
    async fn number_override(&self, phone_number_id: &str) -> StoreResult<Option<NumberOverride>>;
    async fn delete_number_override(&self, phone_number_id: &str) -> StoreResult<bool>;

    /// Queue changes (state `pending`, due at `created_at`); returns their ids. A change that
    /// reports another write is queued in that write's own plan instead (each store area adds
    /// its outbox insert to the plan), so the two commit together.
    async fn enqueue(&self, events: &[NewOutboxEvent]) -> StoreResult<Vec<i64>>;

    /// Lease up to `limit` due rows to `owner` until `lease_until`, oldest first. A row is due
    /// when it is pending, `next_attempt_at <= now`, not leased (or its lease ended before
    /// `lease_now`), and no earlier pending row of its ordering key is waiting for a retry or
    /// holds a lease. `now` is the service clock (the sandbox clock moves it); leases are in
    /// wall-clock milliseconds (`lease_now`, `lease_until`), so moving the sandbox clock never
    /// ends a lease while its POST is in flight. At most `per_key` rows of one ordering key are
    /// leased (the most one POST carries): its later rows wait for them, so the worker never
    /// leases rows it cannot send yet.
    async fn claim_due(
        &self,
        now: Millis,
        owner: &str,
        lease_now: Millis,
        lease_until: Millis,
        limit: usize,
        per_key: usize,
    ) -> StoreResult<Vec<Delivery>>;
    /// Apply attempt results (only rows still leased by `owner`).
    async fn record_attempts(&self, owner: &str, results: &[AttemptResult]) -> StoreResult<()>;
    /// Give leased rows back without an attempt.
    async fn release(&self, owner: &str, ids: &[i64]) -> StoreResult<()>;
    /// Drop every lease (single-node SQLite at start: the previous process is gone).
    async fn release_all_leases(&self) -> StoreResult<u64>;
    /// The earliest `next_attempt_at` of a pending row.
    async fn next_due_at(&self) -> StoreResult<Option<Millis>>;

    async fn deliveries(&self, filter: &DeliveryFilter) -> StoreResult<Vec<Delivery>>;
    async fn delivery(&self, id: i64) -> StoreResult<Option<Delivery>>;
    /// Make rows pending again, due now, with a fresh retry window. `ids` empty = every dead row
    /// (of `business_id` when given). Returns how many.
    async fn replay(&self, ids: &[i64], business_id: Option<&str>, now: Millis) -> StoreResult<u64>;

    async fn set_endpoint_paused(&self, url: &str, paused: bool, now: Millis) -> StoreResult<()>;
    async fn endpoints(&self) -> StoreResult<Vec<EndpointState>>;
    async fn outbox_stats(&self) -> StoreResult<OutboxStats>;
    /// [`Self::outbox_stats`] of one business's changes.
    async fn business_outbox_stats(&self, business_id: &str) -> StoreResult<OutboxStats>;
    /// Delete delivered rows delivered before `before`; returns how many.
    async fn purge_delivered(&self, before: Millis, limit: usize) -> StoreResult<u64>;
}
