//! Retention of message bodies, customer erasure, and the audit log.

use async_trait::async_trait;

use super::StoreResult;
use crate::clock::Millis;
use crate::model::*;

/// Storage for retention, erasure and the audit log.
#[async_trait]
pub trait PrivacyStore: Send + Sync {
    /// Messages created before `before` that still have a body, oldest first.
    async fn bodies_before(&self, before: Millis, limit: usize) -> StoreResult<Vec<Message>>;
    /// A customer's messages that still have a body.
    async fn customer_bodies(&self, wa_id: &str) -> StoreResult<Vec<Message>>;
    /// Replace the bodies of `message_ids` (those that still have one) by `tombstone` and delete
    /// `media_ids`, in one commit; returns how many bodies went.
    async fn tombstone(
        &self,
        message_ids: &[String],
        tombstone: &serde_json::Value,
        media_ids: &[String],
        at: Millis,
    ) -> StoreResult<u64>;
    /// Erase one customer (see [`Erasure`]), in one commit.
    async fn erase_customer(&self, e: &Erasure) -> StoreResult<ErasureCounts>;

    /// Append to the audit log; returns the entry's id.
    async fn record_audit(&self, e: &AuditEntry) -> StoreResult<i64>;
    /// Audit entries, newest first.
    async fn audit_entries(&self, f: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
}
